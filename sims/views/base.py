"""The view half of the sim pattern.

A view owns one `Sim`, builds its Bokeh figures and `ColumnDataSource`s once, and on every change of
a control replaces only the sources' data (`data()`) and the readouts' text (`readouts()`). Both are
plain functions of the sim's state, which is what lets the static-site builder enumerate them for
every control value and replay them in the browser without Python (export/sim_states.py).
"""
from __future__ import annotations

import html
from typing import ClassVar

import numpy as np
import panel as pn
import param
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, Div
from bokeh.plotting import figure

from ..base import Sim
from ..colors import INK, MUTED

# The frame player's nine buttons come 28 x 21 px with 4 px between them, a row 286 px wide that
# sticks out of a 320 px phone's sim; 24 x 26 px buttons 2 px apart fit its 250 px and are each a
# whole touch target (WCAG 2.2, 2.5.8), and the frame slider is as tall as one.
PLAYER_CSS = """
button { padding: 0 !important; margin: 1px !important; min-width: 24px; min-height: 26px; box-sizing: border-box; }
input[type=range] { min-height: 24px; }
"""

NOTES_CSS = ":host { background: #fff6e0; border-left: 4px solid #e8a33e; padding: 6px 10px; font-size: 14px; }"

# Named figure widths (house style: body / page / full), in CSS pixels.
BODY_WIDTH = 340


class SimView:
    """Subclasses set `name` and `sim_class` and implement `build`, `data` and `readouts`."""

    name: ClassVar[str]
    sim_class: ClassVar[type[Sim]]
    # Widget class per control; unlisted controls get a slider (Integer) or button group (Selector).
    widget_types: ClassVar[dict[str, type]] = {}

    def __init__(self, sim: Sim | None = None):
        self.sim = sim if sim is not None else self.sim_class()
        self.sources: dict[str, ColumnDataSource] = {}
        self.readout_divs: dict[str, Div] = {}
        self.figures = self.build()
        self._refresh()
        self.sim.param.watch(self._refresh, list(self.sim.controls))

    # -- what subclasses write ---------------------------------------------------------------
    def build(self) -> list:
        """Create figures, sources (in self.sources) and readout divs; return the figures."""
        raise NotImplementedError

    def data(self) -> dict[str, dict[str, np.ndarray]]:
        """Current data of every source, keyed like self.sources."""
        raise NotImplementedError

    def readouts(self) -> dict[str, str]:
        """Current HTML of every readout, keyed like self.readout_divs."""
        return {}

    def on_page(self, doc, root) -> None:
        """Called once the sim's `root` is in the page's `doc`, in both runtimes (course.page.populate).

        A view that needs JS beyond its controls (a click or a key that sets a control) adds it here;
        `control_model` finds a control widget's Bokeh model on this page.
        """

    # -- shared machinery ----------------------------------------------------------------------
    def source(self, key: str, **columns) -> ColumnDataSource:
        src = ColumnDataSource(data=columns, name=f"{self.name}.{key}")
        self.sources[key] = src
        return src

    def readout(self, *keys: str) -> None:
        """Add one readout div per key, in the order they stand on the page."""
        for key in keys:
            self.readout_divs[key] = Div(text="", name=f"{self.name}.readout.{key}", css_classes=["sim-readout"],
                                         styles={"color": INK, "font-size": "14px"}, sizing_mode="stretch_width")

    def control_model(self, name: str, root):
        """The Bokeh model Panel rendered for control `name`'s widget under `root`."""
        return self.control_widgets[name]._models[root.ref["id"]][0]

    def _refresh(self, *_events):
        for key, columns in self.data().items():
            self.sources[key].data = columns
        for key, text in self.readouts().items():
            self.readout_divs[key].text = text

    def widgets(self) -> dict[str, pn.widgets.Widget]:
        """One widget per control, made from the parameter (bounds never copied by hand)."""
        made = {}
        for name in self.sim.controls:
            p = self.sim.param[name]
            default = pn.widgets.RadioButtonGroup if isinstance(p, param.Selector) else pn.widgets.IntSlider
            cls = self.widget_types.get(name, default)
            kwargs = dict(name=p.label, sizing_mode="stretch_width")
            if cls is pn.widgets.Player:
                kwargs.update(interval=250, show_loop_controls=False, loop_policy="loop", max_width=280,
                              stylesheets=[PLAYER_CSS])
            made[name] = cls.from_param(p, **kwargs)
        return made

    def panel(self, notes: list[str] | None = None) -> pn.viewable.Viewable:
        """The whole sim: notes about ignored URL values, controls, figures, readouts."""
        widgets = self.widgets()
        # Notes about URL-query values that were clamped or ignored. Under `panel serve` they are
        # known now; in the static site the page's own script fills the same box.
        self.notes_div = Div(text="<br>".join(html.escape(n) for n in notes or []), visible=bool(notes), name=f"{self.name}.notes",
                             sizing_mode="stretch_width", stylesheets=[NOTES_CSS])
        parts = [pn.pane.Bokeh(self.notes_div, sizing_mode="stretch_width")]
        parts.append(pn.FlexBox(*[self._labelled(self.sim.param[n], w) for n, w in widgets.items()],
                                gap="4px 24px", sizing_mode="stretch_width"))
        parts.append(pn.FlexBox(*[self._responsive(f) for f in self.figures],
                                gap="8px 16px", sizing_mode="stretch_width", justify_content="center"))
        if self.readout_divs:
            parts.append(pn.pane.Bokeh(self._readout_column(), sizing_mode="stretch_width"))
        view = pn.Column(*parts, sizing_mode="stretch_width", css_classes=["sim", f"sim-{self.name}"])
        self.control_widgets = widgets   # the static builder attaches its callbacks to these
        return view

    @staticmethod
    def _labelled(p, widget):
        """Button groups show no title of their own: give them one, as sliders have."""
        if not isinstance(widget, pn.widgets.RadioButtonGroup):
            return widget
        label = pn.pane.HTML(f'<span class="control-label">{html.escape(p.label)}</span>',
                             stylesheets=[":host { font-size: 13px; margin: 4px 10px -6px; }"])
        return pn.Column(label, widget, sizing_mode="stretch_width", min_width=240, max_width=420)

    @staticmethod
    def _responsive(fig):
        """Full size where there is room, shrunk in proportion on a narrow phone screen; a figure its
        view set to "stretch_width" keeps its height and only narrows (rows of labels stay apart)."""
        width = fig.width
        if fig.sizing_mode != "stretch_width":
            fig.sizing_mode = "scale_width"
        fig.max_width = width
        return pn.pane.Bokeh(fig, sizing_mode="stretch_width", max_width=width, min_width=min(width, 240))

    def _readout_column(self):
        return column(*self.readout_divs.values(), sizing_mode="stretch_width")


def small_figure(title: str, width: int = BODY_WIDTH, height: int = 260, **kwargs):
    """A figure in the course's look: no toolbar clutter, quiet axes."""
    fig = figure(title=title, width=width, height=height, toolbar_location=None, **kwargs)
    fig.title.text_font_size = "14px"
    fig.title.text_color = INK
    for axis in (fig.xaxis, fig.yaxis):
        axis.axis_label_text_font_size = "12px"
        axis.axis_label_text_font_style = "normal"
        axis.axis_label_text_color = MUTED
    fig.grid.grid_line_alpha = 0.3
    fig.outline_line_color = None
    return fig


def picture_figure(title: str, size: float, width: int = 220):
    """A square figure for showing a small picture pixel for pixel: no axes, no grid."""
    fig = small_figure(title, width=width, height=width + 30, x_range=(0, size), y_range=(0, size),
                       match_aspect=True)
    fig.axis.visible = False
    fig.grid.visible = False
    fig.min_border = 4
    return fig


def small_legend(fig) -> None:
    """The course's legend style: small labels in rows above the plot, outside the data, so a legend
    never covers a line on any screen."""
    legend = fig.legend[0]
    if legend in fig.center:
        fig.center.remove(legend)
        fig.add_layout(legend, "above")
    labels = [str(getattr(item.label, "value", item.label)) for item in legend.items]
    # Two short labels to a row (a 320 px phone fits two), long ones one to a row; the plot grows by
    # the legend's height so the data keeps its room.
    columns = 2 if len(labels) > 1 and max(map(len, labels)) <= 16 else 1
    legend.orientation = "horizontal"
    legend.ncols = columns
    fig.height += 22 * -(-len(labels) // columns)
    # A chart with a legend keeps its height on a phone and only narrows: shrunk in proportion, the
    # legend's fixed rows would leave the lines a strip 70 px tall with its ticks crowded together.
    fig.sizing_mode = "stretch_width"
    legend.location = "top_left"
    legend.label_text_font_size = "12px"
    legend.padding, legend.spacing, legend.margin = 2, 10, 0
    legend.border_line_color = None
    legend.background_fill_alpha = 0


def current_frame_markers(fig, source, y0, y1) -> None:
    """A thin vertical rule at the current frame plus one dot per model (orange per-frame, teal
    spacetime), all read from `source` (columns frame, per_frame, spacetime, and y0/y1 if named)."""
    from ..colors import ORANGE, TEAL

    fig.segment(x0="frame", x1="frame", y0=y0, y1=y1, source=source, color=MUTED, line_width=1)
    for col, colour in (("per_frame", ORANGE), ("spacetime", TEAL)):
        fig.scatter("frame", col, source=source, size=11, fill_color=colour, line_color="white", line_width=2)
