"""Frames as one byte per pixel: indices into a small palette fitted to the frames.

The model-backed sims ship real clips in their pages. A 32 x 32 frame costs 1 kB as indices into
one shared palette instead of 4 kB as RGBA; Bokeh draws the indices with a LinearColorMapper over
`hex_palette(palette)`.
"""
from __future__ import annotations

import numpy as np

PALETTE_SIZE = 256                           # frames travel as uint8 colour indices: 1 kB per frame


def palette_frames(videos: np.ndarray, size: int = PALETTE_SIZE, rounds: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(..., H, W, 3) frames in [0, 1] -> (uint8 indices (..., H, W), palette (size, 3)).

    A page ships a 32 x 32 frame as 1 kB of indices into one shared palette instead of 4 kB of RGBA;
    the palette is a k-means fit (`rounds` Lloyd steps) to all the pixels, so the colours that occur
    most are kept best.
    """
    pixels = videos.reshape(-1, 3).astype(np.float32)
    rng = np.random.default_rng(0)
    centres = pixels[rng.choice(len(pixels), size, replace=False)]
    for _ in range(rounds + 1):
        index = _nearest(pixels, centres)
        counts = np.bincount(index, minlength=size)
        sums = np.stack([np.bincount(index, pixels[:, c], minlength=size) for c in range(3)], axis=1)
        used = counts > 0
        centres[used] = sums[used] / counts[used, None]
    return _nearest(pixels, centres).astype(np.uint8).reshape(videos.shape[:-1]), np.clip(centres, 0, 1)


def index_frames(frames: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """(..., H, W, 3) frames -> uint8 indices of their nearest palette colours (a palette fitted to
    other frames too, so clips of different sizes can share one)."""
    return _nearest(frames.reshape(-1, 3).astype(np.float32), palette).astype(np.uint8).reshape(frames.shape[:-1])


def _nearest(pixels: np.ndarray, centres: np.ndarray, chunk: int = 32768) -> np.ndarray:
    """Index of the nearest centre for every pixel, a chunk at a time (memory stays small)."""
    out = np.empty(len(pixels), np.int64)
    c2 = (centres**2).sum(axis=1)
    for i in range(0, len(pixels), chunk):
        p = pixels[i:i + chunk]
        out[i:i + chunk] = np.argmin(c2[None] - 2 * p @ centres.T, axis=1)
    return out


def hex_palette(palette: np.ndarray) -> list[str]:
    return ["#%02x%02x%02x" % tuple(int(round(255 * c)) for c in rgb) for rgb in palette]
