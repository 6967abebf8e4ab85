"""The course's colour code, used by every sim and legend (course-brief.md), and handed from here to
the page's CSS (course/page.py writes them as CSS variables) and to the generator's JS.

orange = per-frame / naive / raw-pixel; teal = spacetime / coherent / latent.
"""
ORANGE = "#e8772e"
TEAL = "#13968a"
INK = "#1f2933"
MUTED = "#7b8794"
# The same hues, darkened until text in them reads at 4.5:1 or more (WCAG AA) on white and on the
# page's #fbfaf7: the marks above are 2.8:1 (orange) and 3.5:1 (teal), too light for words.
# Measured: ORANGE_TEXT 4.87:1 on the page, 5.08:1 on white; TEAL_TEXT 4.91:1 and 5.13:1.
ORANGE_TEXT = "#b35214"
TEAL_TEXT = "#107b71"


def text_shade(colour: str) -> str:
    """The shade to write words in for a colour of the code: ORANGE -> ORANGE_TEXT, TEAL -> TEAL_TEXT."""
    return {ORANGE: ORANGE_TEXT, TEAL: TEAL_TEXT}.get(colour, colour)


def css_variables() -> dict[str, str]:
    """{"orange": ..., "teal": ..., ...}: the names CSS reads as var(--orange), var(--teal-text), ..."""
    return {"orange": ORANGE, "teal": TEAL, "ink": INK, "muted": MUTED, "orange-text": ORANGE_TEXT,
            "teal-text": TEAL_TEXT}
