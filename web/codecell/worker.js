// The code cells' Web Worker: loads Pyodide (CPython in WebAssembly) from the site's own static
// folder, puts the course's pure-Python modules on its path, and runs cells off the main thread,
// so a runaway loop never freezes the page: the page ends one by terminating this worker
// (client.js), since interrupting Python needs SharedArrayBuffer and so cross-origin isolation,
// which most static hosts do not give.
//
//   -> {type: "init", pyodideUrl, snapshotUrl, files}   absolute URLs (snapshotUrl may be null);
//                                                      files: [[path on Python's disk, URL], ...]
//   <- {type: "progress", step, steps, text}            loading stages, for the cell's progress bar
//   <- {type: "ready", ms, version}
//   -> {type: "run", id, code, outputLimit}
//   <- {type: "output", id, stream, text}               stdout / stderr as it is written (batched)
//   <- {type: "result", id, ok, line, error, traceback, plots, ms, capped}
//   <- {type: "error", stage, message}                  anything that went wrong, in words
// A worker does not see the page's import map, so Pyodide comes in by the URL the page resolved;
// loadPyodide then finds its wasm, stdlib zip and lock file beside it (indexURL): nothing leaves
// the site.

import { serveInOrder } from "../shared/requests.js";

const HOME = "/home/pyodide/course-python";       // where the course's modules are written
const STEPS = 4;

let pyodide = null;
let runCell = null;
let current = null;                                // the run in flight: {id, limit, written, flushedAt, capped, buffer}

function post(message) {
  self.postMessage(message);
}

function describe(err) {
  return err && err.message ? err.message : String(err);
}

function progress(step, text) {
  post({ type: "progress", step, steps: STEPS, text });
}

async function fetchText(url, what) {
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`could not download ${what}: ${describe(err)}`);
  }
  if (!response.ok) throw new Error(`${what} is missing (HTTP ${response.status} for ${url})`);
  return response.text();
}

function flush() {
  if (current && current.buffer.length) {
    for (const [stream, text] of current.buffer) post({ type: "output", id: current.id, stream, text });
    current.buffer = [];
    current.flushedAt = current.written;
  }
}

/** Output from Python, kept up to the cell's limit and sent a line at a time (as a terminal shows
 *  it), so what a runaway loop printed before it spun is on the page when Stop ends it. */
function write(stream, text) {
  if (!current || current.capped) return;
  const room = current.limit - current.written;
  if (text.length > room) {
    text = text.slice(0, Math.max(0, room));
    current.capped = true;
  }
  current.written += text.length;
  const last = current.buffer[current.buffer.length - 1];
  if (last && last[0] === stream) last[1] += text;
  else current.buffer.push([stream, text]);
  if (current.capped || text.includes("\n") || current.written - current.flushedAt > 4096) flush();
}

function writer(stream) {
  const decoder = new TextDecoder();
  return { write: (bytes) => { write(stream, decoder.decode(bytes, { stream: true })); return bytes.length; } };
}

/** The snapshot is stored gzipped (31 MB -> 6 MB), since static hosts rarely compress a binary file;
 *  a host that does send it with Content-Encoding: gzip has already unpacked it (no gzip magic). */
async function gunzip(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The interpreter's memory just after start-up (made by snapshot.mjs at build time): loading it
 *  skips CPython's own initialisation, most of Pyodide's start. Without it Python still starts,
 *  only slower, so a missing snapshot is a warning, not an error. */
async function snapshot(url) {
  try {
    const response = await fetch(url);
    if (response.ok) return gunzip(new Uint8Array(await response.arrayBuffer()));
    console.warn(`code cells: no start-up snapshot at ${url} (HTTP ${response.status}); Python starts the slow way`);
  } catch (err) {
    console.warn(`code cells: the start-up snapshot could not be downloaded (${describe(err)}); Python starts the slow way`);
  }
  return null;
}

async function init({ pyodideUrl, snapshotUrl, files }) {
  const started = performance.now();
  progress(1, "Downloading Python…");
  const saved = snapshotUrl ? snapshot(snapshotUrl) : Promise.resolve(null);
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(pyodideUrl));
  } catch (err) {
    throw new Error(`could not load Pyodide from ${pyodideUrl}: ${describe(err)}`);
  }
  const imported = performance.now();
  progress(2, "Starting Python…");
  const sources = Promise.all(files.map(async ([path, url]) => [path, await fetchText(url, path)]));
  sources.catch(() => {});
  try {
    const indexURL = new URL(".", pyodideUrl).href;
    const memory = await saved;
    pyodide = memory ? await loadPyodide({ indexURL, _loadSnapshot: memory }).catch((err) => {
      // A snapshot made by another Pyodide build (a stale cache, say) does not load: start afresh.
      console.warn(`code cells: the start-up snapshot did not load (${describe(err)}); Python starts the slow way`);
      return null;
    }) : null;
    pyodide ??= await loadPyodide({ indexURL });
  } catch (err) {
    throw new Error(`Pyodide could not start: ${describe(err)}`);
  }
  const booted = performance.now();
  progress(3, "Loading the course's Python modules…");
  for (const [path, text] of await sources) {
    const target = `${HOME}/${path}`;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    pyodide.FS.writeFile(target, text);
  }
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(HOME)}); sys.dont_write_bytecode = True`);
  runCell = pyodide.pyimport("cellrun").run;
  progress(4, "Python is ready.");
  const ms = performance.now() - started;
  post({ type: "ready", ms, version: pyodide.version,
         breakdown: { importMs: imported - started, bootMs: booted - imported, modulesMs: performance.now() - booted } });
}

function run({ id, code, outputLimit }) {
  if (!runCell) throw new Error("Python is not loaded");
  const started = performance.now();
  current = { id, limit: outputLimit, written: 0, flushedAt: 0, capped: false, buffer: [] };
  let answer;
  try {
    answer = JSON.parse(runCell(code));
    pyodide.runPython("import sys; sys.stdout.flush(); sys.stderr.flush()");
  } finally {
    flush();
  }
  const { capped } = current;
  current = null;
  post({ type: "result", id, ...answer, ms: performance.now() - started, capped });
}

serveInOrder({ init, run }, post, describe);
