"""Differential fuzzing of wasmc against wasmtime on wasm-tools smith modules.

    python -m tests.fuzz.difffuzz --minutes 20 [--seed S] [--levels 0,2] [--out DIR] [--jobs J]
    python -m tests.fuzz.difffuzz --count 200            # a fixed number of modules instead
    python -m tests.fuzz.difffuzz --replay DIR           # re-run one saved finding and print it
    python -m tests.fuzz.difffuzz --shrink DIR           # shrink one saved finding

Each job process draws modules (index i of seed S is always the same module), records wasmtime's
trace and has a wasmc child replay it at every level; findings are tallied by signature, the first
few of each saved and, at the end, shrunk. wasmc compiles as for its users, through the function
cache; --no-function-cache takes the whole-module path, several times faster on these small modules.
Exit status 1 when anything differed.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .findings import BAD_ALWAYS, FindingStore, Tally, format_summary, signature_key
from .generate import SMITH_FLAGS, SMITH_FUEL, export_fuel, smith, smith_input, validate, wasm_tools
from .values import args_from_json

DEFAULT_OUT = Path(__file__).resolve().parent / "findings"
PROGRESS_EVERY = 30.0


def fuzz_worker(worker_id: int, settings: dict, counter, results) -> None:
    """Draw module indices from the shared counter until the count or the deadline is reached."""
    from .differ import Differ
    os.nice(settings.get("nice", 0))
    differ = Differ(settings["levels"], Path(settings["workdir"]) / f"job{worker_id}", settings["timeout"],
                    settings["function_cache"])
    seed, count, deadline = settings["seed"], settings["count"], settings["deadline"]
    try:
        while time.time() < deadline:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if count is not None and index >= count:
                break
            try:
                results.put(_check_one(differ, seed, index))
            except Exception:  # noqa: BLE001 - a harness bug on one module must not end the run
                results.put(("harness_error", index, traceback.format_exc(), None))
    finally:
        differ.close()
        results.put(("worker_done", worker_id, None, None))


def _check_one(differ, seed: str, index: int) -> tuple:
    data = smith(*smith_input(seed, index))
    if data is None:
        return ("smith_failed", index, None, None)
    data = export_fuel(data)
    error = validate(data)
    if error is not None:
        return ("invalid", index, error, None)
    report = differ.check(data, f"{seed}:{index}")
    if report is None:
        return ("rejected", index, None, None)
    differs = any(r.difference for r in report.levels.values())
    return ("report", index, report, data if differs else None)


class Campaign:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.seed = str(args.seed)
        self.levels = tuple(int(x) for x in args.levels.split(","))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.run_dir = Path(args.out) / f"run-{stamp}-seed{self.seed}"
        self.store = FindingStore(self.run_dir / "findings", args.keep)
        self.tally = Tally()
        self.interrupted = False
        self.workdir = Path(tempfile.mkdtemp(prefix="wasmc-difffuzz-"))   # caches, temp files, sockets
        self.config = {"seed": self.seed, "levels": list(self.levels), "jobs": args.jobs,
                       "function_cache": not args.no_function_cache,
                       "minutes": args.minutes, "count": args.count, "timeout_s": args.timeout,
                       "smith_fuel": SMITH_FUEL, "smith_flags": " ".join(SMITH_FLAGS),
                       "wasm_tools": _tool_version(), "wasmtime": _package_version("wasmtime")}

    def run(self) -> int:
        start = time.monotonic()
        try:
            self._fuzz()
            fuzz_seconds = time.monotonic() - start
            shrunk = [] if self.args.no_shrink or self.interrupted else self._shrink()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
        text = format_summary(self.tally, self.config, fuzz_seconds, shrunk)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "summary.txt").write_text(text + "\n")
        (self.run_dir / "summary.json").write_text(json.dumps(
            {"config": self.config, "seconds": round(fuzz_seconds, 1), "tally": self.tally.as_dict(),
             "shrunk": shrunk}, indent=2) + "\n")
        print(text)
        print(f"findings and summary in {self.run_dir}")
        return 1 if self.tally.modules_differing else 0

    # --- the fuzzing loop -----------------------------------------------------------------------------
    def _fuzz(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        counter = ctx.Value("q", 0)
        results = ctx.Queue()
        minutes = self.args.minutes if self.args.minutes is not None else 1e6
        settings = {"seed": self.seed, "levels": self.levels, "count": self.args.count,
                    "deadline": time.time() + 60 * minutes, "timeout": self.args.timeout,
                    "workdir": str(self.workdir), "nice": self.args.nice,
                    "function_cache": not self.args.no_function_cache}
        workers = [ctx.Process(target=fuzz_worker, args=(i, settings, counter, results), daemon=True)
                   for i in range(self.args.jobs)]
        for w in workers:
            w.start()
        try:
            self._collect(workers, results)
        except KeyboardInterrupt:
            print("interrupted: the summary covers what ran", file=sys.stderr, flush=True)
            self.interrupted = True
            for w in workers:
                w.terminate()
        for w in workers:
            w.join(timeout=30)

    def _collect(self, workers: list, results) -> None:
        running, next_progress, start = len(workers), time.monotonic() + PROGRESS_EVERY, time.monotonic()
        while running:
            try:
                kind, index, payload, data = results.get(timeout=1.0)
            except queue.Empty:
                if not any(w.is_alive() for w in workers):
                    break
                continue
            if kind == "worker_done":
                running -= 1
            else:
                self._take(kind, index, payload, data)
            if time.monotonic() >= next_progress:
                next_progress += PROGRESS_EVERY
                elapsed = time.monotonic() - start
                print(f"[{elapsed:5.0f} s] {self.tally.run} run ({60 * self.tally.run / elapsed:.0f}/min), "
                      f"{self.tally.modules_differing} differing, {len(self.tally.by_signature)} signatures",
                      file=sys.stderr, flush=True)

    def _take(self, kind: str, index: int, report, data: bytes | None) -> None:
        t = self.tally
        t.modules += 1
        if kind == "smith_failed":
            t.smith_failed += 1
            return
        if kind == "invalid":
            t.invalid += 1
            return
        if kind == "rejected":
            t.rejected += 1
            return
        if kind == "harness_error":
            t.harness_errors += 1
            if t.harness_errors <= 3:
                print(f"harness error on module {index}:\n{report}", file=sys.stderr, flush=True)
            return
        t.run += 1
        t.calls += report.calls
        t.seconds_reference += report.seconds_reference
        if report.skipped:
            t.reference_skips[report.skipped] += 1
        differing = False
        for level, result in sorted(report.levels.items()):
            t.steps_compared += result.steps
            t.nan_allowed += result.nan_allowed
            t.seconds_wasmc[f"O{level}"] += result.seconds
            diff = result.difference
            if diff is None:
                continue
            differing = True
            key = signature_key(diff, level)
            t.by_level[f"O{level}"] += 1
            t.by_category[(diff.category, f"O{level}")] += 1
            t.by_signature[key] += 1
            saved = self.store.add(key, diff, level, data, {"index": index, "seed": self.seed,
                                                            "plan_seed": f"{self.seed}:{index}",
                                                            "timeout": self.args.timeout,
                                                            "function_cache": not self.args.no_function_cache})
            if saved is not None and t.by_signature[key] == 1:
                print(f"new signature {key} (module {index}) -> {saved}", file=sys.stderr, flush=True)
        t.modules_differing += differing

    # --- shrinking --------------------------------------------------------------------------------------
    def _shrink(self) -> list[dict]:
        from .shrink import shrink_worker
        keys = _shrink_order(list(self.store.saved), self.tally.by_signature)[:self.args.shrink_max]
        dirs = [d for k in keys for d in self.store.saved[k][:self.args.shrink_per_signature]]
        if not dirs or self.args.shrink_minutes <= 0:
            return []
        limit = min(300.0, max(30.0, 60 * self.args.shrink_minutes * self.args.jobs / len(dirs)))
        print(f"shrinking {len(dirs)} findings, at most {limit:.0f} s each", file=sys.stderr, flush=True)
        work = [(str(d), str(self.workdir / f"shrink{i}"), self.args.shrink_attempts, limit)
                for i, d in enumerate(dirs)]
        with multiprocessing.get_context("spawn").Pool(self.args.jobs) as pool:
            return [s for s in pool.imap_unordered(shrink_worker, work) if s is not None]


def _shrink_order(keys: list[str], counts) -> list[str]:
    """Crashes, hangs and exceptions first, then the most frequent signature of each category, then the
    second of each, and so on: a short shrink budget covers every kind of difference."""
    by_category: dict[str, list[str]] = {}
    for k in sorted(keys, key=lambda k: -counts[k]):
        by_category.setdefault(k.split(":")[0], []).append(k)
    bad = [k for c in BAD_ALWAYS for k in by_category.pop(c, [])]
    rounds = [ks[i] for i in range(max(map(len, by_category.values()), default=0))
              for ks in by_category.values() if i < len(ks)]
    return bad + rounds


def replay_finding(finding_dir: Path) -> int:
    """Re-run a saved finding (its shrunk module when there is one) and print what differs now."""
    from .differ import Differ
    info = json.loads((finding_dir / "finding.json").read_text())
    module = finding_dir / ("shrunk.wasm" if (finding_dir / "shrunk.wasm").exists() else "module.wasm")
    calls = None
    if "plan" in info:           # the shorter plan the shrinker found to show the difference
        calls = [(name, args_from_json(args)) for name, args in info["plan"]]
    with tempfile.TemporaryDirectory(prefix="wasmc-replay-") as tmp:
        differ = Differ((info["level"],), Path(tmp), info.get("timeout", 20.0), info.get("function_cache", True))
        try:
            report = differ.check(module.read_bytes(), info["plan_seed"], calls=calls)
        finally:
            differ.close()
    diff = report and report.levels[info["level"]].difference
    print(f"{module}: recorded {info['key']}")
    if diff is None:
        print("  no difference now")
        return 0
    print(f"  now {signature_key(diff, info['level'])} at step {diff.step}, call {diff.call}")
    print(f"  expected: {diff.expected}\n  actual:   {diff.actual}")
    return 1


def _tool_version() -> str:
    return subprocess.run([wasm_tools(), "--version"], capture_output=True, text=True).stdout.strip()


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz.difffuzz", description=__doc__.split("\n")[0])
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("--minutes", type=float, help="fuzz for this long (default 5 without --count)")
    stop.add_argument("--count", type=int, help="fuzz this many smith inputs")
    p.add_argument("--seed", default=None, help="run seed (default: random, printed)")
    p.add_argument("--levels", default="0,2", help="wasmc -O levels to compare (default 0,2)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="findings directory (default tests/fuzz/findings)")
    p.add_argument("--jobs", type=int, default=max(1, len(os.sched_getaffinity(0))),
                   help="parallel fuzz processes (default: the cores)")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds one level of one module may take")
    p.add_argument("--keep", type=int, default=3, help="findings saved per signature")
    p.add_argument("--nice", type=int, default=10, help="niceness of the fuzz processes")
    p.add_argument("--no-function-cache", action="store_true",
                   help="compile whole modules (WASMC_FUNCTION_CACHE=0) instead of through the function cache")
    p.add_argument("--no-shrink", action="store_true", help="do not shrink findings at the end")
    p.add_argument("--shrink-minutes", type=float, default=12.0, help="time for shrinking at the end")
    p.add_argument("--shrink-attempts", type=int, default=500, help="wasm-tools shrink --attempts")
    p.add_argument("--shrink-per-signature", type=int, default=1)
    p.add_argument("--shrink-max", type=int, default=16, help="signatures shrunk at most")
    p.add_argument("--replay", type=Path, metavar="DIR", help="re-run a saved finding")
    p.add_argument("--shrink", type=Path, metavar="DIR", help="shrink a saved finding")
    args = p.parse_args(argv)
    if args.seed is None:
        args.seed = random.randrange(1 << 32)
    if args.minutes is None and args.count is None:
        args.minutes = 5.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.replay:
        return replay_finding(args.replay)
    if args.shrink:
        from .shrink import shrink_finding
        with tempfile.TemporaryDirectory(prefix="wasmc-shrink-") as tmp:
            summary = shrink_finding(args.shrink, Path(tmp), args.shrink_attempts, 60 * args.shrink_minutes)
        print(summary or "the finding does not reproduce")
        return 0 if summary else 1
    return Campaign(args).run()


if __name__ == "__main__":
    sys.exit(main())
