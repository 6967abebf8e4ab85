"""How faithful a reconstruction is, measured against the real clip it came from (numpy only).

Every function takes videos (F, H, W, 3) in [0, 1] and, where it needs it, the real clip's ground
truth (`model.data.Clip`), so one set of functions scores every shape, length and still image:

- `psnr`: the whole clip, in dB.
- `background_chroma`: mean max(RGB) - min(RGB) over background pixels (the HSV chroma): how
  coloured the backgrounds are. Real clips have about 0.065; a decoder that greys them out less.
- `background_colour_error`: mean |recon - real| over background pixels and channels.
- `fill_ratio`: the detected object's pixels over its bounding box, for frames where it is fully
  in view: about 0.80 for a ball (pi/4 of its box), 1.00 for a square; soft edges push both apart.
- `still_change`: mean |frame_t - frame_t-1| over pixels that do not change in the real clip
  (the still background): the decoder's shimmer, which every generated clip inherits as flicker.

Background pixels are the ground truth's: at least `MARGIN` px away from the object in every frame
and not on the wall. `score_clip` gathers them all; `summarise` averages over clips.
"""
from __future__ import annotations

import numpy as np

from .data import RGB, Clip, wall_coverage

MARGIN = 2              # px kept clear around the object when measuring the background
COLOUR_RADIUS = 0.3     # RGB distance that counts as the object's colour (as model/evaluate.py)
MIN_FILL_AREA = 12      # detected pixels below this: no fill ratio for that frame


def psnr(recon: np.ndarray, real: np.ndarray) -> float:
    """PSNR in dB of [0, 1] videos (recon clipped to [0, 1])."""
    mse = float(np.mean((np.clip(recon, 0, 1) - real) ** 2))
    return 10 * np.log10(1 / max(mse, 1e-12))


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """Boolean (..., H, W) grown by r pixels (a square neighbourhood), without wrapping round."""
    out = mask.copy()
    h, w = mask.shape[-2:]
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            shifted = np.zeros_like(mask)
            shifted[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
                mask[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
            out |= shifted
    return out


def background_mask(clip: Clip) -> np.ndarray:
    """(H, W) bool: pixels that are background in every frame (MARGIN px off the object, off the wall)."""
    h, w = clip.video.shape[1:3]
    near = _dilate((clip.mask > 0).any(axis=0), MARGIN)
    wall = wall_coverage(w, h) > 0 if clip.prompt.wall else np.zeros((h, w), bool)
    return ~near & ~wall


def chroma(video: np.ndarray) -> np.ndarray:
    """Per-pixel HSV chroma, max - min over RGB: (..., 3) -> (...)."""
    return video.max(axis=-1) - video.min(axis=-1)


def background_chroma(video: np.ndarray, background: np.ndarray) -> float:
    return float(chroma(np.clip(video, 0, 1))[:, background].mean())


def background_colour_error(recon: np.ndarray, real: np.ndarray, background: np.ndarray) -> float:
    return float(np.abs(np.clip(recon, 0, 1) - real)[:, background].mean())


def fill_ratios(video: np.ndarray, clip: Clip) -> np.ndarray:
    """Fill ratio per frame where the object is wholly in view (nan elsewhere): pixels within
    COLOUR_RADIUS of the prompt's colour over the area of their bounding box."""
    h, w = video.shape[1:3]
    own = np.linalg.norm(video - RGB[clip.prompt.colour], axis=-1) < COLOUR_RADIUS   # (F, H, W)
    blocked = wall_coverage(w, h) if clip.prompt.wall else np.zeros((h, w), np.float32)
    out = np.full(len(video), np.nan)
    for f in range(len(video)):
        m = clip.mask[f] > 0
        ys, xs = np.nonzero(m)
        inside = ys.min() > 0 and xs.min() > 0 and ys.max() < h - 1 and xs.max() < w - 1
        if not inside or (m * blocked).any():
            continue
        ys, xs = np.nonzero(own[f])
        if len(ys) >= MIN_FILL_AREA:
            out[f] = len(ys) / ((ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1))
    return out


def still_change(video: np.ndarray, clip: Clip) -> float:
    """Mean |frame_t - frame_t-1| (over channels) on pixels that stay still in the real clip; nan
    for one frame. For a still image that is every pixel."""
    if len(video) < 2:
        return float("nan")
    real_change = np.abs(np.diff(clip.video, axis=0)).max(axis=-1)          # (F-1, H, W)
    moving = _dilate(real_change > 0, MARGIN)
    change = np.abs(np.diff(np.clip(video, 0, 1), axis=0)).mean(axis=-1)
    still = ~moving
    return float(change[still].mean()) if still.any() else float("nan")


def score_clip(recon: np.ndarray, clip: Clip) -> dict:
    """Every measure for one reconstruction of `clip` (both (F, H, W, 3) in [0, 1])."""
    background = background_mask(clip)
    fills = fill_ratios(recon, clip)
    real_fills = fill_ratios(clip.video, clip)
    return {
        "psnr": psnr(recon, clip.video),
        "chroma": background_chroma(recon, background),
        "real_chroma": background_chroma(clip.video, background),
        "colour_error": background_colour_error(recon, clip.video, background),
        "fill": float(np.nanmean(fills)) if np.isfinite(fills).any() else float("nan"),
        "real_fill": float(np.nanmean(real_fills)) if np.isfinite(real_fills).any() else float("nan"),
        "still_change": still_change(recon, clip),
        "shape": clip.prompt.shape,
    }


def summarise(scores: list[dict]) -> dict:
    """Means over clips; PSNR from the mean MSE (not the mean of dBs); fill ratio per object shape."""
    mean = lambda key, rows=scores: float(np.nanmean([r[key] for r in rows])) if rows else float("nan")  # noqa: E731
    out = {"clips": len(scores),
           "psnr": float(10 * np.log10(1 / np.mean([10 ** (-r["psnr"] / 10) for r in scores]))),
           "chroma": mean("chroma"), "real_chroma": mean("real_chroma"), "colour_error": mean("colour_error"),
           "still_change": mean("still_change")}
    for shape in ("ball", "square"):
        rows = [r for r in scores if r["shape"] == shape and np.isfinite(r["fill"])]
        out[f"fill_{shape}"], out[f"real_fill_{shape}"] = mean("fill", rows), mean("real_fill", rows)
    return out
