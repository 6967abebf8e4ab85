"""Chapter 4's learned attention: the trained DiTs' own self-attention weights on a clip.

The spacetime DiT generates a clip from PROMPT (seed 0, 20 guided steps), and at PROBE_STEP (t = 0.5)
both denoisers read the same noisy latent. Its 16 frames become 4 latent slices of 4 x 4 patches
(1 slice x 2 x 2 cells = 4 frames x 8 x 8 px), so token = 16·slice + 4·row + col, laid out like
the hand-set clip's 4 frames (sims/attention.py). The weights are the ONNX graph's own
self-attention softmax outputs, for the prompt's half of the guidance batch, every block and head
kept; the sims average them. Computed with onnxruntime at build time (never torch), cached.
"""
from __future__ import annotations

import functools

import numpy as np

from .cache import dataset

PROMPT = "a red ball bouncing from left to right"
SEED, STEPS, GUIDANCE = 0, 20, 3.0
PROBE_STEP = STEPS // 2 + 1      # counted from 1, like every sampler's steps: step 11 of 20 starts at t = 0.5
SLICES = 4                       # latent slices of the probed clip (16 frames)
MODELS = ("spacetime", "per-frame")


def step_with_attention(sampler, kind: str, feeds: dict) -> tuple[np.ndarray, list[np.ndarray]]:
    """One denoiser step on `kind`'s inspection graph (model/inspection.py, the fast graph with its
    softmax outputs named): the velocity and every block's self-attention map, (B, heads, N, N)
    spacetime or (B·slices, heads, 16, 16) per-frame."""
    names = sampler.manifest.raw["inspect"]["outputs"]["self"]
    velocity, *maps = sampler.inspect_session(kind).run(["velocity", *names], feeds)
    return velocity, maps


def token_matrix(maps: np.ndarray, slices: int, per_slice: int) -> np.ndarray:
    """One block's map for the prompt's batch element, heads averaged, as (N, N) over all tokens.

    A per-frame map (B·slices, heads, 16, 16) goes on the diagonal: the model never computes a
    weight between slices, so those entries are exactly 0."""
    n = maps.shape[-1]
    if n == slices * per_slice:                                    # spacetime: (B, heads, N, N)
        return maps[0].mean(axis=0)
    full = np.zeros((slices * per_slice, slices * per_slice), np.float32)
    for s in range(slices):                                        # model/dit.py: rows b·slices + s
        full[s * n:(s + 1) * n, s * n:(s + 1) * n] = maps[s].mean(axis=0)
    return full


@dataset("attention", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """video (16, 32, 32, 3) uint8 of the generated clip; blocks (2 models, depth, 64, 64) each block's
    heads-averaged self-attention at PROBE_STEP; map_shapes (2, 4) the raw maps' shapes; t the step's t."""
    ids = sampler.tokenize(PROMPT).ids
    kept = {}

    def keep(step) -> None:                    # model.flow.Step
        if step.step == PROBE_STEP:
            kept["probe"], kept["t"] = step.latent.copy(), step.t

    frames = SLICES * sampler.manifest.frames_per_slice
    x = sampler.denoise("spacetime", sampler.noise(frames, SEED), ids, STEPS, GUIDANCE, on_step=keep)
    probe = kept["probe"]
    video = sampler.decode(x)
    blocks, shapes = [], []
    for kind in MODELS:
        feeds = {"latent": np.concatenate([probe, probe]), "t": np.full(2, kept["t"], np.float32),
                 **sampler.encode_prompt(kind, sampler.pair_ids(ids))}
        _, maps = step_with_attention(sampler, kind, feeds)
        blocks.append(np.stack([token_matrix(m, SLICES, sampler.manifest.tokens_per_slice) for m in maps]))
        shapes.append(maps[0].shape)
    return {"video": np.round(np.clip(video, 0, 1) * 255).astype(np.uint8),   # (16, 32, 32, 3)
            "blocks": np.stack(blocks).astype(np.float32),                      # (2 models, 6, 64, 64)
            "map_shapes": np.array(shapes), "t": np.array(kept["t"], np.float32)}


@functools.lru_cache(maxsize=2)
def matrix(model: str) -> np.ndarray:
    """The trained DiT's attention over the 64 tokens, heads and blocks averaged: (N, N), rows sum to 1."""
    weights = load()["blocks"][MODELS.index(model)].mean(axis=0).astype(np.float64)
    weights.flags.writeable = False
    return weights


def frames() -> np.ndarray:
    """One frame per latent slice (its second of four), for the picture: (SLICES, 32, 32, 3) in [0, 1]."""
    video = load()["video"]
    per_slice = len(video) // SLICES
    return video[1::per_slice].astype(float) / 255
