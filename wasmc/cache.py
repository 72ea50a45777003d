"""Compiled code on disk, keyed by everything that decides it: the module bytes, wasmc's own sources,
the options and the target. A hit needs no LLVM at all. Least recently used entries are evicted past a
size cap (WASMC_CACHE_SIZE, bytes; default 2 GiB)."""
from __future__ import annotations

import functools
import hashlib
import json
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


# Set to 1, every memory access is checked explicitly, as off x86-64 (compile.guard_pages): how tests
# run that lowering here. It decides code, so it is part of every key.
BOUNDS_CHECKS_ENV = "WASMC_BOUNDS_CHECKS"


def bounds_checks_forced() -> bool:
    """Whether BOUNDS_CHECKS_ENV asks for the explicit checks (read every time: a forked child may set it)."""
    return os.environ.get(BOUNDS_CHECKS_ENV) == "1"


def compiler_fingerprint() -> str:
    """The sources' fingerprint, and the bounds-check switch."""
    return _sources_fingerprint() + ("-checked" if bounds_checks_forced() else "")


@functools.cache
def _sources_fingerprint() -> str:
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
    maybe_evict(keep=final)
    return final


def cap() -> int:
    return int(os.environ.get("WASMC_CACHE_SIZE", DEFAULT_CAP))


# Eviction scans every entry (tens of thousands of compiled functions): at most this often.
EVICT_INTERVAL = 60.0


def maybe_evict(keep: Path | None = None) -> None:
    """Evict past the cap, unless that was checked less than EVICT_INTERVAL seconds ago."""
    stamp = cache_root() / "evicted"
    try:
        if time.time() - stamp.stat().st_mtime < EVICT_INTERVAL:
            return
    except OSError:
        pass
    try:
        stamp.touch()
    except OSError:
        pass
    evict(cap(), keep=keep)


@dataclass(slots=True)
class Entry:
    path: Path
    size: int
    last_used: float


def functions_dir() -> Path:
    """The function cache (fcache/store.py): compiled functions shared by the modules that contain them."""
    return cache_root() / "functions"


def _files(d: Path, depth: int) -> list[Entry]:
    out = []
    try:
        with os.scandir(d) as it:
            for e in it:
                try:
                    if depth and e.is_dir(follow_symlinks=False):
                        out += _files(Path(e.path), depth - 1)
                    elif e.is_file(follow_symlinks=False) and not e.name.startswith("."):
                        st = e.stat(follow_symlinks=False)
                        out.append(Entry(Path(e.path), st.st_size, st.st_mtime))
                except OSError:
                    continue
    except OSError:
        pass
    return out


def entries(kind: str | None = None) -> list[Entry]:
    """Compiled modules and functions ("modules", "functions"; None: both), least recently used first."""
    out = []
    if kind in (None, "modules"):
        out += _files(modules_dir(), 0)
    if kind in (None, "functions"):
        out += _files(functions_dir(), 1)
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


# The compiles `cache info` summarises: one JSON line each, the newest last, trimmed past this many.
STATS_KEPT = 200


def record_compile(record: dict) -> None:
    """Remember one compile's function-cache statistics (fcache.pipeline.Stats) for `cache info`."""
    path = cache_root() / "compiles.jsonl"
    if os.environ.get("WASMC_BACKGROUND") == "1":
        record = {**record, "background": True}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as f:        # one write of one line: appends from several processes interleave whole
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
        if path.stat().st_size > STATS_KEPT * 400:
            lines = path.read_text().splitlines()[-STATS_KEPT:]
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_text("\n".join(lines) + "\n")
            os.replace(tmp, path)
    except OSError:
        pass


def recent_compiles(n: int = 20) -> list[dict]:
    try:
        lines = (cache_root() / "compiles.jsonl").read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines[-n:]:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def describe() -> str:
    modules, functions = entries("modules"), entries("functions")
    packs = sum(e.path.name.endswith(".pack") for e in functions)     # fcache/store.py's PACK_SUFFIX
    size = sum(e.size for e in modules + functions)
    newest = max((e.last_used for e in modules + functions), default=None)
    lines = [f"cache: {cache_root()}",
             f"modules: {len(modules)}, {mib(sum(e.size for e in modules))}",
             f"functions: {len(functions) - packs} in {packs} objects, {mib(sum(e.size for e in functions))}",
             f"size: {mib(size)} (cap {cap() / (1 << 20):.0f} MiB)",
             f"last used: {time.strftime('%Y-%m-%d %H:%M', time.localtime(newest)) if newest else '-'}"]
    recent = recent_compiles()
    if recent:
        total = sum(r["functions"] for r in recent)
        hits = sum(sum(r["hits"].values()) for r in recent)
        lines.append(f"recent compiles: {len(recent)}, {hits} of {total} functions from the cache "
                     f"({hits / max(total, 1):.0%})")
        for r in recent[-5:]:
            found = ", ".join(f"{n} at -O{level}" for level, n in sorted(r["hits"].items())) or "none"
            lines.append(f"  {r['module']}: {r['functions']} functions, cached {found}, compiled {r['compiled']} "
                         f"at -O{r['level']} in {r['seconds']:.1f} s" + (" (background)" if r.get("background") else ""))
    return "\n".join(lines)
