"""Chapter 4 — one self-attention layer over the patches of a short clip, computed exactly.

The clip: 4 frames of 32 x 32 pixels, a pale sky with a red ball hopping left to right. Each frame is
cut into a 4 x 4 grid of 8 x 8-pixel patches, so the sequence holds 4 x 16 = 64 tokens, numbered
token = 16·frame + 4·row + col.

Each token's feature vector x has 9 numbers (d = 9):

* colour (3): the mean RGB of the patch's pixels minus the mean over the whole clip, so the sky
  is close to zero and the ball stands out;
* position (6): a sin-cos code, sin and cos of 45° times the frame, the row and the column.

Queries and keys are projections of x by fixed diagonal matrices, W_q = W_k = diag(7, 7, 7, 1, 1, 1.2,
1.2, 1.2, 1.2): colour weighs 7, the time code 1, each spatial code 1.2. The score of token i for token j is
q_i·k_j / sqrt(d), which works out to

    ( 49 · colour_i·colour_j  +  1.44 · (cos 45°Δrow + cos 45°Δcol)  +  cos 45°Δframe ) / 3

so two patches score high when they have the same colour, and a little higher when they are close in
space or in time. A row of attention weights is softmax over the scores (Vaswani et al. 2017).

The per-frame model is the same layer with one change, the one the course's per-frame baseline
makes: scores to patches of other frames are masked to -inf before the softmax, so each patch shares
its attention among the 16 patches of its own frame and gives exactly 0 to every other frame.

These weights are hand-set, not learned; they are chosen so the numbers can be checked by hand.
A trained DiT learns its own W_q and W_k, over many heads and layers.
"""
from __future__ import annotations

import functools

import numpy as np
import param

from .base import Sim

N_FRAMES = 4
SIZE = 32                          # px per side of a frame
PATCH = 8                          # px per side of a patch
GRID = SIZE // PATCH               # patches per side of a frame
PER_FRAME = GRID * GRID            # 16 patches in a frame
N_PATCHES = N_FRAMES * PER_FRAME   # 64 tokens

# The ball's centre in each frame (x, y in px, y counted down from the top), one patch per frame.
BALL = ((4.0, 20.0), (12.0, 12.0), (20.0, 12.0), (28.0, 20.0))
BALL_RADIUS = 3.6
BALL_RGB = (0.86, 0.20, 0.20)
SKY_TOP = (0.62, 0.78, 0.95)
SKY_BOTTOM = (0.86, 0.91, 0.97)

ANGLE = np.pi / 4                  # the position code turns 45° per frame, row or column
COLOUR_WEIGHT = 7.0
SPACE_WEIGHT = 1.2
TIME_WEIGHT = 1.0
# Feature order: colour (3), then [sin, cos] of frame, row, col. One diagonal matrix serves as both
# W_q and W_k, so the score is a weighted dot product a reader can work out by hand.
W_Q = W_K = np.diag([COLOUR_WEIGHT] * 3 + [TIME_WEIGHT] * 2 + [SPACE_WEIGHT] * 4)   # (9, 9)
D = W_Q.shape[0]

MODELS = ("spacetime", "per-frame")
SOURCES = ("hand-set", "learned")   # the toy layer above, or the trained DiT (sims/model_data/attention.py)


def clip() -> np.ndarray:
    """The clip's pixels: (N_FRAMES, SIZE, SIZE, 3) RGB in [0, 1], row 0 at the top."""
    v, u = np.mgrid[0:SIZE, 0:SIZE] + 0.5                 # pixel centres
    depth = (v / SIZE)[..., None]
    sky = np.array(SKY_TOP) * (1 - depth) + np.array(SKY_BOTTOM) * depth
    frames = np.repeat(sky[None], N_FRAMES, axis=0)
    for f, (x, y) in enumerate(BALL):
        frames[f][np.hypot(u - x, v - y) < BALL_RADIUS] = BALL_RGB
    return frames


def token(frame: int, row: int, col: int) -> int:
    return frame * PER_FRAME + row * GRID + col


def where(i: int) -> tuple[int, int, int]:
    """(frame, row, col) of token i."""
    return i // PER_FRAME, (i % PER_FRAME) // GRID, i % GRID


def grid_positions() -> np.ndarray:
    """(N_PATCHES, 3) integer (frame, row, col) of every token, in token order."""
    return np.array([where(i) for i in range(N_PATCHES)])


def patch_colours(frames: np.ndarray) -> np.ndarray:
    """Mean colour of each patch: (N_PATCHES, 3), in token order."""
    blocks = frames.reshape(N_FRAMES, GRID, PATCH, GRID, PATCH, 3)     # (T, row, py, col, px, 3)
    return blocks.mean(axis=(2, 4)).reshape(N_PATCHES, 3)


def position_code(positions: np.ndarray) -> np.ndarray:
    """Sin-cos code of (frame, row, col): (N, 6) = [sin, cos] of 45° times each."""
    angles = ANGLE * positions                                          # (N, 3)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(len(positions), 6)


def features(frames: np.ndarray) -> np.ndarray:
    """Token features x: (N_PATCHES, 9) = [centred colour (3), position code (6)]."""
    colours = patch_colours(frames)
    return np.concatenate([colours - colours.mean(axis=0), position_code(grid_positions())], axis=1)


def scores(x: np.ndarray) -> np.ndarray:
    """Attention scores q_i·k_j / sqrt(d): (N, N)."""
    q, k = x @ W_Q.T, x @ W_K.T                          # (N, 9) each
    return q @ k.T / np.sqrt(D)


def softmax_rows(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=1, keepdims=True))      # masked entries are -inf: exp gives exactly 0
    return e / e.sum(axis=1, keepdims=True)


@functools.lru_cache(maxsize=2)
def attention(model: str) -> np.ndarray:
    """Every token's attention weights over every token: (N, N), rows sum to 1. Read-only."""
    s = scores(features(clip()))
    if model == "per-frame":
        frame = grid_positions()[:, 0]
        s = np.where(frame[:, None] == frame[None, :], s, -np.inf)
    elif model != "spacetime":
        raise ValueError(f"unknown model {model!r}")
    weights = softmax_rows(s)
    weights.flags.writeable = False
    return weights


def ball_tokens() -> list[int]:
    """The token holding the ball in each frame."""
    return [token(f, int(y // PATCH), int(x // PATCH)) for f, (x, y) in enumerate(BALL)]


class Attention(Sim):
    """Pick a patch; see how its attention splits between its own frame (space) and the others (time)."""

    patch = param.Integer(default=token(1, 1, 1), bounds=(0, N_PATCHES - 1), label="Selected patch",
                          doc="Token number 16·frame + 4·row + col; click a patch or use the arrow keys.")
    model = param.Selector(default="spacetime", objects=list(MODELS), label="Attention",
                           doc="spacetime: every patch may attend to all 64; per-frame: only to its own frame's 16.")

    source = param.Selector(default="hand-set", objects=list(SOURCES), label="Weights",
                            doc="hand-set: the toy layer above, on a drawn clip; learned: the course's trained DiT "
                                "on a clip it generated (heads and blocks averaged).")

    controls = ("patch", "model", "source")

    def matrix(self) -> np.ndarray:
        """Every token's weights over every token, for the chosen model and source: (64, 64)."""
        if self.source == "hand-set":
            return attention(self.model)
        from .model_data import attention as learned     # the trained DiT's, read on demand

        return learned.matrix(self.model)

    def weights(self) -> np.ndarray:
        """The selected patch's attention weights over all 64 tokens."""
        return self.matrix()[self.patch]

    def same_frame(self) -> np.ndarray:
        """Boolean mask of the tokens in the selected patch's frame (itself included)."""
        return grid_positions()[:, 0] == where(self.patch)[0]

    def space_share(self) -> float:
        """Attention on the selected patch's own frame, itself included."""
        return float(self.weights()[self.same_frame()].sum())

    def time_share(self) -> float:
        """Attention on the other frames."""
        return float(self.weights()[~self.same_frame()].sum())

    def frame_shares(self) -> np.ndarray:
        """Attention on each frame: (N_FRAMES,)."""
        return self.weights().reshape(N_FRAMES, PER_FRAME).sum(axis=1)
