// node --test: adopting the worker the page head started (client.js). What the early worker said
// before the component rendered reaches the component only after adoptWorker has returned (so a
// "ready" handler can already post to the worker), once, in order, and before later messages.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.document = { baseURI: "http://course.test/generate.html" };
class FakeWorker {
  constructor(url) { this.url = url; this.posted = []; this.terminated = false; FakeWorker.made.push(this); }
  postMessage(message) { this.posted.push(message); }
  terminate() { this.terminated = true; }
}
FakeWorker.made = [];
globalThis.Worker = FakeWorker;

const { adoptWorker, startWorker } = await import("../client.js");
const urls = { workerUrl: "static/generator/worker.js", ortUrl: "static/ort/ort.wasm.min.mjs", modelUrl: "static/onnx/" };

test("buffered messages are replayed after adoption returns, once and in order", async () => {
  FakeWorker.made = [];
  const early = startWorker(urls);
  early.worker.onmessage({ data: { type: "ready" } });          // the model loaded before the component
  early.worker.onmessage({ data: { type: "warm", frames: 16 } });
  const seen = [];
  let adopted = null;
  const worker = adoptWorker(early, urls, (event) => {
    seen.push(event.data.type);
    assert.ok(adopted, "a replayed message arrived before adoptWorker returned");
    if (event.data.type === "ready") adopted.postMessage({ type: "generate" });
  }, () => {});
  adopted = worker;
  assert.deepEqual(seen, []);
  await Promise.resolve();
  worker.onmessage({ data: { type: "done" } });
  assert.deepEqual(seen, ["ready", "warm", "done"]);
  assert.equal(FakeWorker.made.length, 1, "the early worker was adopted, not a second one started");
  assert.deepEqual(worker.posted.map((m) => m.type), ["init", "generate"]);
});

test("an early worker for other files is terminated, not left running", () => {
  FakeWorker.made = [];
  const early = startWorker({ ...urls, modelUrl: "elsewhere/onnx/" });
  const worker = adoptWorker(early, urls, () => {}, () => {});
  assert.equal(FakeWorker.made.length, 2);
  assert.ok(early.worker.terminated && !worker.terminated);
});
