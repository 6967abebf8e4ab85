"""Chapter 2's real clips through the course's own autoencoder. `make export-onnx` encodes a few
fresh training-style clips (the encoder is not exported: the browser never encodes) and stores clip
and latent in model/onnx/encoded_examples.npz; here each latent is decoded with decoder.onnx."""
from __future__ import annotations

import numpy as np

from .cache import ModelUnavailable, dataset
from .detect import psnr

EXAMPLES_FILE = "encoded_examples.npz"
SHOWN = 0                       # the example the pages draw


@dataset("compression", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """Real clips (uint8), their latents, decoded clips (uint8) and PSNR in dB, cached with the model files."""
    path = sampler.dir / EXAMPLES_FILE
    if not path.exists():
        raise ModelUnavailable(f"{path} is missing: run `make export-onnx`")
    with np.load(path) as blob:
        video, latent, prompt = blob["video"], blob["latent"], blob["prompt"]
    decoded = np.stack([sampler.decode(z[None]) for z in latent])             # (n, F, H, W, 3) in [0, 1]
    return {"video": video, "latent": latent, "prompt": prompt,
            "decoded": np.round(np.clip(decoded, 0, 1) * 255).astype(np.uint8),
            "psnr": np.array([psnr(v / 255, d) for v, d in zip(video, decoded)])}
