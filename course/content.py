"""The shape of a chapter: plain dataclasses that every chapter module fills in.

A chapter is one Python module in `course/chapters/` exposing `CHAPTER`. Prose is Markdown; a
section may name the simulation it is paired with. Nothing here imports Panel, so the content can be
validated (and tested) without building a page.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    heading: str
    body: str                 # Markdown
    sim: str | None = None    # name of the simulation shown right after this section's prose
    component: str | None = None  # a live component instead (course.page.COMPONENTS), e.g. "generator"


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str                  # one or two sentences: why this answer is right or wrong


@dataclass(frozen=True)
class Quiz:
    question: str
    choices: tuple[Choice, ...]

    def __post_init__(self):
        n_correct = sum(c.correct for c in self.choices)
        if n_correct != 1:
            raise ValueError(f"quiz {self.question!r} must have exactly one correct choice, has {n_correct}")
        if len(self.choices) < 2:
            raise ValueError(f"quiz {self.question!r} needs at least two choices")


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str                 # URL name: the page is `<slug>.html` in the static site
    title: str
    overview: str             # Markdown, one short paragraph
    sections: tuple[Section, ...]
    summary: tuple[str, ...]  # bullet points, Markdown allowed
    quiz: Quiz
    references: tuple[Reference, ...] = field(default_factory=tuple)

    @property
    def sims(self) -> tuple[str, ...]:
        return tuple(s.sim for s in self.sections if s.sim)
