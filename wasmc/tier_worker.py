"""The background worker of tiered compilation (tiers.py): while it holds the queue's lock, it builds
each queued module at -O2. Run as `python -m wasmc.tier_worker` by tiers.request_upgrade; a module of
its own because it uses the compilers that use tiers.py.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .tiers import OPTIMIZED, queue_dir


def work() -> None:
    """The background worker: while it holds the queue's lock, build every queued module at -O2."""
    queue = queue_dir()
    queue.mkdir(parents=True, exist_ok=True)
    background_priority()
    while True:
        with open(queue / "worker.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return                      # another worker has the queue
            while True:
                items = sorted(queue.glob("*.wasm"), key=lambda p: p.stat().st_mtime)
                if not items:
                    break
                _upgrade(items[0])
        # An item queued just as the lock was released: go round again.
        if not any(queue.glob("*.wasm")):
            return


def background_priority() -> None:
    """Only CPU time nobody else wants, for this process and the compile workers it forks. nice alone is
    not enough: the worker runs in a session of its own (tiers._spawn_worker), and where the kernel
    groups processes by session (autogroup) a group's share ignores the nice of its processes, so a niced
    worker still took one of two cores from the `go test` it was started by."""
    os.nice(19)
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
    try:
        with open("/proc/self/autogroup", "w") as f:      # the session's group: its nice, 19 at most
            f.write("19")
    except OSError:
        pass


def _upgrade(item: Path) -> None:
    try:
        data = item.read_bytes()
        kind = item.name.split(".")[1]
        if kind == "exe":
            from .launch import executable
            executable(data, OPTIMIZED)
        else:
            from .compile import shared_object
            from .wasm.decode import decode_module
            shared_object(data, decode_module(data), OPTIMIZED, jobs=1)
    except Exception:           # noqa: BLE001 - a module that cannot be upgraded keeps its tier
        pass
    finally:
        item.unlink(missing_ok=True)


if __name__ == "__main__":
    work()
