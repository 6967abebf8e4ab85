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
        for col in table.numeric:
            stored = col["data"][k * col["size"]:(k + 1) * col["size"]]
            live = data[col["src"]][col["col"]]
            live = np.asarray(live[0] if col["nested"] else live, dtype=np.float32).ravel()
            np.testing.assert_allclose(stored, live, rtol=1e-6, err_msg=f"{col['src']}.{col['col']} state {k}")
        for key, texts in table.readouts.items():
            assert texts[k] == readouts[key]


def test_state_tables_stay_small():
    for name, view_class in VIEWS.items():
        assert state_table(view_class).nbytes < 300_000, name
