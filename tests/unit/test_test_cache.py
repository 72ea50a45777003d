"""The tests compile into a cache of their own (tests/conftest.py), never the user's (issue 12: a pytest run
grew ~/.cache/wasmc from 64 MB to 247 MB)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wasmc import cache


def test_the_session_cache_is_not_the_users():
    root = cache.cache_root().resolve()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    assert root != (base / "wasmc").resolve()
    if os.environ.get("WASMC_TEST_CACHE"):
        assert root == (Path(os.environ["WASMC_TEST_CACHE"]) / "wasmc-cache").resolve()
    else:
        assert root.is_relative_to(Path(tempfile.gettempdir()).resolve())
        assert root.name.startswith("wasmc-test-cache-")
