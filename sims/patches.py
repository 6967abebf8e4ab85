"""Chapter 3 — spacetime patches: how a clip's latent is cut into tokens, and how many there are.

The clip goes through the course's own autoencoder first (sims.compression, chapter 2): 4x fewer
time-slices and 4x fewer cells along each side, so F frames of H x W pixels become a latent of

    T' = ceil(F / 4) slices,  H' = H / 4 rows,  W' = W / 4 columns      (8 channels per cell)

An image is a clip of one frame, so T' = ceil(1 / 4) = 1: a single slice. The latent is then cut
into cubes ("tubelets", ViViT) of pt slices x ps rows x ps columns; each cube becomes one token:

    tokens = ceil(T' / pt) x ceil(H' / ps) x ceil(W' / ps)

When a patch size does not divide a side, the latent is padded with zeros at the end of that side
(the bottom rows, the right columns, the last slices) up to the next multiple, so the last cubes
are partly padding. Tokens are numbered the way a reshape flattens them: time-major, then rows top
to bottom, then columns left to right.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import param

from model import manifest

from .base import Sim

# The course's autoencoder (chapter 2): 4x in time, 4x per spatial axis, 8 channels.
_MODEL = manifest.load()     # the course model's compression and channels (model/manifest.py)
TIME_FACTOR, SPACE_FACTOR, CHANNELS = _MODEL.frames_per_slice, _MODEL.space_factor, _MODEL.latent_channels

# Frame size in pixels (height, width) per aspect. Landscape is 16:9, like the 512 x 288 example
# in the chapter's prose, at the course model's scale; "image" is one 32 x 32 frame.
ASPECTS = {
    "landscape": (36, 64),
    "square": (32, 32),
    "portrait": (64, 36),
    "image": (32, 32),
}


@dataclass(frozen=True)
class Grid:
    """A latent of T' x H' x W' cells cut into pt x ps x ps cubes."""

    slices: int     # T'
    rows: int       # H'
    cols: int       # W'
    pt: int
    ps: int

    @property
    def counts(self) -> tuple[int, int, int]:
        """Tokens along time, rows and columns."""
        return (math.ceil(self.slices / self.pt), math.ceil(self.rows / self.ps), math.ceil(self.cols / self.ps))

    @property
    def tokens(self) -> int:
        nt, nh, nw = self.counts
        return nt * nh * nw

    @property
    def per_slice(self) -> int:
        """Tokens in one layer of cubes (one group of pt slices)."""
        _, nh, nw = self.counts
        return nh * nw

    @property
    def padded(self) -> tuple[int, int, int]:
        """The latent's size after zero-padding each side up to a multiple of its patch size."""
        nt, nh, nw = self.counts
        return nt * self.pt, nh * self.ps, nw * self.ps

    @property
    def real_cells(self) -> int:
        return self.slices * self.rows * self.cols

    @property
    def padding_cells(self) -> int:
        t, h, w = self.padded
        return t * h * w - self.real_cells

    def token_index(self) -> np.ndarray:
        """Token number of every cell of the padded latent: int array (T'pad, H'pad, W'pad)."""
        _, nh, nw = self.counts
        t, h, w = np.indices(self.padded)
        return (t // self.pt) * nh * nw + (h // self.ps) * nw + (w // self.ps)

    def is_padding(self) -> np.ndarray:
        """True for the zero cells added by padding: bool array (T'pad, H'pad, W'pad)."""
        t, h, w = np.indices(self.padded)
        return (t >= self.slices) | (h >= self.rows) | (w >= self.cols)


def latent_size(frames: int, height: int, width: int) -> tuple[int, int, int]:
    """(T', H', W') of a clip through the course's autoencoder (the encoder pads a last short group)."""
    return (math.ceil(frames / TIME_FACTOR), math.ceil(height / SPACE_FACTOR), math.ceil(width / SPACE_FACTOR))


class Patches(Sim):
    """A clip's latent, cut into spacetime cubes, one token each."""

    frames = param.Selector(default=16, objects=list(_MODEL.frame_choices), label="Frames in the clip",
                            doc="Clip length in frames (ignored for an image, which is one frame).")
    pt = param.Selector(default=1, objects=[1, 2, 4], label="Patch depth pt (slices)",
                        doc="Latent time-slices per cube.")
    ps = param.Selector(default=2, objects=[1, 2, 4], label="Patch side ps (cells)",
                        doc="Latent cells per cube along height and along width (square patches).")
    aspect = param.Selector(default="square", objects=list(ASPECTS), label="Shape",
                            doc="Frame shape; 'image' is a single 32 x 32 frame.")

    controls = ("frames", "pt", "ps", "aspect")

    def clip(self) -> tuple[int, int, int]:
        """(frames, height, width) in pixels."""
        height, width = ASPECTS[self.aspect]
        return (1 if self.aspect == "image" else self.frames), height, width

    def grid(self) -> Grid:
        return Grid(*latent_size(*self.clip()), pt=self.pt, ps=self.ps)

    def values_per_token(self) -> int:
        return self.pt * self.ps * self.ps * CHANNELS


@functools.lru_cache(maxsize=None)     # fixed by the class's control values; the view asks ~80 times a state
def largest_padded(aspect: str) -> tuple[int, int, int]:
    """The biggest padded latent an aspect reaches over every control value: (slices, rows, cols)."""
    cls = Patches
    frames = [1] if aspect == "image" else cls.param.frames.objects
    height, width = ASPECTS[aspect]
    sizes = [Grid(*latent_size(f, height, width), pt=pt, ps=ps).padded
             for f in frames for pt in cls.param.pt.objects for ps in cls.param.ps.objects]
    return tuple(max(s[i] for s in sizes) for i in range(3))
