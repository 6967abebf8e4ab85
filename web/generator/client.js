// Starting the generator's Web Worker (worker.js), in one place. The chapter page calls
// startWorker from its <head> (course/templates/page.html), so onnxruntime's wasm and the model
// load while the rest of the page renders; the component (generator.js) then adopts that worker
// with adoptWorker, or starts its own the same way if there is none (embeds, panel serve, tests).
//
// Until it is adopted, an early worker's messages and errors are kept and replayed in order.

/** Start the worker and send it "init". URLs may be relative to the page. Returns the handle
 *  adoptWorker takes: {worker, workerUrl, ortUrl, modelUrl, messages, errors, taken}. */
export function startWorker({ workerUrl, ortUrl, modelUrl }) {
  const abs = (url) => new URL(url, document.baseURI).href;
  const handle = { workerUrl: abs(workerUrl), ortUrl: abs(ortUrl), modelUrl: abs(modelUrl),
                   messages: [], errors: [], taken: false };
  handle.worker = new Worker(handle.workerUrl, { type: "module", name: "course-generator" });
  handle.worker.onmessage = (event) => handle.messages.push(event);
  handle.worker.onerror = (event) => { event.preventDefault(); handle.errors.push(event); };
  handle.worker.postMessage({ type: "init", ortUrl: handle.ortUrl, modelUrl: handle.modelUrl });
  return handle;
}

/** Take over `early` if it was started for the same files, else start a new worker; either way
 *  messages go to onMessage and load errors to onError from now on (replaying what was missed). */
export function adoptWorker(early, urls, onMessage, onError) {
  const abs = (url) => new URL(url, document.baseURI).href;
  const same = early && !early.taken && early.workerUrl === abs(urls.workerUrl)
    && early.ortUrl === abs(urls.ortUrl) && early.modelUrl === abs(urls.modelUrl);
  if (early && !early.taken && !same) {
    early.worker.terminate();                 // started for other files: free its wasm and model
    early.taken = true;
  }
  const handle = same ? early : startWorker(urls);
  handle.taken = true;
  handle.worker.onmessage = onMessage;
  handle.worker.onerror = (event) => { event.preventDefault(); onError(event); };
  // What the early worker said before now is replayed once the caller holds the worker (a "ready"
  // handler may post to it at once), and before any later message: a microtask runs first.
  queueMicrotask(() => {
    handle.messages.splice(0).forEach(onMessage);
    handle.errors.splice(0).forEach(onError);
  });
  if (same) performance.mark("generator-adopted-early-worker");
  return handle.worker;
}
