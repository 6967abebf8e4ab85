"""`make bench`: Lighthouse over every page of the static site, served as static hosts serve it.

The site is served with gzip (export/browser.py serve_folder(compress=True)), and Lighthouse
(node_modules, pinned in package-lock.json) drives Debian's Chromium over each page (index,
chapters, embeds) with its mobile preset (simulated slow 4G and a 4x slower CPU) and its desktop
preset. Only the performance and accessibility categories run, so nothing leaves the machine.
Prints, per page and preset, the median over --runs runs of: performance and accessibility scores,
the metrics behind performance (FCP, LCP, TBT, CLS, Speed Index) and the bytes a first visit
transfers (compressed, as sent). Chromium's main thread competes with whatever else the machine
runs: Lighthouse's mobile score multiplies the observed CPU time by 4, so a busy machine scores low.

    python -m export.bench_lighthouse [--site site] [--runs 3] [--pages flicker,embed/flicker] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from export.browser import CHROMIUM, CHROMIUM_FLAGS, ROOT, serve_folder
from export.screenshots import site_pages

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PRESETS = ("mobile", "desktop")
# Lighthouse's own audits for the numbers printed, and how each is shown.
METRICS = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint", "tbt": "total-blocking-time",
           "cls": "cumulative-layout-shift", "si": "speed-index", "bytes": "total-byte-weight"}
BARS = {"mobile": 75, "desktop": 95, "accessibility": 98}      # issue 11's bars


def lighthouse(url: str, preset: str) -> dict:
    """One Lighthouse run: {performance, accessibility, fcp, lcp, tbt, cls, si, bytes}."""
    if not LIGHTHOUSE.is_file():
        raise FileNotFoundError(f"{LIGHTHOUSE} is missing: run `npm ci`")
    flags = [f for f in CHROMIUM_FLAGS if f != "--headless"] + ["--headless=new"]
    with tempfile.TemporaryDirectory(prefix="lh-") as tmp:
        out = Path(tmp) / "report.json"
        command = [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility", "--output=json",
                   f"--output-path={out}", "--quiet", f"--chrome-flags={' '.join(flags)}",
                   "--max-wait-for-load=60000"]
        if preset == "desktop":
            command.append("--preset=desktop")
        # Lighthouse's own Chromium profile goes in the temporary folder, never the user's.
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": tmp}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not out.is_file():
            raise RuntimeError(f"lighthouse failed on {url} ({preset}):\n{done.stderr[-2000:]}")
        report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url} ({preset}): {report['runtimeError']}")
    result = {name: round(100 * report["categories"][name]["score"]) for name in ("performance", "accessibility")}
    for key, audit in METRICS.items():
        result[key] = report["audits"][audit]["numericValue"]
    result["failed"] = [a["id"] for a in report["audits"].values()
                        if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0
                        and a["id"] in _accessibility_ids(report)]
    return result


def _accessibility_ids(report: dict) -> set[str]:
    return {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}


def median_run(runs: list[dict]) -> dict:
    """Each number's median over the runs (Lighthouse's scores vary run to run; the median is stable)."""
    out = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "failed"}
    out["failed"] = sorted(set().union(*(r["failed"] for r in runs)))
    out["runs"] = len(runs)
    return out


def row(page: str, preset: str, m: dict) -> str:
    bar = BARS[preset]
    flag = "" if m["performance"] >= bar and m["accessibility"] >= BARS["accessibility"] else "  <- under the bar"
    failed = f"  a11y: {', '.join(m['failed'])}" if m["failed"] else ""
    return (f"{page:32s} {preset:7s} perf {m['performance']:5.0f}  a11y {m['accessibility']:4.0f}  "
            f"FCP {m['fcp'] / 1e3:4.1f} s  LCP {m['lcp'] / 1e3:4.1f} s  TBT {m['tbt']:5.0f} ms  "
            f"CLS {m['cls']:.3f}  SI {m['si'] / 1e3:4.1f} s  {m['bytes'] / 1e3:7.0f} kB{flag}{failed}")


FLOOR = "embed/_bokeh_floor.html"


def write_floor_page(site: Path, folder: Path) -> None:
    """A page like an embed whose only root is a Panel column of one Div and one slider, written as
    export/site.py writes pages (same bundles, same lazy start, course.js naming the slider), beside
    a link to the site's static/: what Bokeh and Panel cost a page before any sim of ours."""
    import io

    import panel as pn
    from bokeh.document import Document
    from bokeh.models import Div
    from panel.io.model import add_to_doc
    from panel.io.save import save
    from pyviz_comms import Comm

    from export.lazy import defer_sims
    from export.site import RESOURCES, localise

    doc = Document()
    column = pn.Column(pn.pane.Bokeh(Div(text="<p>One Div and one slider: Bokeh and Panel, and nothing else.</p>")),
                       pn.widgets.IntSlider(name="n", start=0, end=10))
    add_to_doc(column.get_root(doc, Comm()), doc, True)
    buffer = io.StringIO()
    save(doc, buffer, title="Bokeh and Panel alone", resources=RESOURCES)
    html = buffer.getvalue().replace("<body>", '<body><main><h1>Bokeh and Panel alone</h1><div data-root="floor">', 1)
    html = html.replace("</body>", '</div></main><script src="../static/course.js" defer></script></body>', 1)
    (folder / "embed").mkdir(parents=True, exist_ok=True)
    (folder / FLOOR).write_text(defer_sims(localise(html, 1, set()), "../static", esm=False))
    (folder / "static").symlink_to((site / "static").resolve())


def measure(site: Path, pages: list[str], runs: int, presets=PRESETS, log=print) -> dict:
    """{page: {preset: median}} over `runs` runs per page and preset, runs interleaved across pages
    so that a busy spell on the machine spreads over all of them instead of sinking one."""
    results: dict[str, dict[str, list[dict]]] = {p: {s: [] for s in presets} for p in pages}
    with serve_folder(site, compress=True) as base:
        for i in range(runs):
            for page in pages:
                for preset in presets:
                    results[page][preset].append(lighthouse(base + page, preset))
            log(f"  run {i + 1} of {runs} done")
    medians = {page: {preset: median_run(r) for preset, r in by.items()} for page, by in results.items()}
    for page, by in medians.items():
        for preset, m in by.items():
            log(row(page, preset, m))
    return medians


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default="site", help="the built static site (make build-site)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page and preset (the median is shown)")
    parser.add_argument("--pages", default="", help="comma-separated pages (e.g. flicker,embed/flicker); default all")
    parser.add_argument("--presets", default=",".join(PRESETS), help="mobile, desktop or both")
    parser.add_argument("--json", default="", help="also write the medians to this file")
    parser.add_argument("--floor", action="store_true",
                        help="also measure a page holding only Bokeh and Panel (one Div, one slider): the cost before any sim")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site} has no index.html: run `make build-site` first", file=sys.stderr)
        return 1
    pages = [p if p.endswith(".html") else f"{p}.html" for p in args.pages.split(",") if p] or site_pages(site)
    started = time.perf_counter()
    print(f"Lighthouse {_version()} on {len(pages)} pages, gzip, median of {args.runs}")
    presets = tuple(args.presets.split(","))
    medians = measure(site, pages, args.runs, presets)
    if args.floor:
        print("Bokeh and Panel alone, drawn at once as an embed's sim is (the floor under every embed):")
        with tempfile.TemporaryDirectory(prefix="lh-floor-") as tmp:
            write_floor_page(site, Path(tmp))
            medians.update(measure(Path(tmp), [FLOOR], args.runs, presets))
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(medians, indent=1))
    return 0


def _version() -> str:
    return json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]


if __name__ == "__main__":
    sys.exit(main())
