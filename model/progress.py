"""Progress for the long loops of training: tqdm's bar (step, loss, rate, time left), with a line
every 30 s instead of a carriage-return soup when the output is a log file, not a terminal."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, label: str, total: int, start: int = 0, stream=sys.stderr):
        tty = hasattr(stream, "isatty") and stream.isatty()
        self.label, self.t0 = label, time.perf_counter()
        self.bar = tqdm(total=total, initial=start, desc=f"[{label}]", file=stream, dynamic_ncols=tty,
                        mininterval=0.5 if tty else 30.0, ascii=not tty, leave=True)

    def update(self, step: int, **values: float) -> None:
        self.bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
        self.bar.update(step - self.bar.n)

    def close(self) -> float:
        self.bar.close()
        elapsed = time.perf_counter() - self.t0
        self.bar.fp.write(f"[{self.label}] done in {elapsed:.0f} s\n")
        return elapsed
