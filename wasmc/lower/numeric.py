"""Constants and the scalar numeric operators, as rows keyed by the spec's names.

Most rows are one LLVM instruction or intrinsic. Hand-written lowerings are the places where Wasm and
LLVM disagree: division and remainder (trap / INT_MIN % -1), shifts (count modulo width), clz/ctz of 0,
float min/max (NaN quieting), and float arithmetic on identity constants (signalling NaNs).
"""
from __future__ import annotations

from ..abi import TrapKind
from .builder import (BITS, F32, F64, FALSE, I32, I64, SUFFIX, Value, const_int, f32_is_nan, f32_literal,
                      f64_literal)
from .function import FunctionTranslator


# --- constants --------------------------------------------------------------------------------------
def lower_i32_const(t: FunctionTranslator, op, imm: int) -> None:
    t.push(t.env.constant(t, I32, imm))


def lower_i64_const(t: FunctionTranslator, op, imm: int) -> None:
    t.push(t.env.constant(t, I64, imm))


def lower_f32_const(t: FunctionTranslator, op, bits: int) -> None:
    if f32_is_nan(bits):
        # A float NaN written as a double literal may lose its signalling bit; build it from its bits.
        t.push(t.b.cast("bitcast", const_int(I32, bits), F32))
    else:
        t.push(Value(F32, f32_literal(bits), bits))


def lower_f64_const(t: FunctionTranslator, op, bits: int) -> None:
    t.push(Value(F64, f64_literal(bits), bits))


# --- row factories ----------------------------------------------------------------------------------
def binary(instr: str):
    """`a instr b` of the operand type (add, mul, and, ...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        t.push(t.b.binop(instr, a, b))
    return lower


# ±0.0 and ±1.0, by type: the operands that make LLVM fold x-0.0, x+(-0.0), x*1.0, x/1.0 (and their
# negated forms) to x or -x.
IDENTITY_BITS = {
    F32: frozenset((0, 0x80000000, 0x3F800000, 0xBF800000)),
    F64: frozenset((0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000)),
}


def _hide_identity(t: FunctionTranslator, v: Value) -> Value:
    return t.b.opaque(v) if v.const is not None and v.const in IDENTITY_BITS[v.type] else v


def float_binary(instr: str):
    """fadd/fsub/fmul/fdiv. Wasm quiets a signalling NaN operand; LLVM folds x-0.0, x*1.0, x/1.0 and
    -0.0-x to x or -x, which would not. Hiding such an identity constant keeps the operation; other
    constants stay visible to the optimizer."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        a, b = _hide_identity(t, a), _hide_identity(t, b)
        t.push(t.b.binop(instr, a, b))
    return lower


def min_max(name: str):
    """llvm.minimum/maximum give Wasm's NaN propagation and signed-zero order but may return a
    signalling NaN operand unchanged; Wasm returns a quiet NaN, which a + b produces."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        m = t.b.intrinsic(f"llvm.{name}.{SUFFIX[a.type]}", a.type, [a, b])
        nan = t.b.fcmp("uno", a, b)
        quiet = t.b.binop("fadd", a, b)
        t.push(t.b.select(nan, quiet, m))
    return lower


def compare(instr: str, pred: str):
    """icmp/fcmp giving an i32 0 or 1."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        c = t.b.icmp(pred, a, b) if instr == "icmp" else t.b.fcmp(pred, a, b)
        t.push(t.b.cast("zext", c, I32))
    return lower


def eqz(t: FunctionTranslator, op, imm) -> None:
    a = t.pop()
    t.push(t.b.cast("zext", t.b.icmp("eq", a, const_int(a.type, 0)), I32))


def intrinsic(name: str, arity: int, poison_on_zero: bool | None = None):
    """Call llvm.<name>.<type>. `poison_on_zero`, for ctlz/cttz: their i1 argument (false: of 0 they
    give the bit width, as Wasm's clz/ctz do)."""
    extra = [] if poison_on_zero is None else [FALSE]

    def lower(t: FunctionTranslator, op, imm) -> None:
        args = t.popn(arity)
        ty = args[0].type
        t.push(t.b.intrinsic(f"llvm.{name}.{SUFFIX[ty]}", ty, args + extra))
    return lower


def shift(instr: str):
    """Wasm takes the shift count modulo the bit width; LLVM makes an oversized count poison."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        count = t.b.binop("and", b, const_int(a.type, BITS[a.type] - 1))
        t.push(t.b.binop(instr, a, count))
    return lower


def rotate(name: str):
    """Rotation is a funnel shift of a value with itself; fshl/fshr already take the count modulo width."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        t.push(t.b.intrinsic(f"llvm.{name}.{a.type}", a.type, [a, a, b]))
    return lower


def lower_fneg(t: FunctionTranslator, op, imm) -> None:
    t.push(t.b.fneg(t.pop()))


# --- division and remainder ---------------------------------------------------------------------------
def _trap_if_zero(t: FunctionTranslator, v: Value) -> None:
    t.trap_if(t.b.icmp("eq", v, const_int(v.type, 0)), TrapKind.INT_DIV_BY_ZERO)


def lower_div_s(t: FunctionTranslator, op, imm) -> None:
    # Wasm traps on a zero divisor and on INT_MIN / -1; both are undefined behaviour for LLVM's sdiv.
    b, a = t.pop(), t.pop()
    _trap_if_zero(t, b)
    is_min = t.b.icmp("eq", a, const_int(a.type, -(1 << (BITS[a.type] - 1))))
    is_neg1 = t.b.icmp("eq", b, const_int(a.type, -1))
    t.trap_if(t.b.binop("and", is_min, is_neg1), TrapKind.INT_OVERFLOW)
    t.push(t.b.binop("sdiv", a, b))


def lower_rem_s(t: FunctionTranslator, op, imm) -> None:
    # INT_MIN % -1 is 0 in Wasm but undefined for srem: divide by 1 instead when the divisor is -1.
    b, a = t.pop(), t.pop()
    _trap_if_zero(t, b)
    is_neg1 = t.b.icmp("eq", b, const_int(a.type, -1))
    divisor = t.b.select(is_neg1, const_int(a.type, 1), b)
    t.push(t.b.binop("srem", a, divisor))


def unsigned_div(instr: str):
    """udiv/urem: only a zero divisor traps."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        _trap_if_zero(t, b)
        t.push(t.b.binop(instr, a, b))
    return lower


HANDLERS = {
    "i32.const": lower_i32_const, "i64.const": lower_i64_const,
    "f32.const": lower_f32_const, "f64.const": lower_f64_const,
    # integer comparison
    "i32.eqz": eqz, "i64.eqz": eqz,
    "i32.eq": compare("icmp", "eq"), "i64.eq": compare("icmp", "eq"),
    "i32.ne": compare("icmp", "ne"), "i64.ne": compare("icmp", "ne"),
    "i32.lt_s": compare("icmp", "slt"), "i64.lt_s": compare("icmp", "slt"),
    "i32.lt_u": compare("icmp", "ult"), "i64.lt_u": compare("icmp", "ult"),
    "i32.gt_s": compare("icmp", "sgt"), "i64.gt_s": compare("icmp", "sgt"),
    "i32.gt_u": compare("icmp", "ugt"), "i64.gt_u": compare("icmp", "ugt"),
    "i32.le_s": compare("icmp", "sle"), "i64.le_s": compare("icmp", "sle"),
    "i32.le_u": compare("icmp", "ule"), "i64.le_u": compare("icmp", "ule"),
    "i32.ge_s": compare("icmp", "sge"), "i64.ge_s": compare("icmp", "sge"),
    "i32.ge_u": compare("icmp", "uge"), "i64.ge_u": compare("icmp", "uge"),
    # integer arithmetic
    "i32.clz": intrinsic("ctlz", 1, poison_on_zero=False), "i64.clz": intrinsic("ctlz", 1, poison_on_zero=False),
    "i32.ctz": intrinsic("cttz", 1, poison_on_zero=False), "i64.ctz": intrinsic("cttz", 1, poison_on_zero=False),
    "i32.popcnt": intrinsic("ctpop", 1), "i64.popcnt": intrinsic("ctpop", 1),
    "i32.add": binary("add"), "i64.add": binary("add"),
    "i32.sub": binary("sub"), "i64.sub": binary("sub"),
    "i32.mul": binary("mul"), "i64.mul": binary("mul"),
    "i32.div_s": lower_div_s, "i64.div_s": lower_div_s,
    "i32.div_u": unsigned_div("udiv"), "i64.div_u": unsigned_div("udiv"),
    "i32.rem_s": lower_rem_s, "i64.rem_s": lower_rem_s,
    "i32.rem_u": unsigned_div("urem"), "i64.rem_u": unsigned_div("urem"),
    "i32.and": binary("and"), "i64.and": binary("and"),
    "i32.or": binary("or"), "i64.or": binary("or"),
    "i32.xor": binary("xor"), "i64.xor": binary("xor"),
    "i32.shl": shift("shl"), "i64.shl": shift("shl"),
    "i32.shr_s": shift("ashr"), "i64.shr_s": shift("ashr"),
    "i32.shr_u": shift("lshr"), "i64.shr_u": shift("lshr"),
    "i32.rotl": rotate("fshl"), "i64.rotl": rotate("fshl"),
    "i32.rotr": rotate("fshr"), "i64.rotr": rotate("fshr"),
    # float comparison: ordered comparisons are false on NaN; `ne` is the one unordered comparison
    "f32.eq": compare("fcmp", "oeq"), "f64.eq": compare("fcmp", "oeq"),
    "f32.ne": compare("fcmp", "une"), "f64.ne": compare("fcmp", "une"),
    "f32.lt": compare("fcmp", "olt"), "f64.lt": compare("fcmp", "olt"),
    "f32.gt": compare("fcmp", "ogt"), "f64.gt": compare("fcmp", "ogt"),
    "f32.le": compare("fcmp", "ole"), "f64.le": compare("fcmp", "ole"),
    "f32.ge": compare("fcmp", "oge"), "f64.ge": compare("fcmp", "oge"),
    # float arithmetic
    "f32.abs": intrinsic("fabs", 1), "f64.abs": intrinsic("fabs", 1),
    "f32.neg": lower_fneg, "f64.neg": lower_fneg,
    "f32.ceil": intrinsic("ceil", 1), "f64.ceil": intrinsic("ceil", 1),
    "f32.floor": intrinsic("floor", 1), "f64.floor": intrinsic("floor", 1),
    "f32.trunc": intrinsic("trunc", 1), "f64.trunc": intrinsic("trunc", 1),
    "f32.nearest": intrinsic("roundeven", 1), "f64.nearest": intrinsic("roundeven", 1),   # half to even
    "f32.sqrt": intrinsic("sqrt", 1), "f64.sqrt": intrinsic("sqrt", 1),
    "f32.add": float_binary("fadd"), "f64.add": float_binary("fadd"),
    "f32.sub": float_binary("fsub"), "f64.sub": float_binary("fsub"),
    "f32.mul": float_binary("fmul"), "f64.mul": float_binary("fmul"),
    "f32.div": float_binary("fdiv"), "f64.div": float_binary("fdiv"),
    "f32.min": min_max("minimum"), "f64.min": min_max("minimum"),
    "f32.max": min_max("maximum"), "f64.max": min_max("maximum"),
    "f32.copysign": intrinsic("copysign", 2), "f64.copysign": intrinsic("copysign", 2),
}
