"""A one-line progress report on a terminal for compiles that take more than a moment."""
from __future__ import annotations

import sys
import time


def terminal_progress(prefix: str = "wasmc"):
    """A `progress(done, total)` callback writing to stderr when it is a terminal, else None. Quiet for
    the first second, so quick compiles print nothing."""
    if not sys.stderr.isatty():
        return None
    start = time.monotonic()

    def report(done: int, total: int) -> None:
        if time.monotonic() - start > 1.0 or done == total:
            sys.stderr.write(f"\r{prefix}: compiling {done}/{total} parts" + ("\n" if done == total else ""))
            sys.stderr.flush()
    return report
