"""SIMD integer arithmetic and comparison, as rows keyed by the spec's names.

Most rows are one LLVM instruction or intrinsic on the operator's lane shape. Hand-written: avgr_u (a
rounding average needs a ninth bit), q15mulr_sat_s (rounding, then saturating its one overflow),
extadd_pairwise, extmul and dot (lanes combined across widths).
"""
from __future__ import annotations

from .builder import FALSE, I8X16, I16X8, I32X4, Value, lanes_of, splat_constant, zero
from .function import FunctionTranslator
from .simd import binary, compare, even_odd, half, intrinsic, pop_as, popn_as, push, shape_of, widen


def lower_neg(t: FunctionTranslator, op, imm) -> None:
    v = pop_as(t, shape_of(op.name))
    push(t, t.b.binop("sub", zero(v.type), v))


def lower_avgr_u(t: FunctionTranslator, op, imm) -> None:
    # (a + b + 1) >> 1 without losing the carry: computed at twice the lane width (x86 pavgb/pavgw).
    b = t.b
    x, y = popn_as(t, 2, shape_of(op.name))
    wide = widen(x.type)
    total = b.binop("add", b.cast("zext", x, wide), b.cast("zext", y, wide))
    total = b.binop("add", total, splat_constant(wide, 1))
    push(t, b.cast("trunc", b.binop("lshr", total, splat_constant(wide, 1)), x.type))


def extadd_pairwise(source: str, extend: str):
    """Each result lane is the sum of two neighbouring source lanes, extended to twice their width."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        even, odd = even_odd(t, pop_as(t, source))
        wide = widen(even.type)
        push(t, b.binop("add", b.cast(extend, even, wide), b.cast(extend, odd, wide)))
    return lower


def extmul(source: str, high: bool, extend: str):
    """The low or high half of both operands' lanes, extended to twice their width and multiplied (the
    product cannot overflow the wider lane)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        x, y = (half(t, v, high) for v in popn_as(t, 2, source))
        wide = widen(x.type)
        push(t, b.binop("mul", b.cast(extend, x, wide), b.cast(extend, y, wide)))
    return lower


def q15mulr(t: FunctionTranslator, x: Value, y: Value) -> Value:
    """(x * y + 0x4000) >> 15 per i16 lane, saturated: only -32768 * -32768 overflows (to 32768)."""
    b = t.b
    wide = widen(x.type)
    product = b.binop("mul", b.cast("sext", x, wide), b.cast("sext", y, wide))
    rounded = b.binop("ashr", b.binop("add", product, splat_constant(wide, 0x4000)), splat_constant(wide, 15))
    limited = b.intrinsic(f"llvm.smin.v{lanes_of(wide)[0]}i32", wide, [rounded, splat_constant(wide, 0x7FFF)])
    return b.cast("trunc", limited, x.type)


def lower_i16x8_q15mulr_sat_s(t: FunctionTranslator, op, imm) -> None:
    push(t, q15mulr(t, *popn_as(t, 2, I16X8)))


def dot(t: FunctionTranslator, x: Value, y: Value, extend: str = "sext") -> Value:
    """Products of corresponding lanes at twice their width, neighbouring pairs added (x86 pmaddwd for
    i16 lanes): the lane count halves."""
    b = t.b
    wide = widen(x.type)
    products = b.binop("mul", b.cast("sext", x, wide), b.cast(extend, y, wide))
    even, odd = even_odd(t, products)
    return b.binop("add", even, odd)


def lower_i32x4_dot_i16x8_s(t: FunctionTranslator, op, imm) -> None:
    push(t, dot(t, *popn_as(t, 2, I16X8)))


_ABS = intrinsic("abs", 1, FALSE)      # false: abs(INT_MIN) is INT_MIN, as in Wasm, not poison

HANDLERS = {
    # comparison
    "i8x16.eq": compare("icmp", "eq"), "i16x8.eq": compare("icmp", "eq"),
    "i32x4.eq": compare("icmp", "eq"), "i64x2.eq": compare("icmp", "eq"),
    "i8x16.ne": compare("icmp", "ne"), "i16x8.ne": compare("icmp", "ne"),
    "i32x4.ne": compare("icmp", "ne"), "i64x2.ne": compare("icmp", "ne"),
    "i8x16.lt_s": compare("icmp", "slt"), "i16x8.lt_s": compare("icmp", "slt"),
    "i32x4.lt_s": compare("icmp", "slt"), "i64x2.lt_s": compare("icmp", "slt"),
    "i8x16.lt_u": compare("icmp", "ult"), "i16x8.lt_u": compare("icmp", "ult"), "i32x4.lt_u": compare("icmp", "ult"),
    "i8x16.gt_s": compare("icmp", "sgt"), "i16x8.gt_s": compare("icmp", "sgt"),
    "i32x4.gt_s": compare("icmp", "sgt"), "i64x2.gt_s": compare("icmp", "sgt"),
    "i8x16.gt_u": compare("icmp", "ugt"), "i16x8.gt_u": compare("icmp", "ugt"), "i32x4.gt_u": compare("icmp", "ugt"),
    "i8x16.le_s": compare("icmp", "sle"), "i16x8.le_s": compare("icmp", "sle"),
    "i32x4.le_s": compare("icmp", "sle"), "i64x2.le_s": compare("icmp", "sle"),
    "i8x16.le_u": compare("icmp", "ule"), "i16x8.le_u": compare("icmp", "ule"), "i32x4.le_u": compare("icmp", "ule"),
    "i8x16.ge_s": compare("icmp", "sge"), "i16x8.ge_s": compare("icmp", "sge"),
    "i32x4.ge_s": compare("icmp", "sge"), "i64x2.ge_s": compare("icmp", "sge"),
    "i8x16.ge_u": compare("icmp", "uge"), "i16x8.ge_u": compare("icmp", "uge"), "i32x4.ge_u": compare("icmp", "uge"),
    # arithmetic
    "i8x16.abs": _ABS, "i16x8.abs": _ABS, "i32x4.abs": _ABS, "i64x2.abs": _ABS,
    "i8x16.neg": lower_neg, "i16x8.neg": lower_neg, "i32x4.neg": lower_neg, "i64x2.neg": lower_neg,
    "i8x16.popcnt": intrinsic("ctpop", 1),
    "i8x16.add": binary("add"), "i16x8.add": binary("add"), "i32x4.add": binary("add"), "i64x2.add": binary("add"),
    "i8x16.sub": binary("sub"), "i16x8.sub": binary("sub"), "i32x4.sub": binary("sub"), "i64x2.sub": binary("sub"),
    "i16x8.mul": binary("mul"), "i32x4.mul": binary("mul"), "i64x2.mul": binary("mul"),
    "i8x16.add_sat_s": intrinsic("sadd.sat", 2), "i16x8.add_sat_s": intrinsic("sadd.sat", 2),
    "i8x16.add_sat_u": intrinsic("uadd.sat", 2), "i16x8.add_sat_u": intrinsic("uadd.sat", 2),
    "i8x16.sub_sat_s": intrinsic("ssub.sat", 2), "i16x8.sub_sat_s": intrinsic("ssub.sat", 2),
    "i8x16.sub_sat_u": intrinsic("usub.sat", 2), "i16x8.sub_sat_u": intrinsic("usub.sat", 2),
    "i8x16.min_s": intrinsic("smin", 2), "i16x8.min_s": intrinsic("smin", 2), "i32x4.min_s": intrinsic("smin", 2),
    "i8x16.min_u": intrinsic("umin", 2), "i16x8.min_u": intrinsic("umin", 2), "i32x4.min_u": intrinsic("umin", 2),
    "i8x16.max_s": intrinsic("smax", 2), "i16x8.max_s": intrinsic("smax", 2), "i32x4.max_s": intrinsic("smax", 2),
    "i8x16.max_u": intrinsic("umax", 2), "i16x8.max_u": intrinsic("umax", 2), "i32x4.max_u": intrinsic("umax", 2),
    "i8x16.avgr_u": lower_avgr_u, "i16x8.avgr_u": lower_avgr_u,
    "i16x8.q15mulr_sat_s": lower_i16x8_q15mulr_sat_s,
    "i32x4.dot_i16x8_s": lower_i32x4_dot_i16x8_s,
    "i16x8.extadd_pairwise_i8x16_s": extadd_pairwise(I8X16, "sext"),
    "i16x8.extadd_pairwise_i8x16_u": extadd_pairwise(I8X16, "zext"),
    "i32x4.extadd_pairwise_i16x8_s": extadd_pairwise(I16X8, "sext"),
    "i32x4.extadd_pairwise_i16x8_u": extadd_pairwise(I16X8, "zext"),
    "i16x8.extmul_low_i8x16_s": extmul(I8X16, False, "sext"),
    "i16x8.extmul_high_i8x16_s": extmul(I8X16, True, "sext"),
    "i16x8.extmul_low_i8x16_u": extmul(I8X16, False, "zext"),
    "i16x8.extmul_high_i8x16_u": extmul(I8X16, True, "zext"),
    "i32x4.extmul_low_i16x8_s": extmul(I16X8, False, "sext"),
    "i32x4.extmul_high_i16x8_s": extmul(I16X8, True, "sext"),
    "i32x4.extmul_low_i16x8_u": extmul(I16X8, False, "zext"),
    "i32x4.extmul_high_i16x8_u": extmul(I16X8, True, "zext"),
    "i64x2.extmul_low_i32x4_s": extmul(I32X4, False, "sext"),
    "i64x2.extmul_high_i32x4_s": extmul(I32X4, True, "sext"),
    "i64x2.extmul_low_i32x4_u": extmul(I32X4, False, "zext"),
    "i64x2.extmul_high_i32x4_u": extmul(I32X4, True, "zext"),
}
