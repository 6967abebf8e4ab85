"""The diffusion transformer: spacetime patches of the latent, attention over all of them (or, for
the per-frame baseline, only within each latent time-slice), adaLN-Zero timestep conditioning and
cross-attention to the prompt.

Shapes for 16 frames of 32 x 32: latent (B, 8, 4, 8, 8) -> 4 slices x 16 patches of 1x2x2 = 64
tokens of width d -> transformer -> 64 predictions of 8*2*2 values -> velocity (B, 8, 4, 8, 8).
Any canvas works the same way: 64 x 32 (width x height) is a (B, 8, T, 8, 16) latent, 4 x 8 = 32
patches per slice. Every shape is kept symbolic (reshape with sizes read from the input, slicing by
them) so the ONNX export accepts any batch size, any number of latent time-slices up to
`max_slices` and any patch grid up to `MAX_GRID` x `MAX_GRID`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
import torch.nn.functional as F

from .text import FIRST

LATENT_SIDE = 8   # the autoencoder turns 32x32 pixels into 8x8 cells
PATCH = 2         # a patch covers 1 slice x 2 x 2 cells
GRID = LATENT_SIDE // PATCH
TOKENS_PER_SLICE = GRID * GRID  # of the square 32 x 32 canvas
MAX_GRID = 8      # patch rows or columns of the largest canvas the position codes cover: 64 px


@dataclass
class DiTConfig:
    """The DiT's size: the one home of these numbers (training reads its defaults, weights files store it)."""
    latent_channels: int = 8   # the autoencoder's latent channels (training passes its own)
    width: int = 128           # token width d
    depth: int = 6             # transformer blocks
    heads: int = 4             # attention heads per block (d / heads channels each)
    text_layers: int = 2       # the prompt encoder's transformer layers
    max_slices: int = 8        # latent time-slices of the longest clip: 32 frames
    per_frame: bool = False    # self-attention only within each time-slice: the baseline
    vocab_size: int = FIRST.vocab_size     # the prompt words it reads (model/text.py's Grammar)
    prompt_tokens: int = FIRST.tokens      # prompt positions
    # The prompt also reaches every block's adaLN through one linear map of its whole encoded sequence,
    # position by position, not only through its mean and cross-attention: "from left to right" and
    # "from right to left" hold the same words, and a mixture model trained without this path learned
    # colour and shape but ignored the order (direction 50% on the same seeds; model/weights/README.md).
    prompt_order: bool = False


def sincos(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Classic transformer sin-cos features of 1-D positions: (N,) -> (N, dim)."""
    freqs = torch.exp(-math.log(10000.0) * torch.arange(dim // 2, dtype=torch.float32) / (dim // 2))
    angles = positions.float()[:, None] * freqs[None]                          # (N, dim/2)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


def spacetime_positions(max_slices: int, width: int, grid: int = MAX_GRID) -> torch.Tensor:
    """(max_slices, grid, grid, width): a quarter of the channels encode the slice, 3/8 each the
    patch row and column, counted from the top-left. Built once for the longest clip on the largest
    canvas; a clip uses the first slices, rows and columns, which is exact: the square canvas's codes
    are the ones the first edition used."""
    t_dim, s_dim = width // 4, 3 * width // 8
    t = sincos(torch.arange(max_slices), t_dim)[:, None, None, :].expand(max_slices, grid, grid, t_dim)
    rows = sincos(torch.arange(grid), s_dim)[None, :, None, :].expand(max_slices, grid, grid, s_dim)
    cols = sincos(torch.arange(grid), s_dim)[None, None, :, :].expand(max_slices, grid, grid, s_dim)
    return torch.cat([t, rows, cols], dim=3)


class Attention(nn.Module):
    """Multi-head attention; `context` given means cross-attention."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.kv = nn.Linear(width, 2 * width)
        self.out = nn.Linear(width, width)
        # Spelled-out attention instead of F.scaled_dot_product_attention: the same numbers (to
        # float rounding), but the ONNX exporter turns SDPA into a dozen shape ops per call that
        # cost the browser's one wasm thread more than the maths. export/onnx_model.py sets it.
        self.explicit = False

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        b, n, d = x.shape
        ctx = x if context is None else context
        q = self.q(x).reshape(b, n, self.heads, -1).transpose(1, 2)                   # (B, heads, N, d/heads)
        k, v = self.kv(ctx).reshape(b, -1, 2, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # 2 x (B, heads, M, d/heads)
        if self.explicit:
            weights = torch.softmax((q * (1 / math.sqrt(d // self.heads))) @ k.transpose(-1, -2), dim=-1)  # (B, heads, N, M)
            out = weights @ v
        else:
            out = F.scaled_dot_product_attention(q, k, v)                              # (B, heads, N, d/heads)
        return self.out(out.transpose(1, 2).reshape(b, n, d))                          # (B, N, d)


def mlp(width: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"), nn.Linear(4 * width, width))


def modulate(x, shift, scale):
    return x * (1 + scale) + shift


class TextEncoder(nn.Module):
    """Word embeddings + learned positions + a few pre-norm transformer layers over the 10 tokens."""

    def __init__(self, width: int, heads: int, layers: int, vocab_size: int, tokens: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, width)
        self.pos = nn.Parameter(torch.randn(tokens, width) * 0.02)
        self.layers = nn.ModuleList(nn.ModuleDict({
            "norm1": nn.LayerNorm(width), "attn": Attention(width, heads),
            "norm2": nn.LayerNorm(width), "mlp": mlp(width)}) for _ in range(layers))
        self.norm = nn.LayerNorm(width)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids) + self.pos
        for layer in self.layers:
            x = x + layer["attn"](layer["norm1"](x))
            x = x + layer["mlp"](layer["norm2"](x))
        return self.norm(x)


class Block(nn.Module):
    """adaLN-Zero self-attention + cross-attention to the prompt + MLP (DiT, PixArt-style)."""

    def __init__(self, width: int, heads: int, per_frame: bool):
        super().__init__()
        self.per_frame = per_frame
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(width, heads)
        self.norm_cross = nn.LayerNorm(width)
        self.cross = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.mlp = mlp(width)
        self.ada = nn.Linear(width, 6 * width)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)
        nn.init.zeros_(self.cross.out.weight)
        nn.init.zeros_(self.cross.out.bias)

    def forward(self, x, cond, text, per_slice: int = TOKENS_PER_SLICE):
        shift1, scale1, gate1, shift2, scale2, gate2 = self.ada(F.silu(cond))[:, None].chunk(6, dim=-1)  # 6 x (B, 1, d)
        h = modulate(self.norm1(x), shift1, scale1)
        if self.per_frame:  # each latent time-slice attends only to itself
            b, n, d = h.shape                                                      # (B, T'*S, d), S per slice
            h = self.attn(h.reshape(-1, per_slice, d)).reshape(b, n, d)            # (B*T', S, d) and back
        else:
            h = self.attn(h)
        x = x + gate1 * h
        x = x + self.cross(self.norm_cross(x), text)
        return x + gate2 * self.mlp(modulate(self.norm2(x), shift2, scale2))


class DiT(nn.Module):
    def __init__(self, config: DiTConfig):
        super().__init__()
        self.config = c = config
        patch_dim = c.latent_channels * PATCH * PATCH
        self.patch_in = nn.Linear(patch_dim, c.width)
        self.register_buffer("pos", spacetime_positions(c.max_slices, c.width), persistent=False)
        self.time_mlp = nn.Sequential(nn.Linear(256, c.width), nn.SiLU(), nn.Linear(c.width, c.width))
        self.text = TextEncoder(c.width, c.heads, c.text_layers, c.vocab_size, c.prompt_tokens)
        self.text_pool = nn.Linear(c.width, c.width)
        if c.prompt_order:   # zero at the start, so continuing a model without it starts from its function
            self.text_order = nn.Linear(c.prompt_tokens * c.width, c.width)
            nn.init.zeros_(self.text_order.weight)
            nn.init.zeros_(self.text_order.bias)
        self.blocks = nn.ModuleList(Block(c.width, c.heads, c.per_frame) for _ in range(c.depth))
        self.norm_out = nn.LayerNorm(c.width, elementwise_affine=False, eps=1e-6)
        self.ada_out = nn.Linear(c.width, 2 * c.width)
        self.patch_out = nn.Linear(c.width, patch_dim)
        for layer in (self.ada_out, self.patch_out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def patchify(self, latent: torch.Tensor) -> torch.Tensor:
        """(B, C, T, H, W) -> (B, T*R*K, C*4) with R = H/2 rows and K = W/2 columns of patches,
        tokens ordered slice by slice, row by row ((B, C, 4, 8, 8) -> (B, 64, 32) at 16 frames)."""
        b, c, _, h, w = latent.shape
        x = latent.reshape(b, c, -1, h // PATCH, PATCH, w // PATCH, PATCH)  # (B, C, T, R, 2, K, 2)
        x = x.permute(0, 2, 3, 5, 1, 4, 6)                                   # (B, T, R, K, C, 2, 2)
        return x.reshape(b, -1, c * PATCH * PATCH)                           # (B, T*R*K, C*4)

    def unpatchify(self, tokens: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """(B, T*R*K, C*4) -> the shape of `like`, (B, C, T, H, W): patchify's inverse."""
        b, c, _, h, w = like.shape
        x = tokens.reshape(b, -1, h // PATCH, w // PATCH, c, PATCH, PATCH)  # (B, T, R, K, C, 2, 2)
        x = x.permute(0, 4, 1, 2, 5, 3, 6)                                   # (B, C, T, R, 2, K, 2)
        return x.reshape(like.shape)                                         # (B, C, T, H, W)

    def forward(self, latent: torch.Tensor, t: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Predicted velocity (noise minus clean latent) for latents at noise level t in [0, 1]."""
        slices, rows, cols = latent.shape[2], latent.shape[3] // PATCH, latent.shape[4] // PATCH
        pos = self.pos[:slices, :rows, :cols].reshape(1, -1, self.config.width)           # (1, T*R*K, d)
        x = self.patch_in(self.patchify(latent)) + pos                                     # (B, T*R*K, d)
        text = self.text(ids)
        cond = self.time_mlp(sincos(t * 1000, 256)) + self.text_pool(text.mean(dim=1))     # (B, d)
        if self.config.prompt_order:
            cond = cond + self.text_order(text.flatten(1))                                  # (B, P*d) -> (B, d)
        for block in self.blocks:
            x = block(x, cond, text, rows * cols)
        shift, scale = self.ada_out(F.silu(cond))[:, None].chunk(2, dim=-1)                # 2 x (B, 1, d)
        return self.unpatchify(self.patch_out(modulate(self.norm_out(x), shift, scale)), latent)
