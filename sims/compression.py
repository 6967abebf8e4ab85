"""Chapter 2 — the spacetime latent: how much a video autoencoder shrinks a clip.

A clip of F frames of H x W RGB pixels is a (3, F, H, W) volume. A video autoencoder that
compresses time by `time_factor` and each spatial axis by `space_factor`, with C latent channels,
turns it into a (C, F / time_factor, H / space_factor, W / space_factor) latent. The sim draws both
volumes as boxes to scale (width x height x frames, one unit per pixel or frame) and reports the
number of values in each.

Factors that do not divide a size round up (the encoder pads the last slice), as real encoders do.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

RAW_CHANNELS = 3


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
