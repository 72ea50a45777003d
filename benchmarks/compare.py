"""The generated code of two wasmc source trees side by side: each benchmark program compiled by both
(`wasmc compile -O2`, portable), the executables timed in interleaved rounds, CPU seconds (user +
system), the minimum per program kept, and the ratio new / base with geometric means per language.
For checking that a change to the lowering costs what it should (and saying so in its commit).

    python benchmarks/compare.py --base /tmp/base [--new .] [--rounds 5] [--only c] [--scale 100]

A tree is any checkout holding wasmc/ and runtime_c/ with its extensions built, e.g.
    git worktree add /tmp/base HEAD~1 && (cd /tmp/base && python setup.py build_ext --inplace)
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  (benchmarks/run.py: the programs and their builds)


def compile_with(tree: Path, wasm: Path, out: Path, cache: Path) -> str | None:
    """Compile `wasm` with the wasmc of `tree`; None, or the error that tree reported (an older tree may
    not support the program: SIMD, say)."""
    env = {**os.environ, "WASMC_CACHE_DIR": str(cache), "PYTHONPATH": str(tree), "WASMC_TIERS": "0"}
    argv = [sys.executable, "-c", "import sys; from wasmc.cli import main; sys.exit(main())",
            "compile", "-O2", str(wasm), "-o", str(out)]
    result = subprocess.run(argv, env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    return None if result.returncode == 0 else (lines[-1] if lines else f"exit status {result.returncode}")


def geomean(xs: list[float]) -> float:
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the tree to compare against")
    ap.add_argument("--new", type=Path, default=HERE.parent, help="the tree under test (default: this one)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scale", type=int, default=100, help="work scale in percent, as run.py")
    ap.add_argument("--only", action="append", help="a program name, or c/go (repeatable)")
    ap.add_argument("--build-dir", type=Path, default=Path(os.environ.get("WASMC_BENCH_BUILD", HERE / "build")))
    args = ap.parse_args()

    progs = [p for p in bench.discover()
             if not args.only or p.name in args.only or p.lang in args.only]
    args.build_dir.mkdir(parents=True, exist_ok=True)
    ids = bench.toolchain_ids(args.build_dir)
    trees = {"base": args.base.resolve(), "new": args.new.resolve()}
    with tempfile.TemporaryDirectory(prefix="wasmc-compare-") as tmp:
        tmp = Path(tmp)
        exes: dict[tuple[str, str], Path] = {}
        skipped = []
        for p in progs:
            bench.build_program(p, args.build_dir, ids)
            for label, tree in trees.items():
                exe = tmp / f"{p.name}.{label}"
                print(f"compiling {p.name} with {label}", file=sys.stderr, flush=True)
                error = compile_with(tree, p.wasm, exe, tmp / f"cache-{label}")
                if error:
                    skipped.append(f"{p.name}: the {label} tree cannot compile it ({error})")
                    break
                exes[(p.name, label)] = exe
        progs = [p for p in progs if (p.name, "base") in exes and (p.name, "new") in exes]
        best: dict[tuple[str, str], float] = {}
        expected: dict[str, str] = {}
        for r in range(args.rounds):
            for p in progs:
                for label in (("base", "new") if r % 2 == 0 else ("new", "base")):
                    out = tmp / f"{p.name}.{label}.out"
                    _, cpu = bench.timed([str(exes[(p.name, label)]), str(args.scale)], out)
                    text = out.read_text()
                    if expected.setdefault(p.name, text) != text:
                        sys.exit(f"compare: {p.name} prints differently under {label}")
                    best[(p.name, label)] = min(cpu, best.get((p.name, label), math.inf))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"CPU seconds (user+system), minimum of {args.rounds} interleaved rounds, scale {args.scale}\n")
    print("| program | base (s) | new (s) | new / base |\n|---|---:|---:|---:|")
    ratios: dict[str, list[float]] = {}
    for p in progs:
        b, n = best[(p.name, "base")], best[(p.name, "new")]
        ratios.setdefault(p.lang, []).append(n / b)
        print(f"| {p.lang}/{p.name} | {b:.3f} | {n:.3f} | {n / b:.3f} |")
    for lang, rs in ratios.items():
        print(f"| **{lang.upper()} geomean** | | | **{geomean(rs):.3f}** |")
    for line in skipped:
        print(f"\nleft out: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
