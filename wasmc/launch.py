"""Running a WASI command as its cached native executable, for `wasmc run` and go_wasip1_wasm_exec: find the
executable (a small index keeps LLVM and aot out of a cached start), then replace this process with it,
passing grants and limits in WASMC_* variables, which runtime_c/main.c reads and the guest never sees."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from .errors import LinkError, WasmcError
from .grants import NetGrants, check_transportable
from .metering import NONE, Metering, metered_kind

WASM_MAGIC = b"\0asm"


class ModuleFileError(WasmcError):
    """The module file cannot be used at all; the message names the path."""

RUNTIME_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runtime_c")


@dataclass(slots=True)
class Launch:
    """How the executable is started: exactly this argv and environment reach the guest."""
    argv: list[str]
    env: dict[str, str]
    dirs: list[tuple[str, str]] = field(default_factory=list)   # (host, guest) preopens, fds 3, 4, ...
    stack_size: int | None = None          # bytes; None: runtime_c/main.c's default
    max_memory_size: int | None = None     # bytes a memory may grow to; None: no limit beyond the module's
    net: NetGrants = NetGrants()           # listeners (the fds after `dirs`) and network patterns
    fuel: int | None = None                # -W fuel: the fuel the guest starts with; None: unmetered
    timeout_ns: int | None = None          # -W timeout, in nanoseconds; None: never interrupted

    @property
    def metering(self) -> Metering:
        """The checks the executable must be compiled with for this launch."""
        return Metering(fuel=self.fuel is not None, interrupt=self.timeout_ns is not None)


def read_module(path: str | os.PathLike[str]) -> bytes:
    """A module's bytes, or a one-line WasmcError: unreadable, a directory, or not a Wasm binary."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ModuleFileError(f"cannot read {os.fspath(path)}: {e.strerror or e}") from None
    if data[:4] != WASM_MAGIC:
        raise ModuleFileError(f"{os.fspath(path)} is not a WebAssembly module (it does not start with \\0asm)")
    return data


def runtime_environment(launch: Launch) -> dict[str, str]:
    """The executable's environment: the guest's variables, then the WASMC_* ones main.c consumes."""
    env = {name: value for name, value in launch.env.items() if not name.startswith("WASMC_")}
    env["WASMC_INHERIT_ENV"] = "1"          # the guest sees exactly `env` (main.c drops the WASMC_* below)
    if launch.dirs:
        for host, guest in launch.dirs:
            check_transportable(host, guest)
        env["WASMC_DIR"] = ":".join(f"{host}::{guest}" for host, guest in launch.dirs)
    if launch.stack_size is not None:
        env["WASMC_STACK_SIZE"] = str(launch.stack_size)
    if launch.max_memory_size is not None:
        env["WASMC_MAX_MEMORY_SIZE"] = str(launch.max_memory_size)
    env.update(launch.net.environment())
    if launch.fuel is not None:
        env["WASMC_FUEL"] = str(launch.fuel)
    if launch.timeout_ns is not None:
        env["WASMC_TIMEOUT_NS"] = str(launch.timeout_ns)
    return env


def exec_executable(exe: str, launch: Launch) -> None:
    """Replace this process with `exe`; returns only by raising (OSError, GrantError)."""
    env = runtime_environment(launch)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(exe, launch.argv, env)


def check_memory_limit(data: bytes, limit: int) -> None:
    """wasmtime refuses to instantiate a module whose memory starts above -W max-memory-size; so do we,
    with its words, before starting the executable (whose runtime would only say it cannot reserve it)."""
    from .wasm.decode import decode_module
    m = decode_module(data)
    for memory in m.memories:
        if memory.limits.min * 65536 > limit:
            raise LinkError(f"memory minimum size of {memory.limits.min} pages exceeds memory limits")


def _runtime_stamp() -> str:
    """What the runtime linked into an executable depends on, cheaply: the C compiler and the size and
    mtime of runtime_c's sources (aot's own key hashes their contents, which costs an import of aot)."""
    parts = [os.environ.get("CC", "cc")]
    for root, _, files in os.walk(RUNTIME_DIR):
        for name in files:
            if name.endswith((".c", ".h", ".py")):
                try:
                    st = os.stat(os.path.join(root, name))
                except OSError:         # removed while we look: the stamp changes either way
                    continue
                parts.append(f"{root}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\0".join(sorted(parts))


def _indexed(data: bytes, opt_level, unknown_imports_trap: bool, metering: Metering = NONE) -> str | None:
    """The executable the index names for the module at `opt_level`, if it is still in the cache."""
    from . import cache
    index = cache.cache_root() / "launch-index" / index_key(data, opt_level, unknown_imports_trap, metering)
    try:
        name = index.read_text()
        if name.endswith(".exe") and "/" not in name:
            exe = cache.modules_dir() / name
            os.utime(exe)           # the cache's LRU clock; fails if evicted
            return str(exe)
    except (OSError, ValueError):
        pass
    return None


def index_key(data: bytes, opt_level, unknown_imports_trap: bool = False, metering: Metering = NONE) -> str:
    """The index entry naming a module's executable: the module, the level, the compiler (cache.module_key),
    the CPU (the executable is compiled for it: a cache shared between machines must not hand one the
    other's code), the runtime (_runtime_stamp), how unknown imports are treated and the metering."""
    from . import cache
    kind = "launch\0" + _runtime_stamp() + ("\0unknown-imports-trap" if unknown_imports_trap else "")
    kind += metered_kind(metering)
    return cache.module_key(data, opt_level, kind=kind, host_cpu=True)


def executable(data: bytes, opt_level: int | None, unknown_imports_trap: bool = False, progress=None,
               metering: Metering = NONE) -> str:
    """The module's executable, from aot.cached_executable, remembered in a small index so that a cached
    start imports neither aot nor LLVM (importing aot alone costs more than the rest of a start; numbers
    in gohost.py). `progress` reports a compile (progress.CompileProgress). opt_level None: tiered
    (tiers.py): the -O2 executable if it was built, else a quick one, with the -O2 build queued; metered
    code (fuel, interrupts) stays at the quick tier, which the background build does not know about."""
    if opt_level is None and metering:
        from . import tiers
        opt_level = tiers.QUICK
    if opt_level is None:
        from . import tiers
        optimized = _indexed(data, tiers.OPTIMIZED, unknown_imports_trap)
        if optimized is not None:
            return optimized
        exe = executable(data, tiers.QUICK, unknown_imports_trap, progress)
        if not unknown_imports_trap:
            tiers.request_upgrade(data, "exe")
        return exe
    found = _indexed(data, opt_level, unknown_imports_trap, metering)
    if found is not None:
        return found
    from . import cache
    index = cache.cache_root() / "launch-index" / index_key(data, opt_level, unknown_imports_trap, metering)
    from .aot import cached_executable
    exe = cached_executable(data, opt_level, progress=progress,
                            unknown_imports="trap" if unknown_imports_trap else "error", metering=metering)
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        tmp = index.with_name(f".{index.name}.{os.getpid()}")
        tmp.write_text(exe.name)
        os.replace(tmp, index)
    except OSError:
        pass                        # a read-only cache still runs, just without the fast path
    return str(exe)
