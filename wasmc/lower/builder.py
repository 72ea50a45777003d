"""The small IR-building interface the lowering handlers use. It writes LLVM IR as text.

Text was chosen over llvmlite.ir because formatting strings is several times cheaper per instruction in
Python than building llvmlite.ir objects, and the front end must stay a small part of compile time. Only
this module and lower/module.py know the text syntax of blocks, phis and calls.
"""
from __future__ import annotations

import struct
from typing import NamedTuple

from ..wasm.types import ValType

LLVM_TYPE = {
    ValType.I32: "i32", ValType.I64: "i64", ValType.F32: "float", ValType.F64: "double",
    ValType.FUNCREF: "ptr", ValType.EXTERNREF: "ptr",
}
ZERO = {
    ValType.I32: "0", ValType.I64: "0", ValType.F32: "0.0", ValType.F64: "0.0",
    ValType.FUNCREF: "null", ValType.EXTERNREF: "null",
}
BITS = {ValType.I32: 32, ValType.I64: 64, ValType.F32: 32, ValType.F64: 64}

# Type-based alias tags (lower/module.py defines the nodes): linear memory, global cells and runtime
# structures (table descriptors, funcref records) never overlap, so a store to wasm memory need not
# force a reload of the stack-pointer global, and the other way round.
TBAA_MEMORY, TBAA_GLOBAL, TBAA_RUNTIME = "!3", "!5", "!7"
TBAA_NODES = (
    '!1 = !{!"wasmc"}',
    '!2 = !{!"wasm memory", !1, i64 0}', '!3 = !{!2, !2, i64 0}',
    '!4 = !{!"wasm global", !1, i64 0}', '!5 = !{!4, !4, i64 0}',
    '!6 = !{!"wasmc runtime", !1, i64 0}', '!7 = !{!6, !6, i64 0}',
)


class Value(NamedTuple):
    """An operand: its Wasm type and its LLVM operand text (a %name or a constant)."""
    type: ValType
    ref: str


class Block:
    """A basic block under construction; phis are filled in when all predecessors are known."""
    __slots__ = ("label", "phis", "lines", "terminated")

    def __init__(self, label: str):
        self.label = label
        self.phis: list[str] = []
        self.lines: list[str] = []
        self.terminated = False


def results_type(results) -> str:
    """The LLVM return type for a list of Wasm result types (several results: a literal struct)."""
    if not results:
        return "void"
    if len(results) == 1:
        return LLVM_TYPE[results[0]]
    return "{" + ", ".join(LLVM_TYPE[t] for t in results) + "}"


def f64_literal(bits: int) -> str:
    return f"0x{bits:016X}"


def f32_is_nan(bits: int) -> bool:
    return (bits & 0x7F800000) == 0x7F800000 and (bits & 0x007FFFFF) != 0


def f32_literal(bits: int) -> str:
    """LLVM writes float constants as the hex of the equal double; exact for every non-NaN float."""
    value = struct.unpack("<f", struct.pack("<I", bits))[0]
    return f64_literal(struct.unpack("<Q", struct.pack("<d", value))[0])


class FuncBuilder:
    """Accumulates the blocks of one function; `cur` is where instructions go."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.cur: Block | None = None
        self.counter = 0

    def tmp(self) -> str:
        self.counter += 1
        return f"%t{self.counter}"

    def new_block(self, hint: str) -> Block:
        self.counter += 1
        return Block(f"{hint}{self.counter}")

    def start(self, block: Block) -> None:
        """Place `block` and direct subsequent instructions into it."""
        self.blocks.append(block)
        self.cur = block

    def emit(self, line: str) -> None:
        self.cur.lines.append(line)

    def op(self, expr: str) -> str:
        """Emit `%tN = expr` and return %tN."""
        self.counter += 1
        name = f"%t{self.counter}"
        self.cur.lines.append(f"{name} = {expr}")
        return name

    def terminate(self, line: str) -> None:
        self.cur.lines.append(line)
        self.cur.terminated = True

    def br(self, target: Block) -> None:
        self.terminate(f"br label %{target.label}")

    def cond_br(self, cond: str, then: Block, other: Block, weights: str = "") -> None:
        self.terminate(f"br i1 {cond}, label %{then.label}, label %{other.label}{weights}")

    def call(self, ret: str, callee: str, args: str) -> str | None:
        if ret == "void":
            self.emit(f"call void {callee}({args})")
            return None
        return self.op(f"call {ret} {callee}({args})")

    def text(self) -> str:
        out = []
        for blk in self.blocks:
            out.append(f"{blk.label}:")
            out.extend("  " + p for p in blk.phis)
            out.extend("  " + line for line in blk.lines)
        return "\n".join(out)
