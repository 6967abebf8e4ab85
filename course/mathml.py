"""Math in the course's Markdown: LaTeX between $...$ (inline) or $$...$$ (display), typeset as
MathML when the page is built (latex2mathml). No script and no network; Chromium and Firefox
render MathML natively, and screen readers read it. Dollar signs inside `code` are left alone."""
from __future__ import annotations

import re
from typing import Callable

# Pandoc's rules for inline math: the opening $ is not followed by a space, the closing one is not
# preceded by a space nor followed by a digit ("costs $5 and $10" stays prose); \$ is a dollar.
MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?=\S)([^$\n]*?\S)(?<!\\)\$(?!\d)", re.S)
CODE_SPAN = re.compile(r"(`+)((?:(?!\n\s*\n).)+?)\1", re.S)    # a code span never crosses a blank line
PLACEHOLDER = re.compile(r"MATHFORMULA(\d+)Z")


def render_with_math(text: str, render: Callable[[str], str]) -> str:
    """`render` (Markdown -> HTML) applied to `text`, its formulas typeset as MathML. The formulas
    are swapped out for placeholders first, so Markdown never sees (or mangles) a `_` or `\\`."""
    from latex2mathml.converter import convert

    formulas: list[str] = []

    def typeset(match: re.Match) -> str:
        display = match.group(1) is not None
        latex = (match.group(1) if display else match.group(2)).strip()
        mathml = convert(latex, display="block" if display else "inline")
        # A wide formula scrolls inside its own box instead of widening the page on a phone.
        formulas.append(f'<span class="math-display">{mathml}</span>' if display else mathml)
        return f"MATHFORMULA{len(formulas) - 1}Z"

    pieces = CODE_SPAN.split(text)          # prose, ticks, code, prose, ticks, code, ..., prose
    out = []
    for i in range(0, len(pieces), 3):
        out.append(MATH.sub(typeset, pieces[i]).replace("\\$", "$"))
        if i + 2 < len(pieces):
            out.append(pieces[i + 1] + pieces[i + 2] + pieces[i + 1])
    return PLACEHOLDER.sub(lambda m: formulas[int(m.group(1))], render("".join(out)))
