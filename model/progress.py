"""Progress for the long loops of training: tqdm's bar (step, loss, rate, time left). On a terminal
it redraws in place; into a log file it writes one plain line every 30 s instead of a
carriage-return soup."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm


class _Lines:
    """A stream for tqdm that turns each redraw ('\\r' + bar + padding) into one line of a log."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").rstrip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


class Progress:
    def __init__(self, label: str, total: int, start: int = 0, stream=sys.stderr):
        tty = hasattr(stream, "isatty") and stream.isatty()
        self.label, self.stream, self.t0 = label, stream, time.perf_counter()
        self.bar = tqdm(total=total, initial=start, desc=f"[{label}]", file=stream if tty else _Lines(stream),
                        dynamic_ncols=tty, mininterval=0.5 if tty else 30.0, ascii=not tty, leave=True)

    def update(self, step: int, **values: float) -> None:
        self.bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
        self.bar.update(step - self.bar.n)

    def close(self) -> float:
        self.bar.close()
        elapsed = time.perf_counter() - self.t0
        self.stream.write(f"[{self.label}] done in {elapsed:.0f} s\n")
        self.stream.flush()
        return elapsed
