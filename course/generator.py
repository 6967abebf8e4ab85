"""The chapter-7 generator as a Panel component: the reader's prompt becomes a clip made in the
browser by our ONNX spacetime DiT (and, side by side, the per-frame baseline).

All the work happens in the browser (web/generator/): `generator.js` builds the controls and the
player, `worker.js` runs onnxruntime-web (wasm, one thread) in a Web Worker, `sampler.js` is the
Euler / classifier-free-guidance loop that mirrors model/flow.py. This class only says where those
files and the ONNX files are, relative to the page, and carries the initial control values;
GeneratorAssets below says which files those are and where they come from.

How Panel 1.9.4 ships a JSComponent, as read from panel/custom.py and panel.js and checked in
tests/test_generator_browser.py:

- `_esm` names a file; Panel reads it and puts its *text* into the Bokeh model (the `esm`
  property), both under `panel serve` and in a static `save()`: the ESM is inlined in the page's
  JSON, not fetched. (Only a prebuilt `_bundle` file is served by URL, and only under a server.)
  In the browser the text goes through sucrase (TypeScript/JSX stripping) and is imported from a
  `blob:` URL by es-module-shims (`importShim`). Consequences: `import.meta.url` is a blob URL, so
  the module cannot import its neighbours by relative path nor find `worker.js` from its own URL;
  and the module's text is in every page that shows the component (about 20 kB here).
- `_importmap` is sent as the model's `importmap` property and registered with
  `importShim.addImportMap` (es-module-shims in shim mode: Panel's page template sets
  `{"shimMode": true}`). es-module-shims resolves relative addresses in it against the *page's*
  address (document.baseURI), so a map of page-relative paths works in both runtimes as long as
  the paths are right for the page's depth. Relative entries must start with `./` or `../`:
  es-module-shims drops `static/ort/...` with "does not resolve" (the import-map rule that such a
  value is a bare name), and `_folder` (course/web_shared.py) adds the `./`. We map `course-generator/` (this folder
  of ESM files), `onnxruntime-web` (ort's wasm-only ESM entry) and `gifenc`; generator.js imports
  its sibling modules through the map and asks `importShim.resolve()` for the worker's and ort's
  absolute URLs.
- A Web Worker does not see the page's import map (native or shimmed), so the worker receives ort's
  resolved URL in its first message, imports it with a dynamic `import()`, and imports sampler.js
  by a path relative to its own (real, http) URL. onnxruntime-web then loads its `.mjs` glue and
  `.wasm` from `env.wasm.wasmPaths`, set to the folder ort's entry came from. Nothing reaches a CDN.
- es-module-shims itself is a Panel resource (`dist/bundled/reactiveesm/...`): under
  `panel serve` it comes from Panel's own /static route; in `save(resources=CDN)` it is a
  cdn.holoviz.org URL that export/site.py's `localise` rewrites to `static/panel/...` like the
  other Panel files.
- `_process_importmap` is a classmethod in Panel but is called on the instance, so an instance
  method here can build the map from per-page parameters (a page one folder down needs `../`).
"""
from __future__ import annotations

from pathlib import Path

import panel as pn
import param

from course import web_shared
from course.web_shared import folder_url as _folder
from model import manifest
from sims import colors

MODEL = manifest.load()          # the bounds and defaults the export wrote (model/manifest.py)
ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "web" / "generator"
ORT_ENTRY = "ort.wasm.min.mjs"   # onnxruntime-web's wasm-only ESM build (see export/vendor.py)
GIFENC_ENTRY = "gifenc.esm.js"


class Generator(pn.custom.JSComponent):
    """Prompt -> clip in the browser. `static_url` and `model_url` are folder URLs relative to the page."""

    prompt = param.String(default="a red ball bouncing from left to right")
    steps = param.Integer(default=int(MODEL.steps.default), bounds=(int(MODEL.steps.min), int(MODEL.steps.max)))
    guidance = param.Number(default=MODEL.guidance.default, bounds=(MODEL.guidance.min, MODEL.guidance.max))
    frames = param.Integer(default=16)
    shape = param.String(default="square", doc="square, landscape, portrait or image, where the model's manifest lists it")
    seed = param.Integer(default=0, bounds=(0, 2**32 - 1), doc="torch.manual_seed and the browser agree on 0 .. 2**32 - 1")
    baseline = param.Boolean(default=False, doc="also run the per-frame baseline, side by side")

    static_url = param.String(default="static/", doc="folder holding ort/, gifenc/ and generator/ (GeneratorAssets)")
    model_url = param.String(default="static/onnx/", doc="folder holding manifest.json and the ONNX files")
    autorun = param.Boolean(default=False, doc="generate the prompt's clip as soon as the model is ready")
    debug = param.Boolean(default=False, doc="expose window.__generatorDebug (tests and benchmarks)")
    colors = param.Dict(default=colors.css_variables(), constant=True,
                        doc="the course's colour code (sims/colors.py), set as CSS variables on the component")

    _esm = WEB_DIR / "generator.js"
    # The static site's layout for a page at the site root; _process_importmap follows static_url,
    # so other layouts (panel serve routes, pages in sub-folders) need no subclass.
    _importmap = {"imports": {}}

    def _process_importmap(self):   # an instance method on purpose: see the module docstring
        return {"imports": import_map(self.static_url)}

    @classmethod
    def for_depth(cls, depth: int, static_url: str = "static", **params) -> "Generator":
        """A generator on a page `depth` folders below the site root, assets under `static_url`."""
        up = "../" * depth + static_url.rstrip("/") + "/"
        return cls(static_url=up, model_url=up + "onnx/", **params)


def import_map(static_url: str) -> dict[str, str]:
    """The import map's entries for a page whose assets folder is `static_url`."""
    base = _folder(static_url)
    return {"onnxruntime-web": f"{base}ort/{ORT_ENTRY}", "gifenc": f"{base}gifenc/{GIFENC_ENTRY}",
            "course-generator/": f"{base}generator/"}


def early_start(depth: int, static_url: str = "static") -> dict[str, str]:
    """What the page template's early-start script needs (see templates/page.html): client.js, the
    worker, onnxruntime's entry and the ONNX folder, as page-relative URLs that resolve exactly as
    the component's own (import map and model_url) do, so the component can adopt that worker."""
    base = _folder("../" * depth + static_url.rstrip("/") + "/")
    return {"client": f"{base}generator/client.js", "worker": f"{base}generator/worker.js",
            "ort": f"{base}ort/{ORT_ENTRY}", "model": f"{base}onnx/"}


class GeneratorAssets:
    """Every file the generator needs, in one place: where each comes from on disk and where it sits
    under a site's static folder. The static build copies `files()`, `panel serve` serves
    `routes()`, and Generator's import map (import_map) addresses the same layout:

        ort/        onnxruntime-web's wasm build (node_modules, export/vendor.py)
        gifenc/     the GIF encoder (node_modules, export/vendor.py)
        generator/  web/generator/*.js
        shared/     web/shared/*.js (generator/ and the worker import them as ../shared/)
        onnx/       the exported model: manifest.json and every file it names
    """

    def __init__(self, onnx_dir: Path | None = None):
        self.onnx_dir = Path(onnx_dir) if onnx_dir is not None else manifest.ONNX_DIR

    def model_files(self) -> list[str]:
        """manifest.json and every graph and weights file it names, inspection graphs included
        (raises ManifestMissing)."""
        meta = manifest.load(self.onnx_dir).raw
        graphs = [*meta["files"].values(), *meta.get("inspect", {}).get("files", {}).values()]
        wires = dict.fromkeys(w["wire"] for w in meta.get("weights", {}).values())   # the inspection graphs share theirs
        return [manifest.FILENAME, *graphs, *wires]

    def files(self) -> dict[str, Path]:
        """{path under the static folder: source file}. Raises VendorError or ManifestMissing, with
        what to run, when a source is missing."""
        from export.vendor import source_files

        files = {f"{folder}/{name}": path for folder, named in source_files().items() for name, path in named.items()}
        files.update({f"generator/{p.name}": p for p in sorted(WEB_DIR.glob("*.js"))})
        files.update(web_shared.files())
        files.update({f"onnx/{name}": self.onnx_dir / name for name in self.model_files()})
        return files

    def routes(self, base: str) -> dict[str, str]:
        """`panel serve` static_dirs: {f"{base}/ort": folder, ...}, one per folder above."""
        from export.vendor import source_files

        dirs = {folder: next(iter(named.values())).parent for folder, named in source_files().items()}
        dirs.update({"generator": WEB_DIR, **web_shared.route(), "onnx": self.onnx_dir})
        return {f"{base}/{folder}": str(path) for folder, path in dirs.items()}
