"""The video autoencoder: 3-D convolutions that fold 4 frames and 4x4 pixels into one latent cell.

(B, 3, F, 32, 32) -> (B, C, F/4, 8, 8). Downsampling folds each 2x2x2 block into channels
(space-to-depth) and mixes them with a convolution; upsampling does the reverse (a convolution,
then depth-to-space). No ConvTranspose3d, so the decoder exports to ONNX cleanly and runs in wasm.
It is deterministic (no KL term); a tiny penalty keeps the latent's scale tame, and the per-channel
mean/std measured after training turn it into the unit-scale latent the DiT learns on.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


def fold(x: torch.Tensor) -> torch.Tensor:
    """Space-to-depth over (time, height, width) by 2: (B, C, T, H, W) -> (B, 8C, T/2, H/2, W/2)."""
    b, c, t, h, w = x.shape
    x = x.reshape(b, c, t // 2, 2, h // 2, 2, w // 2, 2)
    return x.permute(0, 1, 3, 5, 7, 2, 4, 6).reshape(b, c * 8, t // 2, h // 2, w // 2)


def unfold(x: torch.Tensor) -> torch.Tensor:
    """Depth-to-space, the inverse of `fold`: (B, 8C, T, H, W) -> (B, C, 2T, 2H, 2W)."""
    b, c8, t, h, w = x.shape
    c = c8 // 8
    x = x.reshape(b, c, 2, 2, 2, t, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4)
    return x.reshape(b, c, t * 2, h * 2, w * 2)


class ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, channels)
        self.conv1 = nn.Conv3d(channels, channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, channels)
        self.conv2 = nn.Conv3d(channels, channels, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class Encoder(nn.Module):
    def __init__(self, latent_channels: int, widths: tuple[int, int, int]):
        super().__init__()
        w0, w1, w2 = widths
        self.stem = nn.Conv3d(3, w0, 3, padding=1)
        self.down1 = nn.Conv3d(w0 * 8, w1, 1)    # after fold: (F/2, 16, 16)
        self.block1 = ResBlock(w1)
        self.down2 = nn.Conv3d(w1 * 8, w2, 1)    # after fold: (F/4, 8, 8)
        self.block2 = ResBlock(w2)
        self.norm = nn.GroupNorm(8, w2)
        self.out = nn.Conv3d(w2, latent_channels, 3, padding=1)

    def forward(self, video):
        x = F.silu(self.stem(video))
        x = self.block1(self.down1(fold(x)))
        x = self.block2(self.down2(fold(x)))
        return self.out(F.silu(self.norm(x)))


class Decoder(nn.Module):
    def __init__(self, latent_channels: int, widths: tuple[int, int, int]):
        super().__init__()
        w0, w1, w2 = widths
        self.inp = nn.Conv3d(latent_channels, w2, 3, padding=1)
        self.block2 = ResBlock(w2)
        self.up2 = nn.Conv3d(w2, w1 * 8, 1)      # then unfold to (F/2, 16, 16)
        self.block1 = ResBlock(w1)
        self.up1 = nn.Conv3d(w1, w0 * 8, 1)      # then unfold to (F, 32, 32)
        self.norm = nn.GroupNorm(8, w0)
        self.mix = nn.Conv3d(w0, w0, 3, padding=1)
        self.out = nn.Conv3d(w0, 3, 1)

    def forward(self, latent):
        x = self.block2(self.inp(latent))
        x = self.block1(unfold(self.up2(x)))
        x = unfold(self.up1(x))
        x = self.mix(F.silu(self.norm(x)))
        return self.out(F.silu(x))


class VideoAutoencoder(nn.Module):
    """Encoder + decoder + the latent statistics that normalise latents to unit scale."""

    def __init__(self, latent_channels: int = 8, widths: tuple[int, int, int] = (32, 64, 128)):
        super().__init__()
        self.latent_channels = latent_channels
        self.encoder = Encoder(latent_channels, widths)
        self.decoder = Decoder(latent_channels, widths)
        self.register_buffer("latent_mean", torch.zeros(latent_channels))
        self.register_buffer("latent_std", torch.ones(latent_channels))

    def _stats(self):
        return self.latent_mean.view(1, -1, 1, 1, 1), self.latent_std.view(1, -1, 1, 1, 1)

    def encode(self, video: torch.Tensor) -> torch.Tensor:
        """Video in [-1, 1] -> normalised latent (mean 0, std 1 per channel over training clips)."""
        mean, std = self._stats()
        return (self.encoder(video) - mean) / std

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Normalised latent -> video in about [-1, 1]."""
        mean, std = self._stats()
        return self.decoder(latent * std + mean)

    def forward(self, video):
        raw = self.encoder(video)
        return self.decoder(raw), raw
