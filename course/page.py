"""Page assembly: a chapter becomes prose (plain HTML, styled by course.css and readable before any
script runs) interleaved with Panel roots (its simulations and quiz), wrapped in the course chrome.

`Page` is independent of the runtime. `Runtime` says how links and static files are addressed:
`panel serve` routes (`/flicker`) or static files (`flicker.html`). Both runtimes render the same
template with the same blocks, so what a reader sees cannot drift between them.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

import panel as pn
import param
from bokeh.core.templates import get_env
from bokeh.document import Document
from markdown_it import MarkdownIt
from panel.io.model import add_to_doc

from sims.colors import css_variables
from sims.registry import VIEWS
from sims.views.base import SimView

from .cells import CELLS
from .content import Chapter
from .mathml import render_with_math
from .pipeline import MAP_CSS, pipeline_html
from .quiz import quiz_html

TEMPLATE = get_env().from_string((Path(__file__).parent / "templates" / "page.html").read_text())
STATIC_DIR = Path(__file__).parent / "static"
ONNX_DIR = Path(__file__).resolve().parent.parent / "model" / "onnx"   # what export-onnx writes
CHAPTER_LINK = re.compile(r'href="([a-z0-9-]+)\.html(#[^"]*)?"')
EMBED_HEIGHT = 720    # px: enough for every sim's controls, figures and readouts at desktop width

_markdown = MarkdownIt("commonmark").enable("table")


def markdown(text: str) -> str:
    return render_with_math(text, _markdown.render)


@dataclass(frozen=True)
class Runtime:
    """How one runtime addresses pages and files, relative to the page being rendered."""

    link_suffix: str       # ".html" for the static site, "" for panel serve routes
    static_url: str        # where course.css / course.js live, relative to the page
    home: str              # the index page's address
    generator_url: str     # folder holding ort/, generator/ and onnx/ for the chapter-7 generator
    codecell_url: str      # folder holding pyodide/, codecell/ and the course's Python for the code cells

    def href(self, slug: str) -> str:
        return f"{slug}{self.link_suffix}"

    def embed_href(self, sim: str) -> str:
        return f"embed/{sim}{self.link_suffix}"


SERVED = Runtime(link_suffix="", static_url="assets", home="./", generator_url="generator-assets",  # /static is Panel's
                 codecell_url="codecell-assets")
STATIC = Runtime(link_suffix=".html", static_url="static", home="index.html", generator_url="static", codecell_url="static")


def _generator(runtime: Runtime, depth: int):
    from .generator import Generator

    # The chapter opens with a clip already made: the reader sees the model work before touching it.
    return Generator.for_depth(depth, runtime.generator_url, autorun=True, sizing_mode="stretch_width")


def course_map(href=lambda slug: f"{slug}.html") -> str:
    """The pipeline as links to its chapters (course/pipeline.py): plain HTML, so the pages it is on
    (the index, the glossary) need no script at all. Links are written `<slug>.html`, as in the prose;
    template_variables() addresses them for each runtime."""
    return f'<style>{MAP_CSS}</style><div class="course-map-block">{pipeline_html(href)}</div>'


def _code_cell(cell, runtime: Runtime, depth: int):
    from .codecell import CodeCell

    return CodeCell.from_cell(cell, depth, runtime.codecell_url)


# Live components are built per page, once the runtime and the page's depth are known: their asset
# addresses are relative to the page.
COMPONENTS = {"generator": _generator}


@dataclass
class Page:
    slug: str
    title: str
    description: str
    blocks: list = field(default_factory=list)    # ("html", str) or ("root", label, Viewable)
    views: list[SimView] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)   # sims offered as iframe snippets
    prev: Chapter | None = None
    next: Chapter | None = None
    bare: bool = False     # an embed page: no chrome

    def add_html(self, text: str):
        self.blocks.append(("html", text))

    def add_root(self, label: str, viewable):
        self.blocks.append(("root", label, viewable))

    def roots(self) -> list[tuple[str, object]]:
        return [(b[1], b[2]) for b in self.blocks if b[0] == "root"]


def sim_block(page: Page, sim_name: str, query: Mapping[str, str]) -> SimView:
    """Add a sim to the page, its controls first set from the URL query (bad values noted, not fatal)."""
    view_class = VIEWS[sim_name]
    sim = view_class.sim_class()
    notes = sim.apply_query(query)
    view = view_class(sim)
    page.views.append(view)
    page.add_root(f"sim-{sim_name}", view.panel(notes))
    return view


def chapter_page(chapter: Chapter, chapters: list[Chapter], query: Mapping[str, str] | None = None) -> Page:
    query = query or {}
    i = chapters.index(chapter)
    page = Page(
        slug=chapter.slug,
        title=f"{chapter.number}. {chapter.title} — Video Generation course",
        description=chapter.overview.split(".")[0][:150] + ".",
        prev=chapters[i - 1] if i > 0 else None,
        next=chapters[i + 1] if i + 1 < len(chapters) else None,
        embeds=list(chapter.sims),
    )
    page.add_html(f'<header class="intro"><p class="kicker">{html.escape(chapter.kicker or f"Chapter {chapter.number}")}</p>'
                  f'<h1>{html.escape(chapter.title)}</h1>{markdown(chapter.overview)}</header>')
    if not chapter.sims and not any(section.component for section in chapter.sections):
        page.add_html(course_map())      # a page with nothing live (the glossary): the map to the chapters
    for section in chapter.sections:
        page.add_html(f'<section class="prose"><h2>{html.escape(section.heading)}</h2>{markdown(section.markdown())}</section>')
        if section.sim:
            sim_block(page, section.sim, query)
        if section.component:
            page.add_root(section.component, COMPONENTS[section.component])
    if chapter.slug in CELLS:
        # The chapter's runnable Python (course/cells.py), in the reader's browser (course/codecell.py).
        page.add_html('<section class="prose"><h2>Try it in Python</h2></section>')
        page.add_root("codecell", functools.partial(_code_cell, CELLS[chapter.slug]))
    bullets = "".join(f"<li>{markdown(b).strip()}</li>" for b in chapter.summary)
    page.add_html(f'<section class="summary"><h2>In short</h2><ul>{bullets}</ul></section>')
    page.add_html(quiz_html(chapter.quiz, chapter.slug))
    if chapter.references:
        refs = "".join(f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a></li>' for r in chapter.references)
        page.add_html(f'<section class="references"><h2>Further reading</h2><ul>{refs}</ul></section>')
    return page


def index_page(chapters: list[Chapter], runtime: Runtime) -> Page:
    page = Page(slug="index", title="Video Generation — how Sora-style models make coherent clips from noise",
                description="An interactive course on how Sora-style models generate coherent video.")
    items = "".join(
        f'<li><a href="{runtime.href(c.slug)}"><b>{c.number}. {html.escape(c.title)}</b></a>'
        f'<div>{markdown(c.overview)}</div></li>' for c in chapters)
    page.add_html(
        '<header class="intro"><h1>Video generation, from noise to coherent clips</h1>'
        '<p>Ten short chapters, with simulations you can move, on how Sora-style models make '
        'video: why generating frame by frame flickers, how a video autoencoder squeezes space and time, '
        'how a transformer denoises a sequence of spacetime patches, and how a prompt steers it. '
        'Colours mean the same thing everywhere: <b class="c-orange">orange</b> is the per-frame, naive '
        'or raw-pixel way; <b class="c-teal">teal</b> is the spacetime, coherent or latent way. '
        'Tap a stage of the pipeline to jump to its chapter.</p>'
        '<section class="prerequisites" aria-label="Before you start"><h2>Before you start</h2>'
        '<p>You need two ideas, and that is all:</p><ul>'
        '<li>a <b>diffusion model</b> turns random noise into an image by removing a little noise at a time, '
        'over and over;</li>'
        '<li>a <b>transformer</b> works on a sequence of tokens, such as the patches of an image, and lets '
        'every token look at every other.</li></ul>'
        '<p>No other knowledge is assumed: each term is explained where it first appears, and chapter 1 '
        'recaps diffusion itself. The equations are short, and each box marked "The math" can be skipped.'
        + (f' The <a href="{runtime.href("glossary")}">glossary</a> collects every term in one place.'
           if any(c.slug == "glossary" for c in chapters) else '') + '</p>'
        '</section>'
        '</header>')
    page.add_html(course_map())
    page.add_html(f'<ol class="chapter-list" start="0">{items}</ol>')
    page.next = chapters[0]
    return page


def embed_page(sim_name: str, query: Mapping[str, str] | None = None) -> Page:
    page = Page(slug=f"embed/{sim_name}", title=f"{sim_name} — Video Generation course simulation",
                description=f"The {sim_name} simulation", bare=True)
    # Every page has a level-one heading: here a small one naming the sim (an embed has no chrome).
    page.add_html(f'<h1 class="embed-title">The {html.escape(sim_name)} simulation, from the Video Generation course</h1>')
    sim_block(page, sim_name, query or {})
    return page


def root_name(label: str) -> str:
    return f"course-{label}"


def _early_start(page: Page, runtime: Runtime, depth: int) -> dict | None:
    """URLs for the template to start the generator's worker early, on pages that have one."""
    if not any(label == "generator" for label, _ in page.roots()):
        return None
    from .generator import early_start

    return early_start(depth, runtime.generator_url)


def example_query(sim_name: str) -> str:
    """A query the embed box can suggest: the sim's first control set to a value it accepts (not its
    default), taken from the parameter's own bounds or objects."""
    sim_class = VIEWS[sim_name].sim_class
    name = sim_class.controls[0]
    p = sim_class.param[name]
    if isinstance(p, param.Selector):
        values = list(p.objects)
    else:
        lo, hi = p.bounds
        values = list(range(lo, hi + 1, p.step or 1))
    others = [v for v in values if v != p.default] or values
    return f"?{name}={quote(str(others[len(others) // 2]))}"


def template_variables(page: Page, chapters: list[Chapter], runtime: Runtime, depth: int = 0) -> dict:
    """Everything the chrome template needs. `depth` is how many folders below the site root the page is."""
    up = "../" * depth
    slugs = {c.slug for c in chapters}

    def entry(c):
        return {"slug": c.slug, "title": f"{c.number}. {c.title}", "href": up + runtime.href(c.slug)}

    def chapter_link(m):   # prose links to a chapter as `<slug>.html`; each runtime addresses it its own way
        return f'href="{up}{runtime.href(m[1])}{m[2] or ""}"' if m[1] in slugs else m[0]

    blocks = []
    for block in page.blocks:
        if block[0] == "html":
            blocks.append({"kind": "html", "html": CHAPTER_LINK.sub(chapter_link, block[1])})
        else:
            blocks.append({"kind": "root", "label": block[1], "root_name": root_name(block[1])})
    return {
        "page_title": page.title,
        "colors": css_variables(),   # one home: sims/colors.py
        "page_description": page.description,
        "static_url": up + runtime.static_url,
        "home_url": up + runtime.home,
        "toc": [entry(c) for c in chapters],
        "current": page.slug,
        "prev": entry(page.prev) if page.prev else None,
        "next": entry(page.next) if page.next else None,
        "blocks": blocks,
        "bare": page.bare,
        "generator_early": _early_start(page, runtime, depth),
        "embeds": [{"name": s, "href": up + runtime.embed_href(s), "height": EMBED_HEIGHT,
                    "example_query": example_query(s)} for s in page.embeds],
    }


def populate(doc: Document, page: Page, chapters: list[Chapter], runtime: Runtime, depth: int = 0, comm=None):
    """Put the page's roots into `doc` and attach the chrome template; returns {label: root model}."""
    placed = {}
    for label, viewable in page.roots():
        if callable(viewable) and not isinstance(viewable, pn.viewable.Viewable):
            viewable = viewable(runtime, depth)   # a live component (COMPONENTS)
        before = {root.id for root in doc.roots}
        if comm is None:
            viewable.server_doc(doc)
        else:
            add_to_doc(viewable.get_root(doc, comm), doc, True)
        # Panel may add helper roots too; the viewable's own root is the first new one. Naming it
        # lets the template place it between the prose blocks (the helpers go at the end).
        new_roots = [root for root in doc.roots if root.id not in before]
        new_roots[0].name = root_name(label)
        placed[label] = new_roots[0]
    for view in page.views:
        view.on_page(doc, placed[f"sim-{view.name}"])
    doc.title = page.title
    doc.template = TEMPLATE
    doc.template_variables.update(template_variables(page, chapters, runtime, depth))
    return placed
