// Static-site start-up (export/lazy.py writes the record this reads): the page's prose and figures
// are drawn before any of Bokeh's 2.7 MB of script is fetched, and each sim is drawn only as it
// nears the viewport, so a phone spends its first seconds on what the reader sees.
//
// One Bokeh document holds every sim of the page (their models may share parts), built once, the
// first time it is needed; each root is then drawn on its own by Bokeh's standalone renderer, given
// a view of the document that lists that root alone. Callbacks the page registered for
// "document_ready" (export/sim_states.py's URL query, the attention sim's keys) run when the roots
// they touch are drawn, not once every sim of the page is (which a reader may never scroll to).
//
// An embed page (start: "reach" in the record) holds one sim that is in view at once: it waits behind
// a Start button and starts the moment the reader reaches for it (points at the page, touches it,
// scrolls or presses a key, or presses Start), so a page that only shows it costs no main thread.
//
// Each block it starts gets data-started="true" (tests and export/screenshots.py wait for it), and
// performance marks "course-sims:*" time the steps. A classic script, not a module, so the site also
// works opened from disk; the block below keeps its names out of the page's globals.
"use strict";
{
  const start = JSON.parse(document.getElementById("course-start").textContent);
  // Drawing starts a quarter of a screen before a sim scrolls in: Bokeh is fetched and built by then
  // (on the first scroll, see wakeOnReading), and drawing one sim takes a phone about a second.
  const NEAR = "25% 0px";
  const WAKE = ["scroll", "keydown", "pointerdown", "touchstart"];
  const mark = (name) => performance.mark(`course-sims:${name}`);
  const fail = (err) => console.error("Could not start the simulations:", err);

  // Bokeh's bundles, inserted together with async off: fetched in parallel, run in order.
  let scripts = null;
  const loadScripts = () => scripts || (scripts = new Promise((resolve, reject) => {
    mark("load-scripts");
    start.scripts.forEach((src, i) => {
      const tag = document.createElement("script");
      tag.src = src;
      tag.async = false;
      tag.onerror = () => reject(new Error(`could not load ${src}`));
      if (i === start.scripts.length - 1) tag.onload = resolve;
      document.head.appendChild(tag);
    });
  }));

  // Every model a callback's arguments reach (through lists, maps and plain objects).
  const modelsIn = (value, out = new Set()) => {
    if (value == null || typeof value !== "object" || ArrayBuffer.isView(value)) return out;
    if (typeof value.references === "function" && value.id !== undefined) out.add(value);
    else if (value instanceof Map) for (const v of value.values()) modelsIn(v, out);
    else if (Array.isArray(value)) for (const v of value) modelsIn(v, out);
    else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) modelsIn(v, out);
    return out;
  };

  // Take the page's document_ready callbacks from Bokeh (which would run them once every root is
  // drawn) and note the roots each one touches.
  const takeReady = (doc, roots) => {
    const registry = doc._document_callbacks;          // Bokeh 3: event name -> callbacks
    if (!(registry instanceof Map)) throw new Error("lazy-sims.js: this Bokeh keeps document callbacks elsewhere");
    const callbacks = registry.get("document_ready") || [];
    registry.delete("document_ready");
    const reach = roots.map((root) => ({ root, refs: root.references() }));
    return callbacks.map((callback) => {
      const models = [...modelsIn(callback.args)];
      const needs = reach.filter(({ refs }) => models.some((m) => refs.has(m))).map(({ root }) => root.id);
      return { callback, needs, done: false };
    });
  };

  // The page's document, built once: {doc, ready (callbacks waiting for roots), drawn (root ids)}.
  let built = null;
  const buildDocument = () => built || (built = loadScripts().then(async () => {
    mark("scripts-loaded");
    const before = Bokeh.documents.length;
    // No render items: Bokeh builds the document (in Bokeh.documents, where tests and tools look) and draws nothing.
    await Bokeh.embed.embed_items(document.getElementById(start.docs).textContent, []);
    const doc = Bokeh.documents[before];
    const roots = start.item.root_ids.map((id) => doc.get_model_by_id(id));
    mark("document-built");
    return { doc, ready: takeReady(doc, roots), drawn: new Set() };
  }));

  const runReady = (state) => {
    for (const entry of state.ready) {
      if (entry.done || !entry.needs.every((id) => state.drawn.has(id))) continue;
      entry.done = true;
      void entry.callback.execute(state.doc, { event_name: "document_ready" });
    }
  };

  const started = new Set();
  let configured = false;
  const draw = async (id) => {
    if (started.has(id)) return;
    started.add(id);
    const state = await buildDocument();
    await new Promise((resolve) => setTimeout(resolve));     // drawing is a task of its own
    const { doc } = state;
    const model = doc.get_model_by_id(id);
    const element = document.getElementById(start.item.roots[id]);
    // The first root drawn brings the document's configuration (notifications), as Bokeh would.
    const first = !configured && doc._config != null;
    configured = true;
    const view = Object.create(doc, {
      all_roots: { value: first ? [model, doc._config] : [model] },
      views_manager: { value: null, writable: true },
      config: { value: first ? doc._config : { notifications: null } },
    });
    await Bokeh.embed.add_document_standalone(view, document.body, [element]);
    state.drawn.add(id);
    mark(`drawn:${id}`);
    const box = element.closest("[data-root]");
    if (box) {
      box.dataset.started = "true";
      const facade = box.querySelector(":scope > .sim-facade");
      if (facade) {
        // Focus on Start would fall to the page's top when it goes: keep it in the sim, so the
        // next Tab reaches the sim's first control.
        const hadFocus = facade.contains(document.activeElement);
        facade.remove();
        box.classList.remove("waits-for-start");
        if (hadFocus) box.focus({ preventScroll: true });
      }
    }
    runReady(state);
  };

  // A reader who scrolls, types or touches is on the way to a sim: fetch and build Bokeh then
  // (nothing is drawn until a sim is near), so the first sim is ready when the reader gets there.
  const wakeOnReading = () => {
    const wake = () => {
      for (const name of WAKE) window.removeEventListener(name, wake, true);
      buildDocument().catch(fail);
    };
    for (const name of WAKE) window.addEventListener(name, wake, { capture: true, passive: true });
  };

  const drawWhenNear = () => {
    const boxes = new Map();          // the page block holding each root -> the root's id
    for (const id of start.item.root_ids) {
      const element = document.getElementById(start.item.roots[id]);
      const box = element && element.closest("[data-root]");
      if (box) boxes.set(box, id);
      else draw(id).catch(fail);      // a helper root outside the chapter's blocks: now
    }
    if (!("IntersectionObserver" in window)) {
      for (const id of boxes.values()) draw(id).catch(fail);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        draw(boxes.get(entry.target)).catch(fail);
      }
    }, { rootMargin: NEAR });
    for (const box of boxes.keys()) observer.observe(box);
  };

  // The embed page's Start button, over the room the sim keeps (course.css .sim-facade).
  const addFacade = (box, onStart) => {
    const facade = document.createElement("div");
    facade.className = "sim-facade";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Start the simulation";
    const note = document.createElement("p");
    note.setAttribute("aria-live", "polite");
    note.textContent = "It starts by itself when you point at it, touch it or press a key.";
    button.addEventListener("click", onStart);
    facade.append(button, note);
    box.tabIndex = -1;                // where focus goes once the sim replaces the button
    box.classList.add("waits-for-start");
    box.appendChild(facade);
    return { button, note };
  };

  const drawOnReach = () => {
    const ids = start.item.root_ids;
    const boxes = ids.map((id) => document.getElementById(start.item.roots[id])?.closest("[data-root]")).filter(Boolean);
    const REACH = ["pointerover", "pointerdown", "touchstart", "keydown", "wheel", "scroll"];
    let facades = [], going = false;
    const go = () => {
      if (going) return;
      going = true;
      for (const name of REACH) window.removeEventListener(name, go, true);
      for (const { button, note } of facades) {
        button.setAttribute("aria-disabled", "true");     // not `disabled`: that would drop its focus
        note.textContent = "Starting the simulation…";
      }
      Promise.all(ids.map(draw)).catch((err) => {
        fail(err);
        for (const { note } of facades) note.textContent = `The simulation could not start (${err.message || err}). Reload the page to try again.`;
      });
    };
    facades = boxes.map((box) => addFacade(box, go));
    for (const name of REACH) window.addEventListener(name, go, { capture: true, passive: true });
  };

  if (start.start === "reach") {
    drawOnReach();
  } else {
    wakeOnReading();
    drawWhenNear();
  }
}
