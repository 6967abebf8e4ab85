"""The chapter-7 generator component alone, end to end in Chromium, on a freshly trained tiny model
(tests/test_generator_chapter.py runs it inside the real chapter with the committed model).

It uses the session's tiny trained model and its ONNX export (tests/conftest.py); a fixture builds
one-component static pages the way the site does (export/generator_page.py: Panel `save`, CDN URLs
localised, onnxruntime-web vendored from node_modules) and serves them over HTTP. The browser may
fetch nothing outside that origin. The parity tests feed the browser the same noise Python uses and compare the
final latent with model/sample.py's `denoise` on the same weights.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from export.browser import OriginGuard, axe_violations, free_port, serve_process, wait_for_generator

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "a red ball bouncing from left to right"
PARITY_TOLERANCE = 1e-3


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def tiny_model(tiny, tiny_onnx) -> tuple[Path, Path]:
    """(weights folder, ONNX folder) of the session's tiny model (tests/conftest.py)."""
    return tiny, tiny_onnx


def open_generator(page, url: str, name: str = "index.html") -> tuple[OriginGuard, dict]:
    watch = OriginGuard(page, url)
    page.goto(url + name)
    return watch, wait_for_generator(page)


# --- reference ----------------------------------------------------------------------------------

def python_latent(weights_dir: Path, noise: np.ndarray, prompt: str, steps: int, guidance: float,
                  kind: str = "spacetime") -> np.ndarray:
    import torch

    from model import weights
    from model.sample import denoise, model_grammar
    from model.text import tokenize

    dit, _ = weights.load_dit(kind, weights_dir)
    latent = denoise(dit, torch.from_numpy(noise), tokenize(prompt, model_grammar(dit)).ids, steps, guidance)
    return latent[0].numpy()


# --- tests --------------------------------------------------------------------------------------

def test_generates_a_clip_from_a_typed_prompt_offline(page, generator_url):
    watch, ready = open_generator(page, generator_url)
    assert ready["sessionMs"] < 5_000
    root = page.locator(".gen")
    page.locator("#gen-prompt").fill(PROMPT)
    assert "a red ball bouncing from left to right" in root.locator(".reads").inner_text()
    page.locator("#gen-frames").select_option("8")
    page.locator(".gen .status").evaluate(
        """el => { window.__statusLog = [];
                  new MutationObserver(() => window.__statusLog.push(el.textContent))
                      .observe(el, {childList: true, characterData: true, subtree: true}); }""")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_function("window.__statusLog.some(s => s.startsWith('Done'))",
                           timeout=60_000)
    log = page.evaluate("window.__statusLog")
    steps_seen = [s for s in log if "step " in s and " of 20" in s]
    assert steps_seen, log
    assert "32 spacetime patches" in steps_seen[-1]           # 8 frames -> 2 slices x 16 patches
    assert page.locator(".gen input[aria-label=Frame]").get_attribute("max") == "7"
    assert "of 8" in page.locator(".gen .player output").inner_text()
    pixels = page.locator("figure.spacetime canvas").evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)")
    assert len(pixels) == 32 * 32 * 4 and np.std(pixels) > 0
    assert watch.outside == [], watch.outside
    assert watch.errors == [], watch.errors
    requested = {urlparse(u).path for u in watch.requests}
    assert {"/static/ort/ort-wasm-simd-threaded.wasm", "/static/onnx/decoder.onnx",
            "/static/generator/worker.js"} <= requested


def test_parity_with_python_sampler(page, generator_url, tiny_model):
    weights_dir, _ = tiny_model
    watch, _ = open_generator(page, generator_url)
    rng = np.random.default_rng(5)
    worst = {}
    for frames, steps, guidance in ((16, 20, 3.0), (8, 8, 5.0)):
        noise = rng.standard_normal((1, 8, frames // 4, 8, 8)).astype(np.float32)
        result = page.evaluate(
            "([noise, frames, steps, guidance, prompt]) => {"
            " const d = window.__generatorDebug;"
            " return d.generate({noise, frames, steps, guidance, ids: d.tokenize(prompt).ids,"
            "                    baseline: true, previewMs: -1}); }",
            [noise.ravel().tolist(), frames, steps, guidance, PROMPT])
        for kind in ("spacetime", "per-frame"):
            got = np.array(result["clips"][kind]["latent"], np.float32).reshape(noise.shape[1:])
            want = python_latent(weights_dir, noise, PROMPT, steps, guidance, kind)
            worst[(frames, kind)] = float(np.abs(got - want).max())
    print(f"\nJS vs Python latent, max |diff|: {worst}")
    assert max(worst.values()) <= PARITY_TOLERANCE, worst
    assert watch.errors == [] and watch.outside == []


def test_seed_reproduces_torch_noise(page, generator_url, tiny_model):
    """Without injected noise the browser draws torch.randn's numbers for the seed, so a seed in the
    browser and `python -m model.sample --seed` start from the same noise."""
    from model.sample import initial_noise

    weights_dir, _ = tiny_model
    open_generator(page, generator_url)
    result = page.evaluate(
        "p => window.__generatorDebug.generate({seed: 7, frames: 16, steps: 4, guidance: 3,"
        " ids: window.__generatorDebug.tokenize(p).ids, previewMs: -1})", PROMPT)
    got = np.array(result["clips"]["spacetime"]["latent"], np.float32).reshape(8, 4, 8, 8)
    noise = initial_noise(8, 16, 7)
    want = python_latent(weights_dir, noise.numpy(), PROMPT, 4, 3.0)
    assert float(np.abs(got - want).max()) <= PARITY_TOLERANCE


def test_timings_baseline_and_downloads(page, generator_url):
    from PIL import Image

    watch, ready = open_generator(page, generator_url)
    timings = {}
    for frames in (8, 16, 8, 16, 8, 16):   # first runs at a shape warm it up; keep the last
        result = page.evaluate(
            "f => window.__generatorDebug.generate({frames: f, steps: 20, guidance: 3, seed: 1, previewMs: -1})",
            frames)
        timings[frames] = result["clips"]["spacetime"]["timings"]["totalMs"]
    print(f"\nsession creation {ready['sessionMs']:.0f} ms; tiny model, 20 steps with guidance: "
          + ", ".join(f"{f} frames {ms:.0f} ms" for f, ms in timings.items()))

    page.locator("#gen-baseline").check()
    page.locator("#gen-frames").select_option("16")
    page.get_by_role("button", name="Generate").click()
    page.locator(".gen .status").filter(has_text="Done").wait_for(timeout=60_000)
    assert page.locator("figure.per-frame").is_visible()
    assert "Per-frame baseline" in page.locator("figure.per-frame figcaption").inner_text()

    gif = bytes(page.evaluate("async () => Array.from(await window.__generatorDebug.gif())"))
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.n_frames == 16
    assert image.size == (2 * 32 * 4, 32 * 4)                 # both models side by side, 4x
    strip = Image.open(io.BytesIO(bytes(page.evaluate(
        "async () => Array.from(await window.__generatorDebug.pngStrip())"))))
    assert strip.size == (16 * 64, 2 * 64)
    assert watch.errors == [] and watch.outside == []


def test_progress_shows_step_tokens_time_and_a_live_preview(page, generator_url):
    watch, _ = open_generator(page, generator_url)
    result = page.evaluate("() => window.__generatorDebug.generate({frames: 16, steps: 20, guidance: 3, seed: 2,"
                           " previewMs: 0})")
    progress = result["progress"]
    assert [p["step"] for p in progress] == list(range(1, 21))
    assert {p["tokens"] for p in progress} == {64}                  # 4 latent slices x 16 patches
    assert all(b["elapsedMs"] >= a["elapsedMs"] for a, b in zip(progress, progress[1:]))
    assert progress[4]["status"].startswith("Spacetime model: step 5 of 20 · 64 spacetime patches · ")
    previews = [p for p in progress if p["preview"]]
    assert previews and all("current guess at step" in p["caption"] for p in previews)
    assert watch.errors == []


def test_fifty_generations_in_a_row_keep_the_heap_flat(page, generator_url):
    """No error over 50 generations with live previews, and the page's JS heap (after a garbage
    collection) grows by less than 20% from the first generation to the last."""
    watch, _ = open_generator(page, generator_url)
    cdp = page.context.new_cdp_session(page)

    def heap() -> int:
        cdp.send("HeapProfiler.collectGarbage")
        return cdp.send("Runtime.getHeapUsage")["usedSize"]

    run = "s => window.__generatorDebug.generate({frames: 16, steps: 20, guidance: 3, seed: s, previewMs: 0})"
    page.evaluate(run, 0)
    before = heap()
    for seed in range(1, 50):
        result = page.evaluate(run, seed)
        assert result["clips"]["spacetime"]["frames"] == 16
    after = heap()
    print(f"\nJS heap after 1 generation {before / 1e6:.2f} MB, after 50: {after / 1e6:.2f} MB")
    assert after < 1.2 * before, (before, after)
    assert "Done in" in page.locator(".gen .status").inner_text()
    assert watch.errors == [] and watch.outside == []


def test_hostile_and_empty_prompts_are_plain_text(page, generator_url):
    watch, _ = open_generator(page, generator_url)
    prompt = page.locator("#gen-prompt")
    prompt.fill("<img src=x onerror=alert(1)> " + "zebra " * 900)
    reads = page.locator(".gen .reads")
    assert "no known words" in reads.inner_text()
    assert "ignored unknown word(s): img, src, x, onerror, alert, zebra" in reads.inner_text()
    assert page.locator(".gen .reads img").count() == 0
    prompt.fill("")
    assert "unconditionally" in reads.inner_text()
    page.get_by_role("button", name="Generate").click()
    page.locator(".gen .status").filter(has_text="Done").wait_for(timeout=60_000)
    assert watch.dialogs == [] and watch.errors == [] and watch.outside == []


def test_long_input_is_wrapped_and_counted_and_a_bad_seed_is_refused(page, generator_url):
    """A 5,000-letter unknown word stays inside the generator (shortened, with its length); a seed
    that is not a whole number in range is refused with a note, and nothing is generated."""
    watch, _ = open_generator(page, generator_url)
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator("#gen-prompt").fill("a red ball " + "x" * 5000)
    note = page.locator(".gen .reads").inner_text()
    assert "(5000 letters)" in note and len(note) < 400, note[:300]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for bad in ("abc", "1e309", "-5", "4294967296", "2.5"):
        page.locator("#gen-seed").fill(bad)
        page.get_by_role("button", name="Generate").click()
        expect_text = page.locator("#gen-seed-note")
        expect_text.filter(has_text="whole number from 0 to").wait_for(timeout=5_000)
        assert page.locator("#gen-seed").input_value() == bad            # what was typed stays visible
        assert "seed must be a whole number" in page.locator(".gen .error").inner_text()
    page.locator("#gen-seed").fill("4294967295")
    result = page.evaluate("() => window.__generatorDebug.generate({frames: 8, steps: 2, previewMs: -1})")
    assert result["request"]["seed"] == 4294967295
    assert page.locator("#gen-seed-note").inner_text() == ""
    assert watch.outside == []


def test_a_first_edition_model_is_not_offered_words_it_does_not_know(page, generator_url):
    """The suggestions are made of the manifest's words only, and the shape control appears only for
    a manifest with more than squares: served a first-edition manifest (the first grammar's words, no
    shapes), the generator lists those words, leaves the falling suggestion out and hides Shape."""
    watch, _ = open_generator(page, generator_url, "first-edition.html")
    page.wait_for_selector(".gen .suggest .chip")
    words = page.locator(".gen .words .chip").all_inner_texts()
    assert "falling" not in words and "bouncing" in words
    assert page.locator(".gen .suggest .chip", has_text="falling").count() == 0
    assert page.locator(".gen .suggest .chip").count() >= 1
    assert not page.get_by_label("Shape").is_visible()          # squares only: no shape control
    assert watch.outside == [] and watch.errors == []


def test_generator_controls_are_named_and_pass_axe(page, generator_url):
    watch, _ = open_generator(page, generator_url)
    for name in ("Prompt", "Denoising steps", "Guidance scale", "Frames", "Seed", "Frame"):
        assert page.get_by_label(name, exact=True).count() == 1, name
    for chip in page.locator(".gen .chip").all()[:3]:
        assert chip.bounding_box()["height"] >= 24
    # the session's model (second edition) knows sizes and falling, so it is offered that suggestion
    assert page.locator(".gen .suggest .chip", has_text="a big blue ball falling").count() == 1
    for control in ("#gen-baseline", "#gen-frames", "#gen-seed", ".gen .player button"):
        assert page.locator(control).first.bounding_box()["height"] >= 24, control
    violations = axe_violations(page)          # the page holds only the generator (in its shadow root)
    assert violations == [], violations
    assert watch.outside == []


def test_missing_model_shows_a_message(page, generator_url):
    watch = OriginGuard(page, generator_url)
    page.goto(generator_url + "missing.html")
    page.locator(".gen .error").filter(has_text="could not start").wait_for(timeout=30_000)
    assert "manifest.json is missing" in page.locator(".gen .error").inner_text()
    assert page.get_by_role("button", name="Generate").is_disabled()
    assert watch.outside == []


SERVE_SCRIPT = """
import sys
import panel as pn
from course.generator import Generator, GeneratorAssets
port, onnx = int(sys.argv[1]), sys.argv[2]
assets = "generator-assets"
pn.serve({"gen": lambda: Generator.for_depth(0, static_url=assets, debug=True, frames=8),
          "embed/gen": lambda: Generator.for_depth(1, static_url=assets, debug=True, frames=8)},
         port=port, address="127.0.0.1", show=False, websocket_origin=[f"127.0.0.1:{port}"],
         static_dirs=GeneratorAssets(onnx).routes(assets))
"""


@pytest.fixture(scope="module")
def served_generator(tiny_model):
    _, onnx_dir = tiny_model
    port = free_port()
    with serve_process([sys.executable, "-c", SERVE_SCRIPT, str(port), str(onnx_dir)], port, timeout_s=60) as url:
        yield url


@pytest.mark.parametrize("route", ["gen", "embed/gen"])
def test_same_component_under_panel_serve(page, served_generator, route):
    """The ESM is inlined by the server too; the import map's ./ and ../ paths follow the page."""
    watch, _ = open_generator(page, served_generator, route)
    page.locator("#gen-prompt").fill("a blue square sliding from right to left")
    page.get_by_role("button", name="Generate").click()
    page.locator(".gen .status").filter(has_text="Done").wait_for(timeout=60_000)
    assert "of 8" in page.locator(".gen .player output").inner_text()
    assert watch.errors == [] and watch.outside == []
