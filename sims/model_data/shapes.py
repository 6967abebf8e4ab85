"""Chapter 3's real clips: the course's spacetime DiT making one prompt in every shape it was trained
on (square, landscape, portrait and a still image), from one set of weights, with the latent and the
token count of each read from the exported model's manifest, not worked out here."""
from __future__ import annotations

import numpy as np

from ..palette import index_frames, palette_frames
from .cache import dataset

ORDER = ("square", "landscape", "portrait", "image")   # the patches sim's order; the model may make fewer
PROMPT = "a yellow ball arcing from left to right"
FRAMES, SEED = 16, 0
SHOWN = (0, 5, 10, 15)                                  # the frames the sim lays side by side


def made() -> list[str]:
    """The shapes of ORDER that the exported model makes (model/onnx/manifest.json)."""
    from model import manifest

    return [shape for shape in ORDER if shape in manifest.load().shapes]


@dataset("shapes", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """For each shape s of made(): frames_s (n, H, W) uint8 palette indices of the SHOWN frames (one
    for an image), and, in made() order, tokens (the manifest's token count for FRAMES frames, or one
    slice for an image), latent (n_shapes, 4): slices, rows, columns and channels of its latent,
    size (n_shapes, 2): width and height in pixels, patch: the side of a patch in latent cells, and present: the share of shown frames where the
    detector finds the prompt's object. One palette (256, 3) for all of them."""
    from model.evaluate import MIN_AREA, colour_masks
    from model.text import parse_prompt

    m, shapes = sampler.manifest, made()
    colour = parse_prompt(PROMPT).colour
    videos = {}
    for shape in shapes:
        video = sampler.generate(PROMPT, frames=FRAMES, seed=SEED, shape=shape).video
        videos[shape] = video if shape == "image" else video[list(SHOWN)]
    pixels = np.concatenate([v.reshape(-1, 3) for v in videos.values()])     # one palette fitted to every shape
    _, palette = palette_frames(pixels[None, :, None, :])
    out = {"palette": palette.astype(np.float32)}
    for shape, video in videos.items():
        out[f"frames_{shape}"] = index_frames(video, palette)
    dims = [m.latent_dims(FRAMES, shape)[1:] for shape in shapes]             # (C, T', H', W')
    out["tokens"] = np.array([m.tokens(FRAMES, shape) for shape in shapes], np.int64)
    out["latent"] = np.array([(t, h, w, c) for c, t, h, w in dims], np.int64)
    out["size"] = np.array([m.shapes[shape] for shape in shapes], np.int64)
    out["patch"] = np.array(m.patch, np.int64)                                  # a token: 1 slice x patch x patch cells
    out["present"] = np.array([np.mean(colour_masks(v)[colour].sum(axis=(1, 2)) >= MIN_AREA)
                               for v in videos.values()], np.float32)
    return out
