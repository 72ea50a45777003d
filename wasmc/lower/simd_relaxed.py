"""Relaxed SIMD (Wasm 3.0): operators whose result the spec lets the implementation pick from a set.

The choice is a global parameter fixed for the implementation, not per call; the spec's deterministic
profile sets every one to its first option. wasmc takes that option for all twenty, so a module gives
the same results whatever CPU runs it and whether it runs under `wasmc run` (host CPU) or as a `wasmc
compile` executable (the x86-64-v2 baseline), and each relaxed operator computes what its strict
counterpart does. Each row says what the spec allows and what the choice costs: the x86-64 code is
what the strict lowering gives on SSE4.1; AArch64 has a one-instruction form of every choice (tbl,
fcvtzs/fcvtzu, fmin/fmax, bsl, sqrdmulh), which the target-independent lowering does not reach for all
of them yet (swizzle, min/max and trunc_sat are short sequences there; see simd_lanes and simd_float).
"""
from __future__ import annotations

from .builder import F32X4, F64X2, I8X16, I16X8, I32X4, Value, type_suffix
from .function import FunctionTranslator
from .simd import even_odd, popn_as, push, shape_of, widen
from .simd_bits import lower_v128_bitselect
from .simd_convert import trunc_sat
from .simd_float import float_operand, min_max
from .simd_int import lower_i16x8_q15mulr_sat_s
from .simd_lanes import lower_i8x16_swizzle


def madd(negate: bool):
    """relaxed_madd(a, b, c) may be fused (one rounding) or a*b then +c (two); relaxed_nmadd is
    relaxed_madd(-a, b, c). Chosen: unfused, the deterministic profile's (x86-64 mulps+addps, AArch64
    fmul+fadd). Fused would be one instruction with FMA, but the x86-64-v2 baseline has none, and results
    must not differ between the baseline and a host-CPU build. LLVM never fuses them: no `contract` flag."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        shape = shape_of(op.name)
        x, y, z = (float_operand(t, v, shape) for v in t.popn(3))
        if negate:
            x = b.fneg(x)
        push(t, b.binop("fadd", b.binop("fmul", x, y), z))
    return lower


def relaxed_dot(t: FunctionTranslator, x: Value, y: Value) -> Value:
    """i8 lanes multiplied pairwise and neighbouring products added with signed saturation, into i16
    lanes. The spec lets the second operand's lanes be read as signed or as unsigned (x86 pmaddubsw reads
    the first as unsigned); chosen: both signed, the deterministic profile's, which no CPU reading of
    7-bit second operands (the operator's intended use) can tell apart."""
    b = t.b
    wide = widen(x.type)
    products = b.binop("mul", b.cast("sext", x, wide), b.cast("sext", y, wide))
    even, odd = even_odd(t, products)
    return b.intrinsic(f"llvm.sadd.sat.{type_suffix(I16X8)}", I16X8, [even, odd])


def lower_i16x8_relaxed_dot_i8x16_i7x16_s(t: FunctionTranslator, op, imm) -> None:
    push(t, relaxed_dot(t, *popn_as(t, 2, I8X16)))


def lower_i32x4_relaxed_dot_i8x16_i7x16_add_s(t: FunctionTranslator, op, imm) -> None:
    # The i16 dot product above, its neighbouring lanes added into i32 lanes (extadd_pairwise_s), plus c.
    b = t.b
    c = t.pop()
    pairs = relaxed_dot(t, *popn_as(t, 2, I8X16))
    even, odd = even_odd(t, pairs)
    summed = b.binop("add", b.cast("sext", even, I32X4), b.cast("sext", odd, I32X4))
    push(t, b.binop("add", summed, b.cast("bitcast", c, I32X4)))


HANDLERS = {
    # The spec allows an index of 16..127 to pick lane index mod 16 (x86 pshufb); chosen: 0, as
    # i8x16.swizzle gives (AArch64 tbl's rule; x86-64 pshufb and a compare to zero those lanes).
    "i8x16.relaxed_swizzle": lower_i8x16_swizzle,
    # NaN and out-of-range lanes may give INT_MIN (x86 cvttps2dq) or other fixed values; chosen: trunc_sat's
    # saturation and NaN -> 0 (AArch64 fcvtzs/fcvtzu's rule; x86-64 cvttps2dq with selects around it).
    "i32x4.relaxed_trunc_f32x4_s": trunc_sat(F32X4, "s"), "i32x4.relaxed_trunc_f32x4_u": trunc_sat(F32X4, "u"),
    "i32x4.relaxed_trunc_f64x2_s_zero": trunc_sat(F64X2, "s"),
    "i32x4.relaxed_trunc_f64x2_u_zero": trunc_sat(F64X2, "u"),
    "f32x4.relaxed_madd": madd(False), "f32x4.relaxed_nmadd": madd(True),
    "f64x2.relaxed_madd": madd(False), "f64x2.relaxed_nmadd": madd(True),
    # A mask lane mixing set and clear bits may select by its top bit alone (x86 pblendvb); chosen: bit by
    # bit, as v128.bitselect (AArch64 bsl; x86-64 pand/pandn/por).
    "i8x16.relaxed_laneselect": lower_v128_bitselect, "i16x8.relaxed_laneselect": lower_v128_bitselect,
    "i32x4.relaxed_laneselect": lower_v128_bitselect, "i64x2.relaxed_laneselect": lower_v128_bitselect,
    # NaN and ±0 operands may give either operand (x86 minps/maxps); chosen: f32x4.min/max's NaN
    # propagation and -0 < +0 (AArch64 fmin/fmax's rule; x86-64 two minps/maxps, an or/and, a blend).
    "f32x4.relaxed_min": min_max(False), "f32x4.relaxed_max": min_max(True),
    "f64x2.relaxed_min": min_max(False), "f64x2.relaxed_max": min_max(True),
    # -32768 * -32768 may give -32768 (x86 pmulhrsw); chosen: 32767, as q15mulr_sat_s (AArch64 sqrdmulh's
    # rule; x86-64 pmaddwd-based, some 15 instructions).
    "i16x8.relaxed_q15mulr_s": lower_i16x8_q15mulr_sat_s,
    "i16x8.relaxed_dot_i8x16_i7x16_s": lower_i16x8_relaxed_dot_i8x16_i7x16_s,
    "i32x4.relaxed_dot_i8x16_i7x16_add_s": lower_i32x4_relaxed_dot_i8x16_i7x16_add_s,
}
