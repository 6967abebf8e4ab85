"""Chapter 5's occlusion test with the course's two DiTs. Unlike the permanence toy, the models are
not handed any frames: each makes the whole clip from the prompt, so the test is whether the object
that goes behind the wall comes out, and in its colour."""
from __future__ import annotations

import numpy as np

from ..palette import palette_frames
from .cache import dataset
from .detect import dominant_colour, measure

PROMPT = "a red ball sliding from left to right behind a wall"
KINDS = ("per-frame", "spacetime")
SHOWN_SEED = 0                 # the clip on show
SEEDS = 16                     # the clips counted in the readouts (seeds 0 .. 15)
FRAMES = 24                    # the permanence sim's clip length (sims.permanence.N_FRAMES)
TELEPORT_PX = 5.0              # a jump between frames this large is a pop, not a slide (the ball moves ~1 px a frame)
COLOUR_NAMES = ("none", "red", "green", "blue", "yellow")     # "none" first, then model.data.RGB's keys


def readings(video: np.ndarray) -> dict[str, float]:
    """Per clip: the detector's verdict (reappears), presence, largest jump, and whether the colour that
    comes out (last 30% of frames) is the colour that went in (first 30%)."""
    s = np.linspace(0, 1, len(video))
    before, after = dominant_colour(video[s <= 0.3]), dominant_colour(video[s >= 0.7])
    m = measure(video, PROMPT)
    return {"reappears": m["reappears"], "presence": m["presence"], "largest_jump": m["largest_jump"],
            "colour_kept": float(before == after != "none"),
            "colour_after": float(COLOUR_NAMES.index(after))}


@dataset("permanence", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """frames (2, F, 32, 32) uint8 of seed SHOWN_SEED with their palette (256, 3), and per (model,
    seed) over SEEDS seeds: reappears, presence, largest_jump, colour_kept, colour_after (an index
    into COLOUR_NAMES), model axis in KINDS order."""
    videos = np.stack([np.stack([sampler.generate(PROMPT, frames=FRAMES, seed=seed, kind=kind).video
                                 for seed in range(SEEDS)]) for kind in KINDS])   # (2, seeds, F, H, W, 3)
    frames, palette = palette_frames(videos[:, SHOWN_SEED])
    per_clip = [[readings(v) for v in per_kind] for per_kind in videos]
    out = {"frames": frames, "palette": palette.astype(np.float32)}
    for key in per_clip[0][0]:
        out[key] = np.array([[r[key] for r in per_kind] for per_kind in per_clip], np.float32)
    return out


def summary() -> dict[str, dict[str, int]]:
    """Per model, over the SEEDS clips: how many come back out, keep their colour, pop (jump > TELEPORT_PX)."""
    data = load()
    return {kind: {"reappears": int(data["reappears"][m].sum()), "colour_kept": int(data["colour_kept"][m].sum()),
                   "pops": int((data["largest_jump"][m] > TELEPORT_PX).sum())}
            for m, kind in enumerate(KINDS)}
