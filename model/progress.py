"""A one-line progress bar for long loops: step, bar, loss, rate and time left (no dependency)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, start: int = 0, stream=sys.stderr, every: float = 0.5):
        self.label, self.total, self.stream, self.every = label, total, stream, every
        self.start_step, self.step = start, start
        self.t0 = self.last = time.perf_counter()
        self.is_tty = hasattr(stream, "isatty") and stream.isatty()
        self.logged = -1  # the last 30-second bucket written to a non-terminal log

    def update(self, step: int, **values: float) -> None:
        self.step = step
        now = time.perf_counter()
        if now - self.last < self.every and step < self.total:
            return
        self.last = now
        rate = (step - self.start_step) / max(now - self.t0, 1e-9)
        left = (self.total - step) / rate if rate > 0 else 0.0
        done = int(24 * step / max(self.total, 1))
        shown = " ".join(f"{k} {v:.4g}" for k, v in values.items())
        line = (f"[{self.label}] {step}/{self.total} {'#' * done}{'.' * (24 - done)} {shown} "
                f"· {rate:.2f} it/s · {int(left) // 60}:{int(left) % 60:02d} left")
        if self.is_tty:
            self.stream.write("\r" + line)
        elif step == self.total or int(now - self.t0) // 30 != self.logged:
            self.logged = int(now - self.t0) // 30
            self.stream.write(line + "\n")  # logs get a line every ~30 s, not a carriage-return soup
        self.stream.flush()

    def close(self) -> float:
        elapsed = time.perf_counter() - self.t0
        if self.is_tty:
            self.stream.write("\n")
        self.stream.write(f"[{self.label}] done in {elapsed:.0f} s\n")
        self.stream.flush()
        return elapsed
