"""notebooks/instructor.ipynb runs headless from top to bottom (nbclient, a fresh kernel) and its sims
render: each `show(...)` cell outputs Panel's notebook bundle holding that sim's own Bokeh models."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "instructor.ipynb"


@pytest.fixture(scope="module")
def executed():
    import nbclient
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def outputs_of(cell) -> str:
    return json.dumps(cell.outputs)


def rendered(cell) -> bool:
    """A Panel object was displayed: its HTML and the exec bundle that starts its models."""
    bundles = [o.get("data", {}) for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
    return any("text/html" in b and "application/vnd.holoviews_exec.v0+json" in b for b in bundles)


def test_notebook_is_committed_without_outputs():
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_runs_without_errors(executed):
    errors = [o for cell in executed for o in cell.outputs if o.output_type == "error"]
    assert not errors, [e["evalue"] for e in errors]


def test_both_sims_render_with_their_own_models(executed):
    shown = {name: cell for name in ("flicker", "patches") for cell in executed if f'show("{name}"' in cell.source}
    assert set(shown) == {"flicker", "patches"}
    for name, cell in shown.items():
        assert rendered(cell), f"show({name!r}) displayed no Panel output"
        assert f"{name}." in outputs_of(cell), f"{name}'s data sources are not in its output"   # SimView.source names


def test_a_sim_follows_its_state_and_the_tokenizer_cell_matches_the_course(executed):
    from course.cells import CELLS

    state_cell = next(c for c in executed if "state.ps = 4" in c.source)
    assert "pt=2, ps=4: 24 tokens" in outputs_of(state_cell)
    token_cell = executed[-1]
    assert token_cell.source.strip() == CELLS["generate"].code.strip()    # the page's cell, not a copy that drifts
    assert "64 spacetime patches" in outputs_of(token_cell)


def test_show_checks_its_arguments():
    from course.notebook import show

    with pytest.raises(KeyError, match="the sims are: flicker"):
        show("juggler")
    with pytest.raises(TypeError, match="its controls are: frames, pt, ps, aspect"):
        show("patches", colour="red")
    with pytest.raises(ValueError):
        show("patches", pt=3)
    assert show("patches", pt=4).view.sim.pt == 4
