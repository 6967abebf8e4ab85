"""Chapter 7's inspector, Python side: the inspection graphs the export writes (model/inspection.py)
and the reference recording the browser's maps are compared with (tests/test_inspector_browser.py)."""
from __future__ import annotations

import functools

import numpy as np
import onnx
import pytest

from model import inspection, manifest
from model.onnx_weights import weights_entry
from model.ort_sampler import OrtSampler
from node_tests import run_node_tests

PROMPT = "a red ball bouncing from left to right"


@functools.lru_cache(maxsize=None)
def sampler() -> OrtSampler:
    return OrtSampler()


@functools.lru_cache(maxsize=None)
def recorded(kind: str, frames: int = 8, steps: int = 4):
    s = sampler()
    return inspection.record(s, kind, s.noise(frames, 7), s.tokenize(PROMPT).ids, steps, 3.0)


def test_the_export_lists_inspection_graphs_that_share_the_fast_graphs_weights():
    meta = manifest.load().raw
    files = meta["inspect"]["files"]
    assert set(files) == {"spacetime", "per-frame"}
    for kind, name in files.items():
        assert (manifest.ONNX_DIR / name).exists()
        assert weights_entry(meta, name) is meta["weights"][meta["files"][kind]]   # no second copy of the weights
        graph = onnx.load(str(manifest.ONNX_DIR / name), load_external_data=False)
        outputs = [o.name for o in graph.graph.output]
        assert outputs == ["velocity", *(n for k in range(meta["dit"]["depth"])
                                         for n in (f"self_attention_{k}", f"cross_attention_{k}"))]


def test_a_graph_with_the_wrong_number_of_softmaxes_is_refused():
    graph = onnx.load(str(manifest.ONNX_DIR / manifest.load().files["spacetime"]), load_external_data=False)
    with pytest.raises(ValueError, match="Softmax"):
        inspection.add_attention_outputs(graph, depth=7)


@pytest.mark.parametrize("kind", ["spacetime", "per-frame"])
def test_an_inspected_run_is_the_plain_run(kind):
    """The inspection graph changes nothing the reader sees: same latents, same guesses, step by step."""
    s = sampler()
    plain = []
    s.denoise(kind, s.noise(8, 7), s.tokenize(PROMPT).ids, 4, 3.0, on_step=plain.append)
    for step, rec in zip(plain, recorded(kind), strict=True):
        assert step.step == rec.step and step.t == rec.t
        np.testing.assert_allclose(rec.latent, step.latent[0], atol=1e-6)
        np.testing.assert_allclose(rec.clean, step.clean[0], atol=1e-6)
        np.testing.assert_allclose(rec.clean, rec.latent - rec.t * (rec.v_uncond + 3.0 * (rec.v_cond - rec.v_uncond)),
                                   atol=1e-5)


@pytest.mark.parametrize("kind", ["spacetime", "per-frame"])
def test_every_attention_row_sums_to_one(kind):
    meta = manifest.load()
    for rec in recorded(kind):
        for block in rec.self_attention:
            assert block.shape == ((meta.dit["heads"], 32, 32) if kind == "spacetime" else (2, meta.dit["heads"], 16, 16))
            np.testing.assert_allclose(block.sum(-1), 1, atol=1e-5)
        for block in rec.cross_attention:
            assert block.shape == (meta.dit["heads"], 32, meta.prompt_tokens)
            np.testing.assert_allclose(block.sum(-1), 1, atol=1e-5)


def test_the_per_frame_model_sends_exactly_nothing_to_other_slices_and_the_spacetime_model_does():
    per_slice = manifest.load().tokens_per_slice
    shares = {}
    for kind in ("spacetime", "per-frame"):
        rec = recorded(kind)[-1]
        shares[kind] = []
        for block in rec.self_attention:
            for token in range(32):
                row = inspection.full_row(block, kind, token, per_slice)
                assert abs(row.sum() - 1) < 1e-5
                shares[kind].append(inspection.other_slice_share(row, token, per_slice))
    assert max(shares["per-frame"]) == 0.0
    assert np.mean(shares["spacetime"]) > 0.05


def _golden() -> dict:
    """A recorded run and what model/inspection.py reads from it, for web/generator/test/inspection.test.mjs."""
    meta = manifest.load()
    cases = []
    for kind in ("spacetime", "per-frame"):
        rec = recorded(kind)[1]
        for block in (0, meta.dit["depth"] - 1):
            self_map, cross = rec.self_attention[block], rec.cross_attention[block]
            self_dims = [1, *self_map.shape] if kind == "spacetime" else list(self_map.shape)   # the worker's dims
            for token in (0, 5, 17, 31):
                for head in (None, 2):
                    row = inspection.full_row(self_map, kind, token, meta.tokens_per_slice, head)
                    cross_row = cross[:, token].mean(axis=0) if head is None else cross[head, token]
                    cases.append({"kind": kind, "block": block, "token": token, "head": head,
                                  "self": self_map.ravel().tolist(), "selfDims": self_dims,
                                  "cross": cross.ravel().tolist(), "crossDims": [1, *cross.shape],
                                  "row": row.tolist(), "crossRow": cross_row.tolist(),
                                  "other": inspection.other_slice_share(row, token, meta.tokens_per_slice)})
    rec = recorded("spacetime")[2]
    c, slices, side = rec.latent.shape[:3]
    grid = side // meta.patch
    gap = (rec.v_cond - rec.v_uncond).reshape(c, slices, grid, meta.patch, grid, meta.patch)
    pull = np.sqrt((gap.astype(np.float64) ** 2).sum(axis=(0, 3, 5))).ravel()        # (slices, rows, cols) of tokens
    return {"manifest": {k: meta.raw[k] for k in ("frames_per_slice", "latent_side", "patch", "tokens_per_slice",
                                                 "latent_channels", "space_factor")},
            "frames": 8, "cases": cases,
            "guidance": {"latent": rec.latent.ravel().tolist(), "vCond": rec.v_cond.ravel().tolist(),
                         "vUncond": rec.v_uncond.ravel().tolist(), "t": rec.t, "steps": 4, "w": 3.0,
                         "pull": pull.tolist(), "clean": rec.clean.ravel().tolist()}}


def test_the_inspectors_js_arithmetic_matches_python_under_node(tmp_path):
    report = run_node_tests(["web/generator/test/inspection.test.mjs"], _golden(), "INSPECT_GOLDEN", tmp_path)
    assert "# pass 3" in report, report
