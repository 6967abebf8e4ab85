"""The generator's shape control, in Chromium, on the session's tiny second-edition model (trained on
every shape and still images, tests/conftest.py): the control appears only for a model whose manifest
lists more than squares, shows the patch count the DiT will attend over, and every shape comes out of
the browser as onnxruntime in Python draws it. A first-edition manifest gets no shape control
(tests/test_generator_browser.py; tests/test_generator_chapter.py runs the committed model on chapter 7)."""
from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from export.browser import OriginGuard, axe_violations, wait_for_generator

pytestmark = pytest.mark.browser


def _open(page, url: str) -> OriginGuard:
    guard = OriginGuard(page, url)
    page.goto(url + "shapes.html")
    wait_for_generator(page)
    return guard


def test_the_shape_control_lists_every_shape_and_counts_the_patches(page, generator_url):
    guard = _open(page, generator_url)
    shape = page.get_by_label("Shape")
    assert shape.is_visible()
    options = shape.locator("option").all_inner_texts()
    assert options == ["square 32×32", "landscape 64×32", "portrait 32×64", "image (one frame, 32×32)"]
    suggestion = page.locator(".gen .suggest .chip", has_text="a big blue ball falling from right to left")
    assert suggestion.count() == 1                         # the second grammar's words get a suggestion too
    patches = page.locator("#gen-patches")
    assert patches.inner_text() == "32 spacetime patches (2 time-slices of 4 × 4)"       # 8 square frames
    shape.select_option("landscape")
    assert patches.inner_text() == "64 spacetime patches (2 time-slices of 4 × 8)"
    page.locator("#gen-frames").select_option("16")
    assert patches.inner_text() == "128 spacetime patches (4 time-slices of 4 × 8)"
    shape.select_option("image")
    assert patches.inner_text() == "16 spacetime patches (1 time-slice of 4 × 4)"
    assert page.locator("#gen-frames").is_disabled()        # an image has no length to pick
    shape.select_option("portrait")
    assert not page.locator("#gen-frames").is_disabled()
    violations = axe_violations(page)          # the page holds only the generator (in its shadow root)
    assert violations == [], violations
    assert guard.problems == [], guard.problems


@pytest.mark.parametrize("shape, frames, size", [("landscape", 8, (8, 32, 64)), ("portrait", 8, (8, 64, 32)),
                                                 ("image", 8, (1, 32, 32))])
def test_every_shape_is_drawn_as_onnxruntime_in_python_draws_it(page, generator_url, tiny_onnx,
                                                                 shape, frames, size):
    from model.ort_sampler import OrtSampler

    guard = _open(page, generator_url)
    page.locator("#gen-frames").select_option(str(frames))
    page.get_by_label("Shape").select_option(shape)
    page.get_by_role("button", name="Generate").click()
    expect(page.locator(".gen .status")).to_have_text(re.compile(r"^Done in "), timeout=60_000)
    page.get_by_role("button", name="Pause").click()
    page.locator(".gen input[aria-label=Frame]").fill("0")      # the first frame, held still
    canvas = page.locator("figure.spacetime canvas")
    got = np.array(canvas.evaluate("c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"),
                   np.float32).reshape(size[1], size[2], 4)[..., :3] / 255
    # The clip shows at 5 CSS pixels per clip pixel, so a landscape clip is twice as wide as tall.
    box = canvas.bounding_box()
    assert box["width"] == pytest.approx(5 * size[2], abs=1) and box["height"] == pytest.approx(5 * size[1], abs=1)
    caption = page.locator("figure.spacetime figcaption").inner_text()
    assert ("one image" in caption) == (shape == "image") and ("8 frames" in caption) == (shape != "image")
    assert page.locator(".gen .player output").inner_text() == f"frame 1 of {size[0]}"
    prompt = page.get_by_label("Prompt", exact=True).input_value()      # the page's own (second grammar)
    assert "big" in prompt and "falling" in prompt
    want = OrtSampler(tiny_onnx).generate(prompt, frames=frames, steps=3, guidance=3.0, seed=0, shape=shape)
    assert want.video.shape == (*size, 3)
    # The browser's first frame against Python's, to within the 8-bit rounding of the canvas.
    assert np.abs(got - want.video[0]).max() <= 2 / 255
    assert guard.problems == [], guard.problems


def test_a_shape_the_model_lacks_is_refused_by_name(page, generator_url):
    _open(page, generator_url)
    message = page.evaluate("window.__generatorDebug.generate({shape: 'round', previewMs: -1})"
                            ".then(() => 'generated', (err) => err.message)")
    assert message == 'this model makes square, landscape, portrait, image (got shape "round")'
