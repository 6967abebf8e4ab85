"""Chapter 5 — an object slides behind a wall and out again: who still knows it is the same object?

The scene (one per seed): a coloured shape slides left to right at a steady speed along the floor of a
32 x 32 frame and passes behind a wall that covers x = 11 to 21 px. Its start, speed, colour and shape
are drawn from fixed ranges (SCENE_* below); those ranges are what the prompt allows, "a shape slides
behind a wall and out the other side".

The task is to continue a clip. The frames up to the last one in which the object is still wholly in
view are given; both models generate the rest (the frames in which the object is behind the wall, and
those after it comes out). What each model does:

* spacetime (teal): its attention reaches every frame, the given ones included. From each given frame
  it reads the object's position as the centroid of the object's pixels, fits one straight line
  x = a + b·t through those readings by least squares, and places the object on that line in every
  generated frame: behind the wall while the line is behind the wall, out again when the line comes
  out. It copies the colour and shape from the given frames, so it keeps one identity throughout.
  Its only error is the pixel rounding in the readings, carried forward by the fitted line.
* per-frame (orange): each generated frame is made from that frame and the prompt alone. The given
  frames are out of its reach, so it knows nothing of this object: while the prompt's story has the
  object behind the wall it holds no object at all (nothing in the frame says where one is), and for
  the object that comes out it must choose everything the given frames would have told it: the frame
  it comes out, its speed, its colour, its shape. It draws them from the same ranges the scenes come
  from, with the seed. (Every frame runs with the same seed, as an image model is usually run, so its
  frames at least agree with one another; Chapter 0 showed what happens when they do not.) By chance
  it may pick the right colour and shape, but nothing ties them to the object that went in.

Readouts compare each model's object, frame by frame, with where the real object is: position error in
px, and "on track" when it is the same object (colour and shape) within ON_TRACK_PX of the true centre.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import param

from .base import Sim

N_FRAMES = 24
CANVAS = 32                      # px per side
WALL = (11.0, 21.0)              # x-range the wall covers
WALL_TOP = 24.0                  # the wall stands from the floor up to this height
FLOOR = 6.0                      # the floor's top edge
SIZE = 2.5                       # half-width of the object
Y = FLOOR + SIZE                 # the object's centre height: it slides along the floor
ON_TRACK_PX = 2.0

COLOURS = {"red": "#d1495b", "blue": "#3d6fd1", "purple": "#8a5bd1", "pink": "#e05aa8"}
SHAPES = ("circle", "square", "triangle")
SCENE_START = (2.5, 4.0)         # px: where the object starts, frame 0
SCENE_SPEED = (1.0, 1.15)        # px per frame
# The frame at which the object's centre clears the wall, over those ranges.
EXIT_FRAMES = ((WALL[1] - SCENE_START[1]) / SCENE_SPEED[1], (WALL[1] - SCENE_START[0]) / SCENE_SPEED[0])
N_VERTICES = 24                  # every outline is drawn and rasterised as a 24-gon
SUBSAMPLES = 4                   # samples per pixel side when a frame is rasterised


@dataclass(frozen=True)
class Look:
    colour: str                  # a key of COLOURS
    shape: str                   # one of SHAPES

    def __str__(self):
        return f"{self.colour} {self.shape}"


@dataclass(frozen=True)
class Scene:
    start: float                 # x at frame 0, px
    speed: float                 # px per frame
    look: Look

    def x(self, t=None) -> np.ndarray:
        t = np.arange(N_FRAMES) if t is None else np.asarray(t)
        return self.start + self.speed * t


@dataclass(frozen=True)
class Result:
    """One model's clip: the object's centre and look per frame (centre NaN where it holds no object)."""

    x: np.ndarray                # (N_FRAMES,)
    looks: tuple[Look, ...]      # (N_FRAMES,): the given frames show the real object

    @property
    def look(self) -> Look:
        """The look of the object the model generates (its last frame)."""
        return self.looks[-1]


def scene(seed: int) -> Scene:
    rng = np.random.default_rng(seed)
    start, speed = rng.uniform(*SCENE_START), rng.uniform(*SCENE_SPEED)
    return Scene(start, speed, Look(str(rng.choice(list(COLOURS))), str(rng.choice(SHAPES))))


def outline(shape: str, x: float, y: float = Y) -> tuple[np.ndarray, np.ndarray]:
    """The shape's outline centred (by centroid) on (x, y): two (N_VERTICES,) arrays."""
    k = np.arange(N_VERTICES)
    if shape == "circle":
        a = 2 * np.pi * k / N_VERTICES
        u, v = SIZE * np.cos(a), SIZE * np.sin(a)
    else:
        n = 4 if shape == "square" else 3
        radius = SIZE * (np.sqrt(2) * 0.9 if shape == "square" else 1.3)
        turn = np.pi / 4 if shape == "square" else np.pi / 2
        corners = radius * np.array([[np.cos(turn + 2 * np.pi * i / n), np.sin(turn + 2 * np.pi * i / n)]
                                     for i in range(n + 1)])
        per_side = N_VERTICES // n
        s = (k % per_side) / per_side
        side = k // per_side
        u = corners[side, 0] * (1 - s) + corners[side + 1, 0] * s
        v = corners[side, 1] * (1 - s) + corners[side + 1, 1] * s
    return x + u, y + v


def coverage(shape: str, x: float) -> np.ndarray:
    """How much of each pixel the object covers where the wall does not hide it: (CANVAS, CANVAS)
    in [0, 1], row = y. Each pixel is sampled at SUBSAMPLES x SUBSAMPLES points, as an anti-aliased
    frame would be drawn."""
    n = CANVAS * SUBSAMPLES
    py, px = (np.mgrid[0:n, 0:n] + 0.5) / SUBSAMPLES        # sample points, px
    ox, oy = outline(shape, x)
    inside = np.zeros(px.shape, bool)
    for i in range(N_VERTICES):           # even-odd rule: count crossings of a ray to the right
        x1, y1, x2, y2 = ox[i - 1], oy[i - 1], ox[i], oy[i]
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (px < at)
    behind_wall = (px > WALL[0]) & (px < WALL[1]) & (py < WALL_TOP)
    seen = (inside & ~behind_wall).reshape(CANVAS, SUBSAMPLES, CANVAS, SUBSAMPLES)
    return seen.mean(axis=(1, 3))


def read_position(shape: str, x: float) -> float:
    """What a model reads off a frame: the centroid of the object's visible pixels, each weighted by
    how much of it the object covers (x, px)."""
    cover = coverage(shape, x)
    centres = np.arange(CANVAS) + 0.5
    return float((cover.sum(axis=0) * centres).sum() / cover.sum())


def given_frames(s: Scene) -> np.ndarray:
    """The frames handed to both models: every frame up to the last with the object wholly in view."""
    return np.flatnonzero(s.x() + SIZE <= WALL[0])


def hidden(x: np.ndarray) -> np.ndarray:
    """Whether an object centred at x is at least half behind the wall."""
    return (x > WALL[0]) & (x < WALL[1])


def spacetime(s: Scene) -> tuple[Result, float, float]:
    """Fit x = a + b·t to the given frames' readings; continue it. Returns (result, a, b)."""
    t = given_frames(s)
    readings = np.array([read_position(s.look.shape, s.x(i)) for i in t])
    b, a = np.polyfit(t, readings, 1)
    x = a + b * np.arange(N_FRAMES, dtype=float)
    x[t] = s.x(t)                          # the given frames stay as they are
    return Result(x, (s.look,) * N_FRAMES), float(a), float(b)


def per_frame(s: Scene, seed: int) -> tuple[Result, float, float]:
    """No object until the frame it chooses to come out; then its own object. Returns (result, exit, speed)."""
    rng = np.random.default_rng(1000 + seed)
    exit_frame, speed = rng.uniform(*EXIT_FRAMES), rng.uniform(*SCENE_SPEED)
    look = Look(str(rng.choice(list(COLOURS))), str(rng.choice(SHAPES)))
    t = np.arange(N_FRAMES, dtype=float)
    x = np.where(t >= exit_frame, WALL[1] + speed * (t - exit_frame), np.nan)
    given = given_frames(s)
    x[given] = s.x(given)                  # the given frames are the same clip for both models
    looks = tuple(s.look if i in given else look for i in range(N_FRAMES))
    return Result(x, looks), float(exit_frame), float(speed)


@functools.lru_cache(maxsize=32)
def run(seed: int):
    """(scene, spacetime result and fit, per-frame result and draw) for one seed; cached."""
    s = scene(seed)
    return s, spacetime(s), per_frame(s, seed)


def errors(result: Result, s: Scene) -> np.ndarray:
    """|model centre − true centre| per frame, px (NaN where the model holds no object)."""
    return np.abs(result.x - s.x())


def on_track(result: Result, s: Scene) -> np.ndarray:
    """Per frame: the model holds the same object within ON_TRACK_PX of the true centre."""
    with np.errstate(invalid="ignore"):
        close = errors(result, s) <= ON_TRACK_PX
    return close & np.array([look == s.look for look in result.looks])


class Permanence(Sim):
    """Continue a clip through an occlusion, with and without attention across frames."""

    frame = param.Integer(default=0, bounds=(0, N_FRAMES - 1), doc="Which frame of the clip is shown.")
    seed = param.Integer(default=0, bounds=(0, 5), doc="Which scene, and which random choices of the per-frame model.")

    controls = ("frame", "seed")

    def results(self) -> tuple[Scene, Result, Result]:
        s, (st, _, _), (pf, _, _) = run(self.seed)
        return s, st, pf

    def generated(self) -> np.ndarray:
        """Indices of the frames the models generate (the rest are given)."""
        s = run(self.seed)[0]
        return np.setdiff1d(np.arange(N_FRAMES), given_frames(s))
