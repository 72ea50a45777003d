"""One module through both engines: the reference trace under wasmtime in this process, the replay under
wasmc in a child process (child.py) that is restarted when it crashes, hangs or has served a while."""
from __future__ import annotations

import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import package_root, ref_wasmtime
from .child import Job, LevelResult, write_frame
from .generate import SMITH_FUEL
from .trace import Difference, fuel_label, make_plan, record

CHILD_MODULES = 400        # modules one child compiles before it is replaced (loaded code accumulates)
STDERR_TAIL = 2000


@dataclass(slots=True)
class ModuleReport:
    calls: int = 0                                 # calls the reference made (and the candidate replayed)
    skipped: str | None = None                     # why the reference stopped early
    levels: dict = field(default_factory=dict)     # level -> LevelResult
    seconds_reference: float = 0.0


class WasmcChild:
    """The child process and its pipes."""

    def __init__(self, workdir: Path, function_cache: bool = True):
        self.workdir = workdir
        for scratch in ("cache", "tmp"):       # what the last child compiled goes: the cache stays small
            shutil.rmtree(workdir / scratch, ignore_errors=True)
            (workdir / scratch).mkdir(parents=True)
        env = dict(os.environ, WASMC_CACHE_DIR=str(workdir / "cache"), TMPDIR=str(workdir / "tmp"),
                   WASMC_FUNCTION_CACHE="1" if function_cache else "0",
                   PYTHONPATH=os.pathsep.join([str(package_root()), os.environ.get("PYTHONPATH", "")]))
        self.stderr_path = workdir / "child-stderr.txt"
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", f"{__package__}.child"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, env=env, cwd=str(package_root()))
        self.modules = 0

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        """`size` bytes, b"" at end of file, None past the deadline."""
        fd = self.proc.stdout.fileno()
        chunks, remaining = [], size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                return None
            chunk = os.read(fd, remaining)
            if not chunk:
                return b""
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float):
        header = self._read_exact(4, deadline)
        if not header:
            return header
        body = self._read_exact(struct.unpack("<I", header)[0], deadline + 5)
        return pickle.loads(body) if body else body

    def run(self, job: Job, timeout: float) -> tuple[dict, bool]:
        """Results per level, and whether the child is still usable. A level that ends the child gets a
        crash, exception (exit without a signal) or hang difference."""
        self.modules += 1
        results: dict[int, LevelResult] = {}
        try:
            write_frame(self.proc.stdin, job)
        except BrokenPipeError:
            return {job.levels[0]: self._death(job.levels[0], None)}, False
        level = job.levels[0]
        deadline = time.monotonic() + timeout
        while True:
            frame = self._read_frame(deadline)
            if frame is None or frame == b"":
                results[level] = self._death(level, timeout if frame is None else None)
                return results, False
            if frame[0] == "begin":
                level, deadline = frame[1], time.monotonic() + timeout
            elif frame[0] == "done":
                results[frame[1]] = frame[2]
            else:
                return results, True

    def _death(self, level: int, timed_out: float | None) -> LevelResult:
        if timed_out is not None:
            self.proc.kill()
        code = self.proc.wait()
        tail = self.stderr_path.read_bytes()[-STDERR_TAIL:].decode(errors="replace")
        if timed_out is not None:
            diff = Difference("hang", f"timeout {timed_out:g}s", -1, None, "finishes", tail)
        elif code < 0:
            diff = Difference("crash", signal.Signals(-code).name, -1, None, "no crash", tail)
        else:
            diff = Difference("exception", f"exit status {code}", -1, None, "no exit", tail)
        return LevelResult(difference=diff)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


class Differ:
    """Checks modules: reference trace here, replay in the child, at each of `levels`."""

    def __init__(self, levels: tuple, workdir: Path, timeout: float = 20.0, function_cache: bool = True):
        self.levels = tuple(levels)
        self.workdir = workdir
        self.timeout = timeout
        self.function_cache = function_cache
        self.engine = ref_wasmtime.new_engine()
        self.child: WasmcChild | None = None

    def check(self, data: bytes, plan_seed: str, levels: tuple | None = None,
              calls: list | None = None) -> ModuleReport | None:
        """The report on one module, or None when wasmtime rejects it. `calls` replaces the plan drawn
        from `plan_seed` (calls of functions the module does not export are dropped)."""
        start = time.monotonic()
        module = ref_wasmtime.compile_module(self.engine, data)
        if module is None:
            return None
        shape = ref_wasmtime.shape_of(module)
        if calls is None:
            plan = make_plan(shape, plan_seed)
        else:
            exported = {name for name, et in shape.exports if et.kind == "func"}
            plan = [(name, args) for name, args in calls if name in exported]
        fuel_at = fuel_label(shape)
        expected = record(ref_wasmtime.WasmtimeEngine(self.engine, module, shape), plan, SMITH_FUEL, fuel_at)
        report = ModuleReport(calls=len(expected.steps) - 1, skipped=expected.skipped,
                              seconds_reference=time.monotonic() - start)
        job = Job(data, shape, plan, SMITH_FUEL, fuel_at, expected, tuple(levels or self.levels))
        while job.levels:
            if self.child is None:
                self.child = WasmcChild(self.workdir, self.function_cache)
            results, alive = self.child.run(job, self.timeout)
            report.levels.update(results)
            if not alive or self.child.modules >= CHILD_MODULES:
                self.child.close()
                self.child = None
            # A level that killed the child leaves the levels after it to a fresh one.
            job.levels = tuple(level for level in job.levels if level not in report.levels)
        return report

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
            self.child = None
