"""Conversions: wrap, extend, sign extension, int<->float, demote/promote, reinterpret, truncation.

LLVM's fptosi/fptoui are poison out of range; Wasm's trapping truncations check first (NaN traps as
invalid conversion, out of range as overflow), and the saturating ones map to llvm.fpto[su]i.sat.
"""
from __future__ import annotations

from ..abi import TrapKind
from .builder import F32, F64, I32, I64, LLVM_TYPE, SUFFIX, TRUE, const_float
from .function import FunctionTranslator


def cast(instr: str):
    """A single cast instruction to the row's result type (zext, sitofp, fptrunc, bitcast, ...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        t.push(t.b.cast(instr, t.pop(), LLVM_TYPE[op.results[0]]))
    return lower


def lower_f64_promote_f32(t: FunctionTranslator, op, imm) -> None:
    v = t.b.cast("fpext", t.pop(), F64)
    t.recent.promoted.add(v.ref)
    t.push(v)


def lower_f32_demote_f64(t: FunctionTranslator, op, imm) -> None:
    # LLVM folds demote(promote(x)) to x, which keeps a signalling NaN signalling; Wasm quiets it.
    a = t.pop()
    src = t.b.opaque(a) if a.ref in t.recent.promoted else a
    t.push(t.b.cast("fptrunc", src, F32))


def sign_extend(bits: int):
    """iN.extendM_s: sign-extend the low M bits in place."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        low = t.b.cast("trunc", a, f"i{bits}")
        t.push(t.b.cast("sext", low, a.type))
    return lower


# Exclusive bounds (lo, hi) by (target, signedness, source): the conversion is defined iff lo < x < hi.
# Each bound is the first value outside the target range that the source type can represent.
_BOUNDS = {
    (I32, "s", F32): (-2147483904.0, 2147483648.0),
    (I32, "s", F64): (-2147483649.0, 2147483648.0),
    (I32, "u", F32): (-1.0, 4294967296.0),
    (I32, "u", F64): (-1.0, 4294967296.0),
    (I64, "s", F32): (-9223373136366403584.0, 9223372036854775808.0),
    (I64, "s", F64): (-9223372036854777856.0, 9223372036854775808.0),
    (I64, "u", F32): (-1.0, 18446744073709551616.0),
    (I64, "u", F64): (-1.0, 18446744073709551616.0),
}


def trunc_trapping(sign: str):
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        a = t.pop()
        to = LLVM_TYPE[op.results[0]]
        lo, hi = _BOUNDS[(to, sign, a.type)]
        t.trap_if(b.fcmp("uno", a, a), TrapKind.INVALID_CONVERSION)
        above = b.fcmp("ogt", a, const_float(a.type, lo))
        below = b.fcmp("olt", a, const_float(a.type, hi))
        inside = b.binop("and", above, below)
        t.trap_if(b.binop("xor", inside, TRUE), TrapKind.INT_OVERFLOW)
        t.push(b.cast("fptosi" if sign == "s" else "fptoui", a, to))
    return lower


def trunc_saturating(sign: str):
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        to = LLVM_TYPE[op.results[0]]
        t.push(t.b.intrinsic(f"llvm.fpto{sign}i.sat.{SUFFIX[to]}.{SUFFIX[a.type]}", to, [a]))
    return lower


HANDLERS = {
    "i32.wrap_i64": cast("trunc"),
    "i64.extend_i32_s": cast("sext"), "i64.extend_i32_u": cast("zext"),
    "f32.convert_i32_s": cast("sitofp"), "f32.convert_i32_u": cast("uitofp"),
    "f32.convert_i64_s": cast("sitofp"), "f32.convert_i64_u": cast("uitofp"),
    "f64.convert_i32_s": cast("sitofp"), "f64.convert_i32_u": cast("uitofp"),
    "f64.convert_i64_s": cast("sitofp"), "f64.convert_i64_u": cast("uitofp"),
    "f32.demote_f64": lower_f32_demote_f64, "f64.promote_f32": lower_f64_promote_f32,
    "i32.reinterpret_f32": cast("bitcast"), "i64.reinterpret_f64": cast("bitcast"),
    "f32.reinterpret_i32": cast("bitcast"), "f64.reinterpret_i64": cast("bitcast"),
    "i32.extend8_s": sign_extend(8), "i32.extend16_s": sign_extend(16),
    "i64.extend8_s": sign_extend(8), "i64.extend16_s": sign_extend(16), "i64.extend32_s": sign_extend(32),
    "i32.trunc_f32_s": trunc_trapping("s"), "i32.trunc_f32_u": trunc_trapping("u"),
    "i32.trunc_f64_s": trunc_trapping("s"), "i32.trunc_f64_u": trunc_trapping("u"),
    "i64.trunc_f32_s": trunc_trapping("s"), "i64.trunc_f32_u": trunc_trapping("u"),
    "i64.trunc_f64_s": trunc_trapping("s"), "i64.trunc_f64_u": trunc_trapping("u"),
    "i32.trunc_sat_f32_s": trunc_saturating("s"), "i32.trunc_sat_f32_u": trunc_saturating("u"),
    "i32.trunc_sat_f64_s": trunc_saturating("s"), "i32.trunc_sat_f64_u": trunc_saturating("u"),
    "i64.trunc_sat_f32_s": trunc_saturating("s"), "i64.trunc_sat_f32_u": trunc_saturating("u"),
    "i64.trunc_sat_f64_s": trunc_saturating("s"), "i64.trunc_sat_f64_u": trunc_saturating("u"),
}
