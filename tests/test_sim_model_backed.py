"""The sims backed by the real model (onnxruntime at build time, never torch): real data, real checks."""
import numpy as np
import pytest

from sims import attention, compression, cost, model_clips, recap
from sims.attention import Attention


def test_compression_example_shapes_and_reconstruction():
    ex = compression.examples()
    assert ex["video"].shape[1:] == (16, 32, 32, 3) and ex["video"].dtype == np.uint8
    assert ex["latent"].shape[1:] == (8, 4, 8, 8)
    assert ex["decoded"].shape == ex["video"].shape
    assert ex["psnr"][compression.SHOWN] > 28                       # measured 32.2 dB with the committed decoder
    assert np.all(ex["psnr"] > 25)                                  # measured 27.3 to 34.6 dB
    assert compression.psnr(ex["video"][0] / 255, ex["video"][0] / 255 + 0.01) == pytest.approx(40)


@pytest.mark.parametrize("model", attention.MODELS)
def test_learned_attention_rows_are_distributions(model):
    w = attention.learned_attention(model)
    assert w.shape == (64, 64) and np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-5)


def test_per_frame_model_never_looks_across_slices_and_spacetime_does():
    data = attention.learned()
    assert [tuple(s) for s in data["map_shapes"]] == [(2, 4, 64, 64), (8, 4, 16, 16)]   # as model/dit.py reshapes
    slice_of = np.arange(64) // 16
    other = slice_of[:, None] != slice_of[None, :]
    per_frame, spacetime = data["blocks"][1], data["blocks"][0]
    assert np.all(per_frame[:, other] == 0)                         # exactly zero, every block
    share = spacetime[:, other].sum(axis=-1).mean(axis=-1)           # per block, mean over patches
    assert np.all(share > 0.3)                                      # measured 0.54 to 0.81
    assert Attention(source="learned", model="per-frame").time_share() == 0.0
    assert Attention(source="learned").time_share() > 0.3


def test_cached_path_returns_the_same_arrays():
    again = model_clips.cached("attention", 1, lambda sampler: pytest.fail("should read the cache"))
    for key, value in attention.learned().items():
        np.testing.assert_array_equal(again[key], value)


def test_measured_step_time_grows_with_frames():
    runs = cost.measured()
    assert list(runs["frames"]) == [8, 12, 16, 20, 24, 28, 32]
    ms = runs["ms"]
    assert ms.shape == (2, 7) and np.all(ms > 0)
    assert np.all(ms[:, -1] > 1.5 * ms[:, 0])                       # 4x the tokens: measured 2.2-2.7x the time
    fixed, per_gflop = cost.fit_formula(runs["frames"], ms)
    assert per_gflop > 0


def test_recap_shapes_match_the_onnx_model_and_manifest():
    import json
    from model.ort_sampler import ONNX_DIR
    vocab = json.loads((ONNX_DIR / "manifest.json").read_text())
    shapes = recap.model_shapes()
    assert sorted(shapes) == vocab["frame_choices"]
    for frames, m in shapes.items():
        clip = recap.Clip(frames, 32, 32)
        measured = recap.measured_stage_shapes(frames, 32, 32)
        assert all(clip.stage_shapes(stage) == io for stage, io in measured.items()), frames
        assert (m["heads"], m["blocks"], m["width"]) == (recap.HEADS, recap.BLOCKS, recap.WIDTH)
        assert m["text"] == (vocab["prompt_tokens"], recap.WIDTH) and m["latent"][0] == vocab["latent_channels"]
    assert recap.measured_stage_shapes(16, 64, 32) is None


def test_views_show_the_real_data():
    from sims.views.cost import CostView
    from sims.views.recap import RecapView
    assert "✓" in RecapView().data()["rows"]["shapes"][4]
    assert "ms" in CostView().readouts()["measured"]
