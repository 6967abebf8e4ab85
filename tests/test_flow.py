"""One sampler definition (model/flow.py) and its three users: the torch sampler, the onnxruntime
sampler and the browser's JS. Seed noise against torch.randn itself, the onnxruntime loop against
the torch loop on the session's tiny model, and the JS (under `node --test`) against golden values
this file writes from the Python definitions."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from model import flow, weights
from node_tests import run_node_tests
from model.ort_sampler import OrtSampler
from model.sample import denoise, initial_noise, model_grammar, prompt_notes
from model.text import FIRST, NULL, PAD, SECOND, WORD_ID, rewrites_for, tokenize

PROMPT = "a red ball bouncing from left to right"


@pytest.mark.parametrize("count", [16, 17, 100, 2048, 4096 + 5])
@pytest.mark.parametrize("seed", [0, 7, 2**31 + 3])
def test_seed_noise_is_torch_randn(seed, count):
    want = torch.randn(count, generator=torch.Generator().manual_seed(seed)).numpy()
    assert np.abs(flow.torch_randn(seed, count) - want).max() <= 1e-6


def test_initial_noise_keeps_torch_shape_and_values():
    want = torch.randn(1, 8, 4, 8, 8, generator=torch.Generator().manual_seed(3))
    got = initial_noise(8, 16, 3)
    assert got.shape == want.shape and float((got - want).abs().max()) <= 1e-6


def test_timesteps_and_guidance():
    assert flow.timesteps(4).tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert flow.timesteps(20).dtype == np.float32
    with pytest.raises(ValueError):
        flow.timesteps(0)
    cond, uncond = np.array([2.0, -1.0]), np.array([1.0, 1.0])
    assert flow.guide(cond, uncond, 0.0).tolist() == uncond.tolist()      # w = 0 ignores the prompt
    assert flow.guide(cond, uncond, 1.0).tolist() == cond.tolist()        # w = 1 is the plain conditional
    assert flow.guide(cond, uncond, 3.0).tolist() == [4.0, -5.0]          # w > 1 extrapolates past it


@pytest.mark.parametrize("kind", ["spacetime", "per-frame"])
def test_onnxruntime_sampler_equals_torch_sampler(tiny, tiny_onnx, kind):
    """Same noise, prompt, steps and guidance: the same steps reported and the same final latent."""
    dit, _ = weights.load_dit(kind, tiny)
    sampler = OrtSampler(tiny_onnx)
    ids = tokenize(PROMPT, model_grammar(dit)).ids
    noise = sampler.noise(16, seed=4)
    seen_torch, seen_ort = [], []
    want = denoise(dit, torch.from_numpy(noise), ids, 6, 3.0, on_step=seen_torch.append)
    got = sampler.denoise(kind, noise, ids, 6, 3.0, on_step=seen_ort.append)
    assert np.abs(got - want.numpy()).max() <= 1e-4
    assert [(s.step, s.steps, s.t) for s in seen_ort] == [(s.step, s.steps, s.t) for s in seen_torch]
    assert [s.step for s in seen_ort] == [1, 2, 3, 4, 5, 6]
    for a, b in zip(seen_ort, seen_torch):
        assert np.abs(a.clean - b.clean.numpy()).max() <= 1e-4
        assert np.abs(a.latent - b.latent.numpy()).max() <= 1e-4


def _stub_pair(x, t):
    """A stand-in network for the loop: v_cond = 0.5 x + t, v_uncond = -0.25 x (the JS test's stub)."""
    return (np.float32(0.5) * x + np.float32(t)).astype(np.float32), (np.float32(-0.25) * x).astype(np.float32)


# Prompts a reader might type: forgiven variation ("the", plurals, verb forms, filler, no leading
# "a"), more rewrites than the note lists, and "falls", which only the second grammar can read.
FORGIVING = ["The blue balls are bouncing from left to right.", "an yellow square slides from right to left",
             "Red Ball Rolling", "blue ball bouncing from left to right", "a red ball falls from left to right",
             "the balls bounced, the squares slid, the walls arced an arc", "is are was its"]


def golden_tokens(grammar, prompts: list[str]) -> dict:
    """The manifest the export writes for `grammar` (its tokenizer part) and what Python reads of each
    prompt: the tokens and the note about rewritten words (None when nothing was rewritten)."""
    manifest = {"vocab": list(grammar.vocab), "pad": WORD_ID[PAD], "null": WORD_ID[NULL],
                "prompt_tokens": grammar.tokens, "rewrites": rewrites_for(grammar)}
    read = lambda p: next((n for n in prompt_notes(p, grammar)[1] if n.startswith("read ")), None)  # noqa: E731
    return {"manifest": manifest, "prompts": [{"text": p, **vars(tokenize(p, grammar)), "read_note": read(p)}
                                              for p in prompts]}


def golden_values() -> dict:
    prompts = [PROMPT, "", "A BLUE square, sliding!", "zebra red zebra", "a " * 14 + "red ball", *FORGIVING]
    noise = flow.seed_noise(11, (1, 2, 1, 4, 4))
    reported = []
    final = flow.euler(_stub_pair, noise, 5, 3.0, on_step=reported.append)
    return {
        **golden_tokens(FIRST, prompts),
        "second": golden_tokens(SECOND, prompts),
        "timesteps": {str(n): flow.timesteps(n).tolist() for n in (1, 3, 7, 20, 100)},
        "noise": [{"seed": s, "count": c, "values": flow.torch_randn(s, c).tolist()} for s, c in ((0, 16), (7, 2048), (5, 37))],
        "guide": {"cond": [1.0, 2.0, -3.0], "uncond": [0.5, 0.0, 1.0], "w": 3.0,
                  "want": flow.guide(np.array([1.0, 2.0, -3.0], np.float32), np.array([0.5, 0.0, 1.0], np.float32),
                                     3.0).tolist()},
        "loop": {"noise": noise.ravel().tolist(), "steps": 5,
                 "guidance": 3.0, "final": final.ravel().tolist(),
                 "reported": [{"step": s.step, "steps": s.steps, "t": s.t, "latent0": float(s.latent.ravel()[0]),
                               "clean0": float(s.clean.ravel()[0])} for s in reported]},
    }


def golden_shapes() -> dict:
    """A manifest that makes every shape (the committed one with the second edition's "shapes" entry, as
    export/onnx_model.py describe() writes it), what model/manifest.py says of each (shape, frames),
    and one image's frames with model/data.py's still_picture of them."""
    import json

    from model import manifest
    from model.data import CLIP_SHAPES, canvas_size, still_picture

    raw = json.loads((manifest.ONNX_DIR / manifest.FILENAME).read_text())
    raw["shapes"] = {name: list(canvas_size(name)) for name in CLIP_SHAPES}
    m = manifest.Manifest.from_json(raw)
    cases = [{"shape": s, "frames": f, "dims": list(m.latent_dims(f, s)), "tokens": m.tokens(f, s)}
             for s in CLIP_SHAPES for f in (8, 16, 32)]
    frames = np.random.default_rng(3).random((4, 2, 3, 3), dtype=np.float32)
    return {"manifest": {k: raw[k] for k in ("shapes", "frame_choices", "frames_per_slice", "space_factor",
                                             "latent_channels", "patch", "frame_size")},
            "cases": cases, "image": {"frames": frames.ravel().tolist(), "mean": still_picture(frames).ravel().tolist()}}


def test_js_sampler_matches_python_under_node(tmp_path):
    report = run_node_tests(["web/generator/test/sampler.test.mjs", "web/generator/test/client.test.mjs"],
                            {**golden_values(), "shapes": golden_shapes()}, "SAMPLER_GOLDEN", tmp_path)
    assert "# pass 12" in report, report   # 10 sampler + 2 client tests
