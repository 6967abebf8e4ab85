"""What every simulation shares: the controls a reader can move, their finite value grids, and
URL-query parsing. Pure param/numpy, no Panel import.

A control is a parameter named in `Sim.controls`. It is either a bounded `param.Integer` or a
`param.Selector`; both have a finite list of values, which is what lets the static site precompute
every state a reader can reach.
"""
from __future__ import annotations

import json
import math
from typing import ClassVar, Mapping

import param


class Sim(param.Parameterized):
    """Base class for a simulation's state. Subclasses list their controls in order."""

    controls: ClassVar[tuple[str, ...]] = ()

    def control_values(self, name: str) -> list:
        """Every value control `name` can take, in widget order."""
        p = self.param[name]
        if isinstance(p, param.Selector):
            return list(p.objects)
        if isinstance(p, param.Integer):
            lo, hi = p.bounds
            step = p.step or 1
            return list(range(lo, hi + 1, step))
        raise TypeError(f"{type(self).__name__}.{name}: controls must be Integer or Selector parameters")

    def apply_query(self, query: Mapping[str, str]) -> list[str]:
        """Set controls from URL-query strings (`?frame=12`), clamping or ignoring bad values.

        Returns one human-readable note per value that was clamped or ignored; unknown keys are
        left alone (the page may use them for something else).
        """
        notes = []
        for name in self.controls:
            if name not in query:
                continue
            value, note = parse_control(self.param[name], name, query[name])
            if note:
                notes.append(note)
            if value is not None:
                setattr(self, name, value)
        return notes


def parse_control(p: param.Parameter, name: str, raw: str) -> tuple[object | None, str | None]:
    """Turn one query string into a legal value of parameter `p`: (value or None, note or None)."""
    raw = str(raw).strip()
    if isinstance(p, param.Selector):
        for obj in p.objects:
            if str(obj) == raw:
                return obj, None
        allowed = ", ".join(str(o) for o in p.objects)
        return None, f"Ignored {name}={_quoted(raw)}: choose one of {allowed}."
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return None, f"Ignored {name}={_quoted(raw)}: not a number."
    lo, hi = p.bounds
    value = min(max(int(round(number)), lo), hi)
    if value != number:
        return value, f"Set {name} to {value} (asked for {raw[:40]}; allowed {lo} to {hi})."
    return value, None


def _quoted(raw: str) -> str:
    """A bad value as the note shows it: cut short, double-quoted (the static site's JS writes the same)."""
    return json.dumps(raw[:40], ensure_ascii=False)
