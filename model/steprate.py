"""How long would the full training recipe take on this machine? Times a few steps of every stage at
the full config (nothing is saved) and projects the recipe's wall time.

    python -m model.steprate [--steps 20]

Run it on a quiet machine: on a shared one, other processes slow torch's threads a lot.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from .autoencoder import VideoAutoencoder
from .data import FRAME_CHOICES, batch, make_clip
from .dit import TOKENS_PER_SLICE, DiT
from .train import Trainer
from .train_config import Config


def _time(step, n: int) -> float:
    step()  # warm-up
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.steprate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args(argv)
    c = Config()
    rng = np.random.default_rng(0)
    w = c.ae.width
    ae = VideoAutoencoder(c.ae.latent_channels, (w, 2 * w, 4 * w))
    opt = torch.optim.Adam(ae.parameters())

    def ae_step():
        video, mask = (torch.from_numpy(a) for a in batch([make_clip(rng, c.ae.frames) for _ in range(c.ae.batch)]))
        recon, raw = ae(video)
        loss = ((1 + c.ae.foreground_weight * mask[:, None]) * (recon - video) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    dit = DiT(Trainer(c).dit_config("spacetime"))
    dopt = torch.optim.AdamW(dit.parameters())

    def dit_step():
        frames = int(rng.choice(FRAME_CHOICES))
        size = c.dit.tokens // (TOKENS_PER_SLICE * frames // 4)
        x = torch.randn(size, c.ae.latent_channels, frames // 4, 8, 8)
        t = torch.rand(size)
        loss = F.mse_loss(dit(x, t, torch.zeros(size, 10, dtype=torch.long)), x)
        dopt.zero_grad()
        loss.backward()
        dopt.step()

    def encode_batch():
        with torch.no_grad():
            video, _ = batch([make_clip(rng, 20) for _ in range(32)])
            ae.encoder(torch.from_numpy(video))

    ae_s = _time(ae_step, args.steps)
    ae.encoder.requires_grad_(False)
    opt = torch.optim.Adam(ae.decoder.parameters())
    dec_s = _time(ae_step, args.steps)
    dit_s = _time(dit_step, args.steps)
    enc_s = _time(encode_batch, max(3, args.steps // 4))
    rows = [("autoencoder", c.ae.steps, ae_s), ("latents (batches of 32)", c.pool_clips * len(FRAME_CHOICES) // 32, enc_s),
            ("spacetime DiT", c.dit.steps, dit_s), ("per-frame DiT", c.dit.per_frame_steps, dit_s),
            ("decoder polish", c.ae.decoder_steps, dec_s)]
    total = 0.0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median of {args.steps} steps each")
    for name, steps, seconds in rows:
        total += steps * seconds
        print(f"  {name:26s} {seconds * 1000:7.0f} ms/step x {steps:5d} = {steps * seconds / 60:5.1f} min")
    print(f"  projected full recipe: {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
