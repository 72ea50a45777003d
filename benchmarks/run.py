"""The wasmc benchmark suite: C and Go programs timed natively, under wasmtime and under wasmc.

    python benchmarks/run.py                 # build, check, time (3 interleaved rounds), report
    python benchmarks/run.py --check         # build and verify every runner prints the native output
    python benchmarks/run.py --quick         # smoke run: 1 round, 5 % of the work
    python benchmarks/run.py --only nbody --only floatgo --rounds 5

Every program takes the work scale (percent of the full run) as argv[1] and prints a checksum; every
runner must print exactly what the native build prints. Builds (wasm, native, wasmc executables) are
cached under --build-dir, keyed by a hash of their inputs. README.md beside this file explains the
runners and the columns.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
C_DIR = HERE / "c"
GO_DIR = HERE / "go"
TIMER = HERE / "wasmtime_timer.py"

C_WASM_FLAGS = ("--target=wasm32-wasi", "-O2", "-s")
C_NATIVE_FLAGS = ("-O2",)
# The SIMD programs (c/simd_*): Wasm SIMD for wasm; natively the same clang (zig's) for wasmc's portable
# baseline CPU, so native runs the same vector code with SSE4.2 where wasm has v128.
C_SIMD_WASM_FLAGS = (*C_WASM_FLAGS, "-msimd128")
C_SIMD_NATIVE_FLAGS = ("-O2", "-mcpu=x86_64_v2")
# purego: crypto/sha256 and friends use their portable Go code natively too (wasm has no assembly
# versions), so the native column measures the same algorithm rather than SHA-NI instructions.
GO_FLAGS = ("-trimpath", "-tags", "purego")
QUICK_SCALE = 5
RUNNERS = ("native", "wasmtime", "wasmtime_cold", "wasmc_aot", "wasmc_run")
LABELS = {"native": "native", "wasmtime": "wasmtime", "wasmtime_cold": "wasmtime cold",
          "wasmc_aot": "wasmc AOT", "wasmc_run": "wasmc run"}


# --- programs and builds ---------------------------------------------------------------------------------
@dataclass
class Program:
    name: str
    lang: str                     # "c" or "go"
    sources: list[Path]
    wasm: Path | None = None
    native: Path | None = None
    aot: Path | None = None
    times: dict[str, list[float]] = field(default_factory=dict)
    compile_times: dict[str, float] = field(default_factory=dict)


def discover() -> list[Program]:
    progs = [Program(p.stem, "c", [p, *sorted(C_DIR.glob("*.h"))]) for p in sorted(C_DIR.glob("*.c"))]
    shared = [GO_DIR / "go.mod", *sorted((GO_DIR / "internal").rglob("*.go"))]
    for main in sorted(GO_DIR.glob("*/main.go")):
        progs.append(Program(main.parent.name, "go", [*shared, *sorted(main.parent.rglob("*.go"))]))
    return progs


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def run_checked(argv: list[str], what: str, **kw) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found (pip install -e '.[bench,c,go,test]')")
    return found


def go_env(wasm: bool, build_dir: Path) -> dict[str, str]:
    env = {**os.environ, "GOCACHE": str(build_dir / "gocache"), "GOTOOLCHAIN": "local", "GOPROXY": "off",
           "GOFLAGS": "", "GOWORK": "off", "CGO_ENABLED": "0"}
    if wasm:
        env.update(GOOS="wasip1", GOARCH="wasm")
    else:
        env.pop("GOOS", None), env.pop("GOARCH", None)
    return env


WASMC_SRC: Path | None = None   # --wasmc-src: run wasmc from this source tree instead of the installed one


def wasmc_cmd() -> list[str]:
    if WASMC_SRC is None:
        return [tool("wasmc")]
    return [sys.executable, "-c", "import sys; from wasmc.cli import main; sys.exit(main())"]


def wasmc_env(cache: Path | str) -> dict[str, str]:
    env = {**os.environ, "WASMC_CACHE_DIR": str(cache)}
    if WASMC_SRC is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(WASMC_SRC), env.get("PYTHONPATH")]))
    return env


def toolchain_ids(build_dir: Path) -> dict[str, str]:
    zig = run_checked([sys.executable, "-m", "ziglang", "version"], "zig version").strip()
    cc = run_checked(["cc", "--version"], "cc --version").splitlines()[0]
    go = run_checked([tool("go"), "version"], "go version", env=go_env(False, build_dir)).strip()
    # What decides a wasmc executable: the compiler's sources and the runtime it links.
    h = hashlib.sha256()
    src = WASMC_SRC or REPO
    for d, pattern in ((src / "wasmc", "**/*.py"), (src / "runtime_c", "**/*.[ch]")):
        for p in sorted(d.glob(pattern)):
            h.update(str(p.relative_to(src)).encode() + b"\0" + p.read_bytes())
    return {"zig": zig, "cc": cc, "go": go, "wasmc": h.hexdigest()[:16]}


def cached(path: Path, build) -> Path:
    """Runs build(tmp) and renames tmp to `path` unless `path` exists already."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        build(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def build_program(p: Program, build_dir: Path, ids: dict[str, str]) -> None:
    src_key = digest(*(str(s.relative_to(HERE)).encode() + b"\0" + s.read_bytes() for s in p.sources))
    out = build_dir / f"{p.lang}-{p.name}"
    if p.lang == "c":
        src = p.sources[0]
        simd = p.name.startswith("simd_")
        wasm_flags = C_SIMD_WASM_FLAGS if simd else C_WASM_FLAGS
        zig_cc = [sys.executable, "-m", "ziglang", "cc"]
        native_cc, native_flags = (zig_cc, C_SIMD_NATIVE_FLAGS) if simd else (["cc"], C_NATIVE_FLAGS)
        native_id = ids["zig"] if simd else ids["cc"]
        p.wasm = cached(out / digest(src_key, ids["zig"], *wasm_flags) / f"{p.name}.wasm", lambda o: run_checked(
            [*zig_cc, *wasm_flags, str(src), "-o", str(o)], f"zig cc {src.name}"))
        p.native = cached(out / digest(src_key, native_id, *native_flags) / p.name, lambda o: run_checked(
            [*native_cc, *native_flags, str(src), "-o", str(o), "-lm"], f"native build of {src.name}"))
    else:
        go = tool("go")
        p.wasm = cached(out / digest(src_key, ids["go"], "wasm", *GO_FLAGS) / f"{p.name}.wasm", lambda o: run_checked(
            [go, "build", *GO_FLAGS, "-o", str(o), f"./{p.name}"], f"go build {p.name} (wasip1)",
            cwd=GO_DIR, env=go_env(True, build_dir)))
        p.native = cached(out / digest(src_key, ids["go"], "native", *GO_FLAGS) / p.name, lambda o: run_checked(
            [go, "build", *GO_FLAGS, "-o", str(o), f"./{p.name}"], f"go build {p.name} (native)",
            cwd=GO_DIR, env=go_env(False, build_dir)))


def wasmc_compile(wasm: Path, out: Path, build_dir: Path) -> float:
    """`wasmc compile -O2` with an empty compile cache (so LLVM really runs); returns the wall time. What
    it cached is then merged into the cache `wasmc run` uses, which spares that one a second compile."""
    with tempfile.TemporaryDirectory(prefix="wasmc-bench-cache-") as cache:
        t0 = time.perf_counter()
        run_checked([*wasmc_cmd(), "compile", "-O2", str(wasm), "-o", str(out)], f"wasmc compile {wasm.name}",
                    env=wasmc_env(cache))
        elapsed = time.perf_counter() - t0
        shutil.copytree(cache, build_dir / "wasmc-cache", dirs_exist_ok=True)
        return elapsed


def build_aot(p: Program, build_dir: Path, ids: dict[str, str], remeasure: bool) -> None:
    """The wasmc executable, cached by module and compiler. Building it times the (cold) compile, which
    is kept beside it in compile.json; `remeasure` times another cold compile now."""
    key = digest(p.wasm.read_bytes(), ids["wasmc"], "O2")
    path = build_dir / f"{p.lang}-{p.name}" / f"aot-{key}" / p.name
    record = path.parent / "compile.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seconds = wasmc_compile(p.wasm, Path(str(path) + ".new"), build_dir)
        record.write_text(json.dumps({"wasmc": seconds, "when": time.strftime("%Y-%m-%d %H:%M:%S")}))
        os.replace(str(path) + ".new", path)
    elif remeasure or not record.exists():
        with tempfile.TemporaryDirectory() as d:
            seconds = wasmc_compile(p.wasm, Path(d) / p.name, build_dir)
        record.write_text(json.dumps({"wasmc": seconds, "when": time.strftime("%Y-%m-%d %H:%M:%S")}))
    if record.exists():
        p.compile_times = json.loads(record.read_text())
    p.aot = path


# --- running ---------------------------------------------------------------------------------------------
class Mismatch(Exception):
    pass


def timed(argv: list[str], out: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Runs argv with stdout to `out`; returns (wall seconds, CPU seconds: user + system of the child)."""
    with open(out, "wb") as f, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=f, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise Mismatch(f"{' '.join(argv)} exited {proc.returncode}: {err.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def run_once(p: Program, runner: str, scale: int, tmp: Path, build_dir: Path) -> tuple[dict[str, float], str]:
    """Runs `p` once under `runner` ("native", "wasmtime", "wasmc_aot" or "wasmc_run"); returns
    the times measured ({runner: seconds}, wasmtime also gives "wasmtime_cold" and its compile time)
    and the program's stdout."""
    out = tmp / f"{p.name}.{runner}.out"
    args = [str(scale)]
    if runner == "native":
        env = {**os.environ, "GOMAXPROCS": "1"} if p.lang == "go" else None
        times = dict(zip(("native", "native@cpu"), timed([str(p.native), *args], out, env)))
    elif runner == "wasmtime":
        line = run_checked([sys.executable, str(TIMER), str(p.wasm), str(out), *args], f"wasmtime {p.name}")
        r = json.loads(line)
        if r["exit"] != 0:
            raise Mismatch(f"wasmtime {p.name}: exit {r['exit']}")
        times = {"wasmtime": r["exec"], "wasmtime_cold": r["compile"] + r["exec"], "wasmtime_compile": r["compile"],
                 "wasmtime@cpu": r["exec_cpu"], "wasmtime_cold@cpu": r["compile_cpu"] + r["exec_cpu"]}
    elif runner == "wasmc_aot":
        times = dict(zip(("wasmc_aot", "wasmc_aot@cpu"), timed([str(p.aot), *args], out)))
    elif runner == "wasmc_run":
        times = dict(zip(("wasmc_run", "wasmc_run@cpu"), timed([*wasmc_cmd(), "run", "-O2", str(p.wasm), *args], out,
                                                               wasmc_env(build_dir / "wasmc-cache"))))
    else:
        raise ValueError(runner)
    return times, out.read_text()


def check_output(p: Program, runner: str, got: str, expected: str) -> None:
    if got != expected:
        raise Mismatch(f"{p.name} under {runner} printed {got!r}, native printed {expected!r}")


# --- reporting -------------------------------------------------------------------------------------------
def geomean(xs: list[float]) -> float:
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


METRIC = ""   # "" for wall time, "@cpu" for CPU time (user + system)


def best(p: Program, runner: str) -> float:
    return min(p.times[runner + METRIC])


RATIOS = (("wasmc AOT / native", "wasmc_aot", "native"), ("wasmc AOT / wasmtime", "wasmc_aot", "wasmtime"),
          ("wasmtime / native", "wasmtime", "native"))


def time_table(progs: list[Program]) -> str:
    head = ["program", *(LABELS[r] + " (s)" for r in RUNNERS), *(r[0] for r in RATIOS), "wasmc run − AOT (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for lang in ("c", "go"):
        group = [p for p in progs if p.lang == lang]
        if not group:
            continue
        for p in group:
            cells = [f"{best(p, r):.3f}" for r in RUNNERS]
            cells += [f"{best(p, a) / best(p, b):.2f}" for _, a, b in RATIOS]
            cells.append(f"{best(p, 'wasmc_run') - best(p, 'wasmc_aot'):+.3f}")
            lines.append(f"| {lang}/{p.name} | " + " | ".join(cells) + " |")
        gm = [f"{geomean([best(p, r) for p in group]):.3f}" for r in RUNNERS]
        gm += [f"**{geomean([best(p, a) / best(p, b) for p in group]):.2f}**" for _, a, b in RATIOS]
        gm.append(f"{sum(best(p, 'wasmc_run') - best(p, 'wasmc_aot') for p in group) / len(group):+.3f} (mean)")
        lines.append(f"| **{lang.upper()} geomean** | " + " | ".join(gm) + " |")
    return "\n".join(lines)


def compile_table(progs: list[Program]) -> str:
    lines = ["| program | wasm size (KiB) | wasmc compile -O2 (s) | wasmtime compile (s) | wasmc / wasmtime "
             "| wasmc measured |", "|---|---:|---:|---:|---:|---|"]
    for p in progs:
        wc = p.compile_times.get("wasmc")
        wt = min(p.times["wasmtime_compile"]) if p.times.get("wasmtime_compile") else None
        fmt = lambda v: "n/a" if v is None else f"{v:.2f}"
        ratio = f"{wc / wt:.1f}" if wc and wt else "n/a"
        lines.append(f"| {p.lang}/{p.name} | {p.wasm.stat().st_size / 1024:.0f} | {fmt(wc)} | {fmt(wt)} | {ratio} "
                     f"| {p.compile_times.get('when', 'n/a')} |")
    return "\n".join(lines)


def plot(progs: list[Program], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ("wasmtime", "wasmtime_cold", "wasmc_aot", "wasmc_run")
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(progs) + 2), 5))
    width = 0.8 / len(shown)
    xs = range(len(progs))
    for i, r in enumerate(shown):
        ax.bar([x + (i - (len(shown) - 1) / 2) * width for x in xs],
               [best(p, r) / best(p, "native") for p in progs], width, label=LABELS[r])
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(list(xs), [f"{p.lang}/{p.name}" for p in progs], rotation=45, ha="right")
    ax.set_ylabel("time / native time (log scale, lower is better)")
    ax.set_title(f"wasmc vs wasmtime vs native ({'CPU' if METRIC else 'wall'} time, min over rounds)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --- main ------------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the minimum is kept (default 3)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this program (repeatable; also 'c' or 'go' for a whole language)")
    ap.add_argument("--quick", action="store_true", help=f"smoke run: 1 round at scale {QUICK_SCALE}")
    ap.add_argument("--check", action="store_true",
                    help="only build and verify that every runner prints the native output (no timing report)")
    ap.add_argument("--scale", type=int, help="work scale in percent (default 100; --quick/--check: 5)")
    ap.add_argument("--recompile", action="store_true",
                    help="time wasmc compile again even when its executable is cached (the compile-time table "
                         "otherwise shows the time measured when the executable was built)")
    ap.add_argument("--wasmc-src", type=Path, default=os.environ.get("WASMC_BENCH_SRC"), metavar="DIR",
                    help="run wasmc from this tree (holding wasmc/ and runtime_c/, e.g. a `git archive HEAD` "
                         "snapshot) instead of the installed one; default $WASMC_BENCH_SRC")
    ap.add_argument("--metric", choices=("wall", "cpu"), default="wall",
                    help="what the chart shows: wall time or CPU time (both tables are always printed)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where the chart and JSON go")
    ap.add_argument("--build-dir", type=Path, default=Path(os.environ.get("WASMC_BENCH_BUILD") or HERE / "build"),
                    help="build cache (default benchmarks/build, or $WASMC_BENCH_BUILD)")
    opts = ap.parse_args()
    global WASMC_SRC
    WASMC_SRC = opts.wasmc_src.resolve() if opts.wasmc_src else None
    scale = opts.scale or (QUICK_SCALE if opts.quick or opts.check else 100)
    rounds = 1 if opts.quick or opts.check else opts.rounds

    progs = discover()
    if opts.only:
        unknown = set(opts.only) - {p.name for p in progs} - {"c", "go"}
        if unknown:
            raise SystemExit(f"unknown program(s): {', '.join(sorted(unknown))}; have "
                             f"{', '.join(p.name for p in progs)}")
        progs = [p for p in progs if p.name in opts.only or p.lang in opts.only]

    build_dir = opts.build_dir.resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    ids = toolchain_ids(build_dir)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    log(f"building {len(progs)} programs in {build_dir}")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda p: build_program(p, build_dir, ids), progs))
    for p in progs:   # one at a time: wasmc compile uses every core itself
        log(f"wasmc compile {p.name}")
        build_aot(p, build_dir, ids, opts.recompile and not opts.check)

    with tempfile.TemporaryDirectory(prefix="wasmc-bench-") as tmpdir:
        tmp = Path(tmpdir)
        failures = []
        expected: dict[str, str] = {}
        # Warm-up (not timed): native output, and `wasmc run`'s compile cache, so later runs hit it.
        for p in progs:
            try:
                expected[p.name] = run_once(p, "native", scale, tmp, build_dir)[1]
                if not opts.check:
                    run_once(p, "wasmc_run", scale, tmp, build_dir)
            except Mismatch as e:
                failures.append(str(e))
        order = ("native", "wasmtime", "wasmc_aot", "wasmc_run")
        for rnd in range(rounds):
            log(f"round {rnd + 1}/{rounds}")
            for p in progs:
                if p.name not in expected:
                    continue
                for runner in order:
                    try:
                        times, got = run_once(p, runner, scale, tmp, build_dir)
                        check_output(p, runner, got, expected[p.name])
                    except Mismatch as e:
                        failures.append(str(e))
                        continue
                    for k, v in times.items():
                        p.times.setdefault(k, []).append(v)
                    log(f"  {p.name:12} {runner:10} " + " ".join(f"{k}={v:.3f}" for k, v in times.items()
                                                                  if "@" not in k))
        if failures:
            print("OUTPUT MISMATCHES:\n" + "\n".join(failures))
            return 1
    if opts.check:
        print(f"ok: {len(progs)} programs, every runner printed the native output (scale {scale})")
        return 0

    global METRIC
    tables = []
    for metric, title in (("", "wall"), ("@cpu", "CPU user+system")):
        METRIC = metric
        tables.append(f"## Run times, {title} (s; scale {scale}, min of {rounds} rounds)\n\n{time_table(progs)}\n")
    tables.append(f"## Compile times (wall)\n\n{compile_table(progs)}\n")
    tables = "\n".join(tables)
    print(tables)
    opts.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    raw = {"date": stamp, "scale": scale, "rounds": rounds, "machine": platform.platform(),
           "cpus": os.cpu_count(), "toolchains": ids,
           "programs": {p.name: {"lang": p.lang, "wasm_bytes": p.wasm.stat().st_size, "times": p.times,
                                 "compile": p.compile_times} for p in progs}}
    (opts.out / "results.json").write_text(json.dumps(raw, indent=1) + "\n")
    (opts.out / "results.md").write_text(tables)
    METRIC = "@cpu" if opts.metric == "cpu" else ""
    plot(progs, opts.out / "results.png")
    log(f"wrote {opts.out / 'results.json'}, results.md and results.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
