"""The sampler of model/sample.py on onnxruntime, with no torch: for build-time simulations and for
the benchmark's "same work in Python".

It reads the exported folder (model/onnx: manifest.json and the ONNX files it names) and runs
exactly what the browser's worker runs: the prompt graph once on a batch of two (prompt, null
prompt), the denoiser on that batch for each Euler step (model/prompt_graph.py), then the
decoder; the loop, the noise levels, the guidance combination and a seed's noise (torch.randn's,
reproduced in numpy) come from model/flow.py, as they do for model/sample.py, so a seed here
starts from the noise `python -m model.sample --seed` and the browser start from.

    sampler = OrtSampler()                       # one thread, like the browser's wasm
    clip = sampler.generate("a red ball bouncing from left to right", frames=16, seed=0)
    clip.video.shape                             # (16, 32, 32, 3) floats in [0, 1]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import flow, manifest, prompt_graph
from .data import IMAGE, still_picture
from .manifest import KINDS
from .text import Tokens, grammar_of, tokenize

ONNX_DIR = Path(__file__).resolve().parent.parent / "model" / "onnx"


class ModelFilesMissing(FileNotFoundError):
    """The exported model is not there: run `make export-onnx`."""


@dataclass
class Clip:
    video: np.ndarray                 # (F, H, W, 3) float32 in [0, 1]; F = 1 for an image
    latent: np.ndarray                # (C, F/4, H/4, W/4) the final clean latent
    tokens: Tokens                    # model/text.py's reading of the prompt
    seconds: float                    # wall time of denoising + decoding
    step_seconds: list[float] = field(default_factory=list)   # one denoiser call (batch of 2) each


class OrtSampler:
    """Sessions for the exported model, created on first use. threads=1 matches the browser."""

    def __init__(self, onnx_dir: Path = ONNX_DIR, threads: int = 1):
        import onnxruntime as ort   # imported here: a page that needs no model never loads it

        self.dir = Path(onnx_dir)
        try:
            self.manifest = manifest.load(self.dir)
        except manifest.ManifestMissing as err:
            raise ModelFilesMissing(str(err)) from None
        self._ort = ort
        self._options = ort.SessionOptions()
        self._options.intra_op_num_threads = threads
        self._options.inter_op_num_threads = 1
        self._options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._sessions: dict = {}
        self.session_seconds: dict[str, float] = {}

    # --- prompts: read with the grammar (model/text.py) of the model manifest.json was exported from
    def tokenize(self, text: str) -> Tokens:
        return tokenize(text or "", grammar_of(len(self.manifest.vocab), self.manifest.prompt_tokens))

    def pair_ids(self, ids: list[int]) -> np.ndarray:
        """(2, prompt_tokens) int64: the prompt and the null prompt, the batch guidance runs on."""
        return np.array([ids, [self.manifest.null] * self.manifest.prompt_tokens], dtype=np.int64)

    def latent_dims(self, frames: int, shape: str = "square") -> tuple[int, int, int, int, int]:
        return self.manifest.latent_dims(frames, shape)

    def noise(self, frames: int, seed: int, shape: str = "square") -> np.ndarray:
        return flow.seed_noise(seed, self.latent_dims(frames, shape))

    # --- sessions -----------------------------------------------------------------------------
    def session(self, kind: str):
        """The session of network `kind` (a key of manifest.json "files": "spacetime", "per-frame",
        "decoder", or a denoiser's prompt graph "prompt spacetime"), made on first use."""
        if kind not in self.manifest.files:        # an export from before the prompt graphs, for one
            raise ModelFilesMissing(f"{self.dir} has no {kind!r} graph: run `make export-onnx`")
        return self._session(kind, self.manifest.files[kind])

    def inspect_session(self, kind: str):
        """The inspection graph of denoiser `kind`: the fast graph plus its attention maps as outputs
        (model/inspection.py), for chapter 7's inspector and its test."""
        files = self.manifest.raw.get("inspect", {}).get("files", {})
        if kind not in files:
            raise ModelFilesMissing(f"{self.dir} has no inspection graphs: run `make export-onnx`")
        return self._session(f"inspect {kind}", files[kind])

    def _session(self, key: str, filename: str):
        if key not in self._sessions:
            path = self.dir / filename
            if not path.exists():
                raise ModelFilesMissing(f"{path} is missing: run `make export-onnx`")
            from .onnx_weights import session_bytes

            t0 = time.perf_counter()
            try:
                model = session_bytes(self.dir, path.name, self.manifest.raw)
            except FileNotFoundError as err:
                raise ModelFilesMissing(str(err)) from None
            self._sessions[key] = self._ort.InferenceSession(model, self._options,
                                                             providers=["CPUExecutionProvider"])
            self.session_seconds[key] = time.perf_counter() - t0
        return self._sessions[key]

    def graph(self, kind: str):
        """The exported network `kind` as an onnx ModelProto with its weights inline (model/onnx_weights.py),
        for build-time inspection (for example, the shapes of its weights)."""
        import onnx   # build time only: reads the graph

        from .onnx_weights import session_bytes

        return onnx.load_from_string(session_bytes(self.dir, self.manifest.files[kind], self.manifest.raw))

    def encode_prompt(self, kind: str, ids2: np.ndarray) -> dict[str, np.ndarray]:
        """The prompt graph of denoiser `kind` on (2, prompt_tokens) ids: the prompt inputs, by name,
        of every step of one clip."""
        return prompt_graph.encode(self.session(prompt_graph.key(kind)), ids2)

    def velocity(self, kind: str, latent2: np.ndarray, t: float, prompt: dict[str, np.ndarray]) -> np.ndarray:
        """One step graph call on a batch of two; `prompt` is encode_prompt's for that batch."""
        out, = self.session(kind).run(["velocity"], {"latent": latent2, "t": np.full(2, t, np.float32), **prompt})
        return out

    def decode(self, latent: np.ndarray) -> np.ndarray:
        """(1, C, T', H', W') latent -> (F, H, W, 3) frames in [0, 1]."""
        frames, = self.session("decoder").run(["frames"], {"latent": latent.astype(np.float32)})
        return frames[0]

    # --- the loop -------------------------------------------------------------------------------
    def denoise(self, kind: str, noise: np.ndarray, ids: list[int], steps: int, guidance: float,
                on_step: Callable[[flow.Step], None] | None = None,
                step_seconds: list[float] | None = None) -> np.ndarray:
        """Guided Euler steps (model/flow.py) from t=1 to t=0, the guidance pair as one batch of two;
        on_step(flow.Step) after each step; each network call's wall time appended to step_seconds
        (the prompt graph's one call is not a step: it counts in the clip's time, not a step's)."""
        prompt = self.encode_prompt(kind, self.pair_ids(ids))

        def velocity_pair(x: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
            t0 = time.perf_counter()
            v2 = self.velocity(kind, np.concatenate([x, x]), t, prompt)     # (2, C, T', H', W')
            if step_seconds is not None:
                step_seconds.append(time.perf_counter() - t0)
            return v2[:1], v2[1:]

        # float(): a numpy scalar w would make numpy compute the step in float64
        return flow.euler(velocity_pair, noise.astype(np.float32), steps, float(guidance), on_step)

    def generate(self, prompt: str, frames: int = 16, steps: int | None = None, guidance: float | None = None,
                 seed: int = 0, kind: str = "spacetime", noise: np.ndarray | None = None,
                 on_step: Callable[[flow.Step], None] | None = None, shape: str = "square") -> Clip:
        """One clip of a shape the model makes (manifest.shapes; "image" is one still frame, as
        model/sample.py makes it); steps and guidance default to the export's (manifest.json)."""
        steps = int(self.manifest.steps.default) if steps is None else steps
        guidance = self.manifest.guidance.default if guidance is None else guidance
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} (got {kind!r})")
        tokens = self.tokenize(prompt)
        start = self.noise(frames, seed, shape) if noise is None else noise.reshape(self.latent_dims(frames, shape))
        for network in (kind, prompt_graph.key(kind), "decoder"):
            self.session(network)                          # session start is not generation time
        t0, step_seconds = time.perf_counter(), []
        latent = self.denoise(kind, start, tokens.ids, steps, guidance, on_step, step_seconds)
        video = self.decode(latent)
        if shape == IMAGE:
            video = still_picture(video)
        return Clip(video, latent[0], tokens, time.perf_counter() - t0, step_seconds)
