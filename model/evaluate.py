"""Score clips against their prompt and the physics with an analytic detector (no learned metric,
nothing to download), for real clips, autoencoder reconstructions, the spacetime DiT and the
per-frame baseline, in one table; then, for every shape the weights make (square, landscape,
portrait, still image), the spacetime DiT beside real clips of the same prompts (model/evaluate_shapes.py:
fill ratio, floor contact, jump against real), in a second table of the same file.

    python -m model.evaluate                 # 256 clips per row, writes model/evaluation.json
    python -m model.evaluate --clips 64      # quicker
    python -m model.evaluate --shapes        # the first table only

The detector finds the object by colour: pixels within `COLOUR_RADIUS` of the prompt's colour.
From that: presence in the frames where the object should be visible, direction of travel, the
largest centroid jump between frames, smoothness, jumps at latent-slice boundaries, background
flicker (per pixel) and drift (of the background's average colour), and whether the object comes
back out from behind the wall.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import RGB, Clip, make_clip
from .text import FIRST, Grammar, Prompt

COLOUR_RADIUS = 0.3     # RGB distance that still counts as the object's colour
MIN_AREA = 5            # pixels of the colour for the object to count as present (a full object is ~30)
SLICE = 4               # frames per latent time-slice
EVALUATION_JSON = Path(__file__).parent / "evaluation.json"


def expected_visible(prompt: Prompt, frames: int) -> np.ndarray:
    """Frames where the object must show. With a wall, only the first and last 30% of the clip
    (the object crosses the wall in between); the same rule scores real and generated clips."""
    if not prompt.wall:
        return np.ones(frames, bool)
    s = np.linspace(0, 1, frames)
    return (s <= 0.3) | (s >= 0.7)


def colour_masks(video: np.ndarray) -> dict[str, np.ndarray]:
    """(F, 32, 32) boolean mask per object colour."""
    return {name: np.linalg.norm(video - rgb, axis=-1) < COLOUR_RADIUS for name, rgb in RGB.items()}


@dataclass
class Track:
    present: np.ndarray          # (F,) object of the prompt's colour found, and it is the main colour
    centres: np.ndarray          # (F, 2) centroid (nan where absent)
    wrong_pixels: float          # mean pixels per frame in another object colour
    flicker: float               # mean |frame_t - frame_t-1| over background pixels
    pair_flicker: np.ndarray     # (F-1,) the same for each pair of consecutive frames
    drift: float                 # mean change of the background's average colour between frames


def detect(video: np.ndarray, prompt: Prompt) -> Track:
    masks = colour_masks(video)
    own = masks[prompt.colour]
    area = own.sum(axis=(1, 2))
    others = np.stack([m.sum(axis=(1, 2)) for name, m in masks.items() if name != prompt.colour])
    present = (area >= MIN_AREA) & (area > others.max(axis=0))
    ys, xs = np.mgrid[0:video.shape[1], 0:video.shape[2]] + 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = (own * xs).sum(axis=(1, 2)) / area
        cy = (own * ys).sum(axis=(1, 2)) / area
    centres = np.where(present[:, None], np.stack([cx, cy], axis=1), np.nan)
    anything = np.any(np.stack(list(masks.values())), axis=0)
    near = _dilate(anything, 2)
    background = ~(near[1:] | near[:-1])
    change = np.abs(video[1:] - video[:-1]).mean(axis=-1)
    flicker = float((change * background).sum() / max(background.sum(), 1))
    pair_flicker = (change * background).sum(axis=(1, 2)) / np.maximum(background.sum(axis=(1, 2)), 1)
    # The background's average colour per frame pair: the decoder's pixel noise averages out, a
    # background that shifts as a whole (what a model without attention across time does) does not.
    drift = [np.abs(video[t + 1][m].mean(axis=0) - video[t][m].mean(axis=0)).mean()
             for t, m in enumerate(background) if m.any()]
    return Track(present, centres, float(others.sum(axis=0).mean()), flicker, pair_flicker,
                 float(np.mean(drift)) if drift else 0.0)


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            out |= np.roll(np.roll(mask, dy, axis=1), dx, axis=2)
    return out


@dataclass
class ClipScore:
    presence: float              # share of must-show frames with the object, in its colour
    direction_right: bool
    largest_jump: float          # px, between consecutive frames both holding the object
    smoothness: float            # mean |second difference| of the centroid, px
    boundary_jump: float         # mean jump across a latent-slice boundary
    inside_jump: float           # mean jump inside a slice
    wrong_pixels: float
    flicker: float
    boundary_flicker: float      # background flicker between frames of two latent slices
    inside_flicker: float        # ... and between frames of one slice
    drift: float
    reappears: bool | None       # wall clips only


def score(video: np.ndarray, prompt: Prompt) -> ClipScore:
    frames = len(video)
    track = detect(video, prompt)
    must = expected_visible(prompt, frames)
    xs = track.centres[:, 0]
    seen = np.flatnonzero(track.present)
    sign = 1 if prompt.start == "left" else -1
    direction = len(seen) >= 2 and sign * (xs[seen[-1]] - xs[seen[0]]) > 4
    steps = np.linalg.norm(np.diff(track.centres, axis=0), axis=1)       # nan where either is absent
    valid = ~np.isnan(steps)
    boundary = (np.arange(1, frames) % SLICE == 0)
    second = np.linalg.norm(track.centres[2:] - 2 * track.centres[1:-1] + track.centres[:-2], axis=1)
    reappears = None
    if prompt.wall:
        s = np.linspace(0, 1, frames)
        before, after = track.present[s <= 0.3], track.present[s >= 0.7]
        crossed = len(seen) >= 2 and sign * (np.nanmean(xs[s >= 0.7]) - video.shape[2] / 2) > 0 if after.any() else False
        reappears = bool(before.mean() >= 0.8 and after.mean() >= 0.8 and crossed)
    mean = lambda a: float(np.mean(a)) if len(a) else float("nan")  # noqa: E731
    return ClipScore(
        presence=float(track.present[must].mean()),
        direction_right=bool(direction),
        largest_jump=float(steps[valid].max()) if valid.any() else float("nan"),
        smoothness=mean(second[~np.isnan(second)]),
        boundary_jump=mean(steps[valid & boundary]),
        inside_jump=mean(steps[valid & ~boundary]),
        wrong_pixels=track.wrong_pixels,
        flicker=track.flicker,
        boundary_flicker=mean(track.pair_flicker[boundary]),
        inside_flicker=mean(track.pair_flicker[~boundary]),
        drift=track.drift,
        reappears=reappears,
    )


@dataclass
class Row:
    name: str
    clips: int = 0
    scores: list[ClipScore] = field(default_factory=list)
    psnr: float | None = None
    seconds: float = 0.0

    def summary(self) -> dict:
        get = lambda k: np.array([getattr(s, k) for s in self.scores], float)  # noqa: E731
        wall = [s.reappears for s in self.scores if s.reappears is not None]
        out = {
            "clips": len(self.scores),
            "presence": round(float(np.mean(get("presence"))), 4),
            "direction_right": round(float(np.mean(get("direction_right"))), 4),
            "largest_jump_px": round(float(np.nanmean(get("largest_jump"))), 3),
            "smoothness_px": round(float(np.nanmean(get("smoothness"))), 3),
            "boundary_jump_px": round(float(np.nanmean(get("boundary_jump"))), 3),
            "inside_jump_px": round(float(np.nanmean(get("inside_jump"))), 3),
            "wrong_colour_px": round(float(np.mean(get("wrong_pixels"))), 3),
            "background_flicker": round(float(np.mean(get("flicker"))), 5),
            "boundary_flicker": round(float(np.nanmean(get("boundary_flicker"))), 5),
            "inside_flicker": round(float(np.nanmean(get("inside_flicker"))), 5),
            "background_drift": round(float(np.mean(get("drift"))), 5),
            "reappears": round(float(np.mean(wall)), 4) if wall else None,
            "seconds": round(self.seconds, 1),
        }
        if self.psnr is not None:
            out["psnr_db"] = round(self.psnr, 2)
        return out


def fresh_clips(count: int, frames: int, seed: int, split: str = "train", grammar: Grammar = FIRST) -> list[Clip]:
    """Square clips drawn like the training clips, from the prompts of `grammar` (the model's own)."""
    rng = np.random.default_rng([seed, 99, frames, split == "held_out"])
    return [make_clip(rng, frames, split, grammar=grammar) for _ in range(count)]


def _torch_rows(clips: list[Clip], frames: int, args, rows: dict, label: str) -> None:
    """Reconstructions and samples for `clips`' prompts (torch is only needed here)."""
    import torch

    from . import weights
    from .data import batch
    from .sample import denoise, initial_noise, model_grammar, to_frames
    from .text import tokenize

    wdir = args.weights or weights.WEIGHTS_DIR
    ae, _ = weights.load_autoencoder(wdir)
    chunks = [clips[i:i + args.batch] for i in range(0, len(clips), args.batch)]
    if label == "" and frames == 16:
        t0, row, mse = time.perf_counter(), Row("autoencoder reconstruction"), []
        with torch.no_grad():
            for chunk in chunks:
                video, _ = batch(chunk)
                recon = to_frames(ae, ae.encode(torch.from_numpy(video)))
                mse.extend(((recon - np.stack([c.video for c in chunk])) ** 2).mean(axis=(1, 2, 3, 4)))
                row.scores.extend(score(r, c.prompt) for r, c in zip(recon, chunk))
        row.psnr = float(np.mean(10 * np.log10(1 / np.maximum(mse, 1e-12))))
        row.seconds = time.perf_counter() - t0
        rows["autoencoder reconstruction"] = row
    for kind in args.models:
        dit, _ = weights.load_dit(kind, wdir)
        name = f"{kind} DiT{label}"
        t0, row = time.perf_counter(), Row(name)
        for n, chunk in enumerate(chunks):
            noise = torch.cat([initial_noise(ae.latent_channels, frames, args.seed * 100_000 + n * args.batch + i)
                               for i in range(len(chunk))])
            ids = [tokenize(c.prompt.text, model_grammar(dit)).ids for c in chunk]
            video = to_frames(ae, denoise(dit, noise, ids, args.steps, args.guidance))
            row.scores.extend(score(v, c.prompt) for v, c in zip(video, chunk))
        row.seconds = time.perf_counter() - t0
        rows[name] = row


def evaluate(args) -> dict:
    from . import weights
    from .sample import model_grammar

    wdir = args.weights or weights.WEIGHTS_DIR
    grammar = model_grammar(weights.load_dit("spacetime", wdir)[0])
    rows: dict[str, Row] = {}
    for frames in args.frames:
        for split in ("train", "held_out") if frames == 16 else ("train",):
            clips = fresh_clips(args.clips, frames, args.seed, split, grammar)
            label = (f", {frames} frames" if frames != 16 else "") + (
                ", held-out colour/motion" if split == "held_out" else "")
            if label == "":
                rows["real clips"] = Row("real clips", scores=[score(c.video, c.prompt) for c in clips])
            _torch_rows(clips, frames, args, rows, label)
            print(f"scored {frames}-frame {split} clips", file=sys.stderr)
    result = {"settings": {"clips_per_row": args.clips, "steps": args.steps, "guidance": args.guidance,
                           "seed": args.seed, "grammar": grammar.name,
                           "detector": {"colour_radius": COLOUR_RADIUS, "min_area": MIN_AREA}},
              "rows": {name: row.summary() for name, row in rows.items()}}
    shapes = [s for s in weights.trained_shapes(wdir) if s in args.shapes]
    if shapes:   # every shape the weights make, each clip beside the real clip of its prompt (evaluate_shapes.py)
        from .evaluate_shapes import evaluate_shape
        models = (weights.load_dit("spacetime", wdir)[0], weights.load_autoencoder(wdir)[0])
        shape_args = argparse.Namespace(seed=args.seed, clips=args.clips, frames=16, steps=args.steps,
                                        guidance=args.guidance, batch=8)
        result["shapes"] = []
        for shape in shapes:
            result["shapes"].append(evaluate_shape(shape, shape_args, models))
            print(f"scored the {shape} shape", file=sys.stderr)
    return result


COLUMNS = (("presence", "present, right colour", "{:.1%}"), ("direction_right", "direction right", "{:.1%}"),
           ("reappears", "re-appears after wall", "{:.1%}"), ("largest_jump_px", "largest jump px", "{:.2f}"),
           ("boundary_jump_px", "jump at / inside slice px", None), ("smoothness_px", "2nd diff px", "{:.2f}"),
           ("background_flicker", "background flicker", "{:.4f}"),
           ("boundary_flicker", "flicker at / inside slice", None), ("background_drift", "background drift", "{:.4f}"),
           ("wrong_colour_px", "wrong-colour px", "{:.2f}"),
           ("psnr_db", "PSNR dB", "{:.1f}"))


def markdown(result: dict) -> str:
    head = "| clips | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, row in result["rows"].items():
        cells = []
        for key, _, fmt in COLUMNS:
            if key == "boundary_jump_px":
                cells.append(f"{row['boundary_jump_px']:.2f} / {row['inside_jump_px']:.2f}")
            elif key == "boundary_flicker":
                cells.append(f"{row['boundary_flicker']:.4f} / {row['inside_flicker']:.4f}")
            elif row.get(key) is None:
                cells.append("–")
            else:
                cells.append(fmt.format(row[key]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def shapes_markdown(result: dict) -> str:
    """The per-shape table: the spacetime DiT beside real clips of the same prompts."""
    pct = lambda v: "–" if v is None else f"{v:.1%}"  # noqa: E731
    num = lambda v, f="{:.2f}": "–" if v is None else f.format(v)  # noqa: E731
    lines = ["| shape | present (real) | one object (real) | direction | largest jump px (real) | jump vs real, median "
             "| floor gap (real) | ball / square fill (real) | background flicker |", "|" + "---|" * 9]
    for s in result.get("shapes", []):
        g, r, gap = s["generated"], s["real"], s.get("floor_gap") or {}
        lines.append(
            f"| {s['shape']} | {pct(g['presence'])} ({pct(r['presence'])}) "
            f"| {pct(g.get('one_object'))} ({pct(r.get('one_object'))}) | {pct(g.get('direction'))} "
            f"| {num(g.get('largest_jump_px'))} ({num(r.get('largest_jump_px'))}) | {num(s.get('jump_over_real_median'))}x "
            f"| {num(gap.get('generated'), '{:.3f}')} ({num(gap.get('real'), '{:.3f}')}) "
            f"| {num(g['ball_fill'])} / {num(g['square_fill'])} ({num(r['ball_fill'])} / {num(r['square_fill'])}) "
            f"| {num(g.get('background_flicker'), '{:.4f}')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from .data import CLIP_SHAPES
    from .sample import DEFAULT_GUIDANCE, DEFAULT_STEPS

    parser = argparse.ArgumentParser(prog="python -m model.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=256, help="clips per row (default 256)")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames", type=int, nargs="+", default=[16, 8, 24, 32])
    parser.add_argument("--models", nargs="+", default=["spacetime", "per-frame"])
    parser.add_argument("--shapes", nargs="*", default=list(CLIP_SHAPES),
                        help="shapes to score beside real clips (default: every shape the weights make; none: skip)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--out", type=Path, default=EVALUATION_JSON)
    parser.add_argument("--weights", type=Path, default=None, help="folder of trained weights (default model/weights)")
    args = parser.parse_args(argv)
    if args.clips < 1:
        parser.error("--clips must be at least 1")
    started = time.perf_counter()
    result = evaluate(args)
    result["settings"]["seconds"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    if result.get("shapes"):
        print()
        print(shapes_markdown(result))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
