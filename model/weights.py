"""Saving and loading the trained weights.

The committed files hold float16 values. Loading widens them to float32, and every consumer (the
sampler, the evaluation, the ONNX export) starts from those same widened numbers. So PyTorch and
ONNX compute with identical weights, and the files are half the size.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import torch

from . import manifest
from .data import CLIP_SHAPES
from .autoencoder import VideoAutoencoder
from .dit import DiT, DiTConfig

WEIGHTS_DIR = Path(__file__).parent / "weights"
AUTOENCODER = "autoencoder.pt"
DIT_FILES = {kind: manifest.file_name("dit", kind, ".pt") for kind in manifest.KINDS}   # dit_spacetime.pt, dit_perframe.pt


class MissingWeights(FileNotFoundError):
    pass


def save(path: Path, model: torch.nn.Module, config: dict, meta: dict) -> None:
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"config": config, "state": state, "meta": meta}, tmp)
    tmp.replace(path)  # never leave a half-written weights file behind


def _read(path: Path) -> dict:
    if not path.exists():
        raise MissingWeights(f"no trained weights at {path}: run `make train` (or restore the file from git)")
    return torch.load(path, map_location="cpu", weights_only=True)


def _widen(state: dict) -> dict:
    return {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}


def load_autoencoder(directory: Path = WEIGHTS_DIR) -> tuple[VideoAutoencoder, dict]:
    blob = _read(Path(directory) / AUTOENCODER)
    cfg = blob["config"]
    model = VideoAutoencoder(cfg["latent_channels"], tuple(cfg["widths"]))
    model.load_state_dict(_widen(blob["state"]))
    return model.eval(), blob["meta"]


def load_dit(kind: str = "spacetime", directory: Path = WEIGHTS_DIR) -> tuple[DiT, dict]:
    if kind not in DIT_FILES:
        raise ValueError(f"model must be one of {', '.join(DIT_FILES)}; got {kind!r}")
    blob = _read(Path(directory) / DIT_FILES[kind])
    fields = {f.name for f in dataclasses.fields(DiTConfig)}
    model = DiT(DiTConfig(**{k: v for k, v in blob["config"].items() if k in fields}))
    model.load_state_dict(_widen(blob["state"]))
    return model.eval(), blob["meta"]


def trained_shapes(directory: Path = WEIGHTS_DIR) -> tuple[str, ...]:
    """The shapes (data.CLIP_SHAPES) a weights folder's DiTs were trained on, from its training.json: every
    canvas and stills when the DiT stages drew from the shape mixture, else the square canvas only
    (the first edition, and a folder with no record)."""
    record = Path(directory) / "training.json"
    if not record.exists():
        return ("square",)
    dit = json.loads(record.read_text()).get("config", {}).get("dit", {})
    return CLIP_SHAPES if dit.get("mixture") else ("square",)
