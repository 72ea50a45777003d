"""Module validation: everything but function bodies (validate.py's FuncValidator does those), at a
spec level (features.py). ModuleInfo is what function validation needs from it.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnsupportedError, ValidationError
from .features import WASM3, Features
from .module import ConstExpr, Module
from .types import (F32, F64, FUNCREF, I32, I64, MAX_PAGES, MAX_PAGES64, MAX_TABLE32, V128, ExternKind,
                    FuncType, Limits, MemoryType, TableType, ValType)

_EMPTY = FuncType((), ())


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """What function validation needs from module validation."""
    declared_funcs: frozenset[int]   # C.refs: funcs named by ref.func in globals/elems, or exported


def validate_module(m: Module, features: Features = WASM3) -> ModuleInfo:
    """Everything except function bodies, at the level of `features`. Raises ValidationError, or
    UnsupportedError for a 3.0 feature that `features` leaves out."""
    for imp in m.imports:
        where = f'import "{imp.module}" "{imp.name}"'
        if imp.kind == ExternKind.FUNC:
            _check_type_idx(m, imp.desc, where)
        elif imp.kind == ExternKind.TABLE:
            _check_table_type(imp.desc, features, where)
        elif imp.kind == ExternKind.MEMORY:
            _check_memory_type(imp.desc, features, where)
    for defined_idx, type_idx in enumerate(m.funcs):
        _check_type_idx(m, type_idx, f"func {m.num_imported_funcs + defined_idx}")
    for defined_idx, table in enumerate(m.tables):
        _check_table_type(table, features, f"table {m.num_imported_tables + defined_idx}")
    for defined_idx, memory in enumerate(m.memories):
        _check_memory_type(memory, features, f"memory {m.num_imported_memories + defined_idx}")
    if len(m.memory_types) > 1:
        raise ValidationError("multiple memories")

    refs: set[int] = set()
    for defined_idx, g in enumerate(m.globals):
        global_idx = m.num_imported_globals + defined_idx
        # An initializer sees the globals before its own (Wasm 3.0; 2.0 allowed imported ones only).
        visible = global_idx if features.extended_const else m.num_imported_globals
        _check_const(m, g.init, g.type.type, refs, f"global {global_idx}", visible, features)
    for elem_idx, seg in enumerate(m.elems):
        where = f"elem {elem_idx}"
        if seg.mode == "active":
            if seg.table_idx >= len(m.table_types):
                raise ValidationError(f"unknown table {seg.table_idx}", where)
            _check_const(m, seg.offset, m.table_types[seg.table_idx].addr, refs, where, features=features)
            table_elem = m.table_types[seg.table_idx].elem
            if table_elem is not seg.elem_type:
                raise ValidationError(f"type mismatch: {seg.elem_type.text} segment for a "
                                      f"{table_elem.text} table", where)
        for item in seg.items:
            _check_const(m, item, seg.elem_type, refs, where, features=features)
    for data_idx, seg in enumerate(m.datas):
        if seg.mode == "active":
            where = f"data {data_idx}"
            if seg.mem_idx >= len(m.memory_types):
                raise ValidationError(f"unknown memory {seg.mem_idx}", where)
            _check_const(m, seg.offset, m.memory_types[seg.mem_idx].addr, refs, where, features=features)

    if m.start is not None:
        if m.start >= len(m.func_type_idx):
            raise ValidationError(f"unknown function {m.start}", "start function")
        if m.func_type(m.start) != _EMPTY:
            raise ValidationError(f"start function must have type [] -> [], not {m.func_type(m.start)}")

    counts = {ExternKind.FUNC: (len(m.func_type_idx), "function"),
              ExternKind.TABLE: (len(m.table_types), "table"),
              ExternKind.MEMORY: (len(m.memory_types), "memory"),
              ExternKind.GLOBAL: (len(m.global_types), "global")}
    names: set[str] = set()
    for e in m.exports:
        where = f'export "{e.name}"'
        if e.name in names:
            raise ValidationError("duplicate export name", where)
        names.add(e.name)
        count, kind = counts[e.kind]
        if e.index >= count:
            raise ValidationError(f"unknown {kind} {e.index}", where)
        if e.kind == ExternKind.FUNC:
            refs.add(e.index)
    return ModuleInfo(frozenset(refs))


def _check_type_idx(m: Module, type_idx: int, where: str) -> None:
    if type_idx >= len(m.types):
        raise ValidationError(f"unknown type {type_idx}", where)


def _check_memory_type(mt: MemoryType, features: Features, where: str) -> None:
    if mt.is64 and not features.memory64:
        raise UnsupportedError("memory64")
    bound, text = (MAX_PAGES64, "2**48 pages") if mt.is64 else (MAX_PAGES, "65536 pages (4GiB)")
    _check_limits(mt.limits, bound, f"memory size must be at most {text}", where)


def _check_table_type(tt: TableType, features: Features, where: str) -> None:
    if tt.is64 and not features.memory64:
        raise UnsupportedError("table64")
    # A 64-bit table's limits are u64s, so any value decoded is in range.
    _check_limits(tt.limits, None if tt.is64 else MAX_TABLE32, "table size must be at most 2**32-1", where)


def _check_limits(limits: Limits, bound: int | None, too_large: str, where: str) -> None:
    if bound is not None and (limits.min > bound or (limits.max or 0) > bound):
        raise ValidationError(too_large, where)
    if limits.max is not None and limits.min > limits.max:
        raise ValidationError("size minimum must not be greater than maximum", where)


_CONST_TYPES = {"i32.const": I32, "i64.const": I64, "f32.const": F32, "f64.const": F64, "v128.const": V128}
# Extended constant expressions (Wasm 3.0): integer add, sub and mul, [t t] -> [t].
_CONST_BINARY = {"i32.add": I32, "i32.sub": I32, "i32.mul": I32, "i64.add": I64, "i64.sub": I64, "i64.mul": I64}


def _check_const(m: Module, expr: ConstExpr, expected: ValType, refs: set[int], where: str,
                 visible_globals: int | None = None, features: Features = WASM3) -> None:
    """A constant expression yielding one `expected`; its ref.func targets are added to refs.
    global.get may read the first `visible_globals` globals (default: all at 3.0, the imported ones at
    2.0), if immutable."""
    if visible_globals is None:
        visible_globals = len(m.global_types) if features.extended_const else m.num_imported_globals
    binary = _CONST_BINARY if features.extended_const else {}
    stack: list[ValType] = []
    for name, imm in expr:
        t = _CONST_TYPES.get(name)
        if t is not None:
            stack.append(t)
        elif name in binary:
            t = binary[name]
            if len(stack) < 2 or stack[-1] is not t or stack[-2] is not t:
                found = " ".join(x.text for x in stack[-2:]) or "nothing"
                raise ValidationError(f"type mismatch: {name} expected {t.text} {t.text}, found {found}", where)
            stack.pop()
        elif name == "ref.null":
            stack.append(imm)
        elif name == "ref.func":
            if imm >= len(m.func_type_idx):
                raise ValidationError(f"unknown function {imm}", where)
            refs.add(imm)
            stack.append(FUNCREF)
        elif name == "global.get":
            if imm >= visible_globals:
                raise ValidationError(f"unknown global {imm}", where)
            g = m.global_types[imm]
            if g.mutable:
                raise ValidationError(f"constant expression required: global {imm} is mutable", where)
            stack.append(g.type)
        else:
            raise ValidationError(f"constant expression required, found {name}", where)
    if len(stack) != 1 or stack[0] is not expected:
        found = " ".join(t.text for t in stack) or "nothing"
        raise ValidationError(f"type mismatch: expected {expected.text}, found {found}", where)
