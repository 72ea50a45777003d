"""The wasmc command line: click commands that parse options, call the library, print, and choose the exit code.
Options follow wasmtime's spellings, so a wasmtime command line works with the program's name changed.
Every error is one line on stderr (a trap: wasmtime's report) and a non-zero exit: 2 for a bad command line."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .abi import DEFAULT_STACK_MIB
from .errors import ProcExit, Trap, WasmcError

CONTEXT = {"help_option_names": ["-h", "--help"]}
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())    # click >= 8.2
EXIT_USAGE = 2
EXIT_TRAP = 134         # wasmtime's: 128 + SIGABRT
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_INTERNAL = 70      # EX_SOFTWARE: a bug in wasmc, not in its input


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def _usage_message(e: click.UsageError) -> str:
    if isinstance(e, click.NoSuchOption):
        hint = f" (did you mean {' or '.join(sorted(e.possibilities))}?)" if e.possibilities else ""
        return f"No such option: {e.option_name}{hint}"
    return " ".join(e.format_message().split())


def standalone(command: click.Command, args: list[str] | None, prog_name: str | None, **extra) -> None:
    """Run a click command as a program, every failure one line: click's own usage errors included."""
    try:
        rv = click.Command.main(command, args, prog_name, standalone_mode=False, **extra)
    except NO_ARGS_IS_HELP as e:        # `wasmc` or `wasmc cache` alone: the help, as click shows it
        e.show()
        sys.exit(e.exit_code)
    except click.UsageError as e:
        where = f" (see '{e.ctx.command_path} -h')" if e.ctx is not None else ""
        _fail(_usage_message(e) + where, EXIT_USAGE)
    except click.ClickException as e:
        _fail(" ".join(e.format_message().split()), e.exit_code)
    except click.Abort:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:             # the reader went away (`wasmc ... | head`): nothing to report
        sys.exit(1)
    except Exception as e:              # noqa: BLE001 - a bug: still one line, the traceback on request
        if os.environ.get("WASMC_TRACEBACK"):
            raise
        _fail(f"internal error: {type(e).__name__}: {' '.join(str(e).split())} (a bug in wasmc; "
              f"WASMC_TRACEBACK=1 shows where)", EXIT_INTERNAL)
    sys.exit(rv if isinstance(rv, int) else 0)


class WasmcGroup(click.Group):
    """`wasmc MODULE ARGS...` is `wasmc run MODULE ARGS...`, as `wasmtime MODULE` is `wasmtime run MODULE`;
    a module file named like a command is reached with `wasmc run NAME`."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        standalone(self, args, prog_name, complete_var=complete_var, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help", "-V", "--version"):
            first = args[0]
            if not first.startswith("-") and "/" not in first and "." not in first and not os.path.exists(first):
                raise click.UsageError(f"No such command or module file: {first}", ctx)
            args = ["run", *args]
        return super().parse_args(ctx, args)


class OptLevel(click.ParamType):
    """wasmc's `-O N`, and wasmtime's `-O opt-level=N` for the same thing."""
    name = "LEVEL"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).removeprefix("opt-level=")
        if text in ("0", "1", "2", "3"):
            return int(text)
        if "=" in text or "," in text:
            self.fail(f"{value!r}: wasmc takes -O N or -O opt-level=N, with N from 0 to 3", param, ctx)
        self.fail(f"{value!r} is not an optimization level from 0 to 3", param, ctx)


opt_level_option = click.option("-O", "--opt-level", "opt_level", type=OptLevel(), default=2, show_default=True,
                                help="Optimization level: 0 compiles fastest, 1 is a light pipeline, 2 LLVM's "
                                     "-O2; 3 also compiles the resume paths of Go code fully.")
run_opt_level_option = click.option(
    "-O", "--opt-level", "opt_level", type=OptLevel(), default=None,
    help="Optimization level (0-3, as for compile). Default: tiered - the module's -O2 code if it was "
         "built, else at once from the function cache's -O2 and -O0 code (new functions at -O0), with the "
         "-O2 build done in the background for the next run (WASMC_TIERS=0: no background build).")


@click.group(cls=WasmcGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="wasmc", message="%(prog)s %(version)s")
def main() -> None:
    """wasmc: an ahead-of-time WebAssembly to native compiler on LLVM.

    `wasmc MODULE ARGS...` is short for `wasmc run MODULE ARGS...`."""


# --- network grants, shared by run and compile --------------------------------------------------------------
class NetworkCommand(click.Command):
    """A command with --allow-net, which alone means `--allow-net=*`: only `--allow-net=PATTERN,...` carries
    a value, so `wasmc run --allow-net app.wasm` never takes the module for a pattern."""
    BARE = {"--allow-net": "--allow-net=*"}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._bare_values(ctx, args))

    def _bare_values(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Walk the words as click will, skipping option values, up to the first argument where arguments
        # end the options (`wasmc run`) or to `--`.
        takes_value = {opt for p in self.get_params(ctx) if isinstance(p, click.Option) and not p.is_flag
                       for opt in (*p.opts, *p.secondary_opts)}
        out, i = [], 0
        while i < len(args):
            word = args[i]
            i += 1
            if word == "--":
                return out + args[i - 1:]
            if word in self.BARE:
                out.append(self.BARE[word])
                continue
            out.append(word)
            if word in takes_value and i < len(args):
                out.append(args[i])
                i += 1
            elif not word.startswith("-") and not ctx.allow_interspersed_args:
                return out + args[i:]
        return out


class OptionalValue(click.Option):
    """An option shown as `--name[=VALUE]` in the help (NetworkCommand gives it its bare meaning)."""

    def get_help_record(self, ctx: click.Context):
        record = super().get_help_record(ctx)
        return (f"{self.opts[0]}[={self.metavar}]", record[1]) if record else record


def network_options(f):
    options = [
        click.option("--tcplisten", "tcplisten", multiple=True, metavar="HOST:PORT",
                     help="Open a listening TCP socket on HOST:PORT for the guest (wasmtime's -S tcplisten): the "
                          "fds after the preopened directories, in order. Repeatable."),
        click.option("--allow-net", "allow_net", multiple=True, metavar="PATTERN,...", cls=OptionalValue,
                     help="Let the guest connect to and bind on addresses matching a PATTERN; alone: every IP "
                          "address and port. PATTERN: *, ADDR[:PORTS] (ADDR: IPv4, [IPv6], a CIDR range, * or a "
                          "host name, resolved when the guest starts; PORTS: N, N-M or *) or unix:/PATH (a "
                          "socket, or all beneath a PATH ending in /; * does not include them). Repeatable."),
        click.option("--allow-connect", "allow_connect", multiple=True, metavar="PATTERN[,...]",
                     help="Let the guest connect (TCP, and UDP connect and send_to) to matching addresses only. "
                          "Repeatable."),
        click.option("--allow-bind", "allow_bind", multiple=True, metavar="PATTERN[,...]",
                     help="Let the guest bind (and listen) on matching addresses only. Repeatable."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


# --- wasmc run ----------------------------------------------------------------------------------------------
def _not_in_wasmc(ctx: click.Context, param: click.Parameter, value) -> None:
    if value:
        raise click.UsageError(f"{param.opts[-1]} is a wasmtime option that wasmc does not support", ctx)


def wasmtime_only(*decls: str, is_flag: bool = False):
    """An option of `wasmtime run` that wasmc cannot honour: named in a one-line error, not taken for a file."""
    return click.option(*decls, hidden=True, is_flag=is_flag, expose_value=False, callback=_not_in_wasmc,
                        multiple=not is_flag)


def _wasmtime_options(f):
    for decls, is_flag in ((("-C", "--codegen"), False), (("-D", "--debug"), False), (("-R", "--record"), False),
                           (("-g", "--gdbstub"), False), (("--profile",), False), (("--preload",), False),
                           (("--config",), False), (("--target",), False), (("--allow-precompiled",), True)):
        f = wasmtime_only(*decls, is_flag=is_flag)(f)
    return f


@main.command("run", cls=NetworkCommand, context_settings={**CONTEXT, "allow_interspersed_args": False})
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Grant the guest host directory HOST as guest path GUEST (default: HOST). Repeatable.")
@click.option("--env", "envs", multiple=True, metavar="NAME[=VALUE]",
              help="Give the guest NAME=VALUE, or NAME with its value here (left out if unset). Repeatable.")
@click.option("--inherit-env", is_flag=True, help="Give the guest the whole environment (as -S inherit-env).")
@click.option("--argv0", metavar="NAME", help="The guest's argv[0] (default: the module's file name).")
@click.option("--invoke", metavar="NAME", help="Call this export with ARGS as its parameters, print results.")
@click.option("-W", "--wasm", "wasm_flags", multiple=True, metavar="KEY[=VAL[,..]]",
              help="wasmtime's wasm options: max-wasm-stack=BYTES, max-memory-size=BYTES (memory.grow beyond "
                   "it returns -1), unknown-imports-trap[=y|n] (unknown function imports trap when called), "
                   "fuel=N (trap once N units of fuel are used, counted as wasmtime does), timeout=DURATION "
                   "(interrupt the guest after N, Ns, Nms, Nus or Nns; N alone is seconds).")
@click.option("-S", "--wasi", "wasi_flags", multiple=True, metavar="KEY[=VAL[,..]]",
              help="wasmtime's WASI options: inherit-env[=y|n], inherit-network[=y|n] (as --allow-net), "
                   "tcplisten=HOST:PORT (as --tcplisten).")
@network_options
@click.option("--stack-size", type=click.IntRange(1, 1 << 16), metavar="MiB",
              help=f"Stack for wasm code in MiB (default {DEFAULT_STACK_MIB}), like -W max-wasm-stack in bytes; "
                   "running out is a clean 'call stack exhausted' trap.")
@run_opt_level_option
@_wasmtime_options
@click.argument("module", type=click.Path(path_type=Path))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run_command(dirs, envs, inherit_env, argv0, invoke, wasm_flags, wasi_flags, tcplisten, allow_net,
                allow_connect, allow_bind, stack_size, opt_level, module: Path, args) -> None:
    """Compile MODULE (or take it from the cache) and run it: its `_start` (WASI command) or the export
    named by --invoke. Options go before MODULE; everything after it goes to the guest.

    The guest sees argv [basename(MODULE), ARGS...], only the environment given with --env (or all of it
    with --inherit-env) and only the directories given with --dir, as with `wasmtime run`. It has no
    network unless granted: the listeners of --tcplisten, and the addresses --allow-net, --allow-connect
    and --allow-bind name (the WasmEdge socket calls); any other socket operation fails with EACCES
    before reaching the network. Its exit code becomes wasmc's; a trap prints wasmtime's report and exits
    with 134. A command runs as a cached native executable (no LLVM and no Python in the running
    process); --invoke runs in-process."""
    from . import flags as run_flags
    from . import grants, launch
    options = run_flags.RunFlags()
    try:
        for text in wasm_flags:
            run_flags.apply(options, "-W", text)
        for text in wasi_flags:
            run_flags.apply(options, "-S", text)
        if stack_size is not None and options.max_wasm_stack is not None:
            raise WasmcError("--stack-size and -W max-wasm-stack both set the stack: give one")
        preopens = [grants.parse_dir(d) for d in dirs]
        env_specs = [grants.parse_env(e) for e in envs]
        net = grants.net_grants(tcplisten, allow_net, allow_connect, allow_bind) + options.net()
    except WasmcError as e:
        _fail(str(e), EXIT_USAGE)
    stack = options.max_wasm_stack if stack_size is None else stack_size << 20
    environment = grants.guest_environment(env_specs, inherit_env or options.inherit_env)
    config = launch.Launch([module.name if argv0 is None else argv0, *args], environment, preopens, stack,
                           options.max_memory_size, net=net, fuel=options.fuel, timeout_ns=options.timeout_ns)
    try:
        data = launch.read_module(module)
        for host, guest in preopens:
            grants.check_directory(host, guest)
        if options.max_memory_size is not None:
            launch.check_memory_limit(data, options.max_memory_size)
        if invoke is None:
            _exec_command(data, module, config, opt_level, options.unknown_imports_trap)
        else:
            _invoke(data, module, invoke, config, opt_level, options.unknown_imports_trap)
    except (grants.GrantError, launch.ModuleFileError) as e:
        _fail(str(e))
    except WasmcError as e:
        _fail(f"{module}: {e}")


def _compile_progress(module: Path, data: bytes, note: str = "first run only"):
    from .progress import CompileProgress
    return CompileProgress(module.name, data, note=note)


def _exec_command(data: bytes, module: Path, config, opt_level: int, unknown_imports_trap: bool) -> None:
    """Replace this process with the module's cached executable (launch.py)."""
    from . import grants, launch
    for host, guest in config.dirs:
        grants.check_transportable(host, guest)     # before a compile, not after it
    with _compile_progress(module, data) as progress:
        exe = launch.executable(data, opt_level, unknown_imports_trap, progress=progress, metering=config.metering)
    try:
        launch.exec_executable(exe, config)
    except OSError as e:
        _fail(f"cannot run {exe}: {e.strerror or e}")


def _invoke(data: bytes, module: Path, name: str, config, opt_level: int, unknown_imports_trap: bool) -> None:
    from . import invoke
    try:
        with _compile_progress(module, data) as progress:
            call = invoke.prepare(data, name, config, opt_level, unknown_imports_trap, progress)
        results = call.run(config.argv[1:])
    except invoke.ArgumentError as e:
        raise click.BadParameter(str(e), param_hint="--invoke") from None
    except ProcExit as e:
        sys.stdout.flush()
        raise SystemExit(e.code)
    except Trap as e:
        sys.stdout.flush()
        click.echo(trap_report(module, f"failed to invoke `{name}`", e.func, f"wasm trap: {invoke.trap_text(e)}"),
                   err=True, nl=False)
        raise SystemExit(EXIT_TRAP)
    except invoke.HostError as e:
        sys.stdout.flush()
        click.echo(trap_report(module, f"failed to invoke `{name}`", None, str(e)), err=True, nl=False)
        raise SystemExit(1)
    for value in results:
        click.echo(value)


def trap_report(module: Path, stage: str, func: str | None, cause: str) -> str:
    """wasmtime's report of a failed call, as runtime_c/main.c prints it for executables (ending, as
    wasmtime's, with a blank line)."""
    at = f"    1: error while executing at wasm function `{func}`\n    2: " if func else "    1: "
    return f"Error: failed to run main module `{module}`\n\nCaused by:\n    0: {stage}\n{at}{cause}\n\n"


# --- wasmc compile ------------------------------------------------------------------------------------------
# --cpu as codegen.target_machine takes it: False for the portable baseline, True for this machine's CPU,
# else the x86-64 level's name.
_HOST_CPU = {"portable": False, "native": True}


@main.command("compile", cls=NetworkCommand, context_settings=CONTEXT)
@opt_level_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; never a directory or the input module.")
@click.option("--emit", type=click.Choice(("exe", "obj", "asm", "llvm-ir")), default="exe", show_default=True,
              help="An executable, or the module's object code, LLVM IR (after the -O passes) or assembly, "
                   "instance image included.")
@click.option("--target", metavar="TRIPLE",
              help="LLVM target for obj/asm/llvm-ir, e.g. aarch64-unknown-linux-gnu. Executables are built "
                   "for this host only.")
@click.option("--cpu", type=click.Choice(("portable", "x86-64-v2", "x86-64-v3", "x86-64-v4", "native")),
              default="portable", show_default=True,
              help="The CPU the code may assume. portable: the baseline, x86-64-v2 on x86-64 (SSSE3, "
                   "SSE4.1/4.2, POPCNT: x86-64 CPUs since about 2010, what SIMD code wants) and any AArch64 "
                   "CPU (NEON). x86-64-v3 adds AVX2, BMI2 and FMA (Haswell, Zen and later), x86-64-v4 "
                   "AVX-512; native: every feature of this machine's CPU. An executable started on a CPU "
                   "without its features exits with a one-line message. `wasmc run` and the Python API "
                   "always compile for this machine.")
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Preopen directory HOST as GUEST (default: HOST); a relative HOST is resolved when the "
                   "program runs. Repeatable.")
@click.option("--env", "env", multiple=True, metavar="NAME[=VALUE]",
              help="Give the program NAME=VALUE, or NAME's value where it runs. Repeatable.")
@click.option("--inherit-env", is_flag=True, help="Give the program its whole environment.")
@network_options
@click.option("--link", "link", multiple=True, metavar="FILE", type=click.Path(path_type=Path),
              help="A C source (.c, compiled with $CC) or an object or library (.o/.a/.so) defining the "
                   "module's non-WASI imports: import M::N is the C function wasmc_import_M_N "
                   "(runtime_c/wasmc_host.h). Repeatable.")
@click.option("-W", "--wasm", "wasm_flags", multiple=True, metavar="KEY=VAL[,..]",
              help="wasmtime's fuel=N and timeout=DURATION: compile the checks in; the executable runs with "
                   "these amounts unless WASMC_FUEL or WASMC_TIMEOUT_NS (nanoseconds) say otherwise.")
@click.argument("module", type=click.Path(path_type=Path))
def compile_command(opt_level, output, emit, target, cpu, dirs, env, inherit_env, tcplisten, allow_net,
                    allow_connect, allow_bind, link, wasm_flags, module: Path) -> None:
    """Compile a WebAssembly module ahead of time. By default the output is a standalone native
    executable for this host that runs the module's WASI command (_start) without Python, as
    `wasmtime run MODULE` would.

    The executable gets its arguments and stdio and, as under wasmtime, no directory, no environment
    variable and no network unless granted: by --dir, --env, --inherit-env, --tcplisten, --allow-net,
    --allow-connect and --allow-bind here (stored in the executable), or when it runs, in addition, by
    WASMC_DIR=HOST[::GUEST][:HOST[::GUEST]...] (more directories), WASMC_INHERIT_ENV=1 (the whole
    environment), WASMC_TCPLISTEN=HOST:PORT[,...] (more listeners, after the stored ones) and
    WASMC_ALLOW_NET, WASMC_ALLOW_CONNECT, WASMC_ALLOW_BIND=PATTERN[,...] (more addresses). A socket
    operation nothing grants fails with EACCES. WASMC_STACK_SIZE (e.g. 512m; default 256m) sets the
    wasm stack, WASMC_MAX_MEMORY_SIZE (bytes, or with k/m/g) the most a memory may grow to. With -W
    fuel=N or -W timeout=DURATION the program runs metered, as under wasmtime, with WASMC_FUEL and
    WASMC_TIMEOUT_NS (nanoseconds) to change the amounts. A trap prints wasmtime's report ending
    "wasm trap: MESSAGE" and exits with 134; the exit status is otherwise the module's proc_exit code."""
    from . import aot, grants, launch
    from . import flags as run_flags
    if cpu == "native" and target is not None:
        _fail("--cpu native compiles for this machine; it cannot be combined with --target", EXIT_USAGE)
    if cpu.startswith("x86-64-") and (target or os.uname().machine).split("-")[0] != "x86_64":
        _fail(f"--cpu {cpu} is an x86-64 level; the target is not x86-64", EXIT_USAGE)
    try:
        for spec in dirs:
            grants.parse_dir(spec)
        for spec in env:
            grants.parse_env(spec)
        net = grants.net_grants(tcplisten, allow_net, allow_connect, allow_bind)
        limits = run_flags.RunFlags()
        for text in wasm_flags:
            run_flags.apply(limits, "-W", text)
        if limits != run_flags.RunFlags(fuel=limits.fuel, timeout_ns=limits.timeout_ns):
            raise run_flags.FlagError("wasmc compile takes -W fuel and -W timeout; the executable's stack and "
                                      "memory limits are WASMC_STACK_SIZE and WASMC_MAX_MEMORY_SIZE where it runs")
    except (grants.GrantError, run_flags.FlagError) as e:
        _fail(str(e), EXIT_USAGE)
    if target is not None:
        from .codegen import target_machine
        try:
            target_machine(opt_level, target)
        except RuntimeError as e:       # llvmlite's report of a triple LLVM does not know
            _fail(f"--target {target}: {e}", EXIT_USAGE)
    try:
        data = launch.read_module(module)
        with _compile_progress(module, data, note="") as progress:
            aot.write_output(data, output, emit, opt_level, target, dirs, env, inherit_env, source=module,
                             progress=progress, link=link, host_cpu=_HOST_CPU.get(cpu, cpu), net=net,
                             fuel=limits.fuel, timeout_ns=limits.timeout_ns)
    except launch.ModuleFileError as e:
        _fail(str(e))
    except WasmcError as e:
        _fail(f"{module}: {e}")


# --- wasmc wast ---------------------------------------------------------------------------------------------
@main.command("wast", context_settings=CONTEXT)
@opt_level_option
@click.option("--summary", is_flag=True,
              help="Also count passed assertions against a MANIFEST.tsv beside the files (or one directory up).")
@click.option("--column", default=None, metavar="NAME",
              help="The MANIFEST.tsv column --summary counts against, e.g. in_wasm2: the assertions in scope "
                   "at that feature level.  [default: in_scalar2]")
@click.option("--spec", "spec", type=click.Choice(["2.0", "3.0"]), default=None,
              help="The spec level modules are validated at (3.0 accepts constant expressions and 64-bit "
                   "memories that 2.0 rejects). Default: that of an explicit --column (in_wasm1, "
                   "in_scalar2, in_wasm2: 2.0), else 3.0.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds one command may take before it counts as failed.")
@click.option("-v", "--verbose", is_flag=True, help="List failing commands with their line numbers.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def wast_command(opt_level: int, summary: bool, column: str | None, spec: str | None, timeout: float,
                 verbose: bool, files: tuple[Path, ...]) -> None:
    """Run WebAssembly spec-test scripts (.wast). Each script runs in a child process, so a crash fails
    the command that caused it rather than the whole run."""
    from . import wast
    from .wasm.features import BY_NAME, WASM3
    features = BY_NAME[spec] if spec else wast.column_features(column) if column else WASM3
    column = column or "in_scalar2"
    passed = failed = skipped = errors = 0
    in_scope = in_scope_passed = 0
    for path in files:
        try:
            result = wast.run_file(path, opt_level, isolate=True, timeout=timeout, features=features)
        except wast.WastError as e:
            click.echo(f"{path}: error: {e}", err=True)
            errors += 1
            continue
        passed, failed, skipped = passed + result.passed, failed + result.failed, skipped + result.skipped
        line = f"{path}: {result.passed} passed, {result.failed} failed, {result.skipped} skipped"
        expected = wast.manifest_count(path, column) if summary else None
        if expected is not None:
            assertions_passed = wast.passed_in_scope(result, expected)
            in_scope, in_scope_passed = in_scope + expected, in_scope_passed + assertions_passed
            line += f" (assertions passed {assertions_passed}/{expected} {column})"
        click.echo(line)
        if verbose:
            for outcome in result.failures:
                click.echo(f"  line {outcome.line}: {outcome.command}: {outcome.reason}")
            for feature, count in sorted(result.skipped_features().items()):
                click.echo(f"  skipped {count}: {feature}")
    if in_scope:
        click.echo(f"assertions passed {in_scope_passed}/{in_scope} {column}")
    elif summary:
        click.echo(f"no MANIFEST.tsv with a {column} column lists these files", err=True)
    totals = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    click.echo(totals)
    if failed or errors:
        raise SystemExit(1)


# --- wasmc cache --------------------------------------------------------------------------------------------
@main.group("cache", context_settings=CONTEXT)
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


@cache_group.command("info", context_settings=CONTEXT)
def cache_info_command() -> None:
    """Where the cache is, how many compiled modules it holds, their size and the size cap."""
    from . import cache
    click.echo(cache.describe())


@cache_group.command("clear", context_settings=CONTEXT)
def cache_clear_command() -> None:
    """Delete every compiled module (the runtime library, rebuilt in seconds, stays)."""
    from . import cache
    count, _ = _cache_totals()
    freed = cache.clear()
    click.echo(f"removed {count - _cache_totals()[0]} entries, {cache.mib(freed)}")


@cache_group.command("prune", context_settings=CONTEXT)
@click.option("--max-size", "max_size", required=True, metavar="SIZE",
              help="Keep at most this much: bytes, or with k/m/g/t (powers of 1024), e.g. 500m or 2g.")
def cache_prune_command(max_size: str) -> None:
    """Delete the least recently used compiled modules until the cache holds at most SIZE."""
    from . import cache
    limit = _parse_size(max_size)
    count, _ = _cache_totals()
    freed = cache.evict(limit)
    left, size = _cache_totals()
    click.echo(f"removed {count - left} entries, {cache.mib(freed)}; {left} entries, {cache.mib(size)} remain")
