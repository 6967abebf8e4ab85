"""View of sims.guidance: samples at the chosen w, and adherence / diversity / realism against w; then
our trained model at the same w: a few of its clips and its measured adherence and diversity against w
(computed at build time, sims/model_data/guidance.py)."""
from __future__ import annotations

import numpy as np
from bokeh.models import LinearColorMapper, Range1d

from ..colors import INK, MUTED, ORANGE, ORANGE_TEXT, TEAL, TEAL_TEXT
from ..palette import PALETTE_SIZE, hex_palette
from ..guidance import CENTRES, CLASS_NAMES, SIGMA, TYPICAL_REAL, Guidance, adherence, diversity, sample, typical
from ..model_data import guidance as trained
from .base import SimView, picture_figure, small_figure, small_legend

W_VALUES = np.arange(Guidance.param.w.bounds[0], Guidance.param.w.bounds[1] + 1)
TILE, GRID_COLUMNS = 34, 3        # the real clips' trails: 32 px pictures on a 34 px grid, 3 across
OFF_CANVAS = -1000.0              # where the trails of the other w values wait


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
        plane.scatter("x", "y", source=self.source("samples", x=[], y=[]), size=4, color=TEAL, alpha=0.6)
        self._ring_names(plane)

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
        small_legend(curves)
        self.readout("measures", "real")
        return [plane, curves] + self._build_real()

    @staticmethod
    def _ring_names(plane):
        """Each class's name on its ring's rim, where its own samples do not go (they leave the centre
        outwards, away from the other two), drawn above the samples on a pale ground so a cloud that
        does pass under a name never hides it."""
        rim = 2 * SIGMA + 0.08
        (cx, cy), (sx, sy), (tx, ty) = CENTRES          # circle, square, triangle
        plane.text([cx, sx, tx - rim], [cy - rim, sy - rim, ty], text=list(CLASS_NAMES),
                   text_align=["center", "center", "right"], text_baseline=["top", "top", "middle"],
                   text_color=INK, text_alpha=0.75, text_font_size="12px", level="overlay",
                   background_fill_color="white", background_fill_alpha=0.75, padding=2)

    # -- our trained model -------------------------------------------------------------------------
    def _build_real(self):
        real = trained.load()
        rows = -(-trained.SHOWN // GRID_COLUMNS)
        pictures = picture_figure("Our model: clips at this w", GRID_COLUMNS * TILE, width=320)
        pictures.x_range, pictures.y_range = Range1d(0, GRID_COLUMNS * TILE), Range1d(0, rows * TILE)
        pictures.height = int(320 * rows / GRID_COLUMNS) + 30
        mapper = LinearColorMapper(palette=hex_palette(real["palette"]), low=-0.5, high=PALETTE_SIZE - 0.5)
        # Every trail of every w ships once; w only moves them (x), the others wait off the canvas.
        # Rows flipped: a clip's row 0 is its top, a Bokeh image's row 0 its bottom.
        self._real_images = [np.ascontiguousarray(t[::-1]) for t in real["trails"].reshape(-1, 32, 32)]
        k = np.arange(len(self._real_images)) % trained.SHOWN
        self._real_y = ((rows - 1 - k // GRID_COLUMNS) * TILE).astype(float)
        pictures.image(image="image", x="x", y="y", dw=32, dh=32, color_mapper=mapper,
                       source=self.source("real_trails", image=[], x=[], y=[]))

        curves = small_figure(f"Our model, measured over {trained.SEEDS} seeds", width=360, height=320,
                              x_range=(-0.5, W_VALUES[-1] + 0.5), y_range=(0, 1.05))
        curves.xaxis.axis_label = "guidance scale w"
        spread = real["spread"] / real["spread"][0]
        curves.line(trained.W_VALUES, real["adherent"].mean(axis=1), color=TEAL, line_width=2.5,
                    legend_label="prompt adherence")
        curves.line(trained.W_VALUES, spread, color=MUTED, line_dash="dashed", line_width=2.5,
                    legend_label="diversity (path spread, w=0 → 1)")
        marker = self.source("real_marker", w=[0.0], adherence=[0.0], diversity=[0.0])
        for col, colour in (("adherence", TEAL), ("diversity", MUTED)):
            curves.scatter("w", col, source=marker, size=11, fill_color=colour, line_color="white", line_width=2)
        small_legend(curves)
        return [pictures, curves]

    def _real_data(self) -> dict[str, dict]:
        real, i = trained.load(), int(np.flatnonzero(trained.W_VALUES == self.sim.w)[0])
        n = len(self._real_images)
        on_show = np.arange(n) // trained.SHOWN == i
        x = np.where(on_show, (np.arange(n) % trained.SHOWN % GRID_COLUMNS) * TILE, OFF_CANVAS).astype(float)
        return {"real_trails": {"image": self._real_images, "x": x, "y": self._real_y},
                "real_marker": {"w": np.array([float(self.sim.w)]),
                                "adherence": real["adherent"][i:i + 1].mean(axis=1),
                                "diversity": real["spread"][i:i + 1] / real["spread"][0]}}

    def _real_readout(self) -> str:
        real, w = trained.load(), self.sim.w
        i = int(np.flatnonzero(trained.W_VALUES == w)[0])
        return (f"<b>Our trained model</b> (spacetime DiT), prompt “{trained.PROMPT}”, a colour and motion it "
                f"never saw together in training. At w = {w}: <b style='color:{TEAL_TEXT}'>"
                f"{int(real['adherent'][i].sum())} of {trained.SEEDS}</b> clips show a green object moving left to "
                f"right (the detector finds green in at least 80% of frames); the objects' paths spread "
                f"{real['spread'][i]:.1f} px around their mean (w = 0: {real['spread'][0]:.1f} px); "
                f"{real['wrong_pixels'][i].mean():.1f} pixels per frame in another object's colour. The "
                f"pictures show all frames of seeds 0 to {trained.SHOWN - 1} at once: each pixel from the frame "
                f"where it differs most from the clip's median, so the object leaves its path.")

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
            **self._real_data(),
        }

    def readouts(self):
        samples, k, w = self.sim.samples(), self.sim.k, self.sim.w
        note = ("the prompt is ignored" if w == 0 else "the plain conditional model" if w == 1
                else "extrapolating past the conditional model")
        return {"measures": (
            f"w = {w} ({note}): prompt adherence <b style='color:{TEAL_TEXT}'>{adherence(samples, k):.0%}</b>, "
            f"spread {diversity(samples):.2f} (real class: {SIGMA * np.sqrt(2):.2f}), "
            f"typical samples <b style='color:{ORANGE_TEXT}'>{typical(samples, k):.0%}</b> "
            f"(real data: {TYPICAL_REAL:.0%})."), "real": self._real_readout()}
