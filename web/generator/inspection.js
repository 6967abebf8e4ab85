// The inspector's arithmetic, with no DOM: what a token covers, its attention row from one block's
// map, the same-slice / other-slice split, its attention to the prompt's words, and how hard
// guidance pulls on it. Every map comes from the inspection graph's own outputs (the worker's
// "inspect" messages, model/inspection.py); this file only selects and sums them. Mirrors
// model/inspection.py `full_row` and `other_slice_share`; tested in test/inspection.test.mjs.

/** The geometry of a clip of `frames` frames: slices, patch grid and tokens (from the manifest). */
export function layout(manifest, frames) {
  const slices = frames / manifest.frames_per_slice;
  const grid = manifest.latent_side / manifest.patch;
  return { slices, grid, perSlice: manifest.tokens_per_slice, tokens: slices * manifest.tokens_per_slice,
           channels: manifest.latent_channels, side: manifest.latent_side, patch: manifest.patch,
           framesPerSlice: manifest.frames_per_slice, pixelsPerCell: manifest.space_factor };
}

/** Where token `token` sits: its slice, patch row and column, the latent cells it covers, and the
 *  frames and pixels of the clip those cells decode into (all ranges inclusive, counted from 0). */
export function tokenInfo(geo, token) {
  const slice = Math.floor(token / geo.perSlice);
  const within = token % geo.perSlice;
  const row = Math.floor(within / geo.grid), col = within % geo.grid;
  const cells = { rows: [row * geo.patch, row * geo.patch + geo.patch - 1],
                  cols: [col * geo.patch, col * geo.patch + geo.patch - 1] };
  const px = (range) => [range[0] * geo.pixelsPerCell, (range[1] + 1) * geo.pixelsPerCell - 1];
  return { token, slice, row, col, cells,
           frames: [slice * geo.framesPerSlice, (slice + 1) * geo.framesPerSlice - 1],
           pixels: { rows: px(cells.rows), cols: px(cells.cols) } };
}

/** Token `token`'s self-attention over all N tokens in one block's map, for one head or the heads'
 *  mean (head = null). `map` is the worker's prompt-half output, shaped `dims`: spacetime
 *  (1, heads, N, N); per-frame (slices, heads, S, S), whose row goes in the token's own slice with
 *  exact zeros elsewhere (the per-frame model computes no weight between slices). */
export function attentionRow(map, dims, kind, token, head, geo) {
  const out = new Float32Array(geo.tokens);
  const perSlice = geo.perSlice;
  if (kind === "per-frame") {
    const [, heads, s] = dims;
    const own = Math.floor(token / perSlice), r = token % perSlice;
    const pick = head === null ? [...Array(heads).keys()] : [head];
    for (const h of pick) {
      const at = ((own * heads + h) * s + r) * s;
      for (let j = 0; j < s; j++) out[own * perSlice + j] += map[at + j] / pick.length;
    }
    return out;
  }
  const [, heads, n] = dims;
  const pick = head === null ? [...Array(heads).keys()] : [head];
  for (const h of pick) {
    const at = (h * n + token) * n;
    for (let j = 0; j < n; j++) out[j] += map[at + j] / pick.length;
  }
  return out;
}

/** The mean of several rows (for "all blocks"). */
export function meanRows(rows) {
  const out = new Float32Array(rows[0].length);
  for (const row of rows) for (let j = 0; j < out.length; j++) out[j] += row[j] / rows.length;
  return out;
}

/** How a token's attention row splits between its own slice and the others, beside what uniform
 *  attention over all N tokens would give. */
export function shares(row, token, geo) {
  const own = Math.floor(token / geo.perSlice);
  let same = 0, total = 0;
  for (let j = 0; j < row.length; j++) {
    total += row[j];
    if (Math.floor(j / geo.perSlice) === own) same += row[j];
  }
  return { same, other: total - same, total,
           uniformSame: geo.perSlice / geo.tokens, uniformOther: 1 - geo.perSlice / geo.tokens };
}

/** Token `token`'s attention to each of the prompt's P tokens in one block's cross-attention map
 *  (1, heads, N, P), one head or the heads' mean. */
export function crossRow(map, dims, token, head) {
  const [, heads, n, p] = dims;
  const out = new Float32Array(p);
  const pick = head === null ? [...Array(heads).keys()] : [head];
  for (const h of pick) {
    const at = (h * n + token) * p;
    for (let k = 0; k < p; k++) out[k] += map[at + k] / pick.length;
  }
  return out;
}

/** For each token, the size (root of the sum of squares over its channels and cells) of
 *  v_cond - v_uncond: where the prompt pulls the step hardest. Latents are (C, T', s, s). */
export function guidancePull(vCond, vUncond, geo) {
  const out = new Float32Array(geo.tokens);
  const { channels, side, patch, grid, perSlice } = geo;
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < geo.slices; t++) {
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const k = ((c * geo.slices + t) * side + y) * side + x;
          const d = vCond[k] - vUncond[k];
          out[t * perSlice + Math.floor(y / patch) * grid + Math.floor(x / patch)] += d * d;
        }
      }
    }
  }
  return out.map(Math.sqrt);
}

/** What the step from `latent` would have been with guidance `w`: its clean guess latent - t v
 *  and the root-mean-square size of the Euler step (dt = 1 / steps), v = v_u + w (v_c - v_u). */
export function stepUnder(record, w) {
  const { latent, vCond, vUncond, t, steps } = record;
  const clean = new Float32Array(latent.length);
  let sum = 0;
  for (let k = 0; k < latent.length; k++) {
    const v = vUncond[k] + w * (vCond[k] - vUncond[k]);
    clean[k] = latent[k] - t * v;
    sum += (v / steps) ** 2;
  }
  return { clean, stepRms: Math.sqrt(sum / latent.length) };
}

/** Root-mean-square distance between two latents. */
export function rmsDistance(a, b) {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] - b[k]) ** 2;
  return Math.sqrt(sum / a.length);
}

/** The largest entries of `values` as [index, value] pairs, largest first. */
export function top(values, count) {
  return [...values].map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, count);
}
