"""Chapter 7's step count: the course's spacetime DiT at a few step counts, on every colour, shape and
motion the prompt language has, and what the evaluation's detector finds in the clips. It backs the
chapter's claim about few steps with a measurement instead of an impression."""
from __future__ import annotations

import itertools

import numpy as np

from .cache import dataset

STEP_COUNTS = (1, 2, 4, 8, 20)        # 20 is the generator's default (tests/test_model_data.py checks)
FRAMES = 16


def prompts() -> list[str]:
    """One left-to-right prompt per colour x shape x motion that the exported model reads."""
    from model import manifest
    from model.text import COLOURS, MOTIONS, NEW_MOTIONS, SHAPES

    known = set(manifest.load().vocab)
    motions = [m for m in (*MOTIONS, *NEW_MOTIONS) if m in known]
    return [f"a {colour} {shape} {motion} from left to right"
            for colour, shape, motion in itertools.product(COLOURS, SHAPES, motions)]


@dataset("steps", version=2)
def load(sampler) -> dict[str, np.ndarray]:
    """For each step count in STEP_COUNTS and each prompt of prompts() (seed = the prompt's index):
    presence (steps, prompts) the share of frames in which the detector finds the prompt's object;
    wrong_pixels (steps, prompts) its mean pixels per frame in another object colour;
    area (steps, prompts) the mean pixels per frame of the prompt's colour (how big the object comes out);
    and steps (steps,) the step counts themselves."""
    from model.evaluate import colour_masks, score
    from model.text import parse_prompt

    texts = prompts()
    presence = np.zeros((len(STEP_COUNTS), len(texts)), np.float32)
    wrong, area = np.zeros_like(presence), np.zeros_like(presence)
    for i, steps in enumerate(STEP_COUNTS):
        for j, text in enumerate(texts):
            video = sampler.generate(text, frames=FRAMES, steps=steps, seed=j).video
            prompt = parse_prompt(text)
            s = score(video, prompt)
            presence[i, j], wrong[i, j] = s.presence, s.wrong_pixels
            area[i, j] = colour_masks(video)[prompt.colour].sum(axis=(1, 2)).mean()
    return {"steps": np.array(STEP_COUNTS, np.float32), "presence": presence, "wrong_pixels": wrong, "area": area}
