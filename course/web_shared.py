"""What the browser components (the chapter-7 generator, course/generator.py, and the code cell,
course/codecell.py) have in common: the import-map spelling of a folder URL, and web/shared/, the
JS modules both use. Each component's asset class copies `files()` into a static site under
shared/ and serves `route()` under `panel serve`; pages import them as `course-shared/...`
(import_map) and workers, which see no import map, as `../shared/...`."""
from __future__ import annotations

from pathlib import Path

SHARED_DIR = Path(__file__).resolve().parent.parent / "web" / "shared"
FOLDER = "shared"


def folder_url(url: str) -> str:
    """A folder URL fit for an import map: an import map treats `static/x` as a bare name, not a
    path, so a relative path must start with ./ or ../ (or be absolute)."""
    url = url if url.endswith("/") else url + "/"
    if not url.startswith(("./", "../", "/")) and "://" not in url:
        url = "./" + url
    return url


def files() -> dict[str, Path]:
    """{path under the static folder: source} for web/shared/*.js."""
    return {f"{FOLDER}/{p.name}": p for p in sorted(SHARED_DIR.glob("*.js"))}


def route() -> dict[str, Path]:
    """The `panel serve` static folder for the same layout: {"shared": web/shared}."""
    return {FOLDER: SHARED_DIR}


def import_map(static_url: str) -> dict[str, str]:
    """The import map's entry for the shared modules of a page whose assets folder is `static_url`."""
    return {"course-shared/": f"{folder_url(static_url)}{FOLDER}/"}
