"""Chapter 0 — the flicker problem.

Two ways to make a clip of a ball crossing a softly shaded background:

* per-frame (orange): an "image model" samples each frame on its own. It knows roughly where the
  ball should be at that moment, but every frame is a fresh draw, so position, size, colour and
  background shading disagree from frame to frame;
* spacetime (teal): the clip is drawn as one object, so one smooth trajectory and one background
  hold for every frame.

The flicker measure is the mean frame-to-frame jump of the ball's centre, in pixels. For the
spacetime clip it equals the true motion per frame; the per-frame clip adds the jitter on top.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

N_FRAMES = 24
CANVAS = 32          # the frame is CANVAS x CANVAS pixels, like the course model's clips
BACKGROUND_RES = 8   # the background shading is a coarse BACKGROUND_RES^2 field

# How much an independent per-frame draw wanders, chosen so that each frame alone looks fine.
POSITION_JITTER = 2.5   # px
SIZE_JITTER = 0.6       # px of radius
HUE_JITTER = 0.06       # fraction of the colour wheel
SHADE_JITTER = 0.35     # amplitude of the background's random tilt


@dataclass(frozen=True)
class Clip:
    """A clip reduced to what the sim draws: per-frame ball state and background field."""

    x: np.ndarray           # (N_FRAMES,) ball centre, px
    y: np.ndarray           # (N_FRAMES,)
    radius: np.ndarray      # (N_FRAMES,)
    hue: np.ndarray         # (N_FRAMES,) in [0, 1)
    background: np.ndarray  # (N_FRAMES, BACKGROUND_RES, BACKGROUND_RES) shading in [0, 1]


def true_path(n_frames: int = N_FRAMES) -> tuple[np.ndarray, np.ndarray]:
    """The physical path: left to right at constant speed, on a shallow arc."""
    s = np.linspace(0.0, 1.0, n_frames)
    x = 5.0 + 22.0 * s
    y = 10.0 + 12.0 * 4 * s * (1 - s)   # peak 12 px above the start at mid-clip
    return x, y


def _shading(tilt_x: float, tilt_y: float) -> np.ndarray:
    """A soft linear gradient, the kind of background a clip keeps fixed."""
    u = np.linspace(-1, 1, BACKGROUND_RES)
    field = 0.5 + 0.25 * (tilt_x * u[None, :] + tilt_y * u[:, None])
    return np.clip(field, 0.0, 1.0)


def spacetime_clip(seed: int, n_frames: int = N_FRAMES) -> Clip:
    """All frames drawn together: one trajectory, one size, one colour, one background."""
    rng = np.random.default_rng(seed)
    x, y = true_path(n_frames)
    radius = np.full(n_frames, 3.0 + rng.uniform(-0.3, 0.3))
    hue = np.full(n_frames, 0.58 + rng.uniform(-0.03, 0.03))
    tilt = rng.uniform(-0.5, 0.5, size=2)
    background = np.repeat(_shading(*tilt)[None], n_frames, axis=0)
    return Clip(x, y, radius, hue, background)


def per_frame_clip(seed: int, n_frames: int = N_FRAMES) -> Clip:
    """Each frame an independent draw around the same description: nothing ties frame t to t-1."""
    rng = np.random.default_rng(1000 + seed)
    x, y = true_path(n_frames)
    x = x + rng.normal(0, POSITION_JITTER, n_frames)
    y = y + rng.normal(0, POSITION_JITTER, n_frames)
    radius = 3.0 + rng.normal(0, SIZE_JITTER, n_frames)
    hue = (0.58 + rng.normal(0, HUE_JITTER, n_frames)) % 1.0
    tilts = rng.uniform(-0.5, 0.5, size=2) + rng.normal(0, SHADE_JITTER, (n_frames, 2))
    background = np.stack([_shading(*t) for t in tilts])
    return Clip(np.clip(x, 0, CANVAS), np.clip(y, 0, CANVAS), np.clip(radius, 1.5, 6), hue, background)


def mean_jump(clip: Clip) -> float:
    """Flicker measure: mean distance the ball's centre moves between consecutive frames (px)."""
    return float(np.mean(np.hypot(np.diff(clip.x), np.diff(clip.y))))


def background_flicker(clip: Clip) -> float:
    """Mean absolute change of the background between consecutive frames (0-1 intensity units)."""
    return float(np.mean(np.abs(np.diff(clip.background, axis=0))))


class Flicker(Sim):
    """One ball, two generators: per-frame (orange) against spacetime (teal)."""

    frame = param.Integer(default=0, bounds=(0, N_FRAMES - 1), doc="Which frame of the clip is shown.")
    seed = param.Integer(default=0, bounds=(0, 3), doc="Which random draw of both clips.")

    controls = ("frame", "seed")

    def clips(self) -> tuple[Clip, Clip]:
        """(per-frame, spacetime) clips for the current seed."""
        return per_frame_clip(self.seed), spacetime_clip(self.seed)

    def true_motion(self) -> float:
        x, y = true_path()
        return float(np.mean(np.hypot(np.diff(x), np.diff(y))))
