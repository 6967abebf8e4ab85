"""Chapter 0's comparison with the course's own two DiTs: the same prompt, seed and starting noise
for both, so the only difference is whether attention reaches across latent slices."""
from __future__ import annotations

import numpy as np

from ..palette import palette_frames
from .cache import dataset
from .detect import measure

PROMPT = "a red ball arcing from left to right"
KINDS = ("per-frame", "spacetime")      # the model axis of every array, in the order of Flicker.clips()
SEEDS = 4                               # one per value of the flicker sim's `seed` control
FRAMES = 24                             # the flicker sim's clip length (sims.flicker.N_FRAMES)


@dataset("flicker", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """Both models' clips of PROMPT for every seed, as palette frames, and their detector readings:
    frames (2, seeds, F, 32, 32) uint8, palette (256, 3), and per (model, seed) largest_jump, smoothness,
    flicker, drift, presence, wrong_pixels, reappears, x (F,), model axis in KINDS order."""
    videos = np.stack([np.stack([sampler.generate(PROMPT, frames=FRAMES, seed=seed, kind=kind).video
                                 for seed in range(SEEDS)]) for kind in KINDS])   # (2, seeds, F, H, W, 3)
    frames, palette = palette_frames(videos)
    readings = [[measure(v, PROMPT) for v in per_kind] for per_kind in videos]
    out = {"frames": frames, "palette": palette.astype(np.float32)}
    for key in readings[0][0]:
        out[key] = np.array([[r[key] for r in per_kind] for per_kind in readings], np.float32)
    return out
