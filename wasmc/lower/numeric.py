"""Constants and the scalar numeric operators, as rows keyed by the spec's names.

Most rows are one LLVM instruction or intrinsic. Hand-written lowerings are the places where Wasm and
LLVM disagree: division and remainder (trap / INT_MIN % -1), shifts (count modulo width), clz/ctz of 0.
"""
from __future__ import annotations

from ..abi import TrapKind
from ..wasm.types import F32, F64, I32, I64, ValType
from .builder import BITS, LLVM_TYPE, Value, f32_is_nan, f32_literal, f64_literal
from .function import FunctionTranslator


def _result_type(op) -> ValType:
    return op.results[0]


# --- constants --------------------------------------------------------------------------------------
def lower_i32_const(t: FunctionTranslator, op, imm: int) -> None:
    t.push(Value(I32, str(imm)))


def lower_i64_const(t: FunctionTranslator, op, imm: int) -> None:
    t.push(Value(I64, str(imm)))


def lower_f32_const(t: FunctionTranslator, op, bits: int) -> None:
    if f32_is_nan(bits):
        # A float NaN written as a double literal may lose its signalling bit; build it from its bits.
        t.push(Value(F32, t.b.op(f"bitcast i32 {bits} to float")))
    else:
        t.push(Value(F32, f32_literal(bits)))


def lower_f64_const(t: FunctionTranslator, op, bits: int) -> None:
    t.push(Value(F64, f64_literal(bits)))


# --- row factories ----------------------------------------------------------------------------------
def binary(instr: str):
    """`a instr b` of the operand type (add, mul, ...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        t.push(Value(a.type, t.b.op(f"{instr} {LLVM_TYPE[a.type]} {a.ref}, {b.ref}")))
    return lower


# ±0.0 and ±1.0, as the literals builder.py writes for f32 and f64: the operands that make LLVM fold
# x-0.0, x+(-0.0), x*1.0, x/1.0 (and their negated forms) to x or -x.
_IDENTITY_LITERALS = {f64_literal(b) for b in (0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000)}


def _is_identity_literal(ref: str) -> bool:
    return ref in _IDENTITY_LITERALS


def opaque(t: FunctionTranslator, v: Value) -> str:
    """The same float, hidden from the optimizer behind an empty inline asm on its bits."""
    ity = f"i{BITS[v.type]}"
    bits = t.b.op(f"bitcast {LLVM_TYPE[v.type]} {v.ref} to {ity}")
    hidden = t.b.op(f'call {ity} asm "", "=r,0"({ity} {bits})')
    return t.b.op(f"bitcast {ity} {hidden} to {LLVM_TYPE[v.type]}")


def float_binary(instr: str):
    """fadd/fsub/fmul/fdiv. Wasm quiets a signalling NaN operand; LLVM folds x-0.0, x*1.0, x/1.0 and
    -0.0-x to x or -x, which would not. Hiding such an identity literal keeps the operation; other
    literals stay visible to the optimizer."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        ar = opaque(t, a) if _is_identity_literal(a.ref) else a.ref
        br = opaque(t, b) if _is_identity_literal(b.ref) else b.ref
        t.push(Value(a.type, t.b.op(f"{instr} {LLVM_TYPE[a.type]} {ar}, {br}")))
    return lower


def min_max(name: str):
    """llvm.minimum/maximum give Wasm's NaN propagation and signed-zero order but may return a
    signalling NaN operand unchanged; Wasm returns a quiet NaN, which a + b produces."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        ty = LLVM_TYPE[a.type]
        suffix = "f32" if ty == "float" else "f64"
        fn = t.env.intrinsic(f"llvm.{name}.{suffix}", f"declare {ty} @llvm.{name}.{suffix}({ty}, {ty})")
        m = t.b.op(f"call {ty} {fn}({ty} {a.ref}, {ty} {b.ref})")
        nan = t.b.op(f"fcmp uno {ty} {a.ref}, {b.ref}")
        quiet = t.b.op(f"fadd {ty} {a.ref}, {b.ref}")
        t.push(Value(a.type, t.b.op(f"select i1 {nan}, {ty} {quiet}, {ty} {m}")))
    return lower


def compare(instr: str):
    """icmp/fcmp giving an i32 0 or 1."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        c = t.b.op(f"{instr} {LLVM_TYPE[a.type]} {a.ref}, {b.ref}")
        t.push(Value(I32, t.b.op(f"zext i1 {c} to i32")))
    return lower


def eqz(t: FunctionTranslator, op, imm) -> None:
    a = t.pop()
    c = t.b.op(f"icmp eq {LLVM_TYPE[a.type]} {a.ref}, 0")
    t.push(Value(I32, t.b.op(f"zext i1 {c} to i32")))


def intrinsic(name: str, arity: int, extra: str = ""):
    """Call llvm.<name>.<type>; `extra` appends constant arguments (e.g. ctlz's is_zero_poison=false)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        args = t.popn(arity)
        ty = LLVM_TYPE[args[0].type]
        suffix = {"i32": "i32", "i64": "i64", "float": "f32", "double": "f64"}[ty]
        full = f"llvm.{name}.{suffix}"
        params = ", ".join([ty] * arity + (["i1"] if extra else []))
        fn = t.env.intrinsic(full, f"declare {ty} @{full}({params})")
        argtext = ", ".join(f"{ty} {a.ref}" for a in args) + (f", {extra}" if extra else "")
        t.push(Value(args[0].type, t.b.op(f"call {ty} {fn}({argtext})")))
    return lower


def shift(instr: str):
    """Wasm takes the shift count modulo the bit width; LLVM makes an oversized count poison."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        ty = LLVM_TYPE[a.type]
        count = t.b.op(f"and {ty} {b.ref}, {BITS[a.type] - 1}")
        t.push(Value(a.type, t.b.op(f"{instr} {ty} {a.ref}, {count}")))
    return lower


def rotate(name: str):
    """Rotation is a funnel shift of a value with itself; fshl/fshr already take the count modulo width."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        ty = LLVM_TYPE[a.type]
        full = f"llvm.{name}.{ty}"
        fn = t.env.intrinsic(full, f"declare {ty} @{full}({ty}, {ty}, {ty})")
        t.push(Value(a.type, t.b.op(f"call {ty} {fn}({ty} {a.ref}, {ty} {a.ref}, {ty} {b.ref})")))
    return lower


def lower_fneg(t: FunctionTranslator, op, imm) -> None:
    a = t.pop()
    t.push(Value(a.type, t.b.op(f"fneg {LLVM_TYPE[a.type]} {a.ref}")))


# --- division and remainder ---------------------------------------------------------------------------
def _trap_if_zero(t: FunctionTranslator, v: Value) -> None:
    t.trap_if(t.b.op(f"icmp eq {LLVM_TYPE[v.type]} {v.ref}, 0"), TrapKind.INT_DIV_BY_ZERO)


def lower_div_s(t: FunctionTranslator, op, imm) -> None:
    # Wasm traps on a zero divisor and on INT_MIN / -1; both are undefined behaviour for LLVM's sdiv.
    b, a = t.pop(), t.pop()
    ty = LLVM_TYPE[a.type]
    _trap_if_zero(t, b)
    int_min = -(1 << (BITS[a.type] - 1))
    is_min = t.b.op(f"icmp eq {ty} {a.ref}, {int_min}")
    is_neg1 = t.b.op(f"icmp eq {ty} {b.ref}, -1")
    t.trap_if(t.b.op(f"and i1 {is_min}, {is_neg1}"), TrapKind.INT_OVERFLOW)
    t.push(Value(a.type, t.b.op(f"sdiv {ty} {a.ref}, {b.ref}")))


def lower_rem_s(t: FunctionTranslator, op, imm) -> None:
    # INT_MIN % -1 is 0 in Wasm but undefined for srem: divide by 1 instead when the divisor is -1.
    b, a = t.pop(), t.pop()
    ty = LLVM_TYPE[a.type]
    _trap_if_zero(t, b)
    is_neg1 = t.b.op(f"icmp eq {ty} {b.ref}, -1")
    divisor = t.b.op(f"select i1 {is_neg1}, {ty} 1, {ty} {b.ref}")
    t.push(Value(a.type, t.b.op(f"srem {ty} {a.ref}, {divisor}")))


def unsigned_div(instr: str):
    def lower(t: FunctionTranslator, op, imm) -> None:
        b, a = t.pop(), t.pop()
        _trap_if_zero(t, b)
        t.push(Value(a.type, t.b.op(f"{instr} {LLVM_TYPE[a.type]} {a.ref}, {b.ref}")))
    return lower


def _int_rows(p: str) -> dict:
    return {
        f"{p}.eqz": eqz,
        f"{p}.eq": compare("icmp eq"), f"{p}.ne": compare("icmp ne"),
        f"{p}.lt_s": compare("icmp slt"), f"{p}.lt_u": compare("icmp ult"),
        f"{p}.gt_s": compare("icmp sgt"), f"{p}.gt_u": compare("icmp ugt"),
        f"{p}.le_s": compare("icmp sle"), f"{p}.le_u": compare("icmp ule"),
        f"{p}.ge_s": compare("icmp sge"), f"{p}.ge_u": compare("icmp uge"),
        f"{p}.clz": intrinsic("ctlz", 1, "i1 false"),    # false: clz(0) is the bit width, not poison
        f"{p}.ctz": intrinsic("cttz", 1, "i1 false"),
        f"{p}.popcnt": intrinsic("ctpop", 1),
        f"{p}.add": binary("add"), f"{p}.sub": binary("sub"), f"{p}.mul": binary("mul"),
        f"{p}.div_s": lower_div_s, f"{p}.div_u": unsigned_div("udiv"),
        f"{p}.rem_s": lower_rem_s, f"{p}.rem_u": unsigned_div("urem"),
        f"{p}.and": binary("and"), f"{p}.or": binary("or"), f"{p}.xor": binary("xor"),
        f"{p}.shl": shift("shl"), f"{p}.shr_s": shift("ashr"), f"{p}.shr_u": shift("lshr"),
        f"{p}.rotl": rotate("fshl"), f"{p}.rotr": rotate("fshr"),
    }


def _float_rows(p: str) -> dict:
    return {
        # Ordered comparisons are false on NaN; `ne` is the one unordered comparison Wasm defines.
        f"{p}.eq": compare("fcmp oeq"), f"{p}.ne": compare("fcmp une"),
        f"{p}.lt": compare("fcmp olt"), f"{p}.gt": compare("fcmp ogt"),
        f"{p}.le": compare("fcmp ole"), f"{p}.ge": compare("fcmp oge"),
        f"{p}.abs": intrinsic("fabs", 1), f"{p}.neg": lower_fneg,
        f"{p}.ceil": intrinsic("ceil", 1), f"{p}.floor": intrinsic("floor", 1),
        f"{p}.trunc": intrinsic("trunc", 1),
        f"{p}.nearest": intrinsic("roundeven", 1),      # Wasm rounds half to even
        f"{p}.sqrt": intrinsic("sqrt", 1),
        f"{p}.add": float_binary("fadd"), f"{p}.sub": float_binary("fsub"),
        f"{p}.mul": float_binary("fmul"), f"{p}.div": float_binary("fdiv"),
        f"{p}.min": min_max("minimum"), f"{p}.max": min_max("maximum"),
        f"{p}.copysign": intrinsic("copysign", 2),
    }


HANDLERS = {
    "i32.const": lower_i32_const, "i64.const": lower_i64_const,
    "f32.const": lower_f32_const, "f64.const": lower_f64_const,
    **_int_rows("i32"), **_int_rows("i64"), **_float_rows("f32"), **_float_rows("f64"),
}
