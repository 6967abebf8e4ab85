"""Shared fixtures, each set up once per test session: the built site served over HTTP, a live
`panel serve`, a tiny trained model and its ONNX export, the course in either runtime behind an
origin guard, and Debian's Chromium for pytest-playwright (its own browser download cannot work
offline). The servers, flags and guard themselves live in export/browser.py, shared with `make bench`."""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from export.browser import CHROMIUM, CHROMIUM_FLAGS, OriginGuard, free_port, serve_folder, serve_process

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items):
    # Slow: a real browser, or the session's tiny training run. `make test-fast` leaves these out.
    for item in items:
        if item.get_closest_marker("browser") or {"tiny", "tiny_onnx", "tiny_second", "tiny_second_onnx"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


# --- the course in its two runtimes -----------------------------------------------------------

@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> tuple[Path, dict]:
    from export.site import build
    out = tmp_path_factory.mktemp("build") / "site"
    report = build(out, log=lambda *_: None)
    return out, report


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

@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Path:
    """The weights folder of one whole tiny training run (every stage, seconds on a CPU)."""
    from model.train import Trainer
    from model.train_config import configure

    out = tmp_path_factory.mktemp("tiny")
    Trainer(configure("tiny", {"out": str(out)}), fresh=True, log=io.StringIO()).run()
    return out


@pytest.fixture(scope="session")
def tiny_onnx(tiny, tmp_path_factory) -> Path:
    """The tiny weights exported to ONNX; export_all raises past 1e-4 per forward."""
    from export.onnx_model import export_all

    out = tmp_path_factory.mktemp("tiny-onnx")
    export_all(out, tiny, log=io.StringIO())
    return out


@pytest.fixture(scope="session")
def tiny_second(tmp_path_factory) -> Path:
    """A tiny second-edition run: the second grammar, trained on every shape and still images."""
    from model.train import Trainer
    from model.train_config import configure

    out = tmp_path_factory.mktemp("tiny-second")
    config = configure("tiny", {"out": str(out), "grammar": "second", "dit.mixture": True, "ae.mixture": True,
                                "dit.prompt_order": True,
                                "stages": "autoencoder,latents,spacetime,per-frame"})
    Trainer(config, fresh=True, log=io.StringIO()).run()
    return out


@pytest.fixture(scope="session")
def tiny_second_onnx(tiny_second, tmp_path_factory) -> Path:
    """The tiny second edition exported: every shape through onnxruntime, as the browser runs it."""
    from export.onnx_model import export_all

    out = tmp_path_factory.mktemp("tiny-second-onnx")
    export_all(out, tiny_second, log=io.StringIO())   # raises past 1e-4 on any shape it checks
    return out
