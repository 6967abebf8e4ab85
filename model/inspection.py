"""The inspection graphs: the exported denoisers with their attention weights as extra outputs.

Chapter 7's inspector shows, step by step, where each patch of the reader's own clip looks. Those
maps must be the model's own numbers, so they come from the network's own Softmax nodes, not from
a recomputation: `make export-onnx` writes, beside each fast graph, a copy whose self- and
cross-attention softmax outputs are graph outputs as well:

    inspect_spacetime.onnx / inspect_perframe.onnx
        inputs   latent (B, C, T', s, s), t (B,), prompt_0, ...     as the fast graph (the prompt's
                                      share runs once per clip: model/prompt_graph.py)
        outputs  velocity                                           as the fast graph, bit for bit
                 self_attention_<k>   block k's self-attention:  (B, heads, N, N) spacetime,
                                      (B*T', heads, 16, 16) per-frame (each slice by itself)
                 cross_attention_<k>  block k's attention to the prompt's tokens: (B, heads, N, P)

The copy names the very same external weights (the fast graph's `.f32` layout, widened from the
same `.weights` file: model/onnx_weights.py `weights_entry`), so it costs the download one small graph file, not a
second set of weights. The fast graph is untouched: with the inspector closed the browser runs
exactly what it ran before.

This module writes those copies (`write`, called by export/onnx_model.py) and, for Python,
records a run the way the browser's inspector does (`record`): the reference its test compares to.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import flow, manifest, prompt_graph

FILES = {kind: manifest.file_name("inspect", kind, ".onnx") for kind in manifest.KINDS}   # inspect_spacetime.onnx, ...


def output_names(depth: int) -> dict[str, list[str]]:
    """The inspection outputs, block by block."""
    return {"self": [f"self_attention_{k}" for k in range(depth)],
            "cross": [f"cross_attention_{k}" for k in range(depth)]}


def add_attention_outputs(graph, depth: int) -> dict[str, list[str]]:
    """Rename the attention softmax outputs of an exported denoiser's step graph (an onnx ModelProto,
    edited in place) to self_attention_<k> / cross_attention_<k> and make them graph outputs.

    The exporter writes nodes in the order the module runs them (model/dit.py): each block's
    self-attention, then its cross-attention (the text encoder's own attention went to the prompt
    graph). The count is checked here and the shapes by `check_shapes` on a real run, so a reordered
    export fails loudly instead of mislabelling a map."""
    import onnx

    softmaxes = [node for node in graph.graph.node if node.op_type == "Softmax"]
    if len(softmaxes) != 2 * depth:
        raise ValueError(f"expected 2 x {depth} Softmax nodes, found {len(softmaxes)}")
    names = output_names(depth)
    wanted = [name for k in range(depth) for name in (names["self"][k], names["cross"][k])]
    renames = {node.output[0]: new for node, new in zip(softmaxes, wanted)}
    for node in graph.graph.node:
        node.output[:] = [renames.get(name, name) for name in node.output]
        node.input[:] = [renames.get(name, name) for name in node.input]
    for name in wanted:
        graph.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    return names


def check_shapes(session, fast, prompt, meta: manifest.Manifest, kind: str, names: dict[str, list[str]]) -> None:
    """Run the inspection graph on 2 slices and check every output is the map it claims to be, and
    that its velocity is the fast graph's (`fast` and `prompt`: the step and prompt graphs' sessions)."""
    slices, per_slice, heads = 2, meta.tokens_per_slice, meta.dit["heads"]
    n, p, side = slices * per_slice, meta.prompt_tokens, meta.latent_side
    rng = np.random.default_rng(0)
    feeds = {"latent": rng.standard_normal((2, meta.latent_channels, slices, side, side)).astype(np.float32),
             "t": np.full(2, 0.5, np.float32), **prompt_graph.encode(prompt, np.full((2, p), meta.null, np.int64))}
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
    gap = float(np.abs(outputs["velocity"] - fast.run(["velocity"], feeds)[0]).max())
    if gap > 1e-6:
        raise AssertionError(f"{kind}: the inspection graph's velocity differs from the fast graph's by {gap}")
    self_shape = (2, heads, n, n) if kind == "spacetime" else (2 * slices, heads, per_slice, per_slice)
    for name in names["self"]:
        if outputs[name].shape != self_shape:
            raise AssertionError(f"{kind} {name}: shape {outputs[name].shape}, expected {self_shape}")
    for name in names["cross"]:
        if outputs[name].shape != (2, heads, n, p):
            raise AssertionError(f"{kind} {name}: shape {outputs[name].shape}, expected {(2, heads, n, p)}")
        if not np.allclose(outputs[name].sum(-1), 1, atol=1e-5):
            raise AssertionError(f"{kind} {name}: rows do not sum to 1")


def write(onnx_dir: Path = manifest.ONNX_DIR) -> dict:
    """Write the inspection graphs beside the exported fast graphs and list them in manifest.json
    (under "inspect", and under "weights" with the fast graph's layout). Returns the manifest."""
    import onnx
    import onnxruntime as ort

    from .onnx_weights import session_bytes

    onnx_dir = Path(onnx_dir)
    path = onnx_dir / manifest.FILENAME
    raw = json.loads(path.read_text())
    meta = manifest.Manifest.from_json(raw)
    names = None
    raw["inspect"] = {"files": dict(FILES)}       # each names its fast graph's weights (onnx_weights.weights_entry)
    for kind, name in FILES.items():
        fast = raw["files"][kind]
        graph = onnx.load(str(onnx_dir / fast), load_external_data=False)
        names = add_attention_outputs(graph, meta.dit["depth"])
        onnx.save(graph, str(onnx_dir / name))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session, fast, prompt = (ort.InferenceSession(session_bytes(onnx_dir, file, raw), options,
                                                      providers=["CPUExecutionProvider"])
                                 for file in (name, fast, raw["files"][prompt_graph.key(kind)]))
        check_shapes(session, fast, prompt, meta, kind, names)
    raw["inspect"]["outputs"] = names
    path.write_text(json.dumps(raw, indent=1) + "\n")
    manifest.load.cache_clear()
    return raw


# --- a recorded run, as the browser's inspector records it ------------------------------------

@dataclass
class Record:
    """One step of an inspected run: what the inspector shows, for the prompt's half of the batch."""
    step: int                          # 1..steps, as flow.Step
    t: float
    latent: np.ndarray                 # (C, T', s, s) the latent the step started from
    clean: np.ndarray                  # (C, T', s, s) the guided guess at the clean latent
    v_cond: np.ndarray                 # (C, T', s, s) the velocity with the prompt
    v_uncond: np.ndarray               # (C, T', s, s) ... with the null prompt
    self_attention: list[np.ndarray]   # per block: (heads, N, N) spacetime, (T', heads, 16, 16) per-frame
    cross_attention: list[np.ndarray]  # per block: (heads, N, P)


def record(sampler, kind: str, noise: np.ndarray, ids: list[int], steps: int, guidance: float) -> list[Record]:
    """Run the guided sampler on the inspection graph of `kind` (an OrtSampler's sessions and
    options) and keep every step's maps: the numbers the browser's inspector must show."""
    session = sampler.inspect_session(kind)
    names = sampler.manifest.raw["inspect"]["outputs"]
    wanted = ["velocity", *names["self"], *names["cross"]]
    prompt = sampler.encode_prompt(kind, sampler.pair_ids(ids))
    depth, slices = len(names["self"]), noise.shape[2]
    kept: list[Record] = []
    last: dict = {}

    def velocity_pair(x, t):
        out = session.run(wanted, {"latent": np.concatenate([x, x]), "t": np.full(2, t, np.float32), **prompt})
        first = slice(0, slices) if kind == "per-frame" else slice(0, 1)   # the prompt's rows of the batch
        last.update(v=out[0], maps=[m[first] for m in out[1:1 + depth]], cross=[m[0] for m in out[1 + depth:]])
        return out[0][:1], out[0][1:]

    def keep(step: flow.Step) -> None:
        maps = [m if kind == "per-frame" else m[0] for m in last["maps"]]
        kept.append(Record(step.step, step.t, step.latent[0].copy(), step.clean[0].copy(), last["v"][0].copy(),
                           last["v"][1].copy(), maps, last["cross"]))

    flow.euler(velocity_pair, noise.astype(np.float32), steps, float(guidance), keep)
    return kept


def other_slice_share(row: np.ndarray, token: int, per_slice: int) -> float:
    """The share of one token's attention row (over all N tokens) that goes to other slices."""
    own = token // per_slice
    return float(row.sum() - row[own * per_slice:(own + 1) * per_slice].sum())


def full_row(self_map: np.ndarray, kind: str, token: int, per_slice: int, head: int | None = None) -> np.ndarray:
    """Token `token`'s attention over all N tokens from one block's map (a Record's self_attention
    entry), one head or the heads' mean. A per-frame map puts the row in the token's own slice and
    exact zeros elsewhere: the model computes no weight between slices."""
    if kind == "spacetime":
        rows = self_map[:, token]                                 # (heads, N)
    else:
        slices = self_map.shape[0]
        rows = np.zeros((self_map.shape[1], slices * per_slice), np.float32)
        own = token // per_slice
        rows[:, own * per_slice:(own + 1) * per_slice] = self_map[own, :, token % per_slice]
    return rows.mean(axis=0) if head is None else rows[head]
