"""The course in a real browser (Debian's Chromium via Playwright), in both runtimes: the built
static site over plain HTTP, and the live `panel serve` app. The static site may not make a single
request outside its own folder: every other request is routed to fail and the test fails with it."""
from __future__ import annotations

import re
import panel as pn
import param
import pytest
from playwright.sync_api import expect

from course.toc import load_chapters
from export.browser import axe_violations, wait_until_labelled
from export.screenshots import press_start, wait_until_drawn
from sims.registry import VIEWS

pytestmark = pytest.mark.browser
CHAPTERS = load_chapters()


SNAPSHOT_JS = """(prefix) => {
  const doc = Bokeh.documents[0], out = {};
  for (const m of doc.all_models) {
    if (m.name && m.name.startsWith(prefix) && m.data !== undefined) {
      const cols = {};
      for (const [k, v] of Object.entries(m.data)) {
        cols[k] = Array.from(v, (x) => (ArrayBuffer.isView(x) ? Array.from(x) : x));
      }
      out[m.name] = JSON.stringify(cols);
    }
  }
  return out;
}"""

def wait_for_sim(page, sim: str):
    """Scroll to the sim (the static site draws a sim only as it nears the view; on an embed page,
    only once Start is pressed) and wait until it is drawn."""
    page.locator(f'[data-root="sim-{sim}"]').scroll_into_view_if_needed()
    press_start(page, f'[data-root="sim-{sim}"]')
    page.wait_for_function(
        "(name) => window.Bokeh && Bokeh.documents.length && Bokeh.documents[0].get_model_by_name(name)",
        arg=f"{sim}.readout." + next(iter(VIEWS[sim]().readout_divs)), timeout=20_000)
    page.locator(".bk-panel-models-layout-Column, .bk-Column").first.wait_for(timeout=20_000)


def snapshot(page, sim: str) -> dict:
    return page.evaluate(SNAPSHOT_JS, f"{sim}.")


def wait_changed(page, sim: str, before: dict, timeout_s: float = 10) -> dict:
    """Poll the sim's plotted data until it differs from `before` (served changes round-trip Python)."""
    for _ in range(int(timeout_s / 0.1)):
        after = snapshot(page, sim)
        if after != before:
            return after
        page.wait_for_timeout(100)
    raise AssertionError(f"{sim}: the plotted data did not change")


def control_kinds(sim: str) -> list[tuple[str, str]]:
    view = VIEWS[sim]
    kinds = []
    for name in view.sim_class.controls:
        if view.widget_types.get(name) is pn.widgets.Player:
            kinds.append((name, "player"))
        elif isinstance(view.sim_class.param[name], param.Selector):
            kinds.append((name, "buttons"))
        else:
            kinds.append((name, "slider"))
    return kinds


def move_control(page, sim: str, control: str):
    """Move one control the way a reader would: keyboard on a slider, a click on a button."""
    kinds = control_kinds(sim)
    kind = dict(kinds)[control]
    nth = [n for n, k in kinds if k == kind].index(control)
    if kind == "player":
        page.locator("button.next").nth(nth).click()
    elif kind == "slider":
        handle = page.locator(".noUi-handle").nth(nth)
        handle.focus()
        handle.press("ArrowRight")
    else:
        page.locator(".bk-btn-group").nth(nth).locator("button:not(.bk-active)").last.click()


def chapter_of(sim: str):
    return next(c for c in CHAPTERS if sim in c.sims)


def settled(page, sim: str, quiet_ms: int = 300, timeout_s: float = 10) -> dict:
    """The sim's plotted data once it has stopped changing for `quiet_ms` (a served change can land
    in more than one message), so that the next control's change is not the last one's echo."""
    last = snapshot(page, sim)
    for _ in range(int(timeout_s * 1000 / quiet_ms)):
        page.wait_for_timeout(quiet_ms)
        now = snapshot(page, sim)
        if now == last:
            return now
        last = now
    raise AssertionError(f"{sim}: the plotted data never settled")


@pytest.mark.parametrize("sim", list(VIEWS))
def test_each_control_changes_the_plotted_data(watched, course, sim):
    """Every control of every sim, moved in turn on one page load, changes what is plotted."""
    watched.goto(course.url(chapter_of(sim).slug))
    wait_for_sim(watched, sim)
    before = settled(watched, sim)
    for control in VIEWS[sim].sim_class.controls:
        move_control(watched, sim, control)
        try:
            after = wait_changed(watched, sim, before)
        except AssertionError as missing:
            raise AssertionError(f"{sim}.{control}: {missing}") from None
        assert set(after) == set(before), control
        before = settled(watched, sim)


@pytest.mark.parametrize("course", ["served"], indirect=True)    # the static site: test_phone_layout's walk
def test_every_page_loads_without_errors_or_accessibility_violations(watched, course):
    """Every page and embed of `make serve`: no console error, a level-one heading, and no serious
    or critical axe-core violation (WCAG 2.2 A/AA rules; axe-core from node_modules, never a CDN)."""
    slugs = ["index"] + [c.slug for c in CHAPTERS]
    found = {}
    for slug in slugs:
        watched.goto(course.url(slug))
        wait_until_drawn(watched)               # every sim scrolled to and drawn, so that axe checks it too
        assert watched.locator("main h1").first.is_visible(), slug
        wait_until_labelled(watched)            # course.js names the widgets Bokeh drew without one
        found[slug] = axe_violations(watched)
    for sim in VIEWS:
        watched.goto(course.embed(sim))
        wait_for_sim(watched, sim)
        assert watched.locator(".course-toc").count() == 0      # embeds carry no chrome
        assert watched.locator("h1").count() == 1
        wait_until_labelled(watched)
        found[f"embed/{sim}"] = axe_violations(watched)
    assert {page: v for page, v in found.items() if v} == {}


def test_quiz_gives_immediate_feedback_and_keeps_score(watched, course):
    chapter = CHAPTERS[1]
    watched.goto(course.url(chapter.slug))
    questions = watched.locator(".quiz fieldset.quiz-question")
    expect(watched.locator(".quiz .quiz-score")).not_to_be_empty(timeout=20_000)    # course.js has run
    assert questions.count() == len(chapter.quiz)
    score = watched.locator(".quiz .quiz-score")
    for n, quiz in enumerate(chapter.quiz):
        question = questions.nth(n)
        radios = question.locator("input[type=radio]")
        assert radios.count() == len(quiz.choices)
        status = question.locator(".quiz-status")
        assert "Pick an answer" in status.inner_text()
        for i, choice in enumerate(quiz.shown()):
            radios.nth(i).check()
            expected = "Right." if choice.correct else "Not quite."
            expect(status).to_contain_text(expected, timeout=5_000)
            assert ("quiz-right" if choice.correct else "quiz-wrong") in status.get_attribute("class")
            assert "`" not in status.inner_text()            # Markdown is rendered, not escaped
        right = next(i for i, c in enumerate(quiz.shown()) if c.correct)
        radios.nth(right).check()
        expect(score).to_contain_text(f"{n + 1} of {len(chapter.quiz)} right", timeout=5_000)
    expect(score).to_have_text(f"Score: {len(chapter.quiz)} of {len(chapter.quiz)} right.")


def test_quiz_works_by_keyboard(watched, course):
    chapter = CHAPTERS[6]
    watched.goto(course.url(chapter.slug))
    first = watched.locator(".quiz fieldset.quiz-question").first
    first.locator("input[type=radio]").first.focus()
    watched.keyboard.press("ArrowDown")                  # arrow keys move the choice and check it
    status = first.locator(".quiz-status")
    expect(status).to_contain_text(".", timeout=5_000)
    assert first.locator("input[type=radio]").nth(1).is_checked()
    expect(status).to_have_class(re.compile("quiz-(right|wrong)"))


def test_navigation_reaches_every_chapter(watched, course):
    watched.goto(course.url("index"))
    toc_links = watched.locator(".course-toc a")
    assert toc_links.count() == len(CHAPTERS)
    for chapter in CHAPTERS:
        watched.locator("a.next").click()
        watched.wait_for_load_state()
        assert watched.locator("main h1").first.inner_text() == chapter.title
        assert watched.locator(".course-toc li.current a").inner_text().endswith(chapter.title)
    assert watched.locator("a.next").count() == 0
    watched.locator(".course-toc a").first.click()
    assert watched.locator("main h1").first.inner_text() == CHAPTERS[0].title


def test_url_query_sets_controls_and_bad_values_are_noted(watched, course):
    watched.goto(course.url("flicker", "?frame=999&seed=abc"))
    wait_for_sim(watched, "flicker")
    watched.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('flicker.now').data.frame[0] === 23", timeout=10_000)
    expect(watched.get_by_text("Set frame to 23 (asked for 999; allowed 0 to 23).")).to_be_visible()
    expect(watched.get_by_text('Ignored seed="abc": not a number.')).to_be_visible()
    before = snapshot(watched, "flicker")
    move_control(watched, "flicker", "seed")               # the page still works
    wait_changed(watched, "flicker", before)


def test_good_url_query_opens_a_shared_state(watched, course):
    watched.goto(course.embed("compression", "?frames=128&space_factor=16"))
    wait_for_sim(watched, "compression")
    watched.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('compression.readout.sizes').text.includes('(16 × 32 × 32 × 32)')",
        timeout=10_000)
    expect(watched.get_by_text("Ignored")).to_have_count(0)


def test_embed_snippet_points_at_the_embed_page(watched, course):
    watched.goto(course.url("diffusion"))
    code = watched.locator("textarea.embed-code").input_value()
    assert code.startswith(f'<iframe src="{course.embed("denoising")}"')
    watched.set_content(f"<html><body>{code}</body></html>")   # the snippet works in a foreign page
    frame = watched.frame_locator("iframe")
    if course.runtime == "static":   # the embed's sim starts when the reader points at it
        frame.locator(".sim-facade button").hover()
    frame.locator(".noUi-handle").first.wait_for(timeout=20_000)


# The static site on phones: every page at 320 and 375 px in test_phone_layout's walk.
@pytest.mark.parametrize("course, width", [("served", 375), ("served", 1440), ("static", 1440)], indirect=["course"])
def test_pages_fit_phone_and_desktop(watched, course, width):
    watched.set_viewport_size({"width": width, "height": 800})
    for slug in ("index", "flicker", "spacetime-latent"):
        watched.goto(course.url(slug))
        wait_until_drawn(watched)               # sims start as they near the view; the index has none
        overflow = watched.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{slug} scrolls sideways by {overflow}px at {width}px"


def test_markup_in_the_query_is_shown_as_text(watched, course):
    watched.goto(course.embed("flicker", "?seed=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E"))
    wait_for_sim(watched, "flicker")
    expect(watched.get_by_text('Ignored seed="<img src=x onerror=window.pwned=1>": not a number.')).to_be_visible()
    assert watched.evaluate("() => window.pwned") is None


def test_button_groups_are_named_radio_groups_with_a_checked_state(watched, course):
    """A screen reader hears "Shape, radio group" and which shape is checked; picking another moves
    the check (course.js maps Bokeh's active class onto aria-checked)."""
    watched.goto(course.embed("patches"))
    wait_for_sim(watched, "patches")
    group = watched.get_by_role("radiogroup", name="Shape")
    expect(group).to_have_count(1, timeout=10_000)
    expect(group.get_by_role("radio", name="square")).to_have_attribute("aria-checked", "true")
    group.get_by_role("radio", name="portrait").click()
    expect(group.get_by_role("radio", name="portrait")).to_have_attribute("aria-checked", "true", timeout=5_000)
    expect(group.get_by_role("radio", name="square")).to_have_attribute("aria-checked", "false")
    expect(watched.get_by_role("radiogroup", name="Patch side ps (cells)")).to_have_count(1)
