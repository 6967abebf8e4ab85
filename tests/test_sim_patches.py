"""Chapter 3's patches sim: token counts by hand, padding, the image case, and what the view draws."""
import itertools

import numpy as np
import pytest

from course.toc import load_chapters
from sims.patches import Grid, Patches, latent_size
from sims.views.patches import LAYERS, LAYOUTS, PAD, PatchesView, colour_values


@pytest.mark.parametrize("frames, tokens", [(8, 32), (16, 64), (24, 96), (32, 128)])
def test_course_model_token_counts(frames, tokens):
    """32 x 32 frames -> 8 x 8 latent -> 4 x 4 patches of 2 x 2 per slice, one slice per 4 frames."""
    sim = Patches(frames=frames, aspect="square", pt=1, ps=2)
    assert sim.grid().tokens == tokens
    assert sim.grid().padding_cells == 0
    assert sim.values_per_token() == 1 * 2 * 2 * 8


def test_latent_rule_rounds_time_up():
    assert latent_size(16, 32, 32) == (4, 8, 8)
    assert latent_size(1, 32, 32) == (1, 8, 8)          # an image: ceil(1/4) = 1 slice
    assert latent_size(18, 36, 64) == (5, 9, 16)        # the encoder pads a last short group of frames


@pytest.mark.parametrize("kwargs, counts, padded, padding", [
    (dict(aspect="landscape", ps=2), (4, 5, 8), (4, 10, 16), 4 * 16),              # 9 rows -> 10
    (dict(aspect="portrait", ps=2), (4, 8, 5), (4, 16, 10), 4 * 16),               # same count, turned
    (dict(aspect="landscape", ps=4), (4, 3, 4), (4, 12, 16), 4 * 3 * 16),          # 9 rows -> 12
    (dict(frames=20, pt=2), (3, 4, 4), (6, 8, 8), 64),                               # 5 slices -> 6
    (dict(frames=20, pt=4), (2, 4, 4), (8, 8, 8), 3 * 64),                           # 5 slices -> 8
    (dict(frames=28, pt=4, aspect="landscape", ps=4), (2, 3, 4), (8, 12, 16), 8 * 12 * 16 - 7 * 9 * 16),
])
def test_sizes_that_do_not_divide_are_padded_up(kwargs, counts, padded, padding):
    grid = Patches(**kwargs).grid()
    assert grid.counts == counts
    assert grid.tokens == int(np.prod(counts))
    assert grid.padded == padded
    assert grid.padding_cells == padding
    assert grid.is_padding().sum() == padding


def test_landscape_and_portrait_make_the_same_number_of_tokens():
    for ps, pt in itertools.product([1, 2, 4], [1, 2, 4]):
        wide = Patches(aspect="landscape", ps=ps, pt=pt).grid()
        tall = Patches(aspect="portrait", ps=ps, pt=pt).grid()
        assert wide.tokens == tall.tokens
        assert (wide.rows, wide.cols) == (tall.cols, tall.rows)


@pytest.mark.parametrize("frames", [8, 32])
def test_an_image_is_one_slice_whatever_the_frame_control_says(frames):
    sim = Patches(aspect="image", frames=frames)
    assert sim.clip() == (1, 32, 32)
    assert sim.grid().slices == 1
    assert sim.grid().tokens == 16
    deep = Patches(aspect="image", frames=frames, pt=2).grid()
    assert deep.tokens == 16 and deep.padded == (2, 8, 8)
    assert deep.padding_cells == deep.real_cells            # half of every cube is zeros


@pytest.mark.parametrize("combo", list(itertools.product([8, 20, 32], [1, 2, 4], [1, 2, 4], ["landscape", "image"])))
def test_token_index_numbers_every_cube_once_in_flattening_order(combo):
    frames, pt, ps, aspect = combo
    grid = Patches(frames=frames, pt=pt, ps=ps, aspect=aspect).grid()
    index = grid.token_index()
    assert index.shape == grid.padded
    counts = np.bincount(index.ravel())
    assert len(counts) == grid.tokens
    assert np.all(counts == pt * ps * ps)                  # each token is one whole cube
    # The order a reshape flattens in: time-major, then rows, then columns.
    nt, nh, nw = grid.counts
    cubes = index[::pt, ::ps, ::ps]
    assert np.array_equal(cubes, np.arange(grid.tokens).reshape(nt, nh, nw))


# -- the view ------------------------------------------------------------------------------------
def test_view_shows_one_slot_per_padded_slice_of_the_chosen_layout():
    view = PatchesView(Patches(aspect="landscape", frames=20, pt=2))
    data = view.data()
    shown = {layout: [data[f"{layout}_{t}"]["alpha"][0] for t in range(LAYERS)] for layout in LAYOUTS}
    assert shown["landscape"] == [1.0] * 6 + [0.0] * 2          # 5 slices padded to 6
    assert shown["square"] == shown["portrait"] == [0.0] * LAYERS
    assert list(data["slices"]["zeros"]) == [0, 0, 0, 0, 0, 1, 0, 0]   # slice 6 is all zeros
    assert sum(data["strip"][f"shown_{g}"][0] for g in range(LAYERS)) == 3


def test_view_draws_the_image_as_slot_zero_of_the_square_layout():
    data = PatchesView(Patches(aspect="image", frames=32)).data()
    assert [data[f"square_{t}"]["alpha"][0] for t in range(LAYERS)] == [1.0] + [0.0] * (LAYERS - 1)
    assert sum(data["brackets"]["shown"]) == 1


def test_cells_of_a_cube_share_a_colour_and_neighbouring_cubes_differ():
    grid = Grid(4, 9, 16, pt=2, ps=2)
    values = colour_values(grid)
    assert np.all(values[:, 9, :] == PAD)                   # the padded 10th row
    index = grid.token_index()
    real = values != PAD
    for token in range(grid.tokens):
        cube = values[(index == token) & real]
        assert np.all(cube == cube[0])
    # Side by side and one above the other, cubes never look the same.
    assert np.all(values[:, :8, :-2:2] != values[:, :8, 2::2])
    assert np.all(values[:, :6:2, :] != values[:, 2:8:2, :])


def test_slot_images_depend_only_on_the_patch_sizes():
    """Page weight: the clip length and aspect switch whole slices on and off, never recolour them."""
    from export.sim_states import state_table
    table = state_table(PatchesView)
    images = [c for c in table.numeric if c["col"] == "image" and c["src"] != "strip"]
    assert images and all(set(c["axes"]) <= {1, 2} for c in images)
    assert table.nbytes < 200_000


def test_readout_writes_the_sum_out():
    readouts = PatchesView(Patches(aspect="landscape", frames=20, pt=2, ps=2)).readouts()
    assert readouts["tokens"].startswith("T' = 5 / pt = 2 → ⌈2.5⌉ = 3 · H' = 9 / ps = 2 → ⌈4.5⌉ = 5 · "
                                         "W' = 16 / ps = 2 → 8 = <b>120 tokens</b>")
    assert "240 of 960 cells" in readouts["tokens"]
    assert "T' = ⌈1/4⌉ = 1 slice" in PatchesView(Patches(aspect="image")).readouts()["latent"]


# -- URL query ------------------------------------------------------------------------------------
def test_zero_or_negative_sizes_in_the_url_are_ignored_with_a_note():
    sim = Patches()
    notes = sim.apply_query({"ps": "0", "pt": "-2", "frames": "-16", "aspect": "wide"})
    assert (sim.ps, sim.pt, sim.frames, sim.aspect) == (2, 1, 16, "square")
    assert notes == ['Ignored frames="-16": choose one of 8, 12, 16, 20, 24, 28, 32.',
                     'Ignored pt="-2": choose one of 1, 2, 4.',
                     'Ignored ps="0": choose one of 1, 2, 4.',
                     'Ignored aspect="wide": choose one of landscape, square, portrait, image.']
    assert sim.apply_query({"ps": "4", "aspect": "portrait", "frames": "32"}) == []
    assert sim.grid().tokens == 8 * 4 * 3


# -- consistency ----------------------------------------------------------------------------------
def test_chapter_prose_quotes_the_sims_numbers():
    chapter = next(c for c in load_chapters() if c.slug == "spacetime-patches")
    body = next(s.body for s in chapter.sections if s.sim == "patches")
    for kwargs, tokens in [(dict(), 64), (dict(frames=24), 96), (dict(frames=32), 128), (dict(pt=2), 32),
                           (dict(pt=2, frames=20), 48), (dict(aspect="landscape"), 160),
                           (dict(aspect="portrait"), 160), (dict(aspect="image"), 16), (dict(ps=1), 256),
                           (dict(ps=4), 16)]:
        assert Patches(**kwargs).grid().tokens == tokens, kwargs
        assert str(tokens) in body


# -- our model's own clip of each shape (sims/model_data/shapes.py) ---------------------------------
def test_the_model_makes_every_shape_of_the_sim_with_the_manifests_token_counts():
    """Square, landscape, portrait and a still image from one set of weights; each token count is the
    manifest's (1 slice x rows/2 x cols/2 per 4 frames) and the detector finds the object in every shown frame."""
    from model import manifest
    from sims.model_data import shapes

    real, m = shapes.load(), manifest.load()
    assert shapes.made() == ["square", "landscape", "portrait", "image"]
    assert real["tokens"].tolist() == [64, 128, 128, 16] == [m.tokens(16, s) for s in shapes.made()]
    for i, shape in enumerate(shapes.made()):
        width, height = m.shapes[shape]
        frames = real[f"frames_{shape}"]
        assert frames.shape == ((1 if shape == "image" else len(shapes.SHOWN)), height, width)
        slices, rows, cols, _ = real["latent"][i]
        assert slices * (rows // 2) * (cols // 2) == real["tokens"][i]
        assert real["present"][i] == 1.0
        assert len(np.unique(frames)) > 10                      # a picture, not a flat fill


@pytest.mark.parametrize("aspect, tokens", [("square", 64), ("landscape", 128), ("portrait", 128), ("image", 16)])
def test_the_view_puts_the_chosen_shapes_clip_on_canvas_and_counts_its_tokens(aspect, tokens):
    from sims.model_data import shapes

    view = PatchesView(Patches(aspect=aspect))
    data = view.data()
    for shape in shapes.made():
        on_canvas = data[f"real_{shape}"]["x"] >= 0
        assert on_canvas.all() if shape == aspect else not on_canvas.any()
    shown = data[f"real_{aspect}"]
    np.testing.assert_array_equal(shown["image"][0], shapes.load()[f"frames_{aspect}"][0][::-1])
    assert f"<b>{tokens} tokens</b>" in view.readouts()["real"] and shapes.PROMPT in view.readouts()["real"]
