"""A `go_wasip1_wasm_exec` on the wasmtime Python package, standing in for the wasmtime CLI branch of Go's
script (`wasmtime run --dir=/ --env PWD="$PWD" --env PATH="$PATH" -W max-wasm-stack=8388608 MODULE ARGS`):
guest argv [basename(MODULE), ARGS...], env exactly PWD and PATH, host `/` preopened as `/`, inherited
stdio, exit status = the guest's, 134 after a trap. The reference host of benchmarks/go_stdlib.py.

    python wasmtime_exec.py MODULE ARGS...

WASMTIME_EXEC_CACHE=0 disables wasmtime's compilation cache (a cold run compiles the module); any other
value, or none, uses wasmtime's default cache (~/.cache/wasmtime), as the CLI does.
"""
from __future__ import annotations

import os
import sys
import threading

import wasmtime
from wasmtime import _bindings

MAX_WASM_STACK = 8 << 20        # Go's script: -W max-wasm-stack=8388608
# The engine refuses a max_wasm_stack above async_stack_size (2 MiB by default), which the CLI raises
# with it and the Python API does not expose; and wasm must not run on an 8 MiB main thread with an 8 MiB
# allowance, or deep recursion would hit the OS guard page (a crash) before wasmtime's limit (a trap).
ASYNC_STACK = MAX_WASM_STACK + (1 << 20)
THREAD_STACK = 64 << 20


def run(module_path: str, args: list[str]) -> int:
    config = wasmtime.Config()
    _bindings.wasmtime_config_async_stack_size_set(config.ptr(), ASYNC_STACK)
    config.max_wasm_stack = MAX_WASM_STACK
    if os.environ.get("WASMTIME_EXEC_CACHE", "1") != "0":
        config.cache = True         # off unless asked for (the C API refuses an explicit "off")
    engine = wasmtime.Engine(config)
    module = wasmtime.Module.from_file(engine, module_path)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(module_path), *args]
    wasi.env = [("PWD", os.environ.get("PWD") or os.getcwd()), ("PATH", os.environ.get("PATH", ""))]
    wasi.preopen_dir("/", "/")
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        sys.stderr.write(f"Error: failed to run main module `{module_path}`\n\nCaused by:\n    {e.message}\n")
        return 134
    return 0


def main() -> int:
    if len(sys.argv) < 2:
        sys.stderr.write("usage: wasmtime_exec.py MODULE [ARGS...]\n")
        return 2
    status = [1]

    def target() -> None:
        try:
            status[0] = run(sys.argv[1], sys.argv[2:])
        except wasmtime.WasmtimeError as e:
            sys.stderr.write(f"Error: failed to run main module `{sys.argv[1]}`\n\nCaused by:\n    {e}\n")
    threading.stack_size(THREAD_STACK)
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return status[0]


if __name__ == "__main__":
    sys.exit(main())
