// Chapter 7's inspector: a look inside the run the reader started. Closed by default (the plain
// run stays on the fast graph); opened, the generator asks the worker to run the inspection graph
// (model/inspection.py) and this panel receives, after every step, the latent, the clean guess,
// both velocities and every block's attention maps, and draws:
//   - the spacetime latent and the clean guess, one small image per channel and time-slice;
//   - the patch grid: pick a token (pointer or arrow keys) to see what it covers;
//   - the token's self-attention for a block and head, split into same-slice and other-slice
//     shares beside uniform attention's, for each model that ran (the per-frame map has nothing
//     outside its slice);
//   - its cross-attention to the prompt's words;
//   - where guidance pulls hardest (|v_cond - v_uncond| per token) and the step at w = 0 and 1.
// Every map is drawn as HTML cells or canvases with the numbers in text beside them.

import { LABELS, make } from "./dom.js";
import { attentionRow, crossRow, guidancePull, layout, meanRows, rmsDistance, shares, stepUnder, tokenInfo, top }
  from "./inspection.js";

const CELL = 4;                        // CSS pixels per latent cell in the latent pictures
const RANGE = 3;                       // latent values from -RANGE (black) to RANGE (white)
const pct = (x) => `${(100 * x).toFixed(1)}%`;

export const INSPECTOR_CSS = `
.gen details.inspector { border: 1px solid #cbd2d9; border-radius: 6px; padding: 6px 10px; }
.gen details.inspector > summary { cursor: pointer; font-weight: 600; min-height: 28px; line-height: 28px; }
.gen .insp { display: grid; gap: 14px; margin-top: 8px; }
.gen .insp h4 { margin: 0 0 4px; font-size: 15px; }
.gen .insp p { margin: 4px 0; font-size: 14px; }
.gen .insp .row { display: flex; flex-wrap: wrap; gap: 14px; align-items: end; }
.gen .insp .row > div { display: grid; gap: 2px; font-size: 14px; }
.gen .insp input[type=range] { width: 220px; max-width: 100%; }
.gen .insp canvas.latent { image-rendering: pixelated; background: #111; max-width: 100%; }
.gen .insp .maps { display: flex; flex-wrap: wrap; gap: 16px; }
.gen .insp .grid { display: flex; flex-wrap: wrap; gap: 8px; }
.gen .insp .slice { display: grid; gap: 2px; grid-template-columns: repeat(var(--grid), 22px); }
.gen .insp .slice > span { grid-column: 1 / -1; font-size: 12px; }
.gen .insp button.cell { width: 22px; height: 22px; padding: 0; border: 1px solid #9aa5b1; border-radius: 2px;
                         background: #fff; cursor: pointer; }
.gen .insp button.cell[aria-pressed=true] { outline: 3px solid var(--ink); outline-offset: 0; }
.gen .insp .bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: 2px 8px;
                   font-size: 14px; align-items: center; max-width: 420px; }
.gen .insp .bar { height: 12px; background: var(--teal); min-width: 1px; }
.gen .insp table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
.gen .insp td, .gen .insp th { border-bottom: 1px solid #e4e7eb; padding: 2px 8px; text-align: left; }
`;

function field(label, input, extra = []) {
  return make("div", {}, [make("label", { htmlFor: input.id, text: label }), make("span", {}, [input, ...extra])]);
}

function options(select, entries) {
  select.replaceChildren(...entries.map(([value, text]) => make("option", { value, text })));
}

/** A grid of token cells, slice by slice, with a roving tab stop; `onPick(token)` on click/keys. */
class TokenGrid {
  constructor(label, onPick) {
    this.el = make("div", { class: "grid", role: "group", "aria-label": label });
    this.label = label;
    this.onPick = onPick;
    this.cells = [];
  }

  build(geo) {
    this.geo = geo;
    this.cells = [];
    this.el.replaceChildren();
    for (let s = 0; s < geo.slices; s++) {
      const first = s * geo.framesPerSlice;
      const box = make("div", { class: "slice", role: "group", "aria-label": `slice ${s} (frames ${first}–${first + geo.framesPerSlice - 1})` },
                       [make("span", { text: `slice ${s}`, "aria-hidden": "true" })]);
      box.style.setProperty("--grid", geo.grid);
      for (let k = 0; k < geo.perSlice; k++) {
        const token = s * geo.perSlice + k;
        const cell = make("button", { type: "button", class: "cell", tabIndex: -1 });
        cell.addEventListener("click", () => this.onPick(token, this));
        cell.addEventListener("keydown", (event) => this.key(event, token));
        this.cells.push(cell);
        box.append(cell);
      }
      this.el.append(box);
    }
  }

  key(event, token) {
    const { grid, perSlice, tokens } = this.geo;
    const col = token % grid, move = {
      ArrowRight: col < grid - 1 ? 1 : perSlice - grid + 1, ArrowLeft: col > 0 ? -1 : -(perSlice - grid + 1),
      ArrowDown: grid, ArrowUp: -grid, PageDown: perSlice, PageUp: -perSlice,
      Home: -token, End: tokens - 1 - token,
    }[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = token + move;
    if (next >= 0 && next < tokens) this.onPick(next, this);
  }

  /** Colour each cell by `values` (0 .. max) in `hue`, mark `picked`, name every cell. */
  paint(values, hue, picked, describe) {
    const max = Math.max(...values, 1e-12);
    this.cells.forEach((cell, token) => {
      const strength = values[token] / max;
      cell.style.background = `color-mix(in srgb, ${hue} ${Math.round(100 * strength)}%, white)`;
      cell.setAttribute("aria-pressed", String(token === picked));
      cell.tabIndex = token === picked ? 0 : -1;
      cell.setAttribute("aria-label", describe(token, values[token]));
    });
  }

  focus(token) { this.cells[token]?.focus(); }
}

export class Inspector {
  /** `onOpen()` when the reader opens the panel (the generator then records a run if none is). */
  constructor(root, { onOpen }) {
    this.runs = new Map();             // model -> records (the worker's "inspect" messages), in step order
    this.token = 0;
    this.follow = true;                // show the latest step while a run is recording
    this.details = make("details", { class: "inspector" }, [
      make("summary", { text: "Look inside the model: the latent, the tokens, attention and guidance, step by step" })]);
    this.body = make("div", { class: "insp" });
    this.empty = make("p", { text: "Opening the inspector records the next run: press Generate (it starts by itself the first time)." });
    this.details.append(this.empty, this.body);
    this.body.hidden = true;
    root.append(this.details);
    this.buildControls();
    this.buildSections();
    this.details.addEventListener("toggle", () => { if (this.details.open) onOpen(); });
  }

  get open() { return this.details.open; }

  buildControls() {
    this.stepInput = make("input", { type: "range", id: "insp-step", min: 1, max: 1, step: 1, value: 1 });
    this.stepOut = make("output", { htmlFor: "insp-step" });
    this.model = make("select", { id: "insp-model" });
    this.block = make("select", { id: "insp-block" });
    this.head = make("select", { id: "insp-head" });
    this.modelField = field("Run shown", this.model);
    this.body.append(make("div", { class: "row" }, [field("Step", this.stepInput, [" ", this.stepOut]), this.modelField,
                                                    field("Block", this.block), field("Heads", this.head)]));
    this.stepInput.addEventListener("input", () => {
      this.follow = Number(this.stepInput.value) === Number(this.stepInput.max);
      this.render();
    });
    for (const select of [this.model, this.block, this.head]) select.addEventListener("change", () => this.render());
  }

  buildSections() {
    const section = (title, ...children) => make("section", {}, [make("h4", { text: title }), ...children]);
    this.latentCanvas = make("canvas", { class: "latent", role: "img" });
    this.cleanCanvas = make("canvas", { class: "latent", role: "img" });
    this.latentText = make("p");
    this.latentHelp = make("p");
    this.body.append(section("The spacetime latent at this step", this.latentHelp,
      make("div", { class: "maps" }, [this.latentCanvas, this.cleanCanvas]), this.latentText));
    this.tokenText = make("p");
    this.grids = new Map();
    this.shareText = new Map();
    const maps = make("div", { class: "maps" });
    for (const kind of ["spacetime", "per-frame"]) {
      const grid = new TokenGrid(`${LABELS[kind]}: self-attention from the picked token; pick a token with the arrow keys`,
                                 (token, from) => this.pick(token, from));
      const text = make("p");
      const box = make("div", { class: kind }, [make("h4", { text: LABELS[kind] }), grid.el, text]);
      this.grids.set(kind, { grid, box });
      this.shareText.set(kind, text);
      maps.append(box);
    }
    this.body.append(section("Tokens and where the picked one looks (self-attention)",
      make("p", { text: "Each cell is one spacetime patch: 1 slice × 2 × 2 latent cells. Click a cell or use the arrow keys (Page Up/Down: slice). Darker cells get more of the picked token's attention." }),
      this.tokenText, maps));
    this.crossBars = make("div", { class: "bars" });
    this.crossText = make("p");
    this.body.append(section("Which prompt words the picked token listens to (cross-attention)", this.crossBars, this.crossText));
    this.pullGrid = new TokenGrid("Guidance pull per token", (token, from) => this.pick(token, from));
    this.pullText = make("p");
    this.guideTable = make("table");
    this.body.append(section("Where the prompt pulls hardest (guidance)",
      make("p", { text: "Darker cells: a larger gap between the velocity with the prompt and without it, |v_cond − v_uncond|." }),
      this.pullGrid.el, this.pullText, this.guideTable));
  }

  /** A new run starts: forget the last one and lay the panel out for `request` (worker request). */
  reset(request, manifest) {
    this.manifest = manifest;
    this.request = request;
    this.geo = layout(manifest, request.frames);
    this.latentHelp.textContent = `Columns are the ${this.geo.slices} time-slices (${this.geo.framesPerSlice} frames each), ` +
      `rows the ${this.geo.channels} channels; grey is 0, white +${RANGE}, black −${RANGE}. Left: the noisy latent the ` +
      "step starts from. Right: the model's current guess at the clean latent, x − t·v. Orange squares: the picked token's cells.";
    this.runs = new Map(request.models.map((kind) => [kind, []]));
    this.follow = true;
    this.token = Math.min(this.token, this.geo.tokens - 1);
    options(this.model, request.models.map((kind) => [kind, LABELS[kind]]));
    this.modelField.hidden = request.models.length < 2;
    const depth = manifest.dit.depth, heads = manifest.dit.heads;
    const keep = (select, fallback) => (select.value || fallback);
    const block = keep(this.block, "all"), head = keep(this.head, "all");
    options(this.block, [["all", "All blocks (mean)"], ...Array.from({ length: depth }, (_, k) => [String(k), `Block ${k + 1}`])]);
    options(this.head, [["all", "All heads (mean)"], ...Array.from({ length: heads }, (_, k) => [String(k), `Head ${k + 1}`])]);
    this.block.value = block;
    this.head.value = head;
    for (const [kind, { grid, box }] of this.grids) {
      grid.build(this.geo);
      box.hidden = !request.models.includes(kind);
    }
    this.pullGrid.build(this.geo);
  }

  /** One step's record arrived from the worker. */
  add(message) {
    const records = this.runs.get(message.model);
    if (!records) return;
    records.push(message);
    this.empty.hidden = true;
    this.body.hidden = false;
    this.stepInput.max = message.steps;
    if (this.follow && message.model === this.model.value) this.stepInput.value = records.length;
    this.render();
  }

  pick(token, from) {
    this.token = token;
    this.render();
    from?.focus(token);
  }

  record(kind) {
    const records = this.runs.get(kind) ?? [];
    return records[Math.min(Number(this.stepInput.value), records.length) - 1];
  }

  render() {
    const shown = this.record(this.model.value);
    if (!shown || !this.geo) return;
    this.stepOut.textContent = `${shown.step} of ${shown.steps} · t = ${shown.t.toFixed(2)}`;
    const info = tokenInfo(this.geo, this.token);
    this.tokenText.textContent = `Picked: token ${info.token}, slice ${info.slice}, row ${info.row}, column ${info.col}. ` +
      `It covers latent cells ${info.cells.rows.join("–")} (rows) × ${info.cells.cols.join("–")} (columns) of slice ${info.slice}, ` +
      `which decode into frames ${info.frames.join("–")}, pixels ${info.pixels.rows.join("–")} down × ${info.pixels.cols.join("–")} across.`;
    this.drawLatents(shown, info);
    for (const kind of this.runs.keys()) this.renderSelf(kind, info);
    this.renderCross(shown);
    this.renderGuidance(shown);
  }

  /** The selected block's (or every block's mean) row for `kind` at the shown step. */
  selfRow(kind) {
    const rec = this.record(kind);
    if (!rec) return null;
    const head = this.head.value === "all" ? null : Number(this.head.value);
    const row = (k) => attentionRow(rec.self[k], rec.selfDims, kind, this.token, head, this.geo);
    return this.block.value === "all" ? meanRows(rec.self.map((_, k) => row(k))) : row(Number(this.block.value));
  }

  renderSelf(kind, info) {
    const row = this.selfRow(kind);
    const text = this.shareText.get(kind);
    const { grid } = this.grids.get(kind);
    if (!row) {
      text.textContent = "Runs after the spacetime model.";
      return;
    }
    const where = (token) => { const t = tokenInfo(this.geo, token); return `slice ${t.slice}, row ${t.row}, column ${t.col}`; };
    grid.paint(row, kind === "spacetime" ? "var(--teal)" : "var(--orange)", this.token,
               (token, value) => `token ${token}: ${where(token)}, ${pct(value)} of the attention`);
    const s = shares(row, this.token, this.geo);
    const [best, weight] = top(row, 1)[0];
    text.textContent = `${pct(s.same)} to its own slice ${info.slice} (uniform attention: ${pct(s.uniformSame)}), ` +
      `${pct(s.other)} to the ${this.geo.slices > 2 ? `other ${this.geo.slices - 1} slices` : "other slice"} ` +
      `(uniform: ${pct(s.uniformOther)}). ` +
      `Strongest: ${where(best)} (${pct(weight)}).`;
  }

  renderCross(rec) {
    const head = this.head.value === "all" ? null : Number(this.head.value);
    const row = (k) => crossRow(rec.cross[k], rec.crossDims, this.token, head);
    const weights = this.block.value === "all" ? meanRows(rec.cross.map((_, k) => row(k))) : row(Number(this.block.value));
    const words = this.request.ids.map((id) => this.manifest.vocab[id]);
    this.crossBars.replaceChildren();
    words.forEach((word, k) => {
      const bar = make("div", { class: "bar" });
      bar.style.width = pct(weights[k]);
      if (rec.model === "per-frame") bar.style.background = "var(--orange)";
      this.crossBars.append(make("span", { text: word }), make("div", { "aria-hidden": "true" }, [bar]),
                            make("span", { text: pct(weights[k]) }));
    });
    const best = top(weights, 2).map(([k, w]) => `“${words[k]}” (${pct(w)}, word ${k + 1})`);
    this.crossText.textContent = `Token ${this.token} listens most to ${best.join(", then ")}. ` +
      `<pad> tokens fill the prompt up to its fixed ${words.length} tokens; they are part of what the model reads.`;
  }

  renderGuidance(rec) {
    const pull = guidancePull(rec.vCond, rec.vUncond, this.geo);
    const [[best, size]] = top(pull, 1);
    const where = tokenInfo(this.geo, best);
    this.pullGrid.paint(pull, "var(--ink)", this.token, (token, value) => `token ${token}: pull ${value.toFixed(2)}`);
    const mean = pull.reduce((a, b) => a + b, 0) / pull.length;
    this.pullText.textContent = `The prompt pulls hardest on token ${best} (slice ${where.slice}, row ${where.row}, ` +
      `column ${where.col}): ${size.toFixed(2)}, against ${mean.toFixed(2)} on average; on the picked token ${pull[this.token].toFixed(2)}.`;
    const yours = stepUnder(rec, rec.guidance);
    const rows = [[0, "w = 0 (ignore the prompt)"], [1, "w = 1 (the plain conditional model)"], [rec.guidance, `w = ${rec.guidance} (this run)`]];
    this.guideTable.replaceChildren(make("caption", { text: `This step (${rec.step} of ${rec.steps}) under other guidance scales` }),
      make("tr", {}, ["guidance", "step size (RMS per value)", "clean guess's distance from this run's"].map((h) => make("th", { text: h }))),
      ...rows.map(([w, label]) => {
        const s = stepUnder(rec, w);
        return make("tr", {}, [label, s.stepRms.toFixed(4), rmsDistance(s.clean, yours.clean).toFixed(3)].map((v) => make("td", { text: v })));
      }));
  }

  drawLatents(rec, info) {
    const { channels, slices, side } = this.geo;
    const stats = [];
    for (const [canvas, values, name] of [[this.latentCanvas, rec.latent, "noisy latent"], [this.cleanCanvas, rec.clean, "clean guess"]]) {
      const tile = side + 1;
      canvas.width = slices * tile - 1;
      canvas.height = channels * tile - 1;
      canvas.style.width = `${canvas.width * CELL}px`;
      const ctx = canvas.getContext("2d");
      const image = ctx.createImageData(canvas.width, canvas.height);
      let lo = Infinity, hi = -Infinity;
      for (let c = 0; c < channels; c++) {
        for (let t = 0; t < slices; t++) {
          for (let y = 0; y < side; y++) {
            for (let x = 0; x < side; x++) {
              const v = values[((c * slices + t) * side + y) * side + x];
              lo = Math.min(lo, v); hi = Math.max(hi, v);
              const grey = Math.round(255 * Math.min(1, Math.max(0, (v + RANGE) / (2 * RANGE))));
              const at = 4 * ((c * tile + y) * canvas.width + t * tile + x);
              image.data.set([grey, grey, grey, 255], at);
            }
          }
        }
      }
      ctx.putImageData(image, 0, 0);
      ctx.strokeStyle = "#e8772e";
      ctx.lineWidth = 0.5;
      for (let c = 0; c < channels; c++) {        // the picked token's cells, in every channel
        ctx.strokeRect(info.slice * tile + info.cells.cols[0] + 0.25, c * tile + info.cells.rows[0] + 0.25,
                       this.geo.patch - 0.5, this.geo.patch - 0.5);
      }
      canvas.setAttribute("aria-label", `The ${name} at step ${rec.step}: ${channels} channels × ${slices} slices of ` +
        `${side} × ${side} cells, values from ${lo.toFixed(2)} to ${hi.toFixed(2)}; the picked token's cells outlined.`);
      stats.push(`${name}: from ${lo.toFixed(2)} to ${hi.toFixed(2)}`);
    }
    this.latentText.textContent = `At t = ${rec.t.toFixed(2)} the latent mixes ${(1 - rec.t).toFixed(2)} of a clean ` +
      `latent with ${rec.t.toFixed(2)} of noise (x = (1 − t)·x₀ + t·ε). Values: ${stats.join("; ")}.`;
  }

  /** For tests: the recorded steps of each model, as plain arrays. */
  snapshot() {
    return Object.fromEntries([...this.runs].map(([kind, records]) => [kind, records.map((r) => ({
      step: r.step, t: r.t, latent: Array.from(r.latent), clean: Array.from(r.clean),
      vCond: Array.from(r.vCond), vUncond: Array.from(r.vUncond), selfDims: r.selfDims, crossDims: r.crossDims,
      self: r.self.map((m) => Array.from(m)), cross: r.cross.map((m) => Array.from(m)) }))]));
  }
}
