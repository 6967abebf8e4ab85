"""Shared fixtures, each set up once per test session: the built site served over HTTP, a live
`panel serve`, a tiny trained model and its ONNX export, the course in either runtime behind an
origin guard, and Debian's Chromium for pytest-playwright (its own browser download cannot work
offline). The servers, flags and guard themselves live in export/browser.py, shared with `make bench`."""
from __future__ import annotations

import io
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from export.browser import CHROMIUM, CHROMIUM_FLAGS, OriginGuard, free_port, serve_folder, serve_process

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items):
    # Slow: a real browser, or the session's tiny training run. `make test-fast` leaves these out.
    for item in items:
        if item.get_closest_marker("browser") or {"tiny", "tiny_onnx"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


# --- the course in its two runtimes -----------------------------------------------------------

def built_once(tmp_path_factory, worker_id: str, name: str, make) -> Path:
    """The folder `make(folder)` fills, built once per test run. Under pytest-xdist (`make test` runs two
    workers) the first worker to ask builds it in a folder every worker shares while the others wait
    on a lock, so a session fixture costs its time once, not once per worker."""
    if worker_id == "master":            # a plain pytest run: one process, session scope already shares
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent            # the run's folder above every worker's own
    folder, built = shared / name, shared / f"{name}.built"     # the mark sits beside: the folder holds only what make wrote
    with FileLock(shared / f"{name}.lock"):
        if not built.exists():
            shutil.rmtree(folder, ignore_errors=True)     # a half-built folder from a worker that died
            folder.mkdir()
            make(folder)
            built.touch()
    return folder


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id) -> tuple[Path, dict]:
    from export.site import build

    def make(folder: Path) -> None:
        report = build(folder / "site", log=lambda *_: None)
        (folder / "report.json").write_text(json.dumps(report))

    folder = built_once(tmp_path_factory, worker_id, "build", make)
    return folder / "site", json.loads((folder / "report.json").read_text())


@pytest.fixture(scope="session")
def site_url(built_site):
    folder, _ = built_site
    with serve_folder(folder) as url:
        yield url


@pytest.fixture(scope="session")
def served_url():
    port = free_port()
    # A cold model-sims cache adds about a minute before the server listens (sims/model_data).
    with serve_process([sys.executable, "-m", "course.serve", "--port", str(port), "--address", "127.0.0.1"],
                       port, timeout_s=180) as url:
        yield url


@dataclass
class Course:
    runtime: str       # "static" (the built site) or "served" (panel serve)
    base: str

    def url(self, slug: str = "index", query: str = "") -> str:
        if self.runtime == "static":
            return f"{self.base}{slug}.html{query}"
        return f"{self.base}{'' if slug == 'index' else slug}{query}"

    def embed(self, sim: str, query: str = "") -> str:
        return self.url(f"embed/{sim}", query)


@pytest.fixture(params=["static", "served"])
def course(request) -> Course:
    base = request.getfixturevalue("site_url" if request.param == "static" else "served_url")
    return Course(request.param, base)


@pytest.fixture
def watched(page, course):
    """A page whose console errors and requests outside the site fail the test."""
    guard = OriginGuard(page, course.base)
    yield page
    assert not guard.problems, "\n".join(guard.problems)


# --- a tiny trained model, once per session -----------------------------------------------------

def _train_tiny(out: Path, **settings) -> None:
    from model.train import Trainer
    from model.train_config import configure

    Trainer(configure("tiny", {"out": str(out), **settings}), fresh=True, log=io.StringIO()).run()


def _export(weights_dir: Path):
    def make(out: Path) -> None:
        from export.onnx_model import export_all

        export_all(out, weights_dir, log=io.StringIO())   # raises past 1e-4 on any forward it checks
    return make


@pytest.fixture(scope="session")
def tiny(tmp_path_factory, worker_id) -> Path:
    """The weights folder of one whole tiny training run of the second edition's recipe (the `tiny`
    preset: every stage, every shape and still images, the second grammar; seconds on a CPU). The
    only model the suite trains."""
    return built_once(tmp_path_factory, worker_id, "tiny", _train_tiny)


@pytest.fixture(scope="session")
def tiny_onnx(tiny, tmp_path_factory, worker_id) -> Path:
    """The tiny weights exported to ONNX, every shape, as the browser runs them; export_all raises
    past 1e-4 per forward."""
    return built_once(tmp_path_factory, worker_id, "tiny-onnx", _export(tiny))


# --- the chapter-7 generator alone, on the tiny model ----------------------------------------------

@pytest.fixture(scope="session")
def generator_site(tmp_path_factory, tiny_onnx) -> Path:
    """The chapter-7 generator alone on the session's tiny model, one page per way of setting it up:
    index (defaults), shapes (3 steps, a second-grammar prompt), missing (no model folder) and
    first-edition (the same files with the first grammar's words and no shapes in the manifest)."""
    from course.generator import Generator
    from export import generator_page

    site = generator_page.build(tmp_path_factory.mktemp("generator-site"), tiny_onnx, {
        "index.html": Generator(debug=True, frames=8, steps=20),
        "shapes.html": Generator(debug=True, frames=8, steps=3, prompt=SECOND_GRAMMAR_PROMPT),
        "missing.html": Generator(debug=True, model_url="static/no-such-folder/"),
        "first-edition.html": Generator(debug=True, model_url=f"static/{FIRST_EDITION}/"),
    }, title="Generator prototype")
    _first_edition_copy(site / "static" / "onnx", site / "static" / FIRST_EDITION)
    return site


FIRST_EDITION = "onnx-first-edition"
SECOND_GRAMMAR_PROMPT = "a big blue ball falling from left to right"


def _first_edition_copy(onnx: Path, out: Path) -> None:
    """The same model files with a first-edition manifest's words and shapes: what the generator
    offers is decided by the manifest (no sizes, no falling, no shapes but the square)."""
    import os

    from model.text import FIRST

    out.mkdir()
    for path in onnx.iterdir():
        if path.name != "manifest.json":
            os.link(path, out / path.name)
    manifest = json.loads((onnx / "manifest.json").read_text())
    manifest = {key: value for key, value in manifest.items() if key != "shapes"} | {"vocab": list(FIRST.vocab)}
    (out / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="session")
def generator_url(generator_site):
    with serve_folder(generator_site) as url:
        yield url
