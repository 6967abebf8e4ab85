"""Numbers in the prose that are not read from the model at build time: the example clip every
chapter walks through must be the one the sims and the generator open on, the hand-set attention
formula must be the sim's, and the worked arithmetic about hypothetical models must come out right
(each figure is recomputed here and looked for, as written, in its chapter)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import facts
from course.toc import load_chapters

CHAPTERS = load_chapters()


def prose(number: int) -> str:
    c = CHAPTERS[number]
    return " ".join(" ".join([c.overview, *(s.body for s in c.sections), *c.summary,
                              *(q.question + " " + " ".join(ch.text + " " + ch.why for ch in q.choices)
                                for q in c.quiz)]).split())


def test_the_example_clip_is_the_one_the_sims_and_the_generator_open_on():
    from course.generator import Generator
    from sims.patches import Patches
    from sims.recap import Recap

    assert facts.clip_frames() in facts.frame_choices()
    assert facts.clip_frames() == Generator.param.frames.default == Recap.param.frames.default == Patches.param.frames.default


def test_the_example_clip_shapes_follow_the_manifest():
    from model import manifest

    m = manifest.load()
    assert facts.latent_shape() == m.latent_dims(facts.clip_frames())[1:]
    assert facts.tokens(facts.clip_frames()) == m.tokens(facts.clip_frames())
    assert facts.compression() * facts.count(facts.latent_shape()) == facts.count(facts.video_shape())
    assert 0 < facts.prompt_dropout() < 1


def test_chapter_4s_score_formula_is_the_sims():
    """s_ij = (w_c² c_i·c_j + w_s² [cos(aΔrow) + cos(aΔcol)] + w_t² cos(aΔframe)) / √d, as typeset."""
    from sims import attention as toy

    x = toy.features(toy.clip())
    c, pos = x[:, :3], toy.grid_positions()
    d = pos[:, None, :] - pos[None, :, :]
    cos = np.cos(toy.ANGLE * d)
    formula = (toy.COLOUR_WEIGHT ** 2 * c @ c.T + toy.SPACE_WEIGHT ** 2 * (cos[..., 1] + cos[..., 2])
               + toy.TIME_WEIGHT ** 2 * cos[..., 0]) / math.sqrt(toy.D)
    np.testing.assert_allclose(toy.scores(x), formula, atol=1e-12)
    assert f"\\sqrt{{{toy.D}}}" in prose(4) and f"{toy.COLOUR_WEIGHT ** 2:g}\\, c_i" in prose(4)


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sci(x: float) -> str:
    """4.3 × 10¹², as the prose writes a large number."""
    exponent = math.floor(math.log10(x))
    return f"{x / 10 ** exponent:.1f} × 10{str(exponent).translate(SUPERSCRIPT)}"


def chapter_8_worked_example() -> list[str]:
    """5 s at 24 fps of 512 x 512, DiT-XL sized (d = 1152, 28 layers), 50 guided steps."""
    frames, size, d, layers = 5 * 24, 512, 1152, 28
    latent = frames // 4 * (size // 8 // 2) ** 2
    raw = frames * (size // 16) ** 2
    attention, rest = (lambda n: 4 * n ** 2 * d), (lambda n: 24 * n * d ** 2)
    per_layer = {n: attention(n) + rest(n) for n in (latent, raw)}
    fine = frames * (size // 2) ** 2
    return [f"`N = {latent:,}`", f"`N = {raw:,}`", f"{sci(attention(latent))}` FLOPs", f"{sci(rest(latent))}` for the rest",
            f"about {sci(per_layer[latent])}", f"attention (about {sci(attention(raw))})", f"the rest ({sci(rest(raw))})",
            f"about {sci(per_layer[raw])}: roughly {per_layer[raw] / per_layer[latent]:.0f}",
            f"about {sci(per_layer[latent] * layers)} FLOPs per step", f"{sci(per_layer[raw] * layers)} for the raw one",
            f"about {sci(per_layer[latent] * layers * 100)}", f"{sci(per_layer[raw] * layers * 100)} in pixels",
            f"about {latent ** 2 / 1e9:.2f} billion entries", f"{raw ** 2 / 1e9:.0f} billion for the raw one",
            f"≈ {fine / 1e6:.1f}` million tokens: {fine // latent} times", f"about {(fine // latent) ** 2 // 1000:,},000 times",
            f"needs about {per_layer[raw] / per_layer[latent]:.0f} times the compute",
            f"{latent:,} tokens against {raw:,} for raw"]


HYPOTHETICAL = {
    1: [f"512 × 512 × 3 = {512 * 512 * 3:,}", f"{64 * 64 * 4:,} numbers, {512 * 512 * 3 // (64 * 64 * 4)} times fewer"],
    2: [f"3 × 64 × 512 × 512 = {3 * 64 * 512 * 512:,}", f"16 × 64 × 64 × 64 = {16 * 64 ** 3:,}, a ratio of "
        f"{3 * 64 * 512 * 512 // (16 * 64 ** 3)}", f"{3 * 64 * 512 * 512 // (16 * 16 * 64 * 64)}. The latent drops to "
        f"16 × 16 × 64 × 64 = {16 * 16 * 64 * 64:,}", f"ratio four times larger again: {4 * 8 * 8 * 3 // 4}",
        f"16 × 8 × 32 × 32 = {16 * 8 * 32 * 32:,} numbers, {3 * 32 * 256 * 256 // (16 * 8 * 32 * 32)} times fewer",
        f"3 × 32 × 256 × 256 = {3 * 32 * 256 * 256:,}"],
    3: [f"16 × 32 × 32 = {16 * 32 * 32:,} tokens", f"halve it to {16 * 32 * 32 // 2:,}", f"32 × 18 = {32 * 18} tokens per slice",
        f"64 latent and {32 * 32:,} tokens", f"12 / 2 = 6 layers, each (32 / 2) × (32 / 2) = {16 * 16} tokens: 6 × 256 = {6 * 256:,}"],
    5: [f"40 + 10 × 3 = {40 + 10 * 3}", f"30 + 16 = {30 + 8 * 2}"],
    6: [f"0.2 + 4 · 0.3 = {0.2 + 4 * 0.3:.1f}", f"0.2 + 0.9 = {0.2 + 3 * 0.3:.1f}"],
    8: chapter_8_worked_example(),
}


@pytest.mark.parametrize("number", sorted(HYPOTHETICAL))
def test_worked_arithmetic_is_right(number):
    text = prose(number)
    assert [figure for figure in HYPOTHETICAL[number] if figure not in text] == []
