"""The static site draws each sim only as it nears the view (export/lazy.py, course/static/lazy-sims.js):
a phone reading the top of a chapter fetches none of Bokeh's scripts and draws nothing; scrolled to,
the sim is drawn and answers its controls; the URL query and other "document ready" work run once
per sim, when that sim is drawn, not again when a later one is. An embed page's sim waits behind
Start until the reader reaches for it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser import move_control, snapshot, wait_changed

from export.browser import OriginGuard, axe_violations
from export.screenshots import drawn_short_of, room_kept, wait_until_drawn

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
    page.wait_for_load_state("networkidle")           # the page has fetched all it will before a scroll
    assert page.evaluate("() => window.Bokeh") is None
    assert [u for u in guard.requests if any(f in u for f in BOKEH_FILES)] == []
    assert box.get_attribute("data-started") is None
    assert box.evaluate("b => b.querySelector('[data-root-id]').childElementCount") == 0

    box.scroll_into_view_if_needed()
    expect(box).to_have_attribute("data-started", "true", timeout=30_000)
    assert page.locator(".sim-facade").count() == 0                 # no Start button on a chapter page
    assert [u for u in guard.requests if u.endswith("/static/bokeh/bokeh.min.js")]
    before = snapshot(page, "compression")
    move_control(page, "compression", "frames")
    wait_changed(page, "compression", before)
    assert not guard.problems, guard.problems


def test_an_embed_waits_for_start_and_the_keyboard_starts_it(page, site_url):
    """Loaded, an embed fetches none of Bokeh; its Start button is named, passes axe and is the
    first Tab stop; Enter starts the sim, focus stays in it, the next Tab reaches its first control,
    and the URL query applies."""
    page.set_viewport_size(PHONE)
    guard = OriginGuard(page, site_url)
    page.goto(f"{site_url}embed/flicker.html?frame=5")
    start = page.get_by_role("button", name="Start the simulation")
    expect(start).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.Bokeh") is None
    assert [u for u in guard.requests if any(f in u for f in BOKEH_FILES)] == []
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    box = page.locator('[data-root="sim-flicker"]')
    expect(box).to_have_attribute("data-started", "true", timeout=30_000)
    expect(start).to_have_count(0)
    expect(box).to_be_focused()
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('flicker.now').data.frame[0] === 5",
                           timeout=10_000)
    page.keyboard.press("Tab")
    assert box.evaluate("(b) => b.contains(document.activeElement) && document.activeElement !== b")
    assert not guard.problems, guard.problems


def test_an_embed_starts_when_the_pointer_reaches_it(page, site_url):
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}embed/guidance.html")
    box = page.locator('[data-root="sim-guidance"]')
    expect(box.locator(".sim-facade button")).to_be_visible()
    assert box.get_attribute("data-started") is None
    page.mouse.move(PHONE["width"] / 2, 200)      # over the box, nowhere near the button
    expect(box).to_have_attribute("data-started", "true", timeout=30_000)
    expect(box.locator(".sim-facade")).to_have_count(0)


def test_an_embed_that_cannot_load_bokeh_says_so(page, site_url):
    page.route("**/static/bokeh/bokeh.min.js", lambda route: route.abort())
    page.goto(f"{site_url}embed/cost.html")
    page.get_by_role("button", name="Start the simulation").click()
    expect(page.get_by_text("The simulation could not start (could not load")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Reload the page to try again.")).to_be_visible()


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


def test_every_block_draws_at_least_the_room_it_kept(page, built_site, site_url):
    """A block keeps room until it is drawn (export/lazy.py RESERVE_CSS); drawn, it only grows, so
    nothing after it is pulled up when it appears. On a wide screen, where sims are shortest; phones
    (320 and 375 px, embeds included) are checked in test_phone_layout's walk."""
    width = 1350
    page.set_viewport_size({"width": width, "height": 800})
    folder, _ = built_site
    short = {}
    for rel in [p.name for p in sorted(folder.glob("*.html"))]:
        page.goto(site_url + rel)
        kept = room_kept(page)
        if not kept:
            continue
        assert all(room > 0 for room in kept.values()), (rel, kept)
        wait_until_drawn(page)
        short.update(drawn_short_of(page, kept, rel))
    assert short == {}, f"drawn shorter than the room kept (kept, drawn) at {width} px: {short}"
