"""Chapter 6 — classifier-free guidance on a case where every score is exact.

The data are points in the plane from three classes ("prompts"), each a round Gaussian blob:
x0 | k ~ N(mu_k, SIGMA² I). Along the flow-matching path x_t = (1 − t) x0 + t·eps the conditional
and unconditional denoisers are both closed-form (see sims.denoising for the same algebra), so the
velocities v_cond = E[eps − x0 | x_t, k] and v_uncond = E[eps − x0 | x_t] are exact, and sampling
with guidance scale w integrates

    v = v_uncond + w · (v_cond − v_uncond)        (Ho & Salimans 2022)

from t = 1 to 0 with Euler steps, for the same 300 starting noises at every w. w = 0 ignores the
prompt, w = 1 is the plain conditional model, larger w extrapolates past it.
"""
from __future__ import annotations

import functools
import warnings

import numpy as np
import param

from .base import Sim

CLASS_NAMES = ("circle", "square", "triangle")
CENTRES = np.array([[-1.3, 0.0], [1.3, 0.0], [0.0, 1.8]])
SIGMA = 0.8
N_SAMPLES = 300
N_STEPS = 40
SAMPLE_SEED = 7


def _class_terms(x: np.ndarray, t: float):
    """Per-class posterior means and log-likelihoods of x_t: shapes (K, n, 2) and (K, n)."""
    s2 = (1 - t) ** 2 * SIGMA**2 + t**2
    diff = x[None] - (1 - t) * CENTRES[:, None]                       # (K, n, 2)
    log_lik = -np.sum(diff**2, axis=-1) / (2 * s2)
    means = CENTRES[:, None] + (1 - t) * SIGMA**2 / s2 * diff
    return means, log_lik


def velocities(x: np.ndarray, t: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact (v_cond for class k, v_uncond) at noise level t > 0 for points x of shape (n, 2)."""
    means, log_lik = _class_terms(x, t)
    w = np.exp(log_lik - log_lik.max(axis=0))
    w /= w.sum(axis=0)                                                 # p(class | x_t), (K, n)
    x0_uncond = np.einsum("kn,knd->nd", w, means)
    return (x - means[k]) / t, (x - x0_uncond) / t


@functools.lru_cache(maxsize=256)
def sample(w: float, k: int, n: int = N_SAMPLES, steps: int = N_STEPS, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Samples for prompt k at guidance scale w, from fixed starting noise: (n, 2), read-only.

    Cached: the view's curves re-use the same runs for every w and every readout.
    """
    x = np.random.default_rng(seed).standard_normal((n, 2))
    t = np.linspace(1.0, 0.0, steps + 1)
    for t_now, t_next in zip(t[:-1], t[1:]):
        v_cond, v_uncond = velocities(x, t_now, k)
        x = x + (t_next - t_now) * (v_uncond + w * (v_cond - v_uncond))
    x.flags.writeable = False
    return x


def adherence(samples: np.ndarray, k: int) -> float:
    """Prompt adherence: the mean probability the true data model gives the prompt's class, p(k | x)."""
    _, log_lik = _class_terms(samples, 0.0)
    p = np.exp(log_lik - log_lik.max(axis=0))
    return float(np.mean(p[k] / p.sum(axis=0)))


def typical(samples: np.ndarray, k: int) -> float:
    """Realism: share of samples within 2·SIGMA of the prompt's class centre (86.5% for real data)."""
    return float(np.mean(np.linalg.norm(samples - CENTRES[k], axis=1) < 2 * SIGMA))


def diversity(samples: np.ndarray) -> float:
    """Spread of the samples: RMS distance from their own mean (the data's class spread is SIGMA·√2)."""
    return float(np.sqrt(np.mean(np.sum((samples - samples.mean(axis=0)) ** 2, axis=1))))


TYPICAL_REAL = 1 - np.exp(-2.0)     # P(r < 2σ) for a round 2-D Gaussian


def overshoot(samples: np.ndarray, k: int) -> float:
    """How far the samples' mean has been pushed past the prompt's class centre (in units of SIGMA)."""
    return float(np.linalg.norm(samples.mean(axis=0) - CENTRES[k]) / SIGMA)


class Guidance(Sim):
    """Sample one prompt's class with classifier-free guidance of scale w."""

    w = param.Integer(default=3, bounds=(0, 12), label="Guidance scale w", doc="0 ignores the prompt; 1 is the plain conditional model.")
    prompt = param.Selector(default="circle", objects=list(CLASS_NAMES), label="Prompt", doc="Which class to ask for.")

    controls = ("w", "prompt")

    @property
    def k(self) -> int:
        return CLASS_NAMES.index(self.prompt)

    def samples(self) -> np.ndarray:
        return sample(self.w, self.k)


# --- our trained model ----------------------------------------------------------------------------
# The course's spacetime DiT (model/onnx) sampled at every w of the slider, with onnxruntime when the
# page is built (cached by sims.model_clips). The prompt is a colour/motion pair the model never saw
# in training (model.data.HELD_OUT), so the prompt's words have to be combined, not recalled.
REAL_PROMPT = "a green ball arcing from left to right"
REAL_FRAMES = 16
REAL_SEEDS = 16          # clips measured per w (seeds 0 .. 15)
REAL_SHOWN = 6           # of those, the first few are shown
REAL_VERSION = 2
REAL_W_VALUES = np.arange(0, 13)     # every value of the w slider (Guidance.w's bounds)


def trail(video: np.ndarray) -> np.ndarray:
    """All frames of a clip in one picture: each pixel from the frame where it differs most from the
    clip's per-pixel median, so a moving object leaves its whole path over a still background."""
    far = np.linalg.norm(video - np.median(video, axis=0), axis=-1)          # (F, H, W)
    pick = far.argmax(axis=0)
    return np.take_along_axis(video, pick[None, ..., None], axis=0)[0]       # (H, W, 3)


def object_path(video: np.ndarray) -> np.ndarray:
    """(F, 2) centre of the clip's main object, whatever its colour (NaN where too small to count)."""
    from model.evaluate import MIN_AREA, colour_masks

    masks = colour_masks(video)
    main = max(masks, key=lambda name: masks[name].sum())
    own = masks[main]
    area = own.sum(axis=(1, 2))
    ys, xs = np.mgrid[0:video.shape[1], 0:video.shape[2]] + 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        centres = np.stack([(own * xs).sum(axis=(1, 2)) / area, (own * ys).sum(axis=(1, 2)) / area], axis=1)
    return np.where((area >= MIN_AREA)[:, None], centres, np.nan)


def path_spread(paths: np.ndarray) -> float:
    """Diversity: RMS distance (px) of each clip's object from the clips' mean path, frame by frame."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # a frame with no object in any clip
        mean = np.nanmean(paths, axis=0)
        return float(np.sqrt(np.nanmean(np.sum((paths - mean) ** 2, axis=-1))))


def _real_sweep(sampler) -> dict[str, np.ndarray]:
    from model.evaluate import score
    from model.text import parse_prompt

    from .palette import palette_frames

    prompt, ws = parse_prompt(REAL_PROMPT), REAL_W_VALUES
    adherent = np.zeros((len(ws), REAL_SEEDS), np.float32)
    wrong = np.zeros((len(ws), REAL_SEEDS), np.float32)
    spread = np.zeros(len(ws), np.float32)
    trails = np.zeros((len(ws), REAL_SHOWN, 32, 32, 3), np.float32)
    for i, w in enumerate(ws):
        videos = [sampler.generate(REAL_PROMPT, frames=REAL_FRAMES, guidance=float(w), seed=seed).video
                  for seed in range(REAL_SEEDS)]
        for seed, video in enumerate(videos):
            s = score(video, prompt)
            adherent[i, seed] = s.presence >= 0.8 and s.direction_right
            wrong[i, seed] = s.wrong_pixels
        spread[i] = path_spread(np.stack([object_path(v) for v in videos]))
        trails[i] = [trail(v) for v in videos[:REAL_SHOWN]]
    frames, palette = palette_frames(trails)
    return {"w": ws.astype(np.float32), "adherent": adherent, "wrong_pixels": wrong, "spread": spread, "trails": frames,
            "palette": palette.astype(np.float32)}


def real_sweep() -> dict[str, np.ndarray]:
    """At each w in REAL_W_VALUES: adherent (w, seeds) 1 where the detector finds the prompt's colour in
    >= 80% of frames moving the prompt's way; wrong_pixels (w, seeds) the detector's mean pixels per frame
    in another object colour; spread (w,) the path_spread of the seeds' objects, px;
    trails (w, REAL_SHOWN, 32, 32) uint8 palette indices of trail(clip) with their palette (256, 3)."""
    from .model_clips import cached

    return cached("guidance", REAL_VERSION, _real_sweep)
