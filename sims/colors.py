"""The course's colour code, used by every sim and legend (course-brief.md).

orange = per-frame / naive / raw-pixel; teal = spacetime / coherent / latent.
"""
ORANGE = "#e8772e"
TEAL = "#13968a"
INK = "#1f2933"
MUTED = "#7b8794"
