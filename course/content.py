"""The shape of a chapter: plain dataclasses that every chapter module fills in.

A chapter is one Python module in `course/chapters/` exposing `CHAPTER`. Prose is Markdown; a
section may name the simulation it is paired with. Nothing here imports Panel, so the content can be
validated (and tested) without building a page.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Section:
    heading: str
    body: str                 # Markdown
    sim: str | None = None    # name of the simulation shown right after this section's prose
    component: str | None = None  # a live component instead (course.page.COMPONENTS), e.g. "generator"
    # Markdown quoting what the trained model did (sims/model_data), from a function called when the
    # page is built: importing a chapter, and checking the course, does no model work. Shown after body.
    measured: Callable[[], str] | None = None

    def markdown(self) -> str:
        """The section's whole prose: body, then the measured part."""
        return self.body + (self.measured() if self.measured is not None else "")


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str                  # one or two sentences: why this answer is right or wrong


@dataclass(frozen=True)
class Quiz:
    """One question. Write the choices in any order: the page shows them in `shown()` order, a
    shuffle seeded by the question's text, so a page is the same on every build."""

    question: str             # Markdown
    choices: tuple[Choice, ...]
    compute: bool = False     # the reader must work out a number from the chapter's figures

    def __post_init__(self):
        n_correct = sum(c.correct for c in self.choices)
        if n_correct != 1:
            raise ValueError(f"quiz {self.question!r} must have exactly one correct choice, has {n_correct}")
        if len(self.choices) < 2:
            raise ValueError(f"quiz {self.question!r} needs at least two choices")

    def shown(self) -> tuple[Choice, ...]:
        """The choices in the order the page shows them."""
        order = list(self.choices)
        random.Random(self.question).shuffle(order)
        return tuple(order)


def details(summary: str, body: str, kind: str = "aside") -> str:
    """A box closed by default, as Markdown: `<details>` works with no script running. `kind` is a
    CSS class: "reveal" for the answer to a prediction, "aside" for measured results, math and side
    details that the main path can do without."""
    return f'\n<details class="{kind}"><summary>{summary}</summary>\n\n{body.strip()}\n\n</details>\n'


def predict(prompt: str, answer: str) -> str:
    """A prediction the reader makes before the answer is shown: the prompt stays in view, the
    answer waits in a closed box."""
    return f"\n{prompt.strip()}\n" + details("Check your prediction", answer, kind="reveal")


def model_did(body: str) -> str:
    return details("What our model did", body)


def the_math(body: str) -> str:
    return details("The math", body)


def going_further(body: str) -> str:
    return details("Going further", body)


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
    quiz: tuple[Quiz, ...]    # 3-5 questions, at least one a calculation
    references: tuple[Reference, ...] = field(default_factory=tuple)
    kicker: str = ""          # the line above the title; "" means "Chapter <number>"

    @property
    def sims(self) -> tuple[str, ...]:
        return tuple(s.sim for s in self.sections if s.sim)
