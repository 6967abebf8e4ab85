// The generator's Web Worker: loads onnxruntime-web (wasm, one thread) and the ONNX files, and runs
// the sampling loop of sampler.js off the page's main thread, so the page never freezes. Each
// denoiser is two graphs (model/prompt_graph.py): "prompt <kind>" reads the prompt once per clip,
// and its outputs go into every step of "<kind>" beside the latent and the noise level.
//
// The page starts it as a module worker and talks to it with messages:
//   -> {type: "init", ortUrl, modelUrl}           absolute URLs of ort's ESM entry and the ONNX folder
//   <- {type: "ready", manifest, sessionMs, ortVersion}
//   -> {type: "warmup", frames, shape?}            one forward of each network at that clip size
//   <- {type: "warm", frames, shape, ms}           (the first run at a new size is several times slower)
//   -> {type: "generate", id, ids, frames, shape?, steps, guidance, seed, models, previewMs, noise?, inspect?}
//      shape: one of manifest.shapes (sampler.js latentShape), "square" when left out; an "image" is
//      one latent slice, and its clip is one frame: the mean of the four the decoder gives
//   <- {type: "progress", id, model, step, steps, tokens, elapsedMs, preview?}   after every step
//   <- {type: "inspect", id, model, step, steps, t, guidance, latent, clean, vCond, vUncond,
//       self, cross, selfDims, crossDims}       after every step when inspect is true: the step's
//       latents and both velocities, and every block's attention maps for the prompt's half of the
//       batch, read from the inspection graph's own outputs (model/inspection.py)
//   -> {type: "warmup", frames, inspect: true}     also creates the inspection sessions
//   <- {type: "clip", id, model, frames, height, width, rgba, latent, elapsedMs, timings}
//   <- {type: "done", id, elapsedMs}
//   <- {type: "error", id, stage, message}                     anything that went wrong, in words
// Worker scripts do not see the page's import map, so ort comes in by the URL the page resolved
// through it, and its .wasm files are looked for in the same folder (wasmPaths).

import { serveInOrder } from "../shared/requests.js";
import { denoise, framesToRGBA, latentShape, meanFrame, nullIds, torchRandn } from "./sampler.js";

const promptKey = (kind) => `prompt ${kind}`;     // model/prompt_graph.py `key`

let ort = null;
let manifest = null;
let modelUrl = null;
const sessions = new Map();         // "spacetime" | "per-frame" | "prompt <kind>" | "decoder" | "inspect <kind>" -> Promise<InferenceSession>
const loadTimes = {};                // ms spent fetching and creating each session (reported in "ready")

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

function describe(err) {
  return err && err.message ? err.message : String(err);
}

async function fetchBytes(name) {
  const url = new URL(name, modelUrl);
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`could not download the model file ${name}: ${describe(err)}`);
  }
  if (!response.ok) throw new Error(`the model file ${name} is missing (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

// float16 -> float32 for every 16-bit pattern: widening 2.7 M weights is then one lookup each.
let halfTable = null;
function halfToFloat() {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
      halfTable[h] = exponent === 0 ? sign * mantissa * 2 ** -24
        : exponent === 31 ? (mantissa ? NaN : sign * Infinity)
        : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
    }
  }
  return halfTable;
}

/** The .weights file's pieces (float16 or float32 each) as the float32 external data the graph
 *  names, in order: the JS twin of model/onnx_weights.py `widen`. */
export function widen(wire, entry) {
  if (entry.bytes % 4) throw new Error("bad weights layout in manifest.json");
  const out = new Float32Array(entry.bytes / 4);
  const table = halfToFloat();
  let at = 0;
  for (const [offset, kind, count] of entry.pieces) {
    const size = kind === "f16" ? 2 : 4;
    if (offset % 4 || offset + size * count > wire.byteLength || at + count > out.length) {
      throw new Error(`${wire.byteLength} bytes do not match the layout manifest.json gives for them`);
    }
    if (kind === "f16") {
      const half = new Uint16Array(wire.buffer, wire.byteOffset + offset, count);
      for (let i = 0; i < count; i++) out[at + i] = table[half[i]];
    } else {
      out.set(new Float32Array(wire.buffer.slice(wire.byteOffset + offset, wire.byteOffset + offset + 4 * count)), at);
    }
    at += count;
  }
  return out;
}

/** The weights layout of graph `name`: the twin of model/onnx_weights.py `weights_entry` (an
 *  inspection graph names the weights of the fast graph it was copied from). */
export function weightsEntry(meta, name) {
  if (meta.weights?.[name]) return meta.weights[name];
  const kind = Object.entries(meta.inspect?.files ?? {}).find(([, file]) => file === name)?.[0];
  return kind ? meta.weights?.[meta.files[kind]] : undefined;
}

// One widened copy of each weights file, however many graphs name it.
const widened = new Map();
function externalData(entry) {
  if (!widened.has(entry.wire)) {
    const made = fetchBytes(entry.wire).then((wire) => {
      try {
        return new Uint8Array(widen(wire, entry).buffer);
      } catch (err) {
        throw new Error(`the model file ${entry.wire} is damaged: ${describe(err)}`);
      }
    });
    made.catch(() => widened.delete(entry.wire));
    widened.set(entry.wire, made);
  }
  return widened.get(entry.wire);
}

/** The graph file of network `key`: "spacetime", "per-frame", "prompt <kind>", "decoder", or "inspect <kind>". */
function graphFile(key) {
  if (!key.startsWith("inspect ")) {
    // An export from before the prompt graphs (model/prompt_graph.py) names no "prompt <kind>".
    if (!manifest.files[key]) throw new Error(`this export of the model has no "${key}" graph (run \`make export-onnx\`)`);
    return manifest.files[key];
  }
  const name = manifest.inspect?.files?.[key.slice(8)];
  if (!name) throw new Error("this export of the model has no inspection graphs (run `make export-onnx`)");
  return name;
}

function session(key) {
  if (!sessions.has(key)) {
    const name = graphFile(key);
    const entry = weightsEntry(manifest, name);
    const t0 = performance.now();
    const created = Promise.all([fetchBytes(name), entry ? externalData(entry) : null]).then(async ([bytes, data]) => {
      const t1 = performance.now();
      loadTimes[`${key} fetchMs`] = t1 - t0;
      try {
        // "basic": the exporter already simplified the graph. The extended rewrites ("all") cost
        // about 180 ms per session on one wasm thread and made the steps no faster (measured in
        // Node with onnxruntime-web 1.30: 259 vs 75 ms to create, 20.1 vs 19.1 ms a step).
        const made = await ort.InferenceSession.create(bytes, {
          executionProviders: ["wasm"], graphOptimizationLevel: "basic",
          externalData: entry ? [{ path: entry.external, data }] : undefined,
        });
        loadTimes[`${key} createMs`] = performance.now() - t1;
        return made;
      } catch (err) {
        throw new Error(`the model file ${name} could not be loaded (damaged or not an ONNX model): ${describe(err)}`);
      }
    });
    created.catch(() => sessions.delete(key));    // a later attempt may retry
    sessions.set(key, created);
  }
  return sessions.get(key);
}

async function init({ ortUrl, modelUrl: folder }) {
  const started = performance.now();
  modelUrl = folder;
  try {
    ort = await import(ortUrl);
  } catch (err) {
    throw new Error(`could not load onnxruntime-web from ${ortUrl}: ${describe(err)}`);
  }
  const importedAt = performance.now();
  ort.env.wasm.numThreads = 1;                   // threads need cross-origin isolation (COOP/COEP)
  ort.env.wasm.wasmPaths = new URL(".", ortUrl).href;
  const response = await fetch(new URL("manifest.json", modelUrl)).catch((err) => {
    throw new Error(`could not download manifest.json: ${describe(err)}`);
  });
  if (!response.ok) throw new Error(`the model's manifest.json is missing (HTTP ${response.status})`);
  manifest = await response.json();
  const t0 = performance.now();
  await Promise.all(["spacetime", promptKey("spacetime"), "decoder"].map(session));
  const sessionMs = performance.now() - t0;
  post({ type: "ready", manifest, sessionMs, totalMs: performance.now() - started, ortVersion: ort.env.versions?.web,
         breakdown: { ...loadTimes, ortImportMs: importedAt - started } });
}

function tensor(type, data, dims) {
  return new ort.Tensor(type, data, dims);
}

/** The prompt graph of denoiser `kind` on the (prompt, null prompt) pair: its outputs, by name, are
 *  the prompt inputs of every step of the clip. */
async function encodePrompt(kind, ids) {
  const pair = BigInt64Array.from([...ids, ...nullIds(manifest)], (v) => BigInt(v));
  return (await session(promptKey(kind))).run({ ids: tensor("int64", pair, [2, manifest.prompt_tokens]) });
}

async function decode(decoder, latent, shape) {
  const out = await decoder.run({ latent: tensor("float32", latent, shape.dims) });
  const frames = out.frames;
  const [, decoded, height, width] = frames.dims;
  const count = shape.image ? 1 : decoded;
  const pixels = shape.image ? meanFrame(frames.data, decoded) : frames.data;
  return { rgba: framesToRGBA(pixels, count, height, width), count, height, width };
}

async function warmup({ frames, shape: name = "square", inspect = false }) {
  const started = performance.now();
  const shape = latentShape(manifest, frames, name);
  const kinds = inspect ? ["spacetime", "per-frame"] : ["spacetime"];
  const keys = kinds.map((kind) => (inspect ? `inspect ${kind}` : kind));
  const [decoder, ...denoisers] = await Promise.all(["decoder", ...keys].map(session));
  const zeros = new Float32Array(2 * shape.size);
  for (const [n, denoiser] of denoisers.entries()) {
    const prompt = await encodePrompt(kinds[n], nullIds(manifest));
    await denoiser.run({
      latent: tensor("float32", zeros, [2, ...shape.dims.slice(1)]),
      t: tensor("float32", Float32Array.of(1, 1), [2]),
      ...prompt,
    });
  }
  await decoder.run({ latent: tensor("float32", zeros.subarray(0, shape.size), shape.dims) });
  post({ type: "warm", frames, shape: name, inspect, ms: performance.now() - started });
}

/** The prompt's half of one inspection output, the first half of its batch (model/inspection.py):
 *  self-attention (1, heads, N, N), per-frame (T', heads, 16, 16); cross-attention (1, heads, N, P). */
function promptHalf(output) {
  return { data: output.data.slice(0, output.data.length / 2),
           dims: [output.dims[0] / 2, ...output.dims.slice(1)] };
}

/** A step's preview, or null when it is not yet time for one. A preview costs a decoder run, so they
 *  are kept under about a fifth of the time, however long the clip; the first waits previewMs too:
 *  after one step the estimate is mostly blur, and a decoder run then would cost a short clip a
 *  sixth of its time. previewMs < 0: never. */
function previewer(decoder, shape, previewMs) {
  let last = previewMs > 0 ? performance.now() : -Infinity;
  let cost = 0;                                  // ms the last preview decode took
  return async (clean) => {
    const now = performance.now();
    if (previewMs < 0 || now - last < Math.max(previewMs, 4 * cost)) return null;
    last = now;
    const made = await decode(decoder, clean, shape);
    cost = performance.now() - now;
    return made;
  };
}

async function generate(request) {
  if (!manifest) throw new Error("the model is not loaded");
  const { id, ids, frames, steps, guidance, seed, models, previewMs = 250, inspect = false } = request;
  const started = performance.now();
  const shape = latentShape(manifest, frames, request.shape ?? "square");
  const noise = request.noise ? Float32Array.from(request.noise) : torchRandn(seed, shape.size);
  if (noise.length !== shape.size) {
    throw new Error(`noise has ${noise.length} values; this clip's latent needs ${shape.size}`);
  }
  const decoder = await session("decoder");
  for (const kind of models) {
    // Sessions first (the per-frame model's are made on first use): loading is not generation time.
    const [denoiser] = await Promise.all([session(inspect ? `inspect ${kind}` : kind), session(promptKey(kind))]);
    const kindStarted = performance.now();
    const prompt = await encodePrompt(kind, ids);  // once per clip: no step depends on anything else of it
    let maps = null;                             // the inspection outputs of the latest step
    const pairDims = [2, ...shape.dims.slice(1)];
    const preview = previewer(decoder, shape, previewMs);
    let stepMs = 0;
    const velocity = async (latent2, t2) => {
      const t0 = performance.now();
      const out = await denoiser.run({
        latent: tensor("float32", latent2, pairDims),
        t: tensor("float32", t2, [2]),
        ...prompt,
      });
      stepMs += performance.now() - t0;
      if (inspect) maps = out;
      return out.velocity.data;
    };
    const onStep = async ({ step, t, latent, clean }) => {
      if (inspect) postInspection({ id, kind, step, steps, t, guidance, latent, clean, outputs: maps });
      const message = { type: "progress", id, model: kind, step, steps, tokens: shape.tokens,
                        elapsedMs: performance.now() - started };
      const shown = step < steps ? await preview(clean) : null;      // the last step's is the clip itself
      if (shown) message.preview = shown;
      post(message, shown ? [shown.rgba.buffer] : []);
    };
    const latent = await denoise({ noise, steps, guidance, velocity, onStep });
    const t0 = performance.now();
    const clip = await decode(decoder, latent, shape);
    const decodeMs = performance.now() - t0;
    post({ type: "clip", id, model: kind, frames: clip.count, height: clip.height, width: clip.width,
           rgba: clip.rgba, latent, elapsedMs: performance.now() - started,
           timings: { denoiseMs: stepMs, perStepMs: stepMs / steps, decodeMs,
                      totalMs: performance.now() - kindStarted } },
         [clip.rgba.buffer, latent.buffer]);
  }
  post({ type: "done", id, elapsedMs: performance.now() - started });
}

/** One step's inspection message (see the protocol above); every array is a copy, transferred. */
function postInspection({ id, kind, step, steps, t, guidance, latent, clean, outputs }) {
  const names = manifest.inspect.outputs;
  const n = latent.length;
  const v = outputs.velocity.data;
  const self = names.self.map((name) => promptHalf(outputs[name]));
  const cross = names.cross.map((name) => promptHalf(outputs[name]));
  const message = { type: "inspect", id, model: kind, step, steps, t, guidance,
                    latent: Float32Array.from(latent), clean: Float32Array.from(clean),
                    vCond: v.slice(0, n), vUncond: v.slice(n, 2 * n),
                    self: self.map((m) => m.data), cross: cross.map((m) => m.data),
                    selfDims: self[0].dims, crossDims: cross[0].dims };
  post(message, [message.latent, message.clean, message.vCond, message.vUncond, ...message.self, ...message.cross]
    .map((a) => a.buffer));
}

serveInOrder({ init, warmup, generate }, post, describe);
