"""The precomputed states the static site replays are exactly what live Python would show."""
import itertools

import numpy as np
import pytest

from export.sim_states import state_table
from sims.registry import VIEWS


@pytest.fixture(scope="module", params=sorted(VIEWS))
def table_and_view(request):
    view_class = VIEWS[request.param]
    return state_table(view_class), view_class


def test_every_combination_of_control_values_is_a_state(table_and_view):
    table, view_class = table_and_view
    sim = view_class.sim_class()
    assert table.values == [sim.control_values(c) for c in sim.controls]
    assert table.n_states == len(list(itertools.product(*table.values)))
    assert table.numeric, "a sim whose controls change no plotted number is not interactive"


def test_states_replay_the_live_view(table_and_view):
    """Pick states across the grid and compare the stored slice with a fresh view's data."""
    table, view_class = table_and_view
    combos = list(itertools.product(*table.values))
    for k in sorted({0, 1, len(combos) // 3, len(combos) // 2, len(combos) - 1}):
        view = view_class(view_class.sim_class(**dict(zip(table.controls, combos[k]))))
        data, readouts = view.data(), view.readouts()
        position = table.position(combos[k])
        for col in table.numeric:
            row = table.offset(col["axes"], position)
            stored = col["data"][row * col["size"]:(row + 1) * col["size"]]
            live = data[col["src"]][col["col"]]
            live = np.asarray(live[0] if col["nested"] else live, dtype=np.float32).ravel()
            np.testing.assert_allclose(stored, live, rtol=1e-6, err_msg=f"{col['src']}.{col['col']} state {k}")
        for col in table.lists:
            assert col["values"][table.offset(col["axes"], position)] == list(data[col["src"]][col["col"]])
        for key, stored in table.readouts.items():
            assert stored["values"][table.offset(stored["axes"], position)] == readouts[key]


def test_columns_are_stored_only_over_the_controls_they_depend_on():
    from sims.views.flicker import FlickerView
    table = state_table(FlickerView)
    axes = {(c["src"], c["col"]): c["axes"] for c in table.numeric}
    assert axes[("paths", "per_frame")] == [1]               # the seed alone
    assert axes[("per_frame_ball", "x")] == [0, 1]          # frame and seed
    assert ("paths", "spacetime") not in axes               # the same path for every seed and frame
    assert table.readouts["jump"]["axes"] == [1]


def test_state_tables_stay_small():
    for name, view_class in VIEWS.items():
        assert state_table(view_class).nbytes < 300_000, name
