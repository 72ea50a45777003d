"""`wasmc cache info|clear|prune` on a cache of fake entries (WASMC_CACHE_DIR in a temporary directory)."""
from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from wasmc.cli import _parse_size, main


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WASMC_CACHE_DIR", str(tmp_path))
    modules = tmp_path / "modules"
    modules.mkdir()
    now = time.time()
    for age, name in enumerate(("new", "mid", "old")):     # 1 MiB each, "old" least recently used
        path = modules / f"{name}.exe"
        path.write_bytes(b"\0" * (1 << 20))
        os.utime(path, (now - 3600 * age, now - 3600 * age))
    return modules


def run(*args: str):
    result = CliRunner().invoke(main, ["cache", *args])
    return result.exit_code, result.output


def test_info_in_binary_units(cache_dir, monkeypatch):
    # MiB, as WASMC_CACHE_SIZE, README and `prune --max-size` count (decimal MB before: issue 12).
    monkeypatch.setenv("WASMC_CACHE_SIZE", str(512 << 20))
    code, out = run("info")
    assert code == 0
    assert (f"cache: {cache_dir.parent}\nmodules: 3, 3.0 MiB\nfunctions: 0 in 0 objects, 0.0 MiB\n"
            f"size: 3.0 MiB (cap 512 MiB)\nlast used: ") in out


def test_info_counts_functions_and_recent_compiles(cache_dir):
    from wasmc import cache
    functions = cache_dir.parent / "functions" / "ab"
    functions.mkdir(parents=True)
    (functions / "ab01").write_bytes(b"\0" * (1 << 18))
    (functions / "ab02.pack").write_bytes(b"\0" * (1 << 18))
    cache.record_compile({"module": "hello.wasm", "time": 0, "functions": 10, "hits": {"2": 6, "0": 2},
                          "compiled": 2, "uncached": 0, "level": 0, "seconds": 1.5})
    code, out = run("info")
    assert "functions: 1 in 1 objects, 0.5 MiB" in out and "size: 3.5 MiB" in out
    assert "recent compiles: 1, 8 of 10 functions from the cache (80%)" in out
    assert "  hello.wasm: 10 functions, cached 2 at -O0, 6 at -O2, compiled 2 at -O0 in 1.5 s" in out


def test_prune_evicts_least_recently_used(cache_dir):
    assert run("prune", "--max-size", str(2 << 20)) == (0, "removed 1 entries, 1.0 MiB; 2 entries, 2.0 MiB remain\n")
    assert sorted(p.name for p in cache_dir.iterdir()) == ["mid.exe", "new.exe"]
    assert run("prune", "--max-size", "1m")[1] == "removed 1 entries, 1.0 MiB; 1 entries, 1.0 MiB remain\n"
    assert [p.name for p in cache_dir.iterdir()] == ["new.exe"]


def test_clear(cache_dir):
    assert run("clear") == (0, "removed 3 entries, 3.0 MiB\n")
    assert list(cache_dir.iterdir()) == []


def test_sizes():
    assert [_parse_size(s) for s in ("1000", "500m", "2G", "1.5g", "64KiB", "3mb")] == \
        [1000, 500 << 20, 2 << 30, 3 << 29, 64 << 10, 3 << 20]
    code, out = run("prune", "--max-size", "lots")
    assert code == 2 and "'lots' is not a size" in out and out.count("\n") == 1
