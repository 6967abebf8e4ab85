"""View of sims.compression: raw and latent volumes as boxes to the same scale, and their sizes."""
from __future__ import annotations

import numpy as np

from ..colors import ORANGE, TEAL
from ..compression import Compression, box_faces
from .base import SimView, small_figure

FACE_ALPHA = {"front": 0.55, "top": 0.3, "side": 0.4}


class CompressionView(SimView):
    name = "compression"
    sim_class = Compression

    def build(self):
        width, height = Compression.largest_extent()
        figs = []
        for key, title, colour in (("raw", "Raw video (3 colour channels)", ORANGE),
                                   ("latent", "Spacetime latent", TEAL)):
            fig = small_figure(title, width=320, height=320, x_range=(-20, width + 20),
                               y_range=(-90, height + 20), match_aspect=True)
            fig.title.text_color = colour
            fig.axis.visible = False
            fig.grid.visible = False
            src = self.source(key, **{k: [] for k in box_faces(1, 1, 1)})
            for face, alpha in FACE_ALPHA.items():
                fig.patch(f"{face}_x", f"{face}_y", source=src, fill_color=colour, fill_alpha=alpha,
                          line_color=colour, line_width=1.5)
            fig.text(x="x", y="y", text="text", source=self.source(f"{key}_label", x=[], y=[], text=[]),
                     text_font_size="13px", text_color=colour, text_baseline="top")
            figs.append(fig)
        counts = small_figure("Numbers to store (log scale)", width=320, height=160,
                              x_axis_type="log", x_range=(1e3, 1e10), y_range=["latent", "raw"])
        counts.hbar(y="name", right="values", left=1e3, height=0.6, color="colour",
                    source=self.source("counts", name=["raw", "latent"], values=[1e3, 1e3], colour=[ORANGE, TEAL]))
        counts.ygrid.visible = False
        figs.append(counts)
        self.readout("sizes")
        self.readout("ratio")
        return figs

    def data(self):
        raw, latent = self.sim.raw(), self.sim.latent()
        return {
            "raw_label": self._label(raw, "px"),
            "latent_label": self._label(latent, "cells"),
            "raw": box_faces(raw.width, raw.height, raw.frames),
            "latent": box_faces(latent.width, latent.height, latent.frames),
            "counts": {"name": ["raw", "latent"], "values": np.array([raw.values, latent.values], float),
                       "colour": [ORANGE, TEAL]},
        }

    @staticmethod
    def _label(volume, unit):
        text = f"{volume.width}×{volume.height} {unit} × {volume.frames} {'frames' if unit == 'px' else 'slices'}"
        return {"x": np.array([0.0]), "y": np.array([-15.0]), "text": [text]}

    def readouts(self):
        raw, latent = self.sim.raw(), self.sim.latent()
        shape = lambda v: " × ".join(str(n) for n in v.shape)
        return {
            "sizes": (f"<b style='color:{ORANGE}'>Raw</b> ({shape(raw)}): {raw.values:,} values · "
                      f"<b style='color:{TEAL}'>Latent</b> ({shape(latent)}): {latent.values:,} values"),
            "ratio": f"The latent holds <b style='color:{TEAL}'>{self.sim.ratio():,.1f}× fewer</b> values than the raw clip.",
        }
