"""Tiered compilation: nobody waits for -O2 on a first run.

The policy, for `wasmc run` and the Go host when no -O level is given, and for `wasmc.Module` with
opt_level=None:
- if the module's -O2 code was built already, it runs;
- else the module is linked now from each function's -O2 object where the function cache has one, and
  its -O0 object otherwise, compiling the functions it lacks at -O0 (seconds for a Go test binary, and
  much less when its functions were seen before); that code runs at once, and the module is queued
  for a background upgrade: a detached process (no terminal, no inherited pipes, idle CPU only, one at a
  time per cache) compiles the missing -O2 functions into the cache and builds the module's -O2 code,
  which the next run uses. Functions shared with other modules are then -O2 there too.
WASMC_TIERS=0 turns the background upgrade off (first runs stay on the mixed code).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from . import cache

OPTIMIZED = 2          # what the background upgrade compiles
QUICK = (2, 0)         # a first run: each function at -O2 if cached, else at -O0 (compiled now)
# A module queued longer ago than this without being upgraded gets a new worker (the last one died).
RETRY_SECONDS = 600


def queue_dir() -> Path:
    return cache.cache_root() / "tier-up"


def request_upgrade(data: bytes, kind: str) -> None:
    """Queue `data` for its -O2 build (`kind`: "exe" for executables, "so" for the in-process API) and
    make sure a background worker runs. Never raises: a failure only leaves the module at its tier."""
    if os.environ.get("WASMC_TIERS", "1") == "0":
        return
    try:
        queue = queue_dir()
        queue.mkdir(parents=True, exist_ok=True)
        item = queue / f"{cache.module_key(data, OPTIMIZED, kind=kind, host_cpu=True)}.{kind}.wasm"
        try:
            if time.time() - item.stat().st_mtime < RETRY_SECONDS:
                return                      # queued a moment ago: its worker is on it
            os.utime(item)
        except FileNotFoundError:
            tmp = item.with_name(f".{item.name}.{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, item)
        _spawn_worker()
    except OSError:
        pass


def _spawn_worker() -> None:
    # A new session: no controlling terminal; no inherited descriptors, so a parent reading our stdout
    # (go test) sees end-of-file when the program exits, not when the upgrade does.
    env = {**os.environ, "WASMC_BACKGROUND": "1"}     # its compiles are marked so in `cache info`
    subprocess.Popen([sys.executable, "-m", "wasmc.tier_worker"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True, env=env)


def pending() -> int:
    """How many modules wait for their background -O2 build (benchmarks wait for none)."""
    return len(list(queue_dir().glob("*.wasm")))
