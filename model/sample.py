"""Generate a clip from a prompt with the trained spacetime DiT (or the per-frame baseline).

    python -m model.sample --prompt "a blue ball arcing from right to left" --frames 16 --steps 20 \
        --guidance 4 --seed 0 --out clip.gif
    python -m model.sample --shape landscape --prompt "a big red ball falling ..."

The sampler integrates the flow-matching ODE with Euler steps from pure noise (t = 1) to a clean
latent (t = 0), running the prompt and the null prompt as one batch of two for classifier-free
guidance, then decodes the latent into frames. The browser's sampler does exactly the same.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from . import flow, weights
from .data import FRAME_CHOICES, CLIP_SHAPES, IMAGE, STILL_FRAMES, canvas_size, check_frames, still_picture
from .text import FIRST, Grammar, grammar_of, null_ids, tokenize

STEP_RANGE = (1, 100)
GUIDANCE_RANGE = (0.0, 20.0)
DEFAULT_STEPS = 20
DEFAULT_GUIDANCE = 3.0


@dataclass
class Result:
    video: np.ndarray        # (F, H, W, 3) float32 in [0, 1]: (16, 32, 32, 3) for 16 square frames, F = 1 for an image
    latent: np.ndarray       # (C, F/4, H/4, W/4) the final clean latent
    notes: list[str]         # what happened to the prompt (unknown words, unconditional, ...)


def initial_noise(channels: int, frames: int, seed: int, width: int = 32, height: int = 32) -> torch.Tensor:
    """The starting latent for a seed: (1, C, F/4, H/4, W/4), the values torch.randn gives (model/flow.py)."""
    return torch.from_numpy(flow.seed_noise(seed, (1, channels, frames // 4, height // 4, width // 4)))


def canvas(shape: str, frames: int) -> tuple[int, int, int]:
    """(frames, width, height) the model denoises for a shape: "image" is one latent slice, which the
    autoencoder decodes into STILL_FRAMES frames of a still (generate returns their mean as one frame)."""
    if shape not in CLIP_SHAPES:
        raise ValueError(f"shape must be one of {', '.join(CLIP_SHAPES)}; got {shape!r}")
    if shape != IMAGE:
        check_frames(frames)
    return STILL_FRAMES if shape == IMAGE else frames, *canvas_size(shape)


def model_grammar(dit) -> Grammar:
    return grammar_of(dit.config.vocab_size, dit.config.prompt_tokens)


@torch.no_grad()
def denoise(dit, noise: torch.Tensor, ids, steps: int, guidance: float,
            on_step: Callable[[flow.Step], None] | None = None) -> torch.Tensor:
    """Guided Euler steps (model/flow.py) for a batch of B latents (B, C, T', H', W') and B prompts
    (lists of ids, or one list for all); on_step(flow.Step) after each step."""
    b, null = noise.shape[0], null_ids(model_grammar(dit))
    ids = torch.as_tensor(ids).reshape(-1, len(null)).expand(b, -1)
    prompts = torch.cat([ids, torch.tensor(null).expand(b, -1)])  # (2B, tokens): prompt, then null

    def velocity_pair(x: torch.Tensor, t: float) -> tuple[torch.Tensor, torch.Tensor]:
        v_cond, v_uncond = dit(torch.cat([x, x]), torch.full((2 * b,), t), prompts).chunk(2)
        return v_cond, v_uncond

    return flow.euler(velocity_pair, noise, steps, guidance, on_step)


@torch.no_grad()
def to_frames(ae, latent: torch.Tensor) -> np.ndarray:
    """Decoded frames (B, F, H, W, 3) in [0, 1] for latents (B, C, T', H/4, W/4)."""
    video = ae.decode(latent).clamp(-1, 1)
    return ((video.permute(0, 2, 3, 4, 1).numpy() + 1) / 2).astype(np.float32)


def prompt_notes(text: str, grammar: Grammar = FIRST) -> tuple[list[int], list[str]]:
    tokens = tokenize(text, grammar)
    notes = []
    if tokens.rewritten:   # the same words as promptNotes in web/generator/sampler.js
        pairs = [f'"{typed}" as "{canon}"' for typed, canon in dict.fromkeys(tokens.rewritten)]
        notes.append("read " + ", ".join(pairs[:5]) + (f", and {len(pairs) - 5} more" if len(pairs) > 5 else ""))
    if tokens.unknown:
        notes.append("ignored unknown word(s): " + ", ".join(dict.fromkeys(tokens.unknown)))
    if tokens.dropped:
        notes.append(f"ignored {len(tokens.dropped)} word(s) past the {len(tokens.ids)}-word limit")
    if tokens.unconditional:
        notes.append("no known words: generating unconditionally (the null prompt)")
    return tokens.ids, notes


def generate(prompt: str, frames: int = 16, steps: int = DEFAULT_STEPS, guidance: float = DEFAULT_GUIDANCE,
             seed: int = 0, model: str = "spacetime", models=None, noise: torch.Tensor | None = None,
             shape: str = "square", directory: Path = weights.WEIGHTS_DIR) -> Result:
    frames, width, height = canvas(shape, frames)
    dit, ae = models if models is not None else (weights.load_dit(model, directory)[0],
                                                 weights.load_autoencoder(directory)[0])
    ids, notes = prompt_notes(prompt, model_grammar(dit))
    if noise is None:
        noise = initial_noise(ae.latent_channels, frames, seed, width, height)
    latent = denoise(dit, noise, ids, steps, guidance)
    video = to_frames(ae, latent)[0]
    if shape == IMAGE:
        video = still_picture(video)
    return Result(video, latent[0].numpy(), notes)


def write_clip(video: np.ndarray, path: Path, scale: int = 4, fps: int = 8) -> None:
    """An animated GIF, or a PNG strip of the frames side by side, enlarged `scale` times."""
    from PIL import Image

    pixels = (np.clip(video, 0, 1) * 255).round().astype(np.uint8).repeat(scale, 1).repeat(scale, 2)
    if path.suffix.lower() == ".gif":
        frames = [Image.fromarray(f) for f in pixels]
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=1000 // fps, loop=0)
    else:
        Image.fromarray(np.concatenate(list(pixels), axis=1)).save(path)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m model.sample", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompt", default="", help='e.g. "a red ball bouncing from left to right"; empty = unconditional')
    parser.add_argument("--frames", type=int, default=16, help=f"one of {', '.join(map(str, FRAME_CHOICES))}")
    parser.add_argument("--shape", choices=CLIP_SHAPES, default="square",
                        help="square 32x32, landscape 64x32, portrait 32x64 (width x height), or image (one still frame)")
    parser.add_argument("--weights", type=Path, default=weights.WEIGHTS_DIR, help="the folder of weights files")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help=f"Euler steps, {STEP_RANGE[0]} to {STEP_RANGE[1]}")
    parser.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE,
                        help=f"classifier-free guidance scale, {GUIDANCE_RANGE[0]:g} to {GUIDANCE_RANGE[1]:g}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", choices=list(weights.DIT_FILES), default="spacetime")
    parser.add_argument("--out", type=Path, default=Path("clip.gif"), help="a .gif (animation) or .png (strip of frames)")
    args = parser.parse_args(argv)
    problems = []
    if args.frames not in FRAME_CHOICES:
        problems.append(f"--frames must be one of {', '.join(map(str, FRAME_CHOICES))} (got {args.frames})")
    if not STEP_RANGE[0] <= args.steps <= STEP_RANGE[1]:
        problems.append(f"--steps must be from {STEP_RANGE[0]} to {STEP_RANGE[1]} (got {args.steps})")
    if not (GUIDANCE_RANGE[0] <= args.guidance <= GUIDANCE_RANGE[1]):
        problems.append(f"--guidance must be from {GUIDANCE_RANGE[0]:g} to {GUIDANCE_RANGE[1]:g} (got {args.guidance:g})")
    if args.seed < 0:
        problems.append(f"--seed must be 0 or more (got {args.seed})")
    if args.out.suffix.lower() not in (".gif", ".png"):
        problems.append(f"--out must end in .gif or .png (got {args.out})")
    if problems:
        parser.error("; ".join(problems))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    try:
        result = generate(args.prompt, args.frames, args.steps, args.guidance, args.seed, args.model,
                          shape=args.shape, directory=args.weights)
    except weights.MissingWeights as err:
        print(f"model.sample: {err}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_clip(result.video, args.out)
    frames, height, width = result.video.shape[:3]
    print(f"{args.out}: {frames} frames of {width}x{height}, {args.steps} steps, guidance {args.guidance:g}, "
          f"seed {args.seed}, {args.model} model, {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
