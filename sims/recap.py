"""Chapter 9 — the course model, stage by stage: the shape of the tensor at every step of the pipeline.

Every shape follows from the architecture's rules (the model notes and chapter 9), so each can be
checked by hand. Shapes are written (channels, time, height, width) for volumes and
(tokens, width) for sequences:

    video     (3, F, H, W)                        F frames of H x W RGB pixels
    encoder   (3, F, H, W) -> (8, F/4, H/4, W/4)  4x fewer slices, 4x fewer cells per side, 8 channels
    latent    (8, T', H', W')                     training: x_t = (1 - t) x0 + t eps; generation: eps
    text      10 token ids -> (10, 128)           closed vocabulary, padded to 10 tokens
    patchify  (8, T', H', W') -> (N, 32) -> (N, 128)    1 x 2 x 2 cubes, N = T' (H'/2) (W'/2)
    DiT       (N, 128) -> ... -> (N, 32) -> (8, T', H', W')   6 blocks, then un-patchify: a velocity
    sampler   20 Euler steps, each a batch of 2 (prompt and null prompt, for guidance)
    decoder   (8, T', H', W') -> (3, F, H, W)

The course model takes clips of 8 to 32 frames in steps of 4, and frames of 32 x 32 only (its table
of positions covers an 8 x 8 latent, model/dit.py); the other frame sizes here follow the same
rules, for practice (sides that are multiples of 8, so the latent splits into whole 2 x 2 patches).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

RAW_CHANNELS = 3
LATENT_CHANNELS = 8
TIME_FACTOR, SPACE_FACTOR = 4, 4
PATCH = (1, 2, 2)            # (pt, ph, pw)
WIDTH = 128                  # d: the transformer's token width
BLOCKS = 6
HEADS = 4
TEXT_TOKENS = 10
STEPS = 20
GUIDED_BATCH = 2             # prompt and null prompt run together for classifier-free guidance

STAGES = ("video", "encoder", "latent", "text", "patchify", "DiT", "sampler", "decoder")

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Clip:
    frames: int
    height: int
    width: int

    @property
    def video(self) -> Shape:
        return (RAW_CHANNELS, self.frames, self.height, self.width)

    @property
    def latent(self) -> Shape:
        return (LATENT_CHANNELS, math.ceil(self.frames / TIME_FACTOR),
                math.ceil(self.height / SPACE_FACTOR), math.ceil(self.width / SPACE_FACTOR))

    @property
    def tokens(self) -> int:
        _, t, h, w = self.latent
        pt, ph, pw = PATCH
        return math.ceil(t / pt) * math.ceil(h / ph) * math.ceil(w / pw)

    @property
    def values_per_token(self) -> int:
        return LATENT_CHANNELS * math.prod(PATCH)

    def stage_shapes(self, stage: str) -> tuple[Shape | None, Shape]:
        """(shape going in, shape coming out) of one stage; None where nothing goes in."""
        n = self.tokens
        return {
            "video": (None, self.video),
            "encoder": (self.video, self.latent),
            "latent": (self.latent, self.latent),
            "text": ((TEXT_TOKENS,), (TEXT_TOKENS, WIDTH)),
            "patchify": (self.latent, (n, WIDTH)),
            "DiT": ((n, WIDTH), self.latent),
            "sampler": (self.latent, self.latent),
            "decoder": (self.latent, self.video),
        }[stage]


def values(shape: Shape) -> int:
    return math.prod(shape)


def fmt(shape: Shape | None) -> str:
    """(8, 4, 8, 8) as the course writes it; a 1-tuple without its trailing comma."""
    return "—" if shape is None else "(" + ", ".join(str(n) for n in shape) + ")"


class Recap(Sim):
    """The course model's pipeline, with the shapes a chosen clip takes at each stage."""

    stage = param.Selector(default="video", objects=list(STAGES), label="Stage",
                           doc="The stage of the pipeline to look at.")
    frames = param.Selector(default=16, objects=[8, 12, 16, 20, 24, 28, 32], label="Frames",
                            doc="Clip length; the model takes 8 to 32 frames in steps of 4.")
    height = param.Selector(default=32, objects=[16, 32, 64], label="Height (px)", doc="Frame height in pixels.")
    width = param.Selector(default=32, objects=[16, 32, 64], label="Width (px)", doc="Frame width in pixels.")

    controls = ("stage", "frames", "height", "width")

    def clip(self) -> Clip:
        return Clip(self.frames, self.height, self.width)

    def shapes(self) -> tuple[Shape | None, Shape]:
        return self.clip().stage_shapes(self.stage)


# --- the same shapes, read from the exported model ---------------------------------------------
# Build time runs the committed ONNX files (onnxruntime, never torch) on noise for every clip length
# the model takes and records what actually comes out: the denoiser's velocity, its self-attention
# maps (B, heads, N, N), its text encoder's, and the decoder's frames. Cached with the model files.
MODEL_SIZE = 32              # the frame side the exported model takes


def compute_model_shapes(sampler) -> dict[str, np.ndarray]:
    from .attention import load_graph, probe_session, self_attention

    graph = load_graph(sampler, "spacetime")
    weights = {init.name: tuple(init.dims) for init in graph.graph.initializer}
    session, _ = probe_session(sampler, "spacetime", graph)
    n_text = sampler.manifest.prompt_tokens
    ids = np.full((GUIDED_BATCH, n_text), sampler.manifest.null, np.int64)
    rows = []
    for frames in sampler.manifest.frame_choices:
        latent = np.concatenate([sampler.noise(frames, 0)] * GUIDED_BATCH)
        out = session.run(None, {"latent": latent, "t": np.full(GUIDED_BATCH, 0.5, np.float32), "ids": ids})
        attn = self_attention(out[1:], n_text)
        decoded = sampler.decode(latent[:1])
        rows.append([frames, *latent.shape, *out[0].shape, *attn[0].shape, len(attn), *decoded.shape])
    return {"rows": np.array(rows), "text_pos": np.array(weights["text.pos"])}   # (prompt tokens, width)


@functools.lru_cache(maxsize=1)
def model_shapes() -> dict[int, dict[str, Shape]]:
    """Per clip length: the shapes the exported model produced, batch dimension dropped."""
    from .model_clips import cached

    arrays = cached("recap-shapes", 1, compute_model_shapes)
    n_text, width = arrays["text_pos"].tolist()
    out = {}
    for row in arrays["rows"].tolist():
        frames, latent, velocity, attn, blocks, decoded = row[0], row[2:6], row[7:11], row[11:15], row[15], row[16:]
        tokens, heads = attn[-1], attn[1]
        out[frames] = {
            "latent": tuple(latent), "velocity": tuple(velocity), "tokens": (tokens, width),
            "text": (n_text, width), "video": (decoded[-1], *decoded[:-1]),      # the decoder gives (F, H, W, 3)
            "heads": heads, "blocks": blocks, "width": width,
        }
    return out


def measured_stage_shapes(frames: int, height: int, width: int) -> dict[str, tuple] | None:
    """(in, out) per stage as the exported model gives them, where the model runs; None for frame
    sizes it does not take. The encoder is not exported (generation never encodes): left out."""
    if (height, width) != (MODEL_SIZE, MODEL_SIZE) or frames not in model_shapes():
        return None
    m = model_shapes()[frames]
    return {"video": (None, m["video"]), "latent": (m["latent"], m["latent"]), "text": ((m["text"][0],), m["text"]),
            "patchify": (m["latent"], m["tokens"]), "DiT": (m["tokens"], m["velocity"]),
            "sampler": (m["latent"], m["velocity"]), "decoder": (m["latent"], m["video"])}
