// The page's one Python: a Web Worker running Pyodide (worker.js), shared by every code cell on
// the page (this module is imported through the import map, so all cells get the same instance).
// It starts on the first Run, or earlier when the browser is idle (startWhenIdle). Runs wait their
// turn; stop() ends a run by terminating the worker, and a fresh one starts at once, so the next
// Run finds Python loading or ready.

/** One Python worker and the runs sent to it. `urls`: {workerUrl, pyodideUrl, snapshotUrl, files}, absolute. */
class PythonRuntime {
  constructor(urls) {
    this.urls = urls;
    this.worker = null;
    this.ready = null;             // Promise<{ms, version}> of the current worker
    this.listeners = new Set();    // progress listeners: (message) => void, every cell's
    this.run = null;               // the run in flight: {id, handlers, resolve, reject, timer}
    this.queue = Promise.resolve();
    this.waiting = new Set();      // runs waiting for Python to load (Stop cancels them)
    this.nextId = 1;
    this.lastProgress = null;
  }

  /** Start the worker (once; again after stop). Returns the ready promise. */
  start() {
    if (this.ready) return this.ready;
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      this.ready = Promise.reject(new Error("this browser lacks WebAssembly or Web Workers, which Python needs"));
      this.ready.catch(() => {});
      return this.ready;
    }
    const worker = new Worker(this.urls.workerUrl, { type: "module", name: "course-python" });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = (event) => this.onMessage(event.data, resolve, reject);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message || "the Python worker's script failed to load"));
      };
    });
    this.ready.catch(() => {});
    worker.postMessage({ type: "init", pyodideUrl: this.urls.pyodideUrl, snapshotUrl: this.urls.snapshotUrl,
                         files: this.urls.files });
    return this.ready;
  }

  onMessage(message, resolve, reject) {
    if (message.type === "progress") {
      this.lastProgress = message;
      this.listeners.forEach((listen) => listen(message));
    } else if (message.type === "ready") {
      this.readyInfo = message;                 // how long loading took (tests and benchmarks)
      resolve(message);
    } else if (message.type === "error" && message.stage === "init") {
      reject(new Error(message.message));
    } else if (message.type === "output" && this.run?.id === message.id) {
      this.run.handlers.output?.(message.stream, message.text);
    } else if (message.type === "result" && this.run?.id === message.id) {
      this.finish().resolve(message);
    } else if (message.type === "error" && this.run?.id === message.id) {
      this.finish().reject(new Error(message.message));
    }
  }

  finish() {
    const run = this.run;
    clearTimeout(run.timer);
    this.run = null;
    return run;
  }

  /** Run `code`; handlers.output(stream, text) receives its output as it comes. Resolves with the
   *  worker's result, or with {stopped: reason} if stop() or the time limit ended it. */
  execute(code, { outputLimit, timeLimitMs, handlers = {} }) {
    const waiting = { cancelled: false, since: performance.now() };   // until Python is ready
    this.waiting.add(waiting);
    const turn = this.queue.then(async () => {
      await this.start().finally(() => this.waiting.delete(waiting));
      if (waiting.cancelled) return { stopped: "stop", loading: true, ms: performance.now() - waiting.since };
      return new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.run = { id, handlers, resolve, reject, timer: null };
        this.run.timer = setTimeout(() => this.stop("time"), timeLimitMs);
        this.run.startedAt = performance.now();
        this.worker.postMessage({ type: "run", id, code, outputLimit });
      });
    });
    this.queue = turn.catch(() => {});
    // Stop pressed while Python is still loading answers at once; loading carries on for the next Run.
    return new Promise((resolve, reject) => {
      waiting.answer = resolve;
      turn.then(resolve, reject);
    });
  }

  /** End the run in flight (reason: "stop" or "time") by ending the worker; start a fresh one. */
  stop(reason = "stop") {
    if (!this.run) {
      for (const waiting of this.waiting) {
        waiting.cancelled = true;
        waiting.answer({ stopped: reason, loading: true, ms: performance.now() - waiting.since });
      }
      return false;
    }
    const run = this.finish();
    this.worker.terminate();
    this.worker = null;
    this.ready = null;
    run.resolve({ stopped: reason, ms: performance.now() - run.startedAt });
    this.start();
    return true;
  }
}

const runtimes = new Map();

/** The page's runtime for these files (one per worker URL). */
export function runtime(urls) {
  if (!runtimes.has(urls.workerUrl)) runtimes.set(urls.workerUrl, new PythonRuntime(urls));
  return runtimes.get(urls.workerUrl);
}

/** Call `fn` once the browser is idle and `element` is near the viewport, so the cell's own loading
 *  (the editor's modules, Python) never competes with the page's first work: its sims and prose. */
export function whenNearAndIdle(element, fn) {
  const idle = globalThis.requestIdleCallback ?? ((f) => setTimeout(f, 1000));
  const go = () => idle(() => fn(), { timeout: 4000 });
  if (typeof IntersectionObserver !== "function") {
    go();
    return;
  }
  const watch = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      watch.disconnect();
      go();
    }
  }, { rootMargin: "800px 0px" });
  watch.observe(element);
}

/** Start `python` the same way (about 13 MB gzipped); not at all in data-saver mode, where the
 *  first Run starts it. */
export function startWhenIdle(python, element) {
  if (navigator.connection?.saveData) return;
  whenNearAndIdle(element, () => python.start());
}
