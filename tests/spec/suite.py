"""Where the spec suite is: $WASMC_SPEC_TESTSUITE (a checkout of github.com/WebAssembly/testsuite, or any
directory of .wast files; a `wasm2/` inside it is used when present), else ../shared/spec-testsuite/wasm2
beside the repository, as CI has it. Loaded by path by test_spec.py and conftest.py beside it."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VARIABLE = "WASMC_SPEC_TESTSUITE"
DEFAULT = REPO.parent / "shared" / "spec-testsuite" / "wasm2"
HOW = (f"set {VARIABLE} to a checkout of https://github.com/WebAssembly/testsuite (for Wasm 2.0: "
       f"git clone https://github.com/WebAssembly/testsuite && git -C testsuite checkout dc27dad)")


def _suite() -> Path:
    given = os.environ.get(VARIABLE)
    if not given:
        return DEFAULT
    path = Path(given).expanduser()
    return path / "wasm2" if (path / "wasm2").is_dir() else path


SUITE = _suite()


def missing_reason() -> str | None:
    """Why the suite cannot run, naming where it was looked for and how to point at one; None if it can."""
    if not SUITE.is_dir():
        return f"spec test suite not found at {SUITE}: {HOW}"
    if not any(SUITE.glob("*.wast")):
        return f"no .wast files in {SUITE}: {HOW}"
    return None


def given_but_missing() -> bool:
    """The user named a suite that is not there: an error, not a skip."""
    return bool(os.environ.get(VARIABLE)) and missing_reason() is not None
