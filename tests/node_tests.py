"""Running the browser code's unit tests (web/generator/test/*.mjs) under `node --test` against
golden values that Python wrote: the one runner tests/test_flow.py and tests/test_inspector.py share."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_node_tests(files: list[str], golden: dict, env_var: str, tmp_path: Path) -> str:
    """Write `golden` to a JSON file named by `env_var`, run `files` (paths from the repository root)
    under node --test, fail on any failing test, and return node's report."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make web-deps` installs it with npm")
    path = tmp_path / f"{env_var.lower()}.json"
    path.write_text(json.dumps(golden))
    done = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=60, cwd=str(ROOT),
                          env={"PATH": "/usr/bin:/bin", env_var: str(path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout, done.stdout
    return done.stdout
