"""Stand-alone pages holding only the chapter-7 generator, laid out like the static site.

The test suite (on a freshly trained tiny model) and `make bench` (on the committed model) both
need the generator without the rest of a chapter: each page is a Panel `save` of one Generator,
with Bokeh/Panel's CDN addresses pointed at static/ exactly as export/site.py does, plus the
vendored onnxruntime-web, web/generator/ and an ONNX folder. Nothing on such a page loads from
outside its folder.
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path



def static_page(component, title: str) -> tuple[str, set[str]]:
    """(HTML of `component` saved as a page at the site root, static files it needs)."""
    from bokeh.resources import CDN
    from panel.io.save import save

    from export.site import REMOTE_SRC, localise

    buffer = io.StringIO()
    save(component, buffer, resources=CDN, title=title)
    needed: set[str] = set()
    html = localise(buffer.getvalue(), 0, needed)
    remote = REMOTE_SRC.findall(html)
    if remote:
        raise RuntimeError(f"the page would load from outside the site: {remote[:3]}")
    return html, needed


def write_pages(site: Path, pages: dict, title: str, assets: dict[str, Path]) -> Path:
    """Write `pages` ({file name: Panel object}) into `site`, with the Bokeh/Panel files they load and
    `assets` ({path under static/: source}) beside them in static/."""
    from export.site import collect_static

    site.mkdir(parents=True, exist_ok=True)
    needed: set[str] = set()
    for name, component in pages.items():
        html, page_needs = static_page(component, title)
        (site / name).write_text(html, encoding="utf-8")
        needed |= page_needs
    for rel, source in {**collect_static(needed), **assets}.items():
        (site / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site / "static" / rel)
    return site


def build(site: Path, onnx_dir: Path, pages: dict, title: str = "Generator") -> Path:
    """Write `pages` ({file name: Generator}) into `site` with everything they load."""
    from course.generator import GeneratorAssets

    return write_pages(site, pages, title, GeneratorAssets(onnx_dir).files())
