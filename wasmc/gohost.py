"""`go_wasip1_wasm_exec` on wasmc: the exec wrapper `go test`/`go run` look up on PATH for GOOS=wasip1,
with the contract of Go's own script's wasmtime branch ($GOROOT/lib/wasm/go_wasip1_wasm_exec):

    go_wasip1_wasm_exec MODULE ARGS...      (MODULE has no .wasm suffix: recognised by its magic bytes)

The guest gets argv [basename(MODULE), ARGS...], exactly the environment PWD and PATH, one preopen (host
`/` as guest `/`) and the wrapper's stdio; the exit status is the guest's, 134 after a trap. The module
runs as wasmc's cached native executable (aot.cached_executable) through os.execve, as `wasmc run` does:
a cached start imports no LLVM, decodes nothing and leaves no Python process behind (signals such as
cmd/go's SIGQUIT on timeout reach the program itself).

GOWASIRUNTIMEARGS (split on whitespace, as the script's unquoted expansion does) may hold
`-O N`/`--opt-level N`, `--stack-size MiB`, `--dir HOST[::GUEST]` and `--env NAME=VALUE`; anything else
is an error. The optimization level is, first to last: GOWASIRUNTIMEARGS, $WASMC_OPT_LEVEL, DEFAULT_OPT_LEVEL.

Why -O0 by default: under `go test` every package is a fresh 5-20 MB module, compiled once and run once,
and compiling at -O1/-O2 costs 6-8x the CPU of -O0 while the test bodies it speeds up take about a second.
Measured on `go test -c` binaries (wasmc at 2502aae, 2 cores shared with other jobs, so CPU seconds:
user+system including the parallel compile workers; run: the test binary with -test.short, median of 3):

    package        module   -O0 compile / run   -O1 compile / run   -O2 compile / run
    strconv        5.7 MB        17.2 / 1.06        117.9 / 0.39        130.8 / 0.39
    sort           5.8 MB        17.0 / 0.12        107.9 / 0.08        141.2 / 0.08
    encoding/json 17.6 MB        48.0 / 0.95        350.2 / 0.57          -

-O1/-O2 pay back only where a test body runs > ~100 s at -O0. Compiled executables are cached, so a
repeated `go test` of an unchanged package pays neither. A cached start costs ~80 ms of CPU (a bare
Python start ~35 ms, importing the wasmc package ~35 ms, hashing the module and finding its
executable ~10 ms) before the native executable runs; importing aot (what a miss needs) alone costs more.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

DEFAULT_OPT_LEVEL = 0
WASM_MAGIC = b"\0asm"
NAME = "go_wasip1_wasm_exec"
USAGE = f"usage: {NAME} MODULE [ARGS...]"
KNOWN_FLAGS = "-O N, --opt-level N, --stack-size MiB, --dir HOST[::GUEST], --env NAME=VALUE"


class UsageError(Exception):
    """A bad invocation or GOWASIRUNTIMEARGS; the message is printed as one line."""


@dataclass(slots=True)
class Options:
    """What GOWASIRUNTIMEARGS asked for; None: not given."""
    opt_level: int | None = None
    stack_mib: int | None = None
    dirs: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def _int_arg(flag: str, value: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except ValueError:
        n = None
    if n is None or not low <= n <= high:
        raise UsageError(f"GOWASIRUNTIMEARGS: {flag} expects an integer from {low} to {high}, got {value!r}")
    return n


def parse_runtime_args(text: str) -> Options:
    """The flags of GOWASIRUNTIMEARGS; `--flag value` and `--flag=value` (and `-O2`) are both accepted."""
    opts = Options()
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("-O") and len(word) > 2 and not word.startswith("-O="):
            flag, value = "-O", word[2:]
        else:
            flag, eq, value = word.partition("=")
            if not eq:
                if flag not in ("-O", "--opt-level", "--stack-size", "--dir", "--env"):
                    raise UsageError(f"GOWASIRUNTIMEARGS: unknown option {word!r} (wasmc understands {KNOWN_FLAGS})")
                if i == len(words):
                    raise UsageError(f"GOWASIRUNTIMEARGS: {flag} needs a value")
                value = words[i]
                i += 1
        if flag in ("-O", "--opt-level"):
            opts.opt_level = _int_arg(flag, value, 0, 3)
        elif flag == "--stack-size":
            opts.stack_mib = _int_arg(flag, value, 1, 1 << 16)
        elif flag == "--dir":
            host, sep, guest = value.partition("::")
            if not host or (sep and not guest) or ":" in host or ":" in (guest or ""):
                raise UsageError(f"GOWASIRUNTIMEARGS: --dir {value!r}: expected HOST[::GUEST] without other ':'")
            opts.dirs.append(value)
        elif flag == "--env":
            name, eq, env_value = value.partition("=")
            if not name or not eq:
                raise UsageError(f"GOWASIRUNTIMEARGS: --env {value!r}: expected NAME=VALUE")
            opts.env[name] = env_value
        else:
            raise UsageError(f"GOWASIRUNTIMEARGS: unknown option {word!r} (wasmc understands {KNOWN_FLAGS})")
    return opts


def opt_level(opts: Options, environ=os.environ) -> int:
    if opts.opt_level is not None:
        return opts.opt_level
    value = environ.get("WASMC_OPT_LEVEL")
    if value:
        try:
            level = int(value)
        except ValueError:
            level = -1
        if not 0 <= level <= 3:
            raise UsageError(f"WASMC_OPT_LEVEL={value!r}: expected 0, 1, 2 or 3")
        return level
    return DEFAULT_OPT_LEVEL


def guest_environment(opts: Options, environ=os.environ) -> dict[str, str]:
    """PWD and PATH, as the wasmtime branch passes `--env PWD="$PWD" --env PATH="$PATH"` (a shell always
    has PWD; without one, the working directory stands in), then GOWASIRUNTIMEARGS' --env."""
    env = {"PWD": environ.get("PWD") or os.getcwd(), "PATH": environ.get("PATH", "")}
    env.update(opts.env)
    return env


def read_module(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    if data[:4] != WASM_MAGIC:
        raise UsageError(f"{path} is not a WebAssembly module (it does not start with \\0asm)")
    return data


RUNTIME_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runtime_c")


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


def executable(data: bytes, level: int) -> str:
    """The module's cached executable, from aot.cached_executable. Which file that was is remembered in a
    small index keyed by the module, the level, the compiler (cache.module_key) and the runtime
    (_runtime_stamp), so a cached start imports neither aot nor LLVM: importing aot alone costs more than
    the rest of a start (see the docstring)."""
    from . import cache
    # Keyed by the CPU too, as the executable is: a cache shared between machines must not hand one the
    # other's host-CPU code.
    key = cache.module_key(data, level, kind="gohost\0" + _runtime_stamp(), host_cpu=True)
    index = cache.cache_root() / "gohost-index" / key
    try:
        name = index.read_text()
        if name.endswith(".exe") and "/" not in name:
            exe = cache.modules_dir() / name
            os.utime(exe)           # the cache's LRU clock; fails if evicted
            return str(exe)
    except (OSError, ValueError):
        pass
    from .aot import cached_executable
    exe = cached_executable(data, level, progress=_progress())
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        tmp = index.with_name(f".{index.name}.{os.getpid()}")
        tmp.write_text(exe.name)
        os.replace(tmp, index)
    except OSError:
        pass                        # a read-only cache still runs, just without the fast path
    return str(exe)


def _progress():
    from .progress import terminal_progress
    return terminal_progress(NAME)


def exec_module(argv: list[str], environ=os.environ) -> None:
    """Replace this process with the module's executable; returns only by raising."""
    if not argv or argv[0] in ("-h", "--help"):
        raise UsageError(USAGE)
    module, args = argv[0], argv[1:]
    opts = parse_runtime_args(environ.get("GOWASIRUNTIMEARGS", ""))
    level = opt_level(opts, environ)
    data = read_module(module)
    exe = executable(data, level)
    run_env = guest_environment(opts, environ)
    run_env["WASMC_INHERIT_ENV"] = "1"      # the guest sees exactly run_env minus the WASMC_* below
    run_env["WASMC_DIR"] = ":".join(["/", *opts.dirs])
    if opts.stack_mib is not None:
        run_env["WASMC_STACK_SIZE"] = f"{opts.stack_mib}m"
    os.execve(exe, [os.path.basename(module), *args], run_env)


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 with one line on stderr when the module cannot be run at all (bad arguments, not a
    module, a module wasmc cannot compile or link, e.g. an unknown import)."""
    from .errors import WasmcError
    argv = sys.argv[1:] if argv is None else argv
    try:
        exec_module(argv)
    except UsageError as e:
        message = str(e)
    except WasmcError as e:
        message = f"{argv[0]}: {e}"
    except OSError as e:
        message = f"cannot run {argv[0]}: {e.strerror or e}"
    print(f"{NAME}: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
