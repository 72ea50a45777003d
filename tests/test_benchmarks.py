"""Every benchmark program prints the native build's checksum under every runner (wasmtime, wasmc
executables, wasmc run), at a small scale. C in the default run; Go, whose modules take a minute each to
compile at -O2, behind the `slow` marker."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.mark.parametrize("language", ["c", pytest.param("go", marks=pytest.mark.slow)])
def test_benchmarks_agree_with_native(language):
    if shutil.which("cc") is None:
        pytest.skip("needs a C compiler for the native builds")
    result = subprocess.run([sys.executable, str(RUN), "--check", "--only", language],
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "every runner printed the native output" in result.stdout
