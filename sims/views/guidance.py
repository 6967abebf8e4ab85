"""View of sims.guidance: samples at the chosen w, and adherence / diversity / realism against w."""
from __future__ import annotations

import numpy as np

from ..colors import INK, MUTED, ORANGE, TEAL
from ..guidance import (CENTRES, CLASS_NAMES, SIGMA, TYPICAL_REAL, Guidance, adherence, diversity, sample,
                        typical)
from .base import SimView, small_figure, small_legend

W_VALUES = np.arange(Guidance.param.w.bounds[0], Guidance.param.w.bounds[1] + 1)


class GuidanceView(SimView):
    name = "guidance"
    sim_class = Guidance

    def build(self):
        plane = small_figure("Samples for the prompt", width=320, height=320, x_range=(-4.5, 4.5),
                             y_range=(-3.5, 5.5), match_aspect=True)
        plane.axis.visible = False
        plane.grid.visible = False
        rings = self.source("rings", x=CENTRES[:, 0], y=CENTRES[:, 1], colour=[MUTED] * 3, name=list(CLASS_NAMES))
        plane.circle("x", "y", radius=2 * SIGMA, source=rings, fill_color="colour", fill_alpha=0.08,
                     line_color="colour", line_dash="dashed", line_width=2)
        plane.text("x", "y", text="name", source=rings, text_align="center", text_baseline="middle",
                   text_color=INK, text_alpha=0.6, text_font_size="12px")
        plane.scatter("x", "y", source=self.source("samples", x=[], y=[]), size=4, color=TEAL, alpha=0.6)

        curves = small_figure("Measured over 300 samples", width=360, height=320, x_range=(-0.5, W_VALUES[-1] + 0.5),
                              y_range=(0, 1.05))
        curves.xaxis.axis_label = "guidance scale w"
        curve = self.source("curves", w=W_VALUES.astype(float), adherence=W_VALUES * 0.0,
                            diversity=W_VALUES * 0.0, typical=W_VALUES * 0.0)
        marker = self.source("marker", w=[0.0], adherence=[0.0], diversity=[0.0], typical=[0.0])
        for col, colour, dash, legend in (("adherence", TEAL, "solid", "prompt adherence"),
                                          ("diversity", MUTED, "dashed", "diversity (spread, w=0 → 1)"),
                                          ("typical", ORANGE, "dotted", "realism (typical samples)")):
            curves.line("w", col, source=curve, color=colour, line_dash=dash, line_width=2.5, legend_label=legend)
            curves.scatter("w", col, source=marker, size=11, fill_color=colour, line_color="white", line_width=2)
        small_legend(curves, "center_right", 0.8)
        self.readout("measures")
        return [plane, curves]

    def _curves(self):
        k = self.sim.k
        runs = [sample(w, k) for w in W_VALUES]
        spread = np.array([diversity(s) for s in runs])
        return {"w": W_VALUES.astype(float),
                "adherence": np.array([adherence(s, k) for s in runs]),
                "diversity": spread / spread[0],
                "typical": np.array([typical(s, k) for s in runs])}

    def data(self):
        samples, k = self.sim.samples(), self.sim.k
        curves = self._curves()
        i = int(self.sim.w - W_VALUES[0])
        colours = [TEAL if j == k else MUTED for j in range(len(CLASS_NAMES))]
        return {
            "samples": {"x": samples[:, 0], "y": samples[:, 1]},
            "rings": {"x": CENTRES[:, 0], "y": CENTRES[:, 1], "colour": colours, "name": list(CLASS_NAMES)},
            "curves": curves,
            "marker": {key: values[i:i + 1] for key, values in curves.items()},
        }

    def readouts(self):
        samples, k, w = self.sim.samples(), self.sim.k, self.sim.w
        note = ("the prompt is ignored" if w == 0 else "the plain conditional model" if w == 1
                else "extrapolating past the conditional model")
        return {"measures": (
            f"w = {w} ({note}): prompt adherence <b style='color:{TEAL}'>{adherence(samples, k):.0%}</b>, "
            f"spread {diversity(samples):.2f} (real class: {SIGMA * np.sqrt(2):.2f}), "
            f"typical samples <b style='color:{ORANGE}'>{typical(samples, k):.0%}</b> "
            f"(real data: {TYPICAL_REAL:.0%}).")}
