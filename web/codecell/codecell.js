// A code cell: the reader edits Python, runs it, and sees what it printed (and any chart it drew)
// under it. A Panel JSComponent (course/codecell.py); Panel inlines this file and imports it from a
// blob: URL, so our other files come through the import map the class declares: "course-codecell/"
// is this folder, "pyodide" and the CodeMirror packages the vendored npm files.
//
// The pieces: editor.js (CodeMirror), client.js (the page's one Python worker, worker.js), chart.js
// (plot()). The cell is usable before any of them load: the code is shown at once, the editor
// replaces it when CodeMirror arrives (a plain text box if it cannot), and Python starts when the
// browser is idle or on the first Run. If Python cannot load, the cell says so and nothing else on
// the page is affected.

import { chart } from "course-codecell/chart.js";
import { runtime, startWhenIdle, whenNearAndIdle } from "course-codecell/client.js";
import { make } from "course-shared/dom.js";

const CSS = `
:host, .cell { font: 15px/1.45 system-ui, sans-serif; color: #1f2933; }
.cell { display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; max-width: 760px; min-width: 0; }
.cell > * { min-width: 0; }
.cell .head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.cell .title { font-weight: 700; margin: 0; font-size: 15px; }
.cell .hint { font-size: 13px; color: #4b5563; margin: 0; }
.cell .code-fallback { margin: 0; font: 14px ui-monospace, Menlo, Consolas, monospace; white-space: pre; overflow: auto;
                       border: 1px solid #8a96a3; border-radius: 4px; padding: 6px 8px; background: #fff; }
.cell textarea.code-fallback { width: 100%; box-sizing: border-box; min-height: 12em; resize: vertical; }
.cell .buttons { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.cell button { font: inherit; font-weight: 600; min-height: 32px; min-width: 44px; padding: 4px 14px; border-radius: 4px;
               border: 1px solid #52606d; background: #f5f7fa; color: #1f2933; cursor: pointer; }
.cell button.run { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
.cell button:disabled { opacity: 0.55; cursor: default; }
.cell button:focus-visible, .cell summary:focus-visible, .cell .output:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.cell .status { font-size: 14px; color: #374151; font-variant-numeric: tabular-nums; }
.cell progress { width: 140px; height: 10px; }
.cell .suggest { margin: 0; font-size: 14px; background: #f3f5f7; border-left: 4px solid #52606d; padding: 4px 10px; }
.cell code { font: 13px ui-monospace, Menlo, Consolas, monospace; background: #e8ecf1; padding: 0 3px; border-radius: 3px; }
.cell .output { margin: 0; font: 13.5px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap;
                overflow-wrap: anywhere; background: #f8fafc; border: 1px solid #d0d7de; border-radius: 4px;
                padding: 6px 8px; max-height: 22em; overflow: auto; }
.cell .output:empty { display: none; }
.cell .output .stderr, .cell .output .traceback { color: #a4161a; }
.cell .output .note { color: #6b4400; font-style: italic; }
.cell .error { color: #a4161a; margin: 0; white-space: pre-wrap; }
.cell .error:empty { display: none; }
.cell [hidden] { display: none !important; }
.cell figure.plot { margin: 0; }
.cell figure.plot figcaption { font-size: 14px; font-weight: 600; }
.cell svg.chart { width: 100%; max-width: 480px; height: auto; display: block; }
.cell svg.chart .axes line { stroke: #52606d; stroke-width: 1; }
.cell svg.chart .axes line.zero { stroke: #9aa5b1; stroke-dasharray: 3 3; }
.cell svg.chart text { font-size: 15px; fill: #374151; }   /* SVG units: about 11 px on a 375 px phone */
.cell svg.chart .line { fill: none; stroke: #1d4ed8; stroke-width: 2; }
.cell svg.chart .dots circle { fill: #1d4ed8; }
.cell details { font-size: 13px; }
@media (max-width: 480px) { .cell .cm-editor { font-size: 12.5px; } }   /* more of a line per row on a phone */
.cell table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.cell th, .cell td { padding: 1px 10px; text-align: right; border-bottom: 1px solid #e4e7eb; }
`;

let cellCount = 0;


/** `text` with `backticked` parts as <code>, built with textContent (never innerHTML). */
function withCode(text) {
  return text.split("`").map((part, i) => (i % 2 ? make("code", { text: part }) : document.createTextNode(part)));
}

function resolveModule(specifier) {
  if (globalThis.importShim && typeof globalThis.importShim.resolve === "function") {
    return globalThis.importShim.resolve(specifier, document.baseURI);
  }
  return import.meta.resolve(specifier);
}

function loadModule(specifier) {
  return globalThis.importShim ? globalThis.importShim(specifier) : import(specifier);
}

function seconds(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

class CodeCell {
  constructor(model, el) {
    this.model = model;
    this.original = model.code;
    const n = ++cellCount;
    el.append(make("style", { text: CSS }));
    this.root = make("section", { class: "cell", "aria-labelledby": `cell-title-${n}` });
    this.root.dataset.state = "idle";
    const title = make("h3", { class: "title", id: `cell-title-${n}`, text: `Python: ${model.title}` });
    const hint = make("p", { class: "hint", id: `cell-hint-${n}`,
      text: "Edit the code, then Run (Ctrl+Enter or ⌘+Enter). Tab indents; press Esc then Tab to leave the editor." });
    this.editorBox = make("div", { class: "editor" }, [make("pre", { class: "code-fallback", text: model.code })]);
    this.runButton = make("button", { class: "run", type: "button", text: "Run" });
    this.stopButton = make("button", { type: "button", text: "Stop", disabled: true });
    this.resetButton = make("button", { type: "button", text: "Reset" });
    this.progress = make("progress", { max: 4, value: 0, hidden: true, "aria-label": "Python loading" });
    this.status = make("span", { class: "status", role: "status", text: "" });
    this.output = make("pre", { class: "output", role: "log", "aria-live": "polite", "aria-label": "Output", tabIndex: 0 });
    this.error = make("p", { class: "error", role: "alert" });
    this.plots = make("div", { class: "plots" });
    const suggest = model.suggestion ? make("p", { class: "suggest" }, [make("strong", { text: "Try this: " }), ...withCode(model.suggestion)]) : null;
    this.root.append(make("div", { class: "head" }, [title, hint]), this.editorBox,
                     make("div", { class: "buttons" }, [this.runButton, this.stopButton, this.resetButton, this.progress, this.status]),
                     ...(suggest ? [suggest] : []), this.error, this.output, this.plots);
    el.append(this.root);
    this.hintId = hint.id;
    this.view = null;           // the CodeMirror view, once loaded
    this.textarea = null;       // the plain fallback, if CodeMirror could not load
    this.running = false;
    this.pending = [];          // output not yet written: [text, stream]
    this.frame = null;
  }

  code() {
    if (this.view) return this.view.state.doc.toString();
    if (this.textarea) return this.textarea.value;
    return this.original;
  }

  /** CodeMirror (1.2 MB of modules) loads once the page is idle and the cell near: until then the
   *  code is shown as text, and a click or Tab into it loads the editor at once. */
  deferEditor() {
    const fallback = this.editorBox.firstChild;
    fallback.tabIndex = 0;
    fallback.setAttribute("aria-label", `Python code: ${this.model.title} (the editor is loading)`);
    const now = () => this.loadEditor();
    fallback.addEventListener("focus", now, { once: true });
    fallback.addEventListener("pointerdown", now, { once: true });
    whenNearAndIdle(this.root, now);
  }

  async loadEditor() {
    if (this.editorLoading) return;
    this.editorLoading = true;
    try {
      const { createEditor } = await loadModule("course-codecell/editor.js");
      const focused = this.editorBox.contains(this.root.getRootNode().activeElement);   // the reader is in the code
      this.editorBox.replaceChildren();
      this.view = createEditor(this.editorBox, this.code(), { onRun: () => this.run(), label: `Python code: ${this.model.title}`,
                                                             describedBy: this.hintId });
      this.root.dataset.editor = "codemirror";
      if (focused) this.view.focus();
    } catch (err) {
      console.warn(`code cell: the editor could not load (${err.message}); using a plain text box`);
      this.textarea = make("textarea", { class: "code-fallback", spellcheck: false, "aria-label": `Python code: ${this.model.title}`,
                                         "aria-describedby": this.hintId, value: this.original });
      this.textarea.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); this.run(); } });
      this.editorBox.replaceChildren(this.textarea);
      this.root.dataset.editor = "textarea";
    }
  }

  startPython() {
    const files = this.model.python_files.map(([path, url]) => [path, new URL(url, document.baseURI).href]);
    const snapshotUrl = this.model.snapshot_url ? new URL(this.model.snapshot_url, document.baseURI).href : null;
    this.python = runtime({ workerUrl: resolveModule("course-codecell/worker.js"), pyodideUrl: resolveModule("pyodide"),
                            snapshotUrl, files });
    this.python.listeners.add((message) => this.onProgress(message));
    if (this.model.autostart) startWhenIdle(this.python, this.root);
  }

  onProgress(message) {
    this.progress.value = message.step;
    this.progress.hidden = message.step >= message.steps;
    if (this.running || this.root.dataset.state === "loading") this.status.textContent = message.text;
  }

  /** Add output; text arriving between two frames is written once (a loop may print thousands of lines). */
  append(text, kind) {
    const last = this.pending[this.pending.length - 1];
    if (last && last[1] === kind) last[0] += text;
    else this.pending.push([text, kind]);
    this.frame ??= requestAnimationFrame(() => this.flushOutput());
  }

  flushOutput() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = null;
    for (const [text, kind] of this.pending.splice(0)) {
      const last = this.output.lastChild;
      if (last && last.className === kind) last.textContent += text;
      else this.output.append(make("span", { class: kind, text }));
    }
  }

  clearOutput() {
    this.pending = [];
    this.output.replaceChildren();
    this.plots.replaceChildren();
    this.error.textContent = "";
  }

  setRunning(running) {
    this.running = running;
    this.runButton.disabled = running;
    this.stopButton.disabled = !running;
    this.resetButton.disabled = running;
  }

  async run() {
    if (this.running) return;
    const clicked = performance.now();
    this.setRunning(true);
    this.clearOutput();
    const loaded = this.python.worker && this.python.lastProgress?.step === 4;
    this.root.dataset.state = loaded ? "running" : "loading";
    this.status.textContent = loaded ? "Running…" : (this.python.lastProgress?.text ?? "Starting Python…");
    if (!loaded) this.progress.hidden = false;
    let result;
    try {
      result = await this.python.execute(this.code(), {
        outputLimit: this.model.output_limit, timeLimitMs: this.model.time_limit * 1000,
        handlers: { output: (stream, text) => { this.root.dataset.state = "running"; this.append(text, stream); } },
      });
    } catch (err) {
      this.setRunning(false);
      this.progress.hidden = true;
      this.root.dataset.state = "unavailable";
      this.error.textContent = `Python could not start: ${err.message}. The rest of the page works as usual.`;
      this.status.textContent = "";
      return;
    }
    this.setRunning(false);
    this.show(result);
    this.flushOutput();
    const wallMs = performance.now() - clicked;
    this.root.dataset.lastMs = String(wallMs);
    if (this.python.readyInfo) this.root.dataset.python = JSON.stringify(this.python.readyInfo);
    this.root.dataset.runs = String(Number(this.root.dataset.runs ?? 0) + 1);
    this.status.textContent += ` (${seconds(wallMs)})`;
  }

  show(result) {
    if (result.stopped) {
      const why = result.stopped === "time" ? `it ran past the time limit of ${this.model.time_limit} s`
        : "you pressed Stop";
      const next = result.loading ? "Python keeps loading for the next Run." : "Python restarts for the next Run.";
      this.append(`Stopped after ${seconds(result.ms)}: ${why}. ${next}\n`, "note");
      this.root.dataset.state = "stopped";
      this.status.textContent = "Stopped.";
      return;
    }
    if (result.capped) this.append(`\n[output cut at ${this.model.output_limit.toLocaleString("en")} characters]\n`, "note");
    if (!result.ok) {
      const where = result.line ? `line ${result.line} of your code` : "your code";
      this.append(`${this.output.childNodes.length || this.pending.length ? "\n" : ""}${result.traceback}`, "traceback");
      this.error.textContent = `${result.error} on ${where}.`;
      this.root.dataset.state = "error";
      this.root.dataset.errorLine = String(result.line ?? "");
      this.status.textContent = "Finished with an error.";
    } else {
      this.root.dataset.state = "done";
      const printed = this.output.childNodes.length || this.pending.length;
      this.status.textContent = printed || result.plots.length ? "Done." : "Done (nothing printed).";
    }
    for (const spec of result.plots ?? []) this.plots.append(chart(spec));
  }

  reset() {
    if (this.view) {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: this.original } });
    } else if (this.textarea) {
      this.textarea.value = this.original;
    }
    this.clearOutput();
    this.status.textContent = "Code reset to the original.";
    this.root.dataset.state = "idle";
  }

  bind() {
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => this.python.stop("stop"));
    this.resetButton.addEventListener("click", () => this.reset());
  }
}

export function render({ model, el }) {
  const cell = new CodeCell(model, el);
  cell.bind();
  cell.startPython();
  cell.deferEditor();
}
