"""Chapter 7 as a reader gets it: the built static site (and `panel serve`) with the committed
model, in Chromium, with every request outside the site refused.

The generator makes a first clip by itself when the chapter opens; a reader can then type a prompt
and generate again. Whatever goes wrong with the model (no WebAssembly, a damaged file) shows a
message in the generator and leaves the rest of the chapter, its quiz included, working.
"""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from course.toc import load_chapters
from export.browser import OriginGuard

pytestmark = pytest.mark.browser
CHAPTER = next(c for c in load_chapters() if any(s.component == "generator" for s in c.sections))
FINAL_CAPTION = re.compile(r"Spacetime model — \d+ frames in ")


def _url(base: str, runtime: str) -> str:
    return f"{base}{CHAPTER.slug}.html" if runtime == "static" else f"{base}{CHAPTER.slug}"


def _open(page, url: str) -> None:
    """Open the chapter and scroll to the generator, which the static site starts as it nears the view."""
    page.goto(url)
    page.locator('[data-root="generator"]').scroll_into_view_if_needed()


def _unexpected(guard: OriginGuard) -> list[str]:
    """Requests off the site and page errors. (A damaged model file is meant to log a console error.)"""
    return [f"request outside the site: {u}" for u in guard.outside] + [f"page error: {e}" for e in guard.page_errors]


def _quiz_still_works(page) -> None:
    radios = page.locator(".quiz input[type=radio]")
    radios.first.wait_for(timeout=20_000)
    radios.first.check()
    expect(page.locator(".quiz .quiz-feedback")).to_have_text(re.compile(r"^(Right|Not quite)\."), timeout=5_000)


def _canvas_has_picture(page) -> bool:
    return page.locator("figure.spacetime canvas").evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let lo = 255, hi = 0; for (let i = 0; i < d.length; i += 4) { lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]); }
                  return c.width === 32 && hi - lo > 40; }""")


def _wait_for_a_quiet_second(page) -> None:
    """Until a whole second passes with no long task on the main thread (at most 20 s)."""
    page.evaluate("""() => new Promise((resolve, reject) => {
        let last = performance.now();
        new PerformanceObserver(list => { last = performance.now(); }).observe({entryTypes: ['longtask']});
        const started = performance.now();
        const tick = () => performance.now() - last >= 1000 ? resolve()
            : performance.now() - started > 20000 ? reject(new Error('the page never went quiet')) : setTimeout(tick, 100);
        tick(); })""")


@pytest.mark.parametrize("runtime", ["static", "served"])
def test_chapter_opens_on_a_generated_clip_and_generates_again(page, runtime, site_url, served_url):
    base = site_url if runtime == "static" else served_url
    guard = OriginGuard(page, base)
    _open(page, _url(base, runtime))
    caption = page.locator("figure.spacetime figcaption")
    expect(caption).to_have_text(FINAL_CAPTION, timeout=60_000)      # no click: the first clip makes itself
    assert _canvas_has_picture(page)
    page.locator("#gen-prompt").fill("a blue square sliding from right to left")
    page.locator("#gen-frames").select_option("8")
    # The page must stay responsive while the model runs: record the main thread's long tasks. What
    # scrolling here starts (under panel serve the code cell below builds its editor) comes first.
    page.locator("button.go").scroll_into_view_if_needed()
    _wait_for_a_quiet_second(page)
    page.evaluate("""() => { window.__longTasks = [];
        new PerformanceObserver(list => list.getEntries().forEach(e => window.__longTasks.push(e.duration)))
          .observe({entryTypes: ['longtask']}); }""")
    page.locator("button.go").click()
    expect(caption).to_have_text(re.compile(r"Spacetime model — 8 frames in "), timeout=60_000)
    expect(page.locator(".gen .status")).to_have_text(re.compile(r"^Done in "))
    assert max(page.evaluate("window.__longTasks"), default=0) < 200, "the main thread froze while generating"
    assert _canvas_has_picture(page)
    _quiz_still_works(page)
    assert _unexpected(guard) == []


def test_without_webassembly_the_generator_says_so_and_the_chapter_works(page, site_url):
    guard = OriginGuard(page, site_url)
    page.add_init_script("delete window.WebAssembly")
    _open(page, _url(site_url, "static"))
    expect(page.locator(".gen .error")).to_have_text(re.compile("lacks WebAssembly"), timeout=30_000)
    expect(page.locator("button.go")).to_be_disabled()
    _quiz_still_works(page)
    assert _unexpected(guard) == []


@pytest.mark.parametrize("damaged", ["denoiser_spacetime.onnx", "denoiser_spacetime.weights", "decoder.onnx"])
def test_a_damaged_model_file_shows_a_message_and_the_chapter_works(page, site_url, damaged):
    guard = OriginGuard(page, site_url)
    page.route(f"**/onnx/{damaged}", lambda route: route.fulfill(status=200, body=b"\x08\x07not a model" * 50))
    _open(page, _url(site_url, "static"))
    error = page.locator(".gen .error")
    expect(error).to_have_text(re.compile("could not start.*damaged", re.S), timeout=30_000)
    assert damaged in error.inner_text()
    expect(page.locator("button.go")).to_be_disabled()
    _quiz_still_works(page)
    assert _unexpected(guard) == []


def test_an_export_without_prompt_graphs_shows_a_message(page, site_url, built_site):
    """A manifest from before the prompt graphs (model/prompt_graph.py): the reader is told, the page works."""
    folder, _ = built_site
    raw = json.loads((folder / "static" / "onnx" / "manifest.json").read_text())
    raw["files"] = {key: name for key, name in raw["files"].items() if not key.startswith("prompt ")}
    guard = OriginGuard(page, site_url)
    page.route("**/onnx/manifest.json", lambda route: route.fulfill(status=200, body=json.dumps(raw),
                                                                    content_type="application/json"))
    _open(page, _url(site_url, "static"))
    expect(page.locator(".gen .error")).to_contain_text('has no "prompt spacetime" graph', timeout=30_000)
    _quiz_still_works(page)
    assert _unexpected(guard) == []


def test_a_missing_model_file_shows_a_message(page, site_url):
    guard = OriginGuard(page, site_url)
    page.route("**/onnx/decoder.weights", lambda route: route.fulfill(status=404, body=b"not found"))
    _open(page, _url(site_url, "static"))
    expect(page.locator(".gen .error")).to_have_text(re.compile(r"decoder\.weights is missing \(HTTP 404\)"),
                                                     timeout=30_000)
    _quiz_still_works(page)
    assert _unexpected(guard) == []
