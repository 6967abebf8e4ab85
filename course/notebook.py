"""The course's sims in a Jupyter notebook (JupyterLab or Notebook), live Python behind each control.

    from course.notebook import show
    show("flicker")                        # the chapter-0 sim, its controls at their defaults
    show("patches", pt=2, aspect="image")  # controls set by name (checked: bounds and choices)

A sim is a Panel object already (sims/views/: a param state class and a thin Bokeh view), so this
only builds it the way a chapter page does (course/page.py `sim_block`): the view's layout, and the
page JavaScript a view adds once it is on a page (`on_page`: clicks and keys on attention's picture)
attached to each notebook output it renders into. Panel's notebook extension is loaded on first use.
"""
from __future__ import annotations

import panel as pn

from sims.registry import VIEWS
from sims.views.base import SimView

class SimPanel(pn.Column):
    """One sim's layout that also gives its view `on_page` for every root it renders (each notebook
    output is a root of its own)."""

    def __init__(self, view: SimView, **params):
        super().__init__(view.panel(), sizing_mode="stretch_width", **params)
        self.view = view

    def get_root(self, doc=None, comm=None, preprocess=True):
        root = super().get_root(doc, comm, preprocess)
        self.view.on_page(root.document, root)
        return root


def names() -> list[str]:
    """Every sim `show` knows."""
    return list(VIEWS)


def show(name: str, **controls) -> SimPanel:
    """The sim `name` (see `names()`) as a Panel layout, its controls first set from `controls`."""
    if name not in VIEWS:
        raise KeyError(f"no sim called {name!r}; the sims are: {', '.join(VIEWS)}")
    view_class = VIEWS[name]
    sim = view_class.sim_class()
    unknown = set(controls) - set(sim.controls)
    if unknown:
        raise TypeError(f"the {name} sim has no control {', '.join(sorted(unknown))}; its controls are: {', '.join(sim.controls)}")
    sim.param.update(**controls)           # param checks bounds and choices, with a clear message
    if not pn.extension._loaded:          # unless the notebook already ran pn.extension()
        pn.extension()
    return SimPanel(view_class(sim))
