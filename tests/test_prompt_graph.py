"""The prompt's share of each denoiser, cut into a graph run once per clip (model/prompt_graph.py):
the cut keeps every number, sends exactly the prompt-only nodes to the prompt graph, and the shipped
export is cut so."""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from model import manifest, prompt_graph
from model.ort_sampler import OrtSampler


def _session(model):
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def _toy_denoiser():
    """ids -> an embedding, a projection and its mean (prompt only); latent * t + both (the step)."""
    rng = np.random.default_rng(0)
    table = numpy_helper.from_array(rng.standard_normal((5, 3)).astype(np.float32), "table")
    proj = numpy_helper.from_array(rng.standard_normal((3, 3)).astype(np.float32), "proj")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [helper.make_node("Gather", ["table", "ids"], ["embedded"]),            # (B, P, 3)
             helper.make_node("MatMul", ["embedded", "proj"], ["projected"]),       # (B, P, 3)
             helper.make_node("ReduceMean", ["projected", "axes"], ["pooled"], keepdims=0),  # (B, 3)
             helper.make_node("Mul", ["latent", "t"], ["scaled"]),                  # (B, 3)
             helper.make_node("Add", ["scaled", "pooled"], ["mixed"]),
             helper.make_node("ReduceSum", ["projected", "axes"], ["summed"], keepdims=0),
             helper.make_node("Add", ["mixed", "summed"], ["velocity"])]
    graph = helper.make_graph(
        nodes, "toy", [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["B", 3]),
                       helper.make_tensor_value_info("t", TensorProto.FLOAT, ["B", 1]),
                       helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", 4])],
        [helper.make_tensor_value_info("velocity", TensorProto.FLOAT, ["B", 3])], [table, proj, axes])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9)


def test_the_cut_keeps_every_number_and_sends_only_prompt_nodes_to_the_prompt_graph():
    whole = _toy_denoiser()
    prompt, step = prompt_graph.cut(whole)
    assert [n.op_type for n in prompt.graph.node] == ["Gather", "MatMul", "ReduceMean", "ReduceSum"]
    assert [n.op_type for n in step.graph.node] == ["Mul", "Add", "Add"]
    assert [i.name for i in prompt.graph.input] == ["ids"]
    assert [i.name for i in step.graph.input] == ["latent", "t", "prompt_0", "prompt_1"]   # in the order the step reads them
    assert {i.name for i in step.graph.initializer} == set()        # the prompt's weights went with it
    assert prompt.ir_version == whole.ir_version == step.ir_version
    assert [i.name for i in whole.graph.input] == ["latent", "t", "ids"]   # the caller's model is untouched
    rng = np.random.default_rng(1)
    feeds = {"latent": rng.standard_normal((2, 3)).astype(np.float32), "t": rng.random((2, 1)).astype(np.float32),
             "ids": rng.integers(0, 5, (2, 4)).astype(np.int64)}
    want = _session(whole).run(["velocity"], feeds)[0]
    encoded = prompt_graph.encode(_session(prompt), feeds["ids"])
    got = _session(step).run(["velocity"], {"latent": feeds["latent"], "t": feeds["t"], **encoded})[0]
    assert np.array_equal(got, want)


def test_a_graph_without_a_prompt_input_or_with_a_prompt_only_output_is_refused():
    _, step = prompt_graph.cut(_toy_denoiser())
    with pytest.raises(ValueError, match="no 'ids' input"):
        prompt_graph.cut(step)
    leaky = _toy_denoiser()
    leaky.graph.output.append(helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", 3]))
    with pytest.raises(ValueError, match=r"from the prompt alone cannot be cut: \['pooled'\]"):
        prompt_graph.cut(leaky)


def test_the_shipped_denoisers_are_cut_and_a_clip_reads_its_prompt_once(monkeypatch):
    meta = manifest.load()
    for kind in manifest.KINDS:
        assert meta.files[prompt_graph.key(kind)] == prompt_graph.FILES[kind]
        step = onnx.load(str(manifest.ONNX_DIR / meta.files[kind]), load_external_data=False)
        prompt = onnx.load(str(manifest.ONNX_DIR / prompt_graph.FILES[kind]), load_external_data=False)
        assert "ids" not in [i.name for i in step.graph.input]
        assert [i.name for i in prompt.graph.input] == ["ids"]
        assert [o.name for o in prompt.graph.output] == [i.name for i in step.graph.input][2:]
        assert not [i.name for i in step.graph.initializer if i.name.startswith("text.")]   # the text encoder left
    encoded = []
    encode = prompt_graph.encode
    monkeypatch.setattr(prompt_graph, "encode", lambda session, ids: encoded.append(ids.shape) or encode(session, ids))
    clip = OrtSampler().generate("a red ball bouncing from left to right", frames=8, steps=4, seed=0)
    assert encoded == [(2, meta.prompt_tokens)] and len(clip.step_seconds) == 4   # the prompt once, 4 steps


def test_an_export_without_prompt_graphs_is_named_as_such(tmp_path):
    """A model folder exported before the cut has no "prompt <kind>" entry: the sampler says to re-export."""
    import json

    from model.ort_sampler import ModelFilesMissing

    for path in manifest.ONNX_DIR.iterdir():           # the same files, but for the manifest
        if path.name != manifest.FILENAME:
            (tmp_path / path.name).symlink_to(path)
    raw = json.loads((manifest.ONNX_DIR / manifest.FILENAME).read_text())
    raw["files"] = {key: name for key, name in raw["files"].items() if not key.startswith("prompt ")}
    (tmp_path / manifest.FILENAME).write_text(json.dumps(raw))
    with pytest.raises(ModelFilesMissing, match="no 'prompt spacetime' graph: run `make export-onnx`"):
        OrtSampler(tmp_path).generate("a red ball", frames=8, steps=2)
