"""The prompt's share of a denoiser, cut out into a graph of its own, run once per clip.

A denoising step reads the prompt through the text encoder, its pooled conditioning and each
block's cross-attention keys and values (model/dit.py). None of that depends on the latent or the
noise level, yet one exported graph recomputed it at every step: 135 of the spacetime denoiser's
564 nodes, and in onnxruntime (one thread) a square clip's step took 6.4 ms with them and 5.8 ms
without, a landscape clip's 12.4 and 11.7 ms (medians of 20 steps, 2026-12-04).
So `make export-onnx` cuts each exported denoiser in two, at the tensors where the prompt's nodes
feed the rest:

    prompt_spacetime.onnx / prompt_perframe.onnx    ("prompt <kind>" in manifest.json "files")
        input    ids (B, P) int64
        outputs  prompt_0, prompt_1, ...    what the step needs of the prompt (pooled conditioning,
                                            every block's cross-attention keys and values)
    denoiser_spacetime.onnx / denoiser_perframe.onnx
        inputs   latent, t, and the prompt graph's outputs by name
        output   velocity, the same numbers as the uncut graph (the same nodes, run in two calls)

A sampler runs the prompt graph once on the (prompt, null prompt) pair and hands its outputs to
every step: model/ort_sampler.py in Python, web/generator/worker.js in the browser.

The cut is made on the exported ONNX graph, not in PyTorch, so it cannot change a number: each node
keeps its inputs, its weights and its place in the order, and which side it lands on is worked out
from what it depends on.
"""
from __future__ import annotations

from pathlib import Path

from . import manifest

PROMPT_INPUT = "ids"
OUTPUT_PREFIX = "prompt_"
FILES = {kind: manifest.file_name("prompt", kind, ".onnx") for kind in manifest.KINDS}  # prompt_spacetime.onnx, ...


def key(kind: str) -> str:
    """The prompt graph's network name in manifest.json "files" (and the browser's session key)."""
    return f"prompt {kind}"


def cut(model):
    """Split an exported denoiser (onnx ModelProto, weights inline) into (prompt graph, step graph).

    A node belongs to the prompt graph when everything it reads comes from `ids` and constants; the
    tensors such nodes hand to the others become the prompt graph's outputs and the step graph's
    inputs, renamed prompt_0, prompt_1, ... in the order the step first reads them."""
    import onnx
    from onnx.utils import Extractor

    model = onnx.ModelProto.FromString(model.SerializeToString())   # renamed below: leave the caller's alone
    graph = model.graph
    names = {i.name for i in graph.input}
    if PROMPT_INPUT not in names:
        raise ValueError(f"the graph has no {PROMPT_INPUT!r} input to cut at (inputs: {sorted(names)})")
    depends: dict[str, frozenset] = {name: frozenset([name]) for name in names}  # initializers: nothing
    prompt_made: set[str] = set()
    for node in graph.node:                                  # ONNX lists nodes in an order that runs
        needs = frozenset().union(*(depends.get(name, frozenset()) for name in node.input if name))
        for name in node.output:
            depends[name] = needs
        if needs == {PROMPT_INPUT}:
            prompt_made.update(node.output)
    handed = [name for node in graph.node if not set(node.output) <= prompt_made
              for name in node.input if name in prompt_made]
    handed = list(dict.fromkeys(handed))
    returned = prompt_made & {o.name for o in graph.output}
    if returned:      # a graph output made from the prompt alone would leave the step graph
        raise ValueError(f"graph outputs computed from the prompt alone cannot be cut: {sorted(returned)}")
    if not handed:
        raise ValueError("nothing in the graph depends on the prompt alone: no cut to make")
    renames = {name: f"{OUTPUT_PREFIX}{n}" for n, name in enumerate(handed)}
    for node in graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]
        node.output[:] = [renames.get(name, name) for name in node.output]
    for info in graph.value_info:
        info.name = renames.get(info.name, info.name)
    model = onnx.shape_inference.infer_shapes(model)         # the extractor types the cut tensors from these
    extractor = Extractor(model)
    step_inputs = [i.name for i in model.graph.input if i.name != PROMPT_INPUT] + list(renames.values())
    prompt = extractor.extract_model([PROMPT_INPUT], list(renames.values()))
    step = extractor.extract_model(step_inputs, [o.name for o in model.graph.output])
    for part in (prompt, step):
        part.ir_version = model.ir_version                   # onnx.helper would stamp its own, newest one
    return prompt, step


def cut_file(onnx_dir, kind: str) -> None:
    """Cut <onnx_dir>/denoiser_<kind>.onnx (as exported, weights inline) into itself, now the step
    graph, and prompt_<kind>.onnx beside it."""
    import onnx

    onnx_dir = Path(onnx_dir)
    path = onnx_dir / manifest.file_name("denoiser", kind, ".onnx")
    prompt, step = cut(onnx.load(str(path)))
    onnx.checker.check_model(prompt)
    onnx.checker.check_model(step)
    onnx.save(prompt, str(onnx_dir / FILES[kind]))
    onnx.save(step, str(path))


def encode(session, ids) -> dict:
    """Run a prompt graph's onnxruntime `session` on `ids` (B, P) int64: its outputs by name, the
    prompt inputs of every step of the clip."""
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(names, {PROMPT_INPUT: ids})))
