"""The wasmc command line: click commands that parse options, call the library, print, and choose the exit code."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import wast
from .errors import ProcExit, Trap, WasmcError

opt_level_option = click.option("-O", "--opt-level", "opt_level", type=click.IntRange(0, 3), default=2,
                                show_default=True, help="LLVM optimization level.")


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


DEFAULT_STACK_MIB = 256   # Go recurses deeply through native frames; the mapping is lazily committed


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
    """JIT-compile MODULE and run it: its `_start` (WASI command) or the export named by --invoke.

    The guest sees argv [basename(MODULE), ARGS...], only the environment given with --env and only the
    directories given with --dir, as with `wasmtime run`. Its exit code becomes wasmc's."""
    import wasmc
    from .aot import parse_dir
    from .wasi import Wasi, WasiConfig
    try:
        data = module.read_bytes()
    except OSError as e:
        _fail(f"cannot read {module}: {e.strerror}")
    env = [_parse_env(e) for e in envs]
    try:
        compiled = wasmc.Module(data, opt_level)
        argv = [module.name] + (list(args) if invoke is None else [])
        wasi = Wasi(WasiConfig(argv=argv, env=env, preopens=[parse_dir(d) for d in dirs]))
        instance = wasmc.Instance(compiled, {}, wasi=wasi)
        name = invoke or "_start"
        func = instance.exports.get(name)
        if not isinstance(func, wasmc.Func):
            _fail(f"{module}: no exported function named {name!r}")
        func.stack_size = stack_size << 20
        if invoke is None:
            func.call_raw([])
            return
        params = func.type.params
        if len(args) != len(params):
            _fail(f"{name} takes {len(params)} arguments, {len(args)} given")
        results = func(*[_invoke_arg(t, a) for t, a in zip(params, args)])
        if results is not None:
            for r in results if isinstance(results, tuple) else (results,):
                click.echo(r)
    except ProcExit as e:
        sys.stdout.flush()
        raise SystemExit(e.code)
    except Trap as e:
        sys.stdout.flush()
        click.echo(f"Error: failed to run main module `{module}`\n\nCaused by:\n    wasm trap: {e.message}",
                   err=True)
        raise SystemExit(134)
    except WasmcError as e:
        _fail(f"{module}: {e}")


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
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Preopen directory HOST as GUEST (default: HOST); a relative HOST is resolved when the "
                   "program runs. Repeatable.")
@click.option("--env", "env", multiple=True, metavar="NAME[=VALUE]",
              help="Give the program NAME=VALUE, or NAME's value where it runs. Repeatable.")
@click.option("--inherit-env", is_flag=True, help="Give the program its whole environment.")
@click.argument("module", type=click.Path(path_type=Path))
def compile_command(opt_level, output, emit, target, dirs, env, inherit_env, module: Path) -> None:
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
    try:
        data = module.read_bytes()
    except OSError as e:
        _fail(f"cannot read {module}: {e.strerror}")
    try:
        aot.write_output(data, output, emit, opt_level, target, dirs, env, inherit_env, source=module)
    except WasmcError as e:
        _fail(f"{module}: {e}")
