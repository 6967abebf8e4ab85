// The generator's output: one canvas per model (the spacetime model, and the per-frame baseline
// beside it when asked for) and one shared player with play/pause and a frame scrubber.

import { LABELS, make } from "./dom.js";

const FPS = 8;
const SCALE = 5;                 // CSS pixels per clip pixel: a 32 x 32 frame shows at 160 x 160, a 64 x 32 one at 320 x 160

export class Player {
  constructor(root) {
    this.panels = new Map();                 // kind -> {canvas, caption, figure, clip, final}
    this.frame = 0;
    this.playing = true;
    this.timer = null;
    const clips = make("div", { class: "clips" });
    for (const kind of ["spacetime", "per-frame"]) {
      const canvas = make("canvas", { class: "clip", width: 32, height: 32 });
      canvas.setAttribute("aria-label", `${LABELS[kind]}: generated clip`);
      const caption = make("figcaption", { text: LABELS[kind] });
      const figure = make("figure", { class: kind, hidden: kind !== "spacetime" }, [caption, canvas]);
      this.panels.set(kind, { canvas, caption, figure, clip: null, final: false });
      clips.append(figure);
    }
    this.play = make("button", { type: "button", text: "Pause", disabled: true });
    this.scrub = make("input", { type: "range", min: 0, max: 0, step: 1, value: 0, disabled: true, "aria-label": "Frame" });
    this.frameOut = make("output", { text: "" });
    this.png = make("button", { type: "button", text: "Download PNG strip", disabled: true });
    this.gif = make("button", { type: "button", text: "Download GIF", disabled: true });
    root.append(clips, make("div", { class: "player" }, [this.play, this.scrub, this.frameOut, this.png, this.gif]));
    this.play.addEventListener("click", () => this.setPlaying(!this.playing));
    this.scrub.addEventListener("input", () => { this.setPlaying(false); this.show(Number(this.scrub.value)); });
  }

  /** Empty every canvas; show only the figures of `models`. */
  reset(models) {
    for (const [kind, panel] of this.panels) {
      panel.clip = null; panel.final = false;
      panel.figure.hidden = !models.includes(kind);
      panel.caption.textContent = LABELS[kind];
      panel.canvas.getContext("2d").clearRect(0, 0, panel.canvas.width, panel.canvas.height);
    }
    this.enable(false);
    this.setPlaying(true);
  }

  /** Show `clip` ({rgba, frames, width, height}) for `kind` with a caption; final = the finished clip. */
  setClip(kind, clip, caption, final) {
    const panel = this.panels.get(kind);
    Object.assign(panel, { clip, final });
    panel.caption.textContent = caption;
    if (final) {
      this.enable(true);
      this.show(0);
    } else {
      this.show(this.frame);
    }
  }

  caption(kind) {
    return this.panels.get(kind).caption.textContent;
  }

  enable(on) {
    for (const control of [this.scrub, this.play, this.png, this.gif]) control.disabled = !on;
  }

  /** The finished clips, in display order: [[kind, panel], ...]. */
  finals() {
    return [...this.panels.entries()].filter(([, p]) => p.final && p.clip);
  }

  length() {
    return Math.max(0, ...[...this.panels.values()].filter((p) => p.clip).map((p) => p.clip.frames));
  }

  show(index) {
    const n = this.length();
    if (n === 0) return;
    this.frame = ((index % n) + n) % n;
    for (const panel of this.panels.values()) draw(panel, this.frame);
    this.scrub.max = String(n - 1);
    this.scrub.value = String(this.frame);
    this.frameOut.textContent = `frame ${this.frame + 1} of ${n}`;
  }

  setPlaying(playing) {
    this.playing = playing;
    this.play.textContent = playing ? "Pause" : "Play";
    clearInterval(this.timer);
    this.timer = playing ? setInterval(() => this.show(this.frame + 1), 1000 / FPS) : null;
  }

  stop() {
    clearInterval(this.timer);
  }
}

function draw(panel, index) {
  if (!panel.clip) return;
  const { rgba, frames, width, height } = panel.clip;
  const i = Math.min(index, frames - 1);
  if (panel.canvas.width !== width || panel.canvas.height !== height) {
    panel.canvas.width = width;
    panel.canvas.height = height;
    panel.canvas.style.width = `${width * SCALE}px`;     // height follows the canvas's own aspect (CSS height: auto)
  }
  const size = width * height * 4;
  const image = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + i * size, size), width, height);
  panel.canvas.getContext("2d").putImageData(image, 0, 0);
}

export { FPS, SCALE };
