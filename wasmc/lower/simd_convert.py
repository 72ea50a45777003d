"""SIMD conversions: integer extend and narrow, float-to-integer saturating truncation, integer-to-float
conversion, f32/f64 demote and promote.

LLVM's fptosi/fptoui are poison out of range, so truncation uses llvm.fpto[su]i.sat, Wasm's trunc_sat
rule exactly (NaN is 0); narrowing saturates with smax/smin before truncating (x86 packss/packus).
"""
from __future__ import annotations

from .builder import F32X4, F64X2, I8X16, I16X8, I32X4, Value, lanes_of, splat_constant, type_suffix, vector, zero
from .function import FunctionTranslator
from .simd import concat, half, pop_as, popn_as, push, widen


def extend(source: str, high: bool, how: str):
    """The low or high half of the lanes, sign- or zero-extended to twice their width."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        v = half(t, pop_as(t, source), high)
        push(t, t.b.cast(how, v, widen(v.type)))
    return lower


def narrow(source: str, signed: bool):
    """Both operands' lanes (first a's, then b's) clamped to the half-width range, signed or unsigned
    (the input is read as signed either way), then truncated."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        both = concat(t, *popn_as(t, 2, source))
        bits = int(lanes_of(source)[1][1:]) // 2
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        suffix = type_suffix(both.type)
        v = b.intrinsic(f"llvm.smax.{suffix}", both.type, [both, splat_constant(both.type, lo)])
        v = b.intrinsic(f"llvm.smin.{suffix}", both.type, [v, splat_constant(both.type, hi)])
        push(t, b.cast("trunc", v, vector(lanes_of(both.type)[0], f"i{bits}")))
    return lower


def saturating_trunc(t: FunctionTranslator, v: Value, sign: str) -> Value:
    """Float lanes to i32 lanes, saturating, NaN to 0 (llvm.fpto[su]i.sat: defined for every input)."""
    to = vector(lanes_of(v.type)[0], "i32")
    return t.b.intrinsic(f"llvm.fpto{sign}i.sat.{type_suffix(to)}.{type_suffix(v.type)}", to, [v])


def with_zero_lanes(t: FunctionTranslator, v: Value) -> Value:
    """Two lanes widened to four, the upper two zero (the `_zero` conversions)."""
    return t.b.shuffle(v, zero(v.type), [0, 1, 2, 3])


def trunc_sat(source: str, sign: str):
    """i32x4.trunc_sat_f32x4_s/u, and the f64x2 forms whose two results fill the low lanes."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        v = saturating_trunc(t, pop_as(t, source), sign)
        push(t, with_zero_lanes(t, v) if source == F64X2 else v)
    return lower


def convert(low: bool, instr: str):
    """f32x4.convert_i32x4_s/u (all four lanes) and f64x2.convert_low_i32x4_s/u (the low two); exact or
    rounded to nearest, as sitofp/uitofp are."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        v = pop_as(t, I32X4)
        if low:
            v = half(t, v, high=False)
        push(t, t.b.cast(instr, v, F64X2 if low else F32X4))
    return lower


def lower_f64x2_promote_low_f32x4(t: FunctionTranslator, op, imm) -> None:
    pushed = t.b.cast("bitcast", t.b.cast("fpext", half(t, pop_as(t, F32X4), high=False), F64X2), I32X4)
    t.recent.promoted.add(pushed.ref)
    t.push(pushed)


def lower_f32x4_demote_f64x2_zero(t: FunctionTranslator, op, imm) -> None:
    # LLVM folds demote(promote(x)) to x, which keeps a signalling NaN signalling; Wasm quiets it.
    a = t.pop()
    source = t.b.cast("bitcast", t.b.opaque(a) if a.ref in t.recent.promoted else a, F64X2)
    push(t, with_zero_lanes(t, t.b.cast("fptrunc", source, vector(2, "float"))))


HANDLERS = {
    "i16x8.extend_low_i8x16_s": extend(I8X16, False, "sext"), "i16x8.extend_high_i8x16_s": extend(I8X16, True, "sext"),
    "i16x8.extend_low_i8x16_u": extend(I8X16, False, "zext"), "i16x8.extend_high_i8x16_u": extend(I8X16, True, "zext"),
    "i32x4.extend_low_i16x8_s": extend(I16X8, False, "sext"), "i32x4.extend_high_i16x8_s": extend(I16X8, True, "sext"),
    "i32x4.extend_low_i16x8_u": extend(I16X8, False, "zext"), "i32x4.extend_high_i16x8_u": extend(I16X8, True, "zext"),
    "i64x2.extend_low_i32x4_s": extend(I32X4, False, "sext"), "i64x2.extend_high_i32x4_s": extend(I32X4, True, "sext"),
    "i64x2.extend_low_i32x4_u": extend(I32X4, False, "zext"), "i64x2.extend_high_i32x4_u": extend(I32X4, True, "zext"),
    "i8x16.narrow_i16x8_s": narrow(I16X8, True), "i8x16.narrow_i16x8_u": narrow(I16X8, False),
    "i16x8.narrow_i32x4_s": narrow(I32X4, True), "i16x8.narrow_i32x4_u": narrow(I32X4, False),
    "i32x4.trunc_sat_f32x4_s": trunc_sat(F32X4, "s"), "i32x4.trunc_sat_f32x4_u": trunc_sat(F32X4, "u"),
    "i32x4.trunc_sat_f64x2_s_zero": trunc_sat(F64X2, "s"), "i32x4.trunc_sat_f64x2_u_zero": trunc_sat(F64X2, "u"),
    "f32x4.convert_i32x4_s": convert(False, "sitofp"), "f32x4.convert_i32x4_u": convert(False, "uitofp"),
    "f64x2.convert_low_i32x4_s": convert(True, "sitofp"), "f64x2.convert_low_i32x4_u": convert(True, "uitofp"),
    "f32x4.demote_f64x2_zero": lower_f32x4_demote_f64x2_zero,
    "f64x2.promote_low_f32x4": lower_f64x2_promote_low_f32x4,
}
