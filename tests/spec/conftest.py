"""Says loudly, at the top and at the end of the run, when the spec suite is missing and the spec tests
are skipped: a skip alone shows only with -rs, and a clone without ../shared would pass without them."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("wasmc_spec_suite", Path(__file__).with_name("suite.py"))
suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suite)


def pytest_configure(config) -> None:
    if suite.given_but_missing():
        raise pytest.UsageError(f"{suite.VARIABLE}: {suite.missing_reason()}")


def pytest_report_header(config) -> str:
    reason = suite.missing_reason()
    return f"spec suite: {suite.SUITE}" if reason is None else f"spec suite: MISSING, tests/spec skipped: {reason}"


def pytest_terminal_summary(terminalreporter) -> None:
    reason = suite.missing_reason()
    if reason is not None:
        terminalreporter.write_sep("!", "spec tests SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(reason, yellow=True, bold=True)
