"""The code cells without a browser: the runner (web/codecell/cellrun.py) in plain CPython, every
shipped cell (course/cells.py) with numpy unimportable, the pure-Python formulas against the sims
they mirror, and the vendored editor's import map and asset list."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web" / "codecell"))
import cellrun  # noqa: E402

from course.cells import CELLS  # noqa: E402


def run(code: str) -> dict:
    return json.loads(cellrun.run(code))


def test_a_syntax_error_names_the_readers_line():
    result = run("x = 1\nprint(x\ny = 2\n")
    assert not result["ok"] and result["error"] == "SyntaxError"
    assert result["line"] in (2, 3)
    assert 'File "<cell>"' in result["traceback"]


def test_an_exception_names_the_readers_line_and_hides_the_runner():
    result = run("def f(n):\n    return 1 / n\n\nprint('before')\nf(0)\n")
    assert not result["ok"] and result["error"] == "ZeroDivisionError"
    assert result["line"] == 2                       # the deepest line of the reader's own code
    text = result["traceback"]
    assert text.startswith("Traceback (most recent call last):")
    assert 'File "<cell>", line 5' in text and 'File "<cell>", line 2, in f' in text
    assert "return 1 / n" in text                    # the source line is quoted
    assert "cellrun" not in text and "exec(" not in text


def test_an_error_inside_course_code_still_points_at_the_cell():
    result = run("from course.formulas import latent_size\nlatent_size('16', 32, 32)\n")
    assert not result["ok"] and result["line"] == 2
    assert "formulas.py" in result["traceback"]


def test_plot_collects_numbers_and_rejects_bad_ones():
    result = run("plot([1, 4, 9])\nplot(range(3), [0.5, 1, 2], title='t', x_label='a', y_label='b')\n")
    assert result["ok"]
    first, second = result["plots"]
    assert first["xs"] == [0, 1, 2] and first["ys"] == [1, 4, 9]
    assert second == {"xs": [0, 1, 2], "ys": [0.5, 1, 2], "title": "t", "xLabel": "a", "yLabel": "b"}
    assert run("plot([1, 2], [1])")["error"] == "ValueError"
    assert run("plot(['a'])")["error"] == "TypeError"
    assert run("plot([float('nan')])")["error"] == "ValueError"
    assert run("print('x')")["plots"] == []          # charts do not leak from run to run


def test_exit_ends_a_cell_quietly_and_each_run_starts_afresh():
    assert run("x = 5\nexit()\nprint('not reached')")["ok"]
    assert run("print(x)")["error"] == "NameError"


BLOCK_NUMPY = """
import sys, json
sys.modules["numpy"] = None          # importing numpy now raises ImportError
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/web/codecell"]
import cellrun
from course.cells import CELLS
print(json.dumps({slug: json.loads(cellrun.run(cell.code)) for slug, cell in CELLS.items()}))
"""


@pytest.fixture(scope="module")
def cell_results() -> dict:
    """Every shipped cell run in a fresh interpreter in which numpy cannot be imported, as Pyodide here."""
    done = subprocess.run([sys.executable, "-c", BLOCK_NUMPY, str(ROOT)], capture_output=True, text=True, check=True,
                          cwd="/")
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_chapter_has_a_cell():
    from course.toc import load_chapters

    # Every teaching chapter, in order; reference pages (the glossary) teach nothing to try.
    teaching = [c.slug for c in load_chapters() if getattr(c, "kicker", "") != "Reference"]
    assert list(CELLS) == teaching
    for slug, cell in CELLS.items():
        assert cell.title and cell.suggestion and "`" in cell.suggestion, slug


@pytest.mark.parametrize("slug", list(CELLS))
def test_each_cell_runs_without_numpy(cell_results, slug):
    result = cell_results[slug]
    assert result["ok"], result["traceback"]


def test_cells_print_what_they_claim():
    """The numbers the cells print agree with the sims (where a sim computes the same thing)."""
    import contextlib
    import io

    from sims import cost

    def output(slug):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert run(CELLS[slug].code)["ok"]
        return buffer.getvalue()

    assert "64 spacetime patches" in output("generate")
    assert f"{cost.course_model_flops() / 1e9:.1f} GFLOPs" in output("cheat-sheet")
    assert "ids:   [2, 3, 7, 9, 12, 14, 13, 15, 0, 0]" in output("generate")
    diffusion = output("diffusion")
    end = float(re.search(r"sample ([+-][\d.]+)", diffusion).group(1))
    assert abs(abs(end) - 1) < 0.05                  # ten Euler steps land on a data point


def test_formulas_match_the_sims():
    import numpy as np

    from course import formulas
    from sims import cost, patches

    for frames in (1, 8, 16, 17, 32):
        for height, width in patches.ASPECTS.values():
            assert formulas.latent_size(frames, height, width) == patches.latent_size(frames, height, width)
            for pt in (1, 2, 4):
                for ps in (1, 2, 4):
                    grid = patches.Grid(*patches.latent_size(frames, height, width), pt=pt, ps=ps)
                    args = (*formulas.latent_size(frames, height, width), pt, ps)
                    assert formulas.patch_tokens(*args) == grid.tokens
                    assert formulas.padding_cells(*args) == grid.padding_cells
    assert (formulas.FPS, formulas.WIDTH, formulas.LAYERS, formulas.STEPS, formulas.GUIDANCE_PASSES) == (
        cost.FPS, cost.WIDTH, cost.LAYERS, cost.STEPS, cost.GUIDANCE_PASSES)
    assert (formulas.TIME_FACTOR, formulas.SPACE_FACTOR, formulas.LATENT_PATCH) == (
        cost.TIME_FACTOR, cost.SPACE_FACTOR, cost.LATENT_PATCH)
    for size in cost.Cost.param.size.objects:
        for patch in cost.Cost.param.raw_patch.objects:
            for seconds in (1, 5, 20):
                frames = cost.FPS * seconds
                assert formulas.raw_tokens(frames, size, patch) == cost.raw_tokens(frames, size, patch)
                tokens = formulas.latent_tokens(frames, size)
                assert tokens == cost.latent_tokens(frames, size)
                assert np.isclose(formulas.clip_flops(tokens), cost.clip_flops(tokens))
                assert formulas.attention_bytes(tokens) == cost.attention_bytes(tokens)
    for frames in formulas.course_model().frame_choices:
        assert formulas.course_tokens(frames) == cost._MODEL.tokens(frames)


# These two read node_modules (`make web-deps`) and may make Pyodide's snapshot (Node, ~10 s once).
@pytest.mark.slow
def test_editor_import_map_covers_every_bare_import():
    """Each vendored CodeMirror module imports only names the import map holds (no bundler)."""
    from export.vendor import editor_files, editor_import_map

    mapped = editor_import_map("./static/")
    assert set(mapped.values()) == {f"./static/{rel}" for rel in editor_files()}
    for rel, source in editor_files().items():
        for name in re.findall(r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]""",
                               source.read_text(), re.MULTILINE):
            assert name in mapped, f"{rel} imports {name}, which the import map lacks"


@pytest.mark.slow
def test_every_asset_exists_and_pins_are_checked(tmp_path):
    import export.vendor as vendor
    from course.codecell import SNAPSHOT, CodeCellAssets

    files = CodeCellAssets().files()
    assert all(path.is_file() for path in files.values())
    assert {"pyodide/pyodide.asm.wasm", "codecell/worker.js", "codecell/cellrun.py", "py/model/text.py",
            "py/model/onnx/manifest.json", "cm/@codemirror/view/dist/index.js", SNAPSHOT} <= set(files)
    assert files[SNAPSHOT].read_bytes()[:2] == b"\x1f\x8b"                # stored gzipped
    (tmp_path / "node_modules" / "pyodide").mkdir(parents=True)
    (tmp_path / "node_modules" / "pyodide" / "package.json").write_text('{"version": "0.1.0"}')
    (tmp_path / "package.json").write_text('{"dependencies": {"pyodide": "314.0.8"}}')
    with pytest.raises(vendor.VendorError, match="npm ci"):
        vendor.package_files("pyodide", tmp_path)
