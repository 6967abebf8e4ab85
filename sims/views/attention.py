"""View of sims.attention: the clip's 64 patches with the selected patch's attention drawn as lines,
and how its attention splits frame by frame.

Selecting a patch works by pointer and by keyboard in both runtimes, because both only set the
`patch` control's widget: a click on the picture sets it from the tap's position; the arrow keys,
on the focused picture, move it one patch (left and right run on across the frames). The static
site replays the state that widget points at; under `panel serve` the widget sets the parameter.
"""
from __future__ import annotations

import functools

import numpy as np
from bokeh.models import CustomJS, Legend, LegendItem, LinearInterpolator
from bokeh.transform import linear_cmap, transform

from model import manifest

from ..attention import GRID, N_FRAMES, N_PATCHES, PATCH, PER_FRAME, SIZE, Attention, ball_tokens, clip, grid_positions, where
from ..model_data import attention as trained
from ..colors import INK, MUTED, TEAL, TEAL_TEXT
from .base import SimView, small_figure

FRAMES_PER_SLICE = manifest.load().frames_per_slice      # the learned source's slices (model/manifest.py)

GAP = 6                          # px of empty space between two frames in the picture
STRIDE = SIZE + GAP
WIDTH = N_FRAMES * SIZE + (N_FRAMES - 1) * GAP
# kind 0: same frame (space), a neutral slate; kind 1: another frame (time), teal. Orange is the
# course's colour for per-frame / naive, so it never marks a link the spacetime model makes.
SPACE = "#52606d"               # 6.4:1 on white, so it serves for words too
LINK_COLOURS = [SPACE, TEAL]
MAX_DRAWN = 0.3                  # a weight this large or larger gets the thickest line
DOT_WEIGHTS = np.array([0, 0.001, 0.004, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0])   # sqrt, piecewise


def centres() -> tuple[np.ndarray, np.ndarray]:
    """Where each token's patch centre sits in the picture: x, y of shape (N_PATCHES,), y up."""
    pos = grid_positions()
    x = pos[:, 0] * STRIDE + (pos[:, 2] + 0.5) * PATCH
    y = SIZE - (pos[:, 1] + 0.5) * PATCH
    return x.astype(float), y.astype(float)


@functools.lru_cache(maxsize=1)
def hand_pictures() -> list[np.ndarray]:
    return [rgba(f) for f in clip()]


@functools.lru_cache(maxsize=1)
def learned_pictures() -> list[np.ndarray]:
    return [rgba(f) for f in trained.frames()]


def rgba(frame: np.ndarray) -> np.ndarray:
    """An (H, W, 3) picture as Bokeh's packed RGBA, bottom row first."""
    rgb = (np.clip(frame[::-1], 0, 1) * 255).astype(np.uint32)
    return (255 << 24) | (rgb[..., 2] << 16) | (rgb[..., 1] << 8) | rgb[..., 0]


# A tap sets the control from the patch under the pointer (gaps between frames do nothing).
TAP_JS = f"""
const f = Math.floor(cb_obj.x / {STRIDE}), u = cb_obj.x - f * {STRIDE}, v = {SIZE} - cb_obj.y;
if (f < 0 || f >= {N_FRAMES} || u < 0 || u >= {SIZE} || v < 0 || v >= {SIZE}) {{ return; }}
slider.value = f * {PER_FRAME} + Math.floor(v / {PATCH}) * {GRID} + Math.floor(u / {PATCH});
const view = Bokeh.index.find_one(fig);
if (view) {{ view.el.focus({{preventScroll: true}}); }}
"""

# On page load: make the picture focusable and let the arrow keys move the selection over the
# patches as they are laid out (left/right along all 16 columns of the 4 frames, up/down the rows).
KEYS_JS = f"""
const view = Bokeh.index.find_one(fig);
if (!view || view.el.dataset.arrowKeys) {{ return; }}
const el = view.el;
el.dataset.arrowKeys = "on";
el.tabIndex = 0;
el.setAttribute("role", "application");
el.setAttribute("aria-label", "Patches of the clip. Arrow keys move the selected patch.");
el.style.outlineOffset = "2px";
const moves = {{ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}};
el.addEventListener("keydown", (event) => {{
  const move = moves[event.key];
  if (!move) {{ return; }}
  event.preventDefault();
  const p = Number(slider.value), f = Math.floor(p / {PER_FRAME});
  const row = Math.floor((p % {PER_FRAME}) / {GRID}), col = f * {GRID} + (p % {GRID});
  const c = Math.min(Math.max(col + move[0], 0), {N_FRAMES * GRID - 1});
  const r = Math.min(Math.max(row + move[1], 0), {GRID - 1});
  slider.value = Math.floor(c / {GRID}) * {PER_FRAME} + r * {GRID} + (c % {GRID});
}});
"""


class AttentionView(SimView):
    name = "attention"
    sim_class = Attention

    def build(self):
        x, y = centres()
        pic = small_figure("Click a patch; arrow keys move it", width=700, height=270,
                           x_range=(-1, WIDTH + 1), y_range=(-1, SIZE + 6), tools="")
        pic.name = f"{self.name}.picture"          # the browser tests find it by this name
        pic.axis.visible = False
        pic.grid.visible = False
        pic.min_border = 4
        pic.min_border_top = 18     # the frame labels above the pictures draw here when a phone shrinks the room above them
        # Two pictures, one over the other: the hand-set clip, and the clip the trained DiT generated
        # (one frame per latent slice) shown only for learned weights. Their pixels never change, so
        # the static site stores only the `alpha` column per state.
        lefts = [f * STRIDE for f in range(N_FRAMES)]
        for key in ("hand_picture", "learned_picture"):
            pic.image_rgba(image="image", x="x", y=0, dw=SIZE, dh=SIZE, global_alpha="alpha",
                           source=self.source(key, image=[], x=[], alpha=[]))
        pic.rect(x, y, width=PATCH, height=PATCH, fill_color=None, line_color="white", line_alpha=0.7, line_width=1)
        pic.text("x", SIZE + 1.2, text="text", text_align="center", text_baseline="bottom", text_font_size="12px",
                 text_color=MUTED, level="annotation",
                 source=self.source("labels", x=[left + SIZE / 2 for left in lefts], text=[""] * N_FRAMES))

        links = self.source("links", x0=x * 0, y0=y * 0, x1=x, y1=y, kind=x * 0, weight=x * 0)
        colour = linear_cmap("kind", LINK_COLOURS, 0, 1)
        width = transform("weight", LinearInterpolator(x=[0, MAX_DRAWN], y=[0, 12], clip=False))
        alpha = transform("weight", LinearInterpolator(x=[0, 0.004, MAX_DRAWN], y=[0, 0.25, 0.95], clip=False))
        pic.segment("x0", "y0", "x1", "y1", source=links, line_color=colour, line_width=width, line_alpha=alpha,
                    line_cap="round")
        # A dot on every patch, its area in proportion to the weight (a weight of 1 would fill most of
        # the patch): it shows the weight a patch gives itself, which no line can.
        radius = transform("weight", LinearInterpolator(x=DOT_WEIGHTS.tolist(),
                                                        y=(0.45 * PATCH * np.sqrt(DOT_WEIGHTS)).tolist()))
        pic.circle("x1", "y1", source=links, radius=radius, fill_color=colour, line_color="white", line_width=1,
                   fill_alpha=0.9)
        chosen = self.source("chosen", x=[0.0], y=[0.0])
        pic.rect("x", "y", source=chosen, width=PATCH, height=PATCH, fill_color=None, line_color=INK, line_width=3)

        # Legend swatches: lines in the two link colours with nothing to draw (NaN, not empty: Bokeh
        # draws no swatch for a glyph without rows).
        space = pic.line(np.full(2, np.nan), np.full(2, np.nan), line_color=SPACE, line_width=4)
        time = pic.line(np.full(2, np.nan), np.full(2, np.nan), line_color=TEAL, line_width=4)
        legend = Legend(items=[LegendItem(label="same frame (space)", renderers=[space]),
                               LegendItem(label="other frames (time)", renderers=[time])],
                        orientation="horizontal", label_text_font_size="12px", border_line_alpha=0,
                        location="center", margin=2, padding=2, glyph_width=16, spacing=12)
        pic.add_layout(legend, "below")
        self.picture = pic

        shares = small_figure("Attention per frame (or slice)", width=340, height=230,
                              x_range=[str(f) for f in range(N_FRAMES)], y_range=(0, 1.05))
        shares.vbar(x="frame", top="share", width=0.7, fill_color=linear_cmap("kind", LINK_COLOURS, 0, 1),
                    line_color=None,
                    source=self.source("shares", frame=[str(f) for f in range(N_FRAMES)],
                                       share=np.zeros(N_FRAMES), kind=np.zeros(N_FRAMES)))
        shares.xgrid.visible = False
        shares.xaxis.axis_label = "frame (hand-set) or 4-frame slice (learned)"
        shares.yaxis.axis_label = "attention weight"

        self.readout("split", "links")
        return [pic, shares]

    def data(self):
        x, y = centres()
        p = self.sim.patch
        other = (~self.sim.same_frame()).astype(float)
        frame = where(p)[0]
        hand = self.sim.source == "hand-set"
        lefts = np.array([f * STRIDE for f in range(N_FRAMES)], float)
        return {
            "hand_picture": {"image": hand_pictures(), "x": lefts, "alpha": np.full(N_FRAMES, float(hand))},
            "learned_picture": {"image": learned_pictures(), "x": lefts, "alpha": np.full(N_FRAMES, float(not hand))},
            "labels": {"x": lefts + SIZE / 2, "text": [f"frame {f}" if hand else
                                                      f"slice {f}: frames {FRAMES_PER_SLICE * f}–{FRAMES_PER_SLICE * (f + 1) - 1}"
                                                      for f in range(N_FRAMES)]},
            "links": {"x0": np.full(N_PATCHES, x[p]), "y0": np.full(N_PATCHES, y[p]), "x1": x, "y1": y,
                      "kind": other, "weight": np.asarray(self.sim.weights(), float)},
            "chosen": {"x": x[p:p + 1], "y": y[p:p + 1]},
            "shares": {"frame": [str(f) for f in range(N_FRAMES)], "share": self.sim.frame_shares(),
                       "kind": (np.arange(N_FRAMES) != frame).astype(float)},
        }

    @staticmethod
    def _pct(w: float) -> str:
        return f"{100 * w:.1f}%" if w >= 0.001 else "under 0.1%"

    def _name(self, i: int) -> str:
        f, r, c = where(i)
        if self.sim.source == "learned":
            return f"slice {f}, row {r}, column {c}"
        what = "the ball" if i in ball_tokens() else "sky"
        return f"{what} in frame {f}, row {r}, column {c}"

    def readouts(self):
        p, w = self.sim.patch, self.sim.weights()
        f, r, c = where(p)
        masked = self.sim.model == "per-frame"
        time = "exactly 0%" if masked else self._pct(self.sim.time_share())
        if self.sim.source == "hand-set":
            holds = "holds the ball" if p in ball_tokens() else "is plain sky"
            split = (f"Patch {p} (frame {f}, row {r}, column {c}) {holds}. Its attention: "
                     f"<b style='color:{SPACE}'>{self._pct(self.sim.space_share())} on its own frame</b> (space, "
                     f"itself included) · <b style='color:{TEAL_TEXT}'>{time} on the other frames</b> (time).")
        else:
            t = float(trained.load()["t"])
            split = (f"Patch {p} (slice {f}, row {r}, column {c}), the trained {self.sim.model} DiT at t = {t:g} "
                     f"generating “{trained.PROMPT}”: <b style='color:{SPACE}'>{self._pct(self.sim.space_share())} on "
                     f"its own slice</b> (space, itself included) · <b style='color:{TEAL_TEXT}'>{time} on the other "
                     f"slices</b> (time). Averaged over the 4 heads and 6 blocks; the picture shows the finished clip.")
        order = [int(j) for j in np.argsort(-w, kind="stable") if w[j] > 0][:4]
        named = [("itself" if j == p else self._name(j)) + f" {self._pct(w[j])}" for j in order]
        links = "Largest weights: " + "; ".join(named) + "."
        if masked:
            edge = "frame" if self.sim.source == "hand-set" else "slice"
            links += f" The mask stops attention at the {edge}'s edge, so the others get nothing."
        return {"split": split, "links": links}

    def on_page(self, doc, root):
        """Clicks and arrow keys set the `patch` control's widget, in both runtimes."""
        slider = self.control_model("patch", root)
        args = {"slider": slider, "fig": self.picture}
        select = CustomJS(args=args, code=TAP_JS)
        # Bokeh reports a second tap within 300 ms as a double tap only: a quick reader clicking two
        # patches in a row must still get the second one.
        for event in ("tap", "doubletap"):
            self.picture.js_on_event(event, select)
        doc.js_on_event("document_ready", CustomJS(args=args, code=KEYS_JS))

