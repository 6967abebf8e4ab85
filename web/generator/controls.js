// The generator's inputs: the prompt with what the model reads of it, the words it knows and some
// suggestions, and the sampling controls. Bounds and choices come from the model's manifest.

import { make } from "./dom.js";
import { IMAGE, latentShape, promptNotes, shapesOf, tokenize } from "./sampler.js";

const SUGGESTIONS = [
  "a red ball bouncing from left to right",
  "a blue square sliding from right to left",
  "a green ball arcing from left to right behind a wall",
  "a yellow square bouncing from right to left",
  "a big blue ball falling from right to left",   // shown only to a model that knows sizes and falling
];

/** Build the prompt and control elements into `root`; returns them by name. */
export function buildControls(root, model) {
  const ui = {};
  ui.prompt = make("input", { type: "text", id: "gen-prompt", value: model.prompt, autocomplete: "off",
                              spellcheck: false, "aria-describedby": "gen-reads" });
  ui.reads = make("div", { class: "reads", id: "gen-reads", "aria-live": "polite" });
  ui.words = make("div", { class: "words" }, [make("span", { text: "Words the model knows:" })]);
  ui.suggest = make("div", { class: "suggest" }, [make("span", { text: "Try:" })]);
  root.append(make("label", { htmlFor: "gen-prompt", text: "Prompt" }), ui.prompt, ui.reads, ui.words, ui.suggest);

  // Every control has a real <label>, so it has a name for screen readers and a bigger target.
  const field = (label, input, extra = []) => make("div", {}, [make("label", { htmlFor: input.id, text: label }),
                                                                make("span", {}, [input, ...extra])]);
  ui.steps = make("input", { type: "range", id: "gen-steps", step: 1, value: model.steps });
  ui.stepsOut = make("output", { text: String(model.steps), htmlFor: "gen-steps" });
  ui.guidance = make("input", { type: "range", id: "gen-guidance", step: 0.5, value: model.guidance });
  ui.guidanceOut = make("output", { text: String(model.guidance), htmlFor: "gen-guidance" });
  ui.frames = make("select", { id: "gen-frames" });
  ui.shape = make("select", { id: "gen-shape", "aria-describedby": "gen-patches" });
  ui.shapeField = field("Shape", ui.shape);
  ui.shapeField.hidden = true;                     // shown once the manifest says the model makes more than squares
  ui.patches = make("output", { id: "gen-patches", htmlFor: "gen-shape gen-frames", "aria-live": "polite" });
  ui.seed = make("input", { type: "text", inputMode: "numeric", id: "gen-seed", value: model.seed, autocomplete: "off",
                            "aria-describedby": "gen-seed-note" });
  ui.seedNote = make("div", { class: "note", id: "gen-seed-note", "aria-live": "polite" });
  ui.baseline = make("input", { type: "checkbox", checked: model.baseline, id: "gen-baseline" });
  ui.go = make("button", { class: "go", type: "button", text: "Generate", disabled: true });
  root.append(make("div", { class: "controls" }, [
    field("Denoising steps", ui.steps, [" ", ui.stepsOut]),
    field("Guidance scale", ui.guidance, [" ", ui.guidanceOut]),
    ui.shapeField,
    field("Frames", ui.frames),
    make("div", { class: "patches" }, [make("span", { text: "Tokens" }), ui.patches]),
    field("Seed", ui.seed, [ui.seedNote]),
    make("div", {}, [make("span", {}, [ui.baseline, make("label", { htmlFor: "gen-baseline",
      text: " also run the per-frame baseline" })])]),
    ui.go,
  ]));
  return ui;
}

/** Show what the model reads of the prompt (and why it ignores words); returns the tokens. */
export function describePrompt(ui, manifest) {
  const tokens = tokenize(ui.prompt.value, manifest);
  const reads = tokens.unconditional ? "The model reads: (nothing — no prompt)" : `The model reads: “${tokens.known.join(" ")}”`;
  ui.reads.replaceChildren(make("span", { text: reads }));
  for (const note of promptNotes(tokens, manifest)) {
    ui.reads.append(make("div", { class: "note", text: clip(note, 200) }));
  }
  if (tokens.unconditional && tokens.unknown.length) {
    ui.reads.append(make("div", { class: "note", text: "Use the words listed below, for example one of the suggestions." }));
  }
  return tokens;
}

/** Once the manifest is known: word chips, suggestions made only of known words, and the bounds. */
export function fillFromManifest(ui, manifest, model) {
  const typeIn = (text) => {
    ui.prompt.value = text;
    ui.prompt.dispatchEvent(new Event("input"));
  };
  const special = new Set([manifest.pad, manifest.null]);
  manifest.vocab.forEach((word, i) => {
    if (special.has(i)) return;
    const chip = make("button", { type: "button", class: "chip", text: word });
    chip.addEventListener("click", () => typeIn(`${ui.prompt.value.trim()} ${word}`.trim()));
    ui.words.append(chip);
  });
  const known = new Set(manifest.vocab);
  for (const text of SUGGESTIONS.filter((s) => s.split(" ").every((w) => known.has(w)))) {
    const chip = make("button", { type: "button", class: "chip", text });
    chip.addEventListener("click", () => typeIn(text));
    ui.suggest.append(chip);
  }
  ui.frames.replaceChildren(...manifest.frame_choices.map((f) => make("option", { value: f, text: String(f) })));
  ui.frames.value = String(manifest.frame_choices.includes(model.frames) ? model.frames : manifest.frame_choices[0]);
  const shapes = shapesOf(manifest);
  ui.shape.replaceChildren(...Object.entries(shapes).map(([name, [w, h]]) =>
    make("option", { value: name, text: name === IMAGE ? `image (one frame, ${w}×${h})` : `${name} ${w}×${h}` })));
  ui.shape.value = Object.hasOwn(shapes, model.shape) ? model.shape : Object.keys(shapes)[0];
  ui.shapeField.hidden = Object.keys(shapes).length < 2;
  describeSize(ui, manifest);
  ui.steps.min = manifest.steps.min; ui.steps.max = manifest.steps.max;
  ui.guidance.min = manifest.guidance.min; ui.guidance.max = manifest.guidance.max;
  describePrompt(ui, manifest);
}

/** The shape picked in the Shape select; "square" until the manifest has filled it. */
export function chosenShape(ui) {
  return ui.shape.value || "square";
}

/** The clip size the controls ask for: the patch count the DiT will attend over, from the manifest's
 *  geometry (an image has no frame count to pick). Returns latentShape's answer. */
export function describeSize(ui, manifest) {
  const shape = latentShape(manifest, Number(ui.frames.value), chosenShape(ui));
  const [, , slices, rows, cols] = shape.dims;
  const grid = `${rows / manifest.patch} × ${cols / manifest.patch}`;
  ui.patches.textContent = `${shape.tokens} spacetime patches (${slices} time-slice${slices > 1 ? "s" : ""} of ${grid})`;
  ui.frames.disabled = shape.image;
  return shape;
}

export const MAX_SEED = 2 ** 32 - 1;              // torch.manual_seed and numpy's RandomState agree up to here

/** The seed in the box, or null (with a note under the box saying why) if it is not a whole
 *  number from 0 to MAX_SEED: a bad seed is refused, never silently replaced by 0. */
export function seedOf(ui) {
  const text = ui.seed.value.trim();
  const seed = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  const ok = Number.isSafeInteger(seed) && seed <= MAX_SEED;
  ui.seedNote.textContent = ok ? "" : `The seed must be a whole number from 0 to ${MAX_SEED.toLocaleString("en")}; `
    + `“${clip(text, 24)}” is not. Nothing was generated.`;
  ui.seed.setAttribute("aria-invalid", String(!ok));
  return ok ? seed : null;
}

/** `text` cut to `limit` characters, with a count of what was left out. */
export function clip(text, limit = 60) {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}…and ${(text.length - limit).toLocaleString("en")} more characters`;
}
