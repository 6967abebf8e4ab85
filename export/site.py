"""`make build-site`: the course as a static folder any web host can serve.

Reads and validates everything first (table of contents, sims, every state table, every resource a
page refers to), then writes `site/` in one go: a failed build leaves the previous site untouched.
No page refers to anything outside the folder: Bokeh and Panel's JS/CSS are copied from the
installed packages into `site/static/`, and each sim's states are embedded in its page.

    python -m export.site [--out site]
"""
from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bokeh
import panel as pn
from bokeh.core.templates import FILE, MACROS
from bokeh.document import Document
from bokeh.models import Plot
from bokeh.resources import Resources
from panel.io.save import save
from panel.models.esm import ReactiveESM
from pyviz_comms import Comm

from course.page import ONNX_DIR, STATIC, STATIC_DIR, Page, chapter_page, embed_page, index_page, populate
from course.toc import TOC, CourseError, check_course, load_chapters
from model import manifest
from sims.registry import VIEWS

from .lazy import defer_sims
from .sim_states import StateTable, attach, state_table

PAGE_BUDGET = 500_000          # bytes of HTML per page (the bar)
# Bokeh's bundles as its CDN names them (localise() points them at static/), less bokeh-gl: it draws
# only figures with output_backend="webgl", which no sim uses (render() checks), and would cost a
# phone 194 kB of script to parse. Panel leaves out bokeh-mathjax where no model can show TeX.
RESOURCES = Resources(mode="cdn", components=["bokeh", "bokeh-widgets", "bokeh-tables", "bokeh-mathjax"])
BOKEH_JS = Path(bokeh.__file__).parent / "server" / "static" / "js"
PANEL_DIST = Path(pn.__file__).parent / "dist"
# CDN prefix -> (folder under site/static, local source folder)
CDN_MIRRORS = {
    "https://cdn.bokeh.org/bokeh/release/": ("bokeh", BOKEH_JS),
    f"https://cdn.holoviz.org/panel/{pn.__version__}/dist/": ("panel", PANEL_DIST),
}
CDN_URL = re.compile("(" + "|".join(re.escape(p) for p in CDN_MIRRORS) + r")([^\"'\s)?#]+)(\?[^\"'\s)#]*)?")
CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:|https?:|#)([^'\")]+)['\"]?\s*\)")
# A tag that would make the browser fetch something from another host (links for the reader to
# follow, <a href>, are fine).
REMOTE_SRC = re.compile(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+["']""")


@dataclass
class BuiltPage:
    path: str                  # relative to the site root
    html: str
    resources: set[str] = field(default_factory=set)   # files under static/ it needs


def localise(html: str, depth: int, needed: set[str]) -> str:
    """Point every CDN URL at our copy under static/, recording which files are needed."""
    up = "../" * depth

    def swap(match: re.Match) -> str:
        folder, _source = CDN_MIRRORS[match.group(1)]
        # The CDN versions Bokeh's file names (bokeh-3.9.2.min.js); the package does not.
        rel = f"{folder}/{match.group(2).replace('-' + bokeh.__version__, '')}"
        needed.add(rel)
        return f"{up}static/{rel}"

    return CDN_URL.sub(swap, html)


def render(page: Page, chapters, tables: dict[str, StateTable], depth: int) -> BuiltPage:
    doc = Document()
    placed = populate(doc, page, chapters, STATIC, depth=depth, comm=Comm())
    for view in page.views:
        attach(view, placed[f"sim-{view.name}"], view.control_widgets, tables[view.name], doc)
    needed: set[str] = set()
    html = localise(_page_html(doc, page.title), depth, needed)
    if doc.roots:
        esm = any(isinstance(m, ReactiveESM) for m in doc.models)
        html = defer_sims(html, "../" * depth + STATIC.static_url, esm=esm, on_reach=page.slug.startswith("embed/"))
    path = f"{page.slug}.html"
    remote = [m.group(0) for m in REMOTE_SRC.finditer(html)]
    if remote:
        raise CourseError(f"{path} would load from outside the site: {remote[:3]}")
    return BuiltPage(path, html, needed)


def _page_html(doc: Document, title: str) -> str:
    """The page as Bokeh's standalone HTML writes it; a page with nothing live (no root) is the
    template alone, with none of Bokeh's scripts."""
    if not doc.roots:
        return doc.template.render(base=FILE, macros=MACROS, title=title, docs=[], plot_script="",
                                   **doc.template_variables)
    webgl = [m.name or m.id for m in doc.models if isinstance(m, Plot) and m.output_backend == "webgl"]
    if webgl:
        raise CourseError(f"{title}: {webgl[:3]} draw with WebGL; add bokeh-gl to export/site.py RESOURCES")
    buffer = io.StringIO()
    save(doc, buffer, title=title, resources=RESOURCES, template=doc.template, template_variables=doc.template_variables)
    return buffer.getvalue()


def collect_static(needed: set[str]) -> dict[str, Path]:
    """Map every file under static/ the pages need to its installed source, following CSS url()s."""
    sources = {folder: root for folder, root in CDN_MIRRORS.values()}
    files, queue = {}, sorted(needed)
    while queue:
        rel = queue.pop()
        if rel in files:
            continue
        folder, inner = rel.split("/", 1)
        source = sources[folder] / inner
        if not source.is_file():
            raise CourseError(f"a page needs static/{rel}, but {source} does not exist in the installed package")
        files[rel] = source
        if source.suffix == ".css":
            for ref in CSS_URL.findall(source.read_text(errors="replace")):
                target = (Path(rel).parent / ref.split("?")[0].split("#")[0]).as_posix()
                queue.append(_normalise(target))
    return files


def _normalise(path: str) -> str:
    parts = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def generator_files() -> dict[str, Path]:
    """{path under static/: source} for the chapter-7 generator (course/generator.py GeneratorAssets):
    onnxruntime-web and gifenc from node_modules, our ESM files, and the exported model. Anything
    missing fails the build with what to run."""
    from course.generator import GeneratorAssets

    from .vendor import VendorError

    try:
        files = GeneratorAssets(ONNX_DIR).files()
    except VendorError as err:
        raise CourseError(f"the chapter-7 generator needs its npm packages: {err}") from None
    except manifest.ManifestMissing as err:
        raise CourseError(str(err)) from None
    missing = [rel for rel, path in files.items() if not path.is_file()]
    if missing:
        raise CourseError(f"model/onnx lacks {', '.join(m.split('/', 1)[1] for m in missing)}: run `make export-onnx`")
    return files


def codecell_files() -> dict[str, Path]:
    """{path under static/: source} for the chapters' code cells (course/codecell.py CodeCellAssets):
    Pyodide and CodeMirror from node_modules, our ESM files, the course's Python the cells import,
    and Pyodide's start-up snapshot (made once with Node and cached in .cache/)."""
    from course.codecell import CodeCellAssets

    from .vendor import VendorError

    try:
        return CodeCellAssets().files()
    except VendorError as err:
        raise CourseError(f"the code cells need their npm packages: {err}") from None


def build(out: Path, toc=None, log=print) -> dict:
    started = time.perf_counter()
    chapters = load_chapters(TOC if toc is None else toc)
    check_course(chapters, VIEWS)
    log(f"validated {len(chapters)} chapters and {len(VIEWS)} sims")

    generator = generator_files() if any(s.component == "generator" for c in chapters for s in c.sections) else {}
    if generator:
        log(f"  generator: {len(generator)} files ({sum(p.stat().st_size for p in generator.values()) / 1e6:.1f} MB)")
    from course.cells import CELLS

    cells = codecell_files() if any(c.slug in CELLS for c in chapters) else {}
    if cells:
        log(f"  code cells: {len(cells)} files ({sum(p.stat().st_size for p in cells.values()) / 1e6:.1f} MB)")

    tables = {}
    for name, view_class in VIEWS.items():
        tables[name] = state_table(view_class)
        log(f"  sim {name}: {tables[name].n_states} states, {tables[name].nbytes / 1e3:.0f} kB of float32")

    pages = [render(index_page(chapters, STATIC), chapters, tables, 0)]
    for chapter in chapters:
        pages.append(render(chapter_page(chapter, chapters), chapters, tables, 0))
        log(f"  page {pages[-1].path}: {len(pages[-1].html) / 1e3:.0f} kB")
    for name in VIEWS:
        pages.append(render(embed_page(name), chapters, tables, 1))
    for page in pages:
        if len(page.html.encode()) > PAGE_BUDGET:
            raise CourseError(f"{page.path} is {len(page.html.encode()) / 1e3:.0f} kB, over the {PAGE_BUDGET / 1e3:.0f} kB page budget")
    static_files = collect_static(set().union(*(p.resources for p in pages)))

    # Everything is known and valid: write into a fresh folder, then swap it in.
    out = Path(out).resolve()
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        for page in pages:
            target = staging / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.html, encoding="utf-8")
        for rel, source in static_files.items():
            target = staging / "static" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for source in STATIC_DIR.iterdir():
            shutil.copyfile(source, staging / "static" / source.name)
        for rel, source in {**generator, **cells}.items():
            target = staging / "static" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    seconds = time.perf_counter() - started
    log(f"wrote {len(pages)} pages and {len(static_files) + len(list(STATIC_DIR.iterdir()))} static files "
        f"to {out} ({size / 1e6:.1f} MB) in {seconds:.1f} s")
    return {"pages": {p.path: len(p.html.encode()) for p in pages}, "site_bytes": size, "seconds": seconds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="site", help="folder to write (replaced whole)")
    args = parser.parse_args(argv)
    try:
        build(Path(args.out))
    except CourseError as err:
        print(f"build-site failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
