"""The IR builder the lowering handlers use: typed values, instructions, blocks, declarations and metadata.

Handlers never write IR syntax: they call methods here, which return `Value`s that know their LLVM type
and, for constants, their value. The builder writes LLVM IR as text, because formatting strings is
several times cheaper per instruction in Python than building llvmlite.ir objects, and the front end must
stay a small part of compile time; only this module knows the syntax.
"""
from __future__ import annotations

import struct

from ..abi import RUNTIME_CALLS
from ..wasm.types import ValType

# LLVM types. Wasm values use I32, I64, F32, F64, PTR and V128; i1, i8 and i16 appear inside lowerings.
I1, I8, I16, I32, I64, F32, F64, PTR = "i1", "i8", "i16", "i32", "i64", "float", "double", "ptr"
VOID = "void"


def vector(lanes: int, elem: str) -> str:
    return f"<{lanes} x {elem}>"


# A v128 value (a local, global, parameter, result, block value or stack operand) is always the one
# canonical type <4 x float>; each SIMD operator bitcasts to the lane shape it works on and back. Bitcasts
# are free in LLVM and instcombine folds chains of them, so one storage type costs nothing and keeps
# phis, locals and signatures of one type. Why float lanes: instcombine moves a select whose operands
# are bitcasts into the operands' type, and x86 forms minps/maxps (f32x4.pmin/pmax/min/max) only from
# a select on floats; with <4 x i32> storage every such select became an integer blend. Selects on
# other lane counts (f64x2, i8x16, i16x8) cannot move, and integer code does not care about the type.
F32X4, F64X2 = vector(4, F32), vector(2, F64)
I8X16, I16X8, I32X4, I64X2 = vector(16, I8), vector(8, I16), vector(4, I32), vector(2, I64)
V128 = F32X4

LLVM_TYPE = {
    ValType.I32: I32, ValType.I64: I64, ValType.F32: F32, ValType.F64: F64,
    ValType.FUNCREF: PTR, ValType.EXTERNREF: PTR, ValType.V128: V128,
}
BITS = {I32: 32, I64: 64, F32: 32, F64: 64}
INT_OF = {F32: I32, F64: I64}              # the integer type with a float's bits
SUFFIX = {I32: "i32", I64: "i64", F32: "f32", F64: "f64"}   # intrinsic name suffixes


def is_vector(ty: str) -> bool:
    return ty[0] == "<"


def lanes_of(ty: str) -> tuple[int, str]:
    """(lane count, element type) of a vector type: <8 x i16> -> (8, "i16")."""
    count, elem = ty[1:-1].split(" x ")
    return int(count), elem


def type_suffix(ty: str) -> str:
    """An overloaded intrinsic's name suffix for `ty`: i32, f64, v16i8, v4f32."""
    if not is_vector(ty):
        return SUFFIX.get(ty, ty)
    count, elem = lanes_of(ty)
    return f"v{count}{SUFFIX.get(elem, elem)}"


def bool_type(ty: str) -> str:
    """The type of a comparison of `ty` operands: i1, or a vector of i1 with as many lanes."""
    return vector(lanes_of(ty)[0], I1) if is_vector(ty) else I1


class Value:
    """An IR operand: its LLVM type, its operand text (`%t4`, `12`, `null`, ...) and, for a constant,
    `const`: the integer (signed), a float's bit pattern, or a vector's bits (unsigned, lane 0 lowest).
    None when not known to be constant."""
    __slots__ = ("type", "ref", "const")

    def __init__(self, type: str, ref: str, const: int | None = None):
        self.type = type
        self.ref = ref
        self.const = const

    def __repr__(self) -> str:
        return f"Value({self.type} {self.ref})"

    @property
    def typed(self) -> str:
        """`i32 %t4`: the operand as an argument is written."""
        return f"{self.type} {self.ref}"


VMCTX = Value(PTR, "%vmctx")
NULL = Value(PTR, "null")
TRUE = Value(I1, "true", 1)
FALSE = Value(I1, "false", 0)


def f64_literal(bits: int) -> str:
    return f"0x{bits:016X}"


def f32_is_nan(bits: int) -> bool:
    return (bits & 0x7F800000) == 0x7F800000 and (bits & 0x007FFFFF) != 0


def f32_literal(bits: int) -> str:
    """LLVM writes float constants as the hex of the equal double; exact for every non-NaN float."""
    value = struct.unpack("<f", struct.pack("<I", bits))[0]
    return f64_literal(struct.unpack("<Q", struct.pack("<d", value))[0])


def const_int(ty: str, value: int) -> Value:
    return Value(ty, str(value), value)


def const_float(ty: str, value: float) -> Value:
    """A float constant exactly representable in `ty` (LLVM writes both widths as a double's hex)."""
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    if ty == F32:
        return Value(F32, f64_literal(bits), struct.unpack("<I", struct.pack("<f", value))[0])
    return Value(F64, f64_literal(bits), bits)


def zero(ty: str) -> Value:
    """The value a local of type `ty` starts with."""
    if is_vector(ty):
        return Value(ty, "zeroinitializer", 0)
    return NULL if ty == PTR else Value(ty, "0.0", 0) if ty in (F32, F64) else const_int(ty, 0)


def poison(ty: str) -> Value:
    """An operand whose value does not matter (the unused lanes of a splat's first step)."""
    return Value(ty, "poison")


def const_vector(ty: str, items: list[int]) -> Value:
    """A constant integer vector of type `ty` from its lanes (lane 0 first, any sign); `const` is the
    whole vector's bits as an unsigned integer, lane 0 lowest."""
    count, elem = lanes_of(ty)
    bits = int(elem[1:])
    mask = (1 << bits) - 1
    lanes = [v & mask for v in items]
    text = ", ".join(f"{elem} {v - (1 << bits) if v >> (bits - 1) else v}" for v in lanes)
    return Value(ty, f"<{text}>", sum(v << (k * bits) for k, v in enumerate(lanes)))


def splat_constant(ty: str, value: int) -> Value:
    """A constant integer vector with every lane `value`."""
    return const_vector(ty, [value] * lanes_of(ty)[0])


def splat_float(ty: str, value: float) -> Value:
    """A constant float vector with every lane `value` (exactly representable, not a NaN)."""
    count, elem = lanes_of(ty)
    lane = const_float(elem, value).ref
    return Value(ty, "<" + ", ".join([f"{elem} {lane}"] * count) + ">")


def const_v128(bits: int) -> Value:
    """A v128 constant (of the canonical type) from its 128 bits, lane 0 of any shape lowest: written as
    i32 lanes, since a float literal cannot spell every NaN."""
    lanes = const_vector(I32X4, [(bits >> (32 * k)) & 0xFFFFFFFF for k in range(4)])
    return Value(V128, f"bitcast ({lanes.typed} to {V128})", bits)


# Several results travel as a literal struct in which floats are their integer bits: x86-64 returns two
# scalar floats in XMM0/XMM1 and a third on the x87 stack, whose load quiets a signalling NaN (Wasm keeps
# its bits); integers beyond RAX/RDX/RCX go to memory, bit for bit.
_BITS_OF = {F32: I32, F64: I64}


def in_results(ty: str) -> str:
    """The type a result of LLVM type `ty` has inside a struct of several results."""
    return _BITS_OF.get(ty, ty)


def results_type(types) -> str:
    """The LLVM return type for LLVM result types: void, the type, or a literal struct of several."""
    if not types:
        return VOID
    if len(types) == 1:
        return types[0]
    return "{" + ", ".join(in_results(t) for t in types) + "}"


# --- module-level metadata: numbered here and nowhere else ------------------------------------------
class Alias:
    """Type-based alias tags: linear memory, global cells and runtime structures (table descriptors,
    funcref records) never overlap, so a store to wasm memory need not force a reload of the
    stack-pointer global, and the other way round."""
    MEMORY, GLOBAL, RUNTIME = "!3", "!5", "!7"


_UNLIKELY = "!prof !0"      # branch_weights 1 : 2000
_METADATA = (
    '!0 = !{!"branch_weights", i32 1, i32 2000}',
    '!1 = !{!"wasmc"}',
    '!2 = !{!"wasm memory", !1, i64 0}', '!3 = !{!2, !2, i64 0}',
    '!4 = !{!"wasm global", !1, i64 0}', '!5 = !{!4, !4, i64 0}',
    '!6 = !{!"wasmc runtime", !1, i64 0}', '!7 = !{!6, !6, i64 0}',
    '!8 = !{i64 0, i64 2147483648}',
)
# The value range of the function cache's absolute placeholder symbols (absolute_symbol).
ABSOLUTE_RANGE = "!8"
# Self-recursion must keep growing the stack so runaway recursion reaches the stack-limit trap;
# tail-recursion elimination would turn it into an endless loop. nounwind: nothing unwinds through wasm
# frames (traps long-jump), so no unwind tables: smaller objects, faster links.
FUNCTION_ATTRIBUTES = "#0"
_ATTRIBUTE_GROUPS = ('attributes #0 = { "disable-tail-calls"="true" nounwind }',)


class Declarations:
    """What one IR module calls but does not define: runtime_c functions and LLVM intrinsics."""

    def __init__(self):
        self.runtime: set[str] = set()
        self.intrinsics: dict[str, str] = {}       # name -> declaration line

    def lines(self) -> list[str]:
        out = []
        for name in sorted(self.runtime):
            ret, params, attrs = RUNTIME_CALLS[name]
            out.append(f"declare {ret} @{name}({', '.join(params)}) {attrs}".rstrip())
        out.extend(self.intrinsics[n] for n in sorted(self.intrinsics))
        return out


def finish_module(parts: list[str], declarations: list[str]) -> str:
    """One IR module: function definitions and globals, declarations, attributes and metadata."""
    return "\n".join([*parts, *declarations, *_ATTRIBUTE_GROUPS, *_METADATA]) + "\n"


# --- functions ------------------------------------------------------------------------------------------
class Block:
    """A basic block under construction; phis are filled in when all predecessors are known."""
    __slots__ = ("label", "phis", "lines", "terminated")

    def __init__(self, label: str):
        self.label = label
        self.phis: list[str] = []
        self.lines: list[str] = []
        self.terminated = False


class FuncBuilder:
    """The blocks of one function; instructions go to `cur`, loads hoisted for the whole function to
    `entry`. Names are numbered in order of creation."""

    def __init__(self, decls: Declarations):
        self.decls = decls
        self.blocks: list[Block] = []
        self.cur: Block | None = None
        self.entry = Block("entry")
        self.counter = 0

    # --- names and blocks -----------------------------------------------------------------------
    def tmp(self, ty: str) -> Value:
        """A fresh name for a value defined later (a phi written when its edges are known)."""
        self.counter += 1
        return Value(ty, f"%t{self.counter}")

    def new_block(self, hint: str) -> Block:
        self.counter += 1
        return Block(f"{hint}{self.counter}")

    def start(self, block: Block) -> None:
        """Place `block` and direct subsequent instructions into it."""
        self.blocks.append(block)
        self.cur = block

    def _def(self, ty: str, expr: str, block: Block | None = None, name: str | None = None) -> Value:
        if name is None:
            self.counter += 1
            name = f"%t{self.counter}"
        (block or self.cur).lines.append(f"{name} = {expr}")
        return Value(ty, name)

    # --- arithmetic -------------------------------------------------------------------------------
    def binop(self, instr: str, a: Value, b: Value) -> Value:
        """`instr` (add, fmul, sdiv, shl, and, ...) of two operands of one type."""
        return self._def(a.type, f"{instr} {a.type} {a.ref}, {b.ref}")

    def fneg(self, a: Value) -> Value:
        return self._def(a.type, f"fneg {a.type} {a.ref}")

    def icmp(self, pred: str, a: Value, b: Value, name: str | None = None) -> Value:
        """An i1, or for vector operands a vector of i1 (one per lane)."""
        return self._def(bool_type(a.type), f"icmp {pred} {a.type} {a.ref}, {b.ref}", name=name)

    def fcmp(self, pred: str, a: Value, b: Value) -> Value:
        return self._def(bool_type(a.type), f"fcmp {pred} {a.type} {a.ref}, {b.ref}")

    def is_true(self, a: Value) -> Value:
        """A Wasm condition (i32, non-zero is true) as an i1."""
        return self._def(I1, f"icmp ne {a.type} {a.ref}, 0")

    def cast(self, instr: str, a: Value, to: str) -> Value:
        """zext, sext, trunc, sitofp, fptrunc, bitcast, ptrtoint, ...; a no-op cast returns `a`."""
        if a.type == to:
            return a
        return self._def(to, f"{instr} {a.type} {a.ref} to {to}")

    def select(self, cond: Value, a: Value, b: Value) -> Value:
        """`cond ? a : b` on the values' bits (no float semantics: NaN payloads survive); a vector of
        i1 chooses lane by lane."""
        return self._def(a.type, f"select {cond.type} {cond.ref}, {a.type} {a.ref}, {a.type} {b.ref}")

    def opaque(self, a: Value) -> Value:
        """The same bits, hidden from the optimizer behind an empty inline asm (a float through its
        integer bits, a vector through its two 64-bit halves: "r" is a general register on every
        target), so folding rules that would change Wasm's result cannot apply."""
        if is_vector(a.type):
            halves = self.cast("bitcast", a, I64X2)
            for k in range(2):
                lane = const_int(I32, k)
                halves = self.insert_element(halves, self.opaque(self.extract_element(halves, lane)), lane)
            return self.cast("bitcast", halves, a.type)
        if a.type in INT_OF:
            bits = self.cast("bitcast", a, INT_OF[a.type])
            return self.cast("bitcast", self.opaque(bits), a.type)
        return self._def(a.type, f'call {a.type} asm "", "=r,0"({a.type} {a.ref})')

    def link_constant(self, name: str, ty: str, wide: bool = False, block: Block | None = None) -> Value:
        """The value of absolute symbol `name`, which the linker supplies (a placeholder of the function
        cache), as an i32, or as an i64 (`wide`: any 64-bit value; else one below 2**32). An x86-64
        instruction, not a symbol address: LLVM would otherwise pick addressing (RIP-relative, or a
        sign-extended 32-bit immediate) that is wrong for an absolute value. Unoptimized code reads values
        below 2**31 by absolute_symbol instead (placeholders.CanonicalEnv._value)."""
        text = "movabsq $$%s, $0" % name if wide else "movl $$%s, %s" % (name, "${0:k}" if ty == I64 else "$0")
        return self._def(ty, f'call {ty} asm "{text}", "=r"()', block)

    def absolute_symbol(self, name: str, ty: str, block: Block | None = None) -> Value:
        """The value of absolute symbol `name`, declared by absolute_symbol_declaration (below 2**31), which
        LLVM may fold into immediates and displacements as it does constants."""
        return self._def(ty, f"ptrtoint ptr @{name} to {ty}", block)

    # --- vectors --------------------------------------------------------------------------------
    def extract_element(self, vec: Value, index: Value) -> Value:
        """Lane `index` of a vector (an index out of range gives poison)."""
        return self._def(lanes_of(vec.type)[1], f"extractelement {vec.type} {vec.ref}, {index.typed}")

    def insert_element(self, vec: Value, item: Value, index: Value) -> Value:
        return self._def(vec.type, f"insertelement {vec.type} {vec.ref}, {item.typed}, {index.typed}")

    def shuffle(self, a: Value, b: Value, mask: list[int]) -> Value:
        """The vector whose lane k is lane mask[k] of a's lanes followed by b's."""
        lanes = ", ".join(f"i32 {m}" for m in mask)
        ty = vector(len(mask), lanes_of(a.type)[1])
        return self._def(ty, f"shufflevector {a.typed}, {b.typed}, <{len(mask)} x i32> <{lanes}>")

    def extract(self, agg: Value, index: int, ty: str) -> Value:
        return self._def(ty, f"extractvalue {agg.type} {agg.ref}, {index}")

    def result(self, results: Value, index: int, ty: str) -> Value:
        """Result `index`, of LLVM type `ty`, of a call returning several (results_type)."""
        return self.cast("bitcast", self.extract(results, index, in_results(ty)), ty)

    def insert(self, agg: Value, item: Value, index: int) -> Value:
        return self._def(agg.type, f"insertvalue {agg.type} {agg.ref}, {item.type} {item.ref}, {index}")

    # --- memory -----------------------------------------------------------------------------------
    def gep(self, base: Value, index: Value, elem: str = I8, inbounds: bool = False,
            block: Block | None = None) -> Value:
        """`base + index * sizeof(elem)`."""
        kw = "getelementptr inbounds" if inbounds else "getelementptr"
        return self._def(PTR, f"{kw} {elem}, ptr {base.ref}, {index.type} {index.ref}", block)

    def field(self, base: Value, offset: int, block: Block | None = None) -> Value:
        """The address `offset` bytes into a runtime structure."""
        return self._def(PTR, f"getelementptr inbounds i8, ptr {base.ref}, i64 {offset}", block)

    def load(self, ty: str, ptr: Value, *, align: int | None = None, alias: str | None = None,
             volatile: bool = False) -> Value:
        return self._def(ty, _load_text(ty, ptr, align, alias, volatile))

    def load_invariant(self, ty: str, ptr: Value, block: Block | None = None) -> Value:
        """A load of something that never changes for the life of the instance (vmctx fields)."""
        return self._def(ty, f"load {ty}, ptr {ptr.ref}, !invariant.load !{{}}", block)

    def store(self, value: Value, ptr: Value, *, align: int | None = None, alias: str | None = None,
              block: Block | None = None, volatile: bool = False) -> None:
        text = f"store {'volatile ' if volatile else ''}{value.type} {value.ref}, ptr {ptr.ref}"
        if align is not None:
            text += f", align {align}"
        if alias is not None:
            text += f", !tbaa {alias}"
        (block or self.cur).lines.append(text)

    def alloca(self, ty: str, slot: Value, block: Block) -> None:
        """Define the stack slot `slot` (mem2reg promotes these; they belong in the entry block)."""
        block.lines.append(f"{slot.ref} = alloca {ty}")

    # --- calls ------------------------------------------------------------------------------------
    def call(self, ret: str, callee: str, args: list[Value], tail: str = "",
             name: str | None = None) -> Value | None:
        """Call `callee` (a symbol `@name` or a pointer operand); None for void. `tail`: "musttail"."""
        text = f"{tail + ' ' if tail else ''}call {ret} {callee}({', '.join(a.typed for a in args)})"
        if ret == VOID:
            self.cur.lines.append(text)
            return None
        return self._def(ret, text, name=name)

    def call_runtime(self, name: str, args: list[Value]) -> Value | None:
        """Call a runtime_c function listed in abi.RUNTIME_CALLS (declared in this module on use)."""
        self.decls.runtime.add(name)
        return self.call(RUNTIME_CALLS[name][0], "@" + name, args)

    def intrinsic(self, name: str, ret: str, args: list[Value], block: Block | None = None) -> Value:
        """Call LLVM intrinsic `name` (e.g. llvm.ctlz.i32), declared from the argument types."""
        if name not in self.decls.intrinsics:
            self.decls.intrinsics[name] = f"declare {ret} @{name}({', '.join(a.type for a in args)})"
        return self._def(ret, f"call {ret} @{name}({', '.join(a.typed for a in args)})", block)

    # --- terminators ------------------------------------------------------------------------------
    def _terminate(self, text: str) -> None:
        self.cur.lines.append(text)
        self.cur.terminated = True

    def br(self, target: Block) -> None:
        self._terminate(f"br label %{target.label}")

    def cond_br(self, cond: Value, then: Block, other: Block, unlikely: bool = False) -> None:
        """Branch on an i1; `unlikely`: `then` is rarely taken (a trap, an unwind)."""
        weights = ", " + _UNLIKELY if unlikely else ""
        self._terminate(f"br i1 {cond.ref}, label %{then.label}, label %{other.label}{weights}")

    def switch(self, index: Value, default: Block, cases: list[Block]) -> None:
        """Go to cases[index], or default when index is out of range."""
        arms = " ".join(f"{index.type} {i}, label %{b.label}" for i, b in enumerate(cases))
        self._terminate(f"switch {index.type} {index.ref}, label %{default.label} [ {arms} ]")

    def ret(self, values: list[Value]) -> None:
        if not values:
            self._terminate("ret void")
        elif len(values) == 1:
            self._terminate(f"ret {values[0].typed}")
        else:
            agg = Value(results_type([v.type for v in values]), "undef")
            for i, v in enumerate(values):
                agg = self.insert(agg, self.cast("bitcast", v, in_results(v.type)), i)
            self._terminate(f"ret {agg.typed}")

    def unreachable(self) -> None:
        self._terminate("unreachable")

    def phi(self, block: Block, name: Value, incoming: list[tuple[str, Value]]) -> None:
        """Define `name` in `block` as the value arriving along each (predecessor label, value)."""
        pairs = ", ".join(f"[ {v.ref}, %{label} ]" for label, v in incoming)
        block.phis.append(f"{name.ref} = phi {name.type} {pairs}")

    # --- the entry block --------------------------------------------------------------------------
    def entry_call(self, ret: str, name: str) -> Value:
        """A call with no arguments in the entry block (llvm.stacksave)."""
        return self.intrinsic(name, ret, [], self.entry)

    def entry_compare(self, pred: str, a: Value, b: Value) -> Value:
        return self._def(I1, f"icmp {pred} {a.type} {a.ref}, {b.ref}", self.entry)

    def entry_cast(self, instr: str, a: Value, to: str) -> Value:
        return self._def(to, f"{instr} {a.type} {a.ref} to {to}", self.entry)

    def entry_load(self, ty: str, ptr: Value) -> Value:
        return self._def(ty, f"load {ty}, ptr {ptr.ref}", self.entry)

    def entry_branch(self, cond: Value, then: Block, other: Block) -> None:
        """End the entry block: to `then` (rarely) or `other`."""
        self.entry.lines.append(f"br i1 {cond.ref}, label %{then.label}, label %{other.label}, {_UNLIKELY}")

    # --- output -------------------------------------------------------------------------------------
    def text(self, blocks: list[Block] | None = None) -> str:
        out = []
        for blk in self.blocks if blocks is None else blocks:
            out.append(f"{blk.label}:")
            out.extend("  " + p for p in blk.phis)
            out.extend("  " + line for line in blk.lines)
        return "\n".join(out)


def _load_text(ty: str, ptr: Value, align: int | None, alias: str | None, volatile: bool) -> str:
    text = f"load volatile {ty}, ptr {ptr.ref}" if volatile else f"load {ty}, ptr {ptr.ref}"
    if align is not None:
        text += f", align {align}"
    if alias is not None:
        text += f", !tbaa {alias}"
    return text


def define(linkage: str, ret: str, name: str, params: list[Value], body: str) -> str:
    """A function definition around the text of its blocks."""
    plist = ", ".join(p.typed for p in params)
    return f"define {linkage} {ret} @{name}({plist}) {FUNCTION_ATTRIBUTES} {{\n{body}\n}}\n"


def declare(ret: str, name: str, param_types: list[str], linkage: str = "hidden") -> str:
    return f"declare {linkage} {ret} @{name}({', '.join(param_types)})"


def absolute_symbol_declaration(name: str) -> str:
    """An absolute symbol the linker defines, of a value in ABSOLUTE_RANGE: LLVM then reads it with
    absolute relocations (R_X86_64_32, R_X86_64_32S), never RIP-relative."""
    return f"@{name} = external hidden global [0 x i8], !absolute_symbol {ABSOLUTE_RANGE}"


def constant_array(name: str, elem: str, items: list[str]) -> str:
    """A constant global array: `@name = constant [n x elem] [elem item, ...]`."""
    return f"@{name} = constant [{len(items)} x {elem}] [{', '.join(f'{elem} {i}' for i in items)}]"
