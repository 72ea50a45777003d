"""Module (compiled code, loaded in-process) and Instance. runtime_c/instance.c instantiates from the
module's instance image, as executables do; Python only links the imports (each to a function record,
host function, memory, table or global cell, or leaves it to WASI) and wraps the exports."""
from __future__ import annotations

import bisect
from pathlib import Path

from .abi import WASI_MODULE
from .errors import InstantiationError, LinkError, WasmcError
from .externs import Extern, Func, Global, Memory, Table
from .runtime import runtime
from .traps import raise_trap, segment_error
from .wasm.features import WASM3, Features
from .wasm.module import Module as WasmModule
from .wasm.types import ExternKind, Limits

_KIND_CLASS = {ExternKind.FUNC: Func, ExternKind.TABLE: Table, ExternKind.MEMORY: Memory,
               ExternKind.GLOBAL: Global}
_ERROR_SIZE = 512
FUEL_UNLIMITED = (1 << 63) - 1      # the most fuel vmctx->fuel can hold


class Module:
    """A decoded, validated and compiled module, loaded in this process and ready to instantiate any
    number of times. Compiled code is cached on disk (wasmc.cache), so making the same Module again
    needs no LLVM.

        module = wasmc.Module.from_file("app.wasm")       # or wasmc.Module(wasm_bytes, opt_level=0)
        instance = wasmc.Instance(module, {})
    """

    def __init__(self, data: bytes, opt_level: int | None = None, cache: bool = True, progress=None,
                 features: Features = WASM3, consume_fuel: bool = False, interruptible: bool = False):
        """Decode, validate and compile `data` (or take its code from the cache), and load it.
        `opt_level` 0-3, or None (the default): tiered, as `wasmc run` (wasmc/tiers.py) - the module's
        -O2 code if it was built, else code at once from the function cache's -O2 and -O0 objects, with
        the -O2 build queued in a background process for the next time. Raises DecodeError,
        ValidationError or UnsupportedError; `progress(done, total)` reports a long compile. `features`
        (wasmc.wasm.features): the spec level to validate at, Wasm 3.0 unless told WASM2.
        `consume_fuel`: the code counts fuel as wasmtime does (Instance(fuel=N) gives it);
        `interruptible`: it stops with an "interrupt" trap once wasmc_interrupt is set (set_timeout)."""
        from .compile import shared_object
        from .jit import LoadedCode
        from .metering import Metering
        from .wasm.decode import decode_module
        data = bytes(data)
        self.wasm: WasmModule = decode_module(data, features)
        if features is not WASM3:
            # Compiling validates at 3.0, which accepts all of 2.0; the stricter rules differ only in
            # decoding and module-level checks, so checking those first is enough (and survives cache
            # hits).
            from .wasm.validate import validate_module
            validate_module(self.wasm, features)
        self.metering = Metering(fuel=consume_fuel, interrupt=interruptible)
        so = shared_object(data, self.wasm, opt_level, use_cache=cache, progress=progress, metering=self.metering)
        self.code = LoadedCode(so, len(self.wasm.code), len(self.wasm.types))

    @classmethod
    def from_file(cls, path: str | Path, opt_level: int | None = None) -> "Module":
        return cls(Path(path).read_bytes(), opt_level)


class Instance:
    """An instance of a Module: its memories, tables, globals and function records, and `exports`, a dict
    from export name to Func, Global, Memory or Table.

        instance = wasmc.Instance(module, {"env": {"log": wasmc.Func.host(FuncType((I32,), ()), log)}})
        instance.exports["run"](42)

    `imports` maps module name -> import name -> extern: a host Func, Global, Memory or Table, or another
    instance's export. WASI is linked only when `wasi` is given: a WASI program (Go's GOOS=wasip1, C's
    wasm32-wasi) needs `Instance(module, {}, wasi=Wasi(WasiConfig(argv=[...])))` (wasmc.wasi), and without
    it fails with "unknown import: wasi_snapshot_preview1::... has not been defined". Entries of
    `imports["wasi_snapshot_preview1"]` take precedence over the WASI host's functions.

    Raises LinkError for an import that is missing or of the wrong type, InstantiationError (carrying a
    Trap) for a segment out of bounds, and Trap or ProcExit when the start function traps or exits.
    `fuel`: what a Module(consume_fuel=True) instance starts with, the start function included (default:
    as good as unlimited); it traps with kind "out_of_fuel" when that is used up.
    """

    def __init__(self, module: Module, imports: dict[str, dict[str, Extern]] | None = None, wasi=None,
                 fuel: int | None = None):
        ffi, lib = runtime()
        self.module = module
        self.wasi = wasi
        self._code_starts: list[tuple[int, int]] | None = None
        m = module.wasm
        self._imports = _link(m, imports or {}, wasi)     # keeps imported externs and their owners alive

        c_imports = ffi.new("wasmc_import[]", max(len(m.imports), 1))
        for slot, imp, ext in zip(c_imports, m.imports, self._imports):
            if isinstance(ext, Func):
                if ext.record is not None:
                    slot.func = ext.record
                else:
                    slot.host_func = ext.host_func()
            elif isinstance(ext, Memory):
                slot.memory = ext.struct
            elif isinstance(ext, Table):
                slot.table = ext.struct
            elif isinstance(ext, Global):
                slot.global_cell = ext.cell
        out = ffi.new("wasmc_instance**")
        err = ffi.new("char[]", _ERROR_SIZE)
        result = lib.wasmc_instantiate(module.code.compiled, c_imports, wasi.state if wasi else ffi.NULL,
                                       out, err, _ERROR_SIZE)
        if result == lib.WASMC_LINK_ERROR:
            raise LinkError(ffi.string(err).decode(errors="replace"))
        if result == lib.WASMC_SETUP_ERROR:
            raise InstantiationError(ffi.string(err).decode(errors="replace"))
        self._c = ffi.gc(out[0], lib.wasmc_instance_free)
        # Segments (and later table.set / global.set) may have put this instance's function records in
        # imported tables and globals, even if instantiation fails below: they keep it alive.
        for ext in self._imports:
            if isinstance(ext, Table) or (isinstance(ext, Global) and ext.type.type.is_ref):
                ext.keep_alive(self)
        self._wrap_index_spaces(lib.wasmc_instance_vmctx(self._c))
        self.exports: dict[str, Extern] = {e.name: self._export(e.kind, e.index) for e in m.exports}
        if result != 0:
            raise segment_error(result)
        if fuel is not None and not module.metering.fuel:
            raise WasmcError("fuel needs a module compiled with consume_fuel=True")
        # Fuel consumed minus fuel given (runtime_c/wasmc_rt.h), at most what an i64 holds, as wasmtime.
        lib.wasmc_instance_vmctx(self._c).fuel = -min(FUEL_UNLIMITED if fuel is None else fuel, FUEL_UNLIMITED)
        trap = lib.wasmc_instance_start(self._c, 0)
        if trap:
            raise_trap(trap, self)

    def _wrap_index_spaces(self, vm) -> None:
        """memories, tables and globals by index: the imported externs, then wrappers of the defined ones."""
        m = self.module.wasm
        imported = {kind: [ext for imp, ext in zip(m.imports, self._imports) if imp.kind == kind]
                    for kind in (ExternKind.MEMORY, ExternKind.TABLE, ExternKind.GLOBAL)}
        self.vmctx = vm
        self.memories: list[Memory] = imported[ExternKind.MEMORY] + [
            Memory(mt, struct=vm.memories[i], owner=self)
            for i, mt in enumerate(m.memories, m.num_imported_memories)]
        self.tables: list[Table] = imported[ExternKind.TABLE] + [
            Table(tt, struct=vm.tables[i], owner=self) for i, tt in enumerate(m.tables, m.num_imported_tables)]
        self.globals: list[Global] = imported[ExternKind.GLOBAL] + [
            Global(g.type, cell=vm.globals[i], owner=self) for i, g in enumerate(m.globals, m.num_imported_globals)]

    def function_at(self, pc: int) -> str | None:
        """The name of this module's defined function holding code address `pc`, if any."""
        if self._code_starts is None:
            code = self.module.code
            self._code_starts = sorted((addr, i) for addrs in (code.funcs, code.direct_copies)
                                       for i, addr in enumerate(addrs) if addr)
        k = bisect.bisect_right(self._code_starts, (pc, len(self._code_starts))) - 1
        if k < 0:
            return None
        return self.module.wasm.func_name(self.module.wasm.num_imported_funcs + self._code_starts[k][1])

    def _export(self, kind: ExternKind, index: int) -> Extern:
        if kind == ExternKind.FUNC:
            m = self.module.wasm
            entry = self.module.code.entries[m.func_type_idx[index]]
            return Func(m.func_type(index), self.vmctx.funcrefs + index, entry, owner=self)
        if kind == ExternKind.GLOBAL:
            return self.globals[index]
        if kind == ExternKind.MEMORY:
            return self.memories[index]
        return self.tables[index]


# --- linking -------------------------------------------------------------------------------------------
def _link(m: WasmModule, imports: dict[str, dict[str, Extern]], wasi) -> list[Extern | None]:
    """The extern for each import, checked against its type; None for a WASI function runtime_c binds
    (it checks that one's type)."""
    resolved: list[Extern | None] = []
    for imp in m.imports:
        ext = imports.get(imp.module, {}).get(imp.name)
        where = f"{imp.module}::{imp.name}"
        if ext is None:
            if imp.module == WASI_MODULE and imp.kind == ExternKind.FUNC:
                if wasi is not None:
                    resolved.append(None)
                    continue
                raise LinkError(f"unknown import: {where} has not been defined (WASI is linked only when the "
                                f"Instance is given wasi=Wasi(WasiConfig(...)), see wasmc.wasi)")
            raise LinkError(f"unknown import: {where} has not been defined")
        if not isinstance(ext, _KIND_CLASS[imp.kind]):
            raise LinkError(f"incompatible import type for {where}: expected {imp.kind.name.lower()}")
        if not _matches(imp, ext, m):
            raise LinkError(f"incompatible import type for {where}")
        resolved.append(ext)
    return resolved


def _matches(imp, ext: Extern, m: WasmModule) -> bool:
    if imp.kind == ExternKind.FUNC:
        return ext.type == m.types[imp.desc]
    if imp.kind == ExternKind.GLOBAL:
        return ext.type == imp.desc
    # Address types must be equal (Wasm 3.0: an i32 memory or table never matches an i64 one).
    if ext.type.is64 != imp.desc.is64:
        return False
    if imp.kind == ExternKind.MEMORY:
        return _limits_match(Limits(ext.size_pages(), ext.type.limits.max), imp.desc.limits)
    return (ext.type.elem == imp.desc.elem
            and _limits_match(Limits(ext.size(), ext.type.limits.max), imp.desc.limits))


def _limits_match(actual: Limits, expected: Limits) -> bool:
    if actual.min < expected.min:
        return False
    if expected.max is None:
        return True
    return actual.max is not None and actual.max <= expected.max
