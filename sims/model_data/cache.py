"""The disk cache behind every dataset of sims.model_data, and the one onnxruntime sampler they share.

Results are cached in .cache/model-sims/, one .npz per (dataset, version, model files):
`<dataset>-v<version>-<fingerprint>.npz`. Editing the model files or bumping a dataset's version
recomputes it; nothing else does. A dataset is declared once, with its compute function:

    @dataset("flicker", version=1)
    def load(sampler) -> dict[str, np.ndarray]: ...      # compute(sampler), run on a cold cache

and `load()` then returns the cached arrays, read-only, computing them first if need be.
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

ROOT = Path(__file__).resolve().parents[2]
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
    # A cold cache costs a few seconds per dataset (about a minute for the whole course): say so.
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


def dataset(name: str, version: int):
    """Declare a dataset: decorate its compute(sampler) function; get back its cached, read-only reader."""
    def declare(compute: Callable[[OrtSampler], dict[str, np.ndarray]]):
        @functools.lru_cache(maxsize=None)
        def load(onnx_dir: Path = ONNX_DIR) -> dict[str, np.ndarray]:
            arrays = cached(name, version, compute, onnx_dir)
            for value in arrays.values():
                value.flags.writeable = False
            return arrays

        load.__doc__ = compute.__doc__
        load.compute = compute
        load.dataset, load.version = name, version
        return load
    return declare
