// The generator's inputs: the prompt with what the model reads of it, the words it knows and some
// suggestions, and the sampling controls. Bounds and choices come from the model's manifest.

import { make } from "./dom.js";
import { promptNotes, tokenize } from "./sampler.js";

const SUGGESTIONS = [
  "a red ball bouncing from left to right",
  "a blue square sliding from right to left",
  "a green ball arcing from left to right behind a wall",
  "a yellow square bouncing from right to left",
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

  const field = (label, input) => make("div", {}, [make("span", { text: label }), input]);
  ui.steps = make("input", { type: "range", step: 1, value: model.steps });
  ui.stepsOut = make("output", { text: String(model.steps) });
  ui.guidance = make("input", { type: "range", step: 0.5, value: model.guidance });
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
  return ui;
}

/** Show what the model reads of the prompt (and why it ignores words); returns the tokens. */
export function describePrompt(ui, manifest) {
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
  ui.steps.min = manifest.steps.min; ui.steps.max = manifest.steps.max;
  ui.guidance.min = manifest.guidance.min; ui.guidance.max = manifest.guidance.max;
  describePrompt(ui, manifest);
}

/** The seed in the box as a whole number of at least 0. */
export function seedOf(ui) {
  return Math.max(0, Math.floor(Number(ui.seed.value) || 0));
}
