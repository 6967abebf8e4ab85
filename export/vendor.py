"""Copy the browser's npm packages out of node_modules (installed by `npm ci` from package.json /
package-lock.json at the repository root) into the site's static folder, pinned versions checked.

onnxruntime-web: the generator uses only the WebAssembly backend on one thread, so three files:
  ort.wasm.min.mjs               the wasm-only ESM entry the page's import map points at
  ort-wasm-simd-threaded.mjs     the Emscripten glue the entry imports at run time (from wasmPaths)
  ort-wasm-simd-threaded.wasm    the runtime itself (about 14 MB; 3.7 MB gzipped)
The other builds in the package (WebGPU, WebGL, JSEP, JSPI, the "all" bundles, source maps) are
left out.
gifenc: its ESM build (9 kB), for the generator's GIF download.
The files are build outputs: they go into the built site, never into git.

    python -m export.vendor --out site/static      # copy into site/static/ort, site/static/gifenc
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# package -> (folder under static/, its folder of built files, the files the browser needs)
PACKAGES = {
    "onnxruntime-web": ("ort", "dist", ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")),
    "gifenc": ("gifenc", "dist", ("gifenc.esm.js",)),
}
PACKAGE = "onnxruntime-web"      # the one the generator cannot run without


class VendorError(RuntimeError):
    pass


def package_dir(root: Path = ROOT, package: str = PACKAGE) -> Path:
    return root / "node_modules" / package


def installed_version(root: Path = ROOT, package: str = PACKAGE) -> str:
    meta = package_dir(root, package) / "package.json"
    if not meta.is_file():
        raise VendorError(f"{package} is not installed in {root / 'node_modules'}: run `npm ci` in {root}")
    return json.loads(meta.read_text())["version"]


def package_files(package: str, root: Path = ROOT) -> dict[str, Path]:
    """{file name: path in node_modules} for one package's browser files; checks the pinned version."""
    _, folder, names = PACKAGES[package]
    version = installed_version(root, package)
    wanted = json.loads((root / "package.json").read_text())["dependencies"][package]
    if version != wanted:
        raise VendorError(f"node_modules has {package} {version} but package.json pins {wanted}: run `npm ci` in {root}")
    dist = package_dir(root, package) / folder
    missing = [name for name in names if not (dist / name).is_file()]
    if missing:
        raise VendorError(f"{package} {version} in {dist} lacks {', '.join(missing)}: "
                          f"run `npm ci` in {root} (the file names may have changed with the version)")
    return {name: dist / name for name in names}


def source_files(root: Path = ROOT) -> dict[str, dict[str, Path]]:
    """{folder under static/: {file name: path in node_modules}} for every vendored package."""
    return {static: package_files(package, root) for package, (static, _, _) in PACKAGES.items()}


def vendor(target: Path, root: Path = ROOT) -> dict[str, int]:
    """Copy every vendored file into target/<folder>/ (created if needed); returns {path: bytes}."""
    sizes = {}
    for static, named in source_files(root).items():
        (Path(target) / static).mkdir(parents=True, exist_ok=True)
        for name, source in named.items():
            shutil.copyfile(source, Path(target) / static / name)
            sizes[f"{static}/{name}"] = source.stat().st_size
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
        print(f"{name:30s} {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
