// The cell's editor: CodeMirror 6 with Python highlighting, line numbers, undo history, bracket
// matching and auto-indent. Tab indents (Python needs it); Escape then Tab leaves the editor,
// CodeMirror's own way out for keyboard users. Ctrl/Cmd+Enter runs the cell.
// The CodeMirror packages come from npm, vendored by export/vendor.py and found by the import map.

import { EditorState, Prec } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";

const THEME = EditorView.theme({
  "&": { fontSize: "14px", border: "1px solid #8a96a3", borderRadius: "4px", background: "#fff" },
  "&.cm-focused": { outline: "3px solid #1d4ed8", outlineOffset: "1px" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", padding: "6px 0" },
  ".cm-gutters": { background: "#f3f5f7", color: "#4b5563", borderRight: "1px solid #d0d7de" },
  ".cm-activeLine": { background: "#f1f5fb" },
  ".cm-activeLineGutter": { background: "#e3e9f2", color: "#1f2933" },
  ".cm-scroller": { overflow: "visible" },   // the editor grows with its code: no inner scrolling to miss
});

// CodeMirror's default colours, with the three that fall below WCAG AA's 4.5:1 on white (f-string
// braces and escapes #e40, invalid #f00, type names #085) darkened; every colour here is at least
// 4.9:1 on the editor's white and its active-line tint.
const COLOURS = HighlightStyle.define([
  { tag: t.meta, color: "#404740" },
  { tag: t.link, textDecoration: "underline" },
  { tag: t.heading, textDecoration: "underline", fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "bold" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: t.keyword, color: "#708" },
  { tag: [t.atom, t.bool, t.url, t.contentSeparator, t.labelName], color: "#219" },
  { tag: [t.literal, t.inserted], color: "#164" },
  { tag: [t.string, t.deleted], color: "#a11" },
  { tag: [t.regexp, t.escape, t.special(t.string)], color: "#a33a00" },
  { tag: t.definition(t.variableName), color: "#00f" },
  { tag: t.local(t.variableName), color: "#30a" },
  { tag: [t.typeName, t.namespace], color: "#06704a" },
  { tag: t.className, color: "#167" },
  { tag: [t.special(t.variableName), t.macroName], color: "#256" },
  { tag: t.definition(t.propertyName), color: "#00c" },
  { tag: t.comment, color: "#940" },
  { tag: t.invalid, color: "#c00" },
]);

/** An editor in `parent` holding `doc`; `onRun` is called on Ctrl/Cmd+Enter. */
export function createEditor(parent, doc, { onRun, label, describedBy }) {
  const runKey = Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { onRun(); return true; } }]));
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        runKey, lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
        indentOnInput(), bracketMatching(), indentUnit.of("    "), python(),
        syntaxHighlighting(COLOURS),
        EditorView.lineWrapping,           // a phone shows every character, nothing hides off to the side
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), THEME,
        EditorView.contentAttributes.of({ "aria-label": label, ...(describedBy ? { "aria-describedby": describedBy } : {}) }),
      ],
    }),
  });
}

export function getCode(view) {
  return view.state.doc.toString();
}

export function setCode(view, code) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
}
