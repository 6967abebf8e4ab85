// The generator's arithmetic, with no DOM and no onnxruntime: the prompt's tokens, the initial
// noise for a seed, and the Euler / classifier-free-guidance loop of flow matching. Each function
// mirrors one in the Python package so the browser produces the numbers `python -m model.sample`
// does: tokenize <- model/text.py, torchRandn <- torch.randn on the CPU, timesteps and denoise <-
// model/flow.py. The loop gets the network as a callback, so it runs unchanged in a Web Worker
// (calling onnxruntime-web), in Node, or against a stub in a test.

const WORD = /[a-z]+/g;

/** Words and ids the model reads from `text`, following model/text.py `tokenize`.
 *  Returns {ids, known, unknown, dropped, unconditional, rewritten}; ids always has `prompt_tokens`
 *  entries. Harmless variation ("the", plurals, verb forms) is read as the trained words by the table
 *  the export wrote into `manifest.rewrites` (model/text.py REWRITES); a manifest without one (an older
 *  export) reads every word as it is. */
export function tokenize(text, manifest) {
  const index = new Map(manifest.vocab.map((word, i) => [word, i]));
  const special = new Set([manifest.pad, manifest.null]);
  const table = manifest.rewrites ?? { words: {}, filler: [], lead: null };
  const canonical = new Map(Object.entries(table.words));
  const filler = new Set(table.filler);
  const words = String(text ?? "").toLowerCase().match(WORD) ?? [];
  const known = [];
  const unknown = [];
  const rewritten = [];
  for (const w of words) {
    if (index.has(w)) {
      if (!special.has(index.get(w))) known.push(w);
    } else if (canonical.has(w)) {
      known.push(canonical.get(w));
      rewritten.push([w, canonical.get(w)]);
    } else if (!filler.has(w)) {
      unknown.push(w);
    }
  }
  const n = manifest.prompt_tokens;
  if (known.length === 0) {
    return { ids: new Array(n).fill(manifest.null), known: [], unknown, dropped: [], unconditional: true, rewritten };
  }
  // Every training prompt starts with "a": one goes in front of a prompt that lacks it.
  if (table.lead && index.has(table.lead) && known[0] !== table.lead) known.unshift(table.lead);
  const kept = known.slice(0, n);
  const ids = kept.map((w) => index.get(w));
  while (ids.length < n) ids.push(manifest.pad);
  return { ids, known: kept, unknown, dropped: known.slice(n), unconditional: false, rewritten };
}

/** Plain-language notes about a tokenized prompt (the same cases model/sample.py reports). */
export function promptNotes(tokens, manifest) {
  const notes = [];
  const unique = (list) => [...new Set(list)];
  if (tokens.rewritten?.length) {
    // The same words as model/sample.py's note: each (typed, read as) pair once, at most 5 listed.
    const pairs = unique(tokens.rewritten.map(([typed, canon]) => `"${typed}" as "${canon}"`));
    notes.push(`read ${pairs.slice(0, 5).join(", ")}${pairs.length > 5 ? `, and ${pairs.length - 5} more` : ""}`);
  }
  if (tokens.unknown.length) {
    const shown = unique(tokens.unknown).map((w) => (w.length > 24 ? `${w.slice(0, 24)}… (${w.length} letters)` : w));
    const listed = shown.slice(0, 8).join(", ") + (shown.length > 8 ? `, and ${shown.length - 8} more` : "");
    notes.push(`ignored unknown word(s): ${listed}`);
  }
  if (tokens.dropped.length) {
    notes.push(`ignored ${tokens.dropped.length} word(s) past the ${manifest.prompt_tokens}-word limit`);
  }
  if (tokens.unconditional) {
    notes.push("no known words: generating unconditionally (the null prompt)");
  }
  return notes;
}

/** The null prompt: what classifier-free guidance compares the prompt against. */
export function nullIds(manifest) {
  return new Array(manifest.prompt_tokens).fill(manifest.null);
}

export const IMAGE = "image";                   // a still image: one latent slice (model/data.py IMAGE)

/** The shapes a model makes, name -> [width, height] in pixels (model/manifest.py `shapes`); a
 *  manifest without them (the first edition's) makes squares only. */
export function shapesOf(manifest) {
  return manifest.shapes ?? { square: [manifest.frame_size, manifest.frame_size] };
}

/** Latent shape [1, C, T', H', W'], its size, token count and pixel canvas for a clip of `frames`
 *  frames of `shape`, as model/manifest.py `latent_dims` and `tokens`: an image is one slice
 *  whatever `frames` says. Throws a RangeError naming what the model makes. */
export function latentShape(manifest, frames, shape = "square") {
  const shapes = shapesOf(manifest);
  if (!Object.hasOwn(shapes, shape)) {
    throw new RangeError(`this model makes ${Object.keys(shapes).join(", ")} (got shape "${shape}")`);
  }
  const image = shape === IMAGE;
  if (!image && (!manifest.frame_choices.includes(frames) || !Number.isInteger(frames / manifest.frames_per_slice))) {
    throw new RangeError(`frames must be one of ${manifest.frame_choices.join(", ")} (got ${frames})`);
  }
  const [width, height] = shapes[shape];
  const slices = image ? 1 : frames / manifest.frames_per_slice;
  const rows = height / manifest.space_factor, cols = width / manifest.space_factor;
  const channels = manifest.latent_channels;
  return { dims: [1, channels, slices, rows, cols], size: channels * slices * rows * cols,
           tokens: slices * (rows / manifest.patch) * (cols / manifest.patch), width, height, image };
}

/** Noise levels from 1 to 0 in `steps` equal steps, rounded to float32 like np.linspace(..., dtype=float32). */
export function timesteps(steps) {
  const ts = new Float32Array(steps + 1);
  const step = -1 / steps;                       // numpy: delta / div in float64
  for (let i = 0; i < steps; i++) ts[i] = i * step + 1;
  ts[steps] = 0;                                 // numpy sets the endpoint exactly
  return ts;
}

// --- torch.randn on the CPU, reproduced ------------------------------------------------------
// torch.Generator().manual_seed(s) seeds a 32-bit Mersenne Twister; randn of a float32 tensor with
// at least 16 elements fills it with 24-bit uniforms, then turns each block of 16 into normals with
// Box-Muller (first 8 as radii, next 8 as angles) - ATen's normal_fill. Doing the same here makes
// a seed in the browser start from the noise `python -m model.sample --seed` starts from (to float32
// rounding of log/cos/sin).

class MersenneTwister {
  constructor(seed) {
    this.state = new Uint32Array(624);
    this.state[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let i = 1; i < 624; i++) {
      const prev = this.state[i - 1] ^ (this.state[i - 1] >>> 30);
      this.state[i] = Math.imul(1812433253, prev) + i;
    }
    this.index = 624;
  }

  next() {
    const s = this.state;
    if (this.index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (s[i] & 0x80000000) | (s[(i + 1) % 624] & 0x7fffffff);
        s[i] = s[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = s[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** `count` standard normals equal (to float32 rounding) to torch.randn(count, generator=manual_seed(seed)). */
export function torchRandn(seed, count) {
  if (count < 16) throw new RangeError("torchRandn reproduces torch only for 16 or more values");
  const f = Math.fround;
  const twister = new MersenneTwister(seed);
  const uniform = () => (twister.next() & 0xffffff) / 16777216;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = uniform();
  const fill16 = (at) => {
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - data[at + j]);
      const u2 = data[at + j + 8];
      const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
      const theta = f(2 * Math.PI * u2);
      data[at + j] = f(radius * f(Math.cos(theta)));
      data[at + j + 8] = f(radius * f(Math.sin(theta)));
    }
  };
  for (let at = 0; at + 16 <= count; at += 16) fill16(at);
  if (count % 16 !== 0) {
    // torch redraws the last 16 values from fresh uniforms
    for (let i = count - 16; i < count; i++) data[i] = uniform();
    fill16(count - 16);
  }
  return data;
}

// --- the sampling loop ------------------------------------------------------------------------

/** Classifier-free guidance, as model/flow.py `guide`: from the unconditional velocity, `w` times the gap. */
export function guide(vCond, vUncond, w) {
  const v = new Float32Array(vCond.length);
  for (let k = 0; k < v.length; k++) v[k] = vUncond[k] + w * (vCond[k] - vUncond[k]);
  return v;
}

/** Euler integration of the flow-matching ODE from t = 1 (noise) to t = 0 with classifier-free
 *  guidance, as model/flow.py `euler` for one clip.
 *
 *  velocity(latent2, t2) -> Promise<Float32Array>: one network call on a batch of two (the prompt
 *  first, the null prompt second: the caller encodes that pair once per clip, model/prompt_graph.py),
 *  returning the two velocities one after the other, as model/flow.py's velocity_pair.
 *  onStep({step, steps, t, latent, clean}) after each step, as model/flow.py's Step: `step` counts
 *  from 1, `latent` is what the step started from and `clean` = latent - t v, the current guess at
 *  the clean latent. Returns the final latent (a new Float32Array). */
export async function denoise({ noise, steps, guidance, velocity, onStep }) {
  const n = noise.length;
  let x = Float32Array.from(noise);
  const pair = new Float32Array(2 * n);
  const ts = timesteps(steps);
  for (let i = 0; i < steps; i++) {
    pair.set(x, 0);
    pair.set(x, n);
    const t = ts[i];
    const v2 = await velocity(pair, Float32Array.of(t, t));
    const v = guide(v2.subarray(0, n), v2.subarray(n, 2 * n), guidance);
    if (onStep) {
      const clean = new Float32Array(n);
      for (let k = 0; k < n; k++) clean[k] = x[k] - t * v[k];
      await onStep({ step: i + 1, steps, t, latent: x, clean });
    }
    const dt = Math.fround(ts[i + 1] - ts[i]);
    const next = new Float32Array(n);
    for (let k = 0; k < n; k++) next[k] = x[k] + dt * v[k];
    x = next;
  }
  return x;
}

/** The mean of `count` decoded frames (F, H, W, 3 floats): what an image is, one frame with the
 *  decoder's frame-to-frame wobble averaged out (model/data.py `still_picture`). */
export function meanFrame(frames, count) {
  const n = frames.length / count;
  const out = new Float32Array(n);
  for (let f = 0; f < count; f++) for (let k = 0; k < n; k++) out[k] += frames[f * n + k];
  for (let k = 0; k < n; k++) out[k] /= count;
  return out;
}

/** Decoder output (1, F, H, W, 3) floats in [0, 1] -> RGBA bytes, one frame after another. */
export function framesToRGBA(frames, count, height, width) {
  const pixels = height * width;
  const out = new Uint8ClampedArray(count * pixels * 4);
  for (let p = 0; p < count * pixels; p++) {
    out[4 * p] = Math.round(frames[3 * p] * 255);
    out[4 * p + 1] = Math.round(frames[3 * p + 1] * 255);
    out[4 * p + 2] = Math.round(frames[3 * p + 2] * 255);
    out[4 * p + 3] = 255;
  }
  return out;
}
