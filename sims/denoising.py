"""Chapter 1 — diffusion, briefly: a real denoising march, computed exactly.

The data distribution is known in closed form: a mixture of four 16x16 grey pictures ("classes"),
each a template plus a little isotropic Gaussian variation, x0 ~ N(mu_k, SIGMA^2 I), k uniform.
Along the flow-matching (rectified-flow) path x_t = (1 - t) x0 + t eps, eps ~ N(0, I):

    x_t | k  ~  N((1 - t) mu_k,  s_t^2 I)     with  s_t^2 = (1 - t)^2 SIGMA^2 + t^2

so the ideal denoiser E[x0 | x_t] is exact: posterior class weights from those Gaussians, and within
class k the Gaussian conditional mean  mu_k + (1 - t) SIGMA^2 / s_t^2 (x_t - (1 - t) mu_k).
The velocity a flow-matching network learns is E[eps - x0 | x_t] = (x_t - E[x0 | x_t]) / t, and
sampling integrates it with Euler steps from t = 1 (pure noise) to t = 0 (Lipman et al. 2022;
Liu et al. 2022). Nothing here is a cross-fade: the picture that appears is decided by the noise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

SIZE = 16
SIGMA = 0.15     # within-class spread of the data, in units where pixels lie in [-1, 1]
N_STEPS = 20
SHIFT = 3.0      # schedule warp, see noise_levels
CLASS_NAMES = ("ring", "cross", "stripes", "square")


def templates() -> np.ndarray:
    """The four class means, (4, SIZE, SIZE) in [-1, 1]."""
    v, u = np.mgrid[0:SIZE, 0:SIZE] + 0.5 - SIZE / 2      # pixel centres around the middle
    r = np.hypot(u, v)
    ring = np.abs(r - 5.0) < 1.6
    cross = (np.abs(u) < 1.6) | (np.abs(v) < 1.6)
    stripes = ((u + v) // 3) % 2 == 0
    square = (np.abs(u) < 5) & (np.abs(v) < 5) & ~((np.abs(u) < 2.5) & (np.abs(v) < 2.5))
    return np.stack([ring, cross, stripes, square]).astype(float) * 2 - 1


def noise_levels(n_steps: int = N_STEPS, shift: float = SHIFT) -> np.ndarray:
    """t for each step, 1 (noise) down to 0 (clean): (n_steps + 1,).

    Evenly spaced u is warped by t = shift·u / (1 + (shift − 1)·u), the time shift of Stable
    Diffusion 3 (Esser et al. 2024): it spends more steps at high noise, where the picture's class
    is still being decided, instead of polishing an already clear picture.
    """
    u = np.linspace(1.0, 0.0, n_steps + 1)
    return shift * u / (1 + (shift - 1) * u)


def posterior(x_t: np.ndarray, t: float, means: np.ndarray, sigma: float = SIGMA) -> tuple[np.ndarray, np.ndarray]:
    """Exact E[x0 | x_t] and p(class | x_t) for the Gaussian mixture along the flow path."""
    flat_means = means.reshape(len(means), -1)          # (K, D)
    x = x_t.reshape(-1)                                 # (D,)
    s2 = (1 - t) ** 2 * sigma**2 + t**2
    log_w = -np.sum((x - (1 - t) * flat_means) ** 2, axis=1) / (2 * s2)
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    per_class = flat_means + (1 - t) * sigma**2 / s2 * (x - (1 - t) * flat_means)   # (K, D)
    return (w @ per_class).reshape(x_t.shape), w


@dataclass(frozen=True)
class March:
    """Every intermediate state of one sampling run, indexed by step 0..n_steps."""

    t: np.ndarray        # (n+1,) noise level at each step
    x: np.ndarray        # (n+1, SIZE, SIZE) the noisy sample x_t
    guess: np.ndarray    # (n+1, SIZE, SIZE) the denoiser's estimate of the clean picture
    probs: np.ndarray    # (n+1, K) posterior class probabilities


def sample(seed: int, n_steps: int = N_STEPS, sigma: float = SIGMA) -> March:
    """Euler integration of the exact flow-matching velocity from pure noise to a clean picture."""
    means = templates()
    t = noise_levels(n_steps)
    x = np.random.default_rng(seed).standard_normal((SIZE, SIZE))
    xs, guesses, probs = [], [], []
    for i, t_i in enumerate(t):
        guess, w = posterior(x, t_i, means, sigma)
        xs.append(x)
        guesses.append(guess)
        probs.append(w)
        if i < n_steps:
            velocity = (x - guess) / t_i             # E[eps - x0 | x_t]
            x = x + (t[i + 1] - t_i) * velocity      # step toward t_{i+1} < t_i
    return March(t, np.array(xs), np.array(guesses), np.array(probs))


def guess_error(march: March) -> np.ndarray:
    """RMS distance of each step's guess from the picture the run ends on: (n+1,)."""
    final = march.x[-1]
    return np.sqrt(np.mean((march.guess - final) ** 2, axis=(1, 2)))


class Denoising(Sim):
    """Step through one exact flow-matching sampling run."""

    step = param.Integer(default=0, bounds=(0, N_STEPS), doc="Denoising progress: 0 = pure noise, 20 = clean.")
    seed = param.Integer(default=0, bounds=(0, 3), doc="Which starting noise.")

    controls = ("step", "seed")

    def march(self) -> March:
        return sample(self.seed)
