"""The reconstruction measures (model/ae_metrics.py) on real clips and on known distortions of them:
what a perfect reconstruction scores, and that each measure moves the way its name says."""
from __future__ import annotations

import math

import numpy as np
import pytest

from model import ae_metrics
from model.data import ASPECTS, Prompt, make_clip, make_still, render


def clips(n=12, seed=0, **canvas):
    rng = np.random.default_rng(seed)
    return [make_clip(rng, 16, **canvas) for _ in range(n)]


def test_psnr_of_known_errors():
    real = np.full((4, 8, 8, 3), 0.5, np.float32)
    assert ae_metrics.psnr(real + 0.01, real) == pytest.approx(40.0, abs=1e-3)
    assert ae_metrics.psnr(real + 0.1, real) == pytest.approx(20.0, abs=1e-3)
    assert ae_metrics.psnr(real, real) > 100


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_a_perfect_reconstruction_scores_as_the_real_clip(aspect):
    width, height = ASPECTS[aspect]
    scores = [ae_metrics.score_clip(c.video, c) for c in clips(width=width, height=height)]
    summary = ae_metrics.summarise(scores)
    assert summary["psnr"] > 100 and summary["colour_error"] == 0 and summary["still_change"] == 0
    assert summary["chroma"] == summary["real_chroma"] and 0.03 < summary["real_chroma"] < 0.12
    assert 0.7 < summary["real_fill_ball"] < 0.9 and summary["real_fill_square"] > 0.95
    assert summary["fill_ball"] == summary["real_fill_ball"]


def test_background_excludes_the_object_and_the_wall():
    clip = render(Prompt("red", "ball", "sliding", "left", wall=True), 16, np.random.default_rng(1))
    background = ae_metrics.background_mask(clip)
    assert not (background & (clip.mask > 0).any(axis=0)).any()
    assert not background[:, 12:20].any() and background.mean() > 0.4


def test_a_greyer_background_has_less_chroma_and_a_colour_error():
    for clip in clips(4):
        background = ae_metrics.background_mask(clip)
        grey = clip.video.mean(axis=-1, keepdims=True)
        washed = 0.5 * clip.video + 0.5 * grey
        assert ae_metrics.background_chroma(washed, background) == pytest.approx(
            0.5 * ae_metrics.background_chroma(clip.video, background), rel=1e-4)
        assert ae_metrics.background_colour_error(washed, clip.video, background) > 0.005


def test_soft_edges_round_a_square_and_fatten_a_ball():
    rng = np.random.default_rng(2)
    for shape, real_fill in (("square", 1.0), ("ball", 0.8)):
        clip = render(Prompt("blue", shape, "sliding", "left"), 16, rng)
        blurred = _blur(clip.video)
        real = np.nanmean(ae_metrics.fill_ratios(clip.video, clip))
        soft = np.nanmean(ae_metrics.fill_ratios(blurred, clip))
        assert real == pytest.approx(real_fill, abs=0.08)
        assert soft < real if shape == "square" else soft != real


def _blur(video):
    out = video.copy()
    out[:, 1:-1, 1:-1] = sum(video[:, 1 + dy:video.shape[1] - 1 + dy, 1 + dx:video.shape[2] - 1 + dx]
                             for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9
    return out


def test_shimmer_on_still_pixels_is_measured_and_motion_is_not():
    rng = np.random.default_rng(3)
    clip = make_clip(rng, 16)
    assert ae_metrics.still_change(clip.video, clip) == 0
    noise = rng.normal(0, 0.01, clip.video.shape).astype(np.float32)
    # |difference of two N(0, 0.01)| has mean 0.01 * sqrt(2) * sqrt(2 / pi) = 0.0113
    assert ae_metrics.still_change(clip.video + noise, clip) == pytest.approx(0.0113, rel=0.1)
    still = make_still(rng, width=64, height=32)
    assert ae_metrics.still_change(still.video, still) == 0
    assert math.isnan(ae_metrics.still_change(still.video[:1], still)), "one frame has no change to measure"


def test_the_v2_recipe_trains_on_every_shape_and_reports_its_measures(tmp_path):
    """A few steps of the v2 autoencoder recipe (shortcuts, the shape mixture, the new loss terms),
    then its report: every measure for every shape, in training.json."""
    import json

    from model import weights
    from model.train import Trainer
    from model.train_config import configure
    settings = {"ae.steps": 4, "ae.batch": 1, "ae.frames": 8, "ae.report_clips": 2, "threads": 1,
                "stages": "autoencoder", "out": str(tmp_path), "checkpoint_every": 2}
    Trainer(configure("v2", settings), fresh=True, log=open("/dev/null", "w")).run()
    model, meta = weights.load_autoencoder(tmp_path)
    assert model.encoder.shortcuts and meta["steps"] == 4
    report = json.loads((tmp_path / "training.json").read_text())["autoencoder"]["metrics"]
    assert set(report) == {*ASPECTS, "still"}
    for row in report.values():
        assert row["clips"] == 2 and {"psnr", "chroma", "colour_error", "fill_ball", "still_change"} <= set(row)
