// The chapter-7 generator: a Panel JSComponent (course/generator.py) that lets the reader type a
// prompt and watch the course's spacetime DiT denoise a clip in the browser.
//
// Panel inlines this file into the page and loads it from a blob: URL, so relative imports and
// import.meta.url cannot locate our other files. Everything else is found through the import map
// the Python class declares (es-module-shims resolves it against the page's address):
// "course-generator/" is this folder and "onnxruntime-web" is the vendored ort ESM entry. The
// ONNX folder comes as a page-relative URL in `model.model_url`. All reader text goes into the
// page through textContent, never innerHTML.

import { latentShape, promptNotes, tokenize } from "course-generator/sampler.js";
import { encodeGif } from "course-generator/gif.js";

const FPS = 8;
const SCALE = 5;                                  // each 32x32 frame is shown at 160x160 CSS pixels
const SUGGESTIONS = [
  "a red ball bouncing from left to right",
  "a blue square sliding from right to left",
  "a green ball arcing from left to right behind a wall",
  "a yellow square bouncing from right to left",
];
const LABELS = { spacetime: "Spacetime model", "per-frame": "Per-frame baseline" };

const CSS = `
:host, .gen { font: 15px/1.45 system-ui, sans-serif; color: var(--ink); }
.gen { display: grid; gap: 10px; max-width: 760px; }
.gen label { font-weight: 600; }
.gen input[type=text] { width: 100%; box-sizing: border-box; font: inherit; padding: 6px 8px; }
.gen .words, .gen .suggest { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.gen .chip { font: inherit; font-size: 13px; padding: 1px 8px; border: 1px solid #9aa5b1;
             border-radius: 12px; background: #f5f7fa; cursor: pointer; }
.gen .reads { font-size: 14px; }
.gen .note { color: #8a4b08; }
.gen .controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: end; }
.gen .controls > div { display: grid; gap: 2px; font-size: 14px; }
.gen .controls input[type=number] { width: 6em; }
.gen button.go { font: inherit; font-weight: 600; padding: 6px 18px; }
.gen .status { min-height: 1.4em; font-variant-numeric: tabular-nums; }
.gen [hidden] { display: none !important; }
.gen .error { color: #b42318; white-space: pre-wrap; }
.gen .error:empty { display: none; }
.gen .clips { display: flex; flex-wrap: wrap; gap: 16px; }
.gen figure { margin: 0; display: grid; gap: 4px; }
.gen figcaption { font-size: 14px; font-weight: 600; }
.gen figure.spacetime figcaption { color: var(--teal); }      /* the course's colour code, */
.gen figure.per-frame figcaption { color: var(--orange); }    /* set from model.colors below */
.gen canvas.clip { width: ${32 * SCALE}px; height: ${32 * SCALE}px; image-rendering: pixelated;
                   background: #111; border-radius: 4px; }
.gen .player { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.gen .player input[type=range] { width: 220px; }
`;

function make(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function resolveModule(specifier) {
  // importShim.resolve applies the import map Panel registered; import.meta.resolve is the
  // standard spelling where a native import map holds the entry.
  if (globalThis.importShim && typeof globalThis.importShim.resolve === "function") {
    return globalThis.importShim.resolve(specifier, document.baseURI);
  }
  return import.meta.resolve(specifier);
}

function seconds(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function render({ model, el }) {
  el.append(make("style", { text: CSS }));
  const ui = {};
  const root = make("div", { class: "gen" });
  for (const [name, value] of Object.entries(model.colors ?? {})) root.style.setProperty(`--${name}`, value);
  el.append(root);

  // --- prompt ------------------------------------------------------------------------------
  ui.prompt = make("input", { type: "text", id: "gen-prompt", value: model.prompt, autocomplete: "off",
                              spellcheck: false, "aria-describedby": "gen-reads" });
  ui.reads = make("div", { class: "reads", id: "gen-reads", "aria-live": "polite" });
  ui.words = make("div", { class: "words" }, [make("span", { text: "Words the model knows:" })]);
  ui.suggest = make("div", { class: "suggest" }, [make("span", { text: "Try:" })]);
  root.append(make("label", { htmlFor: "gen-prompt", text: "Prompt" }), ui.prompt, ui.reads, ui.words, ui.suggest);

  // --- controls ----------------------------------------------------------------------------
  const field = (label, input) => make("div", {}, [make("span", { text: label }), input]);
  ui.steps = make("input", { type: "range", min: 1, max: 100, step: 1, value: model.steps });
  ui.stepsOut = make("output", { text: String(model.steps) });
  ui.guidance = make("input", { type: "range", min: 0, max: 20, step: 0.5, value: model.guidance });
  ui.guidanceOut = make("output", { text: String(model.guidance) });
  ui.frames = make("select", {});
  ui.seed = make("input", { type: "number", min: 0, step: 1, value: model.seed });
  ui.baseline = make("input", { type: "checkbox", checked: model.baseline, id: "gen-baseline" });
  ui.go = make("button", { class: "go", type: "button", text: "Generate", disabled: true });
  root.append(make("div", { class: "controls" }, [
    field("Denoising steps", make("span", {}, [ui.steps, " ", ui.stepsOut])),
    field("Guidance scale", make("span", {}, [ui.guidance, " ", ui.guidanceOut])),
    field("Frames", ui.frames),
    field("Seed", ui.seed),
    make("div", {}, [make("span", {}, [ui.baseline, make("label", { htmlFor: "gen-baseline",
      text: " also run the per-frame baseline" })])]),
    ui.go,
  ]));
  ui.status = make("div", { class: "status", role: "status", "aria-live": "polite", text: "Loading the model…" });
  ui.error = make("div", { class: "error", role: "alert" });
  root.append(ui.status, ui.error);

  // --- output: one canvas per model, a shared player --------------------------------------
  const panels = new Map();
  ui.clips = make("div", { class: "clips" });
  for (const kind of ["spacetime", "per-frame"]) {
    const canvas = make("canvas", { class: "clip", width: 32, height: 32 });
    canvas.setAttribute("aria-label", `${LABELS[kind]}: generated clip`);
    const caption = make("figcaption", { text: LABELS[kind] });
    const figure = make("figure", { class: kind, hidden: kind !== "spacetime" }, [caption, canvas]);
    panels.set(kind, { canvas, caption, figure, clip: null, final: false });
    ui.clips.append(figure);
  }
  ui.play = make("button", { type: "button", text: "Pause", disabled: true });
  ui.scrub = make("input", { type: "range", min: 0, max: 0, step: 1, value: 0, disabled: true,
                             "aria-label": "Frame" });
  ui.frameOut = make("output", { text: "" });
  ui.png = make("button", { type: "button", text: "Download PNG strip", disabled: true });
  ui.gif = make("button", { type: "button", text: "Download GIF", disabled: true });
  root.append(ui.clips, make("div", { class: "player" }, [ui.play, ui.scrub, ui.frameOut, ui.png, ui.gif]));

  // --- state -------------------------------------------------------------------------------
  let manifest = null;
  let worker = null;
  let running = null;                              // the request in flight, if any
  let nextId = 1;
  const pending = new Map();                       // id -> {resolve, reject, result}
  const player = { frame: 0, playing: true, timer: null };
  const warmed = new Set();                        // clip lengths the worker has run once

  function showError(text) {
    ui.error.textContent = text;
  }

  function drawFrame(kind, index) {
    const panel = panels.get(kind);
    if (!panel.clip) return;
    const { rgba, frames, width, height } = panel.clip;
    const i = Math.min(index, frames - 1);
    panel.canvas.width = width;
    panel.canvas.height = height;
    const size = width * height * 4;
    const image = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + i * size, size), width, height);
    panel.canvas.getContext("2d").putImageData(image, 0, 0);
  }

  function clipLength() {
    return Math.max(0, ...[...panels.values()].filter((p) => p.clip).map((p) => p.clip.frames));
  }

  function showFrame(index) {
    const n = clipLength();
    if (n === 0) return;
    player.frame = ((index % n) + n) % n;
    for (const kind of panels.keys()) drawFrame(kind, player.frame);
    ui.scrub.max = String(n - 1);
    ui.scrub.value = String(player.frame);
    ui.frameOut.textContent = `frame ${player.frame + 1} of ${n}`;
  }

  function setPlaying(playing) {
    player.playing = playing;
    ui.play.textContent = playing ? "Pause" : "Play";
    clearInterval(player.timer);
    player.timer = playing ? setInterval(() => showFrame(player.frame + 1), 1000 / FPS) : null;
  }

  function describePrompt() {
    if (!manifest) return;
    const tokens = tokenize(ui.prompt.value, manifest);
    const reads = tokens.unconditional ? "The model reads: (nothing — no prompt)" : `The model reads: “${tokens.known.join(" ")}”`;
    ui.reads.replaceChildren(make("span", { text: reads }));
    for (const note of promptNotes(tokens, manifest)) {
      ui.reads.append(make("div", { class: "note", text: note }));
    }
    if (tokens.unconditional && tokens.unknown.length) {
      ui.reads.append(make("div", { class: "note", text: "Use the words listed below, for example one of the suggestions." }));
    }
    return tokens;
  }

  function fillVocabulary() {
    const special = new Set([manifest.pad, manifest.null]);
    manifest.vocab.forEach((word, i) => {
      if (special.has(i)) return;
      const chip = make("button", { type: "button", class: "chip", text: word });
      chip.addEventListener("click", () => {
        ui.prompt.value = `${ui.prompt.value.trim()} ${word}`.trim();
        ui.prompt.dispatchEvent(new Event("input"));
      });
      ui.words.append(chip);
    });
    const known = new Set(manifest.vocab);
    for (const text of SUGGESTIONS.filter((s) => s.split(" ").every((w) => known.has(w)))) {
      const chip = make("button", { type: "button", class: "chip", text });
      chip.addEventListener("click", () => {
        ui.prompt.value = text;
        ui.prompt.dispatchEvent(new Event("input"));
      });
      ui.suggest.append(chip);
    }
    ui.frames.replaceChildren(...manifest.frame_choices.map((f) => make("option", { value: f, text: String(f) })));
    ui.frames.value = String(manifest.frame_choices.includes(model.frames) ? model.frames : manifest.frame_choices[0]);
    ui.steps.min = manifest.steps.min; ui.steps.max = manifest.steps.max;
    ui.guidance.min = manifest.guidance.min; ui.guidance.max = manifest.guidance.max;
    describePrompt();
  }

  // --- talking to the worker ----------------------------------------------------------------
  function onProgress(message) {
    const total = running?.models.length ?? 1;
    const which = total > 1 ? ` (${running.models.indexOf(message.model) + 1} of ${total})` : "";
    ui.status.textContent = `${LABELS[message.model]}${which}: step ${message.step} of ${message.steps} · ` +
      `${message.tokens} spacetime patches · ${seconds(message.elapsedMs)}`;
    if (message.preview) {
      const panel = panels.get(message.model);
      panel.clip = { rgba: message.preview.rgba, frames: message.preview.count,
                     width: message.preview.width, height: message.preview.height };
      panel.caption.textContent = `${LABELS[message.model]} — current guess at step ${message.step}`;
      showFrame(player.frame);
    }
    pending.get(message.id)?.result.progress.push({ model: message.model, step: message.step,
      steps: message.steps, tokens: message.tokens, elapsedMs: message.elapsedMs, preview: Boolean(message.preview),
      status: ui.status.textContent, caption: panels.get(message.model).caption.textContent });
  }

  function onClip(message) {
    const panel = panels.get(message.model);
    panel.clip = { rgba: message.rgba, frames: message.frames, width: message.width, height: message.height };
    panel.final = true;
    warmed.add(message.frames);
    panel.caption.textContent = `${LABELS[message.model]} — ${message.frames} frames in ${seconds(message.timings.totalMs)}`;
    ui.scrub.disabled = false; ui.play.disabled = false; ui.png.disabled = false; ui.gif.disabled = false;
    showFrame(0);
    const result = pending.get(message.id)?.result;
    if (result) {
      result.clips[message.model] = { frames: message.frames, width: message.width, height: message.height,
        latent: message.latent, elapsedMs: message.elapsedMs, timings: message.timings };
    }
  }

  function onDone(message) {
    const entry = pending.get(message.id);
    pending.delete(message.id);
    const parts = Object.entries(entry?.result.clips ?? {}).map(([kind, c]) =>
      `${LABELS[kind].toLowerCase()} ${seconds(c.timings.totalMs)} (${seconds(c.timings.perStepMs)} a step)`);
    ui.status.textContent = `Done in ${seconds(message.elapsedMs)}: ${parts.join(", ")}.`;
    finish();
    entry?.resolve({ ...entry.result, elapsedMs: message.elapsedMs });
  }

  function finish() {
    running = null;
    ui.go.disabled = !manifest;
    ui.go.textContent = "Generate";
  }

  function onMessage(event) {
    const message = event.data;
    if (message.type === "ready") {
      manifest = message.manifest;
      fillVocabulary();
      ui.status.textContent = `Model ready (loaded in ${seconds(message.sessionMs)}). Type a prompt and press Generate.`;
      ui.go.disabled = false;
      performance.mark("generator-ready");
      readyResolve(message);
      if (model.autorun && !running) {
        // A first clip for the prompt already in the box, so the chapter opens on a result.
        generate().catch((err) => showError(`Generation failed: ${err.message}`));
      } else {
        // The first run at a clip length is several times slower than the next: pay that now, in
        // the worker, while the reader is still reading or typing.
        worker.postMessage({ type: "warmup", frames: Number(ui.frames.value) });
      }
    } else if (message.type === "progress") onProgress(message);
    else if (message.type === "clip") onClip(message);
    else if (message.type === "done") onDone(message);
    else if (message.type === "warm") warmed.add(message.frames);
    else if (message.type === "error" && message.stage === "warmup") {
      console.warn(`generator warm-up: ${message.message}`);   // a generation would report it too
    } else if (message.type === "error") {
      const entry = pending.get(message.id);
      pending.delete(message.id);
      showError(message.stage === "init" ? `The generator could not start: ${message.message}`
                                         : `Generation failed: ${message.message}`);
      ui.status.textContent = message.stage === "init" ? "The generator is unavailable; the rest of the chapter works as usual." : "";
      finish();
      if (message.stage === "init") { ui.go.disabled = true; readyReject(new Error(message.message)); }
      entry?.reject(new Error(message.message));
    }
  }

  let readyResolve, readyReject;
  const ready = new Promise((res, rej) => { readyResolve = res; readyReject = rej; });
  ready.catch(() => {});

  function start() {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      throw new Error("this browser lacks WebAssembly or Web Workers, which the generator needs.");
    }
    const ortUrl = resolveModule("onnxruntime-web");
    const workerUrl = resolveModule("course-generator/worker.js");
    const modelUrl = new URL(model.model_url, document.baseURI).href;
    performance.mark("generator-start");          // marks for the benchmark's timeline
    const onWorkerError = (event) => {
      event.preventDefault();
      onMessage({ data: { type: "error", id: running?.id ?? null, stage: manifest ? "generate" : "init",
                          message: event.message || "the generator's worker script failed to load" } });
    };
    // The chapter page may have started this very worker already (templates/page.html): take it
    // over, with whatever it has said so far, instead of loading everything a second time.
    const early = globalThis.__courseGeneratorEarly;
    if (early && !early.taken && early.workerUrl === workerUrl && early.ortUrl === ortUrl && early.modelUrl === modelUrl) {
      early.taken = true;
      worker = early.worker;
      worker.onmessage = onMessage;
      worker.onerror = onWorkerError;
      early.messages.forEach(onMessage);
      early.errors.forEach(onWorkerError);
      performance.mark("generator-adopted-early-worker");
      return;
    }
    worker = new Worker(workerUrl, { type: "module", name: "course-generator" });
    worker.onmessage = onMessage;
    worker.onerror = onWorkerError;
    worker.postMessage({ type: "init", ortUrl, modelUrl });
  }

  /** Run one generation with the current controls (overridable: used by the debug hook). */
  async function generate(overrides = {}) {
    if (!manifest) throw new Error("the model is not loaded yet");
    if (running) throw new Error("a generation is already running");
    const tokens = describePrompt();
    const frames = Number(overrides.frames ?? ui.frames.value);
    const steps = Math.round(Number(overrides.steps ?? ui.steps.value));
    const guidance = Number(overrides.guidance ?? ui.guidance.value);
    const seed = Math.max(0, Math.floor(Number(overrides.seed ?? ui.seed.value) || 0));
    const baseline = overrides.baseline ?? ui.baseline.checked;
    const models = baseline ? ["spacetime", "per-frame"] : ["spacetime"];
    const request = { type: "generate", id: nextId++, ids: overrides.ids ?? tokens.ids, frames, steps, guidance,
                      seed, models, previewMs: overrides.previewMs ?? 250 };
    if (overrides.noise) request.noise = Float32Array.from(overrides.noise);
    latentShape(manifest, frames);                    // throws a clear RangeError for a bad length
    for (const [kind, panel] of panels) {
      panel.clip = null; panel.final = false;
      panel.figure.hidden = !models.includes(kind);
      panel.caption.textContent = LABELS[kind];
      panel.canvas.getContext("2d").clearRect(0, 0, panel.canvas.width, panel.canvas.height);
    }
    ui.scrub.disabled = true; ui.png.disabled = true; ui.gif.disabled = true;
    showError("");
    running = request;
    ui.go.disabled = true;
    ui.go.textContent = "Generating…";
    ui.status.textContent = "Starting…";
    setPlaying(true);
    return await new Promise((resolve, reject) => {
      pending.set(request.id, { resolve, reject, result: { request: { ...request, noise: undefined },
                                                           progress: [], clips: {} } });
      worker.postMessage(request, request.noise ? [request.noise.buffer] : []);
    });
  }

  // --- downloads ------------------------------------------------------------------------------
  function finals() {
    return [...panels.entries()].filter(([, p]) => p.final && p.clip);
  }

  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = make("a", { href: url, download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function pngStrip() {
    const rows = finals();
    const { width, height, frames } = rows[0][1].clip;
    const canvas = document.createElement("canvas");
    canvas.width = width * frames * 2; canvas.height = height * rows.length * 2;
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    const tile = document.createElement("canvas");
    tile.width = width; tile.height = height;
    rows.forEach(([, panel], r) => {
      for (let f = 0; f < panel.clip.frames; f++) {
        const size = width * height * 4;
        tile.getContext("2d").putImageData(new ImageData(panel.clip.rgba.slice(f * size, (f + 1) * size), width, height), 0, 0);
        ctx.drawImage(tile, f * width * 2, r * height * 2, width * 2, height * 2);
      }
    });
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }

  function gifBlob() {
    const rows = finals();
    const { width, height, frames } = rows[0][1].clip;
    const size = width * height * 4;
    const scale = 4;
    const outW = width * scale * rows.length, outH = height * scale;
    const images = [];
    for (let f = 0; f < frames; f++) {
      const out = new Uint8ClampedArray(outW * outH * 4);
      rows.forEach(([, panel], r) => {
        const src = panel.clip.rgba;
        for (let y = 0; y < outH; y++) for (let x = 0; x < width * scale; x++) {
          const s = f * size + (Math.floor(y / scale) * width + Math.floor(x / scale)) * 4;
          const d = (y * outW + r * width * scale + x) * 4;
          out[d] = src[s]; out[d + 1] = src[s + 1]; out[d + 2] = src[s + 2]; out[d + 3] = 255;
        }
      });
      images.push(out);
    }
    return encodeGif(images, outW, outH, 1000 / FPS);
  }

  // --- events --------------------------------------------------------------------------------
  ui.prompt.addEventListener("input", () => { describePrompt(); model.prompt = ui.prompt.value; });
  ui.prompt.addEventListener("keydown", (e) => { if (e.key === "Enter" && !ui.go.disabled) ui.go.click(); });
  ui.steps.addEventListener("input", () => { ui.stepsOut.textContent = ui.steps.value; model.steps = Number(ui.steps.value); });
  ui.guidance.addEventListener("input", () => { ui.guidanceOut.textContent = ui.guidance.value; model.guidance = Number(ui.guidance.value); });
  ui.frames.addEventListener("change", () => {
    model.frames = Number(ui.frames.value);
    if (worker && manifest && !warmed.has(model.frames)) worker.postMessage({ type: "warmup", frames: model.frames });
  });
  ui.seed.addEventListener("change", () => { model.seed = Math.max(0, Math.floor(Number(ui.seed.value) || 0)); });
  ui.baseline.addEventListener("change", () => { model.baseline = ui.baseline.checked; });
  ui.go.addEventListener("click", () => generate().catch((err) => showError(`Generation failed: ${err.message}`)));
  ui.play.addEventListener("click", () => setPlaying(!player.playing));
  ui.scrub.addEventListener("input", () => { setPlaying(false); showFrame(Number(ui.scrub.value)); });
  ui.png.addEventListener("click", async () => saveBlob(await pngStrip(), "generated-clip.png"));
  ui.gif.addEventListener("click", () => saveBlob(gifBlob(), "generated-clip.gif"));
  model.on("remove", () => {
    clearInterval(player.timer);
    worker?.terminate();
    worker = null;
  });

  try {
    start();
  } catch (err) {
    showError(`The generator could not start: ${err.message}`);
    ui.status.textContent = "The generator is unavailable; the rest of the chapter works as usual.";
    readyReject(err);
  }

  if (model.debug) {
    // For tests and benchmarks: the same path the button takes, with the noise and timing exposed.
    window.__generatorDebug = {
      ready,
      generate: (options = {}) => generate(options).then((result) => ({
        ...result,
        clips: Object.fromEntries(Object.entries(result.clips).map(([k, c]) => [k, { ...c, latent: Array.from(c.latent) }])),
      })),
      tokenize: (text) => tokenize(text, manifest),
      pngStrip: async () => new Uint8Array(await (await pngStrip()).arrayBuffer()),
      gif: async () => new Uint8Array(await gifBlob().arrayBuffer()),
    };
  }
}
