"""SIMD conversions: integer extend and narrow, float-to-integer saturating truncation, integer-to-float
conversion, f32/f64 demote and promote.

LLVM's fptosi/fptoui are poison out of range, so truncation saturates around them with selects (Wasm's
trunc_sat: NaN is 0); narrowing saturates with smax/smin before truncating (x86 packss/packus).
"""
from __future__ import annotations

from .builder import (F32X4, F64X2, I8X16, I16X8, I32X4, V128, Value, lanes_of, splat_constant, splat_float, type_suffix,
                      vector, zero)
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


# (lo, hi) by (source shape, signedness): a lane truncates to an i32 without saturating iff lo < x < hi;
# each bound is the first value outside the range that the source type can represent.
_TRUNC_BOUNDS = {
    (F32X4, "s"): (-2147483904.0, 2147483648.0), (F32X4, "u"): (-1.0, 4294967296.0),
    (F64X2, "s"): (-2147483649.0, 2147483648.0), (F64X2, "u"): (-1.0, 4294967296.0),
}
_I32_LIMITS = {"s": (-(1 << 31), (1 << 31) - 1), "u": (0, (1 << 32) - 1)}


def saturating_trunc(t: FunctionTranslator, v: Value, sign: str) -> Value:
    """Float lanes to i32 lanes, saturating, NaN to 0 (Wasm's trunc_sat). llvm.fpto[su]i.sat says the
    same but x86-64 scalarizes it (some 30 instructions); selects around a plain fptosi/fptoui, which is
    poison only out of range, make it seven or so: a lane at or past the top becomes 0 before the
    conversion and the maximum after, one at or past the bottom the minimum, a NaN 0."""
    b = t.b
    lo, hi = _TRUNC_BOUNDS[(v.type, sign)]
    least, most = _I32_LIMITS[sign]
    count, elem = lanes_of(v.type)
    to = vector(count, "i32")
    below_top = b.fcmp("olt", v, splat_float(v.type, hi))
    x = b.select(below_top, v, zero(v.type))
    x = b.select(b.fcmp("ogt", x, splat_float(v.type, lo)), x, splat_float(v.type, float(least)))
    r = b.cast("fptosi" if sign == "s" else "fptoui", x, to)
    return b.select(b.fcmp("oge", v, splat_float(v.type, hi)), splat_constant(to, most), r)


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
    pushed = t.b.cast("bitcast", t.b.cast("fpext", half(t, pop_as(t, F32X4), high=False), F64X2), V128)
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
