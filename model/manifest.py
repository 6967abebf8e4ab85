"""The exported model's manifest: every number about the shipped model, in one file.

`make export-onnx` writes model/onnx/manifest.json beside the graphs it exports (export/onnx_model.py,
from the trained weights' own configs); everything else reads it: the onnxruntime sampler, the
browser's worker and generator, the sims, the evaluation's defaults and the course's prose. So a
number about the model (its vocabulary, latent shape, tokens per slice, width, depth, default steps
and guidance) is typed once, where the export finds it, and cannot drift.

No torch and no numpy: the course reads this before any model work, and a Pyodide cell can too.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

ONNX_DIR = Path(__file__).resolve().parent / "onnx"
FILENAME = "manifest.json"

# The two DiTs, by the label every record, table row, manifest key and page uses: "per-frame" with a
# dash, always. model/train.py's stages, model/evaluate.py's rows and the browser's models say the same.
KINDS = ("spacetime", "per-frame")


def file_name(prefix: str, kind: str, suffix: str) -> str:
    """The one place a DiT's kind becomes part of a file name; every writer and reader of its files
    calls this: file_name("dit", "per-frame", ".pt") -> "dit_perframe.pt", and likewise
    denoiser_perframe.onnx (with its .weights and the .f32 it names, onnx_weights.split) and
    inspect_perframe.onnx. The dash is dropped because the committed files are spelled so, and the
    exported graphs carry their own name inside (each external tensor's location): renaming them
    would rewrite the graphs and recompute every cached model dataset, for no change in behaviour."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    return f"{prefix}_{kind.replace('-', '')}{suffix}"


class ManifestMissing(FileNotFoundError):
    """The exported model's manifest is not there: run `make export-onnx` (or restore model/onnx from git)."""


@dataclass(frozen=True)
class Range:
    default: float
    min: float
    max: float


@dataclass(frozen=True)
class Manifest:
    vocab: tuple[str, ...]        # the closed vocabulary, ids by position (model/text.py)
    pad: int
    null: int                     # the null prompt, all `null`: the unconditional input of guidance
    prompt_tokens: int            # every prompt is padded or cut to this many ids
    frame_size: int               # pixels per side of a frame
    frames_per_slice: int         # the autoencoder folds this many frames into one latent time-slice
    space_factor: int             # ... and this many pixels per side into one latent cell
    latent_channels: int
    latent_side: int              # latent cells per side: frame_size / space_factor
    patch: int                    # a DiT token covers 1 slice x patch x patch cells
    tokens_per_slice: int         # (latent_side / patch) ** 2
    frame_choices: tuple[int, ...]
    steps: Range                  # Euler steps the generator offers
    guidance: Range               # classifier-free guidance scale w the generator offers
    dit: dict                     # width, depth, heads, text_layers of the exported denoisers
    files: dict                   # network name -> graph file
    raw: dict                     # the whole JSON, for the browser and the weight loader
    # clip shape -> (width, height) in pixels; "image" (model/data.py IMAGE) is a still, one latent
    # slice. A first-edition manifest has no such entry: that model makes square clips only.
    shapes: dict

    def tokens(self, frames: int, shape: str = "square") -> int:
        """Spacetime patches (tokens) in a clip of `frames` frames of a shape ("image": one slice)."""
        _, _, slices, rows, cols = self.latent_dims(frames, shape)
        return slices * (rows // self.patch) * (cols // self.patch)

    def latent_dims(self, frames: int, shape: str = "square") -> tuple[int, int, int, int, int]:
        """(1, C, T', H', W') of one clip's latent: (1, 8, 4, 8, 8) for 16 square frames; an image's
        frame count is ignored (one slice)."""
        if shape not in self.shapes:
            raise ValueError(f"this model makes {', '.join(self.shapes)} (got shape {shape!r})")
        if shape != "image" and frames not in self.frame_choices:
            raise ValueError(f"frames must be one of {', '.join(map(str, self.frame_choices))} (got {frames})")
        width, height = self.shapes[shape]
        slices = 1 if shape == "image" else frames // self.frames_per_slice
        return (1, self.latent_channels, slices, height // self.space_factor, width // self.space_factor)

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        return cls(vocab=tuple(data["vocab"]), pad=data["pad"], null=data["null"], prompt_tokens=data["prompt_tokens"],
                   frame_size=data["frame_size"], frames_per_slice=data["frames_per_slice"],
                   space_factor=data["space_factor"], latent_channels=data["latent_channels"],
                   latent_side=data["latent_side"], patch=data["patch"], tokens_per_slice=data["tokens_per_slice"],
                   frame_choices=tuple(data["frame_choices"]), steps=Range(**data["steps"]),
                   guidance=Range(**data["guidance"]), dit=dict(data["dit"]), files=dict(data["files"]), raw=data,
                   shapes={name: tuple(size) for name, size in
                           data.get("shapes", {"square": [data["frame_size"]] * 2}).items()})


@functools.lru_cache(maxsize=None)
def load(onnx_dir: Path = ONNX_DIR) -> Manifest:
    path = Path(onnx_dir) / FILENAME
    if not path.exists():
        raise ManifestMissing(f"{path} is missing: run `make export-onnx` (or restore model/onnx from git)")
    return Manifest.from_json(json.loads(path.read_text()))
