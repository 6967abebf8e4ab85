// The layout problems a browser can measure on a page of the course, in words. export/screenshots.py
// evaluates these functions in each page (LAYOUT_PROBLEMS_JS wraps them) and prints what they find;
// tests/test_phone_layout.py asserts they find nothing at 320 and 375 px.

/** The element's parent, across a shadow root's boundary to its host. */
const up = (el) => el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);

const short = (text) => JSON.stringify(text.trim().replace(/\s+/g, " ").slice(0, 40));

/** The page scrolls sideways; text outside the viewport or cut by a box that hides its overflow. */
function pageTextProblems(problems) {
  const vw = window.innerWidth;
  const overflow = document.documentElement.scrollWidth - vw;
  if (overflow > 1) problems.push(`the page scrolls sideways by ${overflow}px`);
  const SKIP = new Set(["SCRIPT", "STYLE", "TITLE", "NOSCRIPT", "TEMPLATE", "OPTION", "TEXTAREA"]);
  const range = document.createRange();
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || SKIP.has(el.tagName) || !node.textContent.trim()) continue;
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;                  // not drawn (hidden, collapsed)
      const style = getComputedStyle(el);
      if (style.visibility !== "visible" || Number(style.opacity) === 0) continue;
      let clipped = null, scrolls = false;
      for (let box = el; box; box = up(box)) {
        const s = getComputedStyle(box);
        if (s.display === "contents") continue;
        if (s.overflowX === "auto" || s.overflowX === "scroll") { scrolls = true; break; }
        if (s.overflowX === "hidden" || s.overflowX === "clip" || s.overflowY === "hidden" || s.overflowY === "clip") {
          const b = box.getBoundingClientRect();
          if (b.width > 1 && b.height > 1 &&                           // a 1 px box is a screen-reader-only label
              (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)) {
            clipped = box; break;
          }
        }
      }
      if (scrolls) continue;
      if (clipped) problems.push(`text ${short(node.textContent)} is cut by its ${clipped.tagName.toLowerCase()}.${String(clipped.className).split(" ")[0]}`);
      else if (r.left < -1 || r.right > vw + 1) problems.push(`text ${short(node.textContent)} runs outside the viewport (${Math.round(r.left)} to ${Math.round(r.right)} px)`);
    }
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) visit(el.shadowRoot);
  };
  visit(document);
}

/** Plot titles and axis labels wider than the room Bokeh gives them on the canvas. */
function canvasTextProblems(problems) {
  // Canvas text: titles and axis labels, measured with the font Bokeh draws them in.
  if (window.Bokeh && Bokeh.index) {
    const ctx = document.createElement("canvas").getContext("2d");
    const width = (text, font) => { ctx.font = font; return Math.max(...String(text).split("\n").map((l) => ctx.measureText(l).width)); };
    for (const view of Bokeh.index.query((v) => v.model.title !== undefined && v.frame !== undefined && v.canvas_view)) {
      if (!view.el.isConnected || view.el.getBoundingClientRect().width < 1) continue;
      const model = view.model, frame = view.frame.bbox, canvas = view.canvas_view.bbox;
      const title = model.title && model.title.text;
      if (title && model.title.visible) {
        const t = model.title;
        const w = width(title, `${t.text_font_style} ${t.text_font_size} ${t.text_font}`);
        if (frame.left + w > canvas.width + 1) problems.push(`plot title ${short(title)} is ${Math.round(w)}px wide, ${Math.round(canvas.width - frame.left)}px fit`);
      }
      for (const axis of model.below) {
        if (!axis.visible || !axis.axis_label) continue;
        const w = width(axis.axis_label, `${axis.axis_label_text_font_style} ${axis.axis_label_text_font_size} ${axis.axis_label_text_font}`);
        if (w > canvas.width + 1) problems.push(`axis label ${short(axis.axis_label)} is ${Math.round(w)}px wide on a ${Math.round(canvas.width)}px plot`);
      }
      for (const axis of model.left) {
        if (!axis.visible || !axis.axis_label) continue;
        const w = width(axis.axis_label, `${axis.axis_label_text_font_style} ${axis.axis_label_text_font_size} ${axis.axis_label_text_font}`);
        if (w > canvas.height + 1) problems.push(`axis label ${short(axis.axis_label)} is ${Math.round(w)}px long on a ${Math.round(canvas.height)}px tall plot`);
      }
    }
  }
}

/** Text glyphs (labels drawn in data space) cut by the plot's frame, or on top of one another. */
function glyphProblems(problems) {
  // Text glyphs (labels drawn in data space): cut by the plot's frame, or on top of one another.
  // A label wholly outside the frame is hidden on purpose (a sim parks what it does not show there).
  if (window.Bokeh && Bokeh.index) {
    for (const plot of Bokeh.index.query((v) => v.model.title !== undefined && v.frame !== undefined)) {
      if (!plot.el.isConnected || plot.el.getBoundingClientRect().width < 1) continue;
      const frame = plot.frame.bbox, boxes = [];
      const texts = [...Bokeh.index.query((v) => v.plot_view === plot && v.model.visible && v.glyph && v.glyph.swidth && v.glyph.labels)];
      for (const renderer of texts) {
        const g = renderer.glyph;
        // Bokeh clips the image, underlay and glyph levels to the frame; the levels above it draw on
        // the whole canvas (a label may sit in the border a figure keeps for it).
        const clipped = ["image", "underlay", "glyph"].includes(renderer.model.level);
        const edge = clipped ? frame : { left: 0, top: 0, right: plot.canvas_view.bbox.width, bottom: plot.canvas_view.bbox.height };
        for (let i = 0; i < g.sx.length; i++) {
          if (!g.labels[i] || g.angle.get(i) !== 0 || !g.visuals.text.v_doit(i)) continue;   // none, turned, or transparent
          const a = g.anchor_.get(i);
          const left = g.sx[i] + g.x_offset.get(i) - a.x * g.swidth[i], top = g.sy[i] + g.y_offset.get(i) - a.y * g.sheight[i];
          const box = { left, top, right: left + g.swidth[i], bottom: top + g.sheight[i], text: String(g.text.get(i)) };
          if (!isFinite(left + top) || !box.text.trim()) continue;
          const outside = box.right <= edge.left || box.left >= edge.right || box.bottom <= edge.top || box.top >= edge.bottom;
          if (outside) continue;
          if (box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1 || box.bottom > edge.bottom + 1) {
            problems.push(`plot ${short(plot.model.title.text || "")}: label ${short(box.text)} is cut by the plot's edge`);
          }
          boxes.push(box);
        }
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const p = boxes[i], q = boxes[j];
          const dx = Math.min(p.right, q.right) - Math.max(p.left, q.left), dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
          if (dx > 2 && dy > 2) problems.push(`plot ${short(plot.model.title.text || "")}: labels ${short(p.text)} and ${short(q.text)} overlap`);
        }
      }
    }
  }
}

const CONTROLS = "button, input:not([type=hidden]), select, textarea, [role=slider], [role=radio], [role=button], [role=checkbox]";

/** Every element in the document and in the shadow roots under it (Panel draws its widgets there). */
function allElements(root = document, out = []) {
  for (const el of root.querySelectorAll("*")) {
    out.push(el);
    if (el.shadowRoot) allElements(el.shadowRoot, out);
  }
  return out;
}

/** Controls smaller than 24 x 24 CSS px without WCAG 2.2's spacing exception (2.5.8 Target Size,
 *  Minimum): a 24 px circle on an undersized target's centre may touch no other target, nor the
 *  circle of another undersized one. Links count inside controls and navigation, not in prose. */
function touchTargetProblems(problems) {
  const inLinkArea = (el) => { for (let e = el; e; e = e.parentElement || (e.getRootNode().host ?? null)) if (e.matches?.(".sim, nav, .course-toc, .chapter-list")) return true; return false; };
  const seen = new Set(), targets = [];
  for (const el of allElements()) {
    const isControl = el.matches(CONTROLS), isLink = el.tagName === "A" && el.hasAttribute("href") && inLinkArea(el);
    if (!(isControl || isLink) || el.disabled) continue;
    // A native radio or checkbox is pressed through its label too: a label round it or beside it
    // is part of its target.
    let box = el.getBoundingClientRect();
    for (const label of el.labels || []) {
      const r = label.getBoundingClientRect();
      if (r.width > 0 && (label.contains(el) || distanceToBox((box.left + box.right) / 2, (box.top + box.bottom) / 2, r) < 16)) box = union(box, r);
    }
    if (box.width < 2 || box.height < 2 || getComputedStyle(el).visibility !== "visible" || el.closest("[aria-hidden=true]")) continue;
    if ([...seen].some((outer) => outer.contains(el))) continue;        // a control inside a control: one target
    seen.add(el);
    targets.push({ el, box, small: box.width < 23.5 || box.height < 23.5 });
  }
  const name = (el) => short(el.getAttribute("aria-label") || el.textContent || el.getAttribute("title") || el.value || "") || "(unnamed)";
  for (const t of targets.filter((t) => t.small)) {
    const cx = (t.box.left + t.box.right) / 2, cy = (t.box.top + t.box.bottom) / 2;
    const clash = targets.find((o) => o !== t && (distanceToBox(cx, cy, o.box) < 12 ||
      (o.small && Math.hypot(cx - (o.box.left + o.box.right) / 2, cy - (o.box.top + o.box.bottom) / 2) < 24)));
    if (clash) problems.push(`${t.el.tagName.toLowerCase()} ${name(t.el)} is a ${Math.round(t.box.width)}x${Math.round(t.box.height)}px target, under 24px and ${Math.round(distanceToBox(cx, cy, clash.box))}px from ${clash.el.tagName.toLowerCase()} ${name(clash.el)}`);
  }
}

function union(a, b) {
  const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top), right = Math.max(a.right, b.right), bottom = Math.max(a.bottom, b.bottom);
  return { left, top, right, bottom, width: right - left, height: bottom - top };
}

function distanceToBox(x, y, box) {
  const dx = Math.max(box.left - x, 0, x - box.right), dy = Math.max(box.top - y, 0, y - box.bottom);
  return Math.hypot(dx, dy);
}

/** Legends cut by their canvas, or drawn over the data: a legend inside the frame may cover no
 *  point of a glyph (a line's vertices and the midpoints between them, a marker's centre). */
function legendProblems(problems) {
  if (!(window.Bokeh && Bokeh.index)) return;
  for (const legend of Bokeh.index.query((v) => v.model.items !== undefined && v.model.orientation !== undefined && v.bbox)) {
    const plot = legend.plot_view;
    if (!plot || !plot.el.isConnected || plot.el.getBoundingClientRect().width < 1 || !legend.model.visible) continue;
    const b = legend.bbox, canvas = plot.canvas_view.bbox, frame = plot.frame.bbox;
    const title = short(plot.model.title ? plot.model.title.text || "" : "");
    if (b.width < 1 || b.height < 1) continue;                       // no items shown
    if (b.left < -1 || b.top < -1 || b.right > canvas.width + 1 || b.bottom > canvas.height + 1) {
      problems.push(`plot ${title}: its legend (${Math.round(b.width)}x${Math.round(b.height)}px) is cut by the canvas`);
    }
    const inFrame = b.right > frame.left && b.left < frame.right && b.bottom > frame.top && b.top < frame.bottom;
    if (!inFrame) continue;
    const inside = (x, y) => x > b.left && x < b.right && y > b.top && y < b.bottom;
    for (const r of Bokeh.index.query((v) => v.plot_view === plot && v.glyph && v.model.visible && v.glyph.sx && v.glyph.sy)) {
      const { sx, sy } = r.glyph;
      let covered = false;
      for (let i = 0; i < sx.length && !covered; i++) {
        covered = inside(sx[i], sy[i]) || (i > 0 && inside((sx[i] + sx[i - 1]) / 2, (sy[i] + sy[i - 1]) / 2));
      }
      if (covered) { problems.push(`plot ${title}: its legend covers data`); break; }
    }
  }
}

/** A control or figure that sticks out of its sim's column (over the card's padding, or past the
 *  screen's edge before anything clips it). */
function simOverflowProblems(problems) {
  const PARTS = `${CONTROLS}, .bk-Figure, .bk-panel-models-widgets-Player`;
  for (const sim of allElements().filter((el) => el.classList.contains("sim"))) {
    const s = sim.getBoundingClientRect(), reported = new Set();
    if (s.width < 1) continue;
    for (const el of allElements(sim.shadowRoot || sim)) {
      if (!el.matches(PARTS)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || getComputedStyle(el).visibility !== "visible") continue;
      let scrolls = false;                          // a scroll box inside the sim holds what is wider
      for (let box = up(el); box && box !== sim && !scrolls; box = up(box)) scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
      if (scrolls) continue;
      const out = Math.max(s.left - r.left, r.right - s.right);
      let inner = false;                            // said once, of the outermost part that sticks out
      for (let box = up(el); box && box !== sim && !inner; box = up(box)) inner = reported.has(box);
      if (out > 1 && !inner) reported.add(el), problems.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} sticks out of ${sim.className.split(" ").pop()} by ${Math.round(out)}px`);
    }
  }
}
