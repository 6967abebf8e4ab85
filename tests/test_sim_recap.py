"""Chapter 9's recap sim: the course model's shapes, stage by stage, against the model notes and the prose."""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from export.screenshots import press_start
from course.toc import load_chapters
from sims.recap import STAGES, Clip, Recap, fmt, values
from sims.views.recap import EXPLAIN, ROLE, RecapView


def test_sixteen_frames_match_the_model_notes():
    """(3, 16, 32, 32) -> (8, 4, 8, 8), 24x fewer values; 1x2x2 patches: 64 tokens of 32 values, width 128."""
    clip = Clip(16, 32, 32)
    assert clip.video == (3, 16, 32, 32) and values(clip.video) == 49_152
    assert clip.latent == (8, 4, 8, 8) and values(clip.latent) == 2_048
    assert values(clip.video) / values(clip.latent) == 24
    assert clip.tokens == 64 and clip.values_per_token == 32
    assert clip.stage_shapes("patchify") == ((8, 4, 8, 8), (64, 128))
    assert clip.stage_shapes("text") == ((12,), (12, 128))        # the second edition pads prompts to 12 ids
    assert clip.stage_shapes("DiT") == ((64, 128), (8, 4, 8, 8))
    assert clip.stage_shapes("decoder") == ((8, 4, 8, 8), (3, 16, 32, 32))


def test_thirty_two_frames_double_the_slices_and_tokens_only():
    short, long = Clip(16, 32, 32), Clip(32, 32, 32)
    assert long.latent == (8, 8, 8, 8) and long.tokens == 128
    assert long.stage_shapes("patchify")[1] == (128, 128)
    assert long.stage_shapes("text") == short.stage_shapes("text")        # the prompt does not care


@pytest.mark.parametrize("frames", range(8, 33, 4))
def test_every_supported_length_gives_sixteen_tokens_per_slice(frames):
    clip = Clip(frames, 32, 32)
    assert clip.latent == (8, frames // 4, 8, 8)
    assert clip.tokens == 16 * frames // 4


@pytest.mark.parametrize("frames, height, width", [(16, 32, 32), (8, 16, 64), (32, 64, 16), (28, 64, 64)])
def test_each_stage_takes_what_the_one_before_it_makes(frames, height, width):
    clip = Clip(frames, height, width)
    shape = {s: clip.stage_shapes(s) for s in STAGES}
    assert shape["encoder"][0] == shape["video"][1]
    assert shape["latent"][0] == shape["encoder"][1]
    assert shape["patchify"][0] == shape["latent"][1]
    assert shape["DiT"][0] == shape["patchify"][1]
    assert shape["sampler"][0] == shape["DiT"][1] == shape["latent"][1]       # a velocity shaped like the latent
    assert shape["decoder"] == (shape["sampler"][1], shape["video"][1])
    _, t, h, w = clip.latent
    assert clip.tokens == t * (h // 2) * (w // 2)                            # sides are multiples of 8


def test_fmt_writes_shapes_like_the_course():
    assert fmt((8, 4, 8, 8)) == "(8, 4, 8, 8)"
    assert fmt((10,)) == "(10)"
    assert fmt(None) == "—"


def test_view_highlights_the_chosen_stage():
    for i, stage in enumerate(STAGES):
        data = RecapView(Recap(stage=stage)).data()
        assert list(data["boxes"]["fill"]).index(max(data["boxes"]["fill"])) == i
        assert data["rows"]["weight"][i] == "bold" and data["rows"]["weight"].count("bold") == 1
        assert data["highlight"]["y"][0] == data["rows"]["y"][i]
    focus = RecapView(Recap(stage="patchify", frames=32)).data()["focus"]["text"][0]
    assert focus.startswith("patchify: (8, 8, 8, 8) → (128, 128)")
    assert set(ROLE) == set(EXPLAIN) == set(STAGES)


def test_numbers_readout_by_hand():
    text = RecapView(Recap(frames=16)).readouts()["numbers"]
    assert "49,152 numbers, the latent 2,048 (24× fewer), cut into 64 tokens of 32 numbers" in text
    assert "64 × 64 = 4,096 pairs per head" in text
    assert "20 steps × 2 = 40 passes" in text


def test_url_values_outside_the_lists_are_ignored_with_a_note():
    sim = Recap()
    notes = sim.apply_query({"stage": "dit", "frames": "10", "height": "0", "width": "-32"})
    assert (sim.stage, sim.frames, sim.height, sim.width) == ("video", 16, 32, 32)
    assert len(notes) == 4
    assert notes[0] == 'Ignored stage="dit": choose one of video, encoder, latent, text, patchify, DiT, sampler, decoder.'
    assert sim.apply_query({"stage": "DiT", "frames": "32"}) == [] and sim.shapes() == ((128, 128), (8, 8, 8, 8))


def test_chapter_nine_prose_quotes_the_sims_shapes():
    chapter = next(c for c in load_chapters() if c.slug == "cheat-sheet")
    body = next(s.body for s in chapter.sections if s.sim == "recap")
    for frames in (16, 32):
        clip = Clip(frames, 32, 32)
        for shape in (clip.latent, (clip.tokens, 128)):
            assert f"`{fmt(shape)}`" in body, (frames, shape)
    clip = Clip(16, 32, 32)
    assert f"`{fmt(clip.video)}`" in body and f"**{clip.tokens} tokens**" in body


# -- in a real browser ------------------------------------------------------------------------------
BOX_ON_SCREEN_JS = """(stage) => {
  const boxes = Bokeh.documents[0].get_model_by_name('recap.boxes');
  const i = boxes.data.label.indexOf(stage);
  for (const v of Bokeh.index.query((v) => v.model.renderers !== undefined && v.frame !== undefined)) {
    if (!v.model.renderers.some((r) => r.data_source === boxes)) { continue; }
    const f = v.frame.bbox, page = v.el.getBoundingClientRect(), x = v.model.x_range, y = v.model.y_range;
    return [page.left + f.x + (boxes.data.x[i] - x.start) / (x.end - x.start) * f.width,
            page.top + f.y + (y.end - boxes.data.y[i]) / (y.end - y.start) * f.height];
  }
}"""


@pytest.mark.browser
@pytest.mark.parametrize("runtime", ["static", "served"])
def test_tapping_a_stage_in_the_diagram_selects_it(page, request, runtime):
    """The bonus control: a tap on a stage's box moves the stage buttons, in both runtimes."""
    base = request.getfixturevalue("site_url" if runtime == "static" else "served_url")
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.goto(f"{base}embed/recap{'.html' if runtime == 'static' else ''}")
    press_start(page)                # the static embed's sim waits for Start
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length && "
                           "Bokeh.documents[0].get_model_by_name('recap.readout.stage')", timeout=20_000)
    chosen = "(s) => Bokeh.documents[0].get_model_by_name('recap.readout.stage').text.startsWith(`<b>${s}.</b>`)"
    for stage in ("decoder", "text"):
        for _ in range(10):          # the page may still be laying out: tap again until it lands
            page.mouse.click(*page.evaluate(BOX_ON_SCREEN_JS, stage))
            try:
                page.wait_for_function(chosen, arg=stage, timeout=1_000)
                break
            except PlaywrightTimeout:
                pass
        assert page.evaluate(chosen, stage)
        active = page.evaluate("() => [...Bokeh.documents[0].all_models].filter((m) => m.labels && "
                               "m.labels.includes('sampler')).map((m) => m.active)")
        assert active == [STAGES.index(stage)]
