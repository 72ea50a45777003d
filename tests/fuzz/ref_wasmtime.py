"""The reference engine: wasmtime through its Python package, driven with raw bit patterns.

wasmtime-py's own call path turns f32/f64 into Python floats, which quiets signaling NaNs on the way
(x86's float->double conversion), so calls, host functions and global reads here go through its C API
with the union's integer fields instead.
"""
from __future__ import annotations

import ctypes
from ctypes import POINTER, byref

import wasmtime
from wasmtime import _ffi as ffi

from .trace import ExternType, Shape
from .values import FUNC, MASK, ref_value, zero_of

CALL_FUEL = 50_000_000     # wasmtime's instruction budget for one call: past it the call is skipped

_TRAP_KINDS = {
    wasmtime.TrapCode.STACK_OVERFLOW: "stack_exhausted",
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "memory_oob",
    wasmtime.TrapCode.HEAP_MISALIGNED: "misaligned",
    wasmtime.TrapCode.TABLE_OUT_OF_BOUNDS: "table_oob",
    wasmtime.TrapCode.INDIRECT_CALL_TO_NULL: "null_element",
    wasmtime.TrapCode.BAD_SIGNATURE: "indirect_type",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "int_overflow",
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "int_div_by_zero",
    wasmtime.TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid_conversion",
    wasmtime.TrapCode.UNREACHABLE: "unreachable",
}
# What the reference cannot decide: the candidate's behaviour there is not compared.
_SKIPPED = {wasmtime.TrapCode.OUT_OF_FUEL: "wasmtime fuel", wasmtime.TrapCode.STACK_OVERFLOW: "stack limit"}

_KIND = {"i32": ffi.WASMTIME_I32.value, "i64": ffi.WASMTIME_I64.value, "f32": ffi.WASMTIME_F32.value,
         "f64": ffi.WASMTIME_F64.value, "funcref": ffi.WASMTIME_FUNCREF.value,
         "externref": ffi.WASMTIME_EXTERNREF.value}
_VALTYPES = (("i32", wasmtime.ValType.i32()), ("i64", wasmtime.ValType.i64()),
             ("f32", wasmtime.ValType.f32()), ("f64", wasmtime.ValType.f64()),
             ("funcref", wasmtime.ValType.funcref()), ("externref", wasmtime.ValType.externref()))


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _no_finalizer(env) -> None:
    """Host functions keep their state in closures this module holds, so nothing is freed per function."""


def valtype_name(vt: wasmtime.ValType) -> str:
    for name, candidate in _VALTYPES:
        if vt == candidate:
            return name
    raise ValueError(f"value type outside Wasm 2.0: {vt}")


def _valtype(name: str) -> wasmtime.ValType:
    return dict(_VALTYPES)[name]


def new_engine() -> wasmtime.Engine:
    """An engine for Wasm 2.0 without SIMD, with fuel so that a runaway call ends."""
    config = wasmtime.Config()
    config.consume_fuel = True
    config.wasm_simd = False
    config.wasm_relaxed_simd = False
    config.wasm_threads = False
    config.wasm_tail_call = False
    config.wasm_multi_memory = False
    config.wasm_memory64 = False
    config.wasm_function_references = False
    config.wasm_gc = False
    config.wasm_exceptions = False
    config.wasm_wide_arithmetic = False
    config.wasm_custom_page_sizes = False
    config.cranelift_nan_canonicalization = False
    config.parallel_compilation = False       # one core per fuzz job
    return wasmtime.Engine(config)


def _extern_type(t) -> ExternType:
    if isinstance(t, wasmtime.FuncType):
        return ExternType("func", (tuple(valtype_name(p) for p in t.params),
                                   tuple(valtype_name(r) for r in t.results)))
    if isinstance(t, wasmtime.MemoryType):
        return ExternType("memory", (t.limits.min, t.limits.max))
    if isinstance(t, wasmtime.TableType):
        return ExternType("table", (valtype_name(t.element), t.limits.min, t.limits.max))
    if isinstance(t, wasmtime.GlobalType):
        return ExternType("global", (valtype_name(t.content), bool(t.mutable)))
    raise ValueError(f"extern type outside Wasm 2.0: {t}")


def shape_of(module: wasmtime.Module) -> Shape:
    """Imports and exports of a compiled module, as plain data both engines build from."""
    return Shape(tuple((i.module, i.name, _extern_type(i.type)) for i in module.imports),
                 tuple((e.name, _extern_type(e.type)) for e in module.exports))


def _signed(bits: int, width: int) -> int:
    return bits - (1 << width) if bits >> (width - 1) else bits


def _set_raw(store, slot, t: str, v) -> None:
    """Write value `v` of type `t` into a wasmtime_val_t (numbers through the integer fields)."""
    if t in ("i32", "f32"):
        slot.kind = _KIND[t]
        slot.of.i32 = _signed(v, 32)
    elif t in ("i64", "f64"):
        slot.kind = _KIND[t]
        slot.of.i64 = _signed(v, 64)
    else:
        ctypes.memmove(byref(slot), byref(wasmtime.Val._convert_to_raw(store, _valtype(t), v)),
                       ctypes.sizeof(slot))


def _get_raw(store, slot, t: str, owned: bool = True):
    if t in ("i32", "f32"):
        return slot.of.i32 & MASK[t]
    if t in ("i64", "f64"):
        return slot.of.i64 & MASK[t]
    return ref_value(t, wasmtime.Val._from_raw(store, slot, owned=owned).value)


class WasmtimeEngine:
    """One instance of a module under wasmtime with dummy imports (see trace.Engine)."""

    def __init__(self, engine: wasmtime.Engine, module: wasmtime.Module, shape: Shape):
        self.store = wasmtime.Store(engine)
        self.module = module
        self.shape = shape
        self.host_calls: list = []
        self._callbacks: list = []            # ctypes callbacks must outlive the store's use of them
        self._owners: set[int] = set()        # import indices whose dummy was made for them
        self.imports = self._dummy_imports()
        self.exports: dict = {}

    # --- imports: functions returning zeros, memories, tables and globals of the declared types ----------
    def _dummy_imports(self) -> list:
        made: dict[tuple[str, str], object] = {}
        externs = []
        for index, (mod, name, et) in enumerate(self.shape.imports):
            key = (mod, name)
            if key not in made:       # one extern per name, as a name-keyed linker would have it
                made[key] = self._dummy(index, et)
                self._owners.add(index)
            externs.append(made[key])
        return externs

    def _dummy(self, index: int, et: ExternType):
        store = self.store
        if et.kind == "func":
            return self._host_func(index, *et.type)
        if et.kind == "memory":
            return wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(*et.type)))
        if et.kind == "table":
            elem, lo, hi = et.type
            return wasmtime.Table(store, wasmtime.TableType(_valtype(elem), wasmtime.Limits(lo, hi)), None)
        vt, mutable = et.type
        return wasmtime.Global(store, wasmtime.GlobalType(_valtype(vt), mutable),
                               0.0 if vt in ("f32", "f64") else zero_of(vt))

    def _host_func(self, index: int, params: tuple, results: tuple):
        log = self.host_calls

        def callback(env, caller, args, nargs, outs, nouts):
            ctx = wasmtime.Caller(caller)
            try:
                log.append((index, tuple(_get_raw(ctx, args[i], t, owned=False)
                                         for i, t in enumerate(params))))
                for i, t in enumerate(results):
                    _set_raw(ctx, outs[i], t, zero_of(t))
            finally:
                ctx._invalidate()
            return 0

        c_callback = ffi.wasmtime_func_callback_t(callback)
        self._callbacks.append(c_callback)
        ft = wasmtime.FuncType([_valtype(p) for p in params], [_valtype(r) for r in results])
        func = ffi.wasmtime_func_t()
        ffi.wasmtime_func_new(self.store._context(), ft.ptr(), c_callback, None, _no_finalizer, byref(func))
        return wasmtime.Func._from_raw(func)

    # --- the engine protocol ------------------------------------------------------------------------------
    def instantiate(self) -> tuple:
        self.store.set_fuel(CALL_FUEL)
        try:
            instance = wasmtime.Instance(self.store, self.module, self.imports)
        except wasmtime.Trap as trap:
            return _trap_outcome(trap)
        except wasmtime.WasmtimeError as e:
            return ("link", str(e).splitlines()[0])
        exports = instance.exports(self.store)
        self.exports = {name: exports[name] for name, _ in self.shape.exports}
        return ("ok", ())

    def call(self, name: str, args: tuple) -> tuple:
        params, results = self.shape.export_type(name).type
        store = self.store
        store.set_fuel(CALL_FUEL)
        slots = (ffi.wasmtime_val_t * max(1, len(params)))()
        for i, (t, v) in enumerate(zip(params, args)):
            _set_raw(store, slots[i], t, v)
        outs = (ffi.wasmtime_val_t * max(1, len(results)))()
        trap = POINTER(ffi.wasm_trap_t)()
        try:
            error = ffi.wasmtime_func_call(store._context(), byref(self.exports[name]._func), slots,
                                           len(params), outs, len(results), byref(trap))
        finally:
            for i, t in enumerate(params):
                if t in ("funcref", "externref"):
                    ffi.wasmtime_val_unroot(byref(slots[i]))
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        if trap:
            return _trap_outcome(wasmtime.Trap._from_ptr(trap))
        return ("ok", tuple(_get_raw(store, outs[i], t) for i, t in enumerate(results)))

    def take_host_calls(self) -> tuple:
        calls = tuple(self.host_calls)
        self.host_calls.clear()
        return calls

    def _externs(self, kind: str):
        """(label, extern, type) of every memory, table or global the harness can see."""
        for index, (_, _, et) in enumerate(self.shape.imports):
            if et.kind == kind and index in self._owners:
                yield f"import {index}", self.imports[index], et
        for name, et in self.shape.exports:
            if et.kind == kind and name in self.exports:
                yield f"export {name!r}", self.exports[name], et

    def snapshot(self) -> tuple[dict, dict, dict]:
        store = self.store
        memories = {label: ctypes.string_at(m.data_ptr(store), m.data_len(store))
                    for label, m, _ in self._externs("memory")}
        globals_ = {}
        for label, g, et in self._externs("global"):
            raw = ffi.wasmtime_val_t()
            ffi.wasmtime_global_get(store._context(), byref(g._global), byref(raw))
            globals_[label] = (et.type[0], _get_raw(store, raw, et.type[0]))
        tables = {}
        raw = ffi.wasmtime_val_t()
        context = store._context()
        for label, table, et in self._externs("table"):
            entries = []
            for i in range(table.size(store)):
                ffi.wasmtime_table_get(context, byref(table._table), i, byref(raw))
                if et.type[0] == "funcref":       # not rooted: null-ness is all that is needed
                    entries.append(FUNC if raw.of.funcref.store_id else None)
                else:
                    entries.append(_get_raw(store, raw, "externref"))
            tables[label] = tuple(entries)
        return memories, globals_, tables

    def set_global(self, label: str, t: str, value) -> None:
        g = next(g for lab, g, _ in self._externs("global") if lab == label)
        raw = ffi.wasmtime_val_t()
        _set_raw(self.store, raw, t, value)
        error = ffi.wasmtime_global_set(self.store._context(), byref(g._global), byref(raw))
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)

    def write_memory(self, label: str, data: bytes) -> None:
        m = next(m for lab, m, _ in self._externs("memory") if lab == label)
        m.write(self.store, data, 0)


def _trap_outcome(trap: wasmtime.Trap) -> tuple:
    code = trap.trap_code
    if code in _SKIPPED:
        return ("skip", _SKIPPED[code])
    return ("trap", _TRAP_KINDS.get(code, f"other:{code}"))


def compile_module(engine: wasmtime.Engine, data: bytes) -> wasmtime.Module | None:
    """The compiled module, or None when wasmtime rejects it (outside the configured features)."""
    try:
        return wasmtime.Module(engine, data)
    except wasmtime.WasmtimeError:
        return None
