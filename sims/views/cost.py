"""View of sims.cost: compute and memory against clip length, log scale, with the formula."""
from __future__ import annotations

import numpy as np

from ..colors import ORANGE, ORANGE_TEXT, TEAL, TEAL_TEXT
from ..cost import COURSE, LAYERS, MODELS, STEPS, WIDTH, Cost, course_model_flops, course_step_flops, fit_formula
from ..model_data import cost as trained
from .base import SimView, small_figure, small_legend

SECONDS = np.arange(1, Cost.param.seconds.bounds[1] + 1, dtype=float)


def _fmt(x: float) -> str:
    exponent = int(np.floor(np.log10(x)))
    return f"{x / 10**exponent:.1f} × 10<sup>{exponent}</sup>"


class CostView(SimView):
    name = "cost"
    sim_class = Cost

    def build(self):
        figs = []
        for key, title, label in (("flops", "Compute for one clip (FLOPs)", "FLOPs"),
                                  ("memory", "One attention matrix (bytes)", "bytes")):
            fig = small_figure(title, width=340, height=280, y_axis_type="log", x_range=(0.5, SECONDS[-1] + 0.5))
            fig.xaxis.axis_label = "clip length (seconds)"
            fig.yaxis.axis_label = label
            curve = self.source(f"{key}_curve", seconds=SECONDS, raw=SECONDS, latent=SECONDS)
            marker = self.source(f"{key}_marker", seconds=[1.0], raw=[1.0], latent=[1.0])
            for col, colour, legend in (("raw", ORANGE, "raw pixels"), ("latent", TEAL, "latent")):
                fig.line("seconds", col, source=curve, color=colour, line_width=2.5, legend_label=legend)
                fig.scatter("seconds", col, source=marker, size=12, fill_color=colour, line_color="white", line_width=2)
            small_legend(fig)
            figs.append(fig)
        figs.append(self._measured())
        self.readout("tokens", "flops", "course", "measured")
        return figs

    @staticmethod
    def _measured():
        """The course's own DiT: measured ms per step (dots) and the formula fitted to them (lines).
        Nothing here depends on the controls: drawn once."""
        runs = trained.load()
        frames, ms = runs["frames"].astype(float), runs["ms"]
        fixed, per_gflop = fit_formula(frames, ms)
        fig = small_figure("Our model: ms per denoiser step", width=340, height=280,
                           x_range=(frames[0] - 2, frames[-1] + 2))
        fig.xaxis.axis_label = "clip length (frames)"
        fig.yaxis.axis_label = "milliseconds per step (batch of 2)"
        for m, (model, colour) in enumerate(zip(MODELS, (TEAL, ORANGE))):
            fig.line(frames, fixed + per_gflop * course_step_flops(frames, model) / 1e9, color=colour, line_width=2,
                     line_dash="dashed", legend_label=f"{model}: formula")
            fig.scatter(frames, ms[m], size=9, fill_color=colour, line_color="white", line_width=1.5,
                        legend_label=f"{model}: measured")
        small_legend(fig)
        return fig

    def data(self):
        flops_raw, flops_latent = self.sim.flops(SECONDS)
        mem_raw, mem_latent = self.sim.memory(SECONDS)
        now = np.array([float(self.sim.seconds)])
        f_raw, f_lat = self.sim.flops()
        m_raw, m_lat = self.sim.memory()
        return {
            "flops_curve": {"seconds": SECONDS, "raw": flops_raw, "latent": flops_latent},
            "memory_curve": {"seconds": SECONDS, "raw": mem_raw, "latent": mem_latent},
            "flops_marker": {"seconds": now, "raw": np.atleast_1d(f_raw), "latent": np.atleast_1d(f_lat)},
            "memory_marker": {"seconds": now, "raw": np.atleast_1d(m_raw), "latent": np.atleast_1d(m_lat)},
        }

    def readouts(self):
        raw, latent = self.sim.tokens()
        f_raw, f_lat = self.sim.flops()
        m_raw, m_lat = self.sim.memory()
        frames = int(self.sim.frames())
        return {
            "tokens": (f"{self.sim.seconds} s = {frames} frames of {self.sim.size}×{self.sim.size}: "
                       f"<b style='color:{ORANGE_TEXT}'>{int(raw):,} raw tokens</b> "
                       f"({self.sim.raw_patch}×{self.sim.raw_patch} px patches) · "
                       f"<b style='color:{TEAL_TEXT}'>{int(latent):,} latent tokens</b> (4× time, 8× space, 2×2 patches)"),
            "flops": (f"Per clip ({STEPS} steps × 2 for guidance × {LAYERS} layers of width {WIDTH}): "
                      f"<b style='color:{ORANGE_TEXT}'>{_fmt(f_raw)}</b> vs <b style='color:{TEAL_TEXT}'>{_fmt(f_lat)}</b> "
                      f"FLOPs, <b>{f_raw / f_lat:,.0f}×</b> apart; one attention matrix "
                      f"{m_raw / 1e9:,.1f} GB vs {m_lat / 1e9:,.2f} GB."),
            "course": (f"Formula per layer: 4·N²·d + 24·N·d². The course's own model: {COURSE['tokens']} tokens, "
                       f"d = {COURSE['width']}, {COURSE['layers']} layers, {COURSE['steps']} guided steps: "
                       f"{course_model_flops() / 1e9:.1f} GFLOP per clip."),
            "measured": measured_readout(),
        }


def measured_readout() -> str:
    runs = trained.load()
    frames, ms = runs["frames"], runs["ms"]
    fixed, per_gflop = fit_formula(frames, ms)
    first, last = int(frames[0]), int(frames[-1])
    n, d = last // 4 * 16, COURSE["width"]
    share = 4 * n * n * d / (4 * n * n * d + 24 * n * d * d)
    return (f"Measured on the machine that built this page (onnxruntime, one thread, median of repeated calls): "
            f"one guided step of the <b style='color:{TEAL_TEXT}'>spacetime</b> model takes {ms[0, 0]:.1f} ms at "
            f"{first} frames and {ms[0, -1]:.1f} ms at {last}; the <b style='color:{ORANGE_TEXT}'>per-frame</b> model "
            f"{ms[1, 0]:.1f} and {ms[1, -1]:.1f} ms. The formula fitted to all {ms.size} points, "
            f"{fixed:.1f} ms + {per_gflop:.1f} ms per GFLOP, predicts "
            f"{fixed + per_gflop * float(course_step_flops(first)) / 1e9:.1f} and "
            f"{fixed + per_gflop * float(course_step_flops(last)) / 1e9:.1f} ms for the spacetime model. "
            f"Even at {n} tokens attention is only {100 * share:.0f}% of the formula's FLOPs (d = {d}); the "
            f"spacetime model costs {100 * (ms[0, -1] / ms[1, -1] - 1):.0f}% more than the per-frame one at {last} frames.")
