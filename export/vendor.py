"""Copy the parts of onnxruntime-web the browser needs out of node_modules (installed by `npm ci`
from package.json / package-lock.json at the repository root).

The generator uses only the WebAssembly backend on one thread, so three files suffice:
  ort.wasm.min.mjs               the wasm-only ESM entry the page's import map points at
  ort-wasm-simd-threaded.mjs     the Emscripten glue the entry imports at run time (from wasmPaths)
  ort-wasm-simd-threaded.wasm    the runtime itself (about 14 MB; 3.7 MB gzipped)
The other builds in the package (WebGPU, WebGL, JSEP, JSPI, the "all" bundles, source maps) are
left out. The files are build outputs: they go into the built site, never into git.

    python -m export.vendor --out site/static/ort      # copy, print the sizes
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "onnxruntime-web"
FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")


class VendorError(RuntimeError):
    pass


def package_dir(root: Path = ROOT) -> Path:
    return root / "node_modules" / PACKAGE


def installed_version(root: Path = ROOT) -> str:
    manifest = package_dir(root) / "package.json"
    if not manifest.is_file():
        raise VendorError(f"{PACKAGE} is not installed in {root / 'node_modules'}: run `npm ci` in {root}")
    return json.loads(manifest.read_text())["version"]


def source_files(root: Path = ROOT) -> dict[str, Path]:
    """{file name: path in node_modules} for the files the browser needs; checks the pinned version."""
    version = installed_version(root)
    wanted = json.loads((root / "package.json").read_text())["dependencies"][PACKAGE]
    if version != wanted:
        raise VendorError(f"node_modules has {PACKAGE} {version} but package.json pins {wanted}: run `npm ci` in {root}")
    dist = package_dir(root) / "dist"
    missing = [name for name in FILES if not (dist / name).is_file()]
    if missing:
        raise VendorError(f"{PACKAGE} {version} in {dist} lacks {', '.join(missing)}: "
                          f"run `npm ci` in {root} (the file names may have changed with the version)")
    return {name: dist / name for name in FILES}


def vendor_ort(target: Path, root: Path = ROOT) -> dict[str, int]:
    """Copy the browser's onnxruntime-web files into `target` (created if needed); returns {name: bytes}."""
    sources = source_files(root)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, source in sources.items():
        shutil.copyfile(source, target / name)
        sizes[name] = source.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to copy into, e.g. site/static/ort")
    args = parser.parse_args(argv)
    try:
        sizes = vendor_ort(args.out)
    except VendorError as err:
        print(f"vendor failed: {err}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"{name:30s} {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
