"""View of sims.patches: the latent's time-slices cut into cubes, and the token sequence they make.

Colour says which token a cell belongs to. Each layer of cubes (pt slices deep) has its own hue,
and within a layer the tokens run dark to light in reading order, with neighbouring cubes
alternating a little in lightness so their borders show. The strip below uses the same colours, one
row per layer, so the sequence reads left to right, top to bottom.

Page weight: a cell's colour is stored as a number mapped through a LinearColorMapper, never as a
colour string. Each slice is its own image, whose numbers depend only on the patch sizes; the clip
length only switches whole slices on or off (one alpha value each). So the static site stores a few
thousand numbers per patch setting rather than every cell of every state.
"""
from __future__ import annotations

import colorsys
import functools

import numpy as np
from bokeh.models import LinearColorMapper

from ..colors import INK, MUTED
from ..model_data import shapes as trained
from ..palette import PALETTE_SIZE, hex_palette
from ..patches import ASPECTS, CHANNELS, TIME_FACTOR, SPACE_FACTOR, Grid, Patches, largest_padded
from .base import SimView, small_figure

LAYERS = 8                      # most layers of cubes any setting makes (32 frames, pt = 1)
SHADES = 32                     # lightness steps within a layer
PER_LAYER = 2 * SHADES          # palette entries per layer: shade x (darker, lighter) neighbour
PAD, OUTSIDE = -1.0, 1e4        # below the mapper: grey padding; above it: not drawn
PAD_GREY = "#c3c6ca"
CLEAR = "rgba(0, 0, 0, 0)"
# Our model's clip of the chosen shape: its frames side by side, every shape drawn to one scale (a
# square strip is half as long as a landscape one), in a box as wide as four landscape frames.
REAL_SLOT, REAL_GAP, REAL_OFF = 64, 4, -1e3
# One hue per layer, away from the course's orange (per-frame) and teal (latent) on purpose.
HUES = (210, 250, 290, 330, 5, 55, 95, 135)

# Slices are laid out four to a row, each in a slot big enough for its aspect's largest padding.
# Landscape and portrait cells are drawn the same size (same count, other layout); the square
# layout, which is smaller, is enlarged to fill the same box.
PER_ROW, GAP_X, GAP_Y = 4, 2, 4.5
LAYOUTS = ("landscape", "square", "portrait")            # "image" draws slot 0 of "square"
STRIP_WIDTH, STRIP_STEP = 60.0, 1.5


def _palette() -> list[str]:
    colours = []
    for hue in HUES:
        for shade in range(SHADES):
            for lift in (0.0, 0.07):
                light = 0.30 + 0.42 * shade / (SHADES - 1) + lift
                r, g, b = colorsys.hls_to_rgb(hue / 360, light, 0.62)
                colours.append("#%02x%02x%02x" % (round(255 * r), round(255 * g), round(255 * b)))
    return colours


PALETTE = _palette()
LAYER_COLOURS = [PALETTE[g * PER_LAYER + SHADES] for g in range(LAYERS)]   # mid shade: brackets


def _layout_of(aspect: str) -> str:
    return "square" if aspect == "image" else aspect


def _extent(layout: str) -> tuple[float, float]:
    """Width and height of a layout's eight slots, in cells."""
    _, rows, cols = largest_padded(layout)
    return PER_ROW * (cols + GAP_X) - GAP_X, 2 * rows + GAP_Y


BOX = (max(_extent("landscape")[0], _extent("portrait")[0]), max(_extent("landscape")[1], _extent("portrait")[1]))


def _unit(layout: str) -> float:
    """Drawn size of one cell."""
    if layout == "square":
        width, height = _extent(layout)
        return min(BOX[0] / width, BOX[1] / height)
    return 1.0


def _slot(layout: str, t: int) -> tuple[float, float]:
    """Left edge and top edge of slice t's slot."""
    _, rows, cols = largest_padded(layout)
    u = _unit(layout)
    return u * (t % PER_ROW) * (cols + GAP_X), -u * (t // PER_ROW) * (rows + GAP_Y)


def colour_values(grid: Grid) -> np.ndarray:
    """Mapper input for every cell of the padded latent, shape (T'pad, H'pad, W'pad).

    With S tokens per layer, token k is in layer g = k // S and gets shade floor((k mod S) * SHADES / S)
    of hue g; cubes whose row and column of cubes add up to an odd number are a little lighter.
    Spatial padding is PAD.
    """
    tokens, padding = grid.token_index(), grid.is_padding()
    t, h, w = np.indices(tokens.shape)
    per_slice = grid.per_slice
    layer, within = np.divmod(tokens, per_slice)
    shade = within * SHADES // per_slice
    lighter = (h // grid.ps + w // grid.ps) % 2
    values = layer * PER_LAYER + 2 * shade + lighter + 0.5
    # A slice that is all time padding gets a grey cover (see build); its cubes keep their colours.
    return np.where(padding & (t < grid.slices), PAD, values)


@functools.lru_cache(maxsize=None)
def _slot_images(layout: str, pt: int, ps: int) -> tuple[np.ndarray, ...]:
    """The LAYERS slot images of a layout at patch sizes (pt, ps), read-only. They depend on nothing
    else, so the 252 states of the sim share 9 computations per layout."""
    _, rows, cols = largest_padded(layout)
    height, width = ASPECTS[layout]
    values = colour_values(Grid(LAYERS, height // SPACE_FACTOR, width // SPACE_FACTOR, pt, ps))
    images = []
    for t in range(LAYERS):
        image = np.full((rows, cols), OUTSIDE)
        h, w = values.shape[1:]
        image[:h, :w] = values[t]
        image = image[::-1]              # Bokeh draws image rows bottom-up; the latent's row 0 is its top row
        image.flags.writeable = False
        images.append(image)
    return tuple(images)


def _most_cell_lines() -> int:
    return max(2 * (rows + 1) + PER_ROW * (cols + 1) for _, rows, cols in map(largest_padded, LAYOUTS))


class PatchesView(SimView):
    name = "patches"
    sim_class = Patches

    def build(self):
        mapper = LinearColorMapper(palette=PALETTE, low=0, high=LAYERS * PER_LAYER, low_color=PAD_GREY,
                                   high_color=CLEAR, nan_color=CLEAR)
        latent = small_figure("Latent slices, coloured by token", width=620, height=330,
                              x_range=(-1, BOX[0] + 1), y_range=(-BOX[1] - 2.5, 2), match_aspect=True)
        latent.axis.visible = False
        latent.grid.visible = False
        for layout in LAYOUTS:
            _, rows, cols = largest_padded(layout)
            u = _unit(layout)
            for t in range(LAYERS):
                x, top = _slot(layout, t)
                src = self.source(f"{layout}_{t}", image=[np.full((rows, cols), OUTSIDE)], alpha=[0.0])
                latent.image(image="image", x=x, y=top - u * rows, dw=u * cols, dh=u * rows, global_alpha="alpha",
                             source=src, color_mapper=mapper)
        # White lines on the white page: they show only where they cross coloured cells, so one set
        # per layout marks every cell (thin) and every cube border (thick) of whichever slices exist.
        latent.segment("x0", "y0", "x1", "y1", source=self.source("cells", x0=[], y0=[], x1=[], y1=[], width=[]),
                       line_color="white", line_width="width")
        # Every slot the layout has room for, dashed: a longer clip fills them.
        latent.rect("x", "y", "w", "h", source=self.source("slots", x=[], y=[], w=[], h=[], shown=[]),
                    fill_color=None, line_color=MUTED, line_dash="dashed", line_alpha="shown")
        slices = self.source("slices", **{k: [] for k in ("x", "y", "w", "h", "px", "py", "pw", "ph", "shown",
                                                            "zeros", "named", "lx", "ly", "label", "padding")})
        latent.rect("px", "py", "pw", "ph", source=slices, fill_color=PAD_GREY, fill_alpha="zeros",
                    line_color=None, hatch_pattern="/", hatch_color="white", hatch_alpha="zeros")
        latent.rect("x", "y", "w", "h", source=slices, fill_color=None, line_color=INK, line_width=1.2,
                    line_alpha="shown")
        # The slice labels sit just above their slots. On a phone the figure shrinks and the room above
        # the top row (data units) with it, so they draw unclipped (level "annotation") into a border
        # kept in pixels.
        latent.min_border_top = 16
        for text, alpha in (("label", "named"), ("padding", "zeros")):
            latent.text("lx", "ly", text=text, source=slices, text_alpha=alpha, text_font_size="11px",
                        text_color=MUTED, text_baseline="bottom", level="annotation")
        brackets = self.source("brackets", x0=[], x1=[], y=[], shown=[], colour=[])
        latent.segment("x0", "y", "x1", "y", source=brackets, line_color="colour", line_width=4,
                       line_alpha="shown", line_cap="round")

        strip = self._token_strip()
        self.readout("latent", "tokens", "cube")
        return [latent, strip] + self._build_real()

    def _build_real(self):
        """Our model's own clip of the chosen shape (sims/model_data/shapes.py), if it makes that shape."""
        real = trained.load()
        self._real = {shape: [np.ascontiguousarray(f[::-1]) for f in real[f"frames_{shape}"]]   # Bokeh rows go up
                      for shape in trained.made()}
        n = len(trained.SHOWN)
        width = n * REAL_SLOT + (n - 1) * REAL_GAP
        # Square pixels: explicit ranges ignore match_aspect, so the figure is sized to its ranges: a
        # 612 px plot area (620 less the 4 px borders) under a title about 26 px tall. On a phone the
        # whole figure scales down, keeping that shape.
        plot_width, title = 612, 26
        fig = small_figure("Our model made this shape", width=plot_width + 8,
                           height=round(plot_width * REAL_SLOT / width) + 4 + title, x_range=(0, width),
                           y_range=(0, REAL_SLOT))
        fig.axis.visible = False
        fig.grid.visible = False
        fig.min_border = 4
        mapper = LinearColorMapper(palette=hex_palette(real["palette"]), low=-0.5, high=PALETTE_SIZE - 0.5)
        for shape in self._real:
            fig.image(image="image", x="x", y="y", dw="dw", dh="dh", color_mapper=mapper,
                      source=self.source(f"real_{shape}", image=[], x=[], y=[], dw=[], dh=[]))
        self.readout("real")
        return [fig]

    def _token_strip(self):
        # The strip keeps its height on a narrow screen (rows a label tall) and only narrows; the
        # token numbers sit in a left border of fixed pixels, right-aligned against the rows.
        strip = small_figure("Tokens, one row per layer", width=620, height=175,
                             x_range=(0, STRIP_WIDTH + 0.5), y_range=(-(LAYERS - 1) * STRIP_STEP - 0.8, 1.6))
        strip.sizing_mode = "stretch_width"
        strip.min_border_left = 56
        strip.axis.visible = False
        strip.grid.visible = False
        columns = {"image": [np.full((1, 1), OUTSIDE)], "dw": [STRIP_WIDTH]}
        columns.update({f"shown_{g}": [0.0] for g in range(LAYERS)})
        row_source = self.source("strip", **columns)
        for g in range(LAYERS):
            layer_mapper = LinearColorMapper(palette=PALETTE[g * PER_LAYER:(g + 1) * PER_LAYER], low=0,
                                             high=PER_LAYER, high_color=CLEAR, nan_color=CLEAR)
            strip.image(image="image", x=0, y=-g * STRIP_STEP, dw="dw", dh=1, global_alpha=f"shown_{g}",
                        source=row_source, color_mapper=layer_mapper)
        strip.text(x=0, y="y", text="label", source=self.source("strip_labels", y=[], label=[], shown=[]),
                   text_alpha="shown", text_align="right", text_baseline="middle", text_font_size="11px",
                   text_color=MUTED, x_offset=-5, level="annotation")
        return strip

    # -- data -------------------------------------------------------------------------------------
    def data(self):
        aspect, grid = self.sim.aspect, self.sim.grid()
        out = {}
        for layout in LAYOUTS:
            out.update(self._slice_images(layout, aspect))
        out["slots"] = self._slots(aspect)
        out["cells"] = self._cell_lines(aspect)
        out["slices"] = self._slice_frames(grid, aspect)
        out["brackets"] = self._brackets(grid, aspect)
        out.update(self._strip(grid))
        out.update(self._real_data(aspect))
        return out

    def _real_data(self, aspect: str) -> dict:
        """Every shape's frames ship once; the chosen shape's sit on the canvas, the others wait off it."""
        out = {}
        for shape, images in self._real.items():
            height, width = images[0].shape
            on = shape == aspect
            x = np.array([t * (width + REAL_GAP) if on else REAL_OFF for t in range(len(images))], float)
            out[f"real_{shape}"] = {"image": images, "x": x, "y": np.full(len(images), REAL_SLOT - height, float),
                                    "dw": np.full(len(images), float(width)), "dh": np.full(len(images), float(height))}
        return out

    def _slice_images(self, layout: str, aspect: str) -> dict:
        """Each slot's image depends on the patch sizes only; `alpha` says whether it is in the clip.

        A slot's colours are those of its own layout's latent at the current patch sizes, whichever
        aspect is chosen, so they never depend on the clip length or the aspect (page weight).
        """
        n_slices = self.sim.grid().padded[0] if _layout_of(aspect) == layout else 0
        return {f"{layout}_{t}": {"image": [image], "alpha": np.array([float(t < n_slices)])}
                for t, image in enumerate(_slot_images(layout, self.sim.pt, self.sim.ps))}

    @staticmethod
    def _slots(aspect: str) -> dict:
        """Outlines of the eight slots at their largest padded size; an image has only the first."""
        layout = _layout_of(aspect)
        _, rows, cols = largest_padded(layout)
        u = _unit(layout)
        left, top = np.array([_slot(layout, t) for t in range(LAYERS)]).T
        shown = np.full(LAYERS, 0.5)
        if aspect == "image":
            shown[1:] = 0.0
        return {"x": left + u * cols / 2, "y": top - u * rows / 2, "w": np.full(LAYERS, u * cols),
                "h": np.full(LAYERS, u * rows), "shown": shown}

    def _cell_lines(self, aspect: str) -> dict:
        """Every cell border of the layout's slots, each line running across a whole row or column of slots."""
        layout = _layout_of(aspect)
        _, rows, cols = largest_padded(layout)
        u, ps = _unit(layout), self.sim.ps
        right, bottom = u * _extent(layout)[0], -u * _extent(layout)[1]
        lines = []
        for slot_row in range(LAYERS // PER_ROW):
            top = _slot(layout, slot_row * PER_ROW)[1]
            lines += [(0, top - u * k, right, top - u * k, k) for k in range(rows + 1)]
        for slot_col in range(PER_ROW):
            left = _slot(layout, slot_col)[0]
            lines += [(left + u * k, 0, left + u * k, bottom, k) for k in range(cols + 1)]
        # Every layout gets the same number of lines (a fixed-size column packs best): repeat the last.
        lines += [lines[-1]] * (_most_cell_lines() - len(lines))
        x0, y0, x1, y1, k = np.array(lines, dtype=float).T
        return {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": np.where(k % ps == 0, 2.5, 0.8)}

    @staticmethod
    def _slice_frames(grid: Grid, aspect: str) -> dict:
        layout = _layout_of(aspect)
        t_pad, h_pad, w_pad = grid.padded
        cols = {k: np.zeros(LAYERS) for k in ("x", "y", "w", "h", "px", "py", "pw", "ph", "shown", "zeros",
                                               "named", "lx", "ly")}
        u = _unit(layout)
        for t in range(LAYERS):
            left, top = _slot(layout, t)
            cols["x"][t], cols["y"][t] = left + u * grid.cols / 2, top - u * grid.rows / 2
            cols["w"][t], cols["h"][t] = u * grid.cols, u * grid.rows
            cols["px"][t], cols["py"][t] = left + u * w_pad / 2, top - u * h_pad / 2
            cols["pw"][t], cols["ph"][t] = u * w_pad, u * h_pad
            cols["shown"][t] = float(t < t_pad)
            cols["zeros"][t] = float(grid.slices <= t < t_pad)
            cols["named"][t] = float(t < grid.slices)
            cols["lx"][t], cols["ly"][t] = left, top + 0.4
        if aspect == "image":
            labels = ["the image"] + [""] * (LAYERS - 1)
        else:
            labels = [f"frames {TIME_FACTOR * t + 1}–{TIME_FACTOR * (t + 1)}" for t in range(LAYERS)]
        cols["label"] = labels
        cols["padding"] = ["zeros (padding)"] * LAYERS
        return cols

    def _brackets(self, grid: Grid, aspect: str) -> dict:
        """A bar in the layer's hue under the pt slices that make one layer of cubes."""
        layout = _layout_of(aspect)
        rows, u = largest_padded(layout)[1], _unit(layout)
        x0, x1, y, shown = (np.zeros(LAYERS) for _ in range(4))
        n_layers = grid.counts[0]
        for g in range(LAYERS):
            first = min(g * grid.pt, LAYERS - 1)
            last = min(first + grid.pt - 1, LAYERS - 1)
            x0[g] = _slot(layout, first)[0] + 0.3
            x1[g] = _slot(layout, last)[0] + u * grid.padded[2] - 0.3
            y[g] = _slot(layout, first)[1] - u * rows - 1.1
            shown[g] = float(g < n_layers)
        return {"x0": x0, "x1": x1, "y": y, "shown": shown, "colour": LAYER_COLOURS}

    @staticmethod
    def _strip(grid: Grid) -> dict:
        """One row of S = tokens-per-layer cells for each layer, stretched to the strip's width."""
        biggest = max(Grid(1, h // SPACE_FACTOR, w // SPACE_FACTOR, 1, 1).per_slice for h, w in ASPECTS.values())
        s = grid.per_slice
        within = np.arange(s)
        _, nw = grid.counts[1:]
        lighter = (within // nw + within % nw) % 2
        row = np.full((1, biggest), OUTSIDE)
        row[0, :s] = 2 * (within * SHADES // s) + lighter + 0.5
        n_layers = grid.counts[0]
        strip = {"image": [row], "dw": np.array([STRIP_WIDTH * biggest / s])}
        strip.update({f"shown_{g}": np.array([float(g < n_layers)]) for g in range(LAYERS)})
        labels = {"y": -STRIP_STEP * np.arange(LAYERS) + 0.5,
                  "label": [f"{g * s}–{(g + 1) * s - 1}" for g in range(LAYERS)],
                  "shown": (np.arange(LAYERS) < n_layers).astype(float)}
        return {"strip": strip, "strip_labels": labels}

    # -- readouts ---------------------------------------------------------------------------------
    def readouts(self):
        sim, grid = self.sim, self.sim.grid()
        frames, height, width = sim.clip()
        cells = (f"H' = {height}/{SPACE_FACTOR} = {grid.rows} rows × W' = {width}/{SPACE_FACTOR} = {grid.cols} "
                 f"columns of cells, {CHANNELS} channels each")
        if sim.aspect == "image":
            latent = (f"An image is a clip of one frame: {width} px wide × {height} px tall gives "
                      f"T' = ⌈1/{TIME_FACTOR}⌉ = 1 slice of {cells}.")
        else:
            latent = (f"{frames} frames, {width} px wide × {height} px tall → T' = {frames}/{TIME_FACTOR} = "
                      f"{grid.slices} slices, each {cells}.")
        parts = [_divide(*args) for args in zip(("T'", "H'", "W'"), (grid.slices, grid.rows, grid.cols),
                                                ("pt", "ps", "ps"), (grid.pt, grid.ps, grid.ps), grid.counts)]
        tokens = " · ".join(parts) + f" = <b>{grid.tokens:,} tokens</b>"
        if grid.padding_cells:
            t, h, w = grid.padded
            tokens += (f". Padded to {t} × {h} × {w}: {grid.padding_cells:,} of {t * h * w:,} cells "
                       f"are zeros (grey).")
        cube = (f"Each token is a cube of pt × ps × ps = {sim.pt} × {sim.ps} × {sim.ps} cells × {CHANNELS} channels "
                f"= {sim.values_per_token()} numbers; a layer of cubes holds {grid.per_slice} tokens.")
        return {"latent": latent, "tokens": tokens, "cube": cube, "real": self._real_readout(sim.aspect)}

    @staticmethod
    def _real_readout(aspect: str) -> str:
        """What our model's picture shows, with its latent and token count as the exported model states them."""
        made = trained.made()
        if aspect not in made:
            return f"Our model does not make the {aspect} shape; it makes {', '.join(made)}."
        real, i = trained.load(), made.index(aspect)
        slices, rows, cols, channels = (int(v) for v in real["latent"][i])
        width, height = (int(v) for v in real["size"][i])
        tokens, side = int(real["tokens"][i]), int(real["patch"])
        what = ("one still image" if aspect == "image" else
                f"frames {', '.join(str(f + 1) for f in trained.SHOWN)} of {trained.FRAMES}")
        layout = (f"1 slice of {rows // side} × {cols // side} patches" if slices == 1 else
                  f"{slices} slices × {rows // side} × {cols // side} patches")
        return (f"<b>Our trained model</b>, the same weights for every shape: \"{trained.PROMPT}\" as "
                f"{'an' if aspect == 'image' else 'a'} {aspect} {width} px wide × {height} px tall ({what}, seed "
                f"{trained.SEED}). Its latent is {slices} × {rows} × {cols} with {channels} channels, cut into "
                f"{side} × {side} patches one slice deep: {layout} = <b>{tokens} tokens</b>, as the exported "
                f"model's manifest gives them.")


def _divide(name: str, n: int, patch_name: str, p: int, k: int) -> str:
    """One factor of the token count, e.g. "H' = 9 / ps = 2 → ⌈4.5⌉ = 5"."""
    if n % p == 0:
        return f"{name} = {n} / {patch_name} = {p} → {k}"
    return f"{name} = {n} / {patch_name} = {p} → ⌈{n / p:g}⌉ = {k}"
