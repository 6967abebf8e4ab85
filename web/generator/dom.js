// Small DOM helpers the generator's modules share. All reader text goes into the page through
// textContent, never innerHTML.

export { make } from "../shared/dom.js";

/** "420 ms" or "1.25 s". */
export function seconds(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** The URL an import-map specifier names. importShim.resolve applies the map Panel registered
 *  (es-module-shims); import.meta.resolve is the standard spelling where a native map holds it. */
export function resolveModule(specifier) {
  if (globalThis.importShim && typeof globalThis.importShim.resolve === "function") {
    return globalThis.importShim.resolve(specifier, document.baseURI);
  }
  return import.meta.resolve(specifier);
}

export const LABELS = { spacetime: "Spacetime model", "per-frame": "Per-frame baseline" };
