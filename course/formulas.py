"""The course's counting formulas in plain Python (no numpy), so a code cell can import them in the
browser (Pyodide) and the reader can check the sims' numbers by hand.

They are the scalar twins of the sims' array formulas: tokens of a latent cut into spacetime
patches (sims/patches.py, chapter 3), tokens and FLOPs of a clip at scale (sims/cost.py, chapter
8), and the course model's own token count (model/manifest.py). tests/test_codecell_run.py checks
every function here against the sim it mirrors over the sims' whole control grids, so the two
cannot drift apart; the constants are imported from the sims' sources of truth where those are
pure Python (the manifest) and restated here, checked, where the sim imports numpy.
"""
from __future__ import annotations

import math

from model import manifest

# sims/cost.py: a transformer sized like the largest DiT, 24 fps, 50 steps, guidance doubles each.
FPS = 24
WIDTH = 1152
LAYERS = 28
STEPS = 50
GUIDANCE_PASSES = 2
TIME_FACTOR, SPACE_FACTOR, LATENT_PATCH = 4, 8, 2      # a Sora-scale latent: 4x in time, 8x per side


def course_model() -> manifest.Manifest:
    """The course's own trained model, as its export describes it (model/onnx/manifest.json)."""
    return manifest.load()


def latent_size(frames: int, height: int, width: int, time_factor: int | None = None,
                space_factor: int | None = None) -> tuple[int, int, int]:
    """(T', H', W') of a clip after the autoencoder; the encoder pads a last short group. Defaults:
    the course model's factors (4 frames a slice, 4 pixels a cell)."""
    m = course_model()
    tf = m.frames_per_slice if time_factor is None else time_factor
    sf = m.space_factor if space_factor is None else space_factor
    return math.ceil(frames / tf), math.ceil(height / sf), math.ceil(width / sf)


def patch_tokens(slices: int, rows: int, cols: int, pt: int, ps: int) -> int:
    """Tokens of a T' x H' x W' latent cut into pt x ps x ps cubes (padding the last ones)."""
    return math.ceil(slices / pt) * math.ceil(rows / ps) * math.ceil(cols / ps)


def padding_cells(slices: int, rows: int, cols: int, pt: int, ps: int) -> int:
    """Zero cells added so every side is a multiple of its patch size."""
    padded = math.ceil(slices / pt) * pt * math.ceil(rows / ps) * ps * math.ceil(cols / ps) * ps
    return padded - slices * rows * cols


def course_tokens(frames: int) -> int:
    """Spacetime patches the course's DiT sees for a clip of `frames` frames."""
    return course_model().tokens(frames)


def raw_tokens(frames: int, size: int, patch: int) -> int:
    """Tokens when square frames of `size` pixels are cut straight into patch x patch pieces."""
    return frames * math.ceil(size / patch) ** 2


def latent_tokens(frames: int, size: int) -> int:
    """Tokens of a Sora-scale latent (4x time, 8x per side, 2 x 2 patches) of square frames."""
    side = math.ceil(math.ceil(size / SPACE_FACTOR) / LATENT_PATCH)
    return math.ceil(frames / TIME_FACTOR) * side**2


def layer_flops(tokens: int, width: int = WIDTH) -> float:
    """FLOPs of one transformer layer: attention 4·N²·d plus projections and MLP 24·N·d²."""
    return 4 * tokens**2 * width + 24 * tokens * width**2


def clip_flops(tokens: int, width: int = WIDTH, layers: int = LAYERS, steps: int = STEPS) -> float:
    """FLOPs of one generated clip: every layer, every step, twice for guidance."""
    return layer_flops(tokens, width) * layers * steps * GUIDANCE_PASSES


def attention_bytes(tokens: int, bytes_per_score: int = 2) -> int:
    """Bytes of one attention score matrix (N² entries, one head, one layer)."""
    return tokens**2 * bytes_per_score
