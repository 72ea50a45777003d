"""Tables and references: table.get/set/size inline, the rest through runtime_c; ref.null/is_null/func.

A reference is a pointer: a funcref points at a wasmc_funcref record, an externref is an opaque host
handle; null is the null pointer for both.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..wasm.types import FUNCREF, I32
from .builder import TBAA_RUNTIME, Value
from .function import FunctionTranslator
from .memory import runtime_op


def _elem_slot(t: FunctionTranslator, table_idx: int, index: Value) -> str:
    size = t.env.table_size(t, table_idx)
    t.trap_if(t.b.op(f"icmp uge i32 {index.ref}, {size}"), TrapKind.TABLE_OOB)
    elems = t.env.table_elems(t, table_idx)
    wide = t.b.op(f"zext i32 {index.ref} to i64")
    return t.b.op(f"getelementptr inbounds ptr, ptr {elems}, i64 {wide}")


def lower_table_get(t: FunctionTranslator, op, table_idx: int) -> None:
    index = t.pop()
    slot = _elem_slot(t, table_idx, index)
    t.push(Value(t.module.table_types[table_idx].elem, t.b.op(f"load ptr, ptr {slot}, !tbaa {TBAA_RUNTIME}")))


def lower_table_set(t: FunctionTranslator, op, table_idx: int) -> None:
    val, index = t.pop(), t.pop()
    slot = _elem_slot(t, table_idx, index)
    t.b.emit(f"store ptr {val.ref}, ptr {slot}, !tbaa {TBAA_RUNTIME}")


def lower_table_size(t: FunctionTranslator, op, table_idx: int) -> None:
    t.push(Value(I32, t.env.table_size(t, table_idx)))


def lower_table_grow(t: FunctionTranslator, op, table_idx: int) -> None:
    delta, init = t.pop(), t.pop()
    fn = t.env.runtime("wasmc_table_grow")
    t.push(Value(I32, t.b.op(
        f"call i32 {fn}(ptr %vmctx, i32 {table_idx}, ptr {init.ref}, i32 {delta.ref})")))


def lower_table_fill(t: FunctionTranslator, op, table_idx: int) -> None:
    n, val, dst = t.pop(), t.pop(), t.pop()
    fn = t.env.runtime("wasmc_table_fill")
    t.b.emit(f"call void {fn}(ptr %vmctx, i32 {table_idx}, i32 {dst.ref}, ptr {val.ref}, i32 {n.ref})")


def lower_table_init(t: FunctionTranslator, op, imm) -> None:
    elem_idx, table_idx = imm
    d, s, n = t.popn(3)
    fn = t.env.runtime("wasmc_table_init")
    t.b.emit(f"call void {fn}(ptr %vmctx, i32 {table_idx}, i32 {elem_idx}, "
             f"i32 {d.ref}, i32 {s.ref}, i32 {n.ref})")


def lower_ref_null(t: FunctionTranslator, op, ref_type) -> None:
    t.push(Value(ref_type, "null"))


def lower_ref_is_null(t: FunctionTranslator, op, imm) -> None:
    a = t.pop()
    c = t.b.op(f"icmp eq ptr {a.ref}, null")
    t.push(Value(I32, t.b.op(f"zext i1 {c} to i32")))


def lower_ref_func(t: FunctionTranslator, op, func_idx: int) -> None:
    t.push(Value(FUNCREF, t.env.funcref(t, func_idx)))


HANDLERS = {
    "table.get": lower_table_get, "table.set": lower_table_set, "table.size": lower_table_size,
    "table.grow": lower_table_grow, "table.fill": lower_table_fill,
    "table.copy": runtime_op("wasmc_table_copy", 3),       # imm: (dst table, src table)
    "table.init": lower_table_init,
    "elem.drop": runtime_op("wasmc_elem_drop", 0),
    "ref.null": lower_ref_null, "ref.is_null": lower_ref_is_null, "ref.func": lower_ref_func,
}
