"""Chapter 8's measured time per denoiser step of the course's own DiT: one onnxruntime call on a
guided batch of 2, one thread, as OrtSampler and the browser run it, for every clip length."""
from __future__ import annotations

import time

import numpy as np

from .cache import dataset

MODELS = ("spacetime", "per-frame")
REPEATS = 21                     # timed calls per (model, length); the median is kept


@dataset("cost", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """frames (lengths,) and ms (2 models, lengths): median milliseconds per denoiser call, model axis
    in MODELS order. Timings are taken once per model files, then read from the cache."""
    frames = np.array(sampler.manifest.frame_choices)
    ids = sampler.pair_ids(sampler.tokenize("a red ball bouncing from left to right").ids)
    prompts = [sampler.encode_prompt(kind, ids) for kind in MODELS]     # once per clip, not a step's cost
    latents = [np.concatenate([sampler.noise(int(f), 0)] * 2) for f in frames]
    cells = [(m, k) for m in range(len(MODELS)) for k in range(len(frames))]
    for m, k in cells:
        sampler.velocity(MODELS[m], latents[k], 0.5, prompts[m])         # warm up
    times = np.zeros((REPEATS, len(MODELS), len(frames)))
    # Round after round over every cell, so a burst of load from another process lands on all of
    # them alike instead of on one clip length.
    for r in range(REPEATS):
        for m, k in cells:
            t0 = time.perf_counter()
            sampler.velocity(MODELS[m], latents[k], 0.5, prompts[m])
            times[r, m, k] = time.perf_counter() - t0
    return {"frames": frames, "ms": 1000 * np.median(times, axis=0)}
