"""Synthetic training clips, generated on the fly: one coloured object with simple physics over a
background that changes from clip to clip, sometimes passing behind a wall.

Everything is numpy, so the course can use it without torch. A clip is float32 (frames, 32, 32, 3)
in [0, 1]; its ground truth is the object's centre per frame and whether it is visible.

Some colour/motion pairs (`HELD_OUT`) never appear in training, so evaluation can show honestly how
the model does on combinations it has only seen in parts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .text import COLOURS, DIRECTIONS, MOTIONS, SHAPES, Prompt

SIZE = 32
FRAME_CHOICES = tuple(range(8, 33, 4))  # 8..32 frames; the autoencoder folds 4 frames into one slice
DEFAULT_FRAMES = 16
RADIUS = 3.0
FLOOR = 27.0  # lowest centre height (pixel rows grow downwards)
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
    video: np.ndarray      # (F, 32, 32, 3) float32 in [0, 1]
    prompt: Prompt
    centres: np.ndarray    # (F, 2) float32, (x, y) in pixels
    visible: np.ndarray    # (F,) bool
    mask: np.ndarray       # (F, 32, 32) float32, how much of each pixel is object (before the wall)


def random_prompt(rng: np.random.Generator, split: str = "train", wall_chance: float = 0.3) -> Prompt:
    """A prompt from the grammar. split='train' avoids HELD_OUT pairs, 'held_out' uses only them."""
    while True:
        colour, motion = str(rng.choice(COLOURS)), str(rng.choice(MOTIONS))
        if (split == "held_out") == ((colour, motion) in HELD_OUT) or split == "any":
            break
    return Prompt(colour, str(rng.choice(SHAPES)), motion, str(rng.choice(DIRECTIONS)),
                  bool(rng.random() < wall_chance))


def trajectory(prompt: Prompt, frames: int, rng: np.random.Generator) -> np.ndarray:
    """Centres (F, 2): x crosses the frame over the clip; y follows the named motion under gravity."""
    s = np.linspace(0.0, 1.0, frames, dtype=np.float32)
    x0, x1 = rng.uniform(3.5, 6.5), rng.uniform(25.5, 28.5)
    if prompt.start == "right":
        x0, x1 = SIZE - x0, SIZE - x1
    x = x0 + (x1 - x0) * s
    if prompt.motion == "sliding":
        y = np.full_like(s, rng.uniform(8.0, FLOOR))
    elif prompt.motion == "arcing":  # one throw: a single parabola
        height = rng.uniform(13.0, 19.0)
        y = FLOOR - height * 4 * s * (1 - s)
    else:  # bouncing: several smaller parabolas, each landing on the floor
        bounces, height = rng.choice([2, 3]), rng.uniform(7.0, 11.0)
        u = (s * bounces) % 1.0
        y = FLOOR - height * 4 * u * (1 - u)
    return np.stack([x, y], axis=1).astype(np.float32)


def background(rng: np.random.Generator) -> np.ndarray:
    """A soft, muted two-colour gradient in a random direction, fixed for the whole clip."""
    a, b = (np.clip(rng.uniform(0.08, 0.5) + rng.uniform(-0.08, 0.08, 3), 0, 1) for _ in range(2))
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / (SIZE - 1) - 0.5
    ramp = np.clip(0.5 + xx * np.cos(angle) + yy * np.sin(angle), 0, 1)[..., None]
    return ((1 - ramp) * a + ramp * b).astype(np.float32)


def object_coverage(shape: str, centres: np.ndarray) -> np.ndarray:
    """(F, 32, 32) anti-aliased coverage of a disc or square of half-size RADIUS at each centre."""
    px = np.arange(SIZE, dtype=np.float32) + 0.5
    dx = px[None, None, :] - centres[:, 0, None, None]
    dy = px[None, :, None] - centres[:, 1, None, None]
    if shape == "ball":
        return np.clip(RADIUS + 0.5 - np.sqrt(dx * dx + dy * dy), 0, 1)
    return np.clip(RADIUS + 0.5 - np.abs(dx), 0, 1) * np.clip(RADIUS + 0.5 - np.abs(dy), 0, 1)


def wall_coverage() -> np.ndarray:
    cover = np.zeros((SIZE, SIZE), np.float32)
    cover[:, WALL[0]:WALL[1]] = 1.0
    return cover


def render(prompt: Prompt, frames: int, rng: np.random.Generator) -> Clip:
    centres = trajectory(prompt, frames, rng)
    mask = object_coverage(prompt.shape, centres)
    video = np.broadcast_to(background(rng), (frames, SIZE, SIZE, 3)).copy()
    video += mask[..., None] * (RGB[prompt.colour] - video)
    visible = np.ones(frames, bool)
    if prompt.wall:
        wall = wall_coverage()
        video += wall[None, ..., None] * (WALL_RGB - video)
        shown = (mask * (1 - wall)).sum(axis=(1, 2)) / mask.sum(axis=(1, 2))
        visible = shown >= VISIBLE_FRACTION
    return Clip(video, prompt, centres, visible, mask)


def make_clip(rng: np.random.Generator, frames: int = DEFAULT_FRAMES, split: str = "train") -> Clip:
    check_frames(frames)
    return render(random_prompt(rng, split), frames, rng)


def check_frames(frames: int) -> None:
    if frames not in FRAME_CHOICES:
        raise ValueError(f"frames must be one of {', '.join(map(str, FRAME_CHOICES))}; got {frames}")


def batch(clips: list[Clip]) -> tuple[np.ndarray, np.ndarray]:
    """Stack clips as the networks take them: video (B, 3, F, 32, 32) in [-1, 1], mask (B, F, 32, 32)."""
    video = np.stack([c.video for c in clips]).transpose(0, 4, 1, 2, 3) * 2 - 1
    return video.astype(np.float32), np.stack([c.mask for c in clips]).astype(np.float32)
