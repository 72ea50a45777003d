"""`go_wasip1_wasm_exec` on wasmc: the exec wrapper `go test`/`go run` look up on PATH for GOOS=wasip1,
with the contract of Go's own script's wasmtime branch ($GOROOT/lib/wasm/go_wasip1_wasm_exec):

    go_wasip1_wasm_exec MODULE ARGS...      (MODULE has no .wasm suffix: recognised by its magic bytes)

The guest gets argv [basename(MODULE), ARGS...], exactly the environment PWD and PATH, one preopen (host
`/` as guest `/`) and the wrapper's stdio; the exit status is the guest's, 134 after a trap. The module
runs as wasmc's cached native executable (launch.py) through os.execve, as `wasmc run` does:
a cached start imports no LLVM, decodes nothing and leaves no Python process behind (signals such as
cmd/go's SIGQUIT on timeout reach the program itself).

GOWASIRUNTIMEARGS (split on whitespace, as the script's unquoted expansion does) takes the options of
`wasmc run` that apply here, spelled as for wasmtime: `-O N`/`--opt-level N`, `--stack-size MiB`, `--dir
HOST[::GUEST]`, `--env NAME[=VALUE]`, `--inherit-env`, `--argv0 NAME`, `-W KEY[=VAL,..]` (max-wasm-stack,
max-memory-size, unknown-imports-trap), `-S KEY[=VAL,..]` (inherit-env, inherit-network, tcplisten), and the
network grants `--tcplisten HOST:PORT` (what Go's internal/runtime/wasitest passes, as
`--tcplisten=HOST:PORT`), `--allow-net[=PATTERN,...]`, `--allow-connect PATTERN`, `--allow-bind PATTERN`;
anything else is an error. The optimization level is, first to last: GOWASIRUNTIMEARGS,
$WASMC_OPT_LEVEL, DEFAULT_OPT_LEVEL.

Why tiered by default (wasmc/tiers.py): under `go test` every package is a fresh 5-20 MB module, run
once, and compiling it at -O1/-O2 costs 6-8x the CPU of -O0 while the test bodies it speeds up take
about a second. So a test binary runs from each function's -O2 object where the function cache has one
and its -O0 object otherwise (compiling only the functions never seen, at -O0), and -O2 objects are
compiled in the background for the packages that follow: Go test binaries share most of their code.
Measured before the function cache, on `go test -c` binaries (wasmc at 2502aae, 2 cores shared with
other jobs, so CPU seconds: user+system including the parallel compile workers; run: the test binary
with -test.short, median of 3):

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

from . import flags as run_flags
from . import grants
from .errors import WasmcError

DEFAULT_OPT_LEVEL = None      # tiered (wasmc/tiers.py)
NAME = "go_wasip1_wasm_exec"
USAGE = f"usage: {NAME} MODULE [ARGS...]"
KNOWN_FLAGS = ("-O N, --opt-level N, --stack-size MiB, --dir HOST[::GUEST], --env NAME[=VALUE], --inherit-env, "
               "--argv0 NAME, -W KEY[=VAL], -S KEY[=VAL], --tcplisten HOST:PORT, --allow-net[=PATTERN,...], "
               "--allow-connect PATTERN, --allow-bind PATTERN")
# Options that take a value, by every spelling; the value is the next word or follows `=`.
VALUE_FLAGS = {"-O": "-O", "--opt-level": "-O", "--stack-size": "--stack-size", "--dir": "--dir",
               "--env": "--env", "--argv0": "--argv0", "-W": "-W", "--wasm": "-W", "-S": "-S", "--wasi": "-S",
               "--tcplisten": "--tcplisten", "--allow-net": "--allow-net", "--allow-connect": "--allow-connect",
               "--allow-bind": "--allow-bind"}
# Options without a value; --allow-net has one only after `=` (alone it grants everything), as for `wasmc run`.
BARE_FLAGS = {"--inherit-env": None, "--allow-net": grants.EVERYTHING}


class UsageError(Exception):
    """A bad invocation or GOWASIRUNTIMEARGS; the message is printed as one line."""


@dataclass(slots=True)
class Options:
    """What GOWASIRUNTIMEARGS asked for; None: not given."""
    opt_level: int | None = None
    stack_mib: int | None = None
    dirs: list[tuple[str, str]] = field(default_factory=list)
    env: list[str] = field(default_factory=list)            # --env specs: NAME=VALUE or NAME
    inherit_env: bool = False
    argv0: str | None = None
    flags: run_flags.RunFlags = field(default_factory=run_flags.RunFlags)
    tcplisten: list[str] = field(default_factory=list)
    allow_net: list[str] = field(default_factory=list)       # pattern lists, as given
    allow_connect: list[str] = field(default_factory=list)
    allow_bind: list[str] = field(default_factory=list)

    def net(self) -> grants.NetGrants:
        """The listeners and network patterns asked for, checked (grants.GrantError)."""
        return (grants.net_grants(self.tcplisten, self.allow_net, self.allow_connect, self.allow_bind)
                + self.flags.net())


def _int_arg(flag: str, value: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except ValueError:
        n = None
    if n is None or not low <= n <= high:
        raise UsageError(f"GOWASIRUNTIMEARGS: {flag} expects an integer from {low} to {high}, got {value!r}")
    return n


def _words(text: str):
    """(flag, value) pairs: `--flag value`, `--flag=value`, and the short forms `-O2`, `-Wkey=value`."""
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word in BARE_FLAGS:
            yield word, BARE_FLAGS[word]
            continue
        if word[:2] in ("-O", "-W", "-S") and len(word) > 2 and word[2] != "=":
            yield word[:2], word[2:]
            continue
        flag, eq, value = word.partition("=")
        if flag not in VALUE_FLAGS:
            raise UsageError(f"GOWASIRUNTIMEARGS: unknown option {word!r} (wasmc understands {KNOWN_FLAGS})")
        if not eq:
            if i == len(words):
                raise UsageError(f"GOWASIRUNTIMEARGS: {flag} needs a value")
            value = words[i]
            i += 1
        yield VALUE_FLAGS[flag], value


def parse_runtime_args(text: str) -> Options:
    """The options of GOWASIRUNTIMEARGS, each spelled as for `wasmc run` (and wasmtime)."""
    opts = Options()
    for flag, value in _words(text):
        try:
            if flag == "-O":
                opts.opt_level = _int_arg(flag, value.removeprefix("opt-level="), 0, 3)
            elif flag == "--stack-size":
                opts.stack_mib = _int_arg(flag, value, 1, 1 << 16)
            elif flag == "--dir":
                opts.dirs.append(grants.parse_dir(value))
                grants.check_transportable(*opts.dirs[-1])
            elif flag == "--env":
                opts.env.append(grants.parse_env(value))
            elif flag == "--inherit-env":
                opts.inherit_env = True
            elif flag == "--argv0":
                opts.argv0 = value
            elif flag == "--tcplisten":
                opts.tcplisten.append(grants.parse_listen(value, flag))
            elif flag in ("--allow-net", "--allow-connect", "--allow-bind"):
                grants.parse_patterns(value, flag)
                getattr(opts, flag[2:].replace("-", "_")).append(value)
            else:
                run_flags.apply(opts.flags, flag, value)
        except WasmcError as e:
            raise UsageError(f"GOWASIRUNTIMEARGS: {e}") from None
    if opts.stack_mib is not None and opts.flags.max_wasm_stack is not None:
        raise UsageError("GOWASIRUNTIMEARGS: --stack-size and -W max-wasm-stack both set the stack: give one")
    return opts


def opt_level(opts: Options, environ=os.environ) -> int | None:
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


def guest_environment(opts: Options, environ=None) -> dict[str, str]:
    """PWD and PATH, as the wasmtime branch passes `--env PWD="$PWD" --env PATH="$PATH"` (a shell always
    has PWD; without one, the working directory stands in), then GOWASIRUNTIMEARGS' --env; with
    --inherit-env (or -S inherit-env) the whole environment first (grants.process_environment)."""
    environ = grants.process_environment() if environ is None else environ
    fixed = [f"PWD={environ.get('PWD') or os.getcwd()}", f"PATH={environ.get('PATH', '')}"]
    return grants.guest_environment([*fixed, *opts.env], opts.inherit_env or opts.flags.inherit_env, environ)


def _progress(module: str, data: bytes):
    from .progress import CompileProgress
    # Only on a terminal: off one, stderr is the test binary's, and Go's own tests read it
    # (internal/runtime/wasitest's TestNonblock); Go's wasmtime script prints nothing either.
    return CompileProgress(os.path.basename(module), data, note="first run only", prefix=f"{NAME}: ",
                           terminal_only=True)


def exec_module(argv: list[str], environ=None) -> None:
    """Replace this process with the module's executable; returns only by raising."""
    from . import launch
    environ = grants.process_environment() if environ is None else environ
    if not argv or argv[0] in ("-h", "--help"):
        raise UsageError(USAGE)
    module, args = argv[0], argv[1:]
    opts = parse_runtime_args(environ.get("GOWASIRUNTIMEARGS", ""))
    level = opt_level(opts, environ)
    data = launch.read_module(module)
    for host, guest in opts.dirs:
        grants.check_directory(host, guest)
    stack = opts.flags.max_wasm_stack if opts.stack_mib is None else opts.stack_mib << 20
    config = launch.Launch([opts.argv0 if opts.argv0 is not None else os.path.basename(module), *args],
                           guest_environment(opts, environ), [("/", "/"), *opts.dirs], stack,
                           opts.flags.max_memory_size, net=opts.net(), fuel=opts.flags.fuel,
                           timeout_ns=opts.flags.timeout_ns)
    if config.max_memory_size is not None:
        launch.check_memory_limit(data, config.max_memory_size)
    with _progress(module, data) as progress:
        exe = launch.executable(data, level, opts.flags.unknown_imports_trap, progress=progress,
                                metering=config.metering)
    launch.exec_executable(exe, config)


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 with one line on stderr when the module cannot be run at all (bad arguments, not a
    module, a module wasmc cannot compile or link, e.g. an unknown import)."""
    from .launch import ModuleFileError
    argv = sys.argv[1:] if argv is None else argv
    try:
        exec_module(argv)
    except (UsageError, ModuleFileError, grants.GrantError) as e:
        message = str(e)
    except WasmcError as e:
        message = f"{argv[0]}: {e}"
    except OSError as e:
        message = f"cannot run {argv[0]}: {e.strerror or e}"
    print(f"{NAME}: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
