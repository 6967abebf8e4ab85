"""View of sims.flicker: the two clips at the chosen frame, their trajectories, the flicker readout."""
from __future__ import annotations

import colorsys

import numpy as np
import panel as pn
from bokeh.models import LinearColorMapper
from bokeh.transform import linear_cmap

from ..colors import MUTED, ORANGE, TEAL
from ..flicker import CANVAS, N_FRAMES, Flicker, Clip, background_flicker, mean_jump, true_path
from .base import SimView, current_frame_markers, picture_figure, small_figure, small_legend

HUE_LOW, HUE_HIGH = 0.40, 0.76
BALL_PALETTE = ["#%02x%02x%02x" % tuple(int(255 * c) for c in colorsys.hsv_to_rgb(h, 0.75, 0.85))
                for h in np.linspace(HUE_LOW, HUE_HIGH, 64)]
SHADE_PALETTE = ["#%02x%02x%02x" % (int(150 + 90 * v), int(145 + 90 * v), int(135 + 90 * v))
                 for v in np.linspace(0, 1, 64)]


class FlickerView(SimView):
    name = "flicker"
    sim_class = Flicker
    widget_types = {"frame": pn.widgets.Player}

    def build(self):
        pictures = []
        for key, label, colour in (("per_frame", "Per-frame model", ORANGE), ("spacetime", "Spacetime model", TEAL)):
            fig = picture_figure(label, CANVAS)
            fig.title.text_color = colour
            fig.border_fill_color = colour
            fig.border_fill_alpha = 0.12
            bg = self.source(f"{key}_background", image=[])
            fig.image(image="image", x=0, y=0, dw=CANVAS, dh=CANVAS, source=bg,
                      color_mapper=LinearColorMapper(palette=SHADE_PALETTE, low=0, high=1))
            ball = self.source(f"{key}_ball", x=[], y=[], radius=[], hue=[])
            fig.circle(x="x", y="y", radius="radius", source=ball, line_color="white", line_width=1.5,
                       fill_color=linear_cmap("hue", BALL_PALETTE, HUE_LOW, HUE_HIGH))
            pictures.append(fig)

        traj = small_figure("Ball position across the clip", width=420, height=260,
                            x_range=(-0.5, N_FRAMES - 0.5), y_range=(0, CANVAS))
        traj.xaxis.axis_label = "frame"
        traj.yaxis.axis_label = "x position (px)"
        true_x, _ = true_path()
        traj.line(np.arange(N_FRAMES), true_x, color=MUTED, line_dash="dashed", legend_label="true path")
        paths = self.source("paths", frame=[], per_frame=[], spacetime=[])
        for col, colour, label in (("per_frame", ORANGE, "per-frame"), ("spacetime", TEAL, "spacetime")):
            traj.line("frame", col, source=paths, color=colour, line_width=2, legend_label=label)
            traj.scatter("frame", col, source=paths, color=colour, size=4)
        now = self.source("now", frame=[], per_frame=[], spacetime=[], bottom=[], top=[])
        current_frame_markers(traj, now, "bottom", "top")
        small_legend(traj, "top_left", 0.7)

        self.readout("jump")
        self.readout("background")
        return pictures + [traj]

    @staticmethod
    def _ball(clip: Clip, i: int) -> dict[str, np.ndarray]:
        # Image rows run bottom-up in Bokeh; our y grows upward too, so no flip is needed.
        return {"x": clip.x[i:i + 1], "y": clip.y[i:i + 1], "radius": clip.radius[i:i + 1], "hue": clip.hue[i:i + 1]}

    def data(self):
        per_frame, spacetime = self.sim.clips()
        i = self.sim.frame
        return {
            "per_frame_background": {"image": [per_frame.background[i]]},
            "spacetime_background": {"image": [spacetime.background[i]]},
            "per_frame_ball": self._ball(per_frame, i),
            "spacetime_ball": self._ball(spacetime, i),
            "paths": {"frame": np.arange(N_FRAMES, dtype=float), "per_frame": per_frame.x, "spacetime": spacetime.x},
            "now": {"frame": np.array([i], float), "per_frame": per_frame.x[i:i + 1],
                    "spacetime": spacetime.x[i:i + 1], "bottom": np.array([0.0]), "top": np.array([float(CANVAS)])},
        }

    def readouts(self):
        per_frame, spacetime = self.sim.clips()
        return {
            "jump": (f"Mean frame-to-frame jump of the ball: "
                     f"<b style='color:{ORANGE}'>per-frame {mean_jump(per_frame):.1f} px</b> · "
                     f"<b style='color:{TEAL}'>spacetime {mean_jump(spacetime):.1f} px</b> "
                     f"(the true motion is {self.sim.true_motion():.1f} px per frame)"),
            "background": (f"Background change per frame: "
                           f"<b style='color:{ORANGE}'>per-frame {100 * background_flicker(per_frame):.1f}%</b> · "
                           f"<b style='color:{TEAL}'>spacetime {100 * background_flicker(spacetime):.1f}%</b>"),
        }
