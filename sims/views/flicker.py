"""View of sims.flicker: the two clips at the chosen frame, their trajectories, the flicker readout; then
the same for our trained model's two DiTs (real clips computed at build time, sims.flicker.real_clips)."""
from __future__ import annotations

import colorsys

import numpy as np
import panel as pn
from bokeh.models import LinearColorMapper, Range1d
from bokeh.transform import dodge, linear_cmap

from ..colors import MUTED, ORANGE, TEAL
from ..palette import PALETTE_SIZE, hex_palette
from ..flicker import (CANVAS, N_FRAMES, REAL_KINDS, REAL_PROMPT, Clip, Flicker, background_flicker,
                       mean_jump, real_clips, true_path)
from .base import SimView, current_frame_markers, picture_figure, small_figure, small_legend

HUE_LOW, HUE_HIGH = 0.40, 0.76
BALL_PALETTE = ["#%02x%02x%02x" % tuple(int(255 * c) for c in colorsys.hsv_to_rgb(h, 0.75, 0.85))
                for h in np.linspace(HUE_LOW, HUE_HIGH, 64)]
SHADE_PALETTE = ["#%02x%02x%02x" % (int(150 + 90 * v), int(145 + 90 * v), int(135 + 90 * v))
                 for v in np.linspace(0, 1, 64)]
REAL_KEYS = {"per-frame": "per_frame", "spacetime": "spacetime"}    # model kind -> source-name part
OFF_CANVAS = -10.0 * CANVAS     # where our model's frames wait while not on show (see _real_data)


def real_pair_figure(title: str, mapper: LinearColorMapper, sources: dict, gap: float = 4.0):
    """Our model's two DiTs side by side in one picture, per-frame (orange) left, spacetime (teal) right.

    Each source has columns image, x and y; a frame shows where (x, y) = (0, 0), shifted right into
    its model's half (the frames not on show wait elsewhere, see the views' _real_data)."""
    width = 440
    fig = small_figure(title, width=width, height=int(width * (CANVAS + 6) / (2 * CANVAS + gap)) + 30,
                       x_range=Range1d(0, 2 * CANVAS + gap), y_range=Range1d(0, CANVAS + 6))
    fig.axis.visible = False
    fig.grid.visible = False
    fig.min_border = 4
    for m, kind in enumerate(("per-frame", "spacetime")):
        offset, colour = m * (CANVAS + gap), ORANGE if kind == "per-frame" else TEAL
        fig.image(image="image", x=dodge("x", offset), y="y", dw=CANVAS, dh=CANVAS, color_mapper=mapper,
                  source=sources[kind])
        fig.quad(left=offset, right=offset + CANVAS, bottom=0, top=CANVAS, fill_color=None, line_color=colour,
                 line_width=3)
        fig.text(x=[offset + CANVAS / 2], y=[CANVAS + 1], text=[f"{kind} DiT"], text_color=colour,
                 text_align="center", text_baseline="bottom", text_font_size="13px", text_font_style="bold")
    return fig


def real_pair(view: SimView, title: str, palette: np.ndarray, frames: np.ndarray):
    """(figure, {kind: images}) for our two DiTs' real frames: `frames` is (2, n, H, W) palette
    indices, per-frame model first. Every frame ships once, in the page; a control change only moves
    frames on or off the canvas (their x and y), so a state stores a few numbers instead of pixels.
    The sources are `real_per_frame` and `real_spacetime`, filled by the view's data()."""
    mapper = LinearColorMapper(palette=hex_palette(palette), low=-0.5, high=PALETTE_SIZE - 0.5)
    # Rows flipped: the clip's row 0 is its top, a Bokeh image's row 0 its bottom.
    images = {kind: [np.ascontiguousarray(f[::-1]) for f in frames[m]] for m, kind in enumerate(REAL_KINDS)}
    sources = {kind: view.source(f"real_{REAL_KEYS[kind]}", image=[], x=[], y=[]) for kind in REAL_KINDS}
    return real_pair_figure(title, mapper, sources), images


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

        true_x, _ = true_path()
        traj = self._trajectory("Ball position across the clip", "", ("per-frame", "spacetime"),
                                true_x=true_x)

        self.readout("jump")
        self.readout("background")
        self.readout("real")
        return pictures + [traj] + self._build_real()

    # -- our trained model -------------------------------------------------------------------------
    def _build_real(self):
        """Both DiTs' real frames, shown through a palette, and the detector's track of the ball."""
        real = real_clips()
        pictures, self._real_images = real_pair(self, "Our trained model: the same prompt, seed and noise",
                                                real["palette"], real["frames"].reshape(len(REAL_KINDS), -1, CANVAS, CANVAS))
        traj = self._trajectory("Our model: the ball's x, found by the detector", "real_",
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
        small_legend(traj, "top_left", 0.7)
        return traj

    def _real_data(self) -> dict[str, dict]:
        real, seed, i = real_clips(), self.sim.seed, self.sim.frame
        # Image k is frame k % N_FRAMES of seed k // N_FRAMES: x picks the frame, y the seed, so each
        # column depends on one control only and the one image with both on the canvas is the one shown.
        k = np.arange(len(self._real_images["spacetime"]))
        x = np.where(k % N_FRAMES == i, 0.0, OFF_CANVAS)
        y = np.where(k // N_FRAMES == seed, 0.0, OFF_CANVAS)
        out = {f"real_{REAL_KEYS[kind]}": {"image": images, "x": x, "y": y}
               for kind, images in self._real_images.items()}
        xs = {REAL_KEYS[kind]: real["x"][m, seed].astype(float) for m, kind in enumerate(REAL_KINDS)}
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
                     f"<b style='color:{ORANGE}'>per-frame {mean_jump(per_frame):.1f} px</b> · "
                     f"<b style='color:{TEAL}'>spacetime {mean_jump(spacetime):.1f} px</b> "
                     f"(the true motion is {self.sim.true_motion():.1f} px per frame)"),
            "background": (f"Background change per frame: "
                           f"<b style='color:{ORANGE}'>per-frame {100 * background_flicker(per_frame):.1f}%</b> · "
                           f"<b style='color:{TEAL}'>spacetime {100 * background_flicker(spacetime):.1f}%</b>"),
            "real": self._real_readout(),
        }

    def _real_readout(self) -> str:
        real, seed = real_clips(), self.sim.seed
        pf, st = REAL_KINDS.index("per-frame"), REAL_KINDS.index("spacetime")

        def pair(key, fmt):
            return (f"<b style='color:{ORANGE}'>per-frame {fmt(real[key][pf, seed])}</b> · "
                    f"<b style='color:{TEAL}'>spacetime {fmt(real[key][st, seed])}</b>")

        frames = lambda p: f"{int(round(p * N_FRAMES))} of {N_FRAMES} frames"  # noqa: E731
        return (f"<b>Our trained model</b>, prompt “{REAL_PROMPT}”, seed {seed}, the same starting noise "
                f"for both. Largest jump of the ball between frames: {pair('largest_jump', lambda v: f'{v:.1f} px')}. "
                f"Background change per frame: {pair('flicker', lambda v: f'{100 * v:.1f}%')}. "
                f"Ball found in red in {pair('presence', frames)}. (Measured by the course's detector, "
                f"model/evaluate.py.)")
