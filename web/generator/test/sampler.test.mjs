// node --test: the browser sampler's arithmetic against golden values that Python wrote
// (tests/test_flow.py writes them with model/text.py and model/flow.py, then runs this file with
// SAMPLER_GOLDEN pointing at them). No DOM, no onnxruntime: the network is a stub.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { close } from "./close.mjs";
import { denoise, guide, latentShape, meanFrame, promptNotes, timesteps, tokenize, torchRandn } from "../sampler.js";

const path = process.env.SAMPLER_GOLDEN;
if (!path) throw new Error("set SAMPLER_GOLDEN to the JSON file tests/test_flow.py writes");
const golden = JSON.parse(readFileSync(path, "utf8"));

test("the tokenizer reads prompts as model/text.py does, in both grammars", () => {
  for (const { manifest, prompts } of [golden, golden.second]) {
    for (const { text, ids, unknown, dropped, unconditional, rewritten } of prompts) {
      const got = tokenize(text, manifest);
      const where = `${text} (${manifest.vocab.length} words)`;
      assert.deepEqual(got.ids, ids, where);
      assert.deepEqual(got.unknown, unknown, where);
      assert.deepEqual(got.dropped, dropped, where);
      assert.equal(got.unconditional, unconditional, where);
      assert.deepEqual(got.rewritten, rewritten, where);
    }
  }
});

test("the note about rewritten words is model/sample.py's", () => {
  for (const { manifest, prompts } of [golden, golden.second]) {
    for (const { text, read_note: want } of prompts) {
      const got = promptNotes(tokenize(text, manifest), manifest).find((note) => note.startsWith("read "));
      assert.equal(got ?? null, want, text);
    }
  }
});

test("a manifest without a rewrite table (an older export) reads every word as it is", () => {
  const { rewrites, ...older } = golden.manifest;
  assert.ok(rewrites, "the golden manifest has the table");
  const got = tokenize("The blue balls are bouncing from left to right.", older);
  assert.deepEqual(got.known, ["blue", "bouncing", "from", "left", "to", "right"]);
  assert.deepEqual(got.unknown, ["the", "balls", "are"]);
  assert.deepEqual(got.rewritten, []);
  assert.deepEqual(promptNotes(got, older), ["ignored unknown word(s): the, balls, are"]);
});

test("noise levels are model/flow.py's float32 timesteps", () => {
  for (const [steps, want] of Object.entries(golden.timesteps)) {
    assert.deepEqual(Array.from(timesteps(Number(steps))), want, `steps=${steps}`);
  }
});

test("a seed's noise is torch.randn's", () => {
  for (const { seed, count, values } of golden.noise) {
    close(torchRandn(seed, count), values, 1e-5, `seed ${seed}, ${count} values`);
  }
});

test("guidance combines as v_u + w (v_c - v_u)", () => {
  const { cond, uncond, w, want } = golden.guide;
  close(guide(Float32Array.from(cond), Float32Array.from(uncond), w), want, 1e-6, "guide");
});

test("the Euler loop with a stub network reports steps from 1 and ends where Python does", async () => {
  const { noise, steps, guidance, final, reported } = golden.loop;
  const seen = [];
  const n = noise.length;
  // The stub: v_cond = 0.5 x + t, v_uncond = -0.25 x (Python's stub in tests/test_flow.py).
  const velocity = async (pair, t2) => {
    const out = new Float32Array(2 * n);
    for (let k = 0; k < n; k++) {
      out[k] = 0.5 * pair[k] + t2[0];
      out[n + k] = -0.25 * pair[n + k];
    }
    return out;
  };
  const onStep = ({ step, steps: total, t, latent, clean }) => {
    seen.push({ step, steps: total, t, latent0: latent[0], clean0: clean[0] });
  };
  const got = await denoise({ noise: Float32Array.from(noise), steps, guidance, velocity, onStep });
  close(got, final, 1e-5, "final latent");
  assert.deepEqual(seen.map((s) => [s.step, s.steps]), reported.map((s) => [s.step, s.steps]));
  close(seen.map((s) => s.t), reported.map((s) => s.t), 1e-7, "t per step");
  close(seen.map((s) => s.latent0), reported.map((s) => s.latent0), 1e-5, "latent per step");
  close(seen.map((s) => s.clean0), reported.map((s) => s.clean0), 1e-5, "clean guess per step");
});

test("every shape's latent and token count are model/manifest.py's", () => {
  const { manifest, cases } = golden.shapes;
  for (const { shape, frames, dims, tokens } of cases) {
    const got = latentShape(manifest, frames, shape);
    assert.deepEqual(got.dims, dims, `${shape}, ${frames} frames`);
    assert.equal(got.tokens, tokens, `${shape}, ${frames} frames`);
    assert.equal(got.size, dims.reduce((a, b) => a * b), shape);
    assert.deepEqual([got.width, got.height], manifest.shapes[shape], shape);
  }
});

test("a shape or length the model lacks is refused by name; a first-edition manifest makes squares", () => {
  const { manifest } = golden.shapes;
  assert.throws(() => latentShape(manifest, 16, "round"), /this model makes square, landscape, portrait, image \(got shape "round"\)/);
  assert.throws(() => latentShape(manifest, 10, "landscape"), /frames must be one of 8, 12/);
  assert.deepEqual(latentShape(manifest, 10, "image").dims, [1, 8, 1, 8, 8]);   // an image has no length to pick
  const { shapes, ...first } = manifest;
  assert.ok(shapes, "the golden manifest has shapes");
  assert.deepEqual(latentShape(first, 16).dims, [1, 8, 4, 8, 8]);
  assert.throws(() => latentShape(first, 16, "landscape"), /this model makes square \(got shape "landscape"\)/);
});

test("an image is the mean of the frames its slice decodes to, as still_picture", () => {
  const { frames, mean } = golden.shapes.image;
  close(meanFrame(Float32Array.from(frames), 4), mean, 1e-6, "mean frame");
});
