"""The sampler, once: noise levels, a seed's noise, the guidance combination and the Euler loop.

Flow matching trains the DiT to predict the velocity v = eps - x0 of the straight path
x_t = (1 - t) x0 + t eps. Sampling integrates dx/dt = v from t = 1 (pure noise) to t = 0 with
Euler steps; classifier-free guidance runs the prompt and the null prompt as one batch of two and
extrapolates from the unconditional velocity towards the conditional one (Ho & Salimans 2022, in
the form v_u + w (v_c - v_u), so w = 1 is the plain conditional model and w = 0 ignores the prompt).

Nothing here imports torch: the loop only adds and multiplies, so it runs on torch tensors
(model/sample.py) and on numpy arrays (model/ort_sampler.py, onnxruntime) alike, and
web/generator/sampler.js mirrors it line for line. All three report progress the same way: after
each step, `on_step(Step(...))` with the step number counted from 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


def timesteps(steps: int) -> np.ndarray:
    """Noise levels visited, from 1 (pure noise) down to 0, evenly spaced, float32 like the browser's."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1 (got {steps})")
    return np.linspace(1.0, 0.0, steps + 1, dtype=np.float32)


def guide(v_cond, v_uncond, guidance: float):
    """Classifier-free guidance: start at the unconditional velocity, move `guidance` times the gap."""
    return v_uncond + guidance * (v_cond - v_uncond)


@dataclass(frozen=True)
class Step:
    """What a sampler reports after step `step` (1..steps) of `steps`."""
    step: int          # 1 after the first network call, `steps` after the last
    steps: int
    t: float           # the noise level this step started from
    latent: Any        # the latent this step started from, (B, C, T', H', W')
    clean: Any         # the model's guess at the clean latent from there: latent - t * v


def euler(velocity_pair: Callable[[Any, float], tuple[Any, Any]], noise, steps: int, guidance: float,
          on_step: Callable[[Step], None] | None = None):
    """Integrate from `noise` (t = 1) to a clean latent (t = 0) in `steps` guided Euler steps.

    velocity_pair(x, t) -> (v_cond, v_uncond): one network call on the guidance batch of two."""
    ts = timesteps(steps)
    x = noise
    for i in range(steps):
        t = float(ts[i])
        v = guide(*velocity_pair(x, t), guidance)
        if on_step is not None:
            on_step(Step(i + 1, steps, t, x, x - t * v))
        x = x + float(ts[i + 1] - ts[i]) * v
    return x


# --- a seed's noise: torch.randn on the CPU, reproduced without torch ---------------------------
# torch.Generator().manual_seed(s) seeds a 32-bit Mersenne Twister; randn of a float32 tensor with
# at least 16 elements fills it with 24-bit uniforms, then turns each block of 16 into normals with
# Box-Muller (first 8 as radii, next 8 as angles), ATen's normal_fill. numpy's RandomState(int)
# seeds the same twister the same way, and bytes() hands out its raw 32-bit words.

def torch_randn(seed: int, count: int) -> np.ndarray:
    """`count` normals equal (to float32 rounding) to torch.randn(count, generator=manual_seed(seed))."""
    if count < 16:
        raise ValueError("torch_randn reproduces torch only for 16 or more values")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more (got {seed})")
    # torch seeds its 32-bit twister with the seed's low 32 bits (so does the browser): do the same
    words = np.frombuffer(np.random.RandomState(seed & 0xFFFFFFFF).bytes(4 * (count + 16)), dtype="<u4")
    uniform = ((words & 0xFFFFFF).astype(np.float64) / 16777216).astype(np.float32)
    data = uniform[:count].copy()
    whole = count - count % 16
    if whole:
        data[:whole] = np.concatenate([_box_muller16(block) for block in data[:whole].reshape(-1, 16)])
    if count % 16:  # torch redraws the last 16 values from fresh uniforms
        data[count - 16:] = _box_muller16(uniform[count:count + 16])
    return data


def _box_muller16(block: np.ndarray) -> np.ndarray:
    u1 = (np.float32(1) - block[:8]).astype(np.float32)
    radius = np.sqrt(np.float32(-2) * np.log(u1)).astype(np.float32)
    theta = (np.float32(2 * np.pi) * block[8:]).astype(np.float32)
    return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)]).astype(np.float32)


def seed_noise(seed: int, dims: tuple[int, ...]) -> np.ndarray:
    """The starting latent for a seed, shaped `dims`: the values torch.randn(*dims) gives for it."""
    return torch_randn(seed, int(np.prod(dims))).reshape(dims)
