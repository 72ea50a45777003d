"""The candidate engine: a module compiled by wasmc and instantiated in this process with the same dummy
imports the reference gets (see trace.py for the engine protocol)."""
from __future__ import annotations

import wasmc
from wasmc.wasm.types import FuncType, GlobalType, Limits, MemoryType, TableType, ValType

from .trace import ExternType, Shape
from .values import ref_value, zero_of

_VALTYPE = {"i32": ValType.I32, "i64": ValType.I64, "f32": ValType.F32, "f64": ValType.F64,
            "funcref": ValType.FUNCREF, "externref": ValType.EXTERNREF}

# wasmc's trap kinds in the fuzzer's vocabulary (ref_wasmtime.py maps wasmtime's to the same words).
TRAP_KINDS = {"undefined_element": "table_oob", "uninitialized": "null_element"}


def compile_module(data: bytes, opt_level: int) -> wasmc.Module:
    """Compile as users do: through the cache, which compiles function by function through the function
    cache where that is usable (WASMC_FUNCTION_CACHE=0 is the whole-module path). The cache is the
    child's own (differ.WasmcChild), emptied whenever a child starts."""
    return wasmc.Module(data, opt_level=opt_level)


def trap_kind(trap: wasmc.Trap) -> str:
    return TRAP_KINDS.get(trap.kind, trap.kind)


class WasmcEngine:
    def __init__(self, module: wasmc.Module, shape: Shape):
        self.module = module
        self.shape = shape
        self.host_calls: list = []
        self.instance = None
        self._owners: set[int] = set()
        self.imports, self._by_index = self._dummy_imports()

    def _dummy_imports(self):
        imports: dict[str, dict[str, object]] = {}
        by_index = []
        for index, (mod, name, et) in enumerate(self.shape.imports):
            names = imports.setdefault(mod, {})
            if name not in names:     # one extern per name: a later import of the name shares it
                names[name] = self._dummy(index, et)
                self._owners.add(index)
            by_index.append(names[name])
        return imports, by_index

    def _dummy(self, index: int, et: ExternType):
        if et.kind == "func":
            params, results = et.type
            log = self.host_calls

            def host(args, index=index, params=params, results=results):
                log.append((index, tuple(ref_value(t, a) if t in _REFS else a for t, a in zip(params, args))))
                return [zero_of(t) for t in results]

            ft = FuncType(tuple(_VALTYPE[p] for p in params), tuple(_VALTYPE[r] for r in results))
            return wasmc.Func.host(ft, host)
        if et.kind == "memory":
            return wasmc.Memory(MemoryType(Limits(*et.type)))
        if et.kind == "table":
            elem, lo, hi = et.type
            return wasmc.Table(TableType(_VALTYPE[elem], Limits(lo, hi)))
        vt, mutable = et.type
        return wasmc.Global(GlobalType(_VALTYPE[vt], mutable), zero_of(vt))

    def instantiate(self) -> tuple:
        try:
            self.instance = wasmc.Instance(self.module, self.imports)
        except wasmc.LinkError as e:
            return ("link", str(e))
        except wasmc.InstantiationError as e:
            if e.trap is None:
                raise
            return ("trap", trap_kind(e.trap))
        except wasmc.Trap as trap:
            return ("trap", trap_kind(trap))
        return ("ok", ())

    def call(self, name: str, args: tuple) -> tuple:
        params, results = self.shape.export_type(name).type
        try:
            raw = self.instance.exports[name].call_raw(list(args))
        except wasmc.Trap as trap:
            return ("trap", trap_kind(trap))
        return ("ok", tuple(ref_value(t, v) if t in _REFS else v for t, v in zip(results, raw)))

    def take_host_calls(self) -> tuple:
        calls = tuple(self.host_calls)
        self.host_calls.clear()
        return calls

    def _externs(self, kind: str):
        for index, (_, _, et) in enumerate(self.shape.imports):
            if et.kind == kind and index in self._owners:
                yield f"import {index}", self._by_index[index], et
        if self.instance is not None:
            for name, et in self.shape.exports:
                if et.kind == kind:
                    yield f"export {name!r}", self.instance.exports[name], et

    def snapshot(self) -> tuple[dict, dict, dict]:
        memories = {label: m.read(0, m.size_pages() * 65536) for label, m, _ in self._externs("memory")}
        globals_ = {label: (et.type[0], _ref_or_bits(et.type[0], g.get_raw()))
                    for label, g, et in self._externs("global")}
        tables = {label: tuple(ref_value(et.type[0], t.get_raw(i)) for i in range(t.size()))
                  for label, t, et in self._externs("table")}
        return memories, globals_, tables

    def set_global(self, label: str, t: str, value) -> None:
        g = next(g for lab, g, _ in self._externs("global") if lab == label)
        g.set_raw(value)

    def write_memory(self, label: str, data: bytes) -> None:
        m = next(m for lab, m, _ in self._externs("memory") if lab == label)
        m.write(0, data)


_REFS = ("funcref", "externref")


def _ref_or_bits(t: str, v):
    return ref_value(t, v) if t in _REFS else v
