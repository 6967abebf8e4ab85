"""`make bench`, part three: what chapter 7's inspector costs (issue 15's bars), in one run.

Three generators in one headless Chromium, runs interleaved so the machine's noise falls on all alike:
  * before: the generator as it was before the inspector existed (built from git revision --before,
    with that revision's own exported model, in a temporary worktree);
  * closed: today's generator, inspector closed (the fast graph, as a reader gets by default);
  * open: today's generator with the inspector opened (a click on its summary), recording every
    step (the inspection graph; every block's attention maps posted to the page and drawn).
Each is 16 frames x 20 steps with guidance, timed on the page from the request to the finished clip
(performance.now around the debug hook's generate, so the inspector's drawing is included); one
warm-up run each, then medians over --runs seeds.

    python -m export.bench_inspector [--runs 5] [--before 3960f9f]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from export.bench_generator import GUIDANCE, STEPS
from export.browser import CHROMIUM, CHROMIUM_FLAGS, serve_folder, wait_for_generator

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "3960f9f"      # the last commit before the inspector (fc8eda1 added it to web/generator)
FRAMES = 16

TIMED_JS = """async ([seed, inspect]) => {
  const t0 = performance.now();
  await window.__generatorDebug.generate({frames: %d, seed, steps: %d, guidance: %s, previewMs: -1, inspect});
  return performance.now() - t0;
}""" % (FRAMES, STEPS, GUIDANCE)

BUILD_PAGE = ("import sys; from pathlib import Path; from export import generator_page; "
              "from course.generator import Generator; from model.ort_sampler import ONNX_DIR; "
              "generator_page.build(Path(sys.argv[1]), ONNX_DIR, {'index.html': Generator(debug=True)})")


def build_page(source: Path, out: Path) -> Path:
    """The generator-only page as the tree at `source` writes it (run in a child process there)."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    subprocess.run([sys.executable, "-c", BUILD_PAGE, str(out)], cwd=source, env=env, check=True)
    return out


@contextlib.contextmanager
def worktree(revision: str):
    """A checkout of `revision` in a temporary folder, sharing this tree's node_modules."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(path), revision], cwd=ROOT, check=True)
        try:
            (path / "node_modules").symlink_to(ROOT / "node_modules")
            yield path
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)


def open_inspector(page) -> None:
    """Open the inspector as a reader does; that records a run by itself: wait for it to finish."""
    page.click(".gen details.inspector > summary")
    page.wait_for_selector(f"#insp-step[max='{STEPS}']", state="attached", timeout=120_000)   # pierces the shadow root
    page.wait_for_selector(".gen button.go:not([disabled])", timeout=120_000)


def measure(urls: dict[str, str], runs: int) -> dict[str, list[float]]:
    """ms per generation for each of before / closed / open, interleaved run by run; one page each."""
    from playwright.sync_api import sync_playwright

    modes = {"before": ("before", False), "closed": ("today", False), "open": ("today", True)}
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        pages = {}
        for mode, (name, inspect) in modes.items():
            page = browser.new_context().new_page()
            page.goto(urls[name])
            wait_for_generator(page, timeout_ms=60_000)
            if inspect:
                open_inspector(page)
            page.evaluate(TIMED_JS, [0, inspect])              # warm-up: sessions, first shape
            pages[mode] = page
        for seed in range(1, runs + 1):
            for mode, (_, inspect) in modes.items():
                times[mode].append(pages[mode].evaluate(TIMED_JS, [seed, inspect]))
        browser.close()
    return times


def report(times: dict[str, list[float]], before: str) -> str:
    med = {mode: statistics.median(values) for mode, values in times.items()}
    runs = len(times["closed"])
    return "\n".join([
        f"Inspector cost: {FRAMES} frames x {STEPS} steps, guidance {GUIDANCE}; medians of {runs}, interleaved",
        "| generator | per clip | against before |", "|---|---|---|",
        f"| before the inspector ({before}) | {med['before']:.0f} ms | 1.00x |",
        f"| today, inspector closed | {med['closed']:.0f} ms | {med['closed'] / med['before']:.2f}x |",
        f"| today, inspector open (recording) | {med['open']:.0f} ms | {med['open'] / med['before']:.2f}x |",
        f"Open against closed: {med['open'] / med['closed']:.2f}x (bar: 2x).",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.bench_inspector", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="git revision of the generator before the inspector")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, worktree(args.before) as old:
        sites = {"before": build_page(old, Path(tmp) / "before"), "today": build_page(ROOT, Path(tmp) / "today")}
        with serve_folder(Path(tmp)) as url:
            times = measure({name: f"{url}{name}/index.html" for name in sites}, args.runs)
    print(report(times, args.before))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
