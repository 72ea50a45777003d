"""`wasmc run` as a wasmtime user drives it (issue 12): options before the module, the guest's arguments
after it, `wasmc MODULE` for `wasmc run MODULE`, -h and --version, --env NAME and --inherit-env on run,
silence on a cache hit; `python -m wasmc` and `python -m wasmc.wast`; `wast --summary --column`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from wasmc import __version__, cli

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WASMC = str(BIN / "wasmc")
WAT2WASM = shutil.which("wat2wasm") or str(BIN / "wat2wasm")


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("run-cli")
    subprocess.run([WAT2WASM, str(HERE / "probe.wat"), "-o", str(root / "probe.wasm")], check=True)
    subprocess.run([WASMC, "run", str(root / "probe.wasm")], check=True, capture_output=True)   # compiled once
    return root / "probe.wasm"


def wasmc(*args: str, cwd=None, env=None, program=(WASMC,)) -> subprocess.CompletedProcess:
    return subprocess.run([*program, *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=env, stdin=subprocess.DEVNULL)


def test_everything_after_the_module_goes_to_the_guest(probe):
    result = wasmc("run", str(probe), "args", "--dir", "/", "-h", "--version", "--", "-W", "fuel=1")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["probe.wasm", "args", "--dir", "/", "-h", "--version", "--", "-W", "fuel=1"]


def test_module_without_run_is_run(probe):
    result = wasmc(str(probe), "args", "x")
    assert (result.returncode, result.stdout, result.stderr) == (0, "probe.wasm\nargs\nx\n", "")
    result = wasmc("--env", "A=1", str(probe), "env")          # options too, as `wasmtime --env A=1 m.wasm`
    assert (result.returncode, result.stdout) == (0, "A=1\n")


def test_a_module_named_like_a_command_is_reached_with_run(probe, tmp_path):
    shutil.copy(probe, tmp_path / "wast")
    result = wasmc("run", "wast", "args", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "wast\nargs\n")
    result = wasmc("wast", cwd=tmp_path)                        # still the spec-script command
    assert result.returncode == 2 and "Missing argument 'FILES...'" in result.stderr


def test_help_and_version():
    for args in (("-h",), ("--help",), ("run", "-h"), ("compile", "-h"), ("wast", "-h"), ("cache", "-h"),
                 ("cache", "prune", "-h")):
        result = wasmc(*args)
        assert result.returncode == 0 and result.stdout.startswith("Usage: wasmc"), args
    run_help = wasmc("run", "-h").stdout
    for option in ("--dir", "--env", "--inherit-env", "--argv0", "--invoke", "-W, --wasm", "-S, --wasi"):
        assert option in run_help
    for args in (("--version",), ("-V",)):
        assert wasmc(*args).stdout == f"wasmc {__version__}\n"
    alone = wasmc()
    assert alone.returncode == 2 and alone.stderr.startswith("Usage: wasmc [OPTIONS] COMMAND") and "run " in alone.stderr


def test_env_name_and_inherit_env_on_run(probe):
    env = {"PATH": os.environ["PATH"], "WASMC_CACHE_DIR": os.environ["WASMC_CACHE_DIR"], "ONE": "1", "TWO": "2"}
    result = wasmc("run", "--env", "ONE", "--env", "NOPE", str(probe), "env", env=env)
    assert result.stdout == "ONE=1\n"
    inherited = wasmc("run", "--inherit-env", str(probe), "env", env=env).stdout.splitlines()
    assert inherited == ["PATH=" + env["PATH"], "ONE=1", "TWO=2"]      # WASMC_* are wasmc's, not the guest's
    assert wasmc("run", "-S", "inherit-env", str(probe), "env", env=env).stdout.splitlines() == inherited


def test_cache_hit_prints_nothing(probe):
    result = wasmc("run", str(probe), "args")
    assert (result.returncode, result.stderr) == (0, "")
    result = wasmc("run", "--invoke", "add", str(probe), "2", "3")
    assert (result.returncode, result.stdout) == (0, "5\n")
    assert wasmc("run", "--invoke", "add", str(probe), "2", "3").stderr == ""


def test_python_m_entry_points(probe, tmp_path):
    result = wasmc(str(probe), "args", program=(sys.executable, "-m", "wasmc"))
    assert (result.returncode, result.stdout) == (0, "probe.wasm\nargs\n")
    result = wasmc("--frobnicate", program=(sys.executable, "-m", "wasmc.wast"))
    assert (result.returncode, result.stderr) == (2, "error: No such option: --frobnicate "
                                                     "(see 'python -m wasmc.wast -h')\n")


def test_unexpected_exceptions_are_one_line(capsys, monkeypatch):
    @click.command()
    def broken():
        raise RuntimeError("something\nwent wrong")
    monkeypatch.delenv("WASMC_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.standalone(broken, [], "wasmc")
    assert exit_info.value.code == cli.EXIT_INTERNAL
    assert capsys.readouterr().err == ("error: internal error: RuntimeError: something went wrong (a bug in wasmc; "
                                       "WASMC_TRACEBACK=1 shows where)\n")
    monkeypatch.setenv("WASMC_TRACEBACK", "1")
    with pytest.raises(RuntimeError):
        cli.standalone(broken, [], "wasmc")


NOP_WAST = '(module (func (export "f") (result i32) i32.const 7))\n(assert_return (invoke "f") (i32.const 7))\n'
HEADER = "path\tin_wasm1\tin_scalar2\tin_wasm2\tin_wasm3\tin_all\n"


def test_wast_summary_counts_any_manifest_column(tmp_path):
    (tmp_path / "core").mkdir()
    script = tmp_path / "core" / "nop.wast"
    script.write_text(NOP_WAST)
    (tmp_path / "MANIFEST.tsv").write_text(HEADER + "core/nop.wast\t0\t0\t1\t2\t3\n")    # the suite's top level
    result = wasmc("wast", "-O0", "--summary", "--column", "in_wasm2", str(script))
    assert result.returncode == 0, result.stderr
    assert f"{script}: 2 passed, 0 failed, 0 skipped (assertions passed 1/1 in_wasm2)" in result.stdout
    assert "assertions passed 1/1 in_wasm2\n" in result.stdout
    (tmp_path / "core" / "MANIFEST.tsv").write_text(HEADER + "nop.wast\t1\t1\t1\t1\t1\n")  # beside it, as wasm2/
    result = wasmc("wast", "-O0", "--summary", str(script))
    assert "assertions passed 1/1 in_scalar2\n" in result.stdout


EXTENDED_CONST_WAST = ('(module (global $a i32 (i32.const 2)) (global $b i32 (i32.mul (global.get $a) (i32.const 3)))\n'
                       '  (func (export "b") (result i32) global.get $b))\n(assert_return (invoke "b") (i32.const 6))\n')


def test_wast_spec_level(tmp_path):
    """3.0 rules by default; `--spec 2.0`, or a 2.0 level's --column, validates by 2.0's (no extended
    constant expressions, so the module is rejected)."""
    script = tmp_path / "ext.wast"
    script.write_text(EXTENDED_CONST_WAST)
    assert wasmc("wast", "-O0", str(script)).returncode == 0
    for args in (("--spec", "2.0"), ("--column", "in_wasm2")):
        result = wasmc("wast", "-O0", *args, str(script))
        assert result.returncode == 1 and "2 failed" in result.stdout, result.stdout
    assert wasmc("wast", "-O0", "--spec", "3.0", "--column", "in_wasm2", str(script)).returncode == 0
