"""The wasmc side of the differential fuzzer: a long-lived process that compiles each module it is sent at
each level, replays the reference's trace and answers with the first difference. It runs apart from the
reference so that a crash or a hang of wasmc ends this process (and names one module), not the run.

Protocol (frames of a 4-byte little-endian length and a pickle): the parent sends a Job; the child
answers ("begin", level) before each level, ("done", level, LevelResult) after it, and ("end",).
"""
from __future__ import annotations

import os
import pickle
import re
import struct
import sys
import time
import traceback
from dataclasses import dataclass, field

from .trace import Difference, Shape, Trace, replay


@dataclass(slots=True)
class Job:
    wasm: bytes
    shape: Shape
    plan: list
    fuel: int | None
    fuel_at: str | None
    expected: Trace
    levels: tuple


@dataclass(slots=True)
class LevelResult:
    difference: Difference | None = None
    steps: int = 0                 # steps compared
    nan_allowed: int = 0           # NaN-bit differences the spec allows (state resynchronised)
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def write_frame(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<I", len(data)) + data)
    stream.flush()


def read_frame(stream):
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack("<I", header)
    return pickle.loads(stream.read(size))


def normalize(message: str, limit: int = 80) -> str:
    """A message with its numbers, offsets and quoted names blanked, for signatures."""
    message = re.sub(r"\(at offset[^)]*\)|\([^)]*offset 0x[0-9a-f]+[^)]*\)", "", message)
    message = re.sub(r"0x[0-9a-fA-F]+|\d+", "N", message)
    message = re.sub(r"\"[^\"]*\"|'[^']*'", "S", message)
    return " ".join(message.split())[:limit]


def raised_at(tb) -> str:
    """The innermost frame of a traceback inside wasmc/, as file:function."""
    where = "?"
    for frame in traceback.extract_tb(tb):
        if f"{os.sep}wasmc{os.sep}" in frame.filename:
            where = f"{os.path.basename(frame.filename)}:{frame.name}"
    return where


def run_level(job: Job, level: int) -> LevelResult:
    import wasmc

    from .eng_wasmc import WasmcEngine, compile_module
    start = time.monotonic()
    result = LevelResult()
    try:
        try:
            module = compile_module(job.wasm, level)
        except wasmc.WasmcError as e:
            result.difference = Difference("compile", f"{type(e).__name__}: {normalize(str(e))}", 0, None,
                                           "compiles (wasmtime accepts it)", str(e))
            return result
        engine = WasmcEngine(module, job.shape)
        replayer = replay(engine, job.shape, job.plan, job.fuel, job.fuel_at, job.expected)
        result.difference, result.steps, result.nan_allowed = (replayer.difference, replayer.index,
                                                               replayer.nan_allowed)
    except Exception as e:  # noqa: BLE001 - a Python exception inside wasmc is a finding
        result.difference = Difference("exception", f"{type(e).__name__} at {raised_at(e.__traceback__)}",
                                       -1, None, "no exception", traceback.format_exc())
    finally:
        result.seconds = time.monotonic() - start
    return result


def main() -> None:
    sys.setrecursionlimit(10_000)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr            # stray prints must not corrupt the frames
    while (job := read_frame(stdin)) is not None:
        for level in job.levels:
            write_frame(stdout, ("begin", level))
            write_frame(stdout, ("done", level, run_level(job, level)))
        write_frame(stdout, ("end",))


if __name__ == "__main__":
    # Run the module under its package name, so that what it pickles names tests.fuzz.child, not __main__.
    import importlib
    importlib.import_module(__spec__.name).main()
