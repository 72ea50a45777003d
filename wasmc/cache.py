"""Compiled code on disk, keyed by everything that decides it: the module bytes, wasmc's own sources,
the options and the target. A hit needs no LLVM at all. Least recently used entries are evicted past a
size cap (WASMC_CACHE_SIZE, bytes; default 2 GiB)."""
from __future__ import annotations

import functools
import hashlib
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from .abi import ABI_VERSION

DEFAULT_CAP = 2 << 30
PACKAGE_DIR = Path(__file__).resolve().parent


def cache_root() -> Path:
    """$WASMC_CACHE_DIR, else $XDG_CACHE_HOME/wasmc, else ~/.cache/wasmc."""
    if os.environ.get("WASMC_CACHE_DIR"):
        return Path(os.environ["WASMC_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "wasmc"


def modules_dir() -> Path:
    return cache_root() / "modules"


# The sources that decide generated code: a change to any of them invalidates what they compiled.
CODEGEN_SOURCES = ("wasm/*.py", "lower/*.py", "fcache/*.py", "fcache/*.[ch]", "codegen.py", "compile.py", "abi.py",
                   "image.py")


@functools.cache
def compiler_fingerprint() -> str:
    h = hashlib.sha256(f"abi{ABI_VERSION}".encode())
    for path in sorted(p for pattern in CODEGEN_SOURCES for p in PACKAGE_DIR.glob(pattern)):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def cpu_key(host_cpu: bool | str) -> str:
    """What in a cache key names the CPU code is for (host_cpu as codegen.target_machine takes it): this
    machine's (host_cpu_id), an x86-64 level's name, or "portable"."""
    if isinstance(host_cpu, str):
        return host_cpu
    return host_cpu_id() if host_cpu else "portable"


def module_key(data: bytes, opt_level: int, kind: str = "so", host_cpu: bool | str = False) -> str:
    """The key of code compiled from `data`; `host_cpu`: the CPU it is for (cpu_key)."""
    h = hashlib.sha256(data)
    cpu = cpu_key(host_cpu)
    h.update(f"\0{compiler_fingerprint()}\0O{opt_level}\0{kind}\0{platform.machine()}\0{cpu}".encode())
    return h.hexdigest()[:32]


@functools.cache
def host_cpu_id() -> str:
    """What identifies this CPU's model and features, read without LLVM (a cached run never loads it):
    code compiled for the host CPU is found again only on a machine with the same one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            info = f.read(1 << 16).split("\n\n", 1)[0]   # the first processor's block
    except OSError:
        info = platform.processor()
    return hashlib.sha256(info.encode()).hexdigest()[:16] if info else "unknown-cpu"


def lookup(key: str, suffix: str = ".so") -> Path | None:
    path = modules_dir() / (key + suffix)
    try:
        os.utime(path)          # the mtime is the last use, for eviction
    except OSError:
        return None
    return path


def store(key: str, tmp: Path, suffix: str = ".so") -> Path:
    """Move a finished file into the cache (atomically) and evict past the cap."""
    final = modules_dir() / (key + suffix)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    evict(int(os.environ.get("WASMC_CACHE_SIZE", DEFAULT_CAP)), keep=final)
    return final


@dataclass(slots=True)
class Entry:
    path: Path
    size: int
    last_used: float


def entries() -> list[Entry]:
    out = []
    d = modules_dir()
    if d.is_dir():
        for p in d.iterdir():
            try:
                st = p.stat()
            except OSError:
                continue
            out.append(Entry(p, st.st_size, st.st_mtime))
    return sorted(out, key=lambda e: e.last_used)


def evict(cap: int, keep: Path | None = None) -> int:
    """Delete least recently used entries until the total is within `cap`; returns bytes freed."""
    all_entries = entries()
    total = sum(e.size for e in all_entries)
    freed = 0
    for e in all_entries:
        if total - freed <= cap:
            break
        if e.path == keep:
            continue
        try:
            e.path.unlink()
            freed += e.size
        except OSError:
            pass
    return freed


def clear() -> int:
    return evict(0)


def mib(size: int) -> str:
    """A size in binary units, as WASMC_CACHE_SIZE and `wasmc cache prune --max-size` count: `2.9 MiB`."""
    return f"{size / (1 << 20):.1f} MiB"


def describe() -> str:
    es = entries()
    size = sum(e.size for e in es)
    newest = time.strftime("%Y-%m-%d %H:%M", time.localtime(es[-1].last_used)) if es else "-"
    cap = int(os.environ.get("WASMC_CACHE_SIZE", DEFAULT_CAP))
    return (f"cache: {modules_dir()}\nentries: {len(es)}\nsize: {mib(size)} (cap {cap / (1 << 20):.0f} MiB)\n"
            f"last used: {newest}")
