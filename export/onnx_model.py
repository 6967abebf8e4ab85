"""Export what the browser runs to ONNX, and check it against PyTorch with onnxruntime.

    python -m export.onnx_model            # (make export-onnx) writes model/onnx/

Files: prompt_spacetime.onnx and prompt_perframe.onnx (the prompt's share of a denoiser: ids (B,
prompt tokens) int64 -> prompt_0, prompt_1, ..., run once per clip; model/prompt_graph.py),
denoiser_spacetime.onnx and denoiser_perframe.onnx (one denoising step: inputs latent (B, C, T',
8, 8) float32 for the square canvas, t (B,) float32 and the prompt graph's outputs; output the
velocity; each is exported whole and then cut in two), decoder.onnx (normalised latent -> frames (B, F, 32, 32, 3) in
[0, 1]), manifest.json (every number about the model: model/manifest.py) and, for chapter 7's
inspector, inspect_*.onnx: each denoiser with its attention maps as extra outputs
(model/inspection.py). Batch and slice count are dynamic; so are the latent's height and width
when the weights were trained on every shape (weights.trained_shapes): (B, C, T', 8, 16) is the
64 x 32 landscape canvas, and one slice is a still image.

Each network's large weights go in a `.weights` file beside its graph, as float16 where float16
holds them exactly (the trained weights are float16 values already, see model/weights.py) and
float32 otherwise; the loaders widen them to float32 before onnxruntime sees the model, so the
results are the numbers PyTorch computes. Why and how: model/onnx_weights.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from model import inspection, manifest, onnx_weights, prompt_graph

ONNX_DIR = Path(__file__).resolve().parent.parent / "model" / "onnx"
OPSET = 18
TOLERANCE = 1e-4
EXAMPLES = "encoded_examples.npz"   # real clips + their latents, for the compression sim (not for the browser)
FILES = {kind: manifest.file_name("denoiser", kind, ".onnx") for kind in manifest.KINDS}  # denoiser_spacetime.onnx, ...


def _decoder_module(ae):
    import torch

    class Decoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ae = ae

        def forward(self, latent):
            video = self.ae.decode(latent).clamp(-1, 1)
            return (video.permute(0, 2, 3, 4, 1) + 1) / 2

    return Decoder().eval()


def _export(module, args, names_in, names_out, dynamic, path: Path) -> None:
    import torch

    program = torch.onnx.export(module, args, dynamo=True, opset_version=OPSET, input_names=names_in,
                                output_names=names_out, dynamic_shapes=dynamic, verbose=False)
    program.optimize()
    program.save(str(path))


def export_all(out: Path = ONNX_DIR, weights_dir: Path | None = None, log=sys.stderr) -> dict:
    import torch

    from model import weights
    from model.data import FRAME_CHOICES
    from model.dit import MAX_GRID, PATCH, Attention
    from model.sample import model_grammar

    wdir = weights_dir or weights.WEIGHTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    ae, _ = weights.load_autoencoder(wdir)
    c = ae.latent_channels
    batch = torch.export.Dim("batch", min=1, max=64)
    latent_axes = {0: batch, 2: torch.export.Dim("slices", min=1, max=max(FRAME_CHOICES) // 4)}
    if weights.trained_shapes(wdir) != ("square",):   # height and width in whole patches, up to MAX_GRID
        latent_axes[3] = PATCH * torch.export.Dim("patch_rows", min=1, max=MAX_GRID)
        latent_axes[4] = PATCH * torch.export.Dim("patch_cols", min=1, max=MAX_GRID)
    report = {"opset": OPSET, "files": {}, "max_abs_diff": {}}
    for kind, name in FILES.items():
        dit, _ = weights.load_dit(kind, wdir)
        for module in dit.modules():    # spelled-out attention: fewer ops for the browser (model/dit.py)
            if isinstance(module, Attention):
                module.explicit = True
        example = (torch.randn(2, c, 4, 8, 8), torch.rand(2),
                   torch.zeros(2, model_grammar(dit).tokens, dtype=torch.int64))
        t0 = time.perf_counter()
        _export(dit, example, ["latent", "t", "ids"], ["velocity"],
                {"latent": latent_axes, "t": {0: batch}, "ids": {0: batch}}, out / name)
        prompt_graph.cut_file(out, kind)     # the prompt's nodes into a graph run once per clip
        log.write(f"exported {name} in {time.perf_counter() - t0:.1f} s\n")
    decoder = _decoder_module(ae)
    _export(decoder, (torch.randn(1, c, 4, 8, 8),), ["latent"], ["frames"], {"latent": latent_axes},
            out / "decoder.onnx")
    meta = describe(ae, dit.config, weights.trained_shapes(wdir))
    # float16 on the wire, float32 in memory: see model/onnx_weights.py
    meta["weights"] = {name: onnx_weights.split(out / name) for name in meta["files"].values()}
    (out / manifest.FILENAME).write_text(json.dumps(meta, indent=1) + "\n")
    inspection.write(out)    # chapter 7's inspector: the same graphs with their attention maps as outputs
    write_encoded_examples(ae, out / EXAMPLES)
    report["max_abs_diff"] = check(out, wdir)
    report["files"] = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    report["total_bytes"] = sum(report["files"].values())
    report["model_bytes"] = sum(size for name, size in report["files"].items() if name.endswith((".onnx", ".weights")))
    (out / "export_report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def describe(ae, dit_config, shapes: tuple[str, ...] = ("square",)) -> dict:
    """The manifest (model/manifest.py) of an export, without its "weights" layout: every number about
    the model, read from the trained networks' own configs and the modules that define them. The
    vocabulary is the model's grammar's (model/text.py): the first edition reads 18 words."""
    from model.data import FRAME_CHOICES, SIZE, canvas_size
    from model.dit import GRID, LATENT_SIDE, PATCH, TOKENS_PER_SLICE
    from model.sample import DEFAULT_GUIDANCE, DEFAULT_STEPS, GUIDANCE_RANGE, STEP_RANGE
    from model.text import NULL, PAD, WORD_ID, grammar_of, rewrites_for

    import torch

    assert GRID * PATCH == LATENT_SIDE
    frames = 8       # the compression factors, measured on the encoder itself rather than assumed
    with torch.no_grad():
        _, channels, slices, side, _ = ae.encoder(torch.zeros(1, 3, frames, SIZE, SIZE)).shape
    assert side == LATENT_SIDE, (side, LATENT_SIDE)
    grammar = grammar_of(dit_config.vocab_size, dit_config.prompt_tokens)
    return {
        "vocab": list(grammar.vocab), "pad": WORD_ID[PAD], "null": WORD_ID[NULL], "prompt_tokens": grammar.tokens,
        # how the browser's tokenizer forgives "the", plurals and verb forms, as model/text.py does
        "rewrites": rewrites_for(grammar),
        # clip shapes -> (width, height) in pixels; "image" is a still: one latent slice
        "shapes": {name: list(canvas_size(name)) for name in shapes},
        "frame_size": SIZE, "frames_per_slice": frames // slices, "space_factor": SIZE // side,
        "latent_channels": channels, "latent_side": side, "patch": PATCH,
        "tokens_per_slice": TOKENS_PER_SLICE, "frame_choices": list(FRAME_CHOICES),
        "steps": {"default": DEFAULT_STEPS, "min": STEP_RANGE[0], "max": STEP_RANGE[1]},
        "guidance": {"default": DEFAULT_GUIDANCE, "min": GUIDANCE_RANGE[0], "max": GUIDANCE_RANGE[1]},
        "dit": {"width": dit_config.width, "depth": dit_config.depth, "heads": dit_config.heads,
                "text_layers": dit_config.text_layers, "max_slices": dit_config.max_slices},
        "files": {**FILES, **{prompt_graph.key(kind): name for kind, name in prompt_graph.FILES.items()},
                  "decoder": "decoder.onnx"},
    }


def write_encoded_examples(ae, path: Path, count: int = 6, frames: int = 16, seed: int = 2024) -> None:
    """A few fresh training-style clips and their latents, for the compression sim.

    Only the decoder is exported (the browser never encodes), so the one thing build time cannot
    compute with onnxruntime is a real clip's latent: the encoder runs here, once, and the pages
    decode these latents with decoder.onnx. Stored small: frames as uint8, latents as float32."""
    import numpy as np
    import torch

    from model.data import batch, make_clip

    rng = np.random.default_rng(seed)
    clips = [make_clip(rng, frames) for _ in range(count)]
    video, _ = batch(clips)
    with torch.no_grad():
        latents = ae.encode(torch.from_numpy(video)).numpy().astype(np.float32)
    frames_u8 = np.stack([np.round(np.clip(c.video, 0, 1) * 255).astype(np.uint8) for c in clips])
    np.savez_compressed(path, video=frames_u8, latent=latents,
                        prompt=np.array([c.prompt.text for c in clips]))


def check(out: Path = ONNX_DIR, weights_dir: Path | None = None) -> dict:
    """Largest |ONNX - PyTorch| over several batch sizes and every slice count; raises past TOLERANCE."""
    import onnxruntime as ort
    import torch

    from model import weights
    from model.data import canvas_size
    from model.sample import model_grammar

    wdir = weights_dir or weights.WEIGHTS_DIR
    ae, _ = weights.load_autoencoder(wdir)
    rng = np.random.default_rng(0)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    worst = {}
    sides = [(h // 4, w // 4) for w, h in {canvas_size(s) for s in weights.trained_shapes(wdir)}]
    cases = [(b, s, 8, 8) for b in (1, 2, 3) for s in range(2, 9, 2)] + [(2, 1, 8, 8)]
    cases += [(b, s, h, w) for h, w in sides if (h, w) != (8, 8) for b, s in ((1, 1), (2, 4), (1, 8))]
    def session(name):
        return ort.InferenceSession(onnx_weights.session_bytes(out, name), options, providers=["CPUExecutionProvider"])

    for kind, name in FILES.items():
        dit, _ = weights.load_dit(kind, wdir)
        grammar = model_grammar(dit)
        prompt, step = session(prompt_graph.FILES[kind]), session(name)
        diff = 0.0
        for b, s, h, w in cases:
            latent = rng.standard_normal((b, ae.latent_channels, s, h, w)).astype(np.float32)
            t = rng.random(b).astype(np.float32)
            ids = rng.integers(0, grammar.vocab_size, (b, grammar.tokens)).astype(np.int64)
            with torch.no_grad():
                want = dit(torch.from_numpy(latent), torch.from_numpy(t), torch.from_numpy(ids)).numpy()
            got = step.run(None, {"latent": latent, "t": t, **prompt_graph.encode(prompt, ids)})[0]
            diff = max(diff, float(np.abs(got - want).max()))
        worst[name] = diff
    decoding = session("decoder.onnx")
    diff = 0.0
    decoder = _decoder_module(ae)
    for b, s, h, w in [(1, 2, 8, 8), (1, 4, 8, 8), (2, 8, 8, 8), (1, 1, 8, 8)] + [(1, 4, h, w) for h, w in sides]:
        latent = rng.standard_normal((b, ae.latent_channels, s, h, w)).astype(np.float32)
        with torch.no_grad():
            want = decoder(torch.from_numpy(latent)).numpy()
        diff = max(diff, float(np.abs(decoding.run(None, {"latent": latent})[0] - want).max()))
    worst["decoder.onnx"] = diff
    bad = {k: v for k, v in worst.items() if v > TOLERANCE}
    if bad:
        raise AssertionError(f"ONNX differs from PyTorch by more than {TOLERANCE}: {bad}")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.onnx_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ONNX_DIR)
    parser.add_argument("--weights", type=Path, default=None, help="directory of trained weights (default model/weights)")
    args = parser.parse_args(argv)
    from model.weights import MissingWeights

    try:
        report = export_all(args.out, args.weights)
    except (MissingWeights, AssertionError) as err:
        print(f"export-onnx failed: {err}", file=sys.stderr)
        return 1
    for name, size in report["files"].items():
        print(f"{name:28s} {size / 1e6:6.2f} MB")
    print(f"{'total':28s} {report['total_bytes'] / 1e6:6.2f} MB; max |ONNX - PyTorch|: "
          + ", ".join(f"{k} {v:.1e}" for k, v in report["max_abs_diff"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
