// The cell's editor: CodeMirror 6 with Python highlighting, line numbers, undo history, bracket
// matching and auto-indent. Tab indents (Python needs it); Escape then Tab leaves the editor,
// CodeMirror's own way out for keyboard users. Ctrl/Cmd+Enter runs the cell.
// The CodeMirror packages come from npm, vendored by export/vendor.py and found by the import map.

import { EditorState, Prec } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";

const THEME = EditorView.theme({
  "&": { fontSize: "14px", border: "1px solid #8a96a3", borderRadius: "4px", background: "#fff" },
  "&.cm-focused": { outline: "3px solid #1d4ed8", outlineOffset: "1px" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", padding: "6px 0" },
  ".cm-gutters": { background: "#f3f5f7", color: "#4b5563", borderRight: "1px solid #d0d7de" },
  ".cm-activeLine": { background: "#f1f5fb" },
  ".cm-activeLineGutter": { background: "#e3e9f2", color: "#1f2933" },
  ".cm-scroller": { overflow: "auto", maxHeight: "28em" },
});

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
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
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
