"""The course's colour code, used by every sim and legend (course-brief.md), and handed from here to
the page's CSS (course/page.py writes them as CSS variables) and to the generator's JS.

orange = per-frame / naive / raw-pixel; teal = spacetime / coherent / latent.
"""
ORANGE = "#e8772e"
TEAL = "#13968a"
INK = "#1f2933"
MUTED = "#7b8794"


def css_variables() -> dict[str, str]:
    """{"orange": ..., "teal": ..., ...}: the names CSS reads as var(--orange), var(--teal), ..."""
    return {"orange": ORANGE, "teal": TEAL, "ink": INK, "muted": MUTED}
