"""The test session's compile cache, never the user's (~/.cache/wasmc or their $WASMC_CACHE_DIR): WASMC_CACHE_DIR
points at a directory made for the session and removed after it, or, when WASMC_TEST_CACHE is set, at
$WASMC_TEST_CACHE/wasmc-cache, beside what tests/programs/build.py keeps there, so that warm runs compile
nothing. Set here, before any test runs, so subprocesses (wasmc, go_wasip1_wasm_exec) inherit it."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_session_cache: Path | None = None


def pytest_configure(config) -> None:
    global _session_cache
    if os.environ.get("WASMC_TEST_CACHE"):
        root = Path(os.environ["WASMC_TEST_CACHE"]) / "wasmc-cache"
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = _session_cache = Path(tempfile.mkdtemp(prefix="wasmc-test-cache-"))
    os.environ["WASMC_CACHE_DIR"] = str(root)


def pytest_unconfigure(config) -> None:
    if _session_cache is not None:
        shutil.rmtree(_session_cache, ignore_errors=True)


def pytest_report_header(config) -> str:
    return f"wasmc compile cache: {os.environ.get('WASMC_CACHE_DIR')}"
