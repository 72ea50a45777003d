"""Locals (entry-block allocas that mem2reg promotes) and globals (16-byte cells reached through vmctx)."""
from __future__ import annotations

from ..wasm.types import ValType
from .builder import LLVM_TYPE, TBAA_GLOBAL, Value
from .function import FunctionTranslator


def lower_local_get(t: FunctionTranslator, op, idx: int) -> None:
    ty, slot = t.locals[idx]
    ref = t.b.op(f"load {LLVM_TYPE[ty]}, ptr {slot}")
    t.last_local_get = (ref, idx)
    t.push(Value(ty, ref))


def lower_local_set(t: FunctionTranslator, op, idx: int) -> None:
    ty, slot = t.locals[idx]
    value = t.pop().ref
    t.b.emit(f"store {LLVM_TYPE[ty]} {value}, ptr {slot}")
    if ty is ValType.I32 and value.lstrip("-").isdigit():
        t.const_set = (idx, int(value), t.b.cur, len(t.b.cur.lines))


def lower_local_tee(t: FunctionTranslator, op, idx: int) -> None:
    ty, slot = t.locals[idx]
    t.b.emit(f"store {LLVM_TYPE[ty]} {t.stack[-1].ref}, ptr {slot}")


def lower_global_get(t: FunctionTranslator, op, idx: int) -> None:
    ty = t.module.global_types[idx].type
    cell = t.env.global_cell(t, idx)
    t.push(Value(ty, t.b.op(f"load {LLVM_TYPE[ty]}, ptr {cell}, !tbaa {TBAA_GLOBAL}")))


def lower_global_set(t: FunctionTranslator, op, idx: int) -> None:
    ty = t.module.global_types[idx].type
    cell = t.env.global_cell(t, idx)
    t.b.emit(f"store {LLVM_TYPE[ty]} {t.pop().ref}, ptr {cell}, !tbaa {TBAA_GLOBAL}")


HANDLERS = {
    "local.get": lower_local_get, "local.set": lower_local_set, "local.tee": lower_local_tee,
    "global.get": lower_global_get, "global.set": lower_global_set,
}
