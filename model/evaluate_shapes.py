"""Score a mixture-trained model (the second edition) shape by shape against real clips of the same
prompts: square, landscape, portrait and still images, with the detector of model/evaluate.py and
four measures the first edition's table lacks:

- fill: the object's pixels over its bounding box (a ball fills about 0.80, a square 1.00), from the
  same colour mask for real and generated clips, so the two are comparable;
- floor gap (bouncing prompts): how far above the floor the object's lowest point stays in the middle
  half of the clip, as a share of its hop height (0 = it touches the floor as the real one does);
- one object: the share of frames holding the object where its colour forms one piece (8-connected,
  pieces of 3 pixels or more), so a ghost copy or a stray blob counts against it;
- largest jump against real: the generated clip's largest frame-to-frame centroid jump over the
  real clip's, for the same prompt.

    python -m model.evaluate_shapes --clips 24     # make evaluate runs it too, at 256 clips per shape

Prompts come from the model's own grammar (sizes and falling in the second); each generated clip is
scored beside the real clip rendered from its prompt.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from .data import CLIP_SHAPES, IMAGE, STILL_FRAMES, canvas_size, make_still, random_prompt, render, still_picture
from .evaluate import MIN_AREA, colour_masks, score


def fill(mask: np.ndarray) -> float:
    """Mean over frames with an object of area / bounding-box area."""
    ratios = []
    for m in mask:
        if m.sum() < MIN_AREA:
            continue
        rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
        ratios.append(m.sum() / ((rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1)))
    return float(np.mean(ratios)) if ratios else float("nan")


def components(mask: np.ndarray, min_area: int = 3) -> int:
    """Pieces of one frame's (H, W) mask, 8-connected, of at least `min_area` pixels: 1 for one
    compact object; a ghost copy, a smear that split or a stray blob of the colour makes more."""
    labels = np.where(mask, np.arange(mask.size).reshape(mask.shape) + 1, 0)
    big = mask.size + 1
    while True:          # every pixel takes the smallest label among its neighbours until none changes
        padded = np.pad(np.where(mask, labels, big), 1, constant_values=big)
        h, w = mask.shape
        smallest = np.min([padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
                           for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)
        new = np.where(mask, smallest, 0)
        if np.array_equal(new, labels):
            break
        labels = new
    _, sizes = np.unique(labels[mask], return_counts=True)
    return int((sizes >= min_area).sum())


def one_object(mask: np.ndarray) -> float:
    """Share of the frames holding the object (at least MIN_AREA pixels) where it is one piece."""
    held = [m for m in mask if m.sum() >= MIN_AREA]
    return float(np.mean([components(m) == 1 for m in held])) if held else float("nan")


def bottoms(mask: np.ndarray) -> np.ndarray:
    """Lowest object row per frame (rows grow downwards); nan where the object is absent."""
    out = np.full(len(mask), np.nan)
    for i, m in enumerate(mask):
        if m.sum() >= MIN_AREA:
            out[i] = np.flatnonzero(m.any(axis=1))[-1]
    return out


def floor_gap(generated: np.ndarray, real: np.ndarray) -> float:
    """Share of the real hop height by which the generated object's lowest mid-clip point stays above
    the real clip's floor contact. Both from the same detector, so the object's size cancels."""
    f = len(real)
    mid = slice(f // 4, f - f // 4)
    floor, top = np.nanmax(real), np.nanmin(real)
    hop = floor - top
    lowest = np.nanmax(generated[mid]) if not np.all(np.isnan(generated[mid])) else np.nan
    return float((floor - lowest) / hop) if hop >= 2 else float("nan")


def _generate(dit, ae, prompts, frames, width, height, steps, guidance, seed, grammar):
    import torch

    from .sample import denoise, initial_noise, to_frames
    from .text import tokenize

    noise = torch.cat([initial_noise(ae.latent_channels, frames, seed + i, width, height) for i in range(len(prompts))])
    ids = [tokenize(p.text, grammar).ids for p in prompts]
    return to_frames(ae, denoise(dit, noise, ids, steps, guidance))


def evaluate_shape(shape: str, args, models) -> dict:
    from .sample import model_grammar

    dit, ae = models
    grammar = model_grammar(dit)
    rng = np.random.default_rng([args.seed, 7, CLIP_SHAPES.index(shape)])
    width, height = canvas_size(shape)
    frames = STILL_FRAMES if shape == IMAGE else args.frames
    reals, prompts = [], []
    for _ in range(args.clips):
        if shape == IMAGE:
            clip = make_still(rng, width=width, height=height, grammar=grammar)
        else:
            clip = render(random_prompt(rng, grammar=grammar), frames, rng, width, height)
        reals.append(clip)
        prompts.append(clip.prompt)
    t0 = time.perf_counter()
    videos = []
    for first in range(0, len(prompts), args.batch):
        videos.extend(_generate(dit, ae, prompts[first:first + args.batch], frames, width, height, args.steps,
                                args.guidance, args.seed * 100_000 + first, grammar))
    seconds = time.perf_counter() - t0
    rows = {"real": [], "generated": []}
    for clip, video in zip(reals, videos):
        real = clip.video
        if shape == IMAGE:
            video, real = still_picture(video), real[:1]
        for name, v in (("real", real), ("generated", video)):
            mask = colour_masks(v)[clip.prompt.colour]   # the same detector for both
            entry = {"shape": clip.prompt.shape, "fill": fill(mask), "motion": clip.prompt.motion,
                     "one_object": one_object(mask)}
            if shape != IMAGE:
                s = score(v, clip.prompt)
                entry.update(presence=s.presence, direction=s.direction_right, jump=s.largest_jump,
                             flicker=s.flicker, bottoms=bottoms(mask))
            else:
                entry["presence"] = float(mask[0].sum() >= MIN_AREA)
            rows[name].append(entry)
    return summarise(shape, rows, seconds)


def summarise(shape: str, rows: dict, seconds: float) -> dict:
    mean = lambda xs: round(float(np.nanmean(xs)), 4) if len(xs) and not np.all(np.isnan(xs)) else None  # noqa: E731
    out = {"shape": shape, "clips": len(rows["real"]), "seconds": round(seconds, 1)}
    for name, entries in rows.items():
        part = {"presence": mean([e["presence"] for e in entries]),
                "one_object": mean([e["one_object"] for e in entries])}
        for obj in ("ball", "square"):
            part[f"{obj}_fill"] = mean([e["fill"] for e in entries if e["shape"] == obj])
        if shape != IMAGE:
            part["direction"] = mean([e["direction"] for e in entries])
            part["background_flicker"] = mean([e["flicker"] for e in entries])
            part["largest_jump_px"] = mean([e["jump"] for e in entries])
        out[name] = part
    if shape != IMAGE:
        pairs = list(zip(rows["real"], rows["generated"]))
        bounce = [(r, g) for r, g in pairs if r["motion"] == "bouncing"]
        out["floor_gap"] = {"real": mean([floor_gap(r["bottoms"], r["bottoms"]) for r, _ in bounce]),
                            "generated": mean([floor_gap(g["bottoms"], r["bottoms"]) for r, g in bounce]),
                            "bouncing_clips": len(bounce)}
        ratios = [g["jump"] / r["jump"] for r, g in pairs if r["jump"] > 0 and not np.isnan(g["jump"])]
        out["jump_over_real_median"] = round(float(np.median(ratios)), 3) if ratios else None
    return out


def main(argv: list[str] | None = None) -> int:
    from . import weights

    parser = argparse.ArgumentParser(prog="python -m model.evaluate_shapes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, default=weights.WEIGHTS_DIR)
    parser.add_argument("--clips", type=int, default=24, help="prompts per shape (default 24)")
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--guidance", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--shapes", nargs="+", default=list(CLIP_SHAPES))
    parser.add_argument("--out", type=Path, default=None, help="write the table as JSON here")
    args = parser.parse_args(argv)
    trained = weights.trained_shapes(args.weights)
    unknown = [s for s in args.shapes if s not in trained]
    if unknown:
        parser.error(f"{args.weights} makes {', '.join(trained)}; not {', '.join(unknown)}")
    models = (weights.load_dit("spacetime", args.weights)[0], weights.load_autoencoder(args.weights)[0])
    table = []
    for shape in args.shapes:
        table.append(evaluate_shape(shape, args, models))
        print(json.dumps(table[-1]), file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps({"settings": vars(args) | {"weights": str(args.weights), "out": str(args.out)},
                                        "shapes": table}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
