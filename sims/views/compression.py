"""View of sims.compression: raw and latent volumes as boxes to the same scale, and their sizes; then the
course's own autoencoder on a real clip: its 16 frames, its (8, 4, 8, 8) latent, and the decoded frames.

The real clip's pictures never change with the controls, so they are drawn once. They are stored
small: each frame as one byte per pixel, an index into a 255-colour palette fitted to these frames.
"""
from __future__ import annotations

import functools

import numpy as np
from bokeh.models import LinearColorMapper
from bokeh.palettes import Greys256

from ..colors import INK, MUTED, ORANGE, ORANGE_TEXT, TEAL, TEAL_TEXT, text_shade
from ..compression import Compression, box_faces
from ..model_data import compression as trained
from ..palette import hex_palette, palette_frames
from .base import SimView, small_figure

# The real-clip figure, in data units of one pixel: one block per latent slice, two blocks to a row
# (a phone's screen fits two at a readable size; four across shrank each frame to 12 px). A block is
# its 4 frames, the slice's 8 latent channels as tiles under them, and the decoded frames below.
FRAME, GAP, BLOCK_GAP = 32, 2, 12
GROUP = 4 * FRAME + 3 * GAP
TILE = (GROUP - 7 * GAP) / 8
ROW_GAP = 3
ROWS = {"clip": TILE + FRAME + 2 * ROW_GAP, "latent": FRAME + ROW_GAP, "decoded": 0.0}   # bottom edge in a block
ROW_HEIGHT = {"clip": FRAME, "latent": TILE, "decoded": FRAME}
BLOCK = 2 * FRAME + TILE + 2 * ROW_GAP
LABEL_ROOM = 46      # between the two rows of blocks: the upper blocks' two-line slice labels

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
            fig.title.text_color = text_shade(colour)
            fig.axis.visible = False
            fig.grid.visible = False
            src = self.source(key, **{k: [] for k in box_faces(1, 1, 1)})
            for face, alpha in FACE_ALPHA.items():
                fig.patch(f"{face}_x", f"{face}_y", source=src, fill_color=colour, fill_alpha=alpha,
                          line_color=colour, line_width=1.5)
            fig.text(x="x", y="y", text="text", source=self.source(f"{key}_label", x=[], y=[], text=[]),
                     text_font_size="13px", text_color=text_shade(colour), text_baseline="top")
            figs.append(fig)
        counts = small_figure("Numbers to store (log scale)", width=320, height=160,
                              x_axis_type="log", x_range=(1e3, 1e10), y_range=["latent", "raw"])
        counts.hbar(y="name", right="values", left=1e3, height=0.6, color="colour",
                    source=self.source("counts", name=["raw", "latent"], values=[1e3, 1e3], colour=[ORANGE, TEAL]))
        counts.ygrid.visible = False
        figs.append(counts)
        self.readout("sizes", "ratio")
        figs.append(self._real_clip())
        self.readout("real")
        return figs

    def _real_clip(self):
        ex = trained.load()
        video, latent = ex["video"][trained.SHOWN], ex["latent"][trained.SHOWN]
        channels, slices = latent.shape[:2]
        block_x = [(s % 2) * (GROUP + BLOCK_GAP) for s in range(slices)]
        block_y = [(slices - 1 - s) // 2 * (BLOCK + LABEL_ROOM) for s in range(slices)]    # slice 0 at the top left
        top = block_y[0] + BLOCK
        fig = small_figure("Our autoencoder on a real clip", width=350, height=int(top + 2 + 24 + 34),
                           x_range=(-2, 2 * GROUP + BLOCK_GAP + 2), y_range=(-2, top + 2), tools="")
        fig.axis.visible = False
        fig.grid.visible = False
        fig.min_border = 4
        fig.min_border_left = 62    # the row names, in pixels: a phone's narrower figure keeps them whole
        fig.min_border_bottom = 34  # the lower blocks' slice labels hang here, in pixels
        palette, pictures = real_pictures()
        frame_x = [block_x[f // 4] + (f % 4) * (FRAME + GAP) for f in range(len(video))]
        frame_y = [block_y[f // 4] for f in range(len(video))]
        mapper = LinearColorMapper(palette=palette, low=-0.5, high=len(palette) - 0.5)
        fig.image(image="image", x="x", y="y", dw=FRAME, dh=FRAME, color_mapper=mapper, source=self.source(
            "real_frames", image=list(pictures[0]) + list(pictures[1]), x=frame_x * 2,
            y=[y + ROWS["clip"] for y in frame_y] + [y + ROWS["decoded"] for y in frame_y]))
        bound = float(np.abs(latent).max())
        fig.image(image="image", x="x", y="y", dw=TILE, dh=TILE,
                  color_mapper=LinearColorMapper(palette=Greys256, low=-bound, high=bound),
                  source=self.source("real_latent", image=[latent[c, s, ::-1] for s in range(slices) for c in range(channels)],
                                     x=[block_x[s] + c * (TILE + GAP) for s in range(slices) for c in range(channels)],
                                     y=[block_y[s] + ROWS["latent"] for s in range(slices) for _ in range(channels)]))
        self._real_clip_labels(fig, sorted(set(block_y)), block_x, block_y)
        return fig

    @staticmethod
    def _real_clip_labels(fig, row_bottoms, block_x, block_y):
        """Each block row's three row names in the left border, centred on their rows (at 320 px they
        stay a line apart); under each block, which frames made its slice."""
        colours = {"clip": ORANGE, "latent": TEAL, "decoded": ORANGE}
        names = [(row, y + ROWS[row] + ROW_HEIGHT[row] / 2) for y in row_bottoms for row in ROWS]
        fig.text([-2] * len(names), [y for _, y in names], text=[row for row, _ in names], text_align="right",
                 text_baseline="middle", text_font_size="12px", text_color=[text_shade(colours[r]) for r, _ in names],
                 x_offset=-6, level="annotation")
        fig.text([x + GROUP / 2 for x in block_x], [y - 2 for y in block_y],
                 text=[f"frames {4 * s}–{4 * s + 3}\n→ slice {s}" for s in range(len(block_x))], text_align="center",
                 text_baseline="top", text_font_size="11px", text_color=MUTED, y_offset=2, level="annotation")

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

        def shape(v) -> str:
            return " × ".join(str(n) for n in v.shape)

        return {
            "sizes": (f"<b style='color:{ORANGE_TEXT}'>Raw</b> ({shape(raw)}): {raw.values:,} values · "
                      f"<b style='color:{TEAL_TEXT}'>Latent</b> ({shape(latent)}): {latent.values:,} values"),
            "real": self._real_readout(),
            "ratio": f"The latent holds <b style='color:{TEAL_TEXT}'>{self.sim.ratio():,.1f}× fewer</b> values than the raw clip.",
        }

    @staticmethod
    def _real_readout() -> str:
        ex = trained.load()
        video, latent, scores = ex["video"][trained.SHOWN], ex["latent"][trained.SHOWN], ex["psnr"]
        return (f"<b>Real clip</b> “{ex['prompt'][trained.SHOWN]}”: {video.size:,} numbers "
                f"({' × '.join(map(str, video.shape))}) go into <b style='color:{TEAL_TEXT}'>{latent.size:,}</b> "
                f"({' × '.join(map(str, latent.shape))}, one grey tile per channel and slice), "
                f"{video.size / latent.size:g}× fewer. decoder.onnx rebuilds the frames at "
                f"<b style='color:{INK}'>{scores[trained.SHOWN]:.1f} dB</b> PSNR; over all {len(scores)} example clips "
                f"{scores.min():.1f} to {scores.max():.1f} dB.")


@functools.lru_cache(maxsize=1)
def real_pictures() -> tuple[list[str], np.ndarray]:
    """The shown clip and its decoding as palette indices: (palette, (2, F, H, W) uint8, rows bottom-up)."""
    ex = trained.load()
    video, decoded = ex["video"][trained.SHOWN], ex["decoded"][trained.SHOWN]
    pixels = np.stack([video, decoded]).astype(np.float32) / 255     # both stored as uint8
    indices, palette = palette_frames(pixels, size=255)
    return hex_palette(palette), indices[:, :, ::-1]
