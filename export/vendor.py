"""Copy the browser's npm packages out of node_modules (installed by `npm ci` from package.json /
package-lock.json at the repository root) into the site's static folder, pinned versions checked.

onnxruntime-web: the generator uses only the WebAssembly backend on one thread, so three files:
  ort.wasm.min.mjs               the wasm-only ESM entry the page's import map points at
  ort-wasm-simd-threaded.mjs     the Emscripten glue the entry imports at run time (from wasmPaths)
  ort-wasm-simd-threaded.wasm    the runtime itself (about 14 MB; 3.7 MB gzipped)
The other builds in the package (WebGPU, WebGL, JSEP, JSPI, the "all" bundles, source maps) are
left out.
gifenc: its ESM build (9 kB), for the generator's GIF download.
pyodide: CPython in WebAssembly for the code cells (course/codecell.py): its ESM loader, the
  Emscripten module it imports, the runtime (about 9.6 MB), the standard library zip and the lock
  file loadPyodide reads. The package holds no wheels; cells use the standard library only.
CodeMirror 6 (the cells' editor): many small ES modules with bare imports between them. Each is
  copied whole (its package.json "exports"/"module" entry) to cm/<package>/<entry>, and
  `editor_import_map` maps every package name to that file, so the browser resolves the bare imports
  through an import map with no bundler. Which packages: the closure of EDITOR_ROOTS' dependencies.
axe-core is pinned in package.json too, for the accessibility tests only (export/browser.py
  `axe_violations` reads it from node_modules); it is never copied into a site.
The files are build outputs: they go into the built site, never into git. Versions: a package named
in package.json must be installed at exactly that version; one pulled in by another is checked
against package-lock.json.

    python -m export.vendor --out site/static      # copy into site/static/ort, site/static/gifenc, ...
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# package -> (folder under static/, its folder of built files, the files the browser needs)
PACKAGES = {
    "onnxruntime-web": ("ort", "dist", ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")),
    "gifenc": ("gifenc", "dist", ("gifenc.esm.js",)),
    "pyodide": ("pyodide", ".", ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                                 "pyodide-lock.json")),
}
PACKAGE = "onnxruntime-web"      # the one the generator cannot run without
GENERATOR_PACKAGES = ("onnxruntime-web", "gifenc")
CODECELL_PACKAGES = ("pyodide",)
# The editor's packages named in package.json; their dependencies are found in node_modules.
EDITOR_ROOTS = ("@codemirror/state", "@codemirror/view", "@codemirror/language", "@codemirror/commands",
                "@codemirror/lang-python")
EDITOR_FOLDER = "cm"


class VendorError(RuntimeError):
    pass


def package_dir(root: Path = ROOT, package: str = PACKAGE) -> Path:
    return root / "node_modules" / package


def installed_version(root: Path = ROOT, package: str = PACKAGE) -> str:
    meta = package_dir(root, package) / "package.json"
    if not meta.is_file():
        raise VendorError(f"{package} is not installed in {root / 'node_modules'}: run `npm ci` in {root}")
    return json.loads(meta.read_text())["version"]


def pinned_version(package: str, root: Path = ROOT) -> str:
    """The version package.json pins (exactly), or for a dependency of one, package-lock.json's."""
    direct = json.loads((root / "package.json").read_text())["dependencies"]
    if package in direct:
        return direct[package]
    lock = root / "package-lock.json"
    entry = json.loads(lock.read_text())["packages"].get(f"node_modules/{package}") if lock.is_file() else None
    if entry is None:
        raise VendorError(f"{package} is in neither package.json nor package-lock.json: run `npm install` in {root}")
    return entry["version"]


def check_version(package: str, root: Path = ROOT) -> str:
    version = installed_version(root, package)
    wanted = pinned_version(package, root)
    if version != wanted:
        raise VendorError(f"node_modules has {package} {version} but the project pins {wanted}: run `npm ci` in {root}")
    return version


def package_files(package: str, root: Path = ROOT) -> dict[str, Path]:
    """{file name: path in node_modules} for one package's browser files; checks the pinned version."""
    _, folder, names = PACKAGES[package]
    version = check_version(package, root)
    dist = package_dir(root, package) / folder
    missing = [name for name in names if not (dist / name).is_file()]
    if missing:
        raise VendorError(f"{package} {version} in {dist} lacks {', '.join(missing)}: "
                          f"run `npm ci` in {root} (the file names may have changed with the version)")
    return {name: dist / name for name in names}


def source_files(root: Path = ROOT) -> dict[str, dict[str, Path]]:
    """{folder under static/: {file name: path in node_modules}} for the generator's packages."""
    return {PACKAGES[package][0]: package_files(package, root) for package in GENERATOR_PACKAGES}


# --- ES-module packages (CodeMirror 6) ------------------------------------------------------------

def esm_entry(package: str, root: Path = ROOT) -> str:
    """The file a browser `import "package"` means: package.json's exports["."].import (or its
    string form), else "module". Raises VendorError for a package with no ESM entry."""
    meta = json.loads((package_dir(root, package) / "package.json").read_text())
    exports = meta.get("exports")
    dot = exports.get(".", exports) if isinstance(exports, dict) else exports
    entry = (dot.get("import") or dot.get("default")) if isinstance(dot, dict) else dot
    entry = entry or meta.get("module")
    if not isinstance(entry, str):
        raise VendorError(f"{package} declares no ES-module entry (exports or module) in its package.json")
    return entry.removeprefix("./")


def editor_packages(root: Path = ROOT) -> list[str]:
    """EDITOR_ROOTS and everything they depend on, in node_modules, each once (sorted)."""
    seen, queue = set(), list(EDITOR_ROOTS)
    while queue:
        package = queue.pop()
        if package in seen:
            continue
        seen.add(package)
        installed_version(root, package)     # a clear error if npm ci has not run
        meta = json.loads((package_dir(root, package) / "package.json").read_text())
        queue.extend(meta.get("dependencies", {}))
    return sorted(seen)


def editor_files(root: Path = ROOT) -> dict[str, Path]:
    """{cm/<package>/<entry>: path in node_modules} for the editor's ES modules (versions checked).
    Each entry must be one self-contained module: a relative import would need its neighbours too."""
    files = {}
    for package in editor_packages(root):
        check_version(package, root)
        entry = esm_entry(package, root)
        source = package_dir(root, package) / entry
        if not source.is_file():
            raise VendorError(f"{package}'s ES-module entry {entry} is missing: run `npm ci` in {root}")
        if RELATIVE_IMPORT.search(source.read_text(encoding="utf-8")):
            raise VendorError(f"{package}/{entry} imports a file beside it; export/vendor.py copies entries only")
        files[f"{EDITOR_FOLDER}/{package}/{entry}"] = source
    return files


RELATIVE_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]\.""", re.MULTILINE)


def editor_import_map(base: str, root: Path = ROOT) -> dict[str, str]:
    """{package: URL of its entry} under the static folder URL `base` (ends with /)."""
    return {package: f"{base}{EDITOR_FOLDER}/{package}/{esm_entry(package, root)}" for package in editor_packages(root)}


def editor_routes(root: Path = ROOT) -> dict[str, Path]:
    """{cm/<package>: its folder in node_modules}, for `panel serve` static_dirs."""
    return {f"{EDITOR_FOLDER}/{package}": package_dir(root, package) for package in editor_packages(root)}


def codecell_files(root: Path = ROOT) -> dict[str, Path]:
    """{path under static/: path in node_modules} for the code cells: Pyodide and the editor."""
    files = {f"{PACKAGES[p][0]}/{name}": path for p in CODECELL_PACKAGES for name, path in package_files(p, root).items()}
    files.update(editor_files(root))
    return files


def vendor(target: Path, root: Path = ROOT) -> dict[str, int]:
    """Copy every vendored file (generator and code cells) into target/ (folders created as needed);
    returns {path: bytes}."""
    files = {f"{static}/{name}": path for static, named in source_files(root).items() for name, path in named.items()}
    files.update(codecell_files(root))
    sizes = {}
    for rel, source in files.items():
        (Path(target) / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, Path(target) / rel)
        sizes[rel] = source.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="static folder to copy into, e.g. site/static")
    args = parser.parse_args(argv)
    try:
        sizes = vendor(args.out)
    except VendorError as err:
        print(f"vendor failed: {err}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"{name:56s} {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
