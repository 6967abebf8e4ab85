"""What the benchmarks and the browser tests share: Debian's Chromium, a local folder server, a
local process server, and a guard that refuses every request leaving the origin under test.

Playwright's own browser download cannot work offline, so everything drives /usr/bin/chromium
(`make browser` installs it) with the flags below.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# What static hosts (GitHub Pages, Netlify, nginx's gzip_types, S3 behind CloudFront) compress.
GZIP_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".txt", ".py", ".map"}


class _GzipHandler(_QuietHandler):
    """A static host's answer: gzip the body when the client accepts it and the type compresses."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in GZIP_SUFFIXES or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, _mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6)   # nginx's default level is 1; most CDNs 6


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that drops a connection mid-file (Lighthouse ends a run while fetches are in
        # flight) is not an error of the site.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_folder(folder: Path, compress: bool = False) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 (a thread of this process); yields its URL with a slash.
    `compress`: gzip text, JS, CSS, JSON, wasm and SVG for clients that accept it, as static hosts do."""
    handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_process(command: Sequence[str], port: int, timeout_s: float = 180) -> Iterator[str]:
    """Run a server `command` that listens on 127.0.0.1:`port`; yield its URL once the port accepts.
    If the process exits or the time runs out first, the error carries what it printed."""
    # Output goes to a file, not a pipe: a server that logs for a whole test session would fill a
    # pipe nobody reads and block.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(list(command), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + timeout_s
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    proc.kill()
                    log.seek(0)
                    raise RuntimeError(f"{' '.join(command[:3])} did not start within {timeout_s:.0f} s:\n"
                                       f"{log.read()}") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class OriginGuard:
    """Watches a Playwright page: requests that leave `origin` are aborted and recorded, and console
    errors, page errors and worker errors are recorded, so a test can insist on none of either."""

    def __init__(self, page, origin: str):
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self._netloc = urlparse(origin).netloc
        page.context.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("worker", lambda w: w.on("console", self._console))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != self._netloc:
            self.outside.append(url)
            return route.abort()
        return route.continue_()

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors

    @property
    def problems(self) -> list[str]:
        return ([f"request outside the site: {u}" for u in self.outside]
                + [f"console error: {m}" for m in self.console_errors] + [f"page error: {e}" for e in self.page_errors])


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"    # pinned in package-lock.json


def axe_violations(page, context: str | None = None, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations on the page (or the part `context` selects) of the given
    impacts, as [{id, impact, help, targets}]. axe-core comes from node_modules, never a CDN."""
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci`")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        """async (context) => {
             const r = await axe.run(context ? document.querySelector(context) : document,
                                     {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(" "))}));
           }""", context)
    return [v for v in result if v["impact"] in impacts]


# True once course.js has named what Bokeh and Panel draw without a name (every slider handle, player
# button and figure, and a role on every button group), in every shadow root: the page-walk waits
# for this instead of a fixed pause.
LABELLED_JS = """() => {
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  const unnamed = (selector, r) => [...r.querySelectorAll(selector)].some((el) => !el.hasAttribute("aria-label"));
  return roots.every((r) => !unnamed(".noUi-handle", r)
    && ![...r.querySelectorAll(".bk-btn-group")].some((g) => g.getAttribute("role") !== "radiogroup")
    && !(r instanceof ShadowRoot && r.host.classList.contains("bk-panel-models-widgets-Player") && unnamed("button", r))
    && !(r instanceof ShadowRoot && r.host.classList.contains("bk-Figure") && !r.host.hasAttribute("aria-label")));
}"""


def wait_for_generator(page, timeout_ms: int = 30_000) -> dict:
    """Wait until the chapter-7 generator on this page has its model ready; its ready report (session
    and start-up times, the manifest)."""
    page.wait_for_function("window.__generatorDebug !== undefined", timeout=timeout_ms)
    return page.evaluate("window.__generatorDebug.ready")


def wait_until_labelled(page) -> None:
    """Wait (up to 10 s) for course.js's names; if some never come, axe then says which are missing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(LABELLED_JS, timeout=10_000, polling=100)
    except PlaywrightTimeout:
        pass   # the axe run that follows names the unnamed widget precisely
