"""Chapter 9's shapes, read from the exported model: build time runs the committed ONNX files
(onnxruntime, never torch) on noise for every clip length the model takes and records what actually
comes out: the denoiser's velocity, its self-attention maps (B, heads, N, N), its text encoder's,
and the decoder's frames."""
from __future__ import annotations

import functools

import numpy as np

from model import prompt_graph

from .attention import step_with_attention
from .cache import dataset

GUIDED_BATCH = 2             # prompt and null prompt run together for classifier-free guidance

Shape = tuple[int, ...]


@dataset("recap", version=1)
def load(sampler) -> dict[str, np.ndarray]:
    """rows (lengths, 20): per clip length, frames then the latent, velocity and first self-attention
    map's shapes (batch included), the block count and the decoded frames' shape; text_pos (2,) the text encoder's position table shape."""
    text = sampler.graph(prompt_graph.key("spacetime"))     # the text encoder is in the prompt graph
    weights = {init.name: tuple(init.dims) for init in text.graph.initializer}
    n_text = sampler.manifest.prompt_tokens
    prompt = sampler.encode_prompt("spacetime", np.full((GUIDED_BATCH, n_text), sampler.manifest.null, np.int64))
    rows = []
    for frames in sampler.manifest.frame_choices:
        latent = np.concatenate([sampler.noise(frames, 0)] * GUIDED_BATCH)
        velocity, attn = step_with_attention(
            sampler, "spacetime", {"latent": latent, "t": np.full(GUIDED_BATCH, 0.5, np.float32), **prompt})
        decoded = sampler.decode(latent[:1])
        rows.append([frames, *latent.shape, *velocity.shape, *attn[0].shape, len(attn), *decoded.shape])
    return {"rows": np.array(rows), "text_pos": np.array(weights["text.pos"])}   # (prompt tokens, width)


@functools.lru_cache(maxsize=1)
def shapes() -> dict[int, dict[str, Shape]]:
    """Per clip length: the shapes the exported model produced, batch dimension dropped."""
    arrays = load()
    n_text, width = arrays["text_pos"].tolist()
    out = {}
    for row in arrays["rows"].tolist():
        frames, latent, velocity, attn, blocks, decoded = row[0], row[2:6], row[7:11], row[11:15], row[15], row[16:]
        tokens, heads = attn[-1], attn[1]
        out[frames] = {
            "latent": tuple(latent), "velocity": tuple(velocity), "tokens": (tokens, width),
            "text": (n_text, width), "video": (decoded[-1], *decoded[:-1]),      # the decoder gives (F, H, W, 3)
            "heads": heads, "blocks": blocks, "width": width,
        }
    return out


def stage_shapes(frames: int, height: int, width: int, model_size: int = 32) -> dict[str, tuple] | None:
    """(in, out) per stage as the exported model gives them, where the model runs; None for frame
    sizes it does not take. The encoder is not exported (generation never encodes): left out."""
    if (height, width) != (model_size, model_size) or frames not in shapes():
        return None
    m = shapes()[frames]
    return {"video": (None, m["video"]), "latent": (m["latent"], m["latent"]), "text": ((m["text"][0],), m["text"]),
            "patchify": (m["latent"], m["tokens"]), "DiT": (m["tokens"], m["velocity"]),
            "sampler": (m["latent"], m["velocity"]), "decoder": (m["latent"], m["video"])}
