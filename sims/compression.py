"""Chapter 2 — the spacetime latent: how much a video autoencoder shrinks a clip.

A clip of F frames of H x W RGB pixels is a (3, F, H, W) volume. A video autoencoder that
compresses time by `time_factor` and each spatial axis by `space_factor`, with C latent channels,
turns it into a (C, F / time_factor, H / space_factor, W / space_factor) latent. The sim draws both
volumes as boxes to scale (width x height x frames, one unit per pixel or frame) and reports the
number of values in each.

Factors that do not divide a size round up (the encoder pads the last slice), as real encoders do.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

RAW_CHANNELS = 3
# The course's own autoencoder (model issue): 16 frames of 32x32 RGB -> 8 channels, 4x time, 4x space.
COURSE_MODEL = dict(frames=16, size=32, time_factor=4, space_factor=4, channels=8)


@dataclass(frozen=True)
class Volume:
    channels: int
    frames: int
    height: int
    width: int

    @property
    def values(self) -> int:
        return self.channels * self.frames * self.height * self.width

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return (self.channels, self.frames, self.height, self.width)


def latent_volume(raw: Volume, time_factor: int, space_factor: int, channels: int) -> Volume:
    return Volume(
        channels,
        math.ceil(raw.frames / time_factor),
        math.ceil(raw.height / space_factor),
        math.ceil(raw.width / space_factor),
    )


# Oblique projection used to draw a (width, height, depth=frames) box on a flat plot.
DEPTH_DX, DEPTH_DY = math.cos(math.radians(35)), math.sin(math.radians(35))


def box_faces(width: float, height: float, depth: float) -> dict[str, np.ndarray]:
    """Corner coordinates of a box's three visible faces, each a closed 5-point polygon.

    The front face sits at the origin; depth (time) recedes up and to the right.
    """
    dx, dy = depth * DEPTH_DX, depth * DEPTH_DY
    front = [(0, 0), (width, 0), (width, height), (0, height), (0, 0)]
    top = [(0, height), (width, height), (width + dx, height + dy), (dx, height + dy), (0, height)]
    side = [(width, 0), (width + dx, dy), (width + dx, height + dy), (width, height), (width, 0)]
    faces = {}
    for name, pts in (("front", front), ("top", top), ("side", side)):
        arr = np.asarray(pts, dtype=float)
        faces[f"{name}_x"], faces[f"{name}_y"] = arr[:, 0], arr[:, 1]
    return faces


class Compression(Sim):
    """A raw clip and its spacetime latent, side by side."""

    frames = param.Selector(default=64, objects=[16, 32, 64, 128], label="Frames in the clip", doc="Frames in the clip.")
    size = param.Selector(default=512, objects=[256, 512, 1024], label="Frame size (px per side)", doc="Frame width and height, pixels.")
    time_factor = param.Selector(default=4, objects=[1, 2, 4, 8], label="Time compression (×)", doc="How many frames merge into one latent slice.")
    space_factor = param.Selector(default=8, objects=[1, 2, 4, 8, 16], label="Space compression per axis (×)",
                                  doc="How many pixels per axis merge into one latent cell.")
    channels = param.Selector(default=16, objects=[4, 8, 16], label="Latent channels", doc="Channels per latent cell.")

    controls = ("frames", "size", "time_factor", "space_factor", "channels")

    def raw(self) -> Volume:
        return Volume(RAW_CHANNELS, self.frames, self.size, self.size)

    def latent(self) -> Volume:
        return latent_volume(self.raw(), self.time_factor, self.space_factor, self.channels)

    def ratio(self) -> float:
        return self.raw().values / self.latent().values

    # The largest raw box any control setting draws: the view fixes its axes to it so every
    # setting is drawn to the same scale.
    @classmethod
    def largest_extent(cls) -> tuple[float, float]:
        size = max(cls.param.size.objects)
        depth = max(cls.param.frames.objects)
        return size + depth * DEPTH_DX, size + depth * DEPTH_DY


# --- the course's own autoencoder on real clips ------------------------------------------------
# `make export-onnx` encodes a few fresh training-style clips (the encoder is not exported: the
# browser never encodes) and stores clip and latent in model/onnx/encoded_examples.npz. Build time
# decodes each latent with decoder.onnx on onnxruntime and measures how close the result is.
EXAMPLES_FILE = "encoded_examples.npz"
SHOWN = 0                       # the example the page draws


def psnr(clip: np.ndarray, decoded: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two clips in [0, 1]: 10·log10(1 / mean squared error)."""
    mse = float(np.mean((np.asarray(clip, float) - np.asarray(decoded, float)) ** 2))
    return 10 * math.log10(1 / mse)


def compute_examples(sampler) -> dict[str, np.ndarray]:
    from .model_clips import ModelUnavailable

    path = sampler.dir / EXAMPLES_FILE
    if not path.exists():
        raise ModelUnavailable(f"{path} is missing: run `make export-onnx`")
    with np.load(path) as blob:
        video, latent, prompt = blob["video"], blob["latent"], blob["prompt"]
    decoded = np.stack([sampler.decode(z[None]) for z in latent])             # (n, F, H, W, 3) in [0, 1]
    return {"video": video, "latent": latent, "prompt": prompt,
            "decoded": np.round(np.clip(decoded, 0, 1) * 255).astype(np.uint8),
            "psnr": np.array([psnr(v / 255, d) for v, d in zip(video, decoded)])}


@functools.lru_cache(maxsize=1)
def examples() -> dict[str, np.ndarray]:
    """Real clips (uint8), their latents, decoded clips (uint8) and PSNR in dB, cached with the model files."""
    from .model_clips import cached

    return cached("compression", 1, compute_examples)
