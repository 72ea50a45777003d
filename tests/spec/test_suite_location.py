"""Where tests/spec looks for the suite, and that a missing suite is reported loudly, not skipped in silence
(issue 12): run pytest on a copy of tests/spec placed where no ../shared exists."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("suite.py", "conftest.py", "test_spec.py", "expected_failures.toml")


def _copy(root: Path) -> Path:
    spec = root / "repo" / "tests" / "spec"
    spec.mkdir(parents=True)
    for name in FILES:
        shutil.copy(HERE / name, spec / name)
    return spec


def _pytest(spec: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "WASMC_SPEC_TESTSUITE"}
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", str(spec)],
                          cwd=spec, env=environ, capture_output=True, text=True, timeout=300)


def test_missing_suite_is_reported_with_where_and_how(tmp_path):
    spec = _copy(tmp_path)
    looked = tmp_path / "shared" / "spec-testsuite" / "wasm2"
    result = _pytest(spec)
    assert f"spec suite: MISSING, tests/spec skipped: spec test suite not found at {looked}" in result.stdout
    # CI's `pytest -q` shows no header: the end of the run says it too.
    result = _pytest(spec, "-q")
    assert "spec tests SKIPPED" in result.stdout, result.stdout
    assert f"spec test suite not found at {looked}: set WASMC_SPEC_TESTSUITE to a checkout of " \
           f"https://github.com/WebAssembly/testsuite" in result.stdout


def test_named_suite_that_is_missing_is_an_error(tmp_path):
    result = _pytest(_copy(tmp_path), WASMC_SPEC_TESTSUITE=str(tmp_path / "nowhere"))
    assert result.returncode == 4        # pytest's usage error
    assert f"WASMC_SPEC_TESTSUITE: spec test suite not found at {tmp_path / 'nowhere'}" in result.stderr


def test_a_checkout_is_found_through_the_variable(tmp_path):
    suite = tmp_path / "testsuite"
    suite.mkdir()
    (suite / "nop.wast").write_text('(module (func (export "f")))\n(assert_return (invoke "f"))\n')
    result = _pytest(_copy(tmp_path), "-v", WASMC_SPEC_TESTSUITE=str(suite))
    assert f"spec suite: {suite}" in result.stdout
    assert "test_spec.py::test_spec[nop.wast] PASSED" in result.stdout, result.stdout
