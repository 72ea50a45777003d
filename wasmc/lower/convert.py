"""Conversions: wrap, extend, sign extension, int<->float, demote/promote, reinterpret, truncation.

LLVM's fptosi/fptoui are poison out of range; Wasm's trapping truncations check first (NaN traps as
invalid conversion, out of range as overflow), and the saturating ones map to llvm.fpto[su]i.sat.
"""
from __future__ import annotations

import struct

from ..abi import TrapKind
from ..wasm.types import F32, F64, I32, I64
from .builder import LLVM_TYPE, Value, f64_literal
from .function import FunctionTranslator
from .numeric import opaque as _opaque

_SUFFIX = {I32: "i32", I64: "i64", F32: "f32", F64: "f64"}


def cast(instr: str):
    """A single cast instruction to the row's result type (zext, sitofp, fptrunc, bitcast, ...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        to = op.results[0]
        t.push(Value(to, t.b.op(f"{instr} {LLVM_TYPE[a.type]} {a.ref} to {LLVM_TYPE[to]}")))
    return lower


def lower_f64_promote_f32(t: FunctionTranslator, op, imm) -> None:
    a = t.pop()
    v = t.b.op(f"fpext float {a.ref} to double")
    t.promoted.add(v)
    t.push(Value(F64, v))


def lower_f32_demote_f64(t: FunctionTranslator, op, imm) -> None:
    # LLVM folds demote(promote(x)) to x, which keeps a signalling NaN signalling; Wasm quiets it.
    a = t.pop()
    src = _opaque(t, a) if a.ref in t.promoted else a.ref
    t.push(Value(F32, t.b.op(f"fptrunc double {src} to float")))


def sign_extend(bits: int):
    """iN.extendM_s: sign-extend the low M bits in place."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        ty = LLVM_TYPE[a.type]
        low = t.b.op(f"trunc {ty} {a.ref} to i{bits}")
        t.push(Value(a.type, t.b.op(f"sext i{bits} {low} to {ty}")))
    return lower


def _float_const(ty, value: float) -> str:
    # LLVM writes float constants as the equal double in hex; every bound below is exact in both.
    return f64_literal(struct.unpack("<Q", struct.pack("<d", value))[0])


# Exclusive bounds (lo, hi): the conversion is defined iff lo < x < hi. Each bound is the first value
# outside the target range that the source type can represent.
_BOUNDS = {
    ("i32", "s", F32): (-2147483904.0, 2147483648.0),
    ("i32", "s", F64): (-2147483649.0, 2147483648.0),
    ("i32", "u", F32): (-1.0, 4294967296.0),
    ("i32", "u", F64): (-1.0, 4294967296.0),
    ("i64", "s", F32): (-9223373136366403584.0, 9223372036854775808.0),
    ("i64", "s", F64): (-9223372036854777856.0, 9223372036854775808.0),
    ("i64", "u", F32): (-1.0, 18446744073709551616.0),
    ("i64", "u", F64): (-1.0, 18446744073709551616.0),
}


def trunc_trapping(sign: str):
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        to = op.results[0]
        fty = LLVM_TYPE[a.type]
        lo, hi = _BOUNDS[(_SUFFIX[to], sign, a.type)]
        t.trap_if(t.b.op(f"fcmp uno {fty} {a.ref}, {a.ref}"), TrapKind.INVALID_CONVERSION)
        above = t.b.op(f"fcmp ogt {fty} {a.ref}, {_float_const(a.type, lo)}")
        below = t.b.op(f"fcmp olt {fty} {a.ref}, {_float_const(a.type, hi)}")
        inside = t.b.op(f"and i1 {above}, {below}")
        t.trap_if(t.b.op(f"xor i1 {inside}, true"), TrapKind.INT_OVERFLOW)
        instr = "fptosi" if sign == "s" else "fptoui"
        t.push(Value(to, t.b.op(f"{instr} {fty} {a.ref} to {LLVM_TYPE[to]}")))
    return lower


def trunc_saturating(sign: str):
    def lower(t: FunctionTranslator, op, imm) -> None:
        a = t.pop()
        to = op.results[0]
        name = f"llvm.fpto{sign}i.sat.{_SUFFIX[to]}.{_SUFFIX[a.type]}"
        fn = t.env.intrinsic(name, f"declare {LLVM_TYPE[to]} @{name}({LLVM_TYPE[a.type]})")
        t.push(Value(to, t.b.op(f"call {LLVM_TYPE[to]} {fn}({LLVM_TYPE[a.type]} {a.ref})")))
    return lower


def _trunc_rows() -> dict:
    rows = {}
    for to in ("i32", "i64"):
        for src in ("f32", "f64"):
            for sign in ("s", "u"):
                rows[f"{to}.trunc_{src}_{sign}"] = trunc_trapping(sign)
                rows[f"{to}.trunc_sat_{src}_{sign}"] = trunc_saturating(sign)
    return rows


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
    **_trunc_rows(),
}
