"""The model: shapes of every part, training that learns and resumes exactly, the sampler, the
command lines' bad-input paths. Uses the `tiny` preset (seconds on a CPU); no GPU, no network."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from model import weights
from model.autoencoder import VideoAutoencoder, fold, unfold
from model.data import FRAME_CHOICES, HELD_OUT, make_clip, random_prompt, render
from model.dit import TOKENS_PER_SLICE, DiT, DiTConfig
from model.sample import denoise, generate, initial_noise, model_grammar
from model.text import PROMPT_TOKENS, Prompt, parse_prompt, tokenize
from model.train_config import PRESETS, settings

ROOT = Path(__file__).resolve().parents[1]


# ----- data and text

def test_clips_have_ground_truth_and_vary():
    rng = np.random.default_rng(0)
    clips = [make_clip(rng, 16) for _ in range(40)]
    assert clips[0].video.shape == (16, 32, 32, 3) and clips[0].centres.shape == (16, 2)
    assert len({c.prompt.colour for c in clips}) == 4 and len({c.prompt.shape for c in clips}) == 2
    corners = {tuple(np.round(c.video[0, 0, 0], 2)) for c in clips}
    assert len(corners) > 30, "backgrounds must differ from clip to clip"
    walled = [c for c in clips if c.prompt.wall]
    assert walled and all(not c.visible.all() and c.visible[0] and c.visible[-1] for c in walled)
    for c in clips:  # the background never changes within a clip
        far = (c.mask.max(axis=0) == 0)
        assert np.abs(c.video[1:] - c.video[:-1])[:, far].max() < 1e-6


def test_direction_follows_the_prompt():
    rng = np.random.default_rng(1)
    for start in ("left", "right"):
        clip = render(Prompt("red", "ball", "arcing", start), 16, rng)
        moved = clip.centres[-1, 0] - clip.centres[0, 0]
        assert moved > 15 if start == "left" else moved < -15


def test_held_out_pairs_never_reach_training():
    rng = np.random.default_rng(2)
    train = {(p.colour, p.motion) for p in (random_prompt(rng) for _ in range(500))}
    held = {(p.colour, p.motion) for p in (random_prompt(rng, "held_out") for _ in range(100))}
    assert not train & HELD_OUT and held == set(HELD_OUT)


def test_tokenize_reports_unknown_and_handles_empty():
    t = tokenize("A purple ball bouncing from left to right!")
    assert t.unknown == ["purple"] and not t.unconditional and len(t.ids) == PROMPT_TOKENS
    assert tokenize("").unconditional and tokenize("<img src=x>").unconditional
    assert len(tokenize("ball " * 3000).ids) == PROMPT_TOKENS
    assert parse_prompt("a red ball bouncing from right to left behind a wall") == Prompt("red", "ball", "bouncing", "right", True)


# ----- shapes

@pytest.mark.parametrize("frames", [8, 16, 32])
def test_autoencoder_shapes(frames):
    ae = VideoAutoencoder(8, (8, 16, 32))
    video = torch.randn(2, 3, frames, 32, 32)
    latent = ae.encode(video)
    assert latent.shape == (2, 8, frames // 4, 8, 8)
    assert ae.decode(latent).shape == video.shape
    x = torch.randn(1, 3, 4, 6, 6)
    assert torch.equal(unfold(fold(x)), x)


@pytest.mark.parametrize("slices", [1, 2, 4, 8])
def test_dit_shapes(slices):
    dit = DiT(DiTConfig(width=32, depth=2, heads=2, text_layers=1))
    latent = torch.randn(3, 8, slices, 8, 8)
    out = dit(latent, torch.rand(3), torch.zeros(3, PROMPT_TOKENS, dtype=torch.long))
    assert out.shape == latent.shape
    assert torch.equal(dit.unpatchify(dit.patchify(latent), latent), latent)
    assert dit.patchify(latent).shape == (3, slices * TOKENS_PER_SLICE, 32)


def _randomised(per_frame: bool) -> DiT:
    torch.manual_seed(0)
    dit = DiT(DiTConfig(width=32, depth=2, heads=2, text_layers=1, per_frame=per_frame))
    with torch.no_grad():  # zero-initialised gates would hide any mixing: give every weight a value
        for p in dit.parameters():
            p.normal_(0, 0.2)
    return dit.eval()


def test_per_frame_model_never_mixes_slices_and_spacetime_does():
    latent = torch.randn(1, 8, 4, 8, 8)
    poked = latent.clone()
    poked[:, :, 0] += 1.0  # change only the first time-slice
    t, ids = torch.full((1,), 0.5), torch.zeros(1, PROMPT_TOKENS, dtype=torch.long)
    for per_frame in (True, False):
        dit = _randomised(per_frame)
        change = (dit(poked, t, ids) - dit(latent, t, ids)).abs()[:, :, 1:].max().item()
        assert (change == 0) if per_frame else (change > 1e-3)


# ----- sampling

def test_sampler_turns_noise_into_a_clip_of_the_asked_length(tiny):
    models = (weights.load_dit("spacetime", tiny)[0], weights.load_autoencoder(tiny)[0])
    for frames in (8, 12, 32):
        result = generate("a red ball sliding from left to right", frames, steps=3, guidance=3, models=models)
        assert result.video.shape == (frames, 32, 32, 3)
        assert np.isfinite(result.video).all() and 0 <= result.video.min() and result.video.max() <= 1
    assert "unconditionally" in generate("", 8, steps=2, models=models).notes[0]
    noise = initial_noise(8, 16, 0)
    seen = []
    denoise(models[0], noise, tokenize("a red ball", model_grammar(models[0])).ids, 4, 3.0, on_step=lambda s: seen.append((s.step, s.t)))
    assert seen == [(1, 1.0), (2, 0.75), (3, 0.5), (4, 0.25)]


def test_trained_model_draws_the_prompted_object():
    """The committed weights: a prompt's object shows up, in its colour, moving the right way."""
    from model.evaluate import score

    prompt = Prompt("red", "ball", "sliding", "left")
    result = generate(prompt.text, 16, steps=20, seed=3)
    s = score(result.video, prompt)
    assert s.presence >= 0.8 and s.direction_right


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, message", [
    (["--frames", "7"], "--frames must be one of 8, 12, 16, 20, 24, 28, 32"),
    (["--steps", "0"], "--steps must be from 1 to 100"),
    (["--guidance", "50"], "--guidance must be from 0 to 20"),
    (["--out", "clip.mp4"], "--out must end in .gif or .png"),
])
def test_sample_cli_refuses_out_of_range(args, message):
    done = run_cli("model.sample", "--prompt", "a red ball", *args)
    assert done.returncode == 2 and message in done.stderr


def test_sample_cli_writes_a_gif_and_reports_words(tmp_path):
    out = tmp_path / "clip.gif"
    done = run_cli("model.sample", "--prompt", "a glittering red ball bouncing from left to right", "--frames", "8",
                   "--steps", "4", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "ignored unknown word(s): glittering" in done.stderr
    from PIL import Image
    with Image.open(out) as gif:
        assert gif.n_frames == 8 and gif.size == (128, 128)
    empty = run_cli("model.sample", "--prompt", "", "--frames", "8", "--steps", "2", "--out", str(tmp_path / "u.png"))
    assert empty.returncode == 0 and "generating unconditionally" in empty.stderr


def test_train_cli_rejects_unknown_settings():
    done = run_cli("model.train", "--learning_rate=3")
    assert done.returncode == 2 and "unknown setting 'learning_rate'" in done.stderr


def test_train_help_lists_every_setting_and_preset():
    done = run_cli("model.train", "--help")
    assert done.returncode == 0, done.stderr
    for path, default in settings().items():
        assert f"--{path}={type(default).__name__} (default {default!r})  " in done.stdout, f"{path}: no help text"
    assert "--ae.foreground_weight=float (default 20.0)  the object is ~3% of pixels" in done.stdout
    assert "--dit.width=int (default 128)  token width d" in done.stdout
    assert all(f"  {name}: " in done.stdout for name in PRESETS)
    assert "--dit.width=32" in done.stdout, "a preset is listed as the flags it sets"


def test_per_frame_is_one_label_and_its_files_are_named_by_one_function():
    """"per-frame" is the kind in every record the code reads; its files' names come from
    manifest.file_name, for the weights, the exported graphs and the inspection graphs alike."""
    import json

    from export.onnx_model import FILES
    from model import inspection, manifest, prompt_graph

    assert manifest.file_name("denoiser", "per-frame", ".onnx") == "denoiser_perframe.onnx"
    for kind in manifest.KINDS:
        assert weights.DIT_FILES[kind] == manifest.file_name("dit", kind, ".pt")
        assert FILES[kind] == manifest.file_name("denoiser", kind, ".onnx")
        assert inspection.FILES[kind] == manifest.file_name("inspect", kind, ".onnx")
        assert prompt_graph.FILES[kind] == manifest.file_name("prompt", kind, ".onnx")
    with pytest.raises(ValueError, match="kind must be one of"):
        manifest.file_name("dit", "perframe", ".pt")
    shipped = manifest.load().raw
    rows = json.loads((ROOT / "model" / "evaluation.json").read_text())["rows"]
    record = json.loads((weights.WEIGHTS_DIR / "training.json").read_text())
    labels = [*shipped["files"], *shipped["inspect"]["files"], *rows, *record]
    assert not [label for label in labels if "perframe" in label or "per_frame" in label]
    named = {manifest.file_name(prefix, kind, suffix) for kind in manifest.KINDS
             for prefix, suffix in (("dit", ".pt"), ("denoiser", ".onnx"), ("denoiser", ".weights"), ("inspect", ".onnx"),
                                    ("prompt", ".onnx"), ("prompt", ".weights"))}
    on_disk = {p.name for folder in (weights.WEIGHTS_DIR, manifest.ONNX_DIR) for p in folder.iterdir()
               if any(kind.replace("-", "") in p.name for kind in manifest.KINDS)}
    assert on_disk == named


# ----- ONNX

def test_onnx_export_of_tiny_weights_matches_pytorch(tiny_onnx):
    import json

    import onnx

    report = json.loads((tiny_onnx / "export_report.json").read_text())
    assert set(report["files"]) >= {"denoiser_spacetime.onnx", "denoiser_perframe.onnx", "decoder.onnx", "manifest.json"}
    assert max(report["max_abs_diff"].values()) <= 1e-4
    model = onnx.load(str(tiny_onnx / "denoiser_spacetime.onnx"), load_external_data=False)
    assert model.opset_import[0].version >= 18
    # float16 on the wire, float32 in the graph: no Cast for the browser to fold at load time
    assert not [n for n in model.graph.node if n.op_type == "Cast" and n.input[0].endswith("_f16")]
    external = [i for i in model.graph.initializer if i.data_location == onnx.TensorProto.EXTERNAL]
    assert external and all(i.data_type == onnx.TensorProto.FLOAT for i in external)
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert isinstance(dims[0], str) and isinstance(dims[2], str), "batch and slice count must be dynamic"


def test_committed_onnx_files_match_the_committed_weights():
    import json

    from export.onnx_model import ONNX_DIR, check
    from model.text import grammar_of
    from model.weights import load_dit

    worst = check(ONNX_DIR)
    assert max(worst.values()) <= 1e-4
    meta = json.loads((ONNX_DIR / "manifest.json").read_text())
    trained = load_dit("spacetime")[0].config   # the manifest speaks the grammar the committed DiT was trained on
    grammar = grammar_of(trained.vocab_size, trained.prompt_tokens)
    assert meta["vocab"] == list(grammar.vocab) and meta["prompt_tokens"] == grammar.tokens
    assert meta["frame_choices"] == list(FRAME_CHOICES)
    files = [ONNX_DIR / n for n in meta["files"].values()] + [ONNX_DIR / w["wire"] for w in meta["weights"].values()]
    total = sum(p.stat().st_size for p in files)
    assert total < 15e6


def test_weights_file_widens_to_the_trained_float32_values():
    """The .weights pieces come back as exactly the float32 values PyTorch holds."""
    import json

    import onnx
    from onnx import numpy_helper

    from export.onnx_model import ONNX_DIR
    from model import weights
    from model.onnx_weights import session_bytes

    meta = json.loads((ONNX_DIR / "manifest.json").read_text())
    values = {}
    for name in ("prompt_spacetime.onnx", "denoiser_spacetime.onnx"):    # the denoiser is these two graphs
        model = onnx.load_from_string(session_bytes(ONNX_DIR, name, meta))
        values.update({f"{name} {i.name}": numpy_helper.to_array(i) for i in model.graph.initializer})
    dit, _ = weights.load_dit("spacetime")
    found = 0
    for name, param in dit.state_dict().items():
        p = param.numpy()
        forms = [p, p.T] if p.ndim == 2 else [p]     # the exporter stores Linear weights transposed
        found += any(v.shape == f.shape and np.array_equal(v, f) for v in values.values() for f in forms)
    assert found >= 0.9 * len(dit.state_dict()), f"only {found} trained tensors are bit-exact in the widened model"
    assert any(p[1] == "f16" for p in meta["weights"]["denoiser_spacetime.onnx"]["pieces"])


# ----- evaluation

def test_detector_scores_real_clips_and_catches_broken_ones():
    from model.evaluate import fresh_clips, score

    clips = fresh_clips(12, 16, seed=4)
    for clip in clips:
        s = score(clip.video, clip.prompt)
        assert s.presence == 1.0 and s.direction_right and s.largest_jump < 8
        assert s.reappears in (None, True)
        assert score(clip.video[::-1], clip.prompt).direction_right is False
        wrong = Prompt(next(c for c in ("red", "blue") if c != clip.prompt.colour), clip.prompt.shape,
                       clip.prompt.motion, clip.prompt.start, clip.prompt.wall)
        assert score(clip.video, wrong).presence == 0.0
    # a clip whose background changes every frame flickers; a real one does not
    clip = clips[0]
    rng = np.random.default_rng(0)
    shaken = clip.video + rng.uniform(-0.1, 0.1, (16, 1, 1, 3)).astype(np.float32) * (clip.mask[..., None] == 0)
    assert score(shaken, clip.prompt).flicker > 20 * max(score(clip.video, clip.prompt).flicker, 1e-4)
    # a background that changes only where one latent slice meets the next flickers at the boundaries
    seams = clip.video.copy()
    for start in range(4, 16, 4):
        seams[start:] += 0.05 * (clip.mask[start:, ..., None] == 0)
    s = score(np.clip(seams, 0, 1), clip.prompt)
    assert s.boundary_flicker > 0.02 and s.inside_flicker < s.boundary_flicker / 20


def test_evaluate_cli_writes_a_table_and_json(tmp_path):
    out = tmp_path / "eval.json"
    done = run_cli("model.evaluate", "--clips", "4", "--frames", "16", "--steps", "4", "--shapes", "landscape", "image",
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    import json
    result = json.loads(out.read_text())
    rows = result["rows"]
    assert {"real clips", "autoencoder reconstruction", "spacetime DiT", "per-frame DiT"} <= set(rows)
    assert rows["real clips"]["presence"] == 1.0 and "| real clips |" in done.stdout
    # the committed weights speak the second grammar and make every shape: the two asked for are scored
    assert result["settings"]["grammar"] == "second"
    assert [s["shape"] for s in result["shapes"]] == ["landscape", "image"] and "| landscape |" in done.stdout
    assert result["shapes"][0]["real"]["presence"] == 1.0 and result["shapes"][0]["clips"] == 4


def test_committed_manifest_is_what_the_export_writes():
    """Every number in model/onnx/manifest.json comes from the committed weights and the model code."""
    from export.onnx_model import describe
    from model import manifest

    ae, _ = weights.load_autoencoder()
    dit, _ = weights.load_dit("spacetime")
    shipped = manifest.load()
    described = describe(ae, dit.config, weights.trained_shapes(weights.WEIGHTS_DIR))
    assert {k: v for k, v in shipped.raw.items() if k not in ("weights", "inspect")} == described
    from model import inspection       # the inspection graphs' entry, written by model/inspection.py

    assert shipped.raw["inspect"] == {"files": inspection.FILES, "outputs": inspection.output_names(dit.config.depth)}
    assert shipped.tokens(16) == TOKENS_PER_SLICE * 4 and shipped.latent_dims(16) == (1, 8, 4, 8, 8)
    with pytest.raises(ValueError, match="frames must be one of"):
        shipped.latent_dims(10)
