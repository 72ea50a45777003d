"""`wasmc run --invoke NAME`: a module in-process through the Python API, one export called with arguments
from the command line. Grants and limits are the same as for commands (launch.Launch); printing is the
CLI's."""
from __future__ import annotations

from dataclasses import dataclass

from .abi import DEFAULT_STACK
from .errors import Trap, WasmcError
from .wasm.types import F32, F64, ExternKind


class ArgumentError(WasmcError):
    """A command-line argument that is not a value of the parameter's type."""


class HostError(WasmcError):
    """A host function failed with an error rather than a wasm trap (wasmtime exits with 1, not 134)."""


def trap_text(e: Trap) -> str:
    """wasmtime's wording: its message for `unreachable` differs from the spec's, which Trap carries."""
    return "wasm `unreachable` instruction executed" if e.kind == "unreachable" else e.message


def _unknown_import(where: str):
    def call(args):
        raise HostError(f"unknown import: `{where}` has not been defined")
    return call


def trapping_imports(module) -> dict:
    """Functions for the imports nothing here can provide (all but known WASI ones) that fail when called,
    as wasmtime's -W unknown-imports-trap defines them."""
    from . import Func
    from .wasi import MODULE as WASI_MODULE
    from .wasi import Wasi
    out: dict[str, dict] = {}
    m = module.wasm
    for imp in m.imports:
        if imp.kind != ExternKind.FUNC or (imp.module == WASI_MODULE and Wasi.lookup(imp.name) is not None):
            continue
        out.setdefault(imp.module, {})[imp.name] = Func.host(m.types[imp.desc],
                                                             _unknown_import(f"{imp.module}::{imp.name}"))
    return out


def _argument(valtype, text: str):
    try:
        return float(text) if valtype in (F32, F64) else int(text, 0)
    except ValueError:
        raise ArgumentError(f"{text!r} is not a valid {valtype.text}") from None


@dataclass(slots=True)
class Call:
    """An instantiated module and the export to call."""
    instance: object
    name: str
    func: object

    def run(self, args: list[str]) -> list:
        """Call the export with `args` parsed by its parameter types; its results as Python values."""
        params = self.func.type.params
        if len(args) != len(params):
            raise WasmcError(f"{self.name} takes {len(params)} arguments, {len(args)} given")
        results = self.func(*[_argument(t, a) for t, a in zip(params, args)])
        return list(results) if isinstance(results, tuple) else [] if results is None else [results]


def prepare(data: bytes, name: str, launch, opt_level: int, unknown_imports_trap: bool = False,
            progress=None) -> Call:
    """Compile and instantiate with the guest's grants (`launch`: argv[0], env, dirs, network, stack and memory
    limit), run `_initialize` if the module is a reactor, and find export `name`."""
    import wasmc
    from ._rt import ffi, lib
    from .wasi import Wasi, WasiConfig
    if launch.max_memory_size is not None:
        lib.wasmc_set_memory_limit(launch.max_memory_size)
    module = wasmc.Module(data, opt_level, progress=progress, consume_fuel=launch.fuel is not None,
                          interruptible=launch.timeout_ns is not None)
    imports = trapping_imports(module) if unknown_imports_trap else {}
    try:
        net = launch.net
        wasi = Wasi(WasiConfig(argv=launch.argv[:1], env=list(launch.env.items()), preopens=launch.dirs,
                               tcplisten=list(net.tcplisten), allow_net=list(net.allow_net),
                               allow_connect=list(net.allow_connect), allow_bind=list(net.allow_bind)))
    except OSError as e:       # the runtime's words: "cannot open preopened directory ...", "cannot listen on ..."
        raise WasmcError(str(e)) from None
    if launch.timeout_ns is not None:       # as wasmtime, the clock starts before instantiation
        if lib.wasmc_set_timeout(launch.timeout_ns, ffi.NULL) != 0:
            raise WasmcError("cannot start the timeout's timer thread")
    instance = wasmc.Instance(module, imports, wasi=wasi, fuel=launch.fuel)
    init = instance.exports.get("_initialize")
    if isinstance(init, wasmc.Func) and name != "_initialize":
        init.call_raw([])
    func = instance.exports.get(name)
    if not isinstance(func, wasmc.Func):
        raise WasmcError(f"no exported function named {name!r}")
    func.stack_size = DEFAULT_STACK if launch.stack_size is None else launch.stack_size
    return Call(instance, name, func)
