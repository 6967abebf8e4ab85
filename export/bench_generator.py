"""`make bench`, part two: how fast the chapter-7 generator is in the browser, against the same work
in onnxruntime from Python, measured in one run.

Browser: headless Chromium, onnxruntime-web on one wasm thread in the generator's Web Worker, the
committed model, a page holding only the generator (export/generator_page.py). Python: onnxruntime
limited to one thread (model/ort_sampler.py). Same work on both sides: the prompt graph once on a
batch of two (prompt + null prompt for guidance), 20 Euler steps, each one denoiser call on that
batch, then the decoder.

Reported, as medians over --runs generations after one warm-up per length:
  * session start: creating the spacetime denoiser's two sessions (prompt and step graphs) and the
    decoder's (browser: fetch included);
  * generation time for 8, 16 and 32 square frames, and for 16 frames of every other shape the
    model makes (landscape, portrait; an image is one slice), and the browser/Python ratio;
  * the 16-frame time with the live preview on, as a reader sees it;
  * chapter 7 of the built site, cold, scrolled straight to the generator: time until its first
    clip (made without a click) is on screen;
  * the page's JS heap after the first and the 50th generation in a row.
The machine is shared and noisy: compare ratios from one run, not numbers across runs.

    python -m export.bench_generator [--runs 5] [--frames 8 16 32]
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
from pathlib import Path

from export.browser import CHROMIUM, CHROMIUM_FLAGS, serve_folder, wait_for_generator
from model import prompt_graph
from model.ort_sampler import ONNX_DIR, OrtSampler

PROMPT = "a red ball bouncing from left to right"
STEPS, GUIDANCE = 20, 3.0

GENERATE_JS = """async ([frames, seed, previewMs, shape]) => {
  const r = await window.__generatorDebug.generate({frames, seed, steps: %d, guidance: %s, previewMs,
                                                    shape: shape || "square"});
  return r.clips.spacetime.timings;
}""" % (STEPS, GUIDANCE)
SHAPE_FRAMES = 16           # every other shape the model makes is timed at this length (an image: one slice)


def other_shapes() -> list[str]:
    """The shapes beside the square that the committed export makes (model/onnx/manifest.json)."""
    from model import manifest

    return [shape for shape in manifest.load().shapes if shape != "square"]


@contextlib.contextmanager
def generator_browser():
    """(headless Chromium, URL of a served page holding only the generator, debug hook on)."""
    from playwright.sync_api import sync_playwright

    from course.generator import Generator
    from export import generator_page

    with tempfile.TemporaryDirectory() as tmp:
        site = generator_page.build(Path(tmp) / "site", ONNX_DIR, {"index.html": Generator(debug=True)})
        with serve_folder(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser, url + "index.html"
            browser.close()


def open_generator(browser, url: str):
    page = browser.new_context().new_page()
    page.goto(url)
    return page, wait_for_generator(page, timeout_ms=60_000)


def browser_times(frames_list: list[int], runs: int) -> dict:
    out: dict = {"generate_ms": {}, "decode_ms": {}}
    with generator_browser() as (browser, url):
        starts, ready_at = [], []
        for _ in range(runs):   # cold loads: a fresh context each time, nothing cached
            page, ready = open_generator(browser, url)
            starts.append(ready["sessionMs"])
            ready_at.append(page.evaluate("performance.now()"))
            page.context.close()
        out["session_ms"] = statistics.median(starts)
        out["ready_after_navigation_ms"] = statistics.median(ready_at)
        page, _ = open_generator(browser, url)
        for frames in frames_list:
            page.evaluate(GENERATE_JS, [frames, 0, -1])          # the first run at a shape is slow
            timings = [page.evaluate(GENERATE_JS, [frames, seed, -1]) for seed in range(1, runs + 1)]
            out["generate_ms"][frames] = statistics.median(t["totalMs"] for t in timings)
            out["decode_ms"][frames] = statistics.median(t["decodeMs"] for t in timings)
        out["shape_ms"] = {}
        for shape in other_shapes():
            page.evaluate(GENERATE_JS, [SHAPE_FRAMES, 0, -1, shape])
            out["shape_ms"][shape] = statistics.median(
                page.evaluate(GENERATE_JS, [SHAPE_FRAMES, seed, -1, shape])["totalMs"] for seed in range(1, runs + 1))
        if 16 in frames_list:
            out["preview_16_ms"] = statistics.median(
                page.evaluate(GENERATE_JS, [16, seed, 250])["totalMs"] for seed in range(1, runs + 1))
    return out


def first_clip_times(runs: int, marks: list | None = None) -> list[float]:
    """ms from navigation to chapter 7's first finished clip on screen, cold, on the built site."""
    from playwright.sync_api import sync_playwright

    from course.toc import load_chapters
    from export.site import build

    chapter = next(c for c in load_chapters() if any(s.component == "generator" for s in c.sections))
    times, marks = [], marks if marks is not None else []
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "site", log=lambda *_: None)
        with serve_folder(Path(tmp) / "site") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for _ in range(runs):
                context = browser.new_context()          # cold: nothing cached
                page = context.new_page()
                page.goto(f"{url}{chapter.slug}.html")
                # A reader heading straight for it: the static site starts it as it nears the view.
                page.locator('[data-root="generator"]').scroll_into_view_if_needed()
                # the component lives in a shadow root, which locators (unlike querySelector) pierce
                page.locator("figure.spacetime figcaption").filter(has_text=" frames in ").wait_for(timeout=60_000)
                times.append(page.evaluate("performance.now()"))
                marks.append(page.evaluate(
                    "[['generator-early-start', 'generator-start'], ['generator-ready']].map(names => "
                    "performance.getEntriesByName(names.find(n => performance.getEntriesByName(n).length))[0].startTime)"))
                context.close()
            browser.close()
    return times


def heap_over_generations(count: int = 50) -> tuple[float, float]:
    """The page's JS heap (MB, after a GC) after the first and the last of `count` generations."""
    run = "s => window.__generatorDebug.generate({frames: 16, steps: %d, guidance: %s, seed: s})" % (STEPS, GUIDANCE)
    with generator_browser() as (browser, url):
        page, _ = open_generator(browser, url)
        cdp = page.context.new_cdp_session(page)

        def heap() -> float:
            cdp.send("HeapProfiler.collectGarbage")
            return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6

        page.evaluate(run, 0)
        first = heap()
        for seed in range(1, count):
            page.evaluate(run, seed)
        last = heap()
    return first, last


def python_times(frames_list: list[int], runs: int) -> dict:
    sampler = OrtSampler(threads=1)
    networks = ("spacetime", prompt_graph.key("spacetime"), "decoder")
    for network in networks:
        sampler.session(network)
    out = {"session_ms": 1000 * sum(sampler.session_seconds[network] for network in networks),
           "generate_ms": {}, "decode_ms": {}}
    for frames in frames_list:
        sampler.generate(PROMPT, frames, STEPS, GUIDANCE, seed=0)
        clips = [sampler.generate(PROMPT, frames, STEPS, GUIDANCE, seed=seed) for seed in range(1, runs + 1)]
        out["generate_ms"][frames] = statistics.median(1000 * c.seconds for c in clips)
        out["decode_ms"][frames] = statistics.median(1000 * (c.seconds - sum(c.step_seconds)) for c in clips)
    out["shape_ms"] = {}
    for shape in other_shapes():
        sampler.generate(PROMPT, SHAPE_FRAMES, STEPS, GUIDANCE, seed=0, shape=shape)
        out["shape_ms"][shape] = statistics.median(
            1000 * sampler.generate(PROMPT, SHAPE_FRAMES, STEPS, GUIDANCE, seed=seed, shape=shape).seconds
            for seed in range(1, runs + 1))
    return out


def report(browser: dict, python: dict, frames_list: list[int]) -> str:
    lines = [f"Generator: {STEPS} steps, guidance {GUIDANCE} (batch of 2), then the decoder; medians",
             "| | Chromium, wasm, 1 thread | onnxruntime Python, 1 thread | ratio |", "|---|---|---|---|",
             f"| session start | {browser['session_ms']:.0f} ms | {python['session_ms']:.0f} ms | "
             f"{browser['session_ms'] / python['session_ms']:.1f}x |"]
    for frames in frames_list:
        b, p = browser["generate_ms"][frames], python["generate_ms"][frames]
        lines.append(f"| {frames} frames | {b:.0f} ms | {p:.0f} ms | {b / p:.2f}x |")
        bd, pd = browser["decode_ms"][frames], python["decode_ms"][frames]
        lines.append(f"| ... of which decoding | {bd:.0f} ms | {pd:.0f} ms | {bd / pd:.2f}x |")
    for shape, b in browser.get("shape_ms", {}).items():
        p = python["shape_ms"][shape]
        what = "one still image" if shape == "image" else f"{SHAPE_FRAMES} frames"
        lines.append(f"| {shape}, {what} | {b:.0f} ms | {p:.0f} ms | {b / p:.2f}x |")
    if "preview_16_ms" in browser:
        lines.append(f"| 16 frames, live preview on | {browser['preview_16_ms']:.0f} ms | | |")
    lines.append(f"Generator ready {browser['ready_after_navigation_ms']:.0f} ms after navigation (cold).")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.bench_generator", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, nargs="+", default=[8, 16, 32])
    args = parser.parse_args(argv)
    # Python first and alone, then the browser: the two never compete for a core.
    python = python_times(args.frames, args.runs)
    browser = browser_times(args.frames, args.runs)
    print(report(browser, python, args.frames))
    marks: list = []
    first = first_clip_times(args.runs, marks)
    print(f"Chapter 7, cold: first finished clip on screen {statistics.median(first):.0f} ms after navigation "
          f"(median of {len(first)}; range {min(first):.0f}-{max(first):.0f} ms); the generator started at "
          f"{statistics.median(m[0] for m in marks):.0f} ms and its model was ready at "
          f"{statistics.median(m[1] for m in marks):.0f} ms")
    before, after = heap_over_generations(50)
    print(f"50 generations in a row (16 frames, live preview on): JS heap {before:.2f} MB after the first, "
          f"{after:.2f} MB after the last ({100 * (after / before - 1):+.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
