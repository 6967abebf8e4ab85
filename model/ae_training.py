"""The two stages that train autoencoder weights (the autoencoder, then the decoder polish): what
tells them apart, the batches they draw, the loss they lower, and the scores after training.
model/train.py runs them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from . import ae_metrics
from .autoencoder import VideoAutoencoder
from .text import FIRST, Grammar
from .data import ASPECTS, FRAME_CHOICES, SIZE, batch, make_clip, make_still
from .train_config import AutoencoderSettings


@dataclass(frozen=True)
class AutoencoderStage:
    """One of the two stages that train autoencoder weights: the autoencoder, or the decoder polish."""
    name: str
    steps: int
    lr: float
    foreground: float                       # weight of the object's pixels in the loss
    temporal: float                         # weight of matching frame-to-frame changes (MSE)
    clips: Callable[[np.random.Generator, AutoencoderSettings, Grammar], list]   # one training batch


def one_length(rng: np.random.Generator, ae: AutoencoderSettings, grammar: Grammar = FIRST) -> list:
    """The first autoencoder's batches: ae.batch square clips of ae.frames frames."""
    return [make_clip(rng, ae.frames, grammar=grammar) for _ in range(ae.batch)]


def every_length(rng: np.random.Generator, ae: AutoencoderSettings, grammar: Grammar = FIRST) -> list:
    """Every length the DiTs generate, the same number of frames per batch: trained on 16 frames only,
    the decoder lost the object in the first and last frames of fast 8-frame clips."""
    frames = int(rng.choice(FRAME_CHOICES))
    return [make_clip(rng, frames, grammar=grammar) for _ in range(max(1, ae.batch * ae.frames // frames))]


def shape_mixture(rng: np.random.Generator, ae: AutoencoderSettings, grammar: Grammar = FIRST) -> list:
    """v2: square, landscape, portrait and still images from one set of weights; a batch holds one
    shape and one length, and the same number of pixels (ae.batch x ae.frames x 32 x 32) whatever they are."""
    width, height = ASPECTS[str(rng.choice(list(ASPECTS)))]
    count = lambda frames: max(1, ae.batch * ae.frames * SIZE * SIZE // (frames * width * height))  # noqa: E731
    if rng.random() < ae.still_share:
        return [make_still(rng, width=width, height=height, grammar=grammar) for _ in range(count(4))]
    frames = int(rng.choice(FRAME_CHOICES))
    return [make_clip(rng, frames, width=width, height=height, grammar=grammar) for _ in range(count(frames))]


def reconstruction_loss(recon: torch.Tensor, video: torch.Tensor, mask: torch.Tensor, ae: AutoencoderSettings,
                        stage: AutoencoderStage) -> torch.Tensor:
    """On (B, 3, F, H, W): object-weighted MSE, plus the v2 terms where they are set."""
    weight = 1 + stage.foreground * mask[:, None]
    err = recon - video
    loss = (weight * err ** 2).mean() / weight.mean()
    if ae.l1 > 0:  # L1 keeps pulling on small errors, such as a background a little too grey
        loss = loss + ae.l1 * (weight * err.abs()).mean() / weight.mean()
    if ae.gradient > 0:  # matching neighbour differences keeps edges sharp (objects fill their box)
        loss = loss + ae.gradient * (err.diff(dim=3).abs().mean() + err.diff(dim=4).abs().mean())
    if stage.temporal > 0 and video.shape[2] > 1:
        # Per-pixel losses let the decoder paint a slightly different texture on each frame of a
        # still background; that shimmer is flicker every clip inherits. Match the changes too.
        change = lambda v: v[:, :, 1:] - v[:, :, :-1]  # noqa: E731
        loss = loss + stage.temporal * (change(recon) - change(video)).pow(2).mean()
    if ae.temporal_l1 > 0 and video.shape[2] > 1:
        loss = loss + ae.temporal_l1 * err.diff(dim=2).abs().mean()
    return loss


def measure_autoencoder(model: VideoAutoencoder, clips: int = 32, frames: int = 16, seed: int = 99) -> dict:
    """model.ae_metrics on `clips` fresh clips of each shape and on still images (square), from their
    own seed, so two autoencoders are scored on the very same clips."""
    model.eval()
    kinds = {**{name: (w, h, False) for name, (w, h) in ASPECTS.items()}, "still": (SIZE, SIZE, True)}
    report = {}
    for name, (width, height, still) in kinds.items():
        rng = np.random.default_rng([seed, width, height, still])
        scores = []
        for _ in range(clips):
            clip = make_still(rng, width=width, height=height) if still else make_clip(rng, frames, width=width, height=height)
            video, _ = batch([clip])
            with torch.no_grad():
                recon = model(torch.from_numpy(video))[0][0].numpy()      # (3, F, H, W) in about [-1, 1]
            scores.append(ae_metrics.score_clip((recon.transpose(1, 2, 3, 0) + 1) / 2, clip))
        report[name] = {k: (round(v, 4) if math.isfinite(v) else None) for k, v in ae_metrics.summarise(scores).items()}
    return report


def psnr(recon: torch.Tensor, video: torch.Tensor) -> float:
    """PSNR in dB of videos in [-1, 1], measured on the [0, 1] scale."""
    mse = ((recon.clamp(-1, 1) - video) / 2).pow(2).mean().item()
    return 10 * math.log10(1 / max(mse, 1e-12))
