"""Tables and references: table.get/set/size inline, the rest through runtime_c; ref.null/is_null/func.

A reference is a pointer: a funcref points at a wasmc_funcref record, an externref is an opaque host
handle; null is the null pointer for both.

A 64-bit table (table64) takes i64 indices. Its size fits 32 bits (runtime_c caps every table far below
2**32), so the runtime's 32-bit calls serve it: an operand past 2**32 - 1 is clamped to that, which is
out of bounds of any table exactly where the i64 would be, and a failed grow's -1 is sign-extended.
"""
from __future__ import annotations

from ..abi import TrapKind
from .builder import I32, I64, NULL, PTR, VMCTX, Alias, Value, const_int
from .function import FunctionTranslator


def table_size(t: FunctionTranslator, table_idx: int) -> Value:
    """The table's size in its address type."""
    size = t.env.table_size(t, table_idx)
    return t.b.cast("zext", size, I64) if t.module.table_types[table_idx].is64 else size


def narrow(t: FunctionTranslator, v: Value) -> Value:
    """An i64 operand of a 64-bit table for a 32-bit runtime call: clamped to 2**32 - 1 (out of bounds
    of every table, as the i64 is); an i32 as it is."""
    if v.type != I64:
        return v
    b = t.b
    big = b.icmp("ugt", v, const_int(I64, 0xFFFF_FFFF))
    return b.select(big, const_int(I32, -1), b.cast("trunc", v, I32))


def _elem_slot(t: FunctionTranslator, table_idx: int, index: Value) -> Value:
    b = t.b
    t.trap_if(b.icmp("uge", index, table_size(t, table_idx)), TrapKind.TABLE_OOB)
    elems = t.env.table_elems(t, table_idx)
    return b.gep(elems, b.cast("zext", index, I64), PTR, inbounds=True)


def lower_table_get(t: FunctionTranslator, op, table_idx: int) -> None:
    slot = _elem_slot(t, table_idx, t.pop())
    t.push(t.b.load(PTR, slot, alias=Alias.RUNTIME))


def lower_table_set(t: FunctionTranslator, op, table_idx: int) -> None:
    val, index = t.pop(), t.pop()
    # Volatile under the guard region, like global.set (variables.py): kept in order with faults.
    t.b.store(val, _elem_slot(t, table_idx, index), alias=Alias.RUNTIME, volatile=t.env.guard_pages)


def lower_table_size(t: FunctionTranslator, op, table_idx: int) -> None:
    t.push(table_size(t, table_idx))


def lower_table_grow(t: FunctionTranslator, op, table_idx: int) -> None:
    delta, init = t.pop(), t.pop()
    old = t.b.call_runtime("wasmc_table_grow", [VMCTX, t.env.table_index(table_idx), init, narrow(t, delta)])
    # Old sizes are below 2**31, so sign extension maps exactly the failure (-1) to -1.
    t.push(t.b.cast("sext", old, I64) if delta.type == I64 else old)


def lower_table_fill(t: FunctionTranslator, op, table_idx: int) -> None:
    n, val, dst = t.pop(), t.pop(), t.pop()
    t.b.call_runtime("wasmc_table_fill", [VMCTX, t.env.table_index(table_idx), narrow(t, dst), val, narrow(t, n)])


def lower_table_copy(t: FunctionTranslator, op, imm) -> None:
    dst_table, src_table = imm
    args = [narrow(t, v) for v in t.popn(3)]
    env = t.env
    t.b.call_runtime("wasmc_table_copy", [VMCTX, env.table_index(dst_table), env.table_index(src_table), *args])


def lower_table_init(t: FunctionTranslator, op, imm) -> None:
    elem_idx, table_idx = imm
    args = [narrow(t, v) for v in t.popn(3)]
    t.b.call_runtime("wasmc_table_init",
                     [VMCTX, t.env.table_index(table_idx), t.env.segment_index(elem_idx), *args])


def lower_elem_drop(t: FunctionTranslator, op, elem_idx: int) -> None:
    t.b.call_runtime("wasmc_elem_drop", [VMCTX, t.env.segment_index(elem_idx)])


def lower_ref_null(t: FunctionTranslator, op, ref_type) -> None:
    t.push(NULL)


def lower_ref_is_null(t: FunctionTranslator, op, imm) -> None:
    t.push(t.b.cast("zext", t.b.icmp("eq", t.pop(), NULL), I32))


def lower_ref_func(t: FunctionTranslator, op, func_idx: int) -> None:
    t.push(t.env.funcref(t, func_idx))


HANDLERS = {
    "table.get": lower_table_get, "table.set": lower_table_set, "table.size": lower_table_size,
    "table.grow": lower_table_grow, "table.fill": lower_table_fill, "table.copy": lower_table_copy,
    "table.init": lower_table_init, "elem.drop": lower_elem_drop,
    "ref.null": lower_ref_null, "ref.is_null": lower_ref_is_null, "ref.func": lower_ref_func,
}
