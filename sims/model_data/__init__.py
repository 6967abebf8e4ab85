"""What the course's own trained model does, for the sims and chapters that show it.

Each module is one dataset, named for the sim it serves, with one reader, `load()`, that returns a
dict of read-only numpy arrays: computed from the committed ONNX files (model/onnx) by
model.ort_sampler.OrtSampler on one thread (never torch) the first time, then read from the disk
cache (cache.py). The browser never runs any of it; the pages embed the results like any other
sim state.

    flicker       ch. 0   both DiTs' clips of one prompt, 4 seeds, and the detector's readings
    compression   ch. 2   real clips, their latents and decoder.onnx's reconstructions
    shapes        ch. 3   the spacetime DiT making one prompt in every shape, with each token count
    attention     ch. 4   the DiTs' self-attention weights at one step of a generated clip
    permanence    ch. 5   both DiTs on an occlusion prompt, 16 seeds
    guidance      ch. 6   the spacetime DiT at every w of the slider, 16 seeds each
    steps         ch. 7   the spacetime DiT at 1 to 20 steps on every colour, shape and motion
    cost          ch. 8   measured milliseconds per denoiser step
    recap         ch. 9   the tensor shapes the exported model produces

Nothing here is imported by a concept module at import time: a page that shows no model data, and
the course's own checks (course.toc), run before any model work.
"""
from .cache import ModelUnavailable, sampler  # noqa: F401
