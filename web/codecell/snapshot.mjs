// Make Pyodide's start-up snapshot at build time (Node): the interpreter's memory right after
// start-up, with the standard-library modules cellrun.py uses already imported. The worker loads
// it with loadPyodide({_loadSnapshot}) and so skips CPython's initialisation: measured here, a
// worker's start went from about 9 s to about 1 s (shared 2-core machine). A snapshot only fits
// the Pyodide build that made it, so the file is named after the version (course/codecell.py).
//
//   node web/codecell/snapshot.mjs <node_modules/pyodide folder> <output file>

import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [folder, out] = process.argv.slice(2);
if (!folder || !out) {
  console.error("usage: node snapshot.mjs <pyodide folder> <output file>");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${folder}/`, _makeSnapshot: true });
pyodide.runPython("import json, linecache, math, re, traceback, dataclasses, functools");
writeFileSync(out, pyodide.makeMemorySnapshot());
console.log(`wrote ${out}`);
