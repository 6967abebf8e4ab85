"""Figures about the course's own model that the prose quotes, read from the exported model's
description (model/onnx/manifest.json), so a sentence cannot drift from the model it describes.

The prose reads it through this module only. Each figure is a small function over model/manifest.py
(which reads the file once); nothing here runs the model.
"""
from __future__ import annotations

from model import manifest


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
