"""Linear memory: loads, stores, memory.size/grow and the bulk operations.

The rule (DESIGN.md): every out-of-bounds access traps, whether or not its value is used, and at the
trap memory and globals hold exactly what the program wrote before it. A plain load cannot give that
under LLVM: it deletes a load whose value is unused (SelectionDAG even at -O0), and moves loads and
stores across one another and across a load it believes cannot fault.

On x86-64 (`env.guard_pages`: compile.guard_pages), at every -O level, a 32-bit memory's accesses are
not checked but volatile, and the reservation's guard region traps them (runtime_c/trap.c maps the
fault to the out-of-bounds trap). LLVM neither deletes a volatile access nor changes how many there are
or their order among themselves and with calls, so every access happens, in program order with the
other traps (calls to wasmc_trap); x86 still folds a volatile load into the instruction using it. The
other state a trap exposes, global.set and table.set, is stored volatile too (variables.py,
tables.py), so it cannot move across a faulting access either. The address plus offset plus size stays
under 2**33 + 16, inside the 8 GiB reservation's PROT_NONE pages beyond the memory, and an x86-64
access that faults writes nothing, so a store straddling the end leaves memory as it was. What it
costs: loads of the same address are not merged or hoisted out of loops. What it saves, against
checking each access (below), in `benchmarks/compare.py` CPU time: Go 24% and C 22% (geomeans), and
checks that doubled -O0's code.

Elsewhere (AArch64, where a store straddling the end may write its first part) every access is
checked explicitly before it is made (address()): `addr + offset + size > memory size` branches to the
function's out-of-bounds trap block, which calls wasmc_trap. That branch is control flow LLVM keeps,
and wasmc_trap is an opaque call, so every store before it is done when it runs and none after it is; a
dead load may go, its check stays. The memory's size is read from its descriptor, which only calls
(memory.grow) change, so LLVM keeps it in a register between calls. Alignment hints are only hints,
so accesses are emitted with align 1. Bulk operations go to runtime_c, which checks bounds before
writing anything.

A 64-bit memory (memory64) takes i64 addresses and u64 offsets, so `addr + offset + size` may wrap: its
check compares `addr` against `memory size - (offset + size)` instead, underflow included. Its
reservation is the same 8 GiB (runtime_c/memory.c), so it never moves either; it cannot grow past that,
and memory.grow says so with -1 as the spec allows. The operand's IR type picks the path, so a 32-bit
memory's code is what it was.
"""
from __future__ import annotations

from ..abi import TrapKind
from .builder import F32, F64, I8, I16, I32, I64, LLVM_TYPE, VMCTX, Alias, Value, const_int
from .function import FunctionTranslator


def load_at(t: FunctionTranslator, ty: str, addr: Value, offset: int, size: int) -> Value:
    """Load `ty` (`size` bytes) at `addr + offset` in memory 0, trapping when out of bounds. Every load
    (scalar and SIMD) is made here."""
    ptr = address(t, addr, offset, size)
    return t.b.load(ty, ptr, align=1, alias=Alias.MEMORY, volatile=_guarded(t, addr))


def store_at(t: FunctionTranslator, value: Value, addr: Value, offset: int, size: int,
             narrow: str | None = None) -> None:
    """Store `value` (`size` bytes; truncated to `narrow` first, if given) at `addr + offset` in memory
    0, trapping when out of bounds. Every store (scalar and SIMD) is made here."""
    ptr = address(t, addr, offset, size)
    if narrow:
        value = t.b.cast("trunc", value, narrow)
    t.b.store(value, ptr, align=1, alias=Alias.MEMORY, volatile=_guarded(t, addr))


def _guarded(t: FunctionTranslator, addr: Value) -> bool:
    """Whether this access is left to the guard region (the docstring above): x86-64, a 32-bit memory."""
    return t.env.guard_pages and addr.type == I32


def address(t: FunctionTranslator, addr: Value, offset: int, size: int) -> Value:
    """The pointer for an access of `size` bytes at `addr + offset` in memory 0, after the check that
    makes it trap when out of bounds (none for a guarded access: the guard region traps it)."""
    b = t.b
    if addr.type == I64:
        return _address64(t, addr, offset, size)
    wide = b.cast("zext", addr, I64)
    if not _guarded(t, addr):
        end = b.binop("add nuw nsw", wide, const_int(I64, offset + size))       # < 2**33: no overflow
        t.trap_if(b.icmp("ugt", end, t.env.memory_size_bytes(t, 0)), TrapKind.MEMORY_OOB)
    if offset:
        wide = b.binop("add nuw nsw", wide, const_int(I64, offset))
    return b.gep(t.env.memory_base(t), wide)


def _address64(t: FunctionTranslator, addr: Value, offset: int, size: int) -> Value:
    """address() for an i64 address and a u64 offset: traps unless addr + offset + size <= memory size,
    computed without wrapping."""
    b = t.b
    mem_size = t.env.memory_size_bytes(t, 0)
    # A memory holds far less than 2**62 bytes, so a larger span always traps: clamped, it stays an i64.
    span = const_int(I64, min(offset + size, 1 << 62))
    too_long = b.icmp("ult", mem_size, span)
    past_end = b.icmp("ugt", addr, b.binop("sub", mem_size, span))
    t.trap_if(b.binop("or", too_long, past_end), TrapKind.MEMORY_OOB)
    if offset:
        # In bounds, so the sum does not wrap; the constant is written signed as LLVM reads i64s.
        addr = b.binop("add nuw", addr, const_int(I64, offset - (1 << 64) if offset >= 1 << 63 else offset))
    return b.gep(t.env.memory_base(t), addr)


_SIZE = {I8: 1, I16: 2, I32: 4, I64: 8, F32: 4, F64: 8}


def load(mem_type: str, extend: str | None = None):
    """Load `mem_type` and, for narrow loads, sign- or zero-extend to the row's result type."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        v = load_at(t, mem_type, t.pop(), memarg[1], _SIZE[mem_type])
        if extend:
            v = t.b.cast(extend, v, LLVM_TYPE[op.results[0]])
        t.push(v)
    return lower


def store(mem_type: str | None = None):
    """Store the value, truncated to `mem_type` for narrow stores."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        val = t.pop()
        store_at(t, val, t.pop(), memarg[1], _SIZE[mem_type or val.type], narrow=mem_type)
    return lower


def _is64(t: FunctionTranslator, mem_idx: int) -> bool:
    return t.module.memory_types[mem_idx].is64


def lower_memory_size(t: FunctionTranslator, op, mem_idx: int) -> None:
    pages = t.b.binop("lshr", t.env.memory_size_bytes(t, mem_idx), const_int(I64, 16))
    t.push(pages if _is64(t, mem_idx) else t.b.cast("trunc", pages, I32))


# The bulk operators of a 64-bit memory have runtime calls of their own, named *64, taking i64s where
# the memory's address type goes.

def lower_memory_grow(t: FunctionTranslator, op, mem_idx: int) -> None:
    delta = t.pop()
    name = "wasmc_memory_grow64" if _is64(t, mem_idx) else "wasmc_memory_grow"
    t.push(t.b.call_runtime(name, [VMCTX, t.env.memory_index(mem_idx), delta]))


def lower_memory_copy(t: FunctionTranslator, op, imm) -> None:
    dst_mem, src_mem = imm
    args = t.popn(3)
    env = t.env
    name = "wasmc_memory_copy64" if _is64(t, dst_mem) else "wasmc_memory_copy"
    t.b.call_runtime(name, [VMCTX, env.memory_index(dst_mem), env.memory_index(src_mem), *args])


def lower_memory_fill(t: FunctionTranslator, op, mem_idx: int) -> None:
    args = t.popn(3)
    name = "wasmc_memory_fill64" if _is64(t, mem_idx) else "wasmc_memory_fill"
    t.b.call_runtime(name, [VMCTX, t.env.memory_index(mem_idx), *args])


def lower_memory_init(t: FunctionTranslator, op, imm) -> None:
    data_idx, mem_idx = imm
    args = t.popn(3)
    name = "wasmc_memory_init64" if _is64(t, mem_idx) else "wasmc_memory_init"
    t.b.call_runtime(name, [VMCTX, t.env.memory_index(mem_idx), t.env.segment_index(data_idx), *args])


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
