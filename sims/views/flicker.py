"""View of sims.flicker: the two clips at the chosen frame, their trajectories, the flicker readout; then
the same for our trained model's two DiTs (their clips computed at build time, sims/model_data/flicker.py)."""
from __future__ import annotations

import colorsys

import numpy as np
import panel as pn
from bokeh.models import LinearColorMapper
from bokeh.transform import linear_cmap

from ..colors import MUTED, ORANGE, ORANGE_TEXT, TEAL, TEAL_TEXT, text_shade
from ..flicker import CANVAS, N_FRAMES, Clip, Flicker, background_flicker, mean_jump, true_path
from ..model_data import flicker as trained
from .base import SimView, current_frame_markers, picture_figure, small_figure, small_legend
from .trained import SOURCE_KEYS, real_pair

HUE_LOW, HUE_HIGH = 0.40, 0.76
BALL_PALETTE = ["#%02x%02x%02x" % tuple(int(255 * c) for c in colorsys.hsv_to_rgb(h, 0.75, 0.85))
                for h in np.linspace(HUE_LOW, HUE_HIGH, 64)]
SHADE_PALETTE = ["#%02x%02x%02x" % (int(150 + 90 * v), int(145 + 90 * v), int(135 + 90 * v))
                 for v in np.linspace(0, 1, 64)]
OFF_CANVAS = -10.0 * CANVAS     # where our model's frames wait while not on show (see _real_data)


class FlickerView(SimView):
    name = "flicker"
    sim_class = Flicker
    widget_types = {"frame": pn.widgets.Player}

    def build(self):
        pictures = []
        for key, label, colour in (("per_frame", "Per-frame model", ORANGE), ("spacetime", "Spacetime model", TEAL)):
            fig = picture_figure(label, CANVAS)
            fig.title.text_color = text_shade(colour)
            fig.border_fill_color = colour
            fig.border_fill_alpha = 0.12
            bg = self.source(f"{key}_background", image=[])
            fig.image(image="image", x=0, y=0, dw=CANVAS, dh=CANVAS, source=bg,
                      color_mapper=LinearColorMapper(palette=SHADE_PALETTE, low=0, high=1))
            ball = self.source(f"{key}_ball", x=[], y=[], radius=[], hue=[])
            fig.circle(x="x", y="y", radius="radius", source=ball, line_color="white", line_width=1.5,
                       fill_color=linear_cmap("hue", BALL_PALETTE, HUE_LOW, HUE_HIGH))
            pictures.append(fig)

        true_x, _ = true_path()
        traj = self._trajectory("Ball position across the clip", "", ("per-frame", "spacetime"),
                                true_x=true_x)

        self.readout("jump", "background", "real")
        return pictures + [traj] + self._build_real()

    # -- our trained model -------------------------------------------------------------------------
    def _build_real(self):
        """Both DiTs' real frames, shown through a palette, and the detector's track of the ball."""
        real = trained.load()
        pictures, self._real_images = real_pair(self, "Our trained model, same noise",
                                                real["palette"], real["frames"].reshape(len(trained.KINDS), -1, CANVAS, CANVAS))
        traj = self._trajectory("Our model: the ball's x (detector)", "real_",
                                ("per-frame DiT", "spacetime DiT"))
        return [pictures, traj]

    def _trajectory(self, title: str, prefix: str, labels: tuple[str, str], true_x=None):
        """The ball's x against frame for both clips, with the current-frame marker; sources are
        `<prefix>paths` and `<prefix>now`."""
        traj = small_figure(title, width=420, height=260, x_range=(-0.5, N_FRAMES - 0.5), y_range=(0, CANVAS))
        traj.xaxis.axis_label = "frame"
        traj.yaxis.axis_label = "x position (px)"
        if true_x is not None:
            traj.line(np.arange(N_FRAMES), true_x, color=MUTED, line_dash="dashed", legend_label="true path")
        paths = self.source(f"{prefix}paths", frame=[], per_frame=[], spacetime=[])
        for col, colour, label in (("per_frame", ORANGE, labels[0]), ("spacetime", TEAL, labels[1])):
            traj.line("frame", col, source=paths, color=colour, line_width=2, legend_label=label)
            traj.scatter("frame", col, source=paths, color=colour, size=4)
        now = self.source(f"{prefix}now", frame=[], per_frame=[], spacetime=[], bottom=[], top=[])
        current_frame_markers(traj, now, "bottom", "top")
        small_legend(traj)
        return traj

    def _real_data(self) -> dict[str, dict]:
        real, seed, i = trained.load(), self.sim.seed, self.sim.frame
        # Image k is frame k % N_FRAMES of seed k // N_FRAMES: x picks the frame, y the seed, so each
        # column depends on one control only and the one image with both on the canvas is the one shown.
        k = np.arange(len(self._real_images["spacetime"]))
        x = np.where(k % N_FRAMES == i, 0.0, OFF_CANVAS)
        y = np.where(k // N_FRAMES == seed, 0.0, OFF_CANVAS)
        out = {f"real_{SOURCE_KEYS[kind]}": {"image": images, "x": x, "y": y}
               for kind, images in self._real_images.items()}
        xs = {SOURCE_KEYS[kind]: real["x"][m, seed].astype(float) for m, kind in enumerate(trained.KINDS)}
        out["real_paths"] = {"frame": np.arange(N_FRAMES, dtype=float), **xs}
        out["real_now"] = {"frame": np.array([float(i)]), **{k: v[i:i + 1] for k, v in xs.items()},
                           "bottom": np.array([0.0]), "top": np.array([float(CANVAS)])}
        return out

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
            **self._real_data(),
        }

    def readouts(self):
        per_frame, spacetime = self.sim.clips()
        return {
            "jump": (f"Mean frame-to-frame jump of the ball: "
                     f"<b style='color:{ORANGE_TEXT}'>per-frame {mean_jump(per_frame):.1f} px</b> · "
                     f"<b style='color:{TEAL_TEXT}'>spacetime {mean_jump(spacetime):.1f} px</b> "
                     f"(the true motion is {self.sim.true_motion():.1f} px per frame)"),
            "background": (f"Background change per frame: "
                           f"<b style='color:{ORANGE_TEXT}'>per-frame {100 * background_flicker(per_frame):.1f}%</b> · "
                           f"<b style='color:{TEAL_TEXT}'>spacetime {100 * background_flicker(spacetime):.1f}%</b>"),
            "real": self._real_readout(),
        }

    def _real_readout(self) -> str:
        real, seed = trained.load(), self.sim.seed
        pf, st = trained.KINDS.index("per-frame"), trained.KINDS.index("spacetime")

        def pair(key, fmt):
            return (f"<b style='color:{ORANGE_TEXT}'>per-frame {fmt(real[key][pf, seed])}</b> · "
                    f"<b style='color:{TEAL_TEXT}'>spacetime {fmt(real[key][st, seed])}</b>")

        frames = lambda p: f"{int(round(p * N_FRAMES))} of {N_FRAMES} frames"  # noqa: E731
        return (f"<b>Our trained model</b>, prompt “{trained.PROMPT}”, seed {seed}, the same starting noise "
                f"for both. Largest jump of the ball between frames: {pair('largest_jump', lambda v: f'{v:.1f} px')}. "
                f"Background change per frame: {pair('flicker', lambda v: f'{100 * v:.1f}%')}. "
                f"Ball found in red in {pair('presence', frames)}. (Measured by the course's detector, "
                f"model/evaluate.py.)")
