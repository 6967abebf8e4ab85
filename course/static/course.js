// Course chrome behaviour that needs no Python: the chapter quiz, embed snippets with absolute URLs,
// and their copy buttons. The same file runs under `panel serve` and in the static site.
// A classic deferred script: the block keeps every name out of the page's globals (in strict mode a
// function declared in a block belongs to the block).
"use strict";
{
  // (The table of contents folds on a phone in the page itself, before the first paint: page.html.)

  /** Each embed snippet shows the sim's absolute iframe code, with a copy button. */
  function setUpEmbedSnippets() {
    for (const box of document.querySelectorAll(".embed-snippet")) {
      const area = box.querySelector(".embed-code");
      const url = new URL(area.dataset.src, window.location.href).href;
      const safe = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
      area.value = `<iframe src="${safe}" width="100%" height="${area.dataset.height}" style="border:0" loading="lazy" title="${box.dataset.sim} simulation"></iframe>`;
      const status = box.querySelector(".copy-status");
      box.querySelector(".copy-embed").addEventListener("click", async () => {
        area.select();
        try {
          await navigator.clipboard.writeText(area.value);
          status.textContent = "Copied.";
        } catch (err) {
          // Clipboard API refused (http page, permissions): the text is selected for Ctrl+C instead.
          status.textContent = document.execCommand && document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.";
        }
      });
    }
  }

  // The quiz (course/quiz.py): each question is a fieldset of radios; its verdicts wait in
  // <template> elements. Picking an option shows its verdict; the score counts every question.
  function setUpQuizzes() {
    for (const quiz of document.querySelectorAll("section.quiz")) {
      const questions = Array.from(quiz.querySelectorAll(".quiz-question"));
      const score = quiz.querySelector(".quiz-score");
      const update = () => {
        let answered = 0, right = 0;
        for (const q of questions) {
          const picked = q.querySelector("input[type=radio]:checked");
          if (!picked) continue;
          answered += 1;
          if (picked.value === q.dataset.correct) right += 1;
        }
        const total = questions.length;
        score.textContent = answered === total
          ? `Score: ${right} of ${total} right.`
          : `Score: ${right} of ${total} right so far (${answered} of ${total} answered).`;
      };
      for (const q of questions) {
        const status = q.querySelector(".quiz-status");
        q.addEventListener("change", (event) => {
          const input = event.target;
          if (!input.matches("input[type=radio]")) return;
          const why = q.querySelector(`template.quiz-why[data-option="${input.value}"]`);
          const right = why.dataset.right === "true";
          status.className = `quiz-status quiz-feedback ${right ? "quiz-right" : "quiz-wrong"}`;
          status.innerHTML = why.innerHTML;
          for (const label of q.querySelectorAll(".quiz-option")) label.classList.remove("picked");
          input.closest(".quiz-option").classList.add("picked");
          update();
        });
      }
      update();
    }
  }

  setUpEmbedSnippets();
  setUpQuizzes();

  // Names for the widgets Bokeh and Panel draw without one (axe-core's button-name, label and
  // aria-input-field-name): the frame player's icon buttons and range, and every slider handle.
  // They live in shadow roots and appear when Bokeh renders (later, for sims that start when
  // scrolled to), so the walk repeats for a while after load and whenever the page changes.
  const PLAYER_BUTTONS = { slower: "Slower", first: "First frame", previous: "Previous frame",
    reverse: "Play backwards", pause: "Pause", play: "Play", next: "Next frame", last: "Last frame",
    faster: "Faster" };
  // The page's focus ring and reduced-motion rules, for the inside of every shadow root too: the
  // page's CSS stops at a shadow boundary, and Bokeh's own focus style is a faint 1 px dotted line.
  // One constructed sheet, adopted by each root (adopted sheets come after a root's own <style>s,
  // and Bokeh never reassigns adoptedStyleSheets, so re-renders keep it).
  const SHADOW_CSS = `
    :focus-visible { outline: 3px solid var(--focus-ring, #107b71) !important; outline-offset: 2px !important; }
    .bk-btn-group > :focus-visible { z-index: 1; }   /* a flex item: drawn above its neighbours, ring and all */
    @media (prefers-reduced-motion: reduce) {
      *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
    }`;
  let shadowSheet = null;
  try { shadowSheet = new CSSStyleSheet(); shadowSheet.replaceSync(SHADOW_CSS); } catch (err) { shadowSheet = null; }
  const adopt = (root) => {
    if (!shadowSheet || !(root instanceof ShadowRoot) || root.adoptedStyleSheets.includes(shadowSheet)) return;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, shadowSheet];
  };
  // Whatever gets focus, however late its widget was drawn, has the ring by then.
  document.addEventListener("focusin", (event) => adopt(event.composedPath()[0].getRootNode()), true);

  // Plots: each Bokeh figure is an image with a name and a short text alternative made from what it
  // draws (its title, axes and legend), and no longer a Tab stop of its own: Bokeh makes every
  // canvas's event layer focusable, but no course plot takes keys there (a plot that does, such as
  // the attention picture, is focusable on its own element and names itself).
  const axisText = (axes) => {
    const axis = (axes || []).find((a) => a.visible && a.axis_label);
    return axis ? String(axis.axis_label) : "";
  };
  const describe = (model) => {
    const title = model.title && model.title.text ? String(model.title.text) : "Plot";
    const x = axisText(model.below), y = axisText(model.left);
    const series = [];
    for (const legend of [...model.center, ...model.above, ...model.below, ...model.left, ...model.right]) {
      if (!legend.items) continue;
      for (const item of legend.items) {
        const label = item.label && (item.label.value !== undefined ? item.label.value : item.label);
        if (label && typeof label === "string") series.push(label);
      }
    }
    let text = title;
    if (x && y) text += `: ${y} against ${x}`;
    else if (x || y) text += `: chart of ${x || y}`;
    else text += ": picture";
    if (series.length) text += `; shows ${series.join(", ")}`;
    return text + ".";
  };
  const describePlots = (root) => {
    for (const layer of root.querySelectorAll(".bk-events[tabindex]")) layer.removeAttribute("tabindex");
    if (!(root instanceof ShadowRoot) || !root.host.classList.contains("bk-Figure") || !window.Bokeh) return;
    const host = root.host;
    if (host.hasAttribute("aria-label") || host.hasAttribute("role")) return;
    const view = Bokeh.index && Bokeh.index.query_one((v) => v.el === host);
    if (!view) return;
    host.setAttribute("role", "img");
    host.setAttribute("aria-label", describe(view.model));
  };
  const labelPlayers = (root) => {
    for (const host of root.querySelectorAll(".bk-panel-models-widgets-Player")) {
      const player = host.shadowRoot || host;          // the buttons sit in the player's own shadow root
      for (const button of player.querySelectorAll("button")) {
        const kind = Object.keys(PLAYER_BUTTONS).find((k) => button.classList.contains(k));
        if (kind && !button.hasAttribute("aria-label")) button.setAttribute("aria-label", PLAYER_BUTTONS[kind]);
        for (const icon of button.querySelectorAll("svg")) icon.setAttribute("aria-hidden", "true");  // the button's name says it
      }
      for (const range of player.querySelectorAll("input[type=range]")) {
        if (!range.hasAttribute("aria-label")) range.setAttribute("aria-label", "Frame");
      }
    }
  };
  const labelSliders = (root) => {
    for (const handle of root.querySelectorAll(".noUi-handle")) {
      if (handle.hasAttribute("aria-label")) continue;
      const title = root.querySelector(".bk-slider-title");     // each slider has a shadow root of its own
      const name = title ? title.textContent.replace(/:.*$/s, "").trim() : "";
      if (name) handle.setAttribute("aria-label", name);
    }
  };
  const labelButtonGroups = (root) => {
    // A button group (a choice of one, e.g. a sim's aspect or model) is a radio group: named by the
    // label shown above it (base.py `_labelled` puts it in the previous element), each button a
    // radio whose checked state follows Bokeh's `bk-active` class.
    for (const group of root.querySelectorAll(".bk-btn-group")) {
      if (group.getAttribute("role") === "radiogroup") continue;
      const labelHost = root.host && root.host.previousElementSibling;
      const label = labelHost && labelHost.shadowRoot && labelHost.shadowRoot.querySelector(".control-label");
      group.setAttribute("role", "radiogroup");
      if (label) group.setAttribute("aria-label", label.textContent.trim());
      const sync = () => {
        for (const button of group.querySelectorAll("button")) {
          button.setAttribute("role", "radio");
          button.setAttribute("aria-checked", String(button.classList.contains("bk-active")));
        }
      };
      sync();
      new MutationObserver(sync).observe(group, { attributes: true, subtree: true, attributeFilter: ["class"] });
    }
  };
  // A box that scrolls sideways on a narrow screen (a code block, a wide prose table, the recap
  // sim's diagram) must be reachable by Tab for a keyboard to scroll it (WCAG 2.1.1; axe's
  // scrollable-region-focusable): a named region in the Tab order.
  const SCROLL_BOXES = { PRE: "Code", TABLE: "Table", DIV: "Figure" };
  const reachScrollBoxes = (root) => {
    for (const box of root.querySelectorAll("pre, table, .bk-Column")) {
      if (box.hasAttribute("tabindex") || !/auto|scroll/.test(getComputedStyle(box).overflowX)) continue;
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", `${SCROLL_BOXES[box.tagName]} (scrolls sideways on a narrow screen)`);
    }
  };
  const labelIn = (root) => {
    reachScrollBoxes(root);
    labelPlayers(root);
    labelSliders(root);
    labelButtonGroups(root);
    describePlots(root);
    adopt(root);
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) labelIn(el.shadowRoot);
  };
  const labelAll = () => labelIn(document);
  let rounds = 0;
  const timer = setInterval(() => { labelAll(); if (++rounds > 30) clearInterval(timer); }, 500);
  let queued = false;                                  // one walk per frame, however many changes
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; labelAll(); });
  }).observe(document.body, { childList: true, subtree: true });
}
