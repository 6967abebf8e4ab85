"""Stand-alone pages holding code cells, laid out like the static site.

The tests (and anyone checking a cell by eye) need a cell without the rest of a chapter: each page
is a Panel `save` of a column of CodeCells, localised as export/site.py does (through
export/generator_page.py's `static_page`), with every file of CodeCellAssets under static/. Nothing
on such a page loads from outside its folder.

    python -m export.codecell_page --out /tmp/cells      # every chapter's cell on one page
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build(site: Path, pages: dict, title: str = "Code cell") -> Path:
    """Write `pages` ({file name: a Panel object holding CodeCells}) into `site` with what they load."""
    from course.codecell import CodeCellAssets
    from export.generator_page import write_pages

    return write_pages(site, pages, title, CodeCellAssets().files())


def all_cells():
    """A column of every chapter's cell (course/cells.py), in table-of-contents order."""
    import panel as pn

    from course.cells import CELLS
    from course.codecell import CodeCell

    return pn.Column(*(CodeCell.from_cell(cell) for cell in CELLS.values()), sizing_mode="stretch_width")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.codecell_page", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    build(args.out, {"index.html": all_cells()}, title="Every chapter's code cell")
    print(f"wrote {args.out / 'index.html'}; serve it with: python -m http.server -d {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
