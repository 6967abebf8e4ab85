"""`make bench`: how fast the static course is for a reader, measured in headless Chromium.

Prints medians over several cold loads (a fresh browser context each time, so nothing is cached):
  * per chapter: time from navigation until its first sim (scrolled to at once: the static site
    starts a sim as it nears the view) has responded to a move of its first
    control (chapters without a sim yet: until the quiz is ready);
  * page weight per chapter: its own HTML, and everything it loaded;
  * per embed page: when its Start button shows, how long from pressing Start until the sim has
    answered its first control, and what the page loaded before Start;
  * whole-site size and `make build-site` wall time;
  * the choice behind static interactivity: Panel's embed (embed_states over every value) against
    our Bokeh CustomJS over float32 state arrays, for the flicker sim: file size, build time, and
    time until a control change shows.
The machine is shared and noisy: compare ratios from one run, not numbers across runs.

    python -m export.bench [--runs 5]
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from course.toc import load_chapters

from export.browser import CHROMIUM, CHROMIUM_FLAGS, serve_folder
from export.screenshots import START_BUTTON
from sims.registry import VIEWS

FIRST_CONTROL_JS = """(sim) => {
  const doc = Bokeh.documents[0], out = {};
  for (const m of doc.all_models) {
    if (m.name && m.name.startsWith(sim + '.') && m.data !== undefined) {
      out[m.name] = JSON.stringify(Object.values(m.data).map(v => Array.from(v, x => ArrayBuffer.isView(x) ? Array.from(x) : x)));
    }
  }
  return JSON.stringify(out);
}"""


def answer_first_control(page, sim: str) -> None:
    """Move the sim's first control and wait until its plotted data changed."""
    handle = page.locator("button.next, .noUi-handle, .bk-btn-group button:not(.bk-active)").first
    handle.wait_for(timeout=30_000)
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
    before = page.evaluate(FIRST_CONTROL_JS, sim)
    if handle.evaluate("e => e.classList.contains('noUi-handle')"):
        handle.focus()
        handle.press("ArrowRight")
    else:
        handle.click()
    page.wait_for_function(f"(b) => ({FIRST_CONTROL_JS})('{sim}') !== b", arg=before, polling=10, timeout=30_000)


def loaded_bytes(responses) -> int:
    total = 0
    for r in responses:
        try:
            total += len(r.body())
        except Exception:
            pass
    return total


def time_to_interactive(browser, url: str, sim: str | None) -> tuple[float, int]:
    """(ms from navigation start until the sim answered its control, bytes loaded)."""
    context = browser.new_context()
    page = context.new_page()
    loaded = []
    page.on("response", lambda r: loaded.append(r))
    page.goto(url)
    if sim is None:
        page.locator(".quiz input[type=radio]").first.wait_for(timeout=30_000)
    else:
        # A reader heading straight for the sim: the static site starts it as it nears the view.
        page.locator(f'[data-root="sim-{sim}"]').scroll_into_view_if_needed()
        answer_first_control(page, sim)
    ms = page.evaluate("performance.now()")
    total = loaded_bytes(loaded)
    context.close()
    return ms, total


def embed_start(browser, url: str, sim: str) -> tuple[float, float, int]:
    """An embed page (its sim waits behind Start, export/lazy.py): (ms from navigation until Start
    is shown, ms from pressing Start until the sim answered its first control, bytes loaded before
    Start)."""
    context = browser.new_context()
    page = context.new_page()
    loaded = []
    page.on("response", lambda r: loaded.append(r))
    page.goto(url)
    start = page.locator(START_BUTTON)
    start.wait_for(timeout=30_000)
    shown = page.evaluate("performance.now()")
    before = loaded_bytes(loaded)
    pressed = page.evaluate("performance.now()")
    start.click()
    answer_first_control(page, sim)
    ms = page.evaluate("performance.now()") - pressed
    context.close()
    return shown, ms, before


def measure_pages(site: Path, runs: int) -> None:
    chapters = load_chapters()
    print(f"\nTime to interactive, cold cache, median of {runs} (headless Chromium, static site on a local server)")
    print(f"{'page':28} {'ready (ms)':>10} {'own HTML':>10} {'all loaded':>11}  what was timed")
    with serve_folder(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        time_to_interactive(browser, base + "flicker.html", "flicker")     # warm the OS file cache
        for chapter in chapters:
            sim = chapter.sims[0] if chapter.sims else None
            samples = [time_to_interactive(browser, f"{base}{chapter.slug}.html", sim) for _ in range(runs)]
            ms = statistics.median(s[0] for s in samples)
            own = (site / f"{chapter.slug}.html").stat().st_size
            print(f"{chapter.number}. {chapter.slug:25} {ms:10.0f} {own / 1e3:9.0f}k {samples[0][1] / 1e6:10.2f}M  "
                  + (f"sim '{sim}' answered its first control" if sim else "quiz ready (no sim on this page)"))
        print(f"\nEmbed pages, cold cache, median of {runs}: the sim waits behind Start until the reader reaches for it")
        print(f"{'page':28} {'Start shown':>12} {'Start -> answered':>18} {'before Start':>13}")
        for sim in VIEWS:
            samples = [embed_start(browser, f"{base}embed/{sim}.html", sim) for _ in range(runs)]
            print(f"embed/{sim:22} {statistics.median(s[0] for s in samples):10.0f}ms "
                  f"{statistics.median(s[1] for s in samples):16.0f}ms {samples[0][2] / 1e3:11.0f}k")
        browser.close()


def measure_build(runs: int) -> Path:
    times = []
    out = Path(tempfile.mkdtemp(prefix="bench-site-")) / "site"
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "export.site", "--out", str(out)], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    static = sum(f.stat().st_size for f in (out / "static").rglob("*") if f.is_file())
    print(f"make build-site wall time: median {statistics.median(times):.1f} s over {runs} runs "
          f"(min {min(times):.1f}, max {max(times):.1f})")
    print(f"whole site: {size / 1e6:.2f} MB, of which shared static/ {static / 1e6:.2f} MB")
    return out


def compare_embedding(site: Path, runs: int) -> None:
    """Panel embed (states recorded as JSON patches) against our CustomJS over float32 arrays."""
    import panel as pn
    from bokeh.document import Document
    from bokeh.resources import CDN
    from pyviz_comms import Comm

    from export.sim_states import attach, state_table
    from export.site import localise
    from sims.views.flicker import FlickerView

    folder = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    shutil.copytree(site / "static", folder / "static")

    class SliderFlicker(FlickerView):
        widget_types = {}       # Panel embed cannot record a Player; use sliders in both variants

    def plain_layout(view):
        # Panel embed fails on widgets inside a FlexBox (panel 1.9.4), so both variants get a Column.
        view.panel()            # makes the control widgets and the notes box
        return pn.Column(*view.control_widgets.values(), pn.pane.Bokeh(view.notes_div),
                         *[pn.pane.Bokeh(f) for f in view.figures], pn.pane.Bokeh(view._readout_column()))

    results = {}
    # (a) Panel embed: Panel replays the Python callbacks for every listed widget value and stores
    # the resulting model patches as JSON.
    t = time.perf_counter()
    view = SliderFlicker()
    layout = plain_layout(view)
    frame, seed = view.control_widgets["frame"], view.control_widgets["seed"]
    buffer = io.StringIO()
    layout.save(buffer, resources=CDN, embed=True, max_states=1000, progress=False,
                embed_states={frame: list(range(24)), seed: list(range(4))})
    results["Panel embed (embed_states, all 96 states)"] = (buffer.getvalue(), time.perf_counter() - t)

    # (b) What the course ships: states as float32 arrays, one CustomJS.
    t = time.perf_counter()
    view = SliderFlicker()
    layout = plain_layout(view)
    doc = Document()
    root = layout.get_root(doc, Comm())
    doc.add_root(root)
    attach(view, root, view.control_widgets, state_table(SliderFlicker), doc)
    buffer = io.StringIO()
    pn.io.save.save(doc, buffer, resources=CDN)
    results["Bokeh CustomJS over float32 states"] = (buffer.getvalue(), time.perf_counter() - t)

    print("\nStatic interactivity for the flicker sim (24 frames x 4 seeds = 96 states)")
    print(f"{'method':44} {'HTML':>8} {'build':>7} {'answer (ms)':>12}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for label, (html, seconds) in results.items():
            name = label.split()[0].lower() + ".html"
            (folder / name).write_text(localise(html, 0, set()))
            samples = []
            with serve_folder(folder) as base:
                for _ in range(runs):
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.goto(base + name)
                    handle = page.locator(".noUi-handle").first
                    handle.wait_for(timeout=30_000)
                    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
                    before = page.evaluate(FIRST_CONTROL_JS, "flicker")
                    handle.focus()
                    t0 = page.evaluate("performance.now()")
                    handle.press("ArrowRight")
                    page.wait_for_function(f"(b) => ({FIRST_CONTROL_JS})('flicker') !== b", arg=before,
                                           polling=5, timeout=30_000)
                    samples.append(page.evaluate("performance.now()") - t0)
                    ctx.close()
            print(f"{label:44} {len(html.encode()) / 1e3:7.0f}k {seconds:6.1f}s {statistics.median(samples):12.0f}")
        browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    site = measure_build(3)
    measure_pages(site, args.runs)
    compare_embedding(site, args.runs)


if __name__ == "__main__":
    main()
