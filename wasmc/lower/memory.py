"""Linear memory: loads, stores, memory.size/grow and the bulk operations.

Plain accesses need no bounds check: a 32-bit address plus a 32-bit offset always lands inside the
8 GiB reservation, and touching past the accessible size faults into a trap (DESIGN.md). Alignment
hints are only hints, so accesses are emitted with align 1. Bulk operations go to runtime_c, which
checks bounds before writing anything.
"""
from __future__ import annotations

from ..wasm.types import I32
from .builder import LLVM_TYPE, TBAA_MEMORY, Value
from .function import FunctionTranslator


def _address(t: FunctionTranslator, addr: Value, offset: int) -> str:
    wide = t.b.op(f"zext i32 {addr.ref} to i64")
    if offset:
        wide = t.b.op(f"add nuw nsw i64 {wide}, {offset}")
    return t.b.op(f"getelementptr i8, ptr {t.env.memory_base(t)}, i64 {wide}")


def load(mem_type: str, extend: str | None = None):
    """Load `mem_type` and, for narrow loads, sign- or zero-extend to the row's result type."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        ptr = _address(t, t.pop(), memarg[1])
        to = op.results[0]
        v = t.b.op(f"load {mem_type}, ptr {ptr}, align 1, !tbaa {TBAA_MEMORY}")
        load_line = (t.b.cur.lines, len(t.b.cur.lines) - 1)
        if extend:
            v = t.b.op(f"{extend} {mem_type} {v} to {LLVM_TYPE[to]}")
        t.last_load = (v, *load_line)      # lets `drop` keep the load (control.lower_drop)
        t.push(Value(to, v))
    return lower


def store(mem_type: str | None = None):
    """Store the value, truncated to `mem_type` for narrow stores."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        val = t.pop()
        ptr = _address(t, t.pop(), memarg[1])
        ty, ref = LLVM_TYPE[val.type], val.ref
        if mem_type:
            ref = t.b.op(f"trunc {ty} {ref} to {mem_type}")
            ty = mem_type
        t.b.emit(f"store {ty} {ref}, ptr {ptr}, align 1, !tbaa {TBAA_MEMORY}")
    return lower


def lower_memory_size(t: FunctionTranslator, op, mem_idx: int) -> None:
    size = t.env.memory_size_bytes(t, mem_idx)
    pages = t.b.op(f"lshr i64 {size}, 16")
    t.push(Value(I32, t.b.op(f"trunc i64 {pages} to i32")))


def lower_memory_grow(t: FunctionTranslator, op, mem_idx: int) -> None:
    delta = t.pop()
    fn = t.env.runtime("wasmc_memory_grow")
    t.push(Value(I32, t.b.op(f"call i32 {fn}(ptr %vmctx, i32 {mem_idx}, i32 {delta.ref})")))


def runtime_op(name: str, arity: int):
    """A bulk operation done by runtime_c: (vmctx, immediates..., operands...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        args = t.popn(arity)
        imms = imm if isinstance(imm, tuple) else (imm,)
        fn = t.env.runtime(name)
        text = ", ".join(["ptr %vmctx"] + [f"i32 {i}" for i in imms] + [f"i32 {a.ref}" for a in args])
        t.b.emit(f"call void {fn}({text})")
    return lower


def lower_memory_init(t: FunctionTranslator, op, imm) -> None:
    data_idx, mem_idx = imm
    args = t.popn(3)
    fn = t.env.runtime("wasmc_memory_init")
    text = ", ".join(f"i32 {a.ref}" for a in args)
    t.b.emit(f"call void {fn}(ptr %vmctx, i32 {mem_idx}, i32 {data_idx}, {text})")


HANDLERS = {
    "i32.load": load("i32"), "i64.load": load("i64"), "f32.load": load("float"), "f64.load": load("double"),
    "i32.load8_s": load("i8", "sext"), "i32.load8_u": load("i8", "zext"),
    "i32.load16_s": load("i16", "sext"), "i32.load16_u": load("i16", "zext"),
    "i64.load8_s": load("i8", "sext"), "i64.load8_u": load("i8", "zext"),
    "i64.load16_s": load("i16", "sext"), "i64.load16_u": load("i16", "zext"),
    "i64.load32_s": load("i32", "sext"), "i64.load32_u": load("i32", "zext"),
    "i32.store": store(), "i64.store": store(), "f32.store": store(), "f64.store": store(),
    "i32.store8": store("i8"), "i32.store16": store("i16"),
    "i64.store8": store("i8"), "i64.store16": store("i16"), "i64.store32": store("i32"),
    "memory.size": lower_memory_size, "memory.grow": lower_memory_grow,
    "memory.copy": runtime_op("wasmc_memory_copy", 3),     # imm: (dst mem, src mem)
    "memory.fill": runtime_op("wasmc_memory_fill", 3),
    "memory.init": lower_memory_init,
    "data.drop": runtime_op("wasmc_data_drop", 0),
}
