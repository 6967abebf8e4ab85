"""View of sims.recap: the pipeline as a row of stages (tap one, or use the buttons), the shape at the
chosen stage, and the piece/role table with that stage's row highlighted."""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.core.properties import field
from bokeh.layouts import column
from bokeh.models import Arrow, CustomJS, NormalHead, TapTool

from ..colors import INK, MUTED, ORANGE, TEAL
from ..model_data import recap as trained
from ..recap import BLOCKS, GUIDED_BATCH, HEADS, STAGES, STEPS, TEXT_TOKENS, Recap, fmt, values
from .base import SimView, small_figure

# Where each stage's box sits in the diagram: the main line left to right, the text encoder below,
# feeding the DiT, and the sampler looping back to the latent.
STEP_X = 1.3
POSITION = {"video": (0, 0), "encoder": (1, 0), "latent": (2, 0), "patchify": (3, 0), "DiT": (4, 0),
            "sampler": (5, 0), "decoder": (6, 0), "text": (3, -1.05)}
COLOUR = {"video": ORANGE, "text": MUTED}           # raw pixels orange, prompt grey, the rest latent teal
NOTE = {"video": "training input", "encoder": "training only", "latent": "x₀ + noise, or noise",
        "patchify": "1×2×2 cubes", "DiT": "", "sampler": "generation only", "decoder": "generation only",
        "text": "prompt"}

# (piece, its job) for the table; the shapes come from the sim.
ROLE = {
    "video": ("Video clip", "what training learns from, and what generation makes"),
    "encoder": ("Encoder", "squeeze time 4x and each side 4x, into 8 channels"),
    "latent": ("Noisy latent", "training mixes in noise at level t; generation starts from pure noise"),
    "text": ("Text encoder", f"prompt → {TEXT_TOKENS} token ids → {TEXT_TOKENS} vectors"),
    "patchify": ("Patchify + embed", "cut 1×2×2 cubes, one token each, tagged with its position"),
    "DiT": (f"DiT, {BLOCKS} blocks", "attend across space and time, read the prompt, predict velocity"),
    "sampler": ("Sampler", f"{STEPS} Euler steps from t = 1 to 0, each guided (batch of 2)"),
    "decoder": ("Decoder", "back to frames at full size and frame rate"),
}

# What each stage does, where it runs. The numbers for the chosen clip are in the figure and table.
EXPLAIN = {
    "video": "The clip itself: 3 colour channels per pixel, for every frame. Training reads real clips; "
             "generation ends with one.",
    "encoder": "The autoencoder's encoder merges 4 frames into one latent slice and 4 × 4 pixels into one "
               "cell with 8 channels. It runs in training only: generation never sees a real clip.",
    "latent": "The latent the denoiser works on. In training it is a real clip's latent mixed with noise, "
              "x_t = (1 − t)·x₀ + t·ε; in generation it starts as pure noise ε, drawn at this shape.",
    "text": "The prompt's words become token ids, padded to 10, and a small transformer turns them into "
            "10 vectors of width 128. Every DiT block reads them through cross-attention.",
    "patchify": "The latent is cut into 1 × 2 × 2 cubes of 8 channels: 32 numbers each. A linear layer maps "
                "each cube to one token of width 128, and a 3-D position encoding says where and when it sits.",
    "DiT": "Six blocks, each: self-attention over all tokens (space and time), cross-attention to the 10 "
           "prompt vectors, and an MLP, all modulated by the noise level t (adaLN). A final layer maps each "
           "token back to 32 numbers; un-patchifying reassembles them into a velocity shaped like the latent.",
    "sampler": "Generation repeats the DiT: 20 Euler steps from t = 1 (noise) to t = 0 (clean). Each step "
               "runs the prompt and the null prompt as one batch of 2 and mixes them, "
               "v = v_uncond + w·(v_cond − v_uncond), then steps the latent towards t = 0: x ← x − Δt·v.",
    "decoder": "The decoder undoes the encoder's squeeze: each latent slice becomes 4 frames and each cell "
               "4 × 4 pixels. It runs once, at the end of generation.",
}

# Bokeh hands CustomJS a plain object; the stage buttons are found by their labels, so a tap works
# under `panel serve` (Panel syncs the change to Python) and in the static site (the state replay
# listens to the same property).
TAP_JS = """
const i = source.selected.indices[0];
if (i === undefined) { return; }
source.selected.indices = [];
for (const model of source.document.all_models) {
  if (model.labels !== undefined && model.active !== undefined && model.labels.join("|") === labels) {
    model.active = i;
  }
}
"""

WRAP_BUTTONS_CSS = ".bk-btn-group { flex-wrap: wrap; } .bk-btn-group > .bk-btn { flex: 1 0 auto; }"
TABLE_ROW, TABLE_COLUMNS = 24, (8, 140, 520)        # px: row height, left edge of each column


def _made_note(clip) -> str:
    """Whether the course's model makes this frame size (its manifest), for a shape without a ✓."""
    from model import manifest

    made = {tuple(size) for shape, size in manifest.load().shapes.items() if shape != "image"}
    sizes = ", ".join(f"{w} × {h}" for w, h in sorted(made, key=lambda s: s[0] * 1000 + s[1]))
    if (clip.width, clip.height) in made:
        return (f"The course's model makes {clip.width} × {clip.height} frames too (width × height); the ✓ "
                "covers square clips, read from the exported model.")
    return f"The course's model makes {sizes} frames (width × height); these shapes follow its rules."


class RecapView(SimView):
    name = "recap"
    sim_class = Recap

    def build(self):
        figures = [self._diagram(), self._table()]
        self.readout("stage", "numbers")
        return figures

    def _diagram(self):
        fig = small_figure("The pipeline (tap a stage)", width=720, height=245,
                           x_range=(-0.7, 6 * STEP_X + 0.7), y_range=(-1.45, 1.3))
        fig.axis.visible = False
        fig.grid.visible = False
        xs = [POSITION[s][0] * STEP_X for s in STAGES]
        ys = [POSITION[s][1] for s in STAGES]
        colours = [COLOUR.get(s, TEAL) for s in STAGES]
        main_line = sorted((s for s in STAGES if POSITION[s][1] == 0), key=lambda s: POSITION[s][0])
        for a, b in zip(main_line, main_line[1:]):
            self._arrow(fig, POSITION[a][0] * STEP_X + 0.5, 0, POSITION[b][0] * STEP_X - 0.5, 0)
        self._arrow(fig, 3 * STEP_X + 0.52, -0.95, 4 * STEP_X - 0.35, -0.25)         # text -> DiT
        # Sampler back to latent, leaving and joining the main line between boxes (clear of labels).
        loop_y = 0.78
        fig.line([5.5 * STEP_X, 5.5 * STEP_X, 1.5 * STEP_X, 1.5 * STEP_X], [0, loop_y, loop_y, 0.12], color=MUTED,
                 line_width=1.5, line_dash="dashed")
        self._arrow(fig, 1.5 * STEP_X, 0.12, 1.5 * STEP_X, 0.02)
        fig.text([3.5 * STEP_X], [loop_y + 0.04], text=[f"generation: repeat for {STEPS} steps"], text_align="center",
                 text_baseline="bottom", text_font_size="11px", text_color=MUTED)

        boxes = self.source("boxes", x=np.array(xs, float), y=np.array(ys, float), fill=np.zeros(len(STAGES)),
                            line=np.ones(len(STAGES)), colour=colours, label=list(STAGES),
                            note=[NOTE[s] for s in STAGES], shape=[""] * len(STAGES))
        box_renderer = fig.rect("x", "y", width=1.04, height=0.46, source=boxes, fill_color="colour",
                                fill_alpha="fill", line_color="colour", line_width="line")
        box_renderer.nonselection_glyph = None
        box_renderer.selection_glyph = None
        fig.text("x", "y", text="label", source=boxes, text_align="center", text_baseline="middle",
                 text_font_size="13px", text_font_style="bold", text_color=INK)
        fig.text("x", "y", text="note", source=boxes, y_offset=20, text_align="center", text_baseline="top",
                 text_font_size="10px", text_color=MUTED)
        fig.text("x", "y", text="shape", source=boxes, y_offset=-20, text_align="center",
                 text_baseline="bottom", text_font_size="11px", text_color=INK)
        fig.text(x=-0.55, y=1.28, text="text", source=self.source("focus", text=[""]), text_baseline="top",
                 text_font_size="15px", text_font_style="bold", text_color=INK)
        boxes.selected.js_on_change("indices", CustomJS(args={"source": boxes, "labels": "|".join(STAGES)},
                                                        code=TAP_JS))
        fig.add_tools(TapTool(renderers=[box_renderer]))
        return fig

    @staticmethod
    def _arrow(fig, x0, y0, x1, y1, colour=MUTED):
        fig.add_layout(Arrow(end=NormalHead(size=8, fill_color=colour, line_color=colour), x_start=x0, y_start=y0,
                             x_end=x1, y_end=y1, line_color=colour, line_width=1.5))

    def _table(self):
        n = len(STAGES)
        height = TABLE_ROW * (n + 1) + 40
        fig = small_figure("Each piece, its job, its shapes", width=720, height=height,
                           x_range=(0, 720), y_range=(-TABLE_ROW * (n + 0.5), TABLE_ROW * 0.8))
        fig.axis.visible = False
        fig.grid.visible = False
        fig.rect(x=360, y="y", width=716, height=TABLE_ROW - 2, source=self.source("highlight", y=[0.0]),
                 fill_color=TEAL, fill_alpha=0.16, line_color=TEAL)
        for x, title in zip(TABLE_COLUMNS, ("piece", "its job", "shape in → out (✓ measured)")):
            fig.text([x], [0], text=[title], text_baseline="middle", text_font_size="12px", text_color=MUTED,
                     text_font_style="italic")
        y = -TABLE_ROW * np.arange(1, n + 1, dtype=float)
        rows = self.source("rows", y=y, piece=[ROLE[s][0] for s in STAGES], job=[ROLE[s][1] for s in STAGES],
                           shapes=[""] * n, weight=["normal"] * n)
        for x, col in zip(TABLE_COLUMNS, ("piece", "job", "shapes")):
            fig.text(x, "y", text=col, source=rows, text_baseline="middle", text_font_size="12px",
                     text_color=INK, text_font_style=field("weight") if col != "job" else "normal")
        return fig

    def widgets(self):
        """The eight stage buttons wrap onto a second line on a narrow (phone) screen."""
        made = super().widgets()
        made["stage"].stylesheets = [WRAP_BUTTONS_CSS]
        return made

    def _responsive(self, fig):
        """These figures are mostly text, which cannot shrink: on a narrow screen they keep their size
        and scroll sideways inside their own box instead of scaling down into an unreadable tangle."""
        fig.sizing_mode = "fixed"
        box = column(fig, sizing_mode="stretch_width", styles={"overflow-x": "auto", "overflow-y": "hidden"})
        return pn.pane.Bokeh(box, sizing_mode="stretch_width", min_width=240, max_width=fig.width)

    # -- data ---------------------------------------------------------------------------------------
    def data(self):
        clip, stage = self.sim.clip(), self.sim.stage
        chosen = np.array([s == stage for s in STAGES])
        shape_in, shape_out = self.sim.shapes()
        focus = f"{stage}: {fmt(shape_in)} → {fmt(shape_out)}" if shape_in else f"{stage}: {fmt(shape_out)}"
        focus += f"   ({_count(shape_in)}{values(shape_out):,} numbers)"
        both = [clip.stage_shapes(s) for s in STAGES]
        measured = trained.stage_shapes(clip.frames, clip.height, clip.width) or {}
        return {
            "boxes": {"x": np.array([POSITION[s][0] * STEP_X for s in STAGES], float),
                      "y": np.array([POSITION[s][1] for s in STAGES], float),
                      "fill": np.where(chosen, 0.5, 0.1), "line": np.where(chosen, 3.0, 1.2),
                      "colour": [COLOUR.get(s, TEAL) for s in STAGES], "label": list(STAGES),
                      "note": [NOTE[s] for s in STAGES], "shape": [fmt(out) for _, out in both]},
            "focus": {"text": [focus]},
            "highlight": {"y": np.array([-TABLE_ROW * (STAGES.index(stage) + 1)], float)},
            "rows": {"y": -TABLE_ROW * np.arange(1, len(STAGES) + 1, dtype=float),
                     "piece": [ROLE[s][0] for s in STAGES], "job": [ROLE[s][1] for s in STAGES],
                     "shapes": [_shapes(s, io, measured) for s, io in zip(STAGES, both)],
                     "weight": ["bold" if c else "normal" for c in chosen]},
        }

    def readouts(self):
        clip = self.sim.clip()
        n, video, latent = clip.tokens, values(clip.video), values(clip.latent)
        numbers = (f"{clip.frames} frames of {clip.height} × {clip.width} px (height × width): the clip is {video:,} numbers, the latent "
                   f"{latent:,} ({video / latent:g}× fewer), cut into {n:,} tokens of {clip.values_per_token} numbers. "
                   f"Each self-attention compares {n:,} × {n:,} = {n * n:,} pairs per head ({HEADS} heads, "
                   f"{BLOCKS} blocks); a guided clip takes {STEPS} steps × {GUIDED_BATCH} = "
                   f"{STEPS * GUIDED_BATCH} passes through the DiT.")
        m = trained.shapes().get(clip.frames)
        if (clip.height, clip.width) != (32, 32) or m is None:
            numbers += f" ({_made_note(clip)})"
        else:
            numbers += (f" ✓ Read from the exported model, run on noise with onnxruntime: velocity {fmt(m['velocity'])}, "
                        f"{m['blocks']} self-attention maps of {m['heads']} heads × {m['tokens'][0]} × {m['tokens'][0]}, "
                        f"prompt {fmt(m['text'])}, decoded clip {fmt(m['video'])} (batch dimension left out). "
                        "The encoder is not exported: generation never runs it.")
        return {"stage": f"<b>{self.sim.stage}.</b> {EXPLAIN[self.sim.stage]}", "numbers": numbers}


def _count(shape) -> str:
    return "" if shape is None else f"{values(shape):,} → "


def _shapes(stage: str, rule, measured: dict) -> str:
    """A table cell: shape in → out by the rules, ✓ where the exported model gave exactly that."""
    i, o = rule
    text = f"{fmt(i)} → {fmt(o)}" if i else fmt(o)
    if stage not in measured:
        return text
    return text + " ✓" if measured[stage] == rule else text + f"  (model: {fmt(measured[stage][1])})"
