"""Runs a reader's code cell, inside Pyodide (web/codecell/worker.js imports this module).

One function does the job: `run(code)` compiles and executes the cell's code in a fresh namespace
and answers, as JSON, whether it worked, which line of the reader's code failed and a traceback
that starts at the reader's code (the frames of this runner and of Pyodide are left out), plus the
charts the cell asked for with `plot`. Output goes to sys.stdout / sys.stderr, which the worker
forwards to the page as it is written.

Plain CPython runs this module too: tests/test_codecell_run.py checks the tracebacks and the shipped
cells with it, without a browser.
"""
from __future__ import annotations

import json
import linecache
import math
import traceback

FILENAME = "<cell>"          # what tracebacks call the reader's code
MAX_PLOTS = 4                # charts one run may draw
MAX_POINTS = 2000            # points in one chart

_plots: list[dict] = []


def plot(xs, ys=None, *, title: str = "", x_label: str = "x", y_label: str = "y") -> None:
    """Draw numbers as a small line chart under the cell: plot(ys) or plot(xs, ys)."""
    if ys is None:
        ys = list(xs)
        xs = list(range(len(ys)))
    else:
        xs, ys = list(xs), list(ys)
    if len(xs) != len(ys):
        raise ValueError(f"plot(xs, ys) needs as many xs as ys (got {len(xs)} and {len(ys)})")
    if not ys:
        raise ValueError("plot() needs at least one number")
    if len(ys) > MAX_POINTS:
        raise ValueError(f"plot() draws at most {MAX_POINTS} points (got {len(ys)})")
    if len(_plots) >= MAX_PLOTS:
        raise ValueError(f"a cell draws at most {MAX_PLOTS} charts")
    points = []
    for x, y in zip(xs, ys):
        try:
            x, y = float(x), float(y)
        except (TypeError, ValueError):
            raise TypeError(f"plot() draws numbers; got {x!r}, {y!r}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"plot() cannot draw {x!r}, {y!r} (not a finite number)")
        points.append((x, y))
    _plots.append({"xs": [p[0] for p in points], "ys": [p[1] for p in points], "title": str(title),
                   "xLabel": str(x_label), "yLabel": str(y_label)})


def _reader_line(tb) -> int | None:
    """The line of the reader's code nearest the error (the last frame in <cell>)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def run(code: str) -> str:
    """Execute `code`; return JSON {ok, line, error, traceback, plots}."""
    # Tracebacks quote source lines from linecache: register the cell's text under its name.
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    _plots.clear()
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "plot": plot}
    try:
        compiled = compile(code, FILENAME, "exec")
    except SyntaxError as err:
        text = "".join(traceback.format_exception_only(type(err), err))
        return _answer(False, err.lineno, type(err).__name__, text)
    try:
        exec(compiled, namespace)
    except SystemExit:
        pass                                   # exit() ends the cell quietly, as a script would
    except BaseException as err:               # noqa: BLE001 - everything the reader's code raises
        tb = err.__traceback__.tb_next         # skip this runner's own frame
        text = "".join(traceback.format_exception(type(err), err, tb))
        return _answer(False, _reader_line(tb), type(err).__name__, text)
    return _answer(True, None, None, "")


def _answer(ok: bool, line, error, text: str) -> str:
    return json.dumps({"ok": ok, "line": line, "error": error, "traceback": text, "plots": list(_plots)})
