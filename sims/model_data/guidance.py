"""Chapter 6's guidance sweep with the course's spacetime DiT: sampled at every w of the slider. The
prompt is a colour/motion pair the model never saw in training (model.data.HELD_OUT), so the
prompt's words have to be combined, not recalled."""
from __future__ import annotations

import numpy as np

from ..palette import palette_frames
from .cache import dataset
from .detect import object_path, path_spread, trail

PROMPT = "a green ball arcing from left to right"
FRAMES = 16
SEEDS = 16          # clips measured per w (seeds 0 .. 15)
SHOWN = 6           # of those, the first few are shown
W_VALUES = np.arange(0, 13)     # every value of the w slider (sims.guidance.Guidance.w's bounds)


@dataset("guidance", version=2)
def load(sampler) -> dict[str, np.ndarray]:
    """At each w in W_VALUES: adherent (w, seeds) 1 where the detector finds the prompt's colour in
    >= 80% of frames moving the prompt's way; wrong_pixels (w, seeds) the detector's mean pixels per frame
    in another object colour; spread (w,) the path_spread of the seeds' objects, px;
    trails (w, SHOWN, 32, 32) uint8 palette indices of trail(clip) with their palette (256, 3)."""
    from model.evaluate import score
    from model.text import parse_prompt

    prompt, ws = parse_prompt(PROMPT), W_VALUES
    adherent = np.zeros((len(ws), SEEDS), np.float32)
    wrong = np.zeros((len(ws), SEEDS), np.float32)
    spread = np.zeros(len(ws), np.float32)
    trails = np.zeros((len(ws), SHOWN, 32, 32, 3), np.float32)
    for i, w in enumerate(ws):
        videos = [sampler.generate(PROMPT, frames=FRAMES, guidance=float(w), seed=seed).video
                  for seed in range(SEEDS)]
        for seed, video in enumerate(videos):
            s = score(video, prompt)
            adherent[i, seed] = s.presence >= 0.8 and s.direction_right
            wrong[i, seed] = s.wrong_pixels
        spread[i] = path_spread(np.stack([object_path(v) for v in videos]))
        trails[i] = [trail(v) for v in videos[:SHOWN]]
    frames, palette = palette_frames(trails)
    return {"w": ws.astype(np.float32), "adherent": adherent, "wrong_pixels": wrong, "spread": spread, "trails": frames,
            "palette": palette.astype(np.float32)}
