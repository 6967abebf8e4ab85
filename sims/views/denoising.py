"""View of sims.denoising: the noisy sample, the exact denoiser's guess, the schedule, the class odds."""
from __future__ import annotations

import numpy as np
from bokeh.models import LinearColorMapper

from ..colors import MUTED, TEAL, TEAL_TEXT
from ..denoising import CLASS_NAMES, N_STEPS, SIZE, Denoising, guess_error, noise_levels
from .base import SimView, picture_figure, small_figure

GREYS = ["#%02x%02x%02x" % (v, v, v) for v in np.linspace(12, 250, 64).astype(int)]


class DenoisingView(SimView):
    name = "denoising"
    sim_class = Denoising

    def build(self):
        mapper = LinearColorMapper(palette=GREYS, low=-1.3, high=1.3)
        pictures = []
        for key, title in (("noisy", "Current sample x_t"), ("guess", "Denoiser's guess of x₀")):
            fig = picture_figure(title, SIZE)
            fig.image(image="image", x=0, y=0, dw=SIZE, dh=SIZE, source=self.source(key, image=[]),
                      color_mapper=mapper)
            pictures.append(fig)
        pictures[1].title.text_color = TEAL_TEXT

        schedule = small_figure("Noise level t at each step", width=300, height=240,
                                x_range=(-0.5, N_STEPS + 0.5), y_range=(-0.05, 1.05))
        schedule.xaxis.axis_label = "step"
        schedule.yaxis.axis_label = "t (1 = pure noise)"
        schedule.line(np.arange(N_STEPS + 1), noise_levels(), color=MUTED, line_width=2)
        schedule.scatter(np.arange(N_STEPS + 1), noise_levels(), color=MUTED, size=4)
        schedule.scatter("step", "t", source=self.source("marker", step=[], t=[]), size=13,
                         fill_color=TEAL, line_color="white", line_width=2)

        odds = small_figure("Which picture class is it?", width=300, height=240,
                            x_range=list(CLASS_NAMES), y_range=(0, 1.05))
        odds.yaxis.axis_label = "probability"
        odds.vbar(x="name", top="p", width=0.7, color=TEAL,
                  source=self.source("odds", name=list(CLASS_NAMES), p=[0.0] * len(CLASS_NAMES)))
        odds.xgrid.visible = False

        self.readout("status")
        return pictures + [schedule, odds]

    def data(self):
        march, i = self.sim.march(), self.sim.step
        return {
            "noisy": {"image": [march.x[i]]},
            "guess": {"image": [march.guess[i]]},
            "marker": {"step": np.array([i], float), "t": march.t[i:i + 1]},
            "odds": {"name": list(CLASS_NAMES), "p": march.probs[i]},
        }

    def readouts(self):
        march, i = self.sim.march(), self.sim.step
        err = guess_error(march)[i]
        return {"status": (f"Step {i} of {N_STEPS}: noise level t = {march.t[i]:.2f}; "
                           f"the guess is off from the final picture by "
                           f"<b style='color:{TEAL_TEXT}'>{err:.2f}</b> (RMS, pixels span −1 to 1).")}
