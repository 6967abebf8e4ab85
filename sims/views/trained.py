"""Our trained model's two DiTs side by side, as chapters 0 and 5 show them (sims/model_data)."""
from __future__ import annotations

import numpy as np
from bokeh.models import LinearColorMapper, Range1d
from bokeh.transform import dodge

from ..colors import ORANGE, TEAL, text_shade
from ..palette import PALETTE_SIZE, hex_palette
from .base import SimView, small_figure

CANVAS = 32                                                           # px per side of the model's frames
KINDS = ("per-frame", "spacetime")                                    # left to right
SOURCE_KEYS = {"per-frame": "per_frame", "spacetime": "spacetime"}    # model kind -> source-name part


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
        fig.text(x=[offset + CANVAS / 2], y=[CANVAS + 1], text=[f"{kind} DiT"], text_color=text_shade(colour),
                 text_align="center", text_baseline="bottom", text_font_size="13px", text_font_style="bold")
    return fig


def real_pair(view: SimView, title: str, palette: np.ndarray, frames: np.ndarray):
    """(figure, {kind: images}) for our two DiTs' real frames: `frames` is (2, n, H, W) palette
    indices, per-frame model first. Every frame ships once, in the page; a control change only moves
    frames on or off the canvas (their x and y), so a state stores a few numbers instead of pixels.
    The sources are `real_per_frame` and `real_spacetime`, filled by the view's data()."""
    mapper = LinearColorMapper(palette=hex_palette(palette), low=-0.5, high=PALETTE_SIZE - 0.5)
    # Rows flipped: the clip's row 0 is its top, a Bokeh image's row 0 its bottom.
    images = {kind: [np.ascontiguousarray(f[::-1]) for f in frames[m]] for m, kind in enumerate(KINDS)}
    sources = {kind: view.source(f"real_{SOURCE_KEYS[kind]}", image=[], x=[], y=[]) for kind in KINDS}
    return real_pair_figure(title, mapper, sources), images
