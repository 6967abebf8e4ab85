"""The course map on the index page: the video-generation pipeline as a row of stages, each one a
link to the chapter that teaches it (tap or click a stage)."""
from __future__ import annotations

from bokeh.models import ColumnDataSource, OpenURL, TapTool
from bokeh.plotting import figure

from sims.colors import INK, ORANGE, TEAL

# (label, what it holds, chapter slug, colour)
STAGES = (
    ("video", "(3, F, H, W) pixels", "flicker", ORANGE),
    ("autoencoder", "squeeze space + time", "spacetime-latent", TEAL),
    ("patches", "spacetime tokens", "spacetime-patches", TEAL),
    ("DiT × steps", "denoise, attend in\nspace and time", "diffusion-transformer", TEAL),
    ("decoder", "latent → frames", "generate", TEAL),
    ("coherent clip", "", "coherence", TEAL),
)


def pipeline_figure(href) -> figure:
    """`href(slug)` gives the link for a chapter in the current runtime."""
    n = len(STAGES)
    source = ColumnDataSource(dict(
        x=[i * 1.25 for i in range(n)], label=[s[0] for s in STAGES], note=[s[1] for s in STAGES],
        url=[href(s[2]) for s in STAGES], colour=[s[3] for s in STAGES],
    ), name="course-map")
    fig = figure(height=150, sizing_mode="stretch_width", x_range=(-0.6, (n - 1) * 1.25 + 0.6),
                 y_range=(-0.75, 0.6), toolbar_location=None, tools="", name="course-map-figure")
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None
    fig.background_fill_color = None
    fig.border_fill_color = None
    fig.segment(x0=-0.0, x1=(n - 1) * 1.25, y0=0, y1=0, line_color="#c9c4b8", line_width=3)
    boxes = fig.rect("x", 0, width=1.0, height=0.55, source=source, fill_color="colour", fill_alpha=0.15,
                     line_color="colour", line_width=2)
    fig.text("x", 0, text="label", source=source, text_align="center", text_baseline="middle",
             text_font_size="13px", text_font_style="bold", text_color=INK)
    fig.text("x", -0.45, text="note", source=source, text_align="center", text_baseline="top",
             text_font_size="11px", text_color="#5f6b7a")
    fig.add_tools(TapTool(renderers=[boxes], callback=OpenURL(url="@url", same_tab=True)))
    return fig
