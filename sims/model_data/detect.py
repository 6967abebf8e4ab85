"""Reading the trained model's clips: model/evaluate.py's analytic detector (colour masks, centres,
the scores of the evaluation table), plus the few measures the sims add on top. Numpy only."""
from __future__ import annotations

import math
import warnings

import numpy as np


def measure(video: np.ndarray, prompt_text: str) -> dict[str, float | np.ndarray]:
    """The detector's readings of one clip (model.evaluate.score) plus the object's x per frame."""
    from model.evaluate import detect, score
    from model.text import parse_prompt

    prompt = parse_prompt(prompt_text)
    s = score(video, prompt)
    return {"largest_jump": s.largest_jump, "smoothness": s.smoothness, "flicker": s.flicker, "drift": s.drift,
            "presence": s.presence, "wrong_pixels": s.wrong_pixels,
            "reappears": float("nan") if s.reappears is None else float(s.reappears),
            "x": detect(video, prompt).centres[:, 0]}


def dominant_colour(video: np.ndarray) -> str:
    """The object colour (model.data.RGB) with the most pixels in these frames, or "none" below the
    detector's minimum area per frame."""
    from model.evaluate import MIN_AREA, colour_masks

    counts = {name: int(mask.sum()) for name, mask in colour_masks(video).items()}
    name = max(counts, key=counts.get)
    return name if counts[name] >= MIN_AREA * len(video) else "none"


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


def psnr(clip: np.ndarray, decoded: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two clips in [0, 1]: 10·log10(1 / mean squared error)."""
    mse = float(np.mean((np.asarray(clip, float) - np.asarray(decoded, float)) ** 2))
    return 10 * math.log10(1 / mse)
