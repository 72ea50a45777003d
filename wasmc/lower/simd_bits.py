"""SIMD bitwise operators, lane shifts, and the tests that reduce a vector to an i32 (any_true, all_true,
bitmask)."""
from __future__ import annotations

from .builder import I8, I16, I32, I64X2, Value, const_int, lanes_of, splat_constant, zero
from .function import FunctionTranslator
from .simd import pop_as, popn_as, push, shape_of, splat


# Whole-vector bit operations work on 64-bit lanes (any integer shape would do).
_BITS = I64X2


def _not(t: FunctionTranslator, v: Value) -> Value:
    return t.b.binop("xor", v, splat_constant(v.type, -1))


def lower_v128_not(t: FunctionTranslator, op, imm) -> None:
    push(t, _not(t, pop_as(t, _BITS)))


def bitwise(instr: str):
    """and/or/xor of the whole 128 bits."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        a, b = popn_as(t, 2, _BITS)
        push(t, t.b.binop(instr, a, b))
    return lower


def lower_v128_andnot(t: FunctionTranslator, op, imm) -> None:
    a, b = popn_as(t, 2, _BITS)
    push(t, t.b.binop("and", a, _not(t, b)))


def bitselect(t: FunctionTranslator, v1: Value, v2: Value, c: Value) -> Value:
    """Each bit from v1 where c's bit is 1, else from v2 (integer vectors of one shape)."""
    b = t.b
    return b.binop("or", b.binop("and", v1, c), b.binop("and", v2, _not(t, c)))


def lower_v128_bitselect(t: FunctionTranslator, op, imm) -> None:
    push(t, bitselect(t, *popn_as(t, 3, _BITS)))


def lower_v128_any_true(t: FunctionTranslator, op, imm) -> None:
    b = t.b
    whole = b.cast("bitcast", t.pop(), "i128")
    t.push(b.cast("zext", b.icmp("ne", whole, const_int("i128", 0)), I32))


def lower_all_true(t: FunctionTranslator, op, imm) -> None:
    b = t.b
    v = pop_as(t, shape_of(op.name))
    nonzero = b.icmp("ne", v, zero(v.type))
    every = b.intrinsic(f"llvm.vector.reduce.and.v{lanes_of(v.type)[0]}i1", "i1", [nonzero])
    t.push(b.cast("zext", every, I32))


def lower_bitmask(t: FunctionTranslator, op, imm) -> None:
    # Bit k of the result is lane k's sign bit: the lanes' i1 vector read as an integer.
    b = t.b
    v = pop_as(t, shape_of(op.name))
    negative = b.icmp("slt", v, zero(v.type))
    t.push(b.cast("zext", b.cast("bitcast", negative, f"i{lanes_of(v.type)[0]}"), I32))


def shift(instr: str):
    """Wasm takes a lane shift count modulo the lane width; LLVM makes an oversized count poison."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        count = t.pop()
        shape = shape_of(op.name)
        v = pop_as(t, shape)
        elem = lanes_of(shape)[1]
        width_mask = int(elem[1:]) - 1
        if count.const is not None:      # the usual case: a constant count is a constant vector at once
            push(t, b.binop(instr, v, splat_constant(shape, count.const & width_mask)))
            return
        count = b.binop("and", count, const_int(I32, width_mask))
        count = b.cast("trunc" if elem in (I8, I16) else "zext", count, elem)
        push(t, b.binop(instr, v, splat(t, count, shape)))
    return lower


HANDLERS = {
    "v128.not": lower_v128_not, "v128.and": bitwise("and"), "v128.andnot": lower_v128_andnot,
    "v128.or": bitwise("or"), "v128.xor": bitwise("xor"), "v128.bitselect": lower_v128_bitselect,
    "v128.any_true": lower_v128_any_true,
    "i8x16.all_true": lower_all_true, "i16x8.all_true": lower_all_true,
    "i32x4.all_true": lower_all_true, "i64x2.all_true": lower_all_true,
    "i8x16.bitmask": lower_bitmask, "i16x8.bitmask": lower_bitmask,
    "i32x4.bitmask": lower_bitmask, "i64x2.bitmask": lower_bitmask,
    "i8x16.shl": shift("shl"), "i8x16.shr_s": shift("ashr"), "i8x16.shr_u": shift("lshr"),
    "i16x8.shl": shift("shl"), "i16x8.shr_s": shift("ashr"), "i16x8.shr_u": shift("lshr"),
    "i32x4.shl": shift("shl"), "i32x4.shr_s": shift("ashr"), "i32x4.shr_u": shift("lshr"),
    "i64x2.shl": shift("shl"), "i64x2.shr_s": shift("ashr"), "i64x2.shr_u": shift("lshr"),
}
