"""Synthetic training clips, generated on the fly: one coloured object with simple physics over a
background that changes from clip to clip, sometimes passing behind a wall.

Everything is numpy, so the course can use it without torch. A clip is float32 (frames, height,
width, 3) in [0, 1]; its ground truth is the object's centre per frame and whether it is visible.

Every shape comes from the same generator: square 32 x 32 (the default), landscape 64 x 32 and
portrait 32 x 64 (width x height, `ASPECTS`). The object keeps its size in pixels; the canvas grows,
the object crosses the whole width, and the motion's heights scale with the height. A still image
(`make_still`) is a static scene held for `STILL_FRAMES` = 4 identical frames: exactly one latent
time-slice, so "an image is a one-frame video" holds for the model too (the autoencoder folds 4
frames into one slice, and 4 identical frames are the still's natural single-slice latent).
The default path (`make_clip(rng, frames)`) draws exactly the random numbers it always drew, so
every clip cached or tested by the course is unchanged.

Some colour/motion pairs (`HELD_OUT`) never appear in training, so evaluation can show honestly how
the model does on combinations it has only seen in parts.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .text import COLOURS, DIRECTIONS, FIRST, MOTIONS, NEW_MOTIONS, SECOND, SHAPES, SIZES, Grammar, Prompt

SIZE = 32                # the default clip is SIZE x SIZE
ASPECTS = {"square": (32, 32), "landscape": (64, 32), "portrait": (32, 64)}  # name -> (width, height)
STILL_FRAMES = 4         # a still image: one latent time-slice of identical frames
IMAGE = "image"          # a still image: one latent slice on the square canvas
CLIP_SHAPES = (*ASPECTS, IMAGE)   # what the sampler makes: a clip on one of the canvases, or a still
FRAME_CHOICES = tuple(range(8, 33, 4))  # 8..32 frames; the autoencoder folds 4 frames into one slice
DEFAULT_FRAMES = 16
RADIUS = 3.0             # the object's half-size with no size word
SIZE_RADIUS = {"": RADIUS, "small": 2.0, "big": 4.5}
RESTITUTION = 0.55       # a falling object keeps this share of its speed at each bounce
FLOOR = 27.0  # lowest centre height (pixel rows grow downwards): 5 px above the bottom edge
WALL = (12, 20)  # columns the wall covers: a multiple of 4 on both sides, like the latent grid
WALL_RGB = np.array([0.72, 0.70, 0.66], np.float32)
RGB = {
    "red": np.array([0.92, 0.16, 0.14], np.float32),
    "green": np.array([0.15, 0.80, 0.22], np.float32),
    "blue": np.array([0.18, 0.36, 0.96], np.float32),
    "yellow": np.array([0.96, 0.86, 0.12], np.float32),
}
HELD_OUT = frozenset({("green", "arcing"), ("blue", "sliding")})
VISIBLE_FRACTION = 0.4  # the object counts as visible when this share of it is not behind the wall


@dataclass
class Clip:
    video: np.ndarray      # (F, H, W, 3) float32 in [0, 1]
    prompt: Prompt
    centres: np.ndarray    # (F, 2) float32, (x, y) in pixels
    visible: np.ndarray    # (F,) bool
    mask: np.ndarray       # (F, H, W) float32, how much of each pixel is object (before the wall)


def random_prompt(rng: np.random.Generator, split: str = "train", wall_chance: float = 0.3,
                  grammar: Grammar = FIRST) -> Prompt:
    """A prompt from the grammar. split='train' avoids HELD_OUT pairs, 'held_out' uses only them.
    The first grammar draws exactly what it always drew; the second adds a size (none, small or big,
    equally likely) and the falling motion."""
    motions = MOTIONS + NEW_MOTIONS if grammar is SECOND else MOTIONS
    while True:
        colour, motion = str(rng.choice(COLOURS)), str(rng.choice(motions))
        if (split == "held_out") == ((colour, motion) in HELD_OUT) or split == "any":
            break
    prompt = Prompt(colour, str(rng.choice(SHAPES)), motion, str(rng.choice(DIRECTIONS)),
                    bool(rng.random() < wall_chance))
    if grammar is SECOND:
        prompt = dataclasses.replace(prompt, size=str(rng.choice(("",) + SIZES)))
    return prompt


def trajectory(prompt: Prompt, frames: int, rng: np.random.Generator, width: int = SIZE,
               height: int = SIZE) -> np.ndarray:
    """Centres (F, 2): x crosses the frame over the clip; y follows the named motion under gravity.
    On a taller canvas the floor stays 5 px above the bottom and the heights scale with the canvas
    (a factor of exactly 1 at the default height, so the default clip is unchanged)."""
    s = np.linspace(0.0, 1.0, frames, dtype=np.float32)
    radius = SIZE_RADIUS[prompt.size]
    floor, scale = floor_row(height, radius), height / SIZE
    x0, x1 = rng.uniform(radius + 0.5, radius + 3.5), rng.uniform(width - radius - 3.5, width - radius - 0.5)
    if prompt.start == "right":
        x0, x1 = width - x0, width - x1
    x = x0 + (x1 - x0) * s
    if prompt.motion == "sliding":
        y = np.full_like(s, rng.uniform(8.0 * scale, floor))
    elif prompt.motion == "falling":
        y = falling(s, top=rng.uniform(radius + 1.0, radius + 1.0 + 4.0 * scale), floor=floor,
                    land=rng.uniform(0.3, 0.45))
    elif prompt.motion == "arcing":  # one throw: a single parabola
        hop = rng.uniform(13.0, 19.0) * scale
        y = floor - hop * 4 * s * (1 - s)
    else:  # bouncing: several smaller parabolas, each landing on the floor
        bounces, hop = rng.choice([2, 3]), rng.uniform(7.0, 11.0) * scale
        u = (s * bounces) % 1.0
        y = floor - hop * 4 * u * (1 - u)
    return np.stack([x, y], axis=1).astype(np.float32)


def falling(s: np.ndarray, top: float, floor: float, land: float) -> np.ndarray:
    """Heights of an object dropped from rest at `top` that reaches the floor at time `land` (of the
    clip, 0-1) and bounces, each bounce keeping RESTITUTION of its speed: bounce k lasts
    2·e^k·land and rises e^(2k) of the drop (a parabola under the same gravity)."""
    drop = floor - top
    y = np.full_like(s, floor)
    y[s < land] = top + drop * (s[s < land] / land) ** 2
    start, k = land, 1
    while start < 1.0 and k < 12:
        length = 2 * RESTITUTION ** k * land
        u = (s - start) / length
        inside = (u >= 0) & (u < 1)
        y[inside] = floor - RESTITUTION ** (2 * k) * drop * 4 * u[inside] * (1 - u[inside])
        start, k = start + length, k + 1
    return y


def floor_row(height: int = SIZE, radius: float = RADIUS) -> float:
    """The lowest centre height on a canvas `height` pixels tall (FLOOR on the default one): the
    object's bottom edge stays 2 px above the canvas's, whatever its size."""
    return FLOOR + (height - SIZE) - (radius - RADIUS)


def wall_columns(width: int = SIZE) -> tuple[int, int]:
    """The wall's columns: 8 wide in the middle, on the latent grid's multiples of 4 (WALL at 32)."""
    return width // 2 - 4, width // 2 + 4


def background(rng: np.random.Generator, width: int = SIZE, height: int = SIZE) -> np.ndarray:
    """A soft, muted two-colour gradient in a random direction, fixed for the whole clip."""
    a, b = (np.clip(rng.uniform(0.08, 0.5) + rng.uniform(-0.08, 0.08, 3), 0, 1) for _ in range(2))
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    yy, xx = yy / (height - 1) - 0.5, xx / (width - 1) - 0.5
    ramp = np.clip(0.5 + xx * np.cos(angle) + yy * np.sin(angle), 0, 1)[..., None]
    return ((1 - ramp) * a + ramp * b).astype(np.float32)


def object_coverage(shape: str, centres: np.ndarray, width: int = SIZE, height: int = SIZE,
                    radius: float = RADIUS) -> np.ndarray:
    """(F, H, W) anti-aliased coverage of a disc or square of half-size `radius` at each centre."""
    dx = (np.arange(width, dtype=np.float32) + 0.5)[None, None, :] - centres[:, 0, None, None]
    dy = (np.arange(height, dtype=np.float32) + 0.5)[None, :, None] - centres[:, 1, None, None]
    if shape == "ball":
        return np.clip(radius + 0.5 - np.sqrt(dx * dx + dy * dy), 0, 1)
    return np.clip(radius + 0.5 - np.abs(dx), 0, 1) * np.clip(radius + 0.5 - np.abs(dy), 0, 1)


def wall_coverage(width: int = SIZE, height: int = SIZE) -> np.ndarray:
    """(H, W): 1 where the wall stands."""
    cover = np.zeros((height, width), np.float32)
    left, right = wall_columns(width)
    cover[:, left:right] = 1.0
    return cover


def render(prompt: Prompt, frames: int, rng: np.random.Generator, width: int = SIZE, height: int = SIZE,
           still: bool = False) -> Clip:
    """The clip for `prompt`. `still=True`: the scene frozen at one random moment of the motion,
    repeated for all `frames` (one extra random number, drawn only on this path)."""
    check_canvas(width, height)
    centres = trajectory(prompt, frames, rng, width, height)
    if still:
        centres = np.repeat(centres[rng.integers(frames)][None], frames, axis=0)  # (F, 2), all equal
    mask = object_coverage(prompt.shape, centres, width, height, SIZE_RADIUS[prompt.size])
    video = np.broadcast_to(background(rng, width, height), (frames, height, width, 3)).copy()
    video += mask[..., None] * (RGB[prompt.colour] - video)
    visible = np.ones(frames, bool)
    if prompt.wall:
        wall = wall_coverage(width, height)
        video += wall[None, ..., None] * (WALL_RGB - video)
        shown = (mask * (1 - wall)).sum(axis=(1, 2)) / mask.sum(axis=(1, 2))
        visible = shown >= VISIBLE_FRACTION
    return Clip(video, prompt, centres, visible, mask)


def make_clip(rng: np.random.Generator, frames: int = DEFAULT_FRAMES, split: str = "train",
              width: int = SIZE, height: int = SIZE, grammar: Grammar = FIRST) -> Clip:
    """A random training clip, (frames, height, width, 3). The default 32 x 32 draws what it always drew."""
    check_frames(frames)
    return render(random_prompt(rng, split, grammar=grammar), frames, rng, width, height)


def canvas_size(shape: str) -> tuple[int, int]:
    """(width, height) in pixels of a shape in CLIP_SHAPES: a still image is drawn on the square canvas."""
    return ASPECTS["square" if shape == IMAGE else shape]


def still_picture(frames: np.ndarray) -> np.ndarray:
    """The picture a generated still decodes to: the mean of the STILL_FRAMES nearly identical frames
    the decoder gives for one latent slice, shape (1, H, W, 3), its frame-to-frame wobble averaged out.
    Both samplers (model/sample.py, model/ort_sampler.py) and the browser's make an image this way."""
    return frames.mean(axis=0, keepdims=True)


def make_still(rng: np.random.Generator, split: str = "train", width: int = SIZE, height: int = SIZE,
               grammar: Grammar = FIRST) -> Clip:
    """A random still image as a clip of STILL_FRAMES identical frames: one latent time-slice.
    Its prompt still names a motion: the picture is one moment of that motion."""
    return render(random_prompt(rng, split, grammar=grammar), STILL_FRAMES, rng, width, height, still=True)


def check_frames(frames: int) -> None:
    if frames not in FRAME_CHOICES:
        raise ValueError(f"frames must be one of {', '.join(map(str, FRAME_CHOICES))}; got {frames}")


def check_canvas(width: int, height: int) -> None:
    """Multiples of 8 (the latent is 1/4 of the size and the DiT's patches are 2 x 2 latent cells), at
    least 32 (the object must be able to cross the wall)."""
    for name, n in (("width", width), ("height", height)):
        if n % 8 or not 32 <= n <= 128:
            raise ValueError(f"{name} must be a multiple of 8 from 32 to 128; got {n}")


def batch(clips: list[Clip]) -> tuple[np.ndarray, np.ndarray]:
    """Stack clips of one shape as the networks take them: video (B, 3, F, H, W) in [-1, 1], mask (B, F, H, W)."""
    video = np.stack([c.video for c in clips]).transpose(0, 4, 1, 2, 3) * 2 - 1
    return video.astype(np.float32), np.stack([c.mask for c in clips]).astype(np.float32)
