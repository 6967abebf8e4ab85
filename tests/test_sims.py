"""Sim logic, checked by setting parameters and reading numbers: no browser, no Panel."""
import subprocess
import sys

import numpy as np
import pytest

from sims import compression, denoising, flicker
from sims.base import parse_control


# -- flicker -----------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_spacetime_flicker_is_far_below_per_frame(seed):
    per_frame, spacetime = flicker.Flicker(seed=seed).clips()
    true_motion = flicker.Flicker().true_motion()
    assert flicker.mean_jump(spacetime) == pytest.approx(true_motion, rel=1e-9)
    assert flicker.mean_jump(per_frame) > 2.5 * flicker.mean_jump(spacetime)
    assert flicker.background_flicker(spacetime) == 0.0
    assert flicker.background_flicker(per_frame) > 0.03


def test_flicker_per_frame_draws_are_each_plausible():
    """Every per-frame draw stays near the true path: plausible alone, inconsistent together."""
    per_frame, _ = flicker.Flicker(seed=2).clips()
    x, y = flicker.true_path()
    assert np.all(np.hypot(per_frame.x - x, per_frame.y - y) < 5 * flicker.POSITION_JITTER)


# -- denoising ---------------------------------------------------------------------------------
def test_exact_denoiser_matches_monte_carlo_posterior_mean():
    """E[x0 | x_t] from the closed form equals an importance-weighted average over samples."""
    rng = np.random.default_rng(0)
    means = denoising.templates()
    t = 0.8
    x0 = means[1] + denoising.SIGMA * rng.standard_normal(means[1].shape)
    x_t = (1 - t) * x0 + t * rng.standard_normal(x0.shape)
    exact, probs = denoising.posterior(x_t, t, means)
    # Monte Carlo: sample x0 from the prior, weight by the likelihood of x_t.
    k = rng.integers(0, 4, 20000)
    samples = means[k] + denoising.SIGMA * rng.standard_normal((20000, *means.shape[1:]))
    log_lik = -np.sum((x_t - (1 - t) * samples) ** 2, axis=(1, 2)) / (2 * t**2)
    w = np.exp(log_lik - log_lik.max())
    mc = np.tensordot(w / w.sum(), samples, axes=1)
    assert np.abs(exact - mc).mean() < 0.05
    assert probs.argmax() == 1


@pytest.mark.parametrize("seed", range(4))
def test_denoising_error_falls_as_progress_rises(seed):
    march = denoising.sample(seed)
    err = denoising.guess_error(march)
    assert err[-1] == pytest.approx(0.0, abs=1e-12)
    assert err[0] > 0.5 and err[10] < 0.5 * err[0]
    # Allow tiny wiggles between neighbouring steps, but the trend is down all the way.
    assert np.all(np.diff(err) < 0.02)
    assert march.probs[-1].max() > 0.999       # the run commits to one class
    assert march.probs[0] == pytest.approx(np.full(4, 0.25))   # pure noise says nothing


def test_denoising_ends_on_a_picture_of_its_class():
    for seed in range(4):
        march = denoising.sample(seed)
        k = march.probs[-1].argmax()
        final = march.x[-1]
        assert np.sqrt(np.mean((final - denoising.templates()[k]) ** 2)) < 2 * denoising.SIGMA


def test_denoising_seeds_reach_different_classes():
    classes = {int(denoising.sample(seed).probs[-1].argmax()) for seed in range(4)}
    assert len(classes) >= 3


def test_noise_schedule_runs_from_noise_to_clean():
    t = denoising.noise_levels()
    assert t[0] == 1.0 and t[-1] == 0.0 and np.all(np.diff(t) < 0)


# -- compression -------------------------------------------------------------------------------
def test_course_model_factors_give_24x():
    sim = compression.Compression()
    raw = compression.Volume(3, 16, 32, 32)
    latent = compression.latent_volume(raw, 4, 4, 8)
    assert latent.shape == (8, 4, 8, 8)
    assert raw.values / latent.values == 24
    sim.param.update(frames=64, size=512, time_factor=4, space_factor=8, channels=16)
    assert sim.latent().shape == (16, 16, 64, 64)
    assert sim.ratio() == pytest.approx(3 * 4 * 64 / 16)


def test_compression_rounds_up_sizes_that_do_not_divide():
    latent = compression.latent_volume(compression.Volume(3, 16, 256, 256), 8, 16, 4)
    assert latent.shape == (4, 2, 16, 16)
    latent = compression.latent_volume(compression.Volume(3, 17, 30, 30), 4, 4, 8)
    assert latent.shape == (8, 5, 8, 8)


def test_box_faces_are_to_scale():
    faces = compression.box_faces(100, 50, 10)
    assert faces["front_x"].max() == 100 and faces["front_y"].max() == 50
    assert faces["side_x"].max() == pytest.approx(100 + 10 * compression.DEPTH_DX)


# -- shared controls and URL query -------------------------------------------------------------
@pytest.mark.parametrize("raw, value, noted", [
    ("12", 12, False), ("12.0", 12, False), ("999", 23, True), ("-5", 0, True),
    ("abc", None, True), ("nan", None, True), ("", None, True), ("7.6", 8, True),
])
def test_integer_query_values_are_clamped_or_ignored(raw, value, noted):
    got, note = parse_control(flicker.Flicker.param.frame, "frame", raw)
    assert got == value
    assert bool(note) == noted


def test_selector_query_values_must_be_listed():
    sim = compression.Compression()
    notes = sim.apply_query({"frames": "128", "size": "300", "channels": "<b>8</b>"})
    assert sim.frames == 128 and sim.size == 512 and sim.channels == 16
    assert len(notes) == 2 and "256, 512, 1024" in notes[0]


def test_control_values_cover_every_widget_position():
    assert flicker.Flicker().control_values("frame") == list(range(24))
    assert compression.Compression().control_values("space_factor") == [1, 2, 4, 8, 16]


def _concept_modules() -> list[str]:
    from sims.registry import VIEWS

    return sorted({view.sim_class.__module__ for view in VIEWS.values()})


@pytest.mark.parametrize("module", _concept_modules())
def test_concept_module_imports_no_panel_bokeh_torch_model_data_or_other_concepts(module):
    """A concept module is param + numpy: no Panel, Bokeh or torch, no model-backed data (onnxruntime)
    at import time, and no other concept module."""
    others = [m for m in _concept_modules() if m != module]
    code = (f"import sys, {module}; "
            f"bad = [m for m in ('panel', 'bokeh', 'torch', 'onnxruntime', *{others!r}) if m in sys.modules]"
            " + [m for m in sys.modules if m.startswith('sims.model_data')]; print(bad); assert not bad")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# -- cost ----------------------------------------------------------------------------------------
from sims import cost  # noqa: E402


def test_cost_formula_by_hand():
    """5 s of 512x512: 30 slices x 32x32 latent patches = 30,720 tokens; by hand, per layer."""
    sim = cost.Cost(seconds=5, size=512, raw_patch=16)
    raw, latent = sim.tokens()
    assert (raw, latent) == (122_880, 30_720)
    d = cost.WIDTH
    assert cost.layer_flops(latent) == 4 * 30_720**2 * d + 24 * 30_720 * d**2
    f_raw, f_lat = sim.flops()
    assert f_lat == pytest.approx(cost.layer_flops(30_720) * 28 * 50 * 2)
    assert f_raw / f_lat == pytest.approx(13.8, rel=0.01)     # 4x tokens: 16x attention, 4x the rest


def test_latent_cost_is_below_pixel_cost_by_the_expected_factor():
    """Same 2x2 patches on both volumes: 256x fewer tokens, so attention (the big term) ~65,536x."""
    sim = cost.Cost(seconds=10, size=1024, raw_patch=2)
    raw, latent = sim.tokens()
    assert raw / latent == 4 * 8 * 8
    f_raw, f_lat = sim.flops()
    assert 20_000 < f_raw / f_lat < 65_536
    m_raw, m_lat = sim.memory()
    assert m_raw / m_lat == pytest.approx(256**2)


def test_cost_grows_quadratically_once_attention_dominates():
    sim = cost.Cost(size=1024, raw_patch=2)
    f = sim.flops(np.array([5.0, 10.0]))[0]
    assert f[1] / f[0] == pytest.approx(4, rel=0.01)


def test_course_model_is_cheap():
    assert 1e9 < cost.course_model_flops() < 10e9


# -- guidance ------------------------------------------------------------------------------------
from sims import guidance  # noqa: E402


def test_exact_velocities_point_from_data_to_noise():
    """At t = 1 the conditional velocity is x − mu_k: x_1 is pure noise and E[x0 | k] = mu_k."""
    x = np.array([[0.3, -0.2], [1.0, 2.0]])
    v_cond, v_uncond = guidance.velocities(x, 1.0, 2)
    np.testing.assert_allclose(v_cond, x - guidance.CENTRES[2])
    np.testing.assert_allclose(v_uncond, x - guidance.CENTRES.mean(axis=0))


@pytest.mark.parametrize("k", range(3))
def test_adherence_rises_and_diversity_falls_with_guidance(k):
    ws = [0, 1, 2, 4, 8]
    runs = [guidance.sample(w, k) for w in ws]
    adherence = [guidance.adherence(s, k) for s in runs]
    spread = [guidance.diversity(s) for s in runs]
    assert adherence[0] < 0.5 < adherence[1] < adherence[2] <= adherence[3] + 1e-9
    assert all(a > b for a, b in zip(spread, spread[1:]))


def test_plain_conditional_sampling_matches_the_class_and_high_w_oversaturates():
    s1, s8 = guidance.sample(1, 0), guidance.sample(8, 0)
    # w = 1 samples the class itself: realistic spread and typical share, close to the data's.
    assert guidance.diversity(s1) == pytest.approx(guidance.SIGMA * np.sqrt(2), rel=0.15)
    assert guidance.typical(s1, 0) == pytest.approx(guidance.TYPICAL_REAL, abs=0.06)
    # w = 8 shoves the samples out of the class's typical region: over-cooked.
    assert guidance.typical(s8, 0) < 0.1
    assert guidance.overshoot(s8, 0) > 2


def _contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        r, g, b_ = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b_)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_shades_of_the_colour_code_read_at_aa_contrast():
    from sims import colors
    for shade in (colors.ORANGE_TEXT, colors.TEAL_TEXT, colors.INK):
        for background in ("#ffffff", "#fbfaf7"):
            assert _contrast(shade, background) >= 4.5, (shade, background)
    assert _contrast(colors.TEAL, "#ffffff") >= 3.0               # teal marks: 3:1 for graphics


PHONE_TITLE_CHARS = 34     # at 14 px bold, about 7.6 px a character: 260 px, inside a 320 px phone's sim


@pytest.mark.parametrize("name", sorted(__import__("sims.registry", fromlist=["VIEWS"]).VIEWS))
def test_figure_titles_fit_a_phone_and_legends_sit_outside_the_data(name):
    """Bokeh cannot wrap a title, and a legend inside the plot covers lines on a narrow screen: every
    title is short enough for a 320 px screen, and every legend is laid out above or below the plot."""
    from bokeh.models import Legend, Plot

    from sims.registry import VIEWS

    plots = [m for m in _models(VIEWS[name]().build()) if isinstance(m, Plot)]
    assert plots
    for plot in plots:
        title = plot.title.text if plot.title else ""
        assert len(title) <= PHONE_TITLE_CHARS, title
        assert not [r for r in plot.center if isinstance(r, Legend)], title


def _models(roots):
    out, stack = [], list(roots)
    while stack:
        m = stack.pop()
        out.append(m)
        for child in getattr(m, "children", None) or []:
            stack.append(child[0] if isinstance(child, tuple) else child)
    return out
