"""The code cell in Chromium, in both runtimes, with every request outside the local server refused.

Static: stand-alone pages built the way the site is (export/codecell_page.py: Panel `save`, CDN
URLs localised, Pyodide and CodeMirror vendored from node_modules, the start-up snapshot) served
over HTTP. Served: a `panel serve` of the same component with CodeCellAssets' routes. The timing
tests print what they measure: a cold page's first Run (Python's start included) and later runs.
"""
from __future__ import annotations

import statistics
import sys
import time

import pytest

from export.browser import OriginGuard, axe_violations, free_port, serve_folder, serve_process

pytestmark = pytest.mark.browser

FIRST_RUN_BAR_MS = 3000
LATER_RUN_BAR_MS = 100
STOP_BAR_MS = 1000
HELLO = "from model.text import tokenize\nprint('ids', tokenize('a red ball').ids)\nplot([1, 4, 9, 16])\n"
FINISHED = "el => ['done', 'error', 'stopped', 'unavailable'].includes(el.dataset.state)"


@pytest.fixture(scope="session")
def cell_site(tmp_path_factory):
    import panel as pn

    from course.cells import CELLS
    from course.codecell import CodeCell, import_map
    from export import codecell_page

    class NoPyodide(CodeCell):
        """A cell whose Pyodide files are not where the import map says (a half-uploaded site)."""

        def _process_importmap(self):
            return {"imports": {**import_map(self.static_url), "pyodide": "./static/no-pyodide/pyodide.mjs"}}

    site = tmp_path_factory.mktemp("codecell-site")
    return codecell_page.build(site, {
        "index.html": CodeCell(code=HELLO, title="tokens"),
        "limits.html": CodeCell(code="while True:\n    pass\n", title="a loop", time_limit=1.5, output_limit=500),
        "missing.html": NoPyodide(code=HELLO, title="no Python"),
        "cold.html": CodeCell(code=HELLO, title="no idle start", autostart=False),
        "no-snapshot.html": CodeCell(code=HELLO, title="no snapshot", snapshot_url=""),
        "chapters.html": pn.Column(*(CodeCell.from_cell(c) for c in CELLS.values())),
    })


@pytest.fixture(scope="session")
def cell_url(cell_site):
    with serve_folder(cell_site) as url:
        yield url


def cell(page, index: int = 0):
    return page.locator(".cell").nth(index)


def run_cell(page, index: int = 0, timeout: float = 60_000) -> dict:
    """Press Run and wait until the cell has finished; returns its data-* state."""
    root = cell(page, index)
    runs = int(root.get_attribute("data-runs") or 0)
    root.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n || el.dataset.state === 'unavailable'",
                           arg=[root.element_handle(), runs], timeout=timeout)
    return root.evaluate("el => ({...el.dataset})")


def open_page(page, url: str, name: str = "index.html") -> OriginGuard:
    guard = OriginGuard(page, url)
    page.goto(url + name)
    cell(page).get_by_role("button", name="Run", exact=True).wait_for(timeout=30_000)
    return guard


def edit(page, index: int, code: str) -> None:
    """Replace the cell's code the way a reader does: focus the editor, select all, type."""
    root = cell(page, index)
    root.locator(".cm-content").wait_for(timeout=30_000)
    root.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)


def output(page, index: int = 0) -> str:
    return cell(page, index).get_by_role("log").inner_text()


# --- static pages -------------------------------------------------------------------------------

def test_runs_edits_and_measures(page, cell_url):
    guard = open_page(page, cell_url)
    started = time.perf_counter()
    state = run_cell(page)
    first_ms = (time.perf_counter() - started) * 1000
    assert state["state"] == "done", state
    assert "ids [2, 3, 7, 0, 0, 0, 0, 0, 0, 0]" in output(page)
    chart = cell(page).get_by_role("img")
    assert "line chart of 4 points" in chart.get_attribute("aria-label")
    assert cell(page).get_attribute("data-editor") == "codemirror"

    edit(page, 0, "print(sum(range(10)))")
    later = []
    for _ in range(5):
        later.append(float(run_cell(page)["lastMs"]))
        assert output(page).strip() == "45"
    assert cell(page).get_by_role("img").count() == 0          # the old chart went with the old code
    cell(page).get_by_role("button", name="Reset").click()
    assert "tokenize" in cell(page).locator(".cm-content").inner_text()
    print(f"\ncode cell, static: first Run on a cold page {first_ms:.0f} ms (in-page {float(state['lastMs']):.0f} ms, "
          f"Python start {state.get('python', '')}); later runs median {statistics.median(later):.0f} ms, max {max(later):.0f} ms")
    # The bar is on what the reader waits, click to output (the page's own clock); the test's wall
    # time adds Playwright's round trips on this shared machine.
    assert float(state["lastMs"]) < FIRST_RUN_BAR_MS
    assert max(later) < LATER_RUN_BAR_MS
    assert not guard.problems, guard.problems


def test_ctrl_enter_runs_and_errors_name_the_readers_line(page, cell_url):
    guard = open_page(page, cell_url)
    edit(page, 0, "x = 1\nprint(x +\n")
    cell(page).locator(".cm-content").press("Control+Enter")
    page.wait_for_function(f"el => ({FINISHED})(el)", arg=cell(page).element_handle(), timeout=60_000)
    assert cell(page).get_attribute("data-state") == "error"
    assert cell(page).get_by_role("alert").inner_text().startswith("SyntaxError on line 2 of your code")

    edit(page, 0, "def f(n):\n    return 10 / n\nprint('before')\nf(0)\n")
    state = run_cell(page)
    assert state["state"] == "error" and state["errorLine"] == "2"
    assert "ZeroDivisionError on line 2 of your code" in cell(page).get_by_role("alert").inner_text()
    text = output(page)
    assert text.startswith("before") and 'File "<cell>", line 4' in text and "return 10 / n" in text
    assert "pyodide" not in text.lower() and "cellrun" not in text
    assert not guard.problems, guard.problems


def test_stop_ends_a_runaway_loop_and_the_next_run_works(page, cell_url):
    guard = open_page(page, cell_url)
    run_cell(page)                                             # Python started and warm
    edit(page, 0, "print('spinning')\nwhile True:\n    pass\n")
    root = cell(page)
    root.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("el => el.dataset.state === 'running'", arg=root.element_handle(), timeout=30_000)
    page.wait_for_timeout(300)
    started = time.perf_counter()
    root.get_by_role("button", name="Stop").click()
    page.wait_for_function("el => el.dataset.state === 'stopped'", arg=root.element_handle(), timeout=5_000)
    stop_ms = (time.perf_counter() - started) * 1000
    assert "you pressed Stop" in output(page) and "spinning" in output(page)
    edit(page, 0, "print('again')")
    restarted = time.perf_counter()
    state = run_cell(page)
    print(f"\nStop ended `while True: pass` in {stop_ms:.0f} ms; the next Run (fresh Python) took "
          f"{(time.perf_counter() - restarted) * 1000:.0f} ms")
    assert state["state"] == "done" and output(page).strip() == "again"
    assert stop_ms < STOP_BAR_MS
    assert not guard.problems, guard.problems


DEEP_FOCUS = """() => { let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? (el.getAttribute('aria-label') || el.textContent.trim().slice(0, 20)) : null; }"""


def test_keyboard_only(page, cell_url):
    """Tab reaches the code, typing edits it, Tab indents, Esc then Tab leaves for Run, Enter runs."""
    guard = open_page(page, cell_url)
    seen = []
    for _ in range(12):                                       # Tab from the top of the page to the code
        page.keyboard.press("Tab")
        seen.append(page.evaluate(DEEP_FOCUS))
        if (seen[-1] or "").startswith("Python code: tokens"):
            break
    assert (seen[-1] or "").startswith("Python code: tokens"), seen
    cell(page).locator(".cm-content").wait_for(timeout=30_000)    # focus loaded the editor ...
    page.wait_for_function(f"() => ({DEEP_FOCUS})() === 'Python code: tokens'")   # ... and kept the focus in it
    page.keyboard.press("Control+A")
    page.keyboard.type("for i in range(2):\n")
    page.keyboard.press("Tab")                                # indents (the editor keeps Tab) ...
    page.keyboard.type("print('row', i)")
    assert "    print('row', i)" in cell(page).locator(".cm-content").inner_text().replace("\u00a0", " ")
    page.keyboard.press("Escape")                             # ... until Esc: then Tab moves on
    page.keyboard.press("Tab")
    assert page.evaluate(DEEP_FOCUS) == "Run"
    page.keyboard.press("Enter")
    page.wait_for_function("el => Number(el.dataset.runs || 0) > 0", arg=cell(page).element_handle(), timeout=60_000)
    assert "row 0" in output(page) and "row 1" in output(page)
    assert not guard.problems, guard.problems


def test_stop_while_python_loads_answers_at_once(page, cell_url):
    guard = open_page(page, cell_url, "cold.html")                      # Python starts on the first Run only
    root = cell(page)
    page.wait_for_timeout(500)
    assert not any("pyodide" in url for url in guard.requests)         # nothing loaded before the reader asked
    root.get_by_role("button", name="Run", exact=True).click()
    progress = root.get_by_role("progressbar", name="Python loading")
    assert progress.is_visible()                                        # loading progress is shown ...
    assert "Python" in root.get_by_role("status").inner_text()          # ... and said in words
    root.get_by_role("button", name="Stop").click()
    page.wait_for_function("el => el.dataset.state === 'stopped'", arg=root.element_handle(), timeout=2_000)
    assert "Python keeps loading for the next Run" in output(page)
    assert run_cell(page)["state"] == "done" and "ids [2, 3, 7" in output(page)
    assert not guard.problems, guard.problems


def test_time_limit_and_output_cap(page, cell_url):
    guard = open_page(page, cell_url, "limits.html")
    state = run_cell(page)
    assert state["state"] == "stopped"
    assert "time limit of 1.5 s" in output(page)
    # 3,000 lines (about 14,000 characters) are far past the 500-character cap and, unlike 100,000 prints,
    # finish well inside the 1.5 s limit on a slow CI machine (CI once took longer than 1.5 s for those)
    edit(page, 0, "for i in range(3000):\n    print(i)\n")
    state = run_cell(page)
    assert state["state"] == "done"
    text = output(page)
    assert "[output cut at 500 characters]" in text and len(text) < 700
    edit(page, 0, "print('after')")
    assert run_cell(page)["state"] == "done" and output(page).strip() == "after"
    assert not guard.problems, guard.problems


def test_missing_pyodide_is_a_message_in_the_cell(page, cell_url):
    guard = OriginGuard(page, cell_url)
    page.goto(cell_url + "missing.html")
    cell(page).get_by_role("button", name="Run", exact=True).wait_for(timeout=30_000)
    state = run_cell(page)
    assert state["state"] == "unavailable"
    message = cell(page).get_by_role("alert").inner_text()
    assert "Python could not start" in message and "The rest of the page works as usual" in message
    edit(page, 0, "print('still editable')")                         # the editor works without Python
    assert cell(page).get_attribute("data-editor") == "codemirror"
    assert "still editable" in cell(page).locator(".cm-content").inner_text()
    assert guard.outside == []
    assert not guard.page_errors


def test_without_the_snapshot_python_starts_the_slow_way(page, cell_url):
    guard = open_page(page, cell_url, "no-snapshot.html")
    started = time.perf_counter()
    state = run_cell(page, timeout=120_000)
    print(f"\nfirst Run without the start-up snapshot: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert state["state"] == "done" and "ids [2, 3, 7" in output(page)
    assert not any("pyodide-snapshot/" in url for url in guard.requests)
    assert not guard.problems, guard.problems


def test_every_chapter_cell_runs_in_the_browser(page, cell_url):
    from course.cells import CELLS

    guard = open_page(page, cell_url, "chapters.html")
    times = {}
    for index, slug in enumerate(CELLS):
        state = run_cell(page, index)
        assert state["state"] == "done", (slug, output(page, index))
        assert output(page, index).strip() or cell(page, index).get_by_role("img").count(), slug
        # Later runs, what a reader's edits cost: the median of three (the editors of the other nine
        # cells load in the background meanwhile, on a shared 2-core machine).
        times[slug] = statistics.median(float(run_cell(page, index)["lastMs"]) for _ in range(3))
    print("\nshipped cells, median of 3 later runs (ms): " + ", ".join(f"{s} {ms:.0f}" for s, ms in times.items()))
    assert max(times.values()) < LATER_RUN_BAR_MS, times
    assert not guard.problems, guard.problems


@pytest.mark.parametrize("name", ["index.html", "chapters.html"])
def test_no_serious_accessibility_violations(page, cell_url, name):
    guard = open_page(page, cell_url, name)
    run_cell(page)                                             # output, a chart and its data table on the page
    serious = axe_violations(page)
    assert serious == [], serious
    assert not guard.problems, guard.problems


@pytest.mark.parametrize("width", [320, 375])
def test_narrow_screens_do_not_scroll_sideways(page, cell_url, width):
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, cell_url)
    run_cell(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = cell(page).get_by_role("button", name="Run", exact=True).bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24


# --- panel serve ----------------------------------------------------------------------------------

SERVE_SCRIPT = """
import sys
import panel as pn
from course.codecell import CodeCell, CodeCellAssets
port, code = int(sys.argv[1]), sys.argv[2]
assets = "codecell-assets"
pn.serve({"cell": lambda: CodeCell.for_depth(0, static_url=assets, code=code, title="served"),
          "embed/cell": lambda: CodeCell.for_depth(1, static_url=assets, code=code, title="served")},
         port=port, address="127.0.0.1", show=False, websocket_origin=[f"127.0.0.1:{port}"],
         static_dirs=CodeCellAssets().routes(assets))
"""


@pytest.fixture(scope="module")
def served_cell():
    port = free_port()
    with serve_process([sys.executable, "-c", SERVE_SCRIPT, str(port), HELLO], port, timeout_s=90) as url:
        yield url


@pytest.mark.parametrize("route", ["cell", "embed/cell"])
def test_same_cell_under_panel_serve(page, served_cell, route):
    guard = open_page(page, served_cell, route)
    started = time.perf_counter()
    state = run_cell(page)
    first_ms = (time.perf_counter() - started) * 1000
    assert state["state"] == "done", output(page)
    assert "ids [2, 3, 7, 0, 0, 0, 0, 0, 0, 0]" in output(page)
    edit(page, 0, "print(6 * 7)")
    assert float(run_cell(page)["lastMs"]) < LATER_RUN_BAR_MS and output(page).strip() == "42"
    print(f"\ncode cell, panel serve /{route}: first Run on a cold page {first_ms:.0f} ms")
    assert not guard.problems, guard.problems
