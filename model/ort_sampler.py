"""The sampler of model/sample.py on onnxruntime, with no torch: for build-time simulations and for
the benchmark's "same work in Python".

It reads the exported folder (model/onnx: vocab.json and the three ONNX files) and runs exactly
what the browser's worker runs: the denoiser on a batch of two (prompt, null prompt) for each
Euler step, then the decoder. Seeds give torch.randn's noise (MT19937 + ATen's Box-Muller,
reproduced in numpy as web/generator/sampler.js does in JS), so a seed here starts from the noise
`python -m model.sample --seed` and the browser start from.

    sampler = OrtSampler()                       # one thread, like the browser's wasm
    clip = sampler.generate("a red ball bouncing from left to right", frames=16, seed=0)
    clip.video.shape                             # (16, 32, 32, 3) floats in [0, 1]
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .text import Tokens, tokenize

ONNX_DIR = Path(__file__).resolve().parent.parent / "model" / "onnx"
KINDS = ("spacetime", "per-frame")


class ModelFilesMissing(FileNotFoundError):
    """The exported model is not there: run `make export-onnx`."""


@dataclass
class Clip:
    video: np.ndarray                 # (F, H, W, 3) float32 in [0, 1]
    latent: np.ndarray                # (C, F/4, side, side) the final clean latent
    tokens: Tokens                    # model/text.py's reading of the prompt
    seconds: float                    # wall time of denoising + decoding
    step_seconds: list[float] = field(default_factory=list)   # one denoiser call (batch of 2) each


def torch_randn(seed: int, count: int) -> np.ndarray:
    """`count` normals equal (to float32 rounding) to torch.randn(count, generator=manual_seed(seed))."""
    if count < 16:
        raise ValueError("torch_randn reproduces torch only for 16 or more values")
    # RandomState(int) seeds MT19937 with init_genrand, as torch does; bytes() hands out raw words.
    words = np.frombuffer(np.random.RandomState(seed).bytes(4 * (count + 16)), dtype="<u4")
    uniform = ((words & 0xFFFFFF).astype(np.float64) / 16777216).astype(np.float32)
    data = uniform[:count].copy()

    def fill16(block: np.ndarray) -> np.ndarray:
        u1 = (np.float32(1) - block[:8]).astype(np.float32)
        radius = np.sqrt(np.float32(-2) * np.log(u1)).astype(np.float32)
        theta = (np.float32(2 * np.pi) * block[8:]).astype(np.float32)
        return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)]).astype(np.float32)

    whole = count - count % 16
    blocks = data[:whole].reshape(-1, 16)
    data[:whole] = np.concatenate([fill16(b) for b in blocks]) if len(blocks) else data[:0]
    if count % 16:
        # torch redraws the last 16 values from fresh uniforms
        data[count - 16:] = fill16(uniform[count:count + 16])
    return data


class OrtSampler:
    """Sessions for the exported model, created on first use. threads=1 matches the browser."""

    def __init__(self, onnx_dir: Path = ONNX_DIR, threads: int = 1):
        import onnxruntime as ort   # imported here: a page that needs no model never loads it

        self.dir = Path(onnx_dir)
        vocab_path = self.dir / "vocab.json"
        if not vocab_path.exists():
            raise ModelFilesMissing(f"{vocab_path} is missing: run `make export-onnx`")
        self.vocab = json.loads(vocab_path.read_text())
        self._ort = ort
        self._options = ort.SessionOptions()
        self._options.intra_op_num_threads = threads
        self._options.inter_op_num_threads = 1
        self._options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._sessions: dict = {}
        self.session_seconds: dict[str, float] = {}

    # --- prompts: model/text.py's vocabulary is the one vocab.json was exported from ------------
    def tokenize(self, text: str) -> Tokens:
        return tokenize(text or "")

    def pair_ids(self, ids: list[int]) -> np.ndarray:
        """(2, prompt_tokens) int64: the prompt and the null prompt, the batch guidance runs on."""
        return np.array([ids, [self.vocab["null"]] * self.vocab["prompt_tokens"]], dtype=np.int64)

    @staticmethod
    def timesteps(steps: int) -> np.ndarray:
        """Noise levels from 1 to 0 in `steps` equal steps (float32, as model/sample.py and the browser)."""
        return np.linspace(1.0, 0.0, steps + 1, dtype=np.float32)

    def latent_dims(self, frames: int) -> tuple[int, int, int, int, int]:
        if frames not in self.vocab["frame_choices"]:
            raise ValueError(f"frames must be one of {self.vocab['frame_choices']} (got {frames})")
        side = self.vocab["latent_side"]
        return (1, self.vocab["latent_channels"], frames // self.vocab["frames_per_slice"], side, side)

    def noise(self, frames: int, seed: int) -> np.ndarray:
        dims = self.latent_dims(frames)
        return torch_randn(seed, int(np.prod(dims))).reshape(dims)

    # --- sessions -----------------------------------------------------------------------------
    def session(self, kind: str):
        if kind not in self._sessions:
            path = self.dir / self.vocab["files"][kind]
            if not path.exists():
                raise ModelFilesMissing(f"{path} is missing: run `make export-onnx`")
            from .onnx_weights import session_bytes

            t0 = time.perf_counter()
            try:
                model = session_bytes(self.dir, path.name, self.vocab)
            except FileNotFoundError as err:
                raise ModelFilesMissing(str(err)) from None
            self._sessions[kind] = self._ort.InferenceSession(model, self._options,
                                                              providers=["CPUExecutionProvider"])
            self.session_seconds[kind] = time.perf_counter() - t0
        return self._sessions[kind]

    def velocity(self, kind: str, latent2: np.ndarray, t: float, ids2: np.ndarray) -> np.ndarray:
        out, = self.session(kind).run(["velocity"], {"latent": latent2, "t": np.full(2, t, np.float32),
                                                     "ids": ids2})
        return out

    def decode(self, latent: np.ndarray) -> np.ndarray:
        """(1, C, T', s, s) latent -> (F, H, W, 3) frames in [0, 1]."""
        frames, = self.session("decoder").run(["frames"], {"latent": latent.astype(np.float32)})
        return frames[0]

    # --- the loop -------------------------------------------------------------------------------
    def denoise(self, kind: str, noise: np.ndarray, ids: list[int], steps: int, guidance: float,
                on_step: Callable[[int, np.ndarray, np.ndarray], None] | None = None,
                step_seconds: list[float] | None = None) -> np.ndarray:
        """Euler steps from t=1 to t=0 with CFG as one batch of two. After each step i (from 1),
        on_step(i, latent the step started from, clean estimate)."""
        pair_ids = self.pair_ids(ids)
        ts = self.timesteps(steps)
        x = noise.astype(np.float32)
        for i in range(steps):
            t0 = time.perf_counter()
            v2 = self.velocity(kind, np.concatenate([x, x]), float(ts[i]), pair_ids)
            if step_seconds is not None:
                step_seconds.append(time.perf_counter() - t0)
            v = v2[1:] + np.float32(guidance) * (v2[:1] - v2[1:])
            if on_step is not None:
                on_step(i + 1, x, (x - ts[i] * v)[0])
            x = x + (ts[i + 1] - ts[i]) * v
        return x

    def generate(self, prompt: str, frames: int = 16, steps: int = 20, guidance: float = 3.0,
                 seed: int = 0, kind: str = "spacetime", noise: np.ndarray | None = None,
                 on_step: Callable[[int, np.ndarray, np.ndarray], None] | None = None) -> Clip:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} (got {kind!r})")
        tokens = self.tokenize(prompt)
        start = self.noise(frames, seed) if noise is None else noise.reshape(self.latent_dims(frames))
        self.session(kind), self.session("decoder")      # session start is not generation time
        t0, step_seconds = time.perf_counter(), []
        latent = self.denoise(kind, start, tokens.ids, steps, guidance, on_step, step_seconds)
        video = self.decode(latent)
        return Clip(video, latent[0], tokens, time.perf_counter() - t0, step_seconds)
