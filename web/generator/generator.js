// The chapter-7 generator: a Panel JSComponent (course/generator.py) that lets the reader type a
// prompt and watch the course's spacetime DiT denoise a clip in the browser. This module wires
// the pieces: controls.js (prompt and settings), player.js (canvases and playback), downloads.js
// (PNG and GIF), client.js (starting the Web Worker, worker.js, which runs the model).
//
// Panel inlines this file into the page and loads it from a blob: URL, so relative imports and
// import.meta.url cannot locate our other files. Everything else is found through the import map
// the Python class declares (es-module-shims resolves it against the page's address):
// "course-generator/" is this folder, "onnxruntime-web" and "gifenc" the vendored packages. The
// ONNX folder comes as a page-relative URL in `model.model_url`.

import { adoptWorker } from "course-generator/client.js";
import { MAX_SEED, buildControls, chosenShape, describePrompt, describeSize, fillFromManifest, seedOf } from "course-generator/controls.js";
import { LABELS, make, resolveModule, seconds } from "course-generator/dom.js";
import { gifBlob, pngStrip, saveBlob } from "course-generator/downloads.js";
import { INSPECTOR_CSS, Inspector } from "course-generator/inspector.js";
import { FPS, Player, SCALE } from "course-generator/player.js";
import { latentShape, tokenize } from "course-generator/sampler.js";

const CSS = `
:host, .gen { font: 15px/1.45 system-ui, sans-serif; color: var(--ink); }
.gen { display: grid; gap: 10px; max-width: 760px; }
.gen label, .gen .patches > span:first-child { font-weight: 600; }   /* "Tokens" reads as a label too */
.gen input[type=text] { width: 100%; box-sizing: border-box; font: inherit; padding: 6px 8px; }
.gen .words, .gen .suggest { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.gen .chip { font: inherit; font-size: 13px; padding: 1px 8px; border: 1px solid #9aa5b1; min-height: 28px;
             border-radius: 14px; background: #f5f7fa; cursor: pointer; }
.gen .reads { font-size: 14px; overflow-wrap: anywhere; }
.gen input[type=checkbox] { width: 24px; height: 24px; margin: 0 6px 0 0; vertical-align: middle; }
.gen input#gen-seed { width: 8em; min-height: 28px; box-sizing: border-box; font: inherit; }
.gen select, .gen .player button { min-height: 28px; font: inherit; font-size: 14px; }
.gen input[aria-invalid=true] { outline: 2px solid #b42318; }
.gen button:focus-visible, .gen input:focus-visible, .gen select:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; }
.gen .note { color: #8a4b08; }
.gen .controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: end; }
.gen .controls > div { display: grid; gap: 2px; font-size: 14px; }
.gen button.go { font: inherit; font-weight: 600; padding: 6px 18px; }
.gen .status { min-height: 1.4em; font-variant-numeric: tabular-nums; }
.gen [hidden] { display: none !important; }
.gen .error { color: #b42318; white-space: pre-wrap; }
.gen .error:empty { display: none; }
.gen .clips { display: flex; flex-wrap: wrap; gap: 16px; }
.gen figure { margin: 0; display: grid; gap: 4px; }
.gen figcaption { font-size: 14px; font-weight: 600; }
.gen figure.spacetime figcaption { color: var(--teal-text); }      /* the course's colour code in text */
.gen figure.per-frame figcaption { color: var(--orange-text); }    /* shades, set from model.colors below */
.gen canvas.clip { width: ${32 * SCALE}px; max-width: 100%; height: auto; image-rendering: pixelated;
                   background: #111; border-radius: 4px; }      /* player.js sizes each canvas to its clip */
.gen .patches output { font-variant-numeric: tabular-nums; min-height: 28px; display: inline-flex; align-items: center; }
.gen .player { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.gen .player input[type=range] { width: 220px; }
`;

/** Everything one generator on the page holds: its elements, the worker, the request in flight. */
class GeneratorApp {
  constructor(model, el) {
    this.model = model;
    el.append(make("style", { text: CSS + INSPECTOR_CSS }));
    const root = make("div", { class: "gen" });
    for (const [name, value] of Object.entries(model.colors ?? {})) root.style.setProperty(`--${name}`, value);
    el.append(root);
    this.ui = buildControls(root, model);
    this.ui.status = make("div", { class: "status", role: "status", "aria-live": "polite", text: "Loading the model…" });
    this.ui.error = make("div", { class: "error", role: "alert" });
    root.append(this.ui.status, this.ui.error);
    this.player = new Player(root);
    this.inspector = new Inspector(root, { onOpen: () => this.onInspectorOpen() });
    this.manifest = null;
    this.worker = null;
    this.running = null;                             // the request in flight, if any
    this.nextId = 1;
    this.pending = new Map();                        // id -> {resolve, reject, result}
    this.warmed = new Set();                         // clip sizes ("shape/frames") the worker has run once
    this.ready = new Promise((res, rej) => { this.readyResolve = res; this.readyReject = rej; });
    this.ready.catch(() => {});
  }

  showError(text) { this.ui.error.textContent = text; }

  status(text) { this.ui.status.textContent = text; }

  onMessage(event) {
    const message = event.data;
    const handler = { ready: this.onReady, progress: this.onProgress, clip: this.onClip, done: this.onDone,
                      inspect: this.onInspect, warm: (m) => { if (!m.inspect) this.warmed.add(`${m.shape}/${m.frames}`); },
                      error: this.onError }[message.type];
    handler?.call(this, message);
  }

  onReady(message) {
    this.manifest = message.manifest;
    fillFromManifest(this.ui, this.manifest, this.model);
    this.status(`Model ready (loaded in ${seconds(message.sessionMs)}). Type a prompt and press Generate.`);
    this.ui.go.disabled = false;
    performance.mark("generator-ready");
    this.readyResolve(message);
    if (this.inspector.open) {
      this.onInspectorOpen();
    } else if (this.model.autorun && !this.running) {
      // A first clip for the prompt already in the box, so the chapter opens on a result.
      this.generate().catch((err) => this.showError(`Generation failed: ${err.message}`));
    } else {
      // The first run at a clip length is several times slower than the next: pay that now, in
      // the worker, while the reader is still reading or typing.
      this.warmUp();
    }
  }

  /** The first run at a clip size is several times slower than the next: run one forward now. */
  warmUp(inspect = false) {
    const frames = Number(this.ui.frames.value), shape = chosenShape(this.ui);
    if (!this.worker || !this.manifest || (!inspect && this.warmed.has(`${shape}/${frames}`))) return;
    this.worker.postMessage({ type: "warmup", frames, shape, inspect });
  }

  onProgress(message) {
    const total = this.running?.models.length ?? 1;
    const which = total > 1 ? ` (${this.running.models.indexOf(message.model) + 1} of ${total})` : "";
    this.status(`${LABELS[message.model]}${which}: step ${message.step} of ${message.steps} · ` +
                `${message.tokens} spacetime patches · ${seconds(message.elapsedMs)}`);
    if (message.preview) {
      const { rgba, count, width, height } = message.preview;
      this.player.setClip(message.model, { rgba, frames: count, width, height },
                          `${LABELS[message.model]} — current guess at step ${message.step}`, false);
    }
    this.pending.get(message.id)?.result.progress.push({ model: message.model, step: message.step,
      steps: message.steps, tokens: message.tokens, elapsedMs: message.elapsedMs, preview: Boolean(message.preview),
      status: this.ui.status.textContent, caption: this.player.caption(message.model) });
  }

  onInspect(message) {
    if (message.id === this.running?.id) this.inspector.add(message);
  }

  /** The reader opened the inspector: get its sessions ready, and record a run if there is none. */
  onInspectorOpen() {
    if (!this.manifest) return;                  // onReady comes back here once the model is loaded
    if (!this.manifest.inspect) {
      this.showError("This export of the model has no inspection graphs; run `make export-onnx`.");
      return;
    }
    if (this.running) return;
    if (chosenShape(this.ui) !== "square") {
      this.status("The inspector looks inside square clips: pick the square shape, then press Generate.");
      return;
    }
    if (this.inspector.runs.size === 0) {
      this.generate({}).catch((err) => this.showError(`Generation failed: ${err.message}`));
    } else {
      this.warmUp(true);
    }
  }

  onClip(message) {
    const { rgba, frames, width, height } = message;
    this.warmed.add(`${this.running?.shape ?? "square"}/${this.running?.frames ?? frames}`);
    this.player.setClip(message.model, { rgba, frames, width, height },
                        `${LABELS[message.model]} — ${frames === 1 ? "one image" : `${frames} frames`} in ${seconds(message.timings.totalMs)}`, true);
    const result = this.pending.get(message.id)?.result;
    if (result) {
      result.clips[message.model] = { frames, width, height, latent: message.latent,
                                      elapsedMs: message.elapsedMs, timings: message.timings };
    }
  }

  onDone(message) {
    const entry = this.pending.get(message.id);
    this.pending.delete(message.id);
    const parts = Object.entries(entry?.result.clips ?? {}).map(([kind, c]) =>
      `${LABELS[kind].toLowerCase()} ${seconds(c.timings.totalMs)} (${seconds(c.timings.perStepMs)} a step)`);
    this.status(`Done in ${seconds(message.elapsedMs)}: ${parts.join(", ")}.`);
    this.finish();
    entry?.resolve({ ...entry.result, elapsedMs: message.elapsedMs });
  }

  onError(message) {
    if (message.stage === "warmup") {
      console.warn(`generator warm-up: ${message.message}`);   // a generation would report it too
      return;
    }
    const entry = this.pending.get(message.id);
    this.pending.delete(message.id);
    const init = message.stage === "init";
    this.showError(init ? `The generator could not start: ${message.message}` : `Generation failed: ${message.message}`);
    this.status(init ? "The generator is unavailable; the rest of the chapter works as usual." : "");
    this.finish();
    if (init) {
      this.ui.go.disabled = true;
      this.readyReject(new Error(message.message));
    }
    entry?.reject(new Error(message.message));
  }

  finish() {
    this.running = null;
    this.ui.go.disabled = !this.manifest;
    this.ui.go.textContent = "Generate";
  }

  start() {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      throw new Error("this browser lacks WebAssembly or Web Workers, which the generator needs.");
    }
    performance.mark("generator-start");          // marks for the benchmark's timeline
    const urls = { workerUrl: resolveModule("course-generator/worker.js"), ortUrl: resolveModule("onnxruntime-web"),
                   modelUrl: this.model.model_url };
    const onError = (event) => this.onMessage({ data: { type: "error", id: this.running?.id ?? null,
      stage: this.manifest ? "generate" : "init", message: event.message || "the generator's worker script failed to load" } });
    // The chapter page may have started this very worker already (templates/page.html).
    this.worker = adoptWorker(globalThis.__courseGeneratorEarly, urls, (event) => this.onMessage(event), onError);
    globalThis.__courseGeneratorEarly ??= { taken: true };   // a late early-start script then stays idle
  }

  /** The worker request for the current controls, with `overrides` (the debug hook's) applied. */
  request(overrides, tokens) {
    const ui = this.ui;
    const seed = overrides.seed !== undefined ? Math.max(0, Math.floor(Number(overrides.seed) || 0)) : seedOf(ui);
    if (seed === null) throw new RangeError(`the seed must be a whole number from 0 to ${MAX_SEED}`);
    const models = (overrides.baseline ?? ui.baseline.checked) ? ["spacetime", "per-frame"] : ["spacetime"];
    const request = { type: "generate", id: this.nextId++, ids: overrides.ids ?? tokens.ids, models,
                      frames: Number(overrides.frames ?? ui.frames.value),
                      shape: overrides.shape ?? chosenShape(ui),
                      steps: Math.round(Number(overrides.steps ?? ui.steps.value)),
                      guidance: Number(overrides.guidance ?? ui.guidance.value),
                      seed,
                      previewMs: overrides.previewMs ?? 250 };
    // The inspection graphs and the inspector's drawings are laid out for the square canvas.
    request.inspect = Boolean(overrides.inspect ?? (this.inspector.open && this.manifest.inspect && request.shape === "square"));
    if (overrides.noise) request.noise = Float32Array.from(overrides.noise);
    latentShape(this.manifest, request.frames, request.shape);   // a clear RangeError for a size the model lacks
    return request;
  }

  /** Run one generation with the current controls (overridable: used by the debug hook). */
  async generate(overrides = {}) {
    if (!this.manifest) throw new Error("the model is not loaded yet");
    if (this.running) throw new Error("a generation is already running");
    const request = this.request(overrides, describePrompt(this.ui, this.manifest));
    this.player.reset(request.models);
    if (request.inspect) this.inspector.reset(request, this.manifest);
    this.showError("");
    this.running = request;
    this.ui.go.disabled = true;
    this.ui.go.textContent = "Generating…";
    this.status("Starting…");
    return await new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject, result: { request: { ...request, noise: undefined },
                                                                progress: [], clips: {} } });
      try {
        this.worker.postMessage(request, request.noise ? [request.noise.buffer] : []);
      } catch (err) {                            // no worker, or a message it cannot take: never stuck
        this.pending.delete(request.id);
        this.finish();
        reject(err);
      }
    });
  }

  bindEvents() {
    const { ui, model, player } = this;
    const fail = (err) => this.showError(`Generation failed: ${err.message}`);
    ui.prompt.addEventListener("input", () => {
      if (this.manifest) describePrompt(ui, this.manifest);
      model.prompt = ui.prompt.value;
    });
    ui.prompt.addEventListener("keydown", (e) => { if (e.key === "Enter" && !ui.go.disabled) ui.go.click(); });
    ui.steps.addEventListener("input", () => { ui.stepsOut.textContent = ui.steps.value; model.steps = Number(ui.steps.value); });
    ui.guidance.addEventListener("input", () => {
      ui.guidanceOut.textContent = ui.guidance.value;
      model.guidance = Number(ui.guidance.value);
    });
    const resized = () => {
      model.frames = Number(ui.frames.value);
      model.shape = ui.shape.value;
      if (this.manifest) describeSize(ui, this.manifest);
      this.warmUp();
    };
    ui.frames.addEventListener("change", resized);
    ui.shape.addEventListener("change", resized);
    ui.seed.addEventListener("input", () => {          // checked as it is typed: the note never moves the button under a click
      const seed = seedOf(ui);
      if (seed !== null) model.seed = seed;
    });
    ui.baseline.addEventListener("change", () => { model.baseline = ui.baseline.checked; });
    ui.go.addEventListener("click", () => this.generate().catch(fail));
    player.png.addEventListener("click", async () => saveBlob(await pngStrip(player.finals()), "generated-clip.png"));
    player.gif.addEventListener("click", () => saveBlob(gifBlob(player.finals(), FPS), "generated-clip.gif"));
    model.on("remove", () => {
      player.stop();
      this.worker?.terminate();
      this.worker = null;
    });
  }

  /** For tests and benchmarks: the same path the button takes, with the noise and timing exposed. */
  debugHook() {
    const finals = () => this.player.finals();
    return {
      ready: this.ready,
      generate: (options = {}) => this.generate(options).then((result) => ({
        ...result,
        clips: Object.fromEntries(Object.entries(result.clips).map(([k, c]) => [k, { ...c, latent: Array.from(c.latent) }])),
      })),
      tokenize: (text) => tokenize(text, this.manifest),
      inspection: () => this.inspector.snapshot(),
      pngStrip: async () => new Uint8Array(await (await pngStrip(finals())).arrayBuffer()),
      gif: async () => new Uint8Array(await gifBlob(finals(), FPS).arrayBuffer()),
    };
  }
}

export function render({ model, el }) {
  const app = new GeneratorApp(model, el);
  app.bindEvents();
  try {
    app.start();
  } catch (err) {
    app.showError(`The generator could not start: ${err.message}`);
    app.status("The generator is unavailable; the rest of the chapter works as usual.");
    app.readyReject(err);
  }
  if (model.debug) window.__generatorDebug = app.debugHook();
}
