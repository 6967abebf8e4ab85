// node --test: the inspector's arithmetic (inspection.js) against a run Python recorded on the
// committed model's inspection graphs (tests/test_inspector.py writes INSPECT_GOLDEN with
// model/inspection.py and runs this file). No DOM, no onnxruntime.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { close } from "./close.mjs";
import { attentionRow, crossRow, guidancePull, layout, shares, stepUnder, tokenInfo } from "../inspection.js";

const path = process.env.INSPECT_GOLDEN;
if (!path) throw new Error("set INSPECT_GOLDEN to the JSON file tests/test_inspector.py writes");
const golden = JSON.parse(readFileSync(path, "utf8"));
const geo = layout(golden.manifest, golden.frames);

test("a token's geometry: slice, patch, latent cells, frames and pixels", () => {
  assert.equal(geo.tokens, golden.frames / 4 * 16);
  assert.deepEqual(tokenInfo(geo, 5), { token: 5, slice: 0, row: 1, col: 1, cells: { rows: [2, 3], cols: [2, 3] },
                                        frames: [0, 3], pixels: { rows: [8, 15], cols: [8, 15] } });
  const last = tokenInfo(geo, geo.tokens - 1);
  assert.deepEqual([last.slice, last.row, last.col, last.frames, last.pixels.cols], [geo.slices - 1, 3, 3,
    [golden.frames - 4, golden.frames - 1], [24, 31]]);
});

test("attention rows, shares and prompt weights are model/inspection.py's", () => {
  for (const c of golden.cases) {
    const row = attentionRow(Float32Array.from(c.self), c.selfDims, c.kind, c.token, c.head, geo);
    close(row, c.row, 1e-6, `${c.kind} block ${c.block} token ${c.token} head ${c.head}`);
    const s = shares(row, c.token, geo);
    assert.ok(Math.abs(s.other - c.other) < 1e-6, `other-slice share ${s.other} vs ${c.other}`);
    assert.ok(Math.abs(s.total - 1) < 1e-5, "a row sums to 1");
    if (c.kind === "per-frame") assert.equal(s.other, 0, "the per-frame model looks at no other slice");
    close(crossRow(Float32Array.from(c.cross), c.crossDims, c.token, c.head), c.crossRow, 1e-6, "cross-attention");
  }
});

test("guidance pull per token and the step under other guidance scales", () => {
  const g = golden.guidance;
  const record = { latent: Float32Array.from(g.latent), vCond: Float32Array.from(g.vCond),
                   vUncond: Float32Array.from(g.vUncond), t: g.t, steps: g.steps };
  close(guidancePull(record.vCond, record.vUncond, geo), g.pull, 1e-5, "pull");
  close(stepUnder(record, g.w).clean, g.clean, 1e-5, "the clean guess at the run's guidance");
});
