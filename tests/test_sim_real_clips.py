"""The model-backed parts of the flicker, permanence and guidance sims: real clips from the exported
model (onnxruntime, cached in .cache/model-sims), their shapes, what they measurably show, and that the
views ship the real frames and show the right one for the controls."""
import numpy as np
import pytest

from sims import flicker, guidance, model_clips, palette
from sims import permanence as pm

pytest.importorskip("onnxruntime")
SIDE = 32


@pytest.fixture(scope="module")
def sampler():
    return model_clips.sampler()


# -- the palette frames ----------------------------------------------------------------------------
def test_palette_frames_round_trip_closely():
    rng = np.random.default_rng(0)
    video = np.clip(rng.normal(0.5, 0.2, (3, 8, 8, 3)), 0, 1).astype(np.float32)
    video[:, :4] = [0.9, 0.1, 0.1]                              # a flat red half is kept exactly
    index, colours = palette.palette_frames(video, size=32)
    assert index.shape == (3, 8, 8) and index.dtype == np.uint8 and colours.shape == (32, 3)
    np.testing.assert_allclose(colours[index[:, :4]], video[:, :4], atol=1e-6)
    assert np.abs(colours[index] - video).mean() < 0.1


# -- flicker -----------------------------------------------------------------------------------------
def test_flicker_real_clips_have_the_right_shapes():
    real = flicker.real_clips()
    assert real["frames"].shape == (2, flicker.REAL_SEEDS, flicker.N_FRAMES, SIDE, SIDE)
    assert real["frames"].dtype == np.uint8 and real["palette"].shape == (palette.PALETTE_SIZE, 3)
    assert real["x"].shape == (2, flicker.REAL_SEEDS, flicker.N_FRAMES)
    assert flicker.REAL_SEEDS == len(flicker.Flicker().control_values("seed"))


def test_flicker_real_frames_are_the_models_clips(sampler):
    """The stored frames of (spacetime, seed 2) are that clip, up to the palette's rounding."""
    real = flicker.real_clips()
    clip = sampler.generate(flicker.REAL_PROMPT, frames=flicker.N_FRAMES, seed=2, kind="spacetime")
    shown = real["palette"][real["frames"][flicker.REAL_KINDS.index("spacetime"), 2]]
    assert np.abs(shown - clip.video).mean() < 0.02
    other = real["palette"][real["frames"][flicker.REAL_KINDS.index("per-frame"), 2]]
    assert np.abs(other - clip.video).mean() > 0.03           # and not the other model's


def test_flicker_spacetime_clips_jump_and_flicker_less_for_every_seed():
    """What chapter 0 says of these clips: for every seed the per-frame clip's largest jump is at least
    twice the spacetime clip's, its background changes roughly twice as much, it loses the ball in
    some frames of most seeds and shows other colours; the spacetime ball is always there, in red only."""
    real = flicker.real_clips()
    pf, st = flicker.REAL_KINDS.index("per-frame"), flicker.REAL_KINDS.index("spacetime")
    assert np.all(real["largest_jump"][pf] > 2 * real["largest_jump"][st])
    assert np.all(real["flicker"][pf] > 1.5 * real["flicker"][st])
    assert np.all(real["flicker"][pf] < 3 * real["flicker"][st])
    assert np.sum(real["presence"][pf] < 1) >= 3 and np.all(real["presence"][st] == 1.0)
    assert np.all(real["wrong_pixels"][pf] > 1) and np.all(real["wrong_pixels"][st] < 0.5)


def test_cached_model_data_is_read_back_unchanged():
    first = flicker.real_clips()
    again = model_clips.cached("flicker", flicker.REAL_VERSION, lambda s: pytest.fail("recomputed"))
    assert first.keys() == again.keys()
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])


def test_flicker_view_shows_the_real_frame_the_controls_point_at():
    from sims.views.flicker import FlickerView
    view = FlickerView(flicker.Flicker(seed=3, frame=7))
    real, data = flicker.real_clips(), view.data()
    for m, kind in enumerate(flicker.REAL_KINDS):
        src = data[f"real_{kind.replace('-', '_')}"]
        assert len(src["image"]) == flicker.REAL_SEEDS * flicker.N_FRAMES
        on_canvas = np.flatnonzero((src["x"] == 0) & (src["y"] == 0))
        assert on_canvas.tolist() == [3 * flicker.N_FRAMES + 7]
        np.testing.assert_array_equal(src["image"][on_canvas[0]], real["frames"][m, 3, 7][::-1])
    assert "seed 3" in view.readouts()["real"]


# -- permanence --------------------------------------------------------------------------------------
def test_permanence_real_clips_shapes_and_what_they_show():
    real = pm.real_clips()
    assert real["frames"].shape == (2, pm.N_FRAMES, SIDE, SIDE)
    assert real["reappears"].shape == (2, pm.REAL_SEEDS)
    pf, st = pm.REAL_KINDS.index("per-frame"), pm.REAL_KINDS.index("spacetime")
    assert real["reappears"][st].sum() == pm.REAL_SEEDS                   # every spacetime ball comes back
    assert real["reappears"][pf].sum() < real["reappears"][st].sum()
    assert real["largest_jump"][st].max() < 3                             # it slides, it never pops
    assert real["reappears"][pf].sum() > pm.REAL_SEEDS / 2                # a red ball mostly comes out...
    assert np.sum(real["largest_jump"][pf] > 5) > pm.REAL_SEEDS / 2       # ...but pops in most seeds
    red = pm.COLOUR_NAMES.index("red")
    assert np.all(real["colour_after"] == red) and np.all(real["colour_kept"] == 1)   # the prompt names it


def test_permanence_view_shows_the_real_frames():
    from sims.views.permanence import PermanenceView
    view = PermanenceView(pm.Permanence(frame=20))
    real, data = pm.real_clips(), view.data()
    src = data["real_spacetime"]
    assert np.flatnonzero(src["x"] == 0).tolist() == [20]
    np.testing.assert_array_equal(src["image"][20], real["frames"][pm.REAL_KINDS.index("spacetime"), 20][::-1])
    summary = pm.real_summary()
    assert f"spacetime {summary['spacetime']['reappears']} of {pm.REAL_SEEDS}" in view.readouts()["real_seeds"]


# -- guidance ----------------------------------------------------------------------------------------
def test_guidance_real_sweep_covers_every_w_of_the_slider():
    from model.data import HELD_OUT
    from model.text import parse_prompt
    prompt = parse_prompt(guidance.REAL_PROMPT)               # chapter 6: a pair never seen in training
    assert (prompt.colour, prompt.motion) in HELD_OUT
    real = guidance.real_sweep()
    assert list(real["w"]) == guidance.Guidance().control_values("w")
    assert real["adherent"].shape == (len(real["w"]), guidance.REAL_SEEDS)
    assert real["trails"].shape == (len(real["w"]), guidance.REAL_SHOWN, SIDE, SIDE)


def test_guidance_real_adherence_rises_and_diversity_falls():
    """Chapter 6's reading of the curves: few clips follow the prompt at w = 0, all of them by w = 2,
    the paths collapse onto one arc, and at high w adherence falls again while other colours creep in."""
    real = guidance.real_sweep()
    adherence, wrong = real["adherent"].mean(axis=1), real["wrong_pixels"].mean(axis=1)
    assert adherence[0] < 0.5 and adherence[3] > adherence[0] + 0.5
    assert adherence[3] >= adherence[1] >= adherence[0]
    assert np.all(adherence[2:7] == 1.0)
    assert real["spread"][2] < 0.2 * real["spread"][0]
    assert adherence[10:].max() < 0.9 and wrong[10:].min() > 10 * wrong[2:4].max()
    off_prompt = real["adherent"][0] == 0                    # at w = 0 most of those show other colours
    assert np.sum(real["wrong_pixels"][0][off_prompt] >= 5) > off_prompt.sum() / 2


def test_chapters_quote_the_measured_numbers():
    from course.chapters import c00_flicker, c05_coherence, c06_guidance
    flat = lambda text: " ".join(text.split())  # noqa: E731
    jumps = flicker.real_clips()["largest_jump"][flicker.REAL_KINDS.index("spacetime")]
    assert f"{jumps.min():.1f} to {jumps.max():.1f} px" in flat(c00_flicker.REAL_PARAGRAPH)
    pops = int((pm.real_clips()["largest_jump"][pm.REAL_KINDS.index("per-frame")] > pm.TELEPORT_PX).sum())
    assert f"pops in {pops} of {pm.REAL_SEEDS}" in flat(c05_coherence.REAL_PARAGRAPH)
    adherent = int(guidance.real_sweep()["adherent"][0].sum())
    assert f"`w = 0` the prompt is ignored: {adherent} of {guidance.REAL_SEEDS}" in flat(c06_guidance.REAL_PARAGRAPH)


def test_guidance_view_shows_the_trails_of_the_chosen_w():
    from sims.views.guidance import GuidanceView
    view = GuidanceView(guidance.Guidance(w=6))
    real, data = guidance.real_sweep(), view.data()
    shown = np.flatnonzero(data["real_trails"]["x"] >= 0)
    assert shown.tolist() == list(range(6 * guidance.REAL_SHOWN, 7 * guidance.REAL_SHOWN))
    np.testing.assert_array_equal(data["real_trails"]["image"][shown[0]], real["trails"][6, 0][::-1])
    assert data["real_marker"]["adherence"][0] == pytest.approx(real["adherent"][6].mean())


def test_trail_keeps_every_position_of_a_moving_dot():
    video = np.zeros((4, 8, 8, 3), np.float32)
    for t in range(4):
        video[t, 2, 2 * t] = 1.0
    picture = guidance.trail(video)
    assert picture[2, [0, 2, 4, 6]].min() == 1.0 and picture.sum() == 12.0
