"""Chapter 8 — what a clip costs: compute and memory against clip length, raw pixels vs latent.

An explicit formula, so a reader can check every number by hand:

    tokens      N = (frames / pt) × (H / ph) × (W / pw)      on the volume the transformer sees
    per layer   4·N²·d  (attention: scores Q·Kᵀ and the weighted sum, N·N·d multiply-adds each)
              + 24·N·d² (Q, K, V, output projections 4·d², MLP 4x wide 8·d²; 2 FLOPs per multiply-add)
    per clip    × layers × steps × 2  (classifier-free guidance runs each step with and without text)

Raw-pixel diffusion (orange) patchifies the frames themselves; latent diffusion (teal) first
compresses 4x in time and 8x per spatial axis, then cuts 1 x 2 x 2 patches. Memory is the size of
one attention score matrix (N² entries, one head, one layer, 2 bytes each), the term that explodes.
The transformer is sized like the largest DiT (Peebles & Xie 2023): d = 1152, 28 layers.
"""
from __future__ import annotations

import math

import numpy as np
import param

from model import manifest

from .base import Sim

FPS = 24
WIDTH = 1152             # d
LAYERS = 28
STEPS = 50
GUIDANCE_PASSES = 2      # conditional + unconditional
TIME_FACTOR, SPACE_FACTOR, LATENT_PATCH = 4, 8, 2
BYTES_PER_SCORE = 2      # fp16/bf16
# The course's own model, as its export describes it (model/manifest.py): a 16-frame clip's tokens,
# the DiT's width and depth, the default number of steps.
_MODEL = manifest.load()
COURSE = dict(tokens=_MODEL.tokens(16), width=_MODEL.dit["width"], layers=_MODEL.dit["depth"],
              steps=int(_MODEL.steps.default))


def layer_flops(tokens, width: int = WIDTH):
    """FLOPs of one transformer layer on `tokens` tokens (works on arrays too)."""
    tokens = np.asarray(tokens, dtype=float)
    return 4 * tokens**2 * width + 24 * tokens * width**2


def clip_flops(tokens, width: int = WIDTH, layers: int = LAYERS, steps: int = STEPS):
    return layer_flops(tokens, width) * layers * steps * GUIDANCE_PASSES


def raw_tokens(frames, size: int, patch: int):
    return np.asarray(frames) * math.ceil(size / patch) ** 2


def latent_tokens(frames, size: int):
    slices = np.ceil(np.asarray(frames) / TIME_FACTOR)
    side = math.ceil(math.ceil(size / SPACE_FACTOR) / LATENT_PATCH)
    return slices * side**2


def attention_bytes(tokens):
    return np.asarray(tokens, dtype=float) ** 2 * BYTES_PER_SCORE


class Cost(Sim):
    """Cost of generating one clip, raw pixels (orange) against latent (teal)."""

    seconds = param.Integer(default=5, bounds=(1, 20), label="Clip length (seconds)",
                            doc="Clip length at 24 frames per second.")
    size = param.Selector(default=512, objects=[256, 512, 1024], label="Frame size (px per side)",
                          doc="Square frames of this many pixels per side.")
    raw_patch = param.Selector(default=16, objects=[2, 8, 16], label="Raw-pixel patch (px per side)",
                               doc="Patch side for the raw-pixel transformer; 16 covers the area of a 2x2 latent patch.")

    controls = ("seconds", "size", "raw_patch")

    def frames(self, seconds=None):
        return FPS * np.asarray(self.seconds if seconds is None else seconds)

    def tokens(self, seconds=None) -> tuple:
        """(raw tokens, latent tokens) at `seconds` (default: the chosen length)."""
        frames = self.frames(seconds)
        return raw_tokens(frames, self.size, self.raw_patch), latent_tokens(frames, self.size)

    def flops(self, seconds=None) -> tuple:
        raw, latent = self.tokens(seconds)
        return clip_flops(raw), clip_flops(latent)

    def memory(self, seconds=None) -> tuple:
        raw, latent = self.tokens(seconds)
        return attention_bytes(raw), attention_bytes(latent)


def course_model_flops() -> float:
    """One guided clip of the course's own model at its default steps (16 frames)."""
    c = COURSE
    return float(clip_flops(c["tokens"], c["width"], c["layers"], c["steps"]))


# --- the course's model, measured ----------------------------------------------------------------
# The formula's prediction for the course's own DiT next to its measured time per denoiser step
# (sims/model_data/cost.py). The per-frame baseline attends within each slice's tokens only, so its
# attention term is 4·N·(tokens per slice)·d.
MODELS = ("spacetime", "per-frame")


def course_step_flops(frames, model: str = "spacetime"):
    """FLOPs of one guided denoiser step of the course's model (its depth and width, batch of 2)."""
    n = np.asarray(frames, dtype=float) / _MODEL.frames_per_slice * _MODEL.tokens_per_slice
    keys = n if model == "spacetime" else np.full_like(n, _MODEL.tokens_per_slice)
    d = COURSE["width"]
    return (4 * n * keys * d + 24 * n * d**2) * COURSE["layers"] * GUIDANCE_PASSES


def fit_formula(frames, ms) -> tuple[float, float]:
    """(fixed ms, ms per GFLOP): least squares of ms ≈ a + b·GFLOP over both models' measurements."""
    gflops = np.concatenate([course_step_flops(frames, m) / 1e9 for m in MODELS])
    a, b = np.linalg.lstsq(np.stack([np.ones_like(gflops), gflops], axis=1), np.ravel(ms), rcond=None)[0]
    return float(a), float(b)
