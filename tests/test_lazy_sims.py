"""The static site draws each sim only as it nears the view (export/lazy.py, course/static/lazy-sims.js):
a phone reading the top of a chapter fetches none of Bokeh's scripts and draws nothing; scrolled to,
the sim is drawn and answers its controls; the URL query and other "document ready" work run once
per sim, when that sim is drawn, not again when a later one is."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser import move_control, snapshot, wait_changed

from export.browser import OriginGuard
from export.screenshots import wait_until_drawn

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 800}
BOKEH_FILES = ("/static/bokeh/", "/static/panel/")


def frame_shown(page) -> int:
    return page.evaluate("() => Bokeh.documents[0].get_model_by_name('flicker.now').data.frame[0]")


def test_a_sim_far_below_is_drawn_only_once_scrolled_to_and_then_works(page, site_url):
    page.set_viewport_size(PHONE)
    guard = OriginGuard(page, site_url)
    page.goto(f"{site_url}spacetime-latent.html")
    box = page.locator('[data-root="sim-compression"]')
    assert box.evaluate("b => b.getBoundingClientRect().top") > 2 * PHONE["height"]     # far below the fold
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.Bokeh") is None
    assert [u for u in guard.requests if any(f in u for f in BOKEH_FILES)] == []
    assert box.get_attribute("data-started") is None
    assert box.evaluate("b => b.querySelector('[data-root-id]').childElementCount") == 0

    box.scroll_into_view_if_needed()
    expect(box).to_have_attribute("data-started", "true", timeout=30_000)
    assert [u for u in guard.requests if u.endswith("/static/bokeh/bokeh.min.js")]
    before = snapshot(page, "compression")
    move_control(page, "compression", "frames")
    wait_changed(page, "compression", before)
    assert not guard.problems, guard.problems


def test_the_query_applies_when_its_sim_is_drawn_and_not_again_for_a_later_one(page, site_url):
    page.set_viewport_size(PHONE)
    guard = OriginGuard(page, site_url)
    page.goto(f"{site_url}flicker.html?frame=5")
    page.locator('[data-root="sim-flicker"]').scroll_into_view_if_needed()
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length && "
                           "Bokeh.documents[0].get_model_by_name('flicker.now').data.frame[0] === 5", timeout=30_000)
    move_control(page, "flicker", "frame")                      # the reader moves on: frame 6
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('flicker.now').data.frame[0] === 6",
                           timeout=10_000)
    cell = page.locator('[data-root="codecell"]')
    assert cell.get_attribute("data-started") is None
    cell.scroll_into_view_if_needed()                           # a second root of the page is drawn
    expect(cell).to_have_attribute("data-started", "true", timeout=30_000)
    page.wait_for_function("() => Bokeh.documents[0].is_idle", timeout=30_000)
    page.wait_for_timeout(500)
    assert frame_shown(page) == 6, "the URL query was applied again when the code cell was drawn"
    assert not guard.problems, guard.problems


@pytest.mark.parametrize("width", [375, 1350])
def test_every_block_draws_at_least_the_room_it_kept(page, built_site, site_url, width):
    """A block keeps room until it is drawn (export/lazy.py RESERVE_CSS); drawn, it only grows, so
    nothing after it is pulled up when it appears."""
    page.set_viewport_size({"width": width, "height": 800})
    folder, _ = built_site
    short = {}
    for rel in [p.name for p in sorted(folder.glob("*.html"))]:
        page.goto(site_url + rel)
        kept = page.evaluate(ROOM_JS)
        if not kept:
            continue
        assert all(room > 0 for room in kept.values()), (rel, kept)
        wait_until_drawn(page)
        drawn = page.evaluate(HEIGHT_JS)
        short.update({f"{rel} {label}": (kept[label], drawn[label]) for label in kept if drawn[label] < kept[label]})
    assert short == {}, f"drawn shorter than the room kept (kept, drawn) at {width} px: {short}"


ROOM_JS = """() => Object.fromEntries([...document.querySelectorAll('[data-root]')].map(
  (b) => [b.dataset.root, parseFloat(getComputedStyle(b).minHeight) || 0]))"""
HEIGHT_JS = """() => Object.fromEntries([...document.querySelectorAll('[data-root]')].map(
  (b) => [b.dataset.root, b.getBoundingClientRect().height - parseFloat(getComputedStyle(b).paddingTop)
                          - parseFloat(getComputedStyle(b).paddingBottom) - 2]))"""
