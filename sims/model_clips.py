"""Real model outputs for the simulations, computed with onnxruntime (never torch) and cached.

Several sims show what the course's own model does: clips from both DiTs, a guidance sweep,
attention weights, measured step times. They are computed from the committed ONNX files
(model/onnx) when a page is built, by `model.ort_sampler.OrtSampler` on one thread, and embedded in
the page as data like any other sim state. The browser never runs them.

Results are cached on disk in .cache/model-sims/, one .npz per (name, version, model files):
editing the model files or bumping a sim's `version` recomputes, nothing else does. A sim calls

    arrays = model_clips.cached("flicker", 1, lambda sampler: {"video": ...})

and gets back a dict of numpy arrays (the compute function must return one).
"""
from __future__ import annotations

import functools
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

from model import manifest
from model.ort_sampler import ONNX_DIR, ModelFilesMissing, OrtSampler

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("COURSE_MODEL_CACHE", ROOT / ".cache" / "model-sims"))


class ModelUnavailable(RuntimeError):
    """The model-backed data cannot be computed here; the message says what to do."""


@functools.lru_cache(maxsize=None)
def fingerprint(onnx_dir: Path = ONNX_DIR) -> str:
    """A short hash of the exported model: its manifest and every file beside it."""
    digest = hashlib.sha256()
    manifest_path = onnx_dir / manifest.FILENAME
    if not manifest_path.exists():
        raise ModelUnavailable(f"{manifest_path} is missing: run `make export-onnx` (or restore model/onnx from git)")
    paths = [manifest_path] + sorted(p for p in onnx_dir.iterdir() if p.suffix in (".onnx", ".weights", ".npz"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def sampler(onnx_dir: Path = ONNX_DIR) -> OrtSampler:
    """One shared onnxruntime sampler (one thread, like the browser) for every sim in this process."""
    try:
        return OrtSampler(onnx_dir, threads=1)
    except ModuleNotFoundError as err:
        raise ModelUnavailable(f"onnxruntime is not installed ({err}); run `make setup`") from None
    except ModelFilesMissing as err:
        raise ModelUnavailable(str(err)) from None


def cached(name: str, version: int, compute: Callable[[OrtSampler], dict[str, np.ndarray]],
           onnx_dir: Path = ONNX_DIR) -> dict[str, np.ndarray]:
    """compute(sampler) once per (name, version, model files); later calls read the .npz."""
    path = CACHE_DIR / f"{name}-v{version}-{fingerprint(onnx_dir)}.npz"
    if path.exists():
        with np.load(path) as blob:
            return {key: blob[key] for key in blob.files}
    # A cold cache costs a few seconds per sim (about a minute for the whole course): say so.
    print(f"model-backed data for {name!r}: computing with onnxruntime, cached in {CACHE_DIR} ...",
          file=sys.stderr, flush=True)
    started = time.perf_counter()
    arrays = compute(sampler(onnx_dir))
    print(f"model-backed data for {name!r}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    if not isinstance(arrays, dict) or not all(isinstance(v, np.ndarray) for v in arrays.values()):
        raise TypeError(f"{name}: the compute function must return a dict of numpy arrays")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp.npz")          # written whole, then renamed: no torn cache files
    np.savez_compressed(partial, **arrays)
    partial.replace(path)
    return arrays
