"""Figures about the course's own model that the prose quotes, read from the exported model's
description (model/onnx/manifest.json), so a sentence cannot drift from the model it describes.

The prose reads it through this module only. Each figure is a small function over model/manifest.py
(which reads the file once); nothing here runs the model. The one training setting the prose quotes
(how often the prompt was dropped) comes from the training record, model/weights/training.json.
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from model import manifest

TRAINING_RECORD = Path(__file__).resolve().parent.parent / "model" / "weights" / "training.json"


def _data() -> dict:
    return manifest.load().raw


def dit(key: str) -> int:
    """The exported denoiser's "width", "depth" (blocks) or "heads"."""
    return int(_data()["dit"][key])


def vocab() -> list[str]:
    """Every entry of the text encoder's vocabulary, the padding and null-prompt tokens included."""
    return list(_data()["vocab"])


def vocab_size() -> int:
    """Entries in the vocabulary: the words plus the padding and null-prompt tokens."""
    return len(vocab())


def words() -> list[str]:
    """The words a prompt may use (the vocabulary without its padding and null-prompt tokens)."""
    special = {_data()["pad"], _data()["null"]}
    return [w for i, w in enumerate(vocab()) if i not in special]


def word_count() -> int:
    return len(words())


def prompt_tokens() -> int:
    """Every prompt is padded (or cut) to this many token ids."""
    return int(_data()["prompt_tokens"])


def default_guidance() -> float:
    return float(_data()["guidance"]["default"])


def default_steps() -> int:
    return int(_data()["steps"]["default"])


def latent_channels() -> int:
    return int(_data()["latent_channels"])


def latent_side() -> int:
    """Rows (and columns) of one latent time-slice."""
    return int(_data()["latent_side"])


def frames_per_slice() -> int:
    """Video frames the autoencoder merges into one latent time-slice."""
    return int(_data()["frames_per_slice"])


def patch() -> int:
    """Side of a patch, in latent positions (patches are one slice deep)."""
    return int(_data()["patch"])


def tokens_per_slice() -> int:
    return (latent_side() // patch()) ** 2


def frame_choices() -> list[int]:
    """Clip lengths, in frames, the generator offers."""
    return [int(f) for f in _data()["frame_choices"]]


def tokens(frames: int) -> int:
    """Tokens the transformer sees for a clip of `frames` frames."""
    return frames // frames_per_slice() * tokens_per_slice()


# --- the example clip: the shapes the chapters walk through ---------------------------------------

def clip_frames() -> int:
    """The clip length the chapters take as their example: the generator's and the recap sim's
    opening length (tests/test_teaching_figures.py checks both), one of frame_choices()."""
    return 16


def clip_sizes() -> dict[str, tuple[int, int]]:
    """(width, height) in pixels of every shape the model makes, e.g. {"square": (32, 32), ...};
    "image" is a still picture."""
    return dict(manifest.load().shapes)


def tokens_per_slice_of(shape: str) -> int:
    """Patches in one latent time-slice of a clip of this shape ("square", "landscape", ...)."""
    frames = min(frame_choices())
    return manifest.load().tokens(frames, shape) // (frames // frames_per_slice())


def sizes_phrase() -> str:
    """The frame sizes the model makes, in words: "32 × 32, 64 × 32 or 32 × 64 pixels"."""
    sizes = list(dict.fromkeys(f"{w} × {h}" for w, h in clip_sizes().values()))
    return (sizes[0] if len(sizes) == 1 else ", ".join(sizes[:-1]) + " or " + sizes[-1]) + " pixels"


def frame_size() -> int:
    """Pixels per side of a (square) frame."""
    return int(_data()["frame_size"])


def space_factor() -> int:
    """Pixels per side the autoencoder folds into one latent cell."""
    return int(_data()["space_factor"])


def slices(frames: int | None = None) -> int:
    """Latent time-slices of a clip (default: the example clip)."""
    return (clip_frames() if frames is None else frames) // frames_per_slice()


def video_shape(frames: int | None = None) -> tuple[int, int, int, int]:
    """(3, F, H, W) of a clip's RGB frames."""
    return (3, clip_frames() if frames is None else frames, frame_size(), frame_size())


def latent_shape(frames: int | None = None) -> tuple[int, int, int, int]:
    """(C, T', H', W') of a clip's latent."""
    return (latent_channels(), slices(frames), latent_side(), latent_side())


def shape(dims: tuple[int, ...]) -> str:
    """A shape as the prose writes it: `(8, 4, 8, 8)`."""
    return "(" + ", ".join(map(str, dims)) + ")"


def count(dims: tuple[int, ...]) -> int:
    """How many numbers a tensor of this shape holds."""
    return math.prod(dims)


def compression() -> int:
    """How many times fewer numbers the latent holds than the clip's RGB frames."""
    return count(video_shape()) // count(latent_shape())


def patch_values() -> int:
    """Numbers in one patch (one token before embedding): channels x patch x patch, one slice deep."""
    return latent_channels() * patch() ** 2


# --- training ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _training_config() -> dict:
    return json.loads(TRAINING_RECORD.read_text())["config"]


def _find(tree: dict, key: str):
    """`key` anywhere in a (possibly nested) config."""
    if key in tree:
        return tree[key]
    for value in tree.values():
        if isinstance(value, dict):
            try:
                return _find(value, key)
            except KeyError:
                pass
    raise KeyError(key)


def prompt_dropout() -> float:
    """Share of training examples whose prompt was swapped for the null prompt (for guidance)."""
    return float(_find(_training_config(), "prompt_dropout"))
