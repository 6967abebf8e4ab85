"""The glossary is one click away: in every chapter, the first use of each glossary term links to
its entry (glossary.html#anchor). "First use" is counted over the chapter's section bodies, top to
bottom: the prose a reader meets first. The overview (also shown on the index), the summary, the
quiz and the measured paragraphs (computed from model data at build time) are not counted.
Code, math, figures and other HTML are not prose, so a word there is no use."""
from __future__ import annotations

import re

import pytest

from course.chapters import c10_glossary as glossary
from course.toc import load_chapters

CHAPTERS = [c for c in load_chapters() if c.slug != glossary.CHAPTER.slug]
LINK = re.compile(r"\[([^\]]*)\]\(glossary\.html#([\w-]+)\)")
NOT_PROSE = [
    re.compile(r"^```.*?^```", re.S | re.M),          # fenced code
    re.compile(r"<figure.*?</figure>", re.S),         # a figure: its SVG labels and caption
    re.compile(r"<[^>]+>"),                           # any other tag
    re.compile(r"\$\$.*?\$\$", re.S),                 # display math
    re.compile(r"(?<!\\)\$[^$\n]+?\$"),               # inline math
    re.compile(r"`[^`\n]*`"),                         # code
    re.compile(r"\]\([^)]*\)"),                       # a link's address
]


def prose(chapter) -> str:
    return "\n\n".join(section.body for section in chapter.sections)


def blank_non_prose(text: str) -> str:
    """The text with code, math and HTML replaced by spaces, so positions still line up."""
    for pattern in NOT_PROSE:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def first_uses(text: str) -> dict[str, tuple[int, str, str | None]]:
    """anchor -> (position, the words used, the glossary anchor a link around them points to, or None)."""
    links = [(m.start(1), m.end(1), m.group(2)) for m in LINK.finditer(text)]
    plain = blank_non_prose(text)
    found = {}
    for anchor, pattern in glossary.USES.items():
        for m in re.finditer(pattern, plain, flags=re.I):
            around = next((a for start, end, a in links if start <= m.start() and m.end() <= end), None)
            found[anchor] = (m.start(), m.group(0), around)
            break
    return found


def unlinked_first_uses(text: str) -> list[str]:
    return [f"{anchor}: {words!r} near {text[max(0, at - 50):at + 30]!r}"
            for anchor, (at, words, around) in sorted(first_uses(text).items(), key=lambda kv: kv[1][0])
            if around != anchor]


def glossary_anchors() -> set[str]:
    body = "".join(section.body for section in glossary.CHAPTER.sections)
    return set(re.findall(r'<span id="([\w-]+)"></span>', body))


def test_every_glossary_entry_says_what_counts_as_its_use():
    assert set(glossary.USES) == glossary_anchors()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_first_use_of_each_term_links_to_the_glossary(chapter):
    assert not unlinked_first_uses(prose(chapter))


def test_an_unlinked_first_use_is_caught_and_later_ones_are_free():
    assert unlinked_first_uses("The softmax turns scores into weights; a [softmax](glossary.html#softmax) again.")
    assert not unlinked_first_uses("The [softmax](glossary.html#softmax) turns scores into weights; softmax again.")
    assert not unlinked_first_uses("Code is no use: `softmax(s)`, nor math, $\\mathrm{softmax}$.")
    assert not unlinked_first_uses("[classifier-free guidance](glossary.html#cfg) and [tokens](glossary.html#token)")
    assert unlinked_first_uses("A [token](glossary.html#cfg) linked to the wrong entry.")
