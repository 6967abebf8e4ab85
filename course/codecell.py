"""An editable, runnable Python cell: the reader's code runs in the browser on Pyodide, in a Web
Worker, in both runtimes (`panel serve` and the static site), with nothing fetched from outside.

All the work happens in the browser (web/codecell/): `codecell.js` builds the cell, `editor.js`
is CodeMirror 6, `client.js` owns the page's one Python worker (`worker.js`, which loads Pyodide
and runs `cellrun.py`), `chart.js` draws what `plot(xs, ys)` asks for. This class carries the
cell's code and says where those files are relative to the page; CodeCellAssets below owns every
path. Panel ships it exactly as it ships the generator (course/generator.py's docstring explains
the inlined ESM, the page-relative import map and es-module-shims): the import map maps
`course-codecell/` (web/codecell/), `pyodide` (its ESM loader) and every CodeMirror package
(export/vendor.py `editor_import_map`, read from each package's package.json).

The course's own pure-Python modules that cells import (model/text.py, model/manifest.py and the
manifest it reads, course/formulas.py) are fetched from the site by the worker and written into
Pyodide's file system under the same package paths, so `from model.text import tokenize` in a
cell runs the very file the generator's tokenizer is: no copy that can drift.
"""
from __future__ import annotations

from pathlib import Path

import panel as pn
import param

from course import web_shared
from course.web_shared import folder_url as _folder

ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "web" / "codecell"
PYODIDE_ENTRY = "pyodide.mjs"
# The course's Python that cells may import, as (path on Pyodide's disk, path in this repository).
# Each must run on the standard library alone (tests/test_codecell_run.py imports them with numpy
# blocked). model/onnx/manifest.json is what model/manifest.py reads.
PYTHON_FILES = ("model/__init__.py", "model/text.py", "model/manifest.py", "model/onnx/manifest.json",
                "course/__init__.py", "course/formulas.py")
RUNNER = "cellrun.py"            # web/codecell/cellrun.py, imported by the worker as `cellrun`
# Pyodide's start-up snapshot (web/codecell/snapshot.mjs), made at build time and cached per
# Pyodide version in .cache/: it cuts Python's start in the worker from about 6-11 s to about 1 s here.
SNAPSHOT = "pyodide-snapshot/snapshot.bin.gz"   # gzipped: 31 MB of memory is about 6 MB to download
SNAPSHOT_CACHE = ROOT / ".cache" / "pyodide-snapshot"


class CodeCell(pn.custom.JSComponent):
    """One Python cell. `static_url` is the folder URL, relative to the page, of CodeCellAssets' layout."""

    code = param.String(default="print('hello')", doc="the cell's code as the author wrote it (Reset returns to it)")
    title = param.String(default="try it", doc="what the cell is about, in a few words (its heading)")
    suggestion = param.String(default="", doc="an edit to try, Markdown-style `code` allowed")
    time_limit = param.Number(default=10.0, bounds=(0.5, 120), doc="seconds a run may take before the worker is ended")
    output_limit = param.Integer(default=20_000, bounds=(100, 1_000_000), doc="characters of output shown")
    autostart = param.Boolean(default=True, doc="start Python when the browser is idle and the cell is near the viewport")
    static_url = param.String(default="static/", doc="folder holding pyodide/, cm/, codecell/ and py/ (CodeCellAssets)")
    python_files = param.List(default=[], item_type=list, doc="[path on Pyodide's disk, page-relative URL] of each module")
    snapshot_url = param.String(default=None, allow_None=True,
                                doc="page-relative URL of Pyodide's start-up snapshot ('' for none; default: CodeCellAssets' layout)")

    _esm = WEB_DIR / "codecell.js"
    _importmap = {"imports": {}}

    def __init__(self, **params):
        params.setdefault("sizing_mode", "stretch_width")   # the editor scrolls sideways, never the page
        super().__init__(**params)
        self._follow_static_url(initial=True)

    @param.depends("static_url", watch=True)
    def _follow_static_url(self, initial: bool = False):
        if not (initial and self.python_files):
            self.python_files = python_files(self.static_url)
        if not (initial and self.snapshot_url is not None):
            self.snapshot_url = f"{_folder(self.static_url)}{SNAPSHOT}"

    def _process_importmap(self):   # an instance method on purpose: see course/generator.py
        return {"imports": import_map(self.static_url)}

    @classmethod
    def for_depth(cls, depth: int, static_url: str = "static", **params) -> "CodeCell":
        """A cell on a page `depth` folders below the site root, assets under `static_url`."""
        return cls(static_url="../" * depth + static_url.rstrip("/") + "/", **params)

    @classmethod
    def from_cell(cls, cell, depth: int = 0, static_url: str = "static", **params) -> "CodeCell":
        """The component for one of course/cells.py's CELLS."""
        return cls.for_depth(depth, static_url, code=cell.code, title=cell.title, suggestion=cell.suggestion, **params)


def import_map(static_url: str) -> dict[str, str]:
    from export.vendor import editor_import_map

    base = _folder(static_url)
    return {"course-codecell/": f"{base}codecell/", "pyodide": f"{base}pyodide/{PYODIDE_ENTRY}", **editor_import_map(base),
            **web_shared.import_map(static_url)}


def python_files(static_url: str) -> list[list[str]]:
    base = _folder(static_url)
    return [[RUNNER, f"{base}codecell/{RUNNER}"]] + [[path, f"{base}py/{path}"] for path in PYTHON_FILES]


class CodeCellAssets:
    """Every file the code cells need, in one place: where each comes from and where it sits under a
    site's static folder. The static build copies `files()`, `panel serve` serves `routes()`, and
    CodeCell's import map and python_files address the same layout:

        pyodide/    Pyodide's runtime (node_modules, export/vendor.py)
        cm/         CodeMirror 6 and its dependencies, cm/<package>/<entry> (node_modules)
        codecell/   web/codecell/*.js and cellrun.py
        shared/     web/shared/*.js, which the generator uses too (course/web_shared.py)
        py/         the course's pure-Python modules cells import (PYTHON_FILES, from this repository)
    """

    def files(self) -> dict[str, Path]:
        """{path under the static folder: source file}; raises VendorError (with what to run)."""
        from export.vendor import codecell_files

        files = dict(codecell_files())
        files.update({f"codecell/{p.name}": p for p in sorted(WEB_DIR.glob("*.js"))})
        files.update(web_shared.files())
        files[f"codecell/{RUNNER}"] = WEB_DIR / RUNNER
        files.update({f"py/{path}": ROOT / path for path in PYTHON_FILES})
        files[SNAPSHOT] = snapshot_file()
        return files

    def routes(self, base: str) -> dict[str, str]:
        """`panel serve` static_dirs for the same layout under the URL folder `base`. The py/ folders
        serve model/ and course/ themselves; the worker asks only for PYTHON_FILES."""
        from export.vendor import editor_routes, package_dir

        dirs = {"pyodide": package_dir(package="pyodide"), "codecell": WEB_DIR, **web_shared.route(), **editor_routes(),
                SNAPSHOT.split("/")[0]: snapshot_file().parent}
        dirs.update({f"py/{top}": ROOT / top for top in sorted({p.split("/")[0] for p in PYTHON_FILES})})
        return {f"{base}/{folder}": str(path) for folder, path in dirs.items()}


def snapshot_file() -> Path:
    """Pyodide's start-up snapshot for the installed Pyodide, made once (about 10 s, with Node) and
    kept in .cache/ under the version and the maker script's hash. Raises VendorError."""
    import gzip
    import hashlib
    import shutil
    import subprocess

    from export.vendor import VendorError, check_version, package_dir

    version = check_version("pyodide")
    maker = WEB_DIR / "snapshot.mjs"
    key = hashlib.sha256(maker.read_bytes()).hexdigest()[:12]
    target = SNAPSHOT_CACHE / f"{version}-{key}" / Path(SNAPSHOT).name
    if not target.is_file():
        node = shutil.which("node")
        if node is None:
            raise VendorError("making Pyodide's start-up snapshot needs Node.js: `make web-deps` installs it")
        target.parent.mkdir(parents=True, exist_ok=True)
        memory = target.with_name("snapshot.bin")
        done = subprocess.run([node, str(maker), str(package_dir(package="pyodide")), str(memory)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise VendorError(f"making Pyodide's start-up snapshot failed: {done.stderr.strip()[-500:]}")
        partial = target.with_suffix(".tmp")
        partial.write_bytes(gzip.compress(memory.read_bytes(), compresslevel=6, mtime=0))
        partial.rename(target)
        memory.unlink()
    return target
