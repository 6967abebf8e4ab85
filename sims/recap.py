"""Chapter 9 — the course model, stage by stage: the shape of the tensor at every step of the pipeline.

Every shape follows from the architecture's rules (the model notes and chapter 9), so each can be
checked by hand. Shapes are written (channels, time, height, width) for volumes and
(tokens, width) for sequences:

    video     (3, F, H, W)                        F frames of H x W RGB pixels
    encoder   (3, F, H, W) -> (8, F/4, H/4, W/4)  4x fewer slices, 4x fewer cells per side, 8 channels
    latent    (8, T', H', W')                     training: x_t = (1 - t) x0 + t eps; generation: eps
    text      12 token ids -> (12, 128)           closed vocabulary, padded to 12 tokens
    patchify  (8, T', H', W') -> (N, 32) -> (N, 128)    1 x 2 x 2 cubes, N = T' (H'/2) (W'/2)
    DiT       (N, 128) -> ... -> (N, 32) -> (8, T', H', W')   6 blocks, then un-patchify: a velocity
    sampler   20 Euler steps, each a batch of 2 (prompt and null prompt, for guidance)
    decoder   (8, T', H', W') -> (3, F, H, W)

The course model takes clips of 8 to 32 frames in steps of 4, and frames of 32 x 32 only (its table
of positions covers an 8 x 8 latent, model/dit.py); the other frame sizes here follow the same
rules, for practice (sides that are multiples of 8, so the latent splits into whole 2 x 2 patches).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import param

from model import manifest

from .base import Sim

# The course model's numbers, as its export describes it (model/manifest.py).
_MODEL = manifest.load()
RAW_CHANNELS = 3
LATENT_CHANNELS = _MODEL.latent_channels
TIME_FACTOR, SPACE_FACTOR = _MODEL.frames_per_slice, _MODEL.space_factor
PATCH = (1, _MODEL.patch, _MODEL.patch)      # (pt, ph, pw)
WIDTH = _MODEL.dit["width"]                  # d: the transformer's token width
BLOCKS = _MODEL.dit["depth"]
HEADS = _MODEL.dit["heads"]
TEXT_TOKENS = _MODEL.prompt_tokens
STEPS = int(_MODEL.steps.default)
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
    frames = param.Selector(default=16, objects=list(_MODEL.frame_choices), label="Frames",
                            doc="Clip length; the model takes 8 to 32 frames in steps of 4.")
    height = param.Selector(default=32, objects=[16, 32, 64], label="Height (px)", doc="Frame height in pixels.")
    width = param.Selector(default=32, objects=[16, 32, 64], label="Width (px)", doc="Frame width in pixels.")

    controls = ("stage", "frames", "height", "width")

    def clip(self) -> Clip:
        return Clip(self.frames, self.height, self.width)

    def shapes(self) -> tuple[Shape | None, Shape]:
        return self.clip().stage_shapes(self.stage)
