"""Times one WASI command under wasmtime (the `wasmtime` Python package), for benchmarks/run.py.

    python wasmtime_timer.py MODULE STDOUT_FILE [ARGS...]

Compiles MODULE (timed), then instantiates it and calls `_start` (timed; guest stdout goes to
STDOUT_FILE), and prints one JSON line: {"compile": s, "exec": s, "compile_cpu": s, "exec_cpu": s,
"exit": code} (wall and process CPU seconds). Python start-up and the
`wasmtime` import are outside both timers, so "exec" is comparable with a native run and
"compile" + "exec" is a cold `wasmtime run`.
"""
from __future__ import annotations

import json
import os
import sys
import time

import wasmtime


def main(argv: list[str]) -> int:
    module_path, stdout_path, *args = argv
    data = open(module_path, "rb").read()
    engine = wasmtime.Engine()

    t0, c0 = time.perf_counter(), time.process_time()
    module = wasmtime.Module(engine, data)
    t1, c1 = time.perf_counter(), time.process_time()

    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(module_path), *args]
    wasi.stdout_file = stdout_path
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    code = 0
    t2, c2 = time.perf_counter(), time.process_time()
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        code = e.code
    t3, c3 = time.perf_counter(), time.process_time()
    print(json.dumps({"compile": t1 - t0, "exec": t3 - t2, "compile_cpu": c1 - c0, "exec_cpu": c3 - c2,
                      "exit": code}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
