"""`npm ci` on a fresh clone must install from package-lock.json alone.

A dependency that asks for a dist-tag ("latest") is checked against the registry by `npm ci`: when the
tag moves past the locked version, CI fails with "Missing: ... from lock file" (it did, for
Lighthouse's trace engine asking for third-party-web@latest). package.json's "overrides" pins each
such dependency to its locked version; this test finds any tag request without one.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A dist-tag is a bare name ("latest", "next"); a version range starts with a digit, an operator,
# "*" or "x", and an alias/URL/path has its own prefix.
TAG = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def _overridden(overrides: dict, parent: str, dependency: str) -> str | None:
    nested = overrides.get(parent)
    if isinstance(nested, dict) and dependency in nested:
        return nested[dependency]
    value = overrides.get(dependency)
    return value if isinstance(value, str) else None


def test_every_dist_tag_dependency_is_pinned_by_an_override_to_its_locked_version():
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    overrides = manifest.get("overrides", {})
    packages = lock["packages"]
    tagged = []
    for path, entry in packages.items():
        if not path:
            continue
        parent = path.rsplit("node_modules/", 1)[-1]
        for dependency, spec in entry.get("dependencies", {}).items():
            if not TAG.fullmatch(spec) or spec in ("x", "X"):
                continue
            tagged.append((parent, dependency, spec))
            locked = (packages.get(f"{path}/node_modules/{dependency}")
                      or packages.get(f"node_modules/{dependency}"))
            assert locked, f"{parent} asks for {dependency}@{spec}, which the lock does not hold"
            pin = _overridden(overrides, parent, dependency)
            assert pin == locked["version"], (
                f"{parent} asks for {dependency}@{spec}; npm ci resolves the tag on the registry, so "
                f'package.json needs "overrides": {{"{parent}": {{"{dependency}": "{locked["version"]}"}}}}')
    # Lighthouse 12.8.2's trace engine is the case this guards; if it is gone, the test is moot.
    assert any(parent == "@paulirish/trace_engine" for parent, _, _ in tagged)
