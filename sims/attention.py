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
SOURCES = ("hand-set", "learned")   # the toy layer above, or the trained DiT (end of this file)


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
        return attention(self.model) if self.source == "hand-set" else learned_attention(self.model)

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


# --- the course's trained DiT -----------------------------------------------------------------
# The same picture for the real model: the spacetime DiT generates a clip from PROMPT (seed 0, 20
# guided steps), and at the middle step (t = 0.5) both denoisers read the same noisy latent. Its 16
# frames become 4 latent slices of 4 x 4 patches (1 slice x 2 x 2 cells = 4 frames x 8 x 8 px), so
# token = 16·slice + 4·row + col, laid out like the hand-set clip's 4 frames. The weights are the
# ONNX graph's own self-attention softmax outputs, for the prompt's half of the guidance batch,
# averaged over the 4 heads and the 6 blocks. Computed with onnxruntime at build time (never torch)
# and cached with the model files' hash (sims/model_clips.py).
PROMPT = "a red ball bouncing from left to right"
SEED, STEPS, GUIDANCE = 0, 20, 3.0
PROBE_STEP = STEPS // 2 + 1   # counted from 1, like every sampler's steps: step 11 of 20 starts at t = 0.5
FRAMES_PER_SLICE = 4


def load_graph(sampler, kind: str):
    """The exported network `kind` as an onnx ModelProto with its weights inline (model/onnx_weights.py)."""
    import onnx   # build time only: reads the graph; nothing here imports torch

    from model.onnx_weights import session_bytes

    return onnx.load_from_string(session_bytes(sampler.dir, sampler.manifest.files[kind], sampler.manifest.raw))


def probe_session(sampler, kind: str, graph=None):
    """The exported denoiser with every Softmax output made a graph output: (session, softmax names).
    `graph` is the network's ModelProto when the caller has loaded it already (it is edited here)."""
    import onnx

    graph = graph if graph is not None else load_graph(sampler, kind)
    names = [node.output[0] for node in graph.graph.node if node.op_type == "Softmax"]
    for name in names:
        graph.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = sampler._ort.InferenceSession(graph.SerializeToString(), sampler._options,
                                            providers=["CPUExecutionProvider"])
    return session, names


def self_attention(outputs: list[np.ndarray], prompt_tokens: int) -> list[np.ndarray]:
    """The self-attention maps among a denoiser's softmax outputs, block by block.

    The text encoder's are (B, heads, 10, 10) and cross-attention's (B, heads, N, 10); self-attention's
    are square over the latent's tokens: (B, heads, N, N), or (B·slices, heads, 16, 16) per-frame."""
    return [o for o in outputs if o.shape[-1] == o.shape[-2] and o.shape[-1] != prompt_tokens]


def token_matrix(maps: np.ndarray, slices: int) -> np.ndarray:
    """One block's map for the prompt's batch element, heads averaged, as (N, N) over all tokens.

    A per-frame map (B·slices, heads, 16, 16) goes on the diagonal: the model never computes a
    weight between slices, so those entries are exactly 0."""
    n = maps.shape[-1]
    if n == slices * PER_FRAME:                                    # spacetime: (B, heads, N, N)
        return maps[0].mean(axis=0)
    full = np.zeros((slices * PER_FRAME, slices * PER_FRAME), np.float32)
    for s in range(slices):                                        # model/dit.py: rows b·slices + s
        full[s * n:(s + 1) * n, s * n:(s + 1) * n] = maps[s].mean(axis=0)
    return full


def compute_learned(sampler) -> dict[str, np.ndarray]:
    """Generate the clip, keep the latent at PROBE_STEP, and read both denoisers' attention on it."""
    ids = sampler.tokenize(PROMPT).ids
    kept = {}

    def keep(step) -> None:                    # model.flow.Step
        if step.step == PROBE_STEP:
            kept["probe"], kept["t"] = step.latent.copy(), step.t

    x = sampler.denoise("spacetime", sampler.noise(N_FRAMES * FRAMES_PER_SLICE, SEED), ids, STEPS, GUIDANCE,
                        on_step=keep)
    probe = kept["probe"]
    video = sampler.decode(x)
    blocks, shapes = [], []
    for kind in MODELS:
        session, _ = probe_session(sampler, kind)
        feeds = {"latent": np.concatenate([probe, probe]), "t": np.full(2, kept["t"], np.float32),
                 "ids": sampler.pair_ids(ids)}
        maps = self_attention(session.run(None, feeds)[1:], sampler.manifest.prompt_tokens)
        blocks.append(np.stack([token_matrix(m, N_FRAMES) for m in maps]))
        shapes.append(maps[0].shape)
    return {"video": np.round(np.clip(video, 0, 1) * 255).astype(np.uint8),   # (16, 32, 32, 3)
            "blocks": np.stack(blocks).astype(np.float32),                      # (2 models, 6, 64, 64)
            "map_shapes": np.array(shapes), "t": np.array(kept["t"], np.float32)}


@functools.lru_cache(maxsize=1)
def learned() -> dict[str, np.ndarray]:
    """The cached real-model arrays (see compute_learned). Read-only."""
    from .model_clips import cached

    arrays = cached("attention", 1, compute_learned)
    for value in arrays.values():
        value.flags.writeable = False
    return arrays


@functools.lru_cache(maxsize=2)
def learned_attention(model: str) -> np.ndarray:
    """The trained DiT's attention over the 64 tokens, heads and blocks averaged: (N, N), rows sum to 1."""
    weights = learned()["blocks"][MODELS.index(model)].mean(axis=0).astype(np.float64)
    weights.flags.writeable = False
    return weights


def learned_frames() -> np.ndarray:
    """One frame per latent slice (its second of four), for the picture: (N_FRAMES, SIZE, SIZE, 3) in [0, 1]."""
    video = learned()["video"]
    return video[1::FRAMES_PER_SLICE].astype(float) / 255
