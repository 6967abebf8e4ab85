"""A code cell inside a real chapter page, built by the site's own machinery (course.page's
chapter_page, export.site's render): course/page.py places the chapter's cell after its sections.
Checks that the chapter keeps working beside it: the page's own HTML stays in budget, the sim
responds while Python loads, and with the Pyodide files missing the cell says so while the sim and
the quiz work as before.
"""
from __future__ import annotations

import shutil
import time

import pytest

from export.browser import OriginGuard, serve_folder

pytestmark = pytest.mark.browser

SLUG = "diffusion"


def build_chapter(out, with_cell: bool = True):
    from course.cells import CELLS
    from course.codecell import CodeCellAssets
    from course.page import STATIC_DIR, chapter_page
    from course.toc import load_chapters
    from export.site import PAGE_BUDGET, collect_static, render
    from export.sim_states import state_table

    chapters = load_chapters()
    chapter = next(c for c in chapters if c.slug == SLUG)
    page = chapter_page(chapter, chapters)              # course/page.py places the chapter's cell
    assert SLUG in CELLS and any(b[0] == "root" and b[1] == "codecell" for b in page.blocks)
    if not with_cell:
        page.blocks = [b for b in page.blocks if not (b[0] == "root" and b[1] == "codecell")]
    tables = {view.name: state_table(type(view)) for view in page.views}
    built = render(page, chapters, tables, 0)
    assert len(built.html.encode()) < PAGE_BUDGET
    out.mkdir(parents=True)
    (out / built.path).write_text(built.html, encoding="utf-8")
    files = {**collect_static(built.resources), **CodeCellAssets().files(),
             **{source.name: source for source in STATIC_DIR.iterdir()}}
    for rel, source in files.items():
        (out / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out / "static" / rel)
    return len(built.html.encode())


@pytest.fixture(scope="module")
def chapter_sites(tmp_path_factory):
    """(whole site, the same site with static/pyodide/ missing, the chapter without its cell)."""
    root = tmp_path_factory.mktemp("codecell-chapter")
    whole = root / "whole"
    size = build_chapter(whole)
    print(f"\n{SLUG}.html with its code cell: {size / 1e3:.0f} kB of HTML")
    broken = root / "broken"
    shutil.copytree(whole, broken)
    shutil.rmtree(broken / "static" / "pyodide")
    plain = root / "plain"
    build_chapter(plain, with_cell=False)
    return whole, broken, plain


READOUT = "denoising.readout.status"     # the chapter's sim (sims/views/denoising.py) and its readout


def sim_responds(page) -> float:
    """Move the sim's first slider by keyboard; ms until its readout (a Bokeh model) changes."""
    text = f"() => Bokeh.documents[0].get_model_by_name('{READOUT}').text"
    page.locator(f'[data-root="sim-{READOUT.split(".")[0]}"]').scroll_into_view_if_needed()   # drawn as it nears the view
    page.wait_for_function(f"() => window.Bokeh && Bokeh.documents.length && Bokeh.documents[0].get_model_by_name('{READOUT}')",
                           timeout=20_000)
    handle = page.locator(".noUi-handle").first
    handle.wait_for(timeout=20_000)
    before = page.evaluate(text)
    started = time.perf_counter()
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(f"(before) => ({text})() !== before", arg=before, timeout=5_000)
    return (time.perf_counter() - started) * 1000


def test_cell_runs_in_the_chapter_and_the_sim_responds_while_python_loads(page, chapter_sites):
    whole, _, plain = chapter_sites
    with serve_folder(plain) as url:                  # the same chapter without the cell, for comparison
        page.goto(url + f"{SLUG}.html")
        opened = time.perf_counter()
        page.reload()
        sim_responds(page)
        without = (time.perf_counter() - opened) * 1000
    with serve_folder(whole) as url:
        guard = OriginGuard(page, url)
        page.goto(url + f"{SLUG}.html")               # a first visit fills the HTTP cache, as for `plain`
        opened = time.perf_counter()
        page.reload()
        ms = sim_responds(page)
        interactive = (time.perf_counter() - opened) * 1000
        page.locator('[data-root="codecell"]').scroll_into_view_if_needed()
        loading = page.locator(".cell").evaluate("el => el.dataset.state")
        cell = page.locator(".cell")
        cell.scroll_into_view_if_needed()
        cell.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function("el => Number(el.dataset.runs || 0) > 0", arg=cell.element_handle(), timeout=60_000)
        assert cell.get_attribute("data-state") == "done"
        assert "Euler steps" in cell.get_by_role("log").inner_text()
        print(f"\nsim answered a key in {ms:.0f} ms, {interactive:.0f} ms after a reload with the cell "
              f"(cell state then: {loading}); {without:.0f} ms without the cell")
        assert not guard.problems, guard.problems


def test_without_pyodide_the_cell_says_so_and_the_quiz_and_sim_work(page, chapter_sites):
    _, broken, _ = chapter_sites
    with serve_folder(broken) as url:
        guard = OriginGuard(page, url)
        page.goto(url + f"{SLUG}.html")
        page.locator('[data-root="codecell"]').scroll_into_view_if_needed()
        cell = page.locator(".cell")
        cell.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function("el => el.dataset.state === 'unavailable'", arg=cell.element_handle(), timeout=30_000)
        assert "Python could not start" in cell.get_by_role("alert").inner_text()
        sim_responds(page)
        question = page.locator(".quiz fieldset.quiz-question").first
        question.locator("input[type=radio]").first.check()
        status = question.locator(".quiz-status")
        page.wait_for_function("el => /Right|Not quite/.test(el.innerText)", arg=status.element_handle(), timeout=5_000)
        assert guard.outside == [] and guard.page_errors == []
