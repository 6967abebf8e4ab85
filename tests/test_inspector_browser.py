"""Chapter 7's inspector in Chromium, on the committed model: the maps the browser shows are the
inspection graph's own numbers (compared with onnxruntime in Python, model/inspection.py), the
panel is closed by default and then costs nothing, and it is usable by keyboard, screen reader and
on a phone."""
from __future__ import annotations

import numpy as np
import pytest

from export.browser import OriginGuard, axe_violations, serve_folder, wait_for_generator
from model import inspection, manifest

pytestmark = pytest.mark.browser

PROMPT = "a red ball bouncing from left to right"
SEED, FRAMES, STEPS, GUIDANCE = 5, 8, 4, 3.0
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def inspector_url(tmp_path_factory):
    from course.generator import Generator
    from export import generator_page

    site = generator_page.build(tmp_path_factory.mktemp("inspector-site"), manifest.ONNX_DIR, {
        "index.html": Generator(debug=True, frames=FRAMES, steps=STEPS, guidance=GUIDANCE, seed=SEED, prompt=PROMPT),
    }, title="Inspector")
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def reference():
    from model.ort_sampler import OrtSampler

    sampler = OrtSampler()
    ids = sampler.tokenize(PROMPT).ids
    return {kind: inspection.record(sampler, kind, sampler.noise(FRAMES, SEED), ids, STEPS, GUIDANCE)
            for kind in ("spacetime", "per-frame")}


def open_page(page, url):
    guard = OriginGuard(page, url)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url + "index.html")
    wait_for_generator(page)
    return guard, fetched


def recorded(page, models: int = 1) -> dict:
    page.wait_for_function(f"""(() => {{ const s = window.__generatorDebug.inspection();
        return Object.keys(s).length === {models} && Object.values(s).every((r) => r.length === {STEPS}); }})()""",
                           timeout=60_000)
    page.wait_for_selector(".gen button.go:not([disabled])")
    return page.evaluate("window.__generatorDebug.inspection()")


def test_closed_by_default_and_a_plain_run_never_loads_the_inspection_graphs(page, inspector_url):
    guard, fetched = open_page(page, inspector_url)
    assert page.locator(".gen details.inspector").get_attribute("open") is None
    result = page.evaluate("window.__generatorDebug.generate({})")
    assert set(result["clips"]) == {"spacetime"}
    assert not [url for url in fetched if "inspect_" in url]
    assert page.evaluate("window.__generatorDebug.inspection()") == {}
    assert guard.problems == []


def test_the_browsers_maps_are_onnxruntimes_in_python(page, inspector_url, reference):
    """Opening the inspector records a run; with the baseline ticked both models' maps come back,
    and every one equals model/inspection.py's recording of the same seed within 1e-3."""
    guard, fetched = open_page(page, inspector_url)
    page.check("#gen-baseline")
    page.click(".gen details.inspector > summary")
    got = recorded(page, models=2)
    assert [url for url in fetched if "inspect_" in url]
    per_slice = manifest.load().tokens_per_slice
    for kind, want in reference.items():
        assert [r["step"] for r in got[kind]] == [r.step for r in want]
        for browser, python in zip(got[kind], want):
            assert abs(browser["t"] - python.t) < 1e-7
            for name, value in (("latent", python.latent), ("clean", python.clean), ("vCond", python.v_cond),
                                ("vUncond", python.v_uncond)):
                assert np.abs(np.array(browser[name]) - value.ravel()).max() <= TOLERANCE, (kind, name)
            for block, maps in enumerate(python.self_attention):
                shown = np.array(browser["self"][block], np.float32).reshape(browser["selfDims"])
                assert np.abs(shown.reshape(maps.shape) - maps).max() <= TOLERANCE, (kind, "self", block)
                assert np.abs(shown.sum(-1) - 1).max() <= 1e-5
            for block, maps in enumerate(python.cross_attention):
                shown = np.array(browser["cross"][block], np.float32).reshape(maps.shape)
                assert np.abs(shown - maps).max() <= TOLERANCE, (kind, "cross", block)
                assert np.abs(shown.sum(-1) - 1).max() <= 1e-5
    # what the page says: the per-frame model's other-slice share is exactly 0
    text = page.locator(".gen .insp div.per-frame p").inner_text()
    assert "0.0% to the other slice" in text, text
    last = got["per-frame"][-1]
    maps = np.array(last["self"][0], np.float32).reshape(last["selfDims"])
    row = inspection.full_row(maps, "per-frame", 5, per_slice)
    assert inspection.other_slice_share(row, 5, per_slice) == 0.0
    assert guard.problems == []


def test_pick_a_token_with_the_keyboard_and_read_the_shares(page, inspector_url, reference):
    guard, _ = open_page(page, inspector_url)
    page.click(".gen details.inspector > summary")
    recorded(page)
    cells = page.locator(".gen .insp div.spacetime button.cell")
    assert cells.count() == FRAMES // 4 * manifest.load().tokens_per_slice
    cells.nth(0).focus()
    for key in ("ArrowRight", "ArrowDown", "PageDown"):
        page.keyboard.press(key)
    picked = 1 + 4 + 16                                     # one right, one down, next slice
    assert cells.nth(picked).get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.activeElement.shadowRoot?.activeElement?.getAttribute('aria-pressed') "
                         "?? document.activeElement.getAttribute('aria-pressed')") == "true"
    # the shares printed for the last step, block 3, head 2 are the Python recording's
    page.select_option("#insp-block", "2")
    page.select_option("#insp-head", "1")
    maps = reference["spacetime"][-1].self_attention[2]
    row = inspection.full_row(maps, "spacetime", picked, 16, head=1)
    share = inspection.other_slice_share(row, picked, 16)
    text = page.locator(".gen .insp div.spacetime p").inner_text()
    assert f"{100 * share:.1f}% to the other slice" in text, text
    assert "(uniform: 50.0%)" in text
    # a cell says what it is; the latent pictures have text alternatives
    assert "slice 1, row 1, column 1" in cells.nth(picked).get_attribute("aria-label")
    for canvas in page.locator(".gen .insp canvas.latent").all():
        assert "channels" in canvas.get_attribute("aria-label")
    assert page.get_by_label("Step", exact=True).count() == 1
    # the step slider goes back in time
    page.locator("#insp-step").fill("1")
    assert "1 of 4 · t = 1.00" in page.locator(".gen .insp output").first.inner_text()
    assert guard.problems == []


@pytest.mark.parametrize("width", [375, 1440])
def test_the_open_inspector_passes_axe_and_fits_a_phone(page, inspector_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    guard, _ = open_page(page, inspector_url)
    page.click(".gen details.inspector > summary")
    recorded(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = [v for v in axe_violations(page) if v.get("impact") in ("serious", "critical")]
    assert violations == [], violations
    assert guard.problems == []
