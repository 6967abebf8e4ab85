"""The disk cache behind every dataset of sims.model_data, and the one onnxruntime sampler they share.

One .npz per (dataset, version, model files, code): `<dataset>-v<version>-<model>-<code>.npz`, where
<model> hashes model/onnx and <code> the dataset's module plus SHARED_CODE, as tokens (comments
and layout aside: code_tokens). Editing the model files, that code, or bumping a dataset's version
gives a new name; nothing else does, not even a comment in that code. A name is looked up
first in the committed store (sims/model_data/store/, refreshed by `make model-data`, so a fresh
clone builds the site without computing anything), then in .cache/model-sims/, where anything
computed here is written. A dataset is declared once, with its compute function:

    @dataset("flicker", version=1)
    def load(sampler) -> dict[str, np.ndarray]: ...      # compute(sampler), run on a cold cache

and `load()` then returns the cached arrays, read-only, computing them first if need be.
"""
from __future__ import annotations

import functools
import hashlib
import io
import os
import sys
import tempfile
import time
import tokenize
from pathlib import Path
from typing import Callable

import numpy as np

from model import manifest
from model.ort_sampler import ONNX_DIR, ModelFilesMissing, OrtSampler

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("COURSE_MODEL_CACHE", ROOT / ".cache" / "model-sims"))
STORE_DIR = Path(__file__).resolve().parent / "store"       # committed: see sims/model_data/store.py


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


# The code every dataset's numbers depend on besides its own module: the sampler, the detector,
# the tokenizer and the palette. Editing the code of any of them (or of the dataset's module)
# recomputes; editing only their comments, blank lines or line breaks does not (code_tokens).
SHARED_CODE = ("model/flow.py", "model/ort_sampler.py", "model/prompt_graph.py", "model/onnx_weights.py",
               "model/evaluate.py", "model/text.py", "sims/palette.py", "sims/model_data/detect.py",
               "sims/model_data/cache.py")


# Python 3.12 tokenizes an f-string into parts (FSTRING_START ... FSTRING_END) where 3.11 gives one
# STRING token; each f-string is kept as one token, its source text, so both give the same names.
_FSTRING_START, _FSTRING_END = getattr(tokenize, "FSTRING_START", None), getattr(tokenize, "FSTRING_END", None)


def code_tokens(source: bytes) -> bytes:
    """Python source as the tokens it runs, without its comments and the line breaks inside
    brackets: what a dataset's numbers can depend on. The same on Python 3.11 and later (f-strings
    kept whole), unlike an AST dump, whose format changes between versions."""
    lines = source.decode("utf-8").splitlines(keepends=True)
    kept, opened, depth = [], None, 0
    for tok in tokenize.tokenize(io.BytesIO(source).readline):
        if tok.type == _FSTRING_START:
            opened, depth = opened or tok.start, depth + 1
        elif tok.type == _FSTRING_END:
            depth -= 1
            if depth == 0:
                kept.append(_source_between(lines, opened, tok.end))
                opened = None
        elif opened is None and tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING):
            kept.append(tok.string)
    return "\0".join(kept).encode()


def _source_between(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The source text from tokenize position `start` to `end` ((row from 1, column))."""
    (row0, col0), (row1, col1) = start, end
    if row0 == row1:
        return lines[row0 - 1][col0:col1]
    return lines[row0 - 1][col0:] + "".join(lines[row0:row1 - 1]) + lines[row1 - 1][:col1]


@functools.lru_cache(maxsize=None)
def code_fingerprint(module_file: str) -> str:
    digest = hashlib.sha256()
    for path in (*SHARED_CODE, module_file):
        digest.update(code_tokens(Path(ROOT / path).read_bytes()))
    return digest.hexdigest()[:8]


def filename(name: str, version: int, code_from: str, onnx_dir: Path = ONNX_DIR) -> str:
    """The file a dataset's arrays live in, for these model files and this code (`code_from`: the
    dataset's module name)."""
    module_file = Path(sys.modules[code_from].__file__).resolve().relative_to(ROOT).as_posix()
    return f"{name}-v{version}-{fingerprint(onnx_dir)}-{code_fingerprint(module_file)}.npz"


def _read(path: Path, name: str) -> dict[str, np.ndarray] | None:
    if not path.exists():
        return None
    try:
        with np.load(path) as blob:
            return {key: blob[key] for key in blob.files}
    except (OSError, ValueError, EOFError) as err:              # a torn or foreign file: compute again
        print(f"model-backed data for {name!r}: unreadable {path} ({err}); recomputing", file=sys.stderr, flush=True)
        return None


def write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Written whole under a name of its own, then renamed: two processes computing the same dataset
    never write the same file, and a reader never sees a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        np.savez_compressed(out, **arrays)
    os.replace(partial, path)


def compute_now(name: str, compute: Callable[[OrtSampler], dict[str, np.ndarray]],
                onnx_dir: Path = ONNX_DIR) -> dict[str, np.ndarray]:
    """Run compute(sampler) with progress on stderr, and check it returned a dict of arrays."""
    # A cold cache costs seconds to a minute per dataset (about 3.5 minutes for the whole course): say so.
    print(f"model-backed data for {name!r}: computing with onnxruntime ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    arrays = compute(sampler(onnx_dir))
    print(f"model-backed data for {name!r}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    if not isinstance(arrays, dict) or not all(isinstance(v, np.ndarray) for v in arrays.values()):
        raise TypeError(f"{name}: the compute function must return a dict of numpy arrays")
    return arrays


def cached(name: str, version: int, compute: Callable[[OrtSampler], dict[str, np.ndarray]],
           onnx_dir: Path = ONNX_DIR, code_from: str | None = None) -> dict[str, np.ndarray]:
    """compute(sampler) once per (name, version, model files, code); later calls read the .npz from
    the store or the cache. The code is compute's module (or the module named `code_from`) plus SHARED_CODE."""
    file = filename(name, version, code_from or compute.__module__, onnx_dir)
    for folder in (STORE_DIR, CACHE_DIR):
        arrays = _read(folder / file, name)
        if arrays is not None:
            return arrays
    arrays = compute_now(name, compute, onnx_dir)
    write(CACHE_DIR / file, arrays)
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
