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

from .base import Sim

FPS = 24
WIDTH = 1152             # d
LAYERS = 28
STEPS = 50
GUIDANCE_PASSES = 2      # conditional + unconditional
TIME_FACTOR, SPACE_FACTOR, LATENT_PATCH = 4, 8, 2
BYTES_PER_SCORE = 2      # fp16/bf16
# The course's own model (model issue): 16 frames of 32x32 -> latent (8, 4, 8, 8), patches 1x2x2.
COURSE = dict(tokens=64, width=128, layers=6, steps=20)


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
    """One 20-step guided clip of the course's own model (16 frames, 64 tokens)."""
    c = COURSE
    return float(clip_flops(c["tokens"], c["width"], c["layers"], c["steps"]))


# --- the course's model, measured ----------------------------------------------------------------
# The formula's prediction for the course's own DiT next to its measured time per denoiser step:
# one onnxruntime call on a guided batch of 2, one thread, as OrtSampler and the browser run it.
# The per-frame baseline attends within each 16-token slice, so its attention term is 4·N·16·d.
MODELS = ("spacetime", "per-frame")
TOKENS_PER_SLICE = 16
FRAMES_PER_SLICE = 4
REPEATS = 21                     # timed calls per (model, length); the median is kept


def course_step_flops(frames, model: str = "spacetime"):
    """FLOPs of one guided denoiser step of the course's model (6 blocks, d = 128, batch of 2)."""
    n = np.asarray(frames, dtype=float) / FRAMES_PER_SLICE * TOKENS_PER_SLICE
    keys = n if model == "spacetime" else np.full_like(n, TOKENS_PER_SLICE)
    d = COURSE["width"]
    return (4 * n * keys * d + 24 * n * d**2) * COURSE["layers"] * GUIDANCE_PASSES


def measure_steps(sampler) -> dict[str, np.ndarray]:
    """Median milliseconds per denoiser call for every clip length the model takes, both models."""
    import time

    frames = np.array(sampler.manifest.frame_choices)
    ids = sampler.pair_ids(sampler.tokenize("a red ball bouncing from left to right").ids)
    latents = [np.concatenate([sampler.noise(int(f), 0)] * 2) for f in frames]
    cells = [(m, k) for m in range(len(MODELS)) for k in range(len(frames))]
    for m, k in cells:
        sampler.velocity(MODELS[m], latents[k], 0.5, ids)                # warm up
    times = np.zeros((REPEATS, len(MODELS), len(frames)))
    # Round after round over every cell, so a burst of load from another process lands on all of
    # them alike instead of on one clip length.
    for r in range(REPEATS):
        for m, k in cells:
            t0 = time.perf_counter()
            sampler.velocity(MODELS[m], latents[k], 0.5, ids)
            times[r, m, k] = time.perf_counter() - t0
    return {"frames": frames, "ms": 1000 * np.median(times, axis=0)}


def measured() -> dict[str, np.ndarray]:
    """Measured ms per step (cached with the model files: timings are taken once per model)."""
    from .model_clips import cached

    return cached("cost-steps", 1, measure_steps)


def fit_formula(frames, ms) -> tuple[float, float]:
    """(fixed ms, ms per GFLOP): least squares of ms ≈ a + b·GFLOP over both models' measurements."""
    gflops = np.concatenate([course_step_flops(frames, m) / 1e9 for m in MODELS])
    a, b = np.linalg.lstsq(np.stack([np.ones_like(gflops), gflops], axis=1), np.ravel(ms), rcond=None)[0]
    return float(a), float(b)
