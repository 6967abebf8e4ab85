"""The model's second edition, piece by piece: the grown grammar (sizes, falling) beside the first
one, falling physics, the DiT on every canvas and on still images, the training mixture's pools,
and the sampler's shapes. The committed (first-edition) model must read and draw exactly as before."""
from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest
import torch

from model import weights
from model.data import ASPECTS, RESTITUTION, SIZE_RADIUS, floor_row, make_clip, render, trajectory
from model.dit import DiT, DiTConfig, spacetime_positions
from model.text import FIRST, SECOND, VOCAB, Prompt, grammar_of, parse_prompt, tokenize


# ----- the grammar

def test_the_first_grammar_reads_the_first_editions_words_only():
    assert FIRST.vocab == VOCAB[:18] and FIRST.tokens == 10
    old = tokenize("a big red ball falling from left to right", FIRST)
    assert old.unknown == ["big", "falling"]
    assert max(old.ids) < FIRST.vocab_size and len(old.ids) == 10
    new = tokenize("a big red ball falling from left to right", SECOND)
    assert new.unknown == [] and len(new.ids) == 12
    assert tokenize("a red ball bouncing from left to right").ids == tokenize(
        "a red ball bouncing from left to right", SECOND).ids[:10]   # first-edition ids are unchanged


def test_the_longest_second_edition_prompt_fits():
    longest = Prompt("yellow", "square", "falling", "right", True, "small").text
    assert longest == "a small yellow square falling from right to left behind a wall"
    tokens = tokenize(longest, SECOND)
    assert not tokens.dropped and not tokens.unknown
    assert parse_prompt(longest) == Prompt("yellow", "square", "falling", "right", True, "small")


def test_a_model_names_its_grammar():
    assert grammar_of(18, 10) is FIRST and grammar_of(len(VOCAB), 12) is SECOND
    with pytest.raises(ValueError, match="no grammar"):
        grammar_of(5, 10)


def test_second_grammar_clips_draw_sizes_and_falling():
    rng = np.random.default_rng(0)
    prompts = [make_clip(rng, 16, grammar=SECOND).prompt for _ in range(300)]
    assert {p.size for p in prompts} == {"", "small", "big"}
    assert "falling" in {p.motion for p in prompts}
    rng = np.random.default_rng(0)
    assert all(make_clip(rng, 16).prompt.size == "" for _ in range(50))   # the first grammar never does


@pytest.mark.parametrize("size", ["small", "", "big"])
def test_an_object_of_each_size_has_its_area_and_stays_on_the_canvas(size):
    clip = render(Prompt("red", "square", "arcing", "left", size=size), 16, np.random.default_rng(1))
    side = 2 * SIZE_RADIUS[size]          # anti-aliased: full within r - 0.5, fading out to r + 0.5
    assert clip.mask.sum(axis=(1, 2)).mean() == pytest.approx(side * side, rel=0.02)
    r = SIZE_RADIUS[size]
    assert (clip.centres[:, 1] + r <= 30.0 + 1e-4).all()          # the bottom edge 2 px above the canvas's
    assert (clip.centres[:, 0] - r >= 0).all() and (clip.centres[:, 0] + r <= 32).all()


# ----- falling

@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_a_falling_object_drops_lands_and_bounces_lower_each_time(aspect):
    width, height = ASPECTS[aspect]
    prompt = Prompt("blue", "ball", "falling", "left")
    y = trajectory(prompt, 64, np.random.default_rng(3), width, height)[:, 1]
    floor = floor_row(height)
    assert y[0] < floor - 10 * height / 32                         # starts high
    first_landing = int(np.argmax(np.diff(y) < 0))                # the first frame it moves up after
    assert np.all(np.diff(y[:first_landing + 1]) > 0)             # falls all the way down first,
    assert y[first_landing] > floor - 1.5                         # to the floor (within a frame's fall)
    assert y.max() <= floor + 1e-4
    landings = np.flatnonzero((y[1:-1] >= y[:-2]) & (y[1:-1] >= y[2:]) & (y[1:-1] > floor - 1.5)) + 1
    tops = [y[a:b].min() for a, b in zip(landings, [*landings[1:], len(y)])]   # the last may be cut short
    assert len(tops) >= 2
    rises = [floor - top for top in tops]
    assert all(later < earlier for earlier, later in zip(rises, rises[1:]))   # each bounce lower
    assert rises[0] == pytest.approx(RESTITUTION ** 2 * (floor - y[0]), rel=0.25)


# ----- the DiT on every canvas

def test_position_codes_on_the_square_are_the_first_editions():
    codes = spacetime_positions(8, 128)                         # (slices, rows, columns, d)
    assert codes.shape == (8, 8, 8, 128)
    square = codes[:, :4, :4].reshape(8, 16, 128)
    # the first edition's table, rebuilt here from its definition: slice, row = i // 4, column = i % 4
    from model.dit import sincos
    t = sincos(torch.arange(8), 32)[:, None].expand(8, 16, 32)
    space = torch.cat([sincos(torch.arange(16) // 4, 48), sincos(torch.arange(16) % 4, 48)], dim=1)
    assert torch.equal(square, torch.cat([t, space[None].expand(8, -1, -1)], dim=2))


@pytest.mark.parametrize("aspect", [*ASPECTS, "still"])
def test_the_dit_takes_every_canvas_and_the_per_frame_one_keeps_slices_apart(aspect):
    width, height = ASPECTS.get(aspect, ASPECTS["square"])
    slices = 1 if aspect == "still" else 3
    torch.manual_seed(0)
    for per_frame in (False, True):
        dit = DiT(DiTConfig(width=32, depth=2, heads=2, text_layers=1, per_frame=per_frame,
                            vocab_size=SECOND.vocab_size, prompt_tokens=SECOND.tokens))
        with torch.no_grad():
            for p in dit.parameters():
                p.normal_(0, 0.2)
        latent = torch.randn(2, 8, slices, height // 4, width // 4)
        assert torch.equal(dit.unpatchify(dit.patchify(latent), latent), latent)
        assert dit.patchify(latent).shape[1] == slices * (height // 8) * (width // 8)
        t, ids = torch.full((2,), 0.4), torch.tensor([tokenize("a big red ball", SECOND).ids] * 2)
        out = dit.eval()(latent, t, ids)
        assert out.shape == latent.shape
        if slices > 1:
            poked = latent.clone()
            poked[:, :, 0] += 1.0
            change = (dit(poked, t, ids) - out).abs()[:, :, 1:].max().item()
            assert (change == 0) if per_frame else (change > 1e-3)


def test_the_committed_dits_are_the_second_edition():
    """The course runs the second edition: the second grammar, the prompt-order path, every shape."""
    for kind in ("spacetime", "per-frame"):
        dit, _ = weights.load_dit(kind)
        assert (dit.config.vocab_size, dit.config.prompt_tokens) == (SECOND.vocab_size, SECOND.tokens)
        assert dit.config.prompt_order and dit.config.per_frame == (kind == "per-frame")
    assert weights.trained_shapes(weights.WEIGHTS_DIR) == ("square", "landscape", "portrait", "image")


# ----- training on the mixture, and sampling every shape

def test_the_mixture_has_a_pool_per_shape_and_length_and_stills(tiny):
    pools = torch.load(tiny / "checkpoints" / "latents.pt", weights_only=True)["pools"]
    assert set(pools) == {f"{a}/{f}" for a in ASPECTS for f in range(8, 33, 4)} | {f"{a}/still" for a in ASPECTS}
    latents, ids = pools["landscape/16"]
    assert latents.shape[1:] == (8, 4, 8, 16) and ids.shape[1] == SECOND.tokens
    assert pools["portrait/still"][0].shape[1:] == (8, 1, 16, 8)
    dit, _ = weights.load_dit("spacetime", tiny)
    assert (dit.config.vocab_size, dit.config.prompt_tokens) == (SECOND.vocab_size, SECOND.tokens)


@pytest.mark.parametrize("shape, frames, size", [("square", 8, (8, 32, 32)), ("landscape", 12, (12, 32, 64)),
                                                 ("portrait", 8, (8, 64, 32)), ("image", 16, (1, 32, 32))])
def test_the_sampler_makes_every_shape(tiny, shape, frames, size):
    from model.sample import generate

    result = generate("a small green square falling from right to left", frames, steps=2, shape=shape,
                      directory=tiny)
    assert result.video.shape == (*size, 3) and result.notes == []
    assert result.latent.shape[1] == (1 if shape == "image" else frames // 4)   # an image is one latent slice


def test_the_sampler_refuses_an_unknown_shape(tiny):
    from model.sample import generate

    with pytest.raises(ValueError, match="shape must be one of"):
        generate("a red ball", shape="round", directory=tiny)


# ----- the export: every shape through onnxruntime, as the browser will run it

def test_the_export_describes_the_grammar_and_every_shape(tiny_onnx):
    from model import manifest

    m = manifest.load(tiny_onnx)
    assert m.vocab == SECOND.vocab and m.prompt_tokens == SECOND.tokens
    assert m.shapes == {"square": (32, 32), "landscape": (64, 32), "portrait": (32, 64), "image": (32, 32)}
    assert m.latent_dims(16, "landscape") == (1, 8, 4, 8, 16) and m.latent_dims(16, "image") == (1, 8, 1, 8, 8)
    assert m.tokens(16, "portrait") == 4 * 32 and m.tokens(16, "image") == 16


def test_a_squares_only_manifest_refuses_other_shapes():
    """A first-edition export lists squares only; asking it for a landscape says what it makes."""
    from model import manifest

    raw = dict(manifest.load().raw, shapes={"square": [32, 32]})
    squares = manifest.Manifest.from_json(raw)
    assert squares.shapes == {"square": (32, 32)} and squares.latent_dims(16, "square") == (1, 8, 4, 8, 8)
    with pytest.raises(ValueError, match="this model makes square"):
        squares.latent_dims(16, "landscape")


@pytest.mark.parametrize("shape", ["landscape", "portrait", "image"])
def test_onnxruntime_draws_every_shape_as_pytorch_does(tiny, tiny_onnx, shape):
    from model.ort_sampler import OrtSampler
    from model.sample import generate

    prompt = "a big blue ball falling from left to right"
    want = generate(prompt, 8, steps=3, seed=4, shape=shape, directory=tiny)
    got = OrtSampler(tiny_onnx).generate(prompt, frames=8, steps=3, guidance=3.0, seed=4, shape=shape)
    assert got.video.shape == want.video.shape and got.tokens.unknown == []
    assert np.abs(got.video - want.video).max() < 1e-3


def test_shape_measures_on_known_masks():
    from model.evaluate_shapes import bottoms, fill, floor_gap

    square = np.zeros((1, 10, 10), bool)
    square[0, 2:6, 3:7] = True
    assert fill(square) == 1.0
    disc = np.hypot(*np.mgrid[-9.5:10, -9.5:10]) < 10   # a pixelated disc fills about pi / 4
    assert 0.7 < fill(disc[None]) < 0.85
    # an object that hops between rows 2 and 8 (its bottom edge), touching the floor mid-clip
    real = np.array([8, 6, 4, 2, 4, 6, 8, 6, 4, 2, 4, 6], float)
    assert floor_gap(real, real) == 0.0
    assert floor_gap(real - 3, real) == 0.5          # turns round half a hop above the floor
    frames = np.zeros((3, 10, 10), bool)
    frames[0, 1:4, 1:4] = frames[2, 5:9, 1:4] = True
    assert list(bottoms(frames)[[0, 2]]) == [3, 8] and np.isnan(bottoms(frames)[1])


def test_one_object_counts_pieces_of_the_colour():
    """One compact object is one 8-connected piece; a ghost copy or a stray blob of 3+ pixels is a
    second piece; a diagonal line is one piece; a single stray pixel does not count."""
    from model.evaluate_shapes import components, one_object

    frame = np.zeros((32, 64), bool)
    frame[2:7, 40:45] = True
    assert components(frame) == 1
    frame[20:24, 10:13] = True                              # a ghost below
    assert components(frame) == 2
    frame[30, 60] = True                                    # one stray pixel
    assert components(frame) == 2
    line = np.eye(8, dtype=bool)
    assert components(line) == 1
    clip = np.zeros((4, 32, 32), bool)
    clip[:, 5:10, 5:10] = True
    clip[1, 20:25, 20:25] = True                            # frame 1 holds two pieces
    assert one_object(clip) == 0.75
    assert np.isnan(one_object(np.zeros((2, 8, 8), bool)))


def test_evaluate_shapes_scores_every_shape_of_a_mixture_model(tiny, tmp_path):
    from model.evaluate_shapes import main

    out = tmp_path / "shapes.json"
    assert main(["--weights", str(tiny), "--clips", "2", "--steps", "2", "--out", str(out)]) == 0
    table = json.loads(out.read_text())["shapes"]
    assert [row["shape"] for row in table] == ["square", "landscape", "portrait", "image"]
    for row in table:
        assert row["clips"] == 2 and 0 <= row["generated"]["presence"] <= 1
        assert row["real"]["one_object"] == 1.0             # a real clip's object is always one piece
        if row["shape"] != "image":   # a real clip's object shows wherever the detector expects it
            assert row["real"]["presence"] == 1.0 and row["real"]["direction"] == 1.0
    assert "floor_gap" in table[1] and "floor_gap" not in table[3]


def test_spacetime_stage_continues_a_committed_model(tiny, tmp_path):
    """dit.init: a CPU run spread over sessions starts each from the last one's weights."""
    import shutil

    from model.train import Trainer
    from model.train_config import configure

    shutil.copy(tiny / weights.AUTOENCODER, tmp_path / weights.AUTOENCODER)
    before = weights.load_dit("spacetime", tiny)[0].state_dict()

    def run(**extra):
        out = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        out.mkdir()
        shutil.copy(tiny / weights.AUTOENCODER, out / weights.AUTOENCODER)
        config = configure("tiny", {"out": str(out), "grammar": "second", "dit.mixture": True, "stages": "latents,spacetime",
                                    "dit.steps": 1, "dit.lr": 1e-9, "dit.prompt_order": True, **extra})
        Trainer(config, fresh=True, log=io.StringIO()).run()
        return weights.load_dit("spacetime", out)[0].state_dict()

    continued, fresh = run(**{"dit.init": str(tiny)}), run()
    gap = lambda state: max(float((state[k] - before[k]).abs().max()) for k in before)  # noqa: E731
    assert gap(continued) < 1e-3 < gap(fresh)


def test_the_prompt_order_path_starts_at_zero_and_tells_word_order_apart():
    """A DiT with prompt_order continues one without it unchanged (the path starts at zero), and the
    path hands adaLN the sequence position by position, so two prompts with the same words in another
    order condition the blocks differently even through the pooled route."""
    torch.manual_seed(0)
    config = DiTConfig(width=32, depth=1, heads=2, text_layers=1, vocab_size=SECOND.vocab_size,
                       prompt_tokens=SECOND.tokens)
    plain = DiT(config)
    ordered = DiT(dataclasses.replace(config, prompt_order=True))
    missing, unexpected = ordered.load_state_dict(plain.state_dict(), strict=False)
    assert sorted(missing) == ["text_order.bias", "text_order.weight"] and unexpected == []
    latent, t = torch.randn(2, 8, 2, 8, 8), torch.tensor([0.7, 0.7])
    ids = torch.tensor([tokenize("a red ball sliding from left to right", SECOND).ids,
                        tokenize("a red ball sliding from right to left", SECOND).ids])
    with torch.no_grad():
        assert torch.equal(plain(latent, t, ids), ordered(latent, t, ids))
        torch.nn.init.normal_(ordered.text_order.weight, std=0.05)
        text = ordered.text(ids)
        assert torch.allclose(text.mean(1)[0], text.mean(1)[1], atol=0.05 * text.abs().max())  # the mean barely differs
        order = ordered.text_order(text.flatten(1))
        assert (order[0] - order[1]).norm() > 0.5 * order[0].norm()                          # the sequence does
