"""How the exported networks store their weights: float16 on the wire, float32 in memory.

The trained weights are float16-exact (model/weights.py saves them so), so shipping them as float16
halves the download. Keeping float16 *inside* the ONNX graph (initializer + Cast) costs the browser
dearly, though: onnxruntime-web folds those Casts while it optimises the graph, and on one wasm
thread that made creating the spacetime denoiser's session take about 0.9 s instead of 0.4 s
(measured in Node with onnxruntime-web 1.30, see model/README.md).

So each network is two files:
  <name>.onnx      the graph; every large float initializer is float32 *external data* in a
                   virtual file <name>.f32 that never exists on disk;
  <name>.weights   those initializers one after another, each as float16 when float16 holds its
                   values exactly, else as float32 (computed constants: position codes, frequencies).
manifest.json (model/manifest.py) lists, per network, the order, type and length of each piece. The browser's worker
(web/generator/worker.js) widens the pieces into one float32 buffer and hands it to onnxruntime-web
as `externalData`; Python does the same here in `session_bytes`. Both see exactly float32 values
equal to the trained weights.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

MIN_EXTERNAL = 16          # smaller initializers (shapes, scalars) stay inside the graph


def split(path: Path) -> dict:
    """Rewrite the float32 ONNX model at `path` as graph + wire file; returns its manifest entry."""
    import onnx
    from onnx import TensorProto, numpy_helper

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    stem = path.stem
    wire, pieces, f32_offset = bytearray(), [], 0
    for init in model.graph.initializer:
        if init.data_type != TensorProto.FLOAT or int(np.prod(init.dims)) < MIN_EXTERNAL:
            continue
        values = numpy_helper.to_array(init).astype(np.float32).ravel()
        half = values.astype(np.float16)
        exact = np.array_equal(half.astype(np.float32), values)
        blob = (half if exact else values).astype("<f2" if exact else "<f4").tobytes()
        wire += b"\0" * (-len(wire) % 4)        # every piece starts 4-byte aligned
        pieces.append([len(wire), "f16" if exact else "f32", int(values.size)])
        wire += blob
        init.ClearField("raw_data")
        init.ClearField("float_data")
        init.data_location = TensorProto.EXTERNAL
        del init.external_data[:]
        for key, value in (("location", f"{stem}.f32"), ("offset", str(f32_offset)), ("length", str(4 * values.size))):
            entry = init.external_data.add()
            entry.key, entry.value = key, value
        f32_offset += 4 * values.size
    for node in model.graph.node:    # the exporter's per-node stack traces: most of the graph's bytes
        del node.metadata_props[:]
        node.doc_string = ""
    path.write_bytes(model.SerializeToString())
    (path.parent / f"{stem}.weights").write_bytes(bytes(wire))
    return {"wire": f"{stem}.weights", "external": f"{stem}.f32", "bytes": f32_offset, "pieces": pieces}


def widen(wire: bytes, entry: dict) -> np.ndarray:
    """The wire file's pieces as one float32 array, laid out as the graph's external data expects."""
    out = np.empty(entry["bytes"] // 4, dtype=np.float32)
    at = 0
    for offset, kind, count in entry["pieces"]:
        dtype = "<f2" if kind == "f16" else "<f4"
        out[at:at + count] = np.frombuffer(wire, dtype=dtype, count=count, offset=offset)
        at += count
    return out


def weights_entry(manifest: dict, name: str) -> dict | None:
    """The weights layout of graph `name`: its own, or for an inspection graph (model/inspection.py),
    the layout of the fast graph it was copied from, whose weights it names. None: weights inline."""
    weights = manifest.get("weights", {})
    if name in weights:
        return weights[name]
    inspect = manifest.get("inspect", {}).get("files", {})
    kind = next((k for k, file in inspect.items() if file == name), None)
    return weights.get(manifest["files"][kind]) if kind else None


def session_bytes(onnx_dir: Path, name: str, manifest: dict | None = None) -> bytes:
    """The network `name` as one self-contained ONNX model (weights inline), ready for onnxruntime."""
    import onnx
    from onnx import TensorProto

    onnx_dir = Path(onnx_dir)
    if manifest is None:
        from .manifest import FILENAME
        manifest = json.loads((onnx_dir / FILENAME).read_text())
    entry = weights_entry(manifest, name)
    if entry is None:                             # a model with its weights inside
        return (onnx_dir / name).read_bytes()
    wire_path = onnx_dir / entry["wire"]
    if not wire_path.exists():
        raise FileNotFoundError(f"{wire_path} is missing: run `make export-onnx`")
    weights = widen(wire_path.read_bytes(), entry)
    model = onnx.load(str(onnx_dir / name), load_external_data=False)
    for init in model.graph.initializer:
        if init.data_location != TensorProto.EXTERNAL:
            continue
        info = {e.key: e.value for e in init.external_data}
        start, length = int(info["offset"]) // 4, int(info["length"]) // 4
        init.raw_data = weights[start:start + length].tobytes()
        init.data_location = TensorProto.DEFAULT
        del init.external_data[:]
    return model.SerializeToString()
