"""The course map on the index page: the video-generation pipeline as a row of stages, each one a
link to the chapter that teaches it.

Plain HTML links in a wrapping row, not a plot: they reflow on a phone (a 320 px screen gets two or
three stages a row, never labels drawn over each other), a keyboard reaches each one, and a screen
reader reads them as a list of links.
"""
from __future__ import annotations

import html

# (label, what it holds, chapter slug, colour variable of the course's colour code)
STAGES = (
    ("video", "(3, F, H, W) pixels", "flicker", "orange"),
    ("autoencoder", "squeeze space + time", "spacetime-latent", "teal"),
    ("patches", "spacetime tokens", "spacetime-patches", "teal"),
    ("DiT × steps", "denoise, attend in space and time", "diffusion-transformer", "teal"),
    ("decoder", "latent → frames", "generate", "teal"),
    ("coherent clip", "", "coherence", "teal"),
)

# Written into the page with the map (course/page.py course_map), after course.css.
MAP_CSS = """
.course-map-block { margin: 16px 0 24px; }
.course-map { list-style: none; margin: 8px 0; padding: 0 0 0 2px; display: flex; flex-wrap: wrap; gap: 10px 22px; }
.course-map li { flex: 1 1 88px; max-width: 150px; position: relative; }
.course-map li + li::before { content: "→"; position: absolute; left: -18px; top: 10px; color: var(--muted); font-size: 15px; }
.course-map a { display: block; min-height: 44px; box-sizing: border-box; padding: 6px 8px; border: 2px solid var(--teal);
  border-radius: 6px; background: color-mix(in srgb, var(--teal) 15%, white); color: var(--ink); text-decoration: none;
  font: 700 13px/1.3 system-ui, sans-serif; text-align: center; }
.course-map .orange a { border-color: var(--orange); background: color-mix(in srgb, var(--orange) 15%, white); }
.course-map a:hover { text-decoration: underline; }
.course-map a:focus-visible { outline: 3px solid var(--focus-ring, #107b71); outline-offset: 2px; }
.course-map .note { display: block; font-weight: 400; font-size: 11px; color: #4f5a67; margin-top: 2px; }
"""


def pipeline_html(href) -> str:
    """`href(slug)` gives the link for a chapter in the current runtime."""
    items = "".join(
        f'<li class="{colour}"><a href="{html.escape(href(slug))}">{html.escape(label)}'
        + (f'<span class="note">{html.escape(note)}</span>' if note else "") + "</a></li>"
        for label, note, slug, colour in STAGES)
    return f'<ol class="course-map" aria-label="The pipeline, stage by stage">{items}</ol>'
