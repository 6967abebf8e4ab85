"""View of sims.permanence: both models' clips at the chosen frame, the object's x against frame for
the real clip and both models, and the identity and tracking readouts; then our trained model's two DiTs
on an occlusion prompt (their clips computed at build time, sims/model_data/permanence.py)."""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.core.properties import value

from ..colors import INK, MUTED, ORANGE, ORANGE_TEXT, TEAL, TEAL_TEXT, text_shade
from ..model_data import permanence as trained
from ..permanence import (CANVAS, COLOURS, FLOOR, N_FRAMES, ON_TRACK_PX, WALL, WALL_TOP, Y, Permanence, Result, Scene,
                          errors, given_frames, hidden, on_track, outline, run)
from .base import SimView, current_frame_markers, picture_figure, small_figure, small_legend
from .trained import SOURCE_KEYS, real_pair

SKY, GROUND, WALL_FILL = "#eef2f6", "#c9c2b4", "#8d99a6"
MODELS = (("per_frame", "Per-frame model", ORANGE), ("spacetime", "Spacetime model", TEAL))
OFF_CANVAS = -10.0 * CANVAS     # where the real frames not on show wait


class PermanenceView(SimView):
    name = "permanence"
    sim_class = Permanence
    widget_types = {"frame": pn.widgets.Player}

    def build(self):
        label = self.source("label", x=[CANVAS / 2], y=[CANVAS - 1.5], text=[""])
        pictures = []
        for key, title, colour in MODELS:
            fig = picture_figure(title, CANVAS)
            fig.title.text_color = text_shade(colour)
            fig.border_fill_color = colour
            fig.border_fill_alpha = 0.12
            fig.quad(left=0, right=CANVAS, bottom=FLOOR, top=CANVAS, color=SKY)
            fig.quad(left=0, right=CANVAS, bottom=0, top=FLOOR, color=GROUND)
            obj = self.source(f"{key}_object", xs=[np.zeros(1)], ys=[np.zeros(1)], colour=[INK], alpha=[0.0])
            fig.patches("xs", "ys", source=obj, fill_color="colour", fill_alpha="alpha", line_color="white",
                        line_alpha="alpha", line_width=1.5)
            fig.quad(left=WALL[0], right=WALL[1], bottom=FLOOR, top=WALL_TOP, color=WALL_FILL, line_color=INK,
                     line_alpha=0.3)
            if key == "spacetime":
                # What the model holds while the wall hides it: the object's outline, dashed.
                fig.patches("xs", "ys", source=self.source("spacetime_held", xs=[np.zeros(1)], ys=[np.zeros(1)],
                                                           alpha=[0.0]),
                            fill_color=None, line_color="white", line_dash="dashed", line_width=2, line_alpha="alpha")
            else:
                fig.text("x", "y", text=value("?"), source=self.source("per_frame_lost", x=[sum(WALL) / 2], y=[Y],
                                                                  alpha=[0.0]),
                         text_alpha="alpha", text_color="white", text_font_size="28px", text_font_style="bold",
                         text_align="center", text_baseline="middle")
            fig.text("x", "y", text="text", source=label, text_align="center", text_baseline="top",
                     text_font_size="12px", text_color=INK)
            pictures.append(fig)

        traj = small_figure("Where the object is, per frame", width=420, height=280,
                            x_range=(-0.5, N_FRAMES - 0.5), y_range=(0, CANVAS))
        traj.xaxis.axis_label = "frame"
        traj.yaxis.axis_label = "x position (px)"
        traj.quad(left=-0.5, right=N_FRAMES - 0.5, bottom=WALL[0], top=WALL[1], color=WALL_FILL, alpha=0.25,
                  legend_label="behind the wall")
        given = self.source("given", right=[0.0])
        traj.quad(left=-0.5, right="right", bottom=0, top=CANVAS, source=given, color=MUTED, alpha=0.12,
                  legend_label="given frames")
        paths = self.source("paths", frame=np.arange(N_FRAMES, dtype=float), true=np.zeros(N_FRAMES),
                            per_frame=np.zeros(N_FRAMES), spacetime=np.zeros(N_FRAMES))
        for col, colour, legend in (("per_frame", ORANGE, "per-frame"), ("spacetime", TEAL, "spacetime")):
            traj.line("frame", col, source=paths, color=colour, line_width=2.5, alpha=0.85, legend_label=legend)
            traj.scatter("frame", col, source=paths, color=colour, size=4)
        # On top, so it still shows where a model's line runs right along it.
        traj.line("frame", "true", source=paths, color=INK, line_dash="dashed", line_width=1.5,
                  legend_label="real object")
        now = self.source("now", frame=[0.0], per_frame=[0.0], spacetime=[0.0])
        current_frame_markers(traj, now, 0, CANVAS)
        small_legend(traj)

        self.readout("frame", "identity", "error", "real", "real_seeds")
        return pictures + [traj] + self._build_real()

    # -- our trained model -------------------------------------------------------------------------
    def _build_real(self):
        real = trained.load()
        pictures, self._real_images = real_pair(
            self, f"Our model behind the wall, seed {trained.SHOWN_SEED}", real["palette"], real["frames"])
        return [pictures]

    def _real_data(self) -> dict[str, dict]:
        x = np.where(np.arange(N_FRAMES) == self.sim.frame, 0.0, OFF_CANVAS)
        return {f"real_{SOURCE_KEYS[kind]}": {"image": images, "x": x, "y": np.zeros(N_FRAMES)}
                for kind, images in self._real_images.items()}

    @staticmethod
    def _real_readouts() -> dict[str, str]:
        real, seed = trained.load(), trained.SHOWN_SEED

        def pair(fmt):
            return " · ".join(f"<b style='color:{ORANGE_TEXT if kind == 'per-frame' else TEAL_TEXT}'>{kind} {fmt(m)}</b>"
                              for m, kind in enumerate(trained.KINDS))

        yes = lambda v: "yes" if v else "no"  # noqa: E731
        shown = (f"<b>Our trained model</b>, prompt “{trained.PROMPT}”, seed {seed}: each DiT makes all "
                 f"{N_FRAMES} frames from the prompt, nothing given. Comes back out after the wall: "
                 + pair(lambda m: yes(real["reappears"][m, seed]))
                 + ". Colour after the wall: "
                 + pair(lambda m: trained.COLOUR_NAMES[int(real["colour_after"][m, seed])])
                 + ". Largest jump between frames: "
                 + pair(lambda m: f"{real['largest_jump'][m, seed]:.1f} px") + ".")
        summary = trained.summary()
        counts = (f"Over seeds 0 to {trained.SEEDS - 1} of the same prompt: comes back out in "
                  + pair(lambda m: f"{summary[trained.KINDS[m]]['reappears']} of {trained.SEEDS}")
                  + "; same colour before and after the wall in "
                  + pair(lambda m: f"{summary[trained.KINDS[m]]['colour_kept']} of {trained.SEEDS}")
                  + f"; the ball pops (jumps more than {trained.TELEPORT_PX:.0f} px between two frames) in "
                  + pair(lambda m: f"{summary[trained.KINDS[m]]['pops']} of {trained.SEEDS}")
                  + ". (The course's detector, model/evaluate.py.)")
        return {"real": shown, "real_seeds": counts}

    @staticmethod
    def _object(result: Result, i: int) -> dict:
        x, look = result.x[i], result.looks[i]
        xs, ys = outline(look.shape, x if np.isfinite(x) else 0.0)
        return {"xs": [xs], "ys": [ys], "colour": [COLOURS[look.colour]],
                "alpha": np.array([1.0 if np.isfinite(x) else 0.0])}

    def data(self):
        s, st, pf = self.sim.results()
        i = self.sim.frame
        given = given_frames(s)
        is_given = i in given
        outline_now = self._object(st, i)
        held = {"xs": outline_now["xs"], "ys": outline_now["ys"],
                "alpha": hidden(st.x[i:i + 1]).astype(float)}       # outline only while behind the wall
        lost = np.isnan(pf.x[i:i + 1]).astype(float)                # "?" while per-frame holds nothing
        return {
            "label": {"x": [CANVAS / 2], "y": [CANVAS - 1.5], "text": ["given frame" if is_given else "generated"]},
            "per_frame_object": self._object(pf, i),
            "spacetime_object": self._object(st, i),
            "spacetime_held": held,
            "per_frame_lost": {"x": [sum(WALL) / 2], "y": [Y], "alpha": lost},
            "given": {"right": np.array([given[-1] + 0.5])},
            "paths": {"frame": np.arange(N_FRAMES, dtype=float), "true": s.x(), "per_frame": pf.x,
                      "spacetime": st.x},
            "now": {"frame": np.array([float(i)]), "per_frame": pf.x[i:i + 1], "spacetime": st.x[i:i + 1]},
            **self._real_data(),
        }

    def readouts(self):
        s, st, pf = self.sim.results()
        i = self.sim.frame
        _, (_, a, b), (_, exit_frame, _) = run(self.sim.seed)
        gen = self.sim.generated()
        true_x = s.x(i)
        where = "behind the wall" if hidden(np.array([true_x]))[0] else "in view"
        if i not in gen:
            frame = (f"Frame {i} is given: both models see it. The real {s.look} is at x = {true_x:.1f} px, "
                     f"in view.")
        else:
            frame = (f"Frame {i} is generated. The real {s.look} is at x = {true_x:.1f} px, {where}. "
                     f"<b style='color:{TEAL_TEXT}'>Spacetime</b>: {self._says(st, s, i)} · "
                     f"<b style='color:{ORANGE_TEXT}'>Per-frame</b>: {self._says(pf, s, i)}")
        same = pf.look == s.look
        identity = (f"A {s.look} goes behind the wall. What comes out: "
                    f"<b style='color:{TEAL_TEXT}'>spacetime — the same {st.look}</b>, on the line it fitted through the "
                    f"given frames, x = {a:.2f} + {b:.3f}·frame · "
                    f"<b style='color:{ORANGE_TEXT}'>per-frame — "
                    + (f"a {pf.look} again, by luck" if same else f"a different object, a {pf.look}")
                    + f"</b>, from frame {int(np.ceil(exit_frame))}, choices it made with the seed.")
        error = (f"Over the {len(gen)} generated frames: <b style='color:{TEAL_TEXT}'>spacetime on track in "
                 f"{int(on_track(st, s)[gen].sum())}</b>, mean position error {self._mean(st, s, gen)} · "
                 f"<b style='color:{ORANGE_TEXT}'>per-frame on track in {int(on_track(pf, s)[gen].sum())}</b>, "
                 f"mean position error {self._mean(pf, s, gen)}, and no object at all in "
                 f"{int(np.isnan(pf.x[gen]).sum())} frames. (On track: the same object within "
                 f"{ON_TRACK_PX:.0f} px of the real one.)")
        return {"frame": frame, "identity": identity, "error": error, **self._real_readouts()}

    @staticmethod
    def _says(result: Result, s: Scene, i: int) -> str:
        x = result.x[i]
        if not np.isfinite(x):
            return "no object: nothing in this frame says where one is."
        where = "behind the wall" if hidden(np.array([x]))[0] else "in view"
        off = errors(result, s)[i]
        off = "under 0.01 px" if off < 0.005 else f"{off:.2f} px"
        return f"a {result.looks[i]} at x = {x:.1f} px, {where}, {off} off."

    @staticmethod
    def _mean(result: Result, s: Scene, frames: np.ndarray) -> str:
        err = errors(result, s)[frames]
        err = err[np.isfinite(err)]
        if not err.size:
            return "none (no object)"
        return "under 0.01 px" if err.mean() < 0.005 else f"{err.mean():.2f} px"
