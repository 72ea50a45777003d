"""Telling the user that a compile is running: quiet for quick compiles and cache hits; past a second, on
a terminal one line updated as parts finish, elsewhere (CI logs, pipes) one line at the start and one at
the end, so a 30 s first run of a Go binary does not look like a hang."""
from __future__ import annotations

import re
import sys
import threading
import time

from .wasm.reader import Reader

CODE_SECTION = 10
# The lines a report writes off a terminal (what strip_report removes).
# A module whose function count cannot be read (truncated) is announced without one.
REPORT_LINE = re.compile(r"^(?:go_wasip1_wasm_exec: )?(?:compiling .+?(?:: [\d,]+ functions(?:, first run only)?"
                         r"|, first run only)|compiled .+? in \d+\.\d s)\n", re.M)


def strip_report(stderr: str) -> str:
    """stderr without the progress lines: what the guest and wasmc's errors wrote, for comparing a first
    run's output with another engine's."""
    return REPORT_LINE.sub("", stderr)


def count_functions(data: bytes) -> int | None:
    """How many functions the module defines, from the code section's count: a walk over the section
    headers, no decoding (which costs ~0.1 s for a Go binary). None if the bytes do not get that far."""
    try:
        r = Reader(data, 8)
        while not r.at_end():
            section, size = r.byte(), r.u32()
            if section == CODE_SECTION:
                return r.u32()
            r.pos += size
    except Exception:                   # noqa: BLE001 - malformed: the compile will say how
        return None
    return 0 if r.pos == len(data) else None


class CompileProgress:
    """A `progress(done, total)` callback for compile.py, used as a context manager around the compile:

        with CompileProgress("hello.wasm", data, note="first run only") as progress:
            exe = launch.executable(data, level, progress=progress)

    Nothing is printed unless the compile is still running after `delay` seconds, so a cache hit prints
    nothing; then `compiling hello.wasm: 1,611 functions, first run only` and, at the end, `compiled
    hello.wasm in 23.4 s`."""

    def __init__(self, name: str, data: bytes, note: str = "", prefix: str = "", stream=None,
                 delay: float = 1.0, terminal_only: bool = False):
        """`terminal_only`: say nothing unless the stream is a terminal (the Go host's stderr is the
        test binary's, which Go's own tests read)."""
        self.name, self.data, self.note, self.prefix, self.delay = name, data, note, prefix, delay
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        if terminal_only and not self.tty:
            self.delay = float("inf")
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._start = 0.0
        self._started = False          # the start line was written
        self._parts = ""

    def __enter__(self) -> CompileProgress:
        self._start = time.monotonic()
        if self.delay != float("inf"):
            self._timer = threading.Timer(self.delay, self._announce)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if not self._started:
                self._started = True   # a late timer must not announce a finished compile
                return
            if exc_type is None:
                self._write(f"{self.prefix}compiled {self.name} in {time.monotonic() - self._start:.1f} s", end=True)
            elif self.tty:
                self._write(self._headline() + self._parts, end=True)   # end the line before the error

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self._parts = f" ({done}/{total} parts)"
            if self._started and self.tty:
                self._write(self._headline() + self._parts)

    def _announce(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._write(self._headline() + (self._parts if self.tty else ""), end=not self.tty)

    def _headline(self) -> str:
        functions = count_functions(self.data)
        count = f": {functions:,} functions" if functions else ""
        note = f", {self.note}" if self.note else ""
        return f"{self.prefix}compiling {self.name}{count}{note}"

    def _write(self, text: str, end: bool = False) -> None:
        try:
            if self.tty:
                self.stream.write("\r\x1b[K" + text + ("\n" if end else ""))
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):   # a closed or broken stderr must not fail the compile
            pass
