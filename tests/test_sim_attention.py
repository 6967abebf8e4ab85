"""The attention sim's numbers: a real softmax(q·k/√d) over the clip's 64 patches, checked without a browser."""
import subprocess
import sys

import numpy as np
import pytest

from sims import attention
from sims.attention import Attention, ball_tokens, where


@pytest.mark.parametrize("model", attention.MODELS)
def test_every_row_of_weights_is_a_distribution(model):
    weights = attention.attention(model)
    assert weights.shape == (64, 64)
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)


def test_a_score_worked_out_by_hand():
    """The docstring's formula: (49 colour·colour + 1.44 (cos 45°Δrow + cos 45°Δcol) + cos 45°Δframe) / 3."""
    x = attention.features(attention.clip())
    colour = x[:, :3]
    for i, j in [(21, 38), (21, 8), (5, 47), (0, 0)]:
        (fi, ri, ci), (fj, rj, cj) = where(i), where(j)
        def cos(d):
            return np.cos(np.radians(45 * d))

        hand = (49 * colour[i] @ colour[j] + 1.44 * (cos(ri - rj) + cos(ci - cj)) + cos(fi - fj)) / 3
        assert attention.scores(x)[i, j] == pytest.approx(hand, rel=1e-12)


def test_patches_and_tokens_agree():
    assert [where(attention.token(*where(i))) for i in range(64)] == [where(i) for i in range(64)]
    assert ball_tokens() == [8, 21, 38, 59]
    colours = attention.patch_colours(attention.clip())
    assert np.all(colours[ball_tokens(), 0] > 0.7)                # the ball's patches are red
    assert np.all(np.delete(colours, ball_tokens(), axis=0)[:, 0] < 0.9)


@pytest.mark.parametrize("patch", ball_tokens())
def test_the_ball_attends_to_the_ball_in_the_other_frames(patch):
    sim = Attention(patch=patch)
    w, same = sim.weights(), sim.same_frame()
    top_other = set(np.argsort(-np.where(same, -1.0, w))[:3])
    assert top_other == set(ball_tokens()) - {patch}
    assert sim.time_share() > sim.space_share()
    assert w[ball_tokens()].sum() > 0.95                            # almost nothing goes to the sky


def test_the_opening_numbers_quoted_in_chapter_4():
    sim = Attention()
    w = sim.weights()
    assert sim.patch == 21
    assert (round(100 * sim.space_share()), round(100 * sim.time_share())) == (36, 64)
    assert [round(100 * w[j]) for j in (38, 8, 59)] == [28, 23, 13]
    assert round(100 * w[21], 1) == 35.5
    sky = [i for i in range(64) if i not in ball_tokens()]
    assert attention.attention("spacetime")[sky].max() < 0.045
    assert all(0.65 < Attention(patch=i).time_share() < 0.75 for i in sky)
    sim.model = "per-frame"
    assert round(100 * sim.weights()[21], 1) == 99.3


@pytest.mark.parametrize("patch", [0, 5, 21, 38, 63])
def test_per_frame_attention_never_crosses_a_frame(patch):
    sim = Attention(patch=patch, model="per-frame")
    assert sim.time_share() == 0.0                              # exactly, not approximately
    assert sim.space_share() == pytest.approx(1.0)
    assert np.count_nonzero(sim.weights()) == 16
    shares = sim.frame_shares()
    assert shares[where(patch)[0]] == pytest.approx(1.0) and np.count_nonzero(shares) == 1


def test_per_frame_masking_renormalises_the_same_scores():
    """Within its frame, the per-frame row is the spacetime row rescaled: the mask changes nothing else."""
    st, pf = attention.attention("spacetime")[5], attention.attention("per-frame")[5]
    own = slice(0, 16)
    np.testing.assert_allclose(pf[own], st[own] / st[own].sum(), rtol=1e-12)


@pytest.mark.parametrize("query, patch, model, n_notes", [
    ({"patch": "-3"}, 0, "spacetime", 1),
    ({"patch": "64"}, 63, "spacetime", 1),
    ({"patch": "12.4"}, 12, "spacetime", 1),
    ({"patch": "abc"}, 21, "spacetime", 1),
    ({"model": "abc"}, 21, "spacetime", 1),
    ({"model": "per-frame", "patch": "40"}, 40, "per-frame", 0),
])
def test_url_query_is_clamped_or_ignored(query, patch, model, n_notes):
    sim = Attention()
    notes = sim.apply_query(query)
    assert (sim.patch, sim.model, len(notes)) == (patch, model, n_notes)
    if query.get("patch") == "-3":
        assert notes == ["Set patch to 0 (asked for -3; allowed 0 to 63)."]
    if query.get("model") == "abc":
        assert notes == ['Ignored model="abc": choose one of spacetime, per-frame.']


def test_the_view_draws_the_selected_patch_and_hides_time_links_per_frame():
    from sims.views.attention import AttentionView, centres
    view = AttentionView(Attention(patch=38))
    links = view.data()["links"]
    x, y = centres()
    assert np.all(links["x0"] == x[38]) and np.all(links["y0"] == y[38])
    assert links["kind"].sum() == 48                             # 48 patches lie in other frames
    view.sim.model = "per-frame"
    links = view.data()["links"]
    assert np.all(links["weight"][links["kind"] == 1] == 0)
    assert "exactly 0%" in view.readouts()["split"]


def test_the_model_imports_no_panel_or_bokeh():
    code = ("import sys, sims.attention; bad = [m for m in ('panel', 'bokeh', 'torch') if m in sys.modules]; "
            "print(bad); assert not bad")
    subprocess.run([sys.executable, "-c", code], check=True)
