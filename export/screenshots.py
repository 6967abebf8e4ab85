"""Full-page screenshots of every page of the static site at chosen widths, for a person to look at,
and the layout problems a browser can measure on the way (`make bench` runs it):

  * the page scrolls sideways (the document is wider than the viewport);
  * text outside the viewport, or cut by a box that hides its overflow (scroll boxes such as code,
    tables and display math are fine: the reader can scroll them);
  * a plot's title or axis label wider than the room Bokeh gives it on the canvas (canvas text is
    not in the DOM, so it is measured with the font Bokeh draws it in);
  * text glyphs cut by the plot's edge or drawn over one another;
  * a legend cut by its canvas or drawn over the data;
  * a control or figure sticking out of its sim's column;
  * a control under 24 x 24 px without WCAG 2.2's spacing exception (2.5.8, Target Size).

tests/test_phone_layout.py asserts none of these at 320 and 375 px.

    python -m export.screenshots --out shots/ [--widths 320,375,1440] [--site site]

Writes shots/<width>/<page>.png (embeds as embed-<sim>.png) and prints one line per problem.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from export.browser import CHROMIUM, CHROMIUM_FLAGS, serve_folder

# The height of the viewport a full-page shot starts from: a phone's, or a laptop's.
HEIGHTS = {320: 640, 375: 800}
DEFAULT_HEIGHT = 900

# Evaluated in each page: returns a list of problems in words.
LAYOUT_PROBLEMS_JS = ("() => {\n" + (Path(__file__).parent / "layout_problems.js").read_text() + """
  const problems = [];
  pageTextProblems(problems);
  canvasTextProblems(problems);
  glyphProblems(problems);
  legendProblems(problems);
  touchTargetProblems(problems);
  simOverflowProblems(problems);
  return [...new Set(problems)];
}""")


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, relative to it: the index, the chapters, the embeds."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob("*.html"))
    pages += sorted(p.relative_to(site).as_posix() for p in (site / "embed").glob("*.html"))
    return pages


# Every sim on the page started and drawn. A page that starts its sims as they near the viewport
# (course/static/lazy-sims.js marks each started block) is scrolled past each one first.
DRAWN_JS = """() => {
  const lazy = document.getElementById("course-start");
  if (lazy && [...document.querySelectorAll("[data-root]")].some((box) => box.dataset.started !== "true")) return false;
  if (!window.Bokeh) return !document.querySelector("[data-root]");     // nothing for Bokeh to draw (index, glossary)
  if (!lazy && !Bokeh.documents.length) return false;
  const busy = (view) => typeof view.has_finished === "function" && view.el instanceof Element && view.el.isConnected && !view.has_finished();
  return [...Bokeh.index.query(busy)].length === 0;        // tools and data views never finish: only drawn ones count
}"""

# An embed page's Start button, a child of the block it starts (course/static/lazy-sims.js).
START_BUTTON = ".sim-facade button"

# Two frames and a task after each scroll (and Start pressed, on an embed page): an intersection
# observer's entries are taken after a frame's animation callbacks, and its callback runs as a task
# after that. A code cell loads its
# editor once it is near and the page idle: the walk waits there for it (up to 5 s), because
# CodeMirror made while scrolled away draws only part of its gutter until it is scrolled to.
VISIT_SIMS_JS = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const editorIn = (root) => [...root.querySelectorAll("*")].some((el) => el.dataset?.editor || (el.shadowRoot && editorIn(el.shadowRoot)));
  for (const box of document.querySelectorAll("[data-root]")) {
    box.scrollIntoView();
    box.querySelector(":scope > %s")?.click();    // an embed's sim waits for Start
    await frame(); await frame(); await pause(20);
    for (let waited = 0; box.dataset.root === "codecell" && !editorIn(box) && waited < 5000; waited += 50) await pause(50);
  }
  window.scrollTo(0, 0);
}""" % START_BUTTON


def press_start(page, box: str = "[data-root]") -> None:
    """Press Start on the blocks matching `box` that wait for it (embed pages: export/lazy.py)."""
    start = page.locator(f"{box} > {START_BUTTON}")
    for i in range(start.count()):
        start.nth(i).click()


ROOM_JS = """() => Object.fromEntries([...document.querySelectorAll('[data-root]')].map(
  (b) => [b.dataset.root, parseFloat(getComputedStyle(b).minHeight) || 0]))"""
HEIGHT_JS = """() => Object.fromEntries([...document.querySelectorAll('[data-root]')].map(
  (b) => [b.dataset.root, b.getBoundingClientRect().height - parseFloat(getComputedStyle(b).paddingTop)
                          - parseFloat(getComputedStyle(b).paddingBottom) - 2]))"""


def room_kept(page) -> dict[str, float]:
    """Each block's reserved room (its min-height, px) before it is drawn (export/lazy.py RESERVE_CSS)."""
    return page.evaluate(ROOM_JS)


def drawn_short_of(page, kept: dict[str, float], where: str) -> dict[str, tuple[float, float]]:
    """The drawn blocks shorter than the room they kept: {"<where> <block>": (kept, drawn)}."""
    drawn = page.evaluate(HEIGHT_JS)
    return {f"{where} {label}": (kept[label], drawn[label]) for label in kept if drawn[label] < kept[label]}


def wait_until_drawn(page) -> None:
    """Every sim rendered (scrolled to, where sims start near the viewport), fonts in, layout settled."""
    page.evaluate(VISIT_SIMS_JS)
    page.wait_for_function(DRAWN_JS, timeout=30_000)
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=10_000)
    settle(page)


# Resolves once the page's layout has held still for `quiet` animation frames in a row and at least
# `stillMs` (at most `limitMs` in all): the document's size and every connected Bokeh view's box,
# rounded to whole pixels. Bokeh re-lays out on a resize observer's callback, a frame or more after
# the change that caused it, so a layout is measured once it stops moving, on a fast machine or a
# slow one. A frame that does not come (a page the browser stopped painting) counts after 100 ms.
SETTLE_JS = """async ([quiet, stillMs, limitMs]) => {
  const frame = () => new Promise((done) => { requestAnimationFrame(() => done()); setTimeout(done, 100); });
  const shape = () => {
    const parts = [document.documentElement.scrollWidth, document.documentElement.scrollHeight];
    const connected = (view) => view.el instanceof Element && view.el.isConnected;
    for (const view of window.Bokeh ? Bokeh.index.query(connected) : []) {
      const box = view.el.getBoundingClientRect();
      parts.push(Math.round(box.x), Math.round(box.y), Math.round(box.width), Math.round(box.height));
    }
    return parts.join(",");
  };
  const started = performance.now();
  let last = shape(), still = 0, stillSince = started;
  while ((still < quiet || performance.now() - stillSince < stillMs) && performance.now() - started < limitMs) {
    await frame();
    const now = shape();
    if (now === last) {
      still += 1;
    } else {
      still = 0;
      stillSince = performance.now();
    }
    last = now;
  }
  return still >= quiet;
}"""


def settle(page, quiet_frames: int = 4, still_ms: int = 100, limit_ms: int = 2000) -> None:
    """Wait until the layout holds still for `quiet_frames` animation frames and `still_ms` (at most
    `limit_ms`; a layout still moving then is measured as it is, and the checks say what they see)."""
    page.evaluate(SETTLE_JS, [quiet_frames, still_ms, limit_ms])


def layout_problems(page, recheck_ms: int = 1000) -> list[str]:
    """The page's layout problems; any found are measured again a moment later and only what is
    still there counts (a code editor sizing its gutter, a figure finishing a re-layout)."""
    found = page.evaluate(LAYOUT_PROBLEMS_JS)
    if found and recheck_ms:
        page.wait_for_timeout(recheck_ms)
        found = page.evaluate(LAYOUT_PROBLEMS_JS)
    return found


def take(site: Path, out: Path, widths: list[int], log=print) -> dict[str, list[str]]:
    """Screenshots of every page at every width; returns {"<width>/<page>": problems}."""
    from playwright.sync_api import sync_playwright

    found = {}
    with serve_folder(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for width in widths:
            folder = out / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(viewport={"width": width, "height": HEIGHTS.get(width, DEFAULT_HEIGHT)},
                                          device_scale_factor=1)
            page = context.new_page()
            for rel in site_pages(site):
                page.goto(base + rel)
                wait_until_drawn(page)
                problems = layout_problems(page)
                name = rel.removesuffix(".html").replace("/", "-")
                page.screenshot(path=folder / f"{name}.png", full_page=True)
                found[f"{width}/{rel}"] = problems
                for problem in problems:
                    log(f"  {width}px {rel}: {problem}")
            context.close()
        browser.close()
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="shots", help="folder for the PNGs (one subfolder per width)")
    parser.add_argument("--widths", default="320,375,1440", help="comma-separated viewport widths in CSS px")
    parser.add_argument("--site", default="site", help="the built static site (make build-site)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site}/index.html is missing: run `make build-site` first", file=sys.stderr)
        return 1
    widths = [int(w) for w in args.widths.split(",")]
    found = take(site, Path(args.out), widths)
    bad = sum(1 for problems in found.values() if problems)
    print(f"wrote {len(found)} screenshots to {args.out}/ ({', '.join(map(str, widths))} px); "
          f"{bad} with layout problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
