"""The wasmc command line: click commands that parse options, call the library, print, and choose the exit code."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import ProcExit, Trap, WasmcError

opt_level_option = click.option("-O", "--opt-level", "opt_level", type=click.IntRange(0, 3), default=2,
                                show_default=True,
                                help="Optimization level: 0 compiles fastest, 1 is a light pipeline, 2 LLVM's "
                                     "-O2; 3 also compiles the resume paths of Go code fully.")


@click.group()
def main() -> None:
    """wasmc: an ahead-of-time WebAssembly to native compiler on LLVM."""


@main.command("wast")
@opt_level_option
@click.option("--summary", is_flag=True,
              help="Also show passed assertions against the in_scalar2 count of a MANIFEST.tsv beside the files.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds one command may take before it counts as failed.")
@click.option("-v", "--verbose", is_flag=True, help="List failing commands with their line numbers.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def wast_command(opt_level: int, summary: bool, timeout: float, verbose: bool, files: tuple[Path, ...]) -> None:
    """Run WebAssembly spec-test scripts (.wast). Each script runs in a child process, so a crash fails
    the command that caused it rather than the whole run."""
    from . import wast
    passed = failed = skipped = errors = 0
    in_scope = in_scope_passed = 0
    for path in files:
        try:
            result = wast.run_file(path, opt_level, isolate=True, timeout=timeout)
        except wast.WastError as e:
            click.echo(f"{path}: error: {e}", err=True)
            errors += 1
            continue
        passed, failed, skipped = passed + result.passed, failed + result.failed, skipped + result.skipped
        line = f"{path}: {result.passed} passed, {result.failed} failed, {result.skipped} skipped"
        expected = wast.manifest_count(path) if summary else None
        if expected is not None:
            assertions_passed = result.count(wast.Status.PASSED, assertions_only=True)
            in_scope, in_scope_passed = in_scope + expected, in_scope_passed + assertions_passed
            line += f" (assertions passed {assertions_passed}/{expected} in_scalar2)"
        click.echo(line)
        if verbose:
            for outcome in result.failures:
                click.echo(f"  line {outcome.line}: {outcome.command}: {outcome.reason}")
            for feature, count in sorted(result.skipped_features().items()):
                click.echo(f"  skipped {count}: {feature}")
    if in_scope:
        click.echo(f"assertions passed {in_scope_passed}/{in_scope} in_scalar2")
    totals = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    click.echo(totals)
    if failed or errors:
        raise SystemExit(1)


from .abi import DEFAULT_STACK_MIB  # noqa: E402 - one default for the CLI, the API and executables


def _parse_env(spec: str) -> tuple[str, str]:
    name, sep, value = spec.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"expected NAME=VALUE, got {spec!r}", param_hint="--env")
    return name, value


def _invoke_arg(valtype, text: str):
    from .wasm.types import F32, F64
    try:
        if valtype in (F32, F64):
            return float(text)
        return int(text, 0)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a valid {valtype.text}", param_hint="--invoke") from None


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def _progress():
    from .progress import terminal_progress
    return terminal_progress()


@main.command("run", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Grant the guest a host directory, under the guest path GUEST (default: the same path).")
@click.option("--env", "envs", multiple=True, metavar="NAME=VALUE", help="Set a guest environment variable.")
@click.option("--invoke", metavar="NAME", help="Call this export with ARGS as its parameters, print results.")
@click.option("--stack-size", type=click.IntRange(1, 1 << 16), default=DEFAULT_STACK_MIB, show_default=True,
              help="Stack for wasm code, in MiB; running out is a clean 'call stack exhausted' trap.")
@opt_level_option
@click.argument("module", type=click.Path(path_type=Path))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run_command(dirs, envs, invoke, stack_size, opt_level, module: Path, args) -> None:
    """Compile MODULE (or take it from the cache) and run it: its `_start` (WASI command) or the export
    named by --invoke.

    The guest sees argv [basename(MODULE), ARGS...], only the environment given with --env and only the
    directories given with --dir, as with `wasmtime run`. Its exit code becomes wasmc's; a trap prints
    its message and exits with 134. A command runs as a cached native executable (no LLVM and no Python
    in the running process); --invoke runs in-process through the Python API."""
    from .wasi import parse_dir
    try:
        data = module.read_bytes()
    except OSError as e:
        _fail(f"cannot read {module}: {e.strerror}")
    try:
        env = dict(_parse_env(e) for e in envs)
        preopens = [parse_dir(d) for d in dirs]
        if invoke is None:
            _exec_command(data, module, args, env, preopens, stack_size, opt_level)
        _invoke(data, module, invoke, args, env, preopens, stack_size, opt_level)
    except WasmcError as e:
        _fail(f"{module}: {e}")


def _exec_command(data, module: Path, args, env, preopens, stack_size: int, opt_level: int) -> None:
    """Replace this process with the module's cached executable; grants travel in WASMC_* variables,
    which the guest never sees (runtime_c/main.c)."""
    from .aot import cached_executable
    exe = cached_executable(data, opt_level, progress=_progress())
    for host, guest in preopens:
        if ":" in host or ":" in guest:
            raise WasmcError(f"--dir {host}::{guest}: paths with ':' cannot be passed to the runtime")
    run_env = dict(env)
    run_env["WASMC_INHERIT_ENV"] = "1"      # exactly `env`: the variables set here, WASMC_* excluded
    run_env["WASMC_STACK_SIZE"] = f"{stack_size}m"
    if preopens:
        run_env["WASMC_DIR"] = ":".join(f"{h}::{g}" for h, g in preopens)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(exe, [module.name, *args], run_env)


def _invoke(data, module: Path, name: str, args, env, preopens, stack_size: int, opt_level: int) -> None:
    import wasmc
    from .wasi import Wasi, WasiConfig
    try:
        compiled = wasmc.Module(data, opt_level, progress=_progress())
        wasi = Wasi(WasiConfig(argv=[module.name], env=list(env.items()), preopens=preopens))
        instance = wasmc.Instance(compiled, {}, wasi=wasi)
        init = instance.exports.get("_initialize")
        if isinstance(init, wasmc.Func) and name != "_initialize":
            init.call_raw([])
        func = instance.exports.get(name)
        if not isinstance(func, wasmc.Func):
            _fail(f"{module}: no exported function named {name!r}")
        func.stack_size = stack_size << 20
        params = func.type.params
        if len(args) != len(params):
            _fail(f"{name} takes {len(params)} arguments, {len(args)} given")
        results = func(*[_invoke_arg(t, a) for t, a in zip(params, args)])
        for r in results if isinstance(results, tuple) else () if results is None else (results,):
            click.echo(r)
    except ProcExit as e:
        sys.stdout.flush()
        raise SystemExit(e.code)
    except Trap as e:
        sys.stdout.flush()
        # wasmtime's wording for `unreachable`, as runtime_c/main.c prints it for commands.
        message = "wasm `unreachable` instruction executed" if e.kind == "unreachable" else e.message
        at = f"    1: error while executing at wasm function `{e.func}`\n    2: " if e.func else "    1: "
        click.echo(f"Error: failed to run main module `{module}`\n\nCaused by:\n    0: failed to invoke `{name}`\n"
                   f"{at}wasm trap: {message}", err=True)
        raise SystemExit(134)


@main.command("compile")
@opt_level_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; never a directory or the input module.")
@click.option("--emit", type=click.Choice(("exe", "obj", "asm", "llvm-ir")), default="exe", show_default=True,
              help="An executable, or the module's object code, LLVM IR (after the -O passes) or assembly, "
                   "instance image included.")
@click.option("--target", metavar="TRIPLE",
              help="LLVM target for obj/asm/llvm-ir, e.g. aarch64-unknown-linux-gnu. Executables are built "
                   "for this host only.")
@click.option("--cpu", type=click.Choice(("portable", "native")), default="portable", show_default=True,
              help="native: use every feature of this machine's CPU (faster, but the output may not run on "
                   "older CPUs). `wasmc run` and the Python API always compile for this machine.")
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Preopen directory HOST as GUEST (default: HOST); a relative HOST is resolved when the "
                   "program runs. Repeatable.")
@click.option("--env", "env", multiple=True, metavar="NAME[=VALUE]",
              help="Give the program NAME=VALUE, or NAME's value where it runs. Repeatable.")
@click.option("--inherit-env", is_flag=True, help="Give the program its whole environment.")
@click.option("--link", "link", multiple=True, metavar="FILE", type=click.Path(path_type=Path),
              help="A C source (.c, compiled with $CC) or an object or library (.o/.a/.so) defining the "
                   "module's non-WASI imports: import M::N is the C function wasmc_import_M_N "
                   "(runtime_c/wasmc_host.h). Repeatable.")
@click.argument("module", type=click.Path(path_type=Path))
def compile_command(opt_level, output, emit, target, cpu, dirs, env, inherit_env, link, module: Path) -> None:
    """Compile a WebAssembly module ahead of time. By default the output is a standalone native
    executable for this host that runs the module's WASI command (_start) without Python, as
    `wasmtime run MODULE` would.

    The executable gets its arguments and stdio and, as under wasmtime, no directory and no
    environment variable unless granted: by --dir/--env/--inherit-env here (stored in the
    executable), or when it runs, by WASMC_DIR=HOST[::GUEST][:HOST[::GUEST]...] (more
    directories) and WASMC_INHERIT_ENV=1 (the whole environment). WASMC_STACK_SIZE (e.g. 512m;
    default 256m) sets the wasm stack. A trap prints "wasm trap: MESSAGE" and exits with 134; the
    exit status is otherwise the module's proc_exit code."""
    from . import aot
    if cpu == "native" and target is not None:
        _fail("--cpu native compiles for this machine; it cannot be combined with --target")
    try:
        data = module.read_bytes()
    except OSError as e:
        _fail(f"cannot read {module}: {e.strerror}")
    try:
        aot.write_output(data, output, emit, opt_level, target, dirs, env, inherit_env, source=module,
                         progress=_progress(), link=link, host_cpu=cpu == "native")
    except WasmcError as e:
        _fail(f"{module}: {e}")


@main.group("cache")
def cache_group() -> None:
    """Inspect or shrink the cache of compiled modules ($WASMC_CACHE_DIR, else ~/.cache/wasmc)."""


def _parse_size(text: str) -> int:
    """Bytes, or a number with k, m, g or t (powers of 1024, as WASMC_STACK_SIZE): 500m, 2g, 1.5G."""
    import re
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if m is None:
        raise click.BadParameter(f"{text!r} is not a size like 1000000, 500m or 2g", param_hint="--max-size")
    return int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2).lower() or " "))


def _cache_totals() -> tuple[int, int]:
    from . import cache
    entries = cache.entries()
    return len(entries), sum(e.size for e in entries)


@cache_group.command("info")
def cache_info_command() -> None:
    """Where the cache is, how many compiled modules it holds, their size and the size cap."""
    from . import cache
    click.echo(cache.describe())


@cache_group.command("clear")
def cache_clear_command() -> None:
    """Delete every compiled module (the runtime library, rebuilt in seconds, stays)."""
    from . import cache
    count, _ = _cache_totals()
    freed = cache.clear()
    click.echo(f"removed {count - _cache_totals()[0]} entries, {freed / 1e6:.1f} MB")


@cache_group.command("prune")
@click.option("--max-size", "max_size", required=True, metavar="SIZE",
              help="Keep at most this much: bytes, or with k/m/g/t (powers of 1024), e.g. 500m or 2g.")
def cache_prune_command(max_size: str) -> None:
    """Delete the least recently used compiled modules until the cache holds at most SIZE."""
    from . import cache
    limit = _parse_size(max_size)
    count, _ = _cache_totals()
    freed = cache.evict(limit)
    left, size = _cache_totals()
    click.echo(f"removed {count - left} entries, {freed / 1e6:.1f} MB; {left} entries, {size / 1e6:.1f} MB remain")
