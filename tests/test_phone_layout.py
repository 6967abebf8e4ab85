"""Every page of the static site on a phone, measured in a real browser: at 320 x 640 and 375 x 800
no sideways scroll, no text cut or outside the viewport, no canvas title, axis label or text glyph
too wide or on top of another, no legend cut or over the data, and every control at least 24 x 24 px
or spaced as WCAG 2.2 allows (2.5.8). The measures are export/layout_problems.js, the same ones
`make bench` prints beside its phone screenshots (export/screenshots.py).

The same walk is the static site's accessibility check: on each page, loaded and drawn, no console
error or request outside the site, one level-one heading (and no chapter chrome on an embed), and no
serious or critical axe-core violation (`make serve`'s pages: tests/test_browser.py).

One page object visits each page once: it loads at one width, is measured, is resized to the other
(Bokeh re-lays out, as on a phone turned or a window dragged) and is measured again; the pages take
turns at which width they load in, so each width sees both fresh loads and resized pages. At the
width it loads in, every block must draw at least the room it kept before it was drawn
(export/lazy.py), so nothing below it is pulled up when it appears.
"""
from __future__ import annotations

import pytest
from bokeh.embed import file_html
from bokeh.plotting import figure
from bokeh.resources import INLINE

from export.browser import OriginGuard, axe_violations, wait_until_labelled
from export.screenshots import (LAYOUT_PROBLEMS_JS, drawn_short_of, layout_problems, room_kept, settle, site_pages,
                                wait_until_drawn)

pytestmark = pytest.mark.browser
PHONES = ({"width": 320, "height": 640}, {"width": 375, "height": 800})


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONES[0], device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


def problems_at(page, viewport) -> list[str]:
    page.set_viewport_size(viewport)
    settle(page)
    found = layout_problems(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1 or any("sideways" in p for p in found)      # the JS reports what this sees
    return found


def test_every_page_fits_a_phone_and_passes_axe(phone, built_site, site_url):
    folder, _ = built_site
    pages = site_pages(folder)
    assert len(pages) > 10 and "index.html" in pages and any(p.startswith("embed/") for p in pages)
    guard = OriginGuard(phone, site_url)
    found, violations, short = {}, {}, {}
    for n, rel in enumerate(pages):
        order = PHONES if n % 2 == 0 else PHONES[::-1]       # the page is still at the last width
        phone.set_viewport_size(order[0])
        phone.goto(site_url + rel)
        kept = room_kept(phone)
        wait_until_drawn(phone)
        short.update(drawn_short_of(phone, kept, f"{order[0]['width']}px {rel}"))
        headings = phone.locator("h1").count()
        chrome = phone.locator(".course-toc").count()
        assert headings == 1 and (chrome == 0 or not rel.startswith("embed/")), (rel, headings, chrome)
        wait_until_labelled(phone)              # course.js names the widgets Bokeh drew without one
        violations[rel] = axe_violations(phone)
        for viewport in order:
            found[f"{viewport['width']}px {rel}"] = problems_at(phone, viewport)
    assert {where: problems for where, problems in found.items() if problems} == {}
    assert {rel: v for rel, v in violations.items() if v} == {}
    assert short == {}, f"drawn shorter than the room kept (kept, drawn): {short}"
    assert not guard.problems, "\n".join(guard.problems)


def _plot_page(legend_inside: bool) -> str:
    fig = figure(title="Test", width=300, height=200, toolbar_location=None)
    fig.line(list(range(20)), [10] * 20, legend_label="a long legend label over the line", line_width=2)
    fig.legend.location = "center" if legend_inside else "top_left"
    if not legend_inside:
        fig.add_layout(fig.legend[0], "above")
    return file_html(fig, INLINE, "test")


def test_the_checks_find_what_they_look_for(phone):
    """The measures fire on pages made to fail them (so a clean site means something)."""
    phone.set_viewport_size(PHONES[1])
    phone.set_content(_plot_page(legend_inside=True))
    wait_until_drawn(phone)
    assert any("legend covers data" in p for p in phone.evaluate(LAYOUT_PROBLEMS_JS))
    phone.set_content(_plot_page(legend_inside=False))
    wait_until_drawn(phone)
    assert phone.evaluate(LAYOUT_PROBLEMS_JS) == []

    # Buttons 1 and 2 are 20 px and 2 px apart (both fail); 3 is 30 px from them (the spacing
    # exception); the checkbox is 13 px, but its label is pressed too and is 26 px tall.
    buttons = "".join(f'<button style="all: unset; display: inline-block; width: 20px; height: 20px; '
                      f'margin-right: {gap}px">{n}</button>' for n, gap in ((1, 2), (2, 30), (3, 0)))
    phone.set_content(f"<main><div>{buttons}</div><div style='width: 600px'>wide</div><label style='display: block; "
                      "padding: 4px 0; margin-top: 20px'><input type=checkbox> a label makes the box a big target</label></main>")
    found = phone.evaluate(LAYOUT_PROBLEMS_JS)
    assert any(p.startswith('button "1" is a 20x20px target') for p in found), found
    assert any(p.startswith('button "2" is a 20x20px target') for p in found), found
    assert not any(p.startswith(('button "3"', "input")) for p in found), found
    assert any(p.startswith("the page scrolls sideways by") for p in found), found
