"""The official Wasm 2.0 spec tests, validated by the 2.0 rules: one case per script of the suite (suite.py
says where it is looked for), at -O2 unless WASMC_SPEC_OPT says otherwise, each in a child process with
WASMC_SPEC_TIMEOUT seconds (120) per command. Known failures are listed in expected_failures.toml."""
from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import pytest

from wasmc import wast
from wasmc.cache import BOUNDS_CHECKS_ENV
from wasmc.wasm.features import WASM2

_spec = importlib.util.spec_from_file_location("wasmc_spec_suite", Path(__file__).with_name("suite.py"))
suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suite)
REPO, SUITE = suite.REPO, suite.SUITE
EXPECTED_FAILURES = Path(__file__).with_name("expected_failures.toml")

if suite.missing_reason() is not None:
    pytest.skip(suite.missing_reason(), allow_module_level=True)
try:
    wast.find_wasm_tools()
except wast.WastError as e:
    pytest.skip(str(e), allow_module_level=True)


def _expected_failures() -> dict[tuple[str, int], str]:
    entries = tomllib.loads(EXPECTED_FAILURES.read_text(encoding="utf-8")).get("failure", [])
    return {(e["file"], e["line"]): e["reason"] for e in entries}


@pytest.mark.parametrize("path", sorted(SUITE.glob("*.wast")), ids=lambda p: p.name)
def test_spec(path: Path) -> None:
    opt_level = int(os.environ.get("WASMC_SPEC_OPT", "2"))
    timeout = float(os.environ.get("WASMC_SPEC_TIMEOUT", "120"))
    result = wast.run_file(path, opt_level, isolate=True, timeout=timeout, features=WASM2)
    listed = {line: reason for (file, line), reason in _expected_failures().items() if file == path.name}
    by_line = {o.line: o for o in result.outcomes}
    problems = [f"line {o.line}: {o.command}: {o.reason}" for o in result.failures if o.line not in listed]
    for line in sorted(listed):
        outcome = by_line.get(line)
        if outcome is None:
            problems.append(f"line {line}: listed in expected_failures.toml but no command starts there")
        elif outcome.status is wast.Status.PASSED:
            problems.append(f"line {line}: passes now; remove it from expected_failures.toml")
    if problems:
        pytest.fail(f"{path.name}: {len(problems)} problem(s) at -O{opt_level}\n" + "\n".join(problems),
                    pytrace=False)


OWN_SCRIPTS = sorted((REPO / "tests" / "wast").glob("*.wast"))


@pytest.mark.parametrize("path", OWN_SCRIPTS, ids=lambda p: p.name)
@pytest.mark.parametrize("opt_level,checked", [(0, False), (1, False), (2, False), (0, True), (2, True)],
                         ids=["O0", "O1", "O2", "O0-checked", "O2-checked"])
def test_own_wast(path: Path, opt_level: int, checked: bool, monkeypatch) -> None:
    """Our regressions (tests/wast/*.wast) pass completely at every level, with memory accesses left
    to the guard region (x86-64) and checked explicitly (elsewhere; cache.BOUNDS_CHECKS_ENV)."""
    if checked:
        monkeypatch.setenv(BOUNDS_CHECKS_ENV, "1")
    result = wast.run_file(path, opt_level, isolate=True, timeout=120)
    problems = [f"line {o.line}: {o.command}: {o.reason}" for o in result.failures]
    assert not problems, "\n".join(problems)
