"""Linear memory: loads, stores, memory.size/grow and the bulk operations.

Plain accesses need no bounds check: a 32-bit address plus a 32-bit offset always lands inside the
8 GiB reservation, and touching past the accessible size faults into a trap (DESIGN.md). Alignment
hints are only hints, so accesses are emitted with align 1. Bulk operations go to runtime_c, which
checks bounds before writing anything.
"""
from __future__ import annotations

from .builder import F32, F64, I8, I16, I32, I64, LLVM_TYPE, VMCTX, Alias, Value, const_int
from .function import FunctionTranslator


def address(t: FunctionTranslator, addr: Value, offset: int, size: int) -> Value:
    """The pointer for an access of `size` bytes at `addr + offset` in memory 0. Every load and store
    (scalar and SIMD) gets its pointer here: this is where an access is made to trap when out of bounds."""
    b = t.b
    wide = b.cast("zext", addr, I64)
    if offset:
        wide = b.binop("add nuw nsw", wide, const_int(I64, offset))
    return b.gep(t.env.memory_base(t), wide)


_SIZE = {I8: 1, I16: 2, I32: 4, I64: 8, F32: 4, F64: 8}


def load(mem_type: str, extend: str | None = None):
    """Load `mem_type` and, for narrow loads, sign- or zero-extend to the row's result type."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        ptr = address(t, t.pop(), memarg[1], _SIZE[mem_type])
        v = t.b.load(mem_type, ptr, align=1, alias=Alias.MEMORY)
        the_load = t.b.last_load
        if extend:
            v = t.b.cast(extend, v, LLVM_TYPE[op.results[0]])
        t.recent.load = (v, the_load)      # lets `drop` keep the load (control.lower_drop)
        t.push(v)
    return lower


def store(mem_type: str | None = None):
    """Store the value, truncated to `mem_type` for narrow stores."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        val = t.pop()
        ptr = address(t, t.pop(), memarg[1], _SIZE[mem_type or val.type])
        if mem_type:
            val = t.b.cast("trunc", val, mem_type)
        t.b.store(val, ptr, align=1, alias=Alias.MEMORY)
    return lower


def lower_memory_size(t: FunctionTranslator, op, mem_idx: int) -> None:
    pages = t.b.binop("lshr", t.env.memory_size_bytes(t, mem_idx), const_int(I64, 16))
    t.push(t.b.cast("trunc", pages, I32))


def lower_memory_grow(t: FunctionTranslator, op, mem_idx: int) -> None:
    delta = t.pop()
    t.push(t.b.call_runtime("wasmc_memory_grow", [VMCTX, t.env.memory_index(mem_idx), delta]))


def lower_memory_copy(t: FunctionTranslator, op, imm) -> None:
    dst_mem, src_mem = imm
    args = t.popn(3)
    env = t.env
    t.b.call_runtime("wasmc_memory_copy", [VMCTX, env.memory_index(dst_mem), env.memory_index(src_mem), *args])


def lower_memory_fill(t: FunctionTranslator, op, mem_idx: int) -> None:
    args = t.popn(3)
    t.b.call_runtime("wasmc_memory_fill", [VMCTX, t.env.memory_index(mem_idx), *args])


def lower_memory_init(t: FunctionTranslator, op, imm) -> None:
    data_idx, mem_idx = imm
    args = t.popn(3)
    t.b.call_runtime("wasmc_memory_init",
                     [VMCTX, t.env.memory_index(mem_idx), t.env.segment_index(data_idx), *args])


def lower_data_drop(t: FunctionTranslator, op, data_idx: int) -> None:
    t.b.call_runtime("wasmc_data_drop", [VMCTX, t.env.segment_index(data_idx)])


HANDLERS = {
    "i32.load": load(I32), "i64.load": load(I64), "f32.load": load(F32), "f64.load": load(F64),
    "i32.load8_s": load(I8, "sext"), "i32.load8_u": load(I8, "zext"),
    "i32.load16_s": load(I16, "sext"), "i32.load16_u": load(I16, "zext"),
    "i64.load8_s": load(I8, "sext"), "i64.load8_u": load(I8, "zext"),
    "i64.load16_s": load(I16, "sext"), "i64.load16_u": load(I16, "zext"),
    "i64.load32_s": load(I32, "sext"), "i64.load32_u": load(I32, "zext"),
    "i32.store": store(), "i64.store": store(), "f32.store": store(), "f64.store": store(),
    "i32.store8": store(I8), "i32.store16": store(I16),
    "i64.store8": store(I8), "i64.store16": store(I16), "i64.store32": store(I32),
    "memory.size": lower_memory_size, "memory.grow": lower_memory_grow,
    "memory.copy": lower_memory_copy, "memory.fill": lower_memory_fill,
    "memory.init": lower_memory_init, "data.drop": lower_data_drop,
}
