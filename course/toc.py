"""The one table of contents. `make serve` and `make build-site` both read it; nothing depends on
file-system order. Each entry names a module in course/chapters/ exposing CHAPTER."""
from __future__ import annotations

import importlib
import re
from typing import Iterable

from .content import Chapter

TOC = (
    "c00_flicker",
    "c01_diffusion",
    "c02_latent",
    "c03_patches",
    "c04_transformer",
    "c05_coherence",
    "c06_guidance",
    "c07_showcase",
    "c08_scale",
    "c09_recap",
    "c10_glossary",
)


class CourseError(Exception):
    """The course's content does not hold together; the message names what is wrong."""


def load_chapters(toc: Iterable[str] = TOC) -> list[Chapter]:
    """Import every chapter named in the table of contents, failing with the names of missing ones."""
    chapters, missing = [], []
    for module_name in toc:
        try:
            module = importlib.import_module(f"course.chapters.{module_name}")
        except ModuleNotFoundError as err:
            if err.name != f"course.chapters.{module_name}":
                raise                      # the chapter exists but imports something missing
            missing.append(module_name)
            continue
        chapter = getattr(module, "CHAPTER", None)
        if not isinstance(chapter, Chapter):
            raise CourseError(f"course/chapters/{module_name}.py defines no CHAPTER = Chapter(...)")
        chapters.append(chapter)
    if missing:
        raise CourseError("the table of contents names chapters that do not exist: "
                          + ", ".join(f"course/chapters/{m}.py" for m in missing))
    return chapters


COMPONENT_NAMES = ("generator",)   # live components course.page knows how to build


def check_course(chapters: list[Chapter], sim_names: Iterable[str]) -> None:
    """Fail loudly on anything that would make a broken site: unknown or unused sims, bad numbering."""
    known = set(sim_names)
    problems = []
    slugs = [c.slug for c in chapters]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.append(f"two chapters share the slug {slug!r}")
    anchors = {c.slug: "".join(section.body for section in c.sections) for c in chapters}
    for position, chapter in enumerate(chapters):
        if chapter.number != position:
            problems.append(f"chapter {chapter.slug!r} is number {chapter.number} but sits at position {position} of the table of contents")
        for sim in chapter.sims:
            if sim not in known:
                problems.append(f"chapter {chapter.slug!r} uses the sim {sim!r}, which does not exist")
        for section in chapter.sections:
            for target, anchor in re.findall(r"\]\(([a-z0-9-]+)\.html(?:#([\w-]+))?\)", section.body):
                if target not in slugs:
                    problems.append(f"chapter {chapter.slug!r} links to {target}.html, which is no chapter")
                elif anchor and f'id="{anchor}"' not in anchors[target]:
                    problems.append(f"chapter {chapter.slug!r} links to {target}.html#{anchor}, which has no such anchor")
            if section.component is not None and section.component not in COMPONENT_NAMES:
                problems.append(f"chapter {chapter.slug!r} uses the component {section.component!r}, which does not exist")
    used = {sim for chapter in chapters for sim in chapter.sims}
    for sim in sorted(known - used):
        problems.append(f"the sim {sim!r} is not used by any chapter in the table of contents")
    if problems:
        raise CourseError("; ".join(problems))
