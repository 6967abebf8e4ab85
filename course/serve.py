"""`make serve`: the course under `panel serve` (pn.serve), live Python behind every sim.

Routes: `/` (index), `/<chapter-slug>`, `/embed/<sim>`; `/assets/` serves course.css and course.js.
    python -m course.serve [--port 5006] [--show]
"""
from __future__ import annotations

import argparse

import panel as pn

from sims.registry import VIEWS

from .page import SERVED, STATIC_DIR, chapter_page, embed_page, index_page, populate
from .toc import check_course, load_chapters


def _query() -> dict[str, str]:
    """The page's URL query as plain strings (first value of each key)."""
    return {k: v[0].decode("utf-8", "replace") for k, v in (pn.state.session_args or {}).items() if v}


def routes() -> dict:
    chapters = load_chapters()
    check_course(chapters, VIEWS)

    def index():
        populate(pn.state.curdoc, index_page(chapters, SERVED), chapters, SERVED)

    def chapter_app(chapter):
        def app():
            populate(pn.state.curdoc, chapter_page(chapter, chapters, _query()), chapters, SERVED)
        return app

    def embed_app(sim):
        def app():
            populate(pn.state.curdoc, embed_page(sim, _query()), chapters, SERVED, depth=1)
        return app

    table = {"/": index}
    table.update({c.slug: chapter_app(c) for c in chapters})
    table.update({f"embed/{sim}": embed_app(sim) for sim in VIEWS})
    return table


def codecell_dirs() -> dict[str, str]:
    """Where the code cells' files come from under `panel serve` (course/codecell.py)."""
    from .codecell import CodeCellAssets

    return CodeCellAssets().routes(SERVED.codecell_url)


def generator_dirs() -> dict[str, str]:
    """Where the chapter-7 generator's files come from under `panel serve` (course/generator.py)."""
    from .generator import GeneratorAssets
    from .page import ONNX_DIR

    return GeneratorAssets(ONNX_DIR).routes(SERVED.generator_url)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--address", default="localhost")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    table = routes()    # loads every chapter (and computes the model-backed sims if not cached yet)
    print(f"Serving the course at http://{args.address}:{args.port}/  (Ctrl+C stops)", flush=True)
    pn.serve(table, port=args.port, address=args.address, show=args.show,
             static_dirs={SERVED.static_url: str(STATIC_DIR), **generator_dirs(), **codecell_dirs()},
             title="Video Generation course",
             websocket_origin=[f"{args.address}:{args.port}", f"127.0.0.1:{args.port}", f"localhost:{args.port}"])


if __name__ == "__main__":
    main()
