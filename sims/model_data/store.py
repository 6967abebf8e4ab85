"""The committed store of model-backed data: one .npz per dataset, named as cache.filename names it,
so a fresh clone (CI, a reader's `make serve`, a publisher's `make build-site`) reads what the
course's model does instead of spending minutes computing it.

    python -m sims.model_data.store            # refresh: compute what is missing, drop stale files
    python -m sims.model_data.store --check    # exit 1 (and say which) when the store is out of date

`make model-data` runs the refresh; do so after changing model/onnx or the code a dataset hashes
(its module and cache.SHARED_CODE), and commit sims/model_data/store/. tests/test_model_data.py
fails while the store is stale, naming this command.
"""
from __future__ import annotations

import argparse
import importlib
import shutil
import sys

from . import cache

# Every dataset, in the order the chapters show them (one module each, see sims/model_data/__init__.py).
DATASETS = ("flicker", "compression", "shapes", "attention", "permanence", "guidance", "steps", "cost", "recap")


def loaders() -> dict:
    return {name: importlib.import_module(f"{__package__}.{name}").load for name in DATASETS}


def expected() -> dict[str, str]:
    """dataset name -> the file the store must hold for today's model files and code."""
    return {name: cache.filename(name, load.version, load.compute.__module__) for name, load in loaders().items()}


def stale() -> tuple[list[str], list[str]]:
    """(files the store lacks, files it holds that nothing reads any more)."""
    wanted = set(expected().values())
    held = {path.name for path in cache.STORE_DIR.glob("*.npz")}
    return sorted(wanted - held), sorted(held - wanted)


def refresh() -> None:
    """Fill the store for today's model and code: copy from the local cache what is there, compute
    the rest, and remove files no dataset reads any more."""
    loads = loaders()
    for name, file in expected().items():
        target = cache.STORE_DIR / file
        if target.exists():
            continue
        local = cache.CACHE_DIR / file
        if local.exists():
            cache.STORE_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(local, target)
        else:
            cache.write(target, cache.compute_now(name, loads[name].compute))
        print(f"store: wrote {target}", flush=True)
    for file in stale()[1]:
        (cache.STORE_DIR / file).unlink()
        print(f"store: removed {file} (no dataset reads it)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sims.model_data.store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the store is current")
    args = parser.parse_args(argv)
    if not args.check:
        refresh()
    missing, extra = stale()
    for file in missing:
        print(f"store: missing {file}", file=sys.stderr)
    for file in extra:
        print(f"store: stale {file}", file=sys.stderr)
    if missing or extra:
        print("run `make model-data` and commit sims/model_data/store/", file=sys.stderr)
        return 1
    print(f"store: {len(DATASETS)} datasets current in {cache.STORE_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
