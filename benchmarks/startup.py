"""Compile time and start-up for Go binaries, wasmc next to wasmtime, measured in one run.

    python benchmarks/startup.py [--levels 0,2] [--json-levels 0]

For a Go hello world and the encoding/json test binary (run with -test.run=^$, so only start-up counts):
wasmtime's compile time and run (wasmtime Python package, fresh process), wasmc's cold compile of the
executable at each -O level (empty cache), the cached `wasmc run` and the executable's own run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
HELLO = HERE.parent / "examples" / "hello"

WASMTIME_RUN = r"""
import sys, time, wasmtime
data = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
engine = wasmtime.Engine()
module = wasmtime.Module(engine, data)
t1 = time.perf_counter()
linker = wasmtime.Linker(engine); linker.define_wasi()
store = wasmtime.Store(engine)
cfg = wasmtime.WasiConfig(); cfg.argv = ["m"] + sys.argv[2:]; store.set_wasi(cfg)
try:
    linker.instantiate(store, module).exports(store)["_start"](store)
except wasmtime.ExitTrap:
    pass
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def timed(argv, env=None, repeat=1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def go_build(out: Path, test_pkg: str | None) -> Path:
    env = dict(os.environ, GOOS="wasip1", GOARCH="wasm")
    go = shutil.which("go", path=str(BIN)) or "go"
    if test_pkg:
        subprocess.run([go, "test", "-c", "-o", str(out), test_pkg], env=env, check=True)
    else:
        subprocess.run([go, "build", "-o", str(out), "."], env=env, check=True, cwd=HELLO)
    return out


def measure(name: str, wasm: Path, args: list[str], levels: list[int], tmp: Path) -> list[str]:
    rows = []
    out = subprocess.run([sys.executable, "-c", WASMTIME_RUN, str(wasm), *args], capture_output=True,
                         text=True, check=True).stdout.split()
    rows.append(f"| {name} | wasmtime | {float(out[0]):.2f} | {float(out[1]) * 1000:.0f} ms (run in-process) | - |")
    wasmc = str(BIN / "wasmc")
    for level in levels:
        env = dict(os.environ, WASMC_CACHE_DIR=str(tmp / f"cache-{name.replace('/', '_')}-{level}"))
        exe = tmp / f"{name.replace('/', '_')}-O{level}"
        subprocess.run([wasmc, "run", f"-O{level}", str(tmp / "noop.wasm")], env=env, check=True)  # runtime lib
        compile_s = timed([wasmc, "compile", f"-O{level}", str(wasm), "-o", str(exe)], env)
        subprocess.run([wasmc, "run", f"-O{level}", str(wasm), *args], env=env, check=True,
                       stdout=subprocess.DEVNULL)                      # fills the run cache
        cached = timed([wasmc, "run", f"-O{level}", str(wasm), *args], env, repeat=5)
        exe_s = timed([str(exe), *args], env, repeat=5)
        rows.append(f"| {name} | wasmc -O{level} | {compile_s:.2f} | {cached * 1000:.0f} ms | {exe_s * 1000:.1f} ms |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="0,2", help="-O levels for the hello world (default 0,2)")
    ap.add_argument("--json-levels", default="0", help="-O levels for the encoding/json test binary")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wasmc-startup-") as t:
        tmp = Path(t)
        # (module (func (export "_start"))): running it builds the runtime library outside the timings.
        (tmp / "noop.wasm").write_bytes(bytes.fromhex(
            "0061736d01000000" "010401600000" "03020100" "070a01065f73746172740000" "0a040102000b"))
        hello = go_build(tmp / "hello.wasm", None)
        json_test = go_build(tmp / "json.test.wasm", "encoding/json")
        rows = ["| module | host | cold compile (s) | run / cached start | executable start |",
                "|---|---|---:|---:|---:|"]
        rows += measure("hello", hello, [], [int(x) for x in opts.levels.split(",")], tmp)
        rows += measure("encoding/json.test", json_test, ["-test.run=^$"],
                        [int(x) for x in opts.json_levels.split(",")], tmp)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
