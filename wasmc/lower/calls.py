"""call and call_indirect. Defined functions are called directly; imports and table entries through
their wasmc_funcref record {fn, type_id, vmctx}, passing the record's vmctx as the first argument."""
from __future__ import annotations

from ..abi import FUNCREF_TYPE_ID, FUNCREF_VMCTX, TrapKind
from ..wasm.types import FuncType
from .builder import LLVM_TYPE, TBAA_RUNTIME, Value, results_type
from .function import UNLIKELY, FunctionTranslator


def _emit_call(t: FunctionTranslator, ft: FuncType, callee: str, vmctx: str) -> None:
    args = t.popn(len(ft.params))
    text = ", ".join([f"ptr {vmctx}"] + [f"{LLVM_TYPE[a.type]} {a.ref}" for a in args])
    ret = results_type(ft.results)
    result = t.b.call(ret, callee, text)
    if len(ft.results) == 1:
        t.push(Value(ft.results[0], result))
        t.last_call_result = result
    elif ft.results:
        for i, ty in enumerate(ft.results):
            t.push(Value(ty, t.b.op(f"extractvalue {ret} {result}, {i}")))


def _call_funcref(t: FunctionTranslator, ft: FuncType, record: str) -> None:
    fn = t.b.op(f"load ptr, ptr {record}, !tbaa {TBAA_RUNTIME}")
    vp = t.b.op(f"getelementptr inbounds i8, ptr {record}, i64 {FUNCREF_VMCTX}")
    _emit_call(t, ft, fn, t.b.op(f"load ptr, ptr {vp}, !tbaa {TBAA_RUNTIME}"))


def lower_call(t: FunctionTranslator, op, func_idx: int) -> None:
    ft = t.module.func_type(func_idx)
    if func_idx >= t.module.num_imported_funcs:
        # Passing 0 to a resumable function: its copy specialised to 0 (ModuleEnv.resumable).
        specialised = ft.params and t.stack[-len(ft.params)].ref == "0" and t.env.has_entry_variant(func_idx)
        callee = t.env.entry_callee(func_idx) if specialised else t.env.direct_callee(func_idx)
        _emit_call(t, ft, callee, "%vmctx")
    else:
        _call_funcref(t, ft, t.env.funcref(t, func_idx))


def lower_call_indirect(t: FunctionTranslator, op, imm) -> None:
    type_idx, table_idx = imm
    ft = t.module.types[type_idx]
    index = t.pop()
    size = t.env.table_size(t, table_idx)
    t.trap_if(t.b.op(f"icmp uge i32 {index.ref}, {size}"), TrapKind.UNDEFINED_ELEMENT)
    elems = t.env.table_elems(t, table_idx)
    wide = t.b.op(f"zext i32 {index.ref} to i64")
    slot = t.b.op(f"getelementptr inbounds ptr, ptr {elems}, i64 {wide}")
    record = t.b.op(f"load ptr, ptr {slot}, !tbaa {TBAA_RUNTIME}")
    # A null entry traps through its own cold block, which passes the index the spec's message names.
    null_block, cont = t.b.new_block("null_elem"), t.b.new_block("ok")
    t.b.cond_br(t.b.op(f"icmp eq ptr {record}, null"), null_block, cont, ", " + UNLIKELY)
    t.b.start(null_block)
    t.b.emit(f"call void {t.env.runtime('wasmc_trap_null_element')}(ptr %vmctx, i32 {index.ref})")
    t.b.terminate("unreachable")
    t.b.start(cont)
    idp = t.b.op(f"getelementptr inbounds i8, ptr {record}, i64 {FUNCREF_TYPE_ID}")
    actual = t.b.op(f"load i64, ptr {idp}, !tbaa {TBAA_RUNTIME}")
    expected = t.env.type_id(t, type_idx)
    t.trap_if(t.b.op(f"icmp ne i64 {actual}, {expected}"), TrapKind.INDIRECT_TYPE)
    _call_funcref(t, ft, record)


HANDLERS = {"call": lower_call, "call_indirect": lower_call_indirect}
