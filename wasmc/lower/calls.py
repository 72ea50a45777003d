"""call and call_indirect. Defined functions are called directly; imports and table entries through
their wasmc_funcref record {fn, type_id, vmctx}, passing the record's vmctx as the first argument."""
from __future__ import annotations

from ..abi import FUNCREF_TYPE_ID, FUNCREF_VMCTX, TrapKind
from ..wasm.types import FuncType
from . import resumable
from .builder import I32, I64, LLVM_TYPE, NULL, PTR, VMCTX, Alias, Value, results_type
from .function import FunctionTranslator
from .tables import table_size


def _emit_call(t: FunctionTranslator, ft: FuncType, callee: str, args: list[Value], vmctx: Value) -> None:
    result_types = [LLVM_TYPE[r] for r in ft.results]
    ret = results_type(result_types)
    result = t.b.call(ret, callee, [vmctx] + args)
    if len(result_types) == 1:
        t.push(result)
        t.recent.call_result = result
    else:
        for i, ty in enumerate(result_types):
            t.push(t.b.result(result, i, ty))


def _call_funcref(t: FunctionTranslator, ft: FuncType, record: Value) -> None:
    args = t.popn(len(ft.params))
    fn = t.b.load(PTR, record, alias=Alias.RUNTIME)
    vmctx = t.b.load(PTR, t.b.field(record, FUNCREF_VMCTX), alias=Alias.RUNTIME)
    _emit_call(t, ft, fn.ref, args, vmctx)


def lower_call(t: FunctionTranslator, op, func_idx: int) -> None:
    ft = t.module.func_type(func_idx)
    if func_idx >= t.module.num_imported_funcs:
        args = t.popn(len(ft.params))
        _emit_call(t, ft, resumable.direct_call_target(t, func_idx, args), args, VMCTX)
    else:
        _call_funcref(t, ft, t.env.funcref(t, func_idx, called=True))


def lower_call_indirect(t: FunctionTranslator, op, imm) -> None:
    type_idx, table_idx = imm
    ft = t.module.types[type_idx]
    b = t.b
    index = t.pop()
    size = table_size(t, table_idx)          # an i64 for a 64-bit table, like its index
    t.trap_if(b.icmp("uge", index, size), TrapKind.UNDEFINED_ELEMENT)
    elems = t.env.table_elems(t, table_idx)
    slot = b.gep(elems, b.cast("zext", index, I64), PTR, inbounds=True)
    record = b.load(PTR, slot, alias=Alias.RUNTIME)
    # A null entry traps through its own cold block, which passes the index the spec's message names.
    null_block, cont = b.new_block("null_elem"), b.new_block("ok")
    b.cond_br(b.icmp("eq", record, NULL), null_block, cont, unlikely=True)
    b.start(null_block)
    b.call_runtime("wasmc_trap_null_element", [VMCTX, b.cast("trunc", index, I32)])   # below the size
    b.unreachable()
    b.start(cont)
    actual = b.load(I64, b.field(record, FUNCREF_TYPE_ID), alias=Alias.RUNTIME)
    t.trap_if(b.icmp("ne", actual, t.env.type_id(t, type_idx)), TrapKind.INDIRECT_TYPE)
    _call_funcref(t, ft, record)


HANDLERS = {"call": lower_call, "call_indirect": lower_call_indirect}
