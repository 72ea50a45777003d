"""Hostile inputs for the wasmc CLI (`run`, `compile`, `run --invoke`) and API (Module, Instance, calls),
each run in a child process with a time and a memory limit, and the outcome of each classified:

    success, error (one line on stderr, non-zero exit), trap (exit 134, "wasm trap:"), guest_exit: fine
    traceback, hang, signal, memory, messy_error (several lines, no traceback): BAD

    python -m tests.fuzz.hostile [--count N] [--jobs J] [--seed S] [--only SUBSTRING] [-v]

Prints a tally and every BAD outcome; exits 1 when there is one.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from wasmc.progress import strip_report

from . import package_root
from .hostile_cases import Case, fixed_cases, sampled_cases

BAD = ("traceback", "hang", "signal", "memory", "messy_error")
# wasmc reserves 8 GiB of address space per linear memory (PROT_NONE, so RLIMIT_DATA does not count it)
# and each call's stack as a writable mapping: RLIMIT_AS cannot work; RLIMIT_DATA caps what was made
# writable (a 4 GiB memory grown in full fits), and peak RSS above MAX_RSS counts as a blow-up.
DATA_LIMIT = 12 << 30
MAX_RSS = 3 << 30
TRAP_EXIT = 134
_UNCOUNTED_REPORT = re.compile(r"^compiling \S+?(?:, first run only)?\n", re.M)


@dataclass(slots=True)
class Outcome:
    case: str
    target: str
    verdict: str
    seconds: float
    detail: str


def classify(target: str, returncode: int | None, stderr: str, max_rss: int) -> tuple[str, str]:
    # The CLI notes a compile that runs past a second ("compiling x.wasm: 3 functions"): not an error line.
    # strip_report misses the form without a count (a module too malformed to count its functions).
    stderr = _UNCOUNTED_REPORT.sub("", strip_report(stderr))
    lines = [line for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if returncode is None:
        return "hang", "killed at the time limit"
    if returncode < 0:
        return "signal", f"signal {-returncode}: {last}"
    if max_rss > MAX_RSS:
        return "memory", f"peak RSS {max_rss >> 20} MiB"
    if "Traceback" in stderr:
        return "traceback", "\n".join(lines[-6:])
    if returncode == 0:
        return "success", last
    if returncode == TRAP_EXIT and "wasm trap:" in stderr:
        return "trap", next(line for line in lines if "wasm trap:" in line).strip()
    if len(lines) == 1:
        return "error", last
    if target == "run" and lines[0].startswith("Error: failed to run main module") and "Caused by:" in lines:
        return "error", lines[-1].strip()      # the native runner's wasmtime-style report (runtime_c/main.c)
    if not lines and target == "run":
        return "guest_exit", f"exit status {returncode}"
    return "messy_error", "\n".join(lines[-6:]) or f"exit status {returncode}, nothing on stderr"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (DATA_LIMIT, DATA_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _wasmc_command() -> list[str]:
    beside = Path(sys.executable).parent / "wasmc"
    return [str(beside)] if beside.is_file() else [sys.executable, "-c",
                                                   "import sys; from wasmc.cli import main; sys.exit(main())"]


def _argv(case: Case, target: str, module: Path, work: Path) -> list[str]:
    if target == "run":
        return [*_wasmc_command(), "run", str(module)]
    if target == "compile":
        return [*_wasmc_command(), "compile", str(module), "-o", str(work / "out.exe")]
    if target == "invoke":
        return [*_wasmc_command(), "run", "--invoke", case.invoke or "main", str(module), *case.args]
    return [sys.executable, "-m", f"{__package__}.hostile", "--api-driver", str(module), case.api_mode,
            case.invoke or ""]


def run_case(case: Case, target: str, root: Path) -> Outcome:
    work = Path(tempfile.mkdtemp(dir=root))
    try:
        module = work / "input.wasm"
        module.write_bytes(case.data)
        env = dict(os.environ, WASMC_CACHE_DIR=str(root / "cache"), TMPDIR=str(work),
                   PYTHONPATH=os.pathsep.join([str(package_root()), os.environ.get("PYTHONPATH", "")]))
        start = time.monotonic()
        with open(work / "stderr", "wb") as err:
            proc = subprocess.Popen(_argv(case, target, module, work), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=str(work),
                                    preexec_fn=_limits, start_new_session=True)
            returncode, max_rss = _wait(proc, case.timeout)
        stderr = (work / "stderr").read_bytes().decode(errors="replace")
        verdict, detail = classify(target, returncode, stderr, max_rss)
        return Outcome(case.name, target, verdict, time.monotonic() - start, detail)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[int | None, int]:
    """(exit code or None when killed at the time limit, peak RSS in bytes) of the child."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss * 1024
        if time.monotonic() > deadline:
            os.killpg(proc.pid, 9)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return None, usage.ru_maxrss * 1024
        time.sleep(0.02)


# --- the API driver: runs in the child process -------------------------------------------------------------
class HostFailure(Exception):
    """Raised by the driver's own host functions; the API hands it back to the caller."""


def api_driver(path: str, mode: str, invoke: str) -> int:
    """Compile, instantiate with dummy imports and call the export(s) with zero arguments. Prints one
    line and exits 1 on a wasmc error, "wasm trap:" and 134 on a trap; anything else escapes."""
    import wasmc
    from wasmc.wasm.types import ExternKind, ValType
    try:
        module = wasmc.Module(Path(path).read_bytes())
        holder = {}

        def reenter(args):
            try:
                return [holder["f"].call_raw([args[0]])[0]]
            except RecursionError as e:
                raise HostFailure("host recursion limit") from e

        imports: dict = {}
        for imp in module.wasm.imports:
            if imp.kind == ExternKind.FUNC:
                ft = module.wasm.types[imp.desc]
                fn = reenter if mode == "reenter" else (lambda args, ft=ft: [0 if t.is_num else None
                                                                             for t in ft.results])
                ext = wasmc.Func.host(ft, fn)
            elif imp.kind == ExternKind.MEMORY:
                ext = wasmc.Memory(imp.desc)
            elif imp.kind == ExternKind.TABLE:
                ext = wasmc.Table(imp.desc)
            else:
                ext = wasmc.Global(imp.desc, 0 if imp.desc.type.is_num else None)
            imports.setdefault(imp.module, {})[imp.name] = ext
        instance = wasmc.Instance(module, imports)
        funcs = {name: f for name, f in instance.exports.items() if isinstance(f, wasmc.Func)}
        if invoke:
            funcs = {invoke: funcs[invoke]} if invoke in funcs else {}
        for name, f in funcs.items():
            holder["f"] = f
            arg = 1_000_000 if mode == "reenter" else 0
            f.call_raw([arg if t is ValType.I32 else 0 if t.is_num else None for t in f.type.params])
    except wasmc.Trap as e:
        print(f"wasm trap: {e.message}", file=sys.stderr)
        return TRAP_EXIT
    except HostFailure as e:
        print(f"wasm trap: host function failed: {e}", file=sys.stderr)
        return TRAP_EXIT
    except wasmc.WasmcError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


# --- the run -----------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz.hostile", description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=120, help="sampled truncations and bit flips (beside the fixed cases)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=max(1, len(os.sched_getaffinity(0))))
    p.add_argument("--only", help="run only cases whose name contains this")
    p.add_argument("--no-fixed", action="store_true", help="only the sampled cases")
    p.add_argument("-v", "--verbose", action="store_true", help="print every outcome")
    p.add_argument("--api-driver", nargs=3, metavar=("MODULE", "MODE", "EXPORT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.api_driver:
        return api_driver(*args.api_driver)

    cases = ([] if args.no_fixed else fixed_cases()) + sampled_cases(random.Random(args.seed), args.count)
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    runs = [(case, target) for case in cases for target in case.targets]
    root = Path(tempfile.mkdtemp(prefix="wasmc-hostile-"))
    start = time.monotonic()
    tally: Counter = Counter()
    bad: list[Outcome] = []
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            for outcome in pool.map(lambda run: run_case(run[0], run[1], root), runs):
                tally[outcome.verdict] += 1
                if outcome.verdict in BAD:
                    bad.append(outcome)
                if args.verbose or outcome.verdict in BAD:
                    print(f"{outcome.verdict:12s} {outcome.target:8s} {outcome.seconds:6.1f}s  {outcome.case}: "
                          f"{outcome.detail.splitlines()[0] if outcome.detail else ''}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    seconds = time.monotonic() - start
    print(f"hostile: {len(runs)} runs of {len(cases)} inputs in {seconds:.0f} s: "
          + ", ".join(f"{v} {n}" for v, n in tally.most_common()))
    print(f"BAD outcomes: {len(bad)}")
    for o in bad:
        print(f"--- {o.verdict} {o.target} {o.case}\n{o.detail}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
