"""Interactivity without Python: every state a sim can reach, precomputed, and a CustomJS that shows
the one the controls point at.

Measured on this machine against Panel's own `embed=True` (README, "Static interactivity"): Panel
records each state as JSON patches of whole models, while this stores only the numbers that change,
as float32 arrays that Bokeh ships base64-encoded and the browser copies in place. Each control's
values come from its parameter (`Sim.control_values`), so the grid is exact, never sampled.

States are indexed row-major over the controls in `Sim.controls` order (the last control varies
fastest); each column is stored only over the controls it depends on, and the JS below computes
its row from the widgets' current values.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import numpy as np
from bokeh.models import CustomJS

from sims.views.base import SimView

# Beyond this many states a sim's page would grow past the page-weight budget: fail the build.
MAX_STATES = 2000


@dataclass
class StateTable:
    """What changes between a sim's states, packed for the browser.

    Each stored column keeps only the controls it depends on (`axes`, indices into `controls`):
    the flicker sim's trajectories depend on the seed alone, so they are stored 4 times, not 96.
    """

    sim: str
    controls: list[str]
    values: list[list]                                   # per control, its values in order
    numeric: list[dict] = field(default_factory=list)    # {src, col, nested, axes, size, data: float32}
    lists: list[dict] = field(default_factory=list)      # {src, col, axes, values: [...]}
    readouts: dict[str, dict] = field(default_factory=dict)   # key -> {axes, values: [html, ...]}

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.values)

    @property
    def n_states(self) -> int:
        return int(np.prod(self.shape))

    @property
    def nbytes(self) -> int:
        return sum(c["data"].nbytes for c in self.numeric)

    def position(self, combo) -> list[int]:
        """Where each control's value sits in its list of values."""
        return [values.index(v) for values, v in zip(self.values, combo)]

    def offset(self, axes: list[int], position: list[int]) -> int:
        """Row of a column stored over `axes` for the state at `position` (row-major, as in the JS)."""
        k = 0
        for a in axes:
            k = k * self.shape[a] + position[a]
        return k


def _as_numeric(value):
    """(flat float32 array, nested?) if `value` is a numeric column, else None."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], np.ndarray):
        return np.asarray(value[0], np.float32).ravel(), True      # an image column: [2-D array]
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
        return value.astype(np.float32).ravel(), False
    return None


def _factorise(grid: np.ndarray, n_controls: int) -> tuple[list[int], np.ndarray]:
    """Drop the control axes along which `grid` never changes; return (kept axes, reduced grid)."""
    axes = [i for i in range(n_controls) if not np.all(grid == np.take(grid, [0], axis=i))]
    return axes, grid[tuple(slice(None) if i in axes else 0 for i in range(n_controls))]


def _object_grid(items: list, shape: tuple[int, ...]) -> np.ndarray:
    grid = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        grid[i] = item
    return grid.reshape(shape)


@functools.lru_cache(maxsize=None)
def state_table(view_class: type[SimView]) -> StateTable:
    """Run the sim over every combination of control values and keep what varies, over what.

    Cached per view class for the life of the process (a sim's states depend on its code alone): the
    site build and the tests that inspect a table share one computation. Treat the table as read-only."""
    sim = view_class.sim_class()
    controls = list(sim.controls)
    values = [sim.control_values(c) for c in controls]
    table = StateTable(view_class.name, controls, values)
    if table.n_states > MAX_STATES:
        raise ValueError(f"sim {view_class.name!r} has {table.n_states} states (limit {MAX_STATES}); "
                         "give its controls fewer values")
    view = view_class(sim)
    datas, readouts = [], []
    for combo in itertools.product(*values):
        sim.param.update(dict(zip(controls, combo)))
        datas.append(view.data())
        readouts.append(view.readouts())

    n = len(controls)
    for src, columns in datas[0].items():
        for col in columns:
            series = [d[src][col] for d in datas]
            packed = [_as_numeric(v) for v in series]
            if all(p is not None for p in packed) and len({p[0].size for p in packed}) == 1:
                grid = np.stack([p[0] for p in packed]).reshape(*table.shape, -1)
                axes, reduced = _factorise(grid, n)
                if axes:      # a column that never changes is already in the source
                    table.numeric.append({"src": src, "col": col, "nested": packed[0][1], "axes": axes,
                                          "size": int(reduced.shape[-1]), "data": reduced.ravel()})
            else:
                plain = [v.tolist() if isinstance(v, np.ndarray) else v for v in series]
                axes, reduced = _factorise(_object_grid(plain, table.shape), n)
                if axes:
                    table.lists.append({"src": src, "col": col, "axes": axes, "values": list(reduced.ravel())})
    for key in readouts[0]:
        axes, reduced = _factorise(_object_grid([r[key] for r in readouts], table.shape), n)
        if axes:
            table.readouts[key] = {"axes": axes, "values": list(reduced.ravel())}
    return table


# Bokeh hands Python dicts to CustomJS as JS Maps; the code below reads plain objects.
AS_OBJECTS = """
const obj = (m) => (m instanceof Map ? Object.fromEntries(m) : m);
"""

APPLY_STATE_JS = AS_OBJECTS + """
const specs = spec_list.map(obj), numeric = numeric_list.map(obj), readouts = readout_list.map(obj);
const sources = obj(source_map);
// Which state do the controls point at? Row-major over the controls, last one fastest.
function position(model, spec) {
  const v = model[spec.prop];
  let i;
  if (spec.kind === "range") { i = Math.round((Number(v) - spec.start) / spec.step); }
  else if (spec.kind === "index") { i = Number(v); }
  else { i = spec.labels.indexOf(String(v)); }
  if (!Number.isFinite(i)) { i = 0; }
  return Math.min(Math.max(i, 0), spec.n - 1);
}
const pos = controls.map((model, c) => position(model, specs[c]));
// Each stored column keeps only the controls it depends on: its row, row-major over those.
const row = (axes) => axes.reduce((k, a) => k * specs[a].n + pos[a], 0);
const touched = new Set();
for (const col of numeric) {
  const k = row(col.axes);
  const column = sources[col.src].data[col.col];
  const target = col.nested ? column[0] : column;
  // A plain view on the state's bytes (subarray on Bokeh's ndarray subclass would call its constructor).
  const slice = new Float32Array(col.data.buffer, col.data.byteOffset + 4 * k * col.size, col.size);
  if (ArrayBuffer.isView(target) && target.length === col.size) { target.set(slice); }
  else if (col.nested) { column[0] = slice; }
  else { sources[col.src].data[col.col] = Array.from(slice); }
  touched.add(col.src);
}
for (const col of lists.map(obj)) { sources[col.src].data[col.col] = col.values[row(col.axes)]; touched.add(col.src); }
for (const key of touched) { sources[key].change.emit(); }
for (const r of readouts) { r.div.text = r.values[row(r.axes)]; }
"""

# Runs once when the page is ready: apply `?control=value` from the address, clamping or ignoring
# bad values with a visible note (the same rules as sims.base.parse_control under `panel serve`).
QUERY_JS = AS_OBJECTS + """
const specs = spec_list.map(obj);
const query = new URLSearchParams(window.location.search);
const notes = [];
for (let c = 0; c < controls.length; c++) {
  const spec = specs[c], name = names[c];
  if (!query.has(name)) { continue; }
  const raw = query.get(name).trim(), shown = JSON.stringify(raw.slice(0, 40));
  if (spec.kind === "range") {
    const number = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(number)) { notes.push(`Ignored ${name}=${shown}: not a number.`); continue; }
    const value = Math.min(Math.max(Math.round(number), spec.start), spec.end);
    if (value !== number) { notes.push(`Set ${name} to ${value} (asked for ${raw.slice(0, 40)}; allowed ${spec.start} to ${spec.end}).`); }
    controls[c][spec.prop] = value;
  } else {
    const i = spec.values.indexOf(raw);
    if (i < 0) { notes.push(`Ignored ${name}=${shown}: choose one of ${spec.values.join(", ")}.`); continue; }
    controls[c][spec.prop] = spec.kind === "index" ? i : spec.labels[i];
  }
}
if (notes.length) {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  notes_div.text = notes.map(esc).join("<br>");
  notes_div.visible = true;
}
"""


def control_spec(model, values: list) -> dict:
    """How to read a control's state position from its Bokeh widget model."""
    n = len(values)
    strings = [str(v) for v in values]
    if hasattr(model, "active") and not hasattr(model, "options"):
        return {"prop": "active", "kind": "index", "n": n, "values": strings, "labels": strings}
    if hasattr(model, "options"):
        return {"prop": "value", "kind": "labels", "n": n, "values": strings, "labels": strings}
    step = values[1] - values[0] if n > 1 else 1
    return {"prop": "value", "kind": "range", "n": n, "start": values[0], "end": values[-1], "step": step}


def attach(view: SimView, root, widgets: dict, table: StateTable, doc) -> None:
    """Wire a view living in a static document: controls replay states; the URL query sets controls."""
    models = [bokeh_model(widgets[name], root) for name in table.controls]
    specs = [control_spec(m, v) for m, v in zip(models, table.values)]
    args = {
        "controls": models, "spec_list": specs, "source_map": view.sources,
        "numeric_list": table.numeric, "lists": table.lists,
        "readout_list": [{"div": view.readout_divs[k], **stored} for k, stored in table.readouts.items()],
    }
    apply_state = CustomJS(args=args, code=APPLY_STATE_JS)
    for model, spec in zip(models, specs):
        model.js_on_change(spec["prop"], apply_state)
    doc.js_on_event("document_ready", CustomJS(
        args={"controls": models, "spec_list": specs, "names": table.controls, "notes_div": view.notes_div},
        code=QUERY_JS))


def bokeh_model(widget, root):
    """The Bokeh model Panel rendered for `widget` under `root` (Panel keeps them per root)."""
    return widget._models[root.ref["id"]][0]
