"""The video autoencoder: 3-D convolutions that fold 4 frames and 4x4 pixels into one latent cell.

(B, 3, F, 32, 32) -> (B, C, F/4, 8, 8). Downsampling folds each 2x2x2 block into channels
(space-to-depth) and mixes them with a convolution; upsampling does the reverse (a convolution,
then depth-to-space). No ConvTranspose3d, so the decoder exports to ONNX cleanly and runs in wasm.
It is deterministic (no KL term); a tiny penalty keeps the latent's scale tame, and the per-channel
mean/std measured after training turn it into the unit-scale latent the DiT learns on.

Every layer is a convolution over (time, height, width), so one set of weights takes any clip whose
frames are a multiple of 4 and whose sides are multiples of 4: square, landscape, portrait, and a
still image as 4 identical frames (one latent time-slice).

`shortcuts=True` (autoencoder v2) adds parameter-free residual paths around every change of
resolution or width, after DC-AE (Chen et al. 2024, "Deep Compression Autoencoder", residual
autoencoding): going down, the folded channels are averaged in groups to the new width; going up,
channels are repeated and unfolded. Together they carry a block-averaged copy of the clip straight
from pixels to latent and back, so the network only learns what the averages miss; without them
the first autoencoder learned slowly and kept backgrounds grey.
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


def shrink(x: torch.Tensor, channels: int) -> torch.Tensor:
    """Parameter-free shortcut to fewer channels: the mean of each group of consecutive channels."""
    b, c, t, h, w = x.shape
    return x.reshape(b, channels, c // channels, t, h, w).mean(dim=2)      # (B, channels, T, H, W)


def widen(x: torch.Tensor, channels: int) -> torch.Tensor:
    """Parameter-free shortcut to more channels: each channel repeated, the inverse of `shrink`."""
    b, c, t, h, w = x.shape
    x = x[:, :, None].expand(b, c, channels // c, t, h, w)
    return x.reshape(b, channels, t, h, w)


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
    def __init__(self, latent_channels: int, widths: tuple[int, int, int], shortcuts: bool = False):
        super().__init__()
        w0, w1, w2 = widths
        self.shortcuts = shortcuts
        self.widths, self.latent_channels = widths, latent_channels
        self.stem = nn.Conv3d(3, w0, 3, padding=1)
        self.down1 = nn.Conv3d(w0 * 8, w1, 1)    # after fold: (F/2, 16, 16)
        self.block1 = ResBlock(w1)
        self.down2 = nn.Conv3d(w1 * 8, w2, 1)    # after fold: (F/4, 8, 8)
        self.block2 = ResBlock(w2)
        self.norm = nn.GroupNorm(8, w2)
        self.out = nn.Conv3d(w2, latent_channels, 3, padding=1)

    def forward(self, video):
        if not self.shortcuts:
            x = F.silu(self.stem(video))
            x = self.block1(self.down1(fold(x)))
            x = self.block2(self.down2(fold(x)))
            return self.out(F.silu(self.norm(x)))
        (w0, w1, w2), c = self.widths, self.latent_channels
        x = self.stem(video) + widen(video, w0)                                 # (B, w0, F, H, W)
        x = fold(x)                                                             # (B, 8 w0, F/2, H/2, W/2)
        x = self.block1(self.down1(x) + shrink(x, w1))                          # (B, w1, F/2, H/2, W/2)
        x = fold(x)                                                             # (B, 8 w1, F/4, H/4, W/4)
        x = self.block2(self.down2(x) + shrink(x, w2))                          # (B, w2, F/4, H/4, W/4)
        return self.out(F.silu(self.norm(x))) + shrink(x, c)                    # (B, C, F/4, H/4, W/4)


class Decoder(nn.Module):
    def __init__(self, latent_channels: int, widths: tuple[int, int, int], shortcuts: bool = False):
        super().__init__()
        w0, w1, w2 = widths
        self.shortcuts = shortcuts
        self.widths = widths
        self.inp = nn.Conv3d(latent_channels, w2, 3, padding=1)
        self.block2 = ResBlock(w2)
        self.up2 = nn.Conv3d(w2, w1 * 8, 1)      # then unfold to (F/2, 16, 16)
        self.block1 = ResBlock(w1)
        self.up1 = nn.Conv3d(w1, w0 * 8, 1)      # then unfold to (F, 32, 32)
        self.norm = nn.GroupNorm(8, w0)
        self.mix = nn.Conv3d(w0, w0, 3, padding=1)
        self.out = nn.Conv3d(w0, 3, 1)

    def forward(self, latent):
        if not self.shortcuts:
            x = self.block2(self.inp(latent))
            x = self.block1(unfold(self.up2(x)))
            x = unfold(self.up1(x))
            x = self.mix(F.silu(self.norm(x)))
            return self.out(F.silu(x))
        w0, w1, w2 = self.widths
        x = self.block2(self.inp(latent) + widen(latent, w2))                   # (B, w2, T, h, w)
        x = self.block1(unfold(self.up2(x) + widen(x, 8 * w1)))                 # (B, w1, 2T, 2h, 2w)
        x = unfold(self.up1(x) + widen(x, 8 * w0))                              # (B, w0, 4T, 4h, 4w)
        x = x + self.mix(F.silu(self.norm(x)))
        return self.out(F.silu(x)) + shrink(x, 3)                               # (B, 3, 4T, 4h, 4w)


class VideoAutoencoder(nn.Module):
    """Encoder + decoder + the latent statistics that normalise latents to unit scale."""

    def __init__(self, latent_channels: int = 8, widths: tuple[int, int, int] = (32, 64, 128), shortcuts: bool = False):
        super().__init__()
        self.latent_channels = latent_channels
        if shortcuts and (widths[0] % 3 or widths[0] % latent_channels or widths[2] % latent_channels
                          or 8 * widths[0] % widths[1] or 8 * widths[1] % widths[2]):
            raise ValueError(f"shortcuts need widths that divide evenly; got {widths} with {latent_channels} channels")
        self.encoder = Encoder(latent_channels, widths, shortcuts)
        self.decoder = Decoder(latent_channels, widths, shortcuts)
        self.register_buffer("latent_mean", torch.zeros(latent_channels))
        self.register_buffer("latent_std", torch.ones(latent_channels))
        # The weights file says whether it has shortcuts, so loading rebuilds the right network from
        # the file alone; files written before shortcuts existed have no such entry and none.
        self.register_buffer("shortcuts", torch.tensor(shortcuts))
        self.register_load_state_dict_pre_hook(VideoAutoencoder._read_shortcuts)

    @staticmethod
    def _read_shortcuts(module, state_dict, prefix, *args):
        flag = bool(state_dict.setdefault(prefix + "shortcuts", torch.tensor(False)))
        module.encoder.shortcuts = module.decoder.shortcuts = flag

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
