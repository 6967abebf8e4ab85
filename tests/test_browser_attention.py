"""Selecting a patch in the attention sim, by pointer and by keyboard, in both runtimes (the static site
replays precomputed states; `panel serve` round-trips through Python)."""
from __future__ import annotations

import pytest
from test_browser import snapshot, wait_changed, wait_for_sim

from export.screenshots import wait_until_drawn
from sims.attention import where
from sims.views.attention import centres

pytestmark = pytest.mark.browser
SLUG = "diffusion-transformer"

# Page coordinates of a point given in the picture's data units (its frame's own scales).
POINT_JS = """([x, y]) => {
  const fig = Bokeh.documents[0].get_model_by_name("attention.picture");
  const view = Bokeh.index.find_one(fig), box = view.el.getBoundingClientRect();
  return [box.x + view.frame.x_scale.compute(x), box.y + view.frame.y_scale.compute(y)];
}"""

FOCUS_JS = """() => {
  const fig = Bokeh.documents[0].get_model_by_name("attention.picture");
  const el = Bokeh.index.find_one(fig).el;
  el.focus();
  return document.activeElement === el || el.getRootNode().activeElement === el;
}"""


def selected(page) -> int:
    """The selected patch, read from where the page draws its outline."""
    x, y = page.evaluate("() => { const d = Bokeh.documents[0].get_model_by_name('attention.chosen').data;"
                         " return [d.x[0], d.y[0]]; }")
    cx, cy = centres()
    return next(i for i in range(64) if abs(cx[i] - x) < 1e-6 and abs(cy[i] - y) < 1e-6)


def wait_selected(page, patch: int, timeout_s: float = 10) -> None:
    for _ in range(int(timeout_s / 0.1)):
        if selected(page) == patch:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"selection stayed at {selected(page)}, expected {patch}")


def open_sim(page, course_):
    page.goto(course_.url(SLUG))
    wait_for_sim(page, "attention")
    wait_until_drawn(page)            # every sim of the page drawn and ready (its keys attached)
    assert selected(page) == 21


def tap(page, patch: int):
    cx, cy = centres()
    page.locator(".sim-attention").first.scroll_into_view_if_needed()
    x, y = page.evaluate(POINT_JS, [float(cx[patch]), float(cy[patch])])
    page.mouse.click(x, y)


def test_tapping_a_patch_selects_it_and_redraws_its_lines(watched, course):
    open_sim(watched, course)
    before = snapshot(watched, "attention")
    tap(watched, 48)                                              # frame 3, row 0, column 0: sky
    wait_selected(watched, 48)
    after = wait_changed(watched, "attention", before)
    assert after["attention.links"] != before["attention.links"]
    readout = watched.evaluate("() => Bokeh.documents[0].get_model_by_name('attention.readout.split').text")
    assert readout.startswith("Patch 48 (frame 3, row 0, column 0) is plain sky")
    tap(watched, 38)                                              # the ball in frame 2
    wait_selected(watched, 38)


def test_arrow_keys_move_the_selection_over_the_grid(watched, course):
    open_sim(watched, course)
    assert watched.evaluate(FOCUS_JS), "the picture cannot take keyboard focus"
    before = snapshot(watched, "attention")
    moves = [("ArrowRight", (1, 1, 2)), ("ArrowRight", (1, 1, 3)), ("ArrowRight", (2, 1, 0)),   # on into frame 2
             ("ArrowDown", (2, 2, 0)), ("ArrowDown", (2, 3, 0)), ("ArrowDown", (2, 3, 0)),        # stops at the edge
             ("ArrowLeft", (1, 3, 3)), ("ArrowUp", (1, 2, 3))]
    for key, (f, r, c) in moves:
        watched.keyboard.press(key)
        wait_selected(watched, 16 * f + 4 * r + c)
        assert where(selected(watched)) == (f, r, c)
    after = snapshot(watched, "attention")
    assert after["attention.links"] != before["attention.links"]


def test_a_tap_then_keys_and_the_model_toggle(watched, course):
    """After a click the picture has focus, so the keys work straight away; per-frame drops the time links."""
    open_sim(watched, course)
    tap(watched, 8)
    wait_selected(watched, 8)
    watched.keyboard.press("ArrowLeft")                           # already at the left edge: stays
    watched.keyboard.press("ArrowUp")
    wait_selected(watched, 4)
    before = snapshot(watched, "attention")
    watched.locator(".sim-attention .bk-btn-group button", has_text="per-frame").click()
    wait_changed(watched, "attention", before)
    watched.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('attention.readout.split').text.includes('exactly 0%')",
        timeout=10_000)
    weights = watched.evaluate("() => { const d = Bokeh.documents[0].get_model_by_name('attention.links').data;"
                               " return [Array.from(d.kind), Array.from(d.weight)]; }")
    assert all(w == 0 for k, w in zip(*weights) if k == 1)
    assert selected(watched) == 4
