"""Locals (entry-block allocas that mem2reg promotes) and globals (16-byte cells reached through vmctx)."""
from __future__ import annotations

from .builder import I32, LLVM_TYPE, V128, Alias
from .function import FunctionTranslator

# A cell is 8-byte aligned (struct wasmc_global); LLVM would assume a v128 load 16-byte aligned.
_CELL_ALIGN = {V128: 8}


def lower_local_get(t: FunctionTranslator, op, idx: int) -> None:
    ty, slot = t.locals[idx]
    v = t.b.load(ty, slot)
    t.recent.local_get = (v, idx)
    t.push(v)


def lower_local_set(t: FunctionTranslator, op, idx: int) -> None:
    ty, slot = t.locals[idx]
    value = t.pop()
    t.b.store(value, slot)
    if ty == I32 and value.const is not None:
        t.recent.const_local = (idx, value.const, t.b.cur, len(t.b.cur.lines))


def lower_local_tee(t: FunctionTranslator, op, idx: int) -> None:
    t.b.store(t.stack[-1], t.locals[idx][1])


def lower_global_get(t: FunctionTranslator, op, idx: int) -> None:
    ty = LLVM_TYPE[t.module.global_types[idx].type]
    t.push(t.b.load(ty, t.env.global_cell(t, idx), align=_CELL_ALIGN.get(ty), alias=Alias.GLOBAL))


def lower_global_set(t: FunctionTranslator, op, idx: int) -> None:
    # Volatile when the guard region traps memory accesses: LLVM would otherwise move the store across
    # a faulting (volatile) access, and a trap would see the global's old value (memory.py).
    value = t.pop()
    t.b.store(value, t.env.global_cell(t, idx), align=_CELL_ALIGN.get(value.type), alias=Alias.GLOBAL,
              volatile=t.env.guard_pages)


HANDLERS = {
    "local.get": lower_local_get, "local.set": lower_local_set, "local.tee": lower_local_tee,
    "global.get": lower_global_get, "global.set": lower_global_set,
}
