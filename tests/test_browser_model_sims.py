"""The real-model parts of the flicker, permanence and guidance sims in a real browser, in both runtimes:
the page carries our model's frames, shows the one the controls point at, and moves on with them."""
from __future__ import annotations

import numpy as np
import pytest
from test_browser import move_control, wait_for_sim

from sims.model_data import flicker, guidance
from sims.model_data import permanence as pm

pytestmark = pytest.mark.browser

SHOWN_JS = """(name) => {
  const d = Bokeh.documents[0].get_model_by_name(name).data, shown = [];
  for (let k = 0; k < d.x.length; k++) { if (d.x[k] >= 0 && d.y[k] >= 0) { shown.push(k); } }
  return {n: d.image.length, shown, first: shown.length ? Array.from(d.image[shown[0]]) : []};
}"""

# sim, chapter slug, query, source, control to move, shown images before and after the move, stored frame
CASES = [
    ("flicker", "flicker", "?seed=1&frame=12", "flicker.real_spacetime", "frame",
     [1 * 24 + 12], [1 * 24 + 13],
     lambda: flicker.load()["frames"][flicker.KINDS.index("spacetime"), 1, 12]),
    ("permanence", "coherence", "?frame=5", "permanence.real_per_frame", "frame",
     [5], [6], lambda: pm.load()["frames"][pm.KINDS.index("per-frame"), 5]),
    ("guidance", "guidance", "?w=2", "guidance.real_trails", "w",
     list(range(12, 18)), list(range(18, 24)), lambda: guidance.load()["trails"][2, 0]),
]


def shown(page, source: str) -> dict:
    return page.evaluate(SHOWN_JS, source)


@pytest.mark.parametrize("sim, slug, query, source, control, before, after, stored", CASES, ids=[c[0] for c in CASES])
def test_real_model_frames_follow_the_controls(watched, course, sim, slug, query, source, control, before, after,
                                               stored):
    watched.goto(course.url(slug, query))
    wait_for_sim(watched, sim)
    watched.wait_for_function("([name, k]) => { const d = Bokeh.documents[0].get_model_by_name(name).data;"
                              " return d.x[k] >= 0; }", arg=[source, before[0]], timeout=10_000)
    now = shown(watched, source)
    assert now["shown"] == before
    # The page holds our model's frame itself (rows flipped for Bokeh's bottom-up images).
    np.testing.assert_array_equal(np.array(now["first"]), stored()[::-1].ravel())
    move_control(watched, sim, control)
    watched.wait_for_function("([name, k]) => { const d = Bokeh.documents[0].get_model_by_name(name).data;"
                              " return d.x[k] >= 0 && d.y[k] >= 0; }", arg=[source, after[0]], timeout=10_000)
    assert shown(watched, source)["shown"] == after
