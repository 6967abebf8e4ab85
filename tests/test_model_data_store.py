"""The committed store of model-backed data (sims/model_data/store) and the cache behind it: the
store holds exactly today's files and what the code computes, `--check` names what is off, a
stored file is read before the local cache, and a file's name follows the code it was made by."""
import numpy as np
import pytest

from sims import model_data as md
from sims.model_data import cache, store

pytest.importorskip("onnxruntime")
DATASETS = store.DATASETS


def test_the_committed_store_holds_every_dataset_for_this_model_and_code():
    """A fresh clone builds the site from sims/model_data/store without computing anything, so the
    store must hold exactly today's files: this fails after a model or dataset-code change until
    `make model-data` has been run and the store committed."""
    missing, extra = store.stale()
    assert (missing, extra) == ([], []), "run `make model-data` and commit sims/model_data/store/"


def test_the_store_lists_every_dataset_module():
    """A module with an @dataset reader that store.DATASETS leaves out would never be committed."""
    import importlib
    import pkgutil

    declared = set()
    for info in pkgutil.iter_modules(md.__path__):
        load = getattr(importlib.import_module(f"sims.model_data.{info.name}"), "load", None)
        if hasattr(load, "dataset"):
            declared.add(load.dataset)
    assert declared == set(DATASETS)


def _same_as_stored(name: str, fresh: dict[str, np.ndarray]) -> None:
    """Ints and shapes exactly, floats to 2e-2, palette indices in 99% of pixels (another CPU may
    round a few pixels to a neighbouring palette entry)."""
    with np.load(cache.STORE_DIR / store.expected()[name]) as stored:
        assert fresh.keys() == set(stored.files), name
        for key in fresh:
            if key.startswith("frames_"):
                assert fresh[key].shape == stored[key].shape and np.mean(fresh[key] == stored[key]) > 0.99, key
            elif fresh[key].dtype.kind == "f":
                np.testing.assert_allclose(fresh[key], stored[key], atol=2e-2, err_msg=key)
            else:
                np.testing.assert_array_equal(fresh[key], stored[key], err_msg=key)


@pytest.mark.parametrize("name", ["recap", "shapes"])    # the two cheapest (about 3 s each here)
def test_the_store_holds_what_the_code_computes_today(name):
    """Recomputed here with onnxruntime against the committed file: the store is what the code makes."""
    _same_as_stored(name, store.loaders()[name].compute(md.sampler()))


def test_the_store_check_names_missing_and_stale_files(tmp_path, monkeypatch, capsys):
    files = store.expected()
    for file in files.values():
        (tmp_path / file).write_bytes(b"")
    monkeypatch.setattr(cache, "STORE_DIR", tmp_path)
    assert store.main(["--check"]) == 0
    (tmp_path / files["cost"]).unlink()
    (tmp_path / "cost-v0-old.npz").write_bytes(b"")
    assert store.stale() == ([files["cost"]], ["cost-v0-old.npz"])
    assert store.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert f"missing {files['cost']}" in err and "stale cost-v0-old.npz" in err and "make model-data" in err


def test_a_stored_file_is_read_before_the_local_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "STORE_DIR", tmp_path / "store")
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    file = cache.filename("probe", 1, "sims.model_data.flicker")
    cache.write(tmp_path / "store" / file, {"x": np.arange(2)})
    got = cache.cached("probe", 1, lambda s: pytest.fail("recomputed"), code_from="sims.model_data.flicker")
    assert got["x"].tolist() == [0, 1] and not (tmp_path / "cache").exists()


def test_the_cache_key_follows_the_code_and_a_torn_file_is_recomputed(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    calls = []

    def compute(sampler):
        calls.append(1)
        return {"x": np.arange(3)}

    first = cache.cached("probe", 1, compute, code_from="sims.model_data.flicker")
    assert calls == [1] and cache.cached("probe", 1, compute, code_from="sims.model_data.flicker")["x"].tolist() == [0, 1, 2]
    assert calls == [1]                                          # read back, not recomputed
    other = cache.cached("probe", 1, compute, code_from="sims.model_data.guidance")
    assert calls == [1, 1] and other.keys() == first.keys()      # another module's code: another key
    for path in tmp_path.glob("probe-*.npz"):
        path.write_bytes(b"not a zip file")
    cache.cached("probe", 1, compute, code_from="sims.model_data.flicker")
    assert calls == [1, 1, 1]                                     # a torn file is computed again
    assert not list(tmp_path.glob(".probe-*"))                   # no temporary files left behind


def test_a_comment_or_a_line_break_leaves_the_code_fingerprint_alone_and_code_does_not():
    """Store names hash the code's tokens: a comment edit in shared code renames no dataset file
    (and needs no `make model-data`); any change to what runs does."""
    plain = cache.code_tokens(b"def scale(x):\n    return (2 * x)\n")
    for same in (b"def scale(x):\n    return (2 * x)   # doubled\n",
                 b"def scale(x):\n    # the factor the sims use\n    return (2 * x)\n\n\n",
                 b"def scale(x):\n    return (2 *\n            x)\n"):
        assert cache.code_tokens(same) == plain, same
    for changed in (b"def scale(x):\n    return (3 * x)\n", b"def scale(y):\n    return (2 * y)\n",
                    b"def scale(x):\n    return (2 * x)\nprint('#')\n"):
        assert cache.code_tokens(changed) != plain, changed


def test_an_f_string_is_one_token_as_on_every_python_version():
    """Python 3.12 tokenizes an f-string into parts, 3.11 into one string: kept whole, the store's names
    are the same on both (checked on 3.11.7, 3.12.1 and 3.13.0 over every file of model/ and sims/)."""
    assert cache.code_tokens(b'x = f"a{b!r:>{w}}c"  # note\n') == b'x\0=\0f"a{b!r:>{w}}c"\0\n\0'
    assert cache.code_tokens(b'x = f"""a{\nb}c"""\n') == b'x\0=\0f"""a{\nb}c"""\0\n\0'
