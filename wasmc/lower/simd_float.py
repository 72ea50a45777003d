"""SIMD float arithmetic and comparison (f32x4, f64x2), as rows keyed by the spec's names.

The NaN rules are the scalar ones (numeric.py), lane by lane: an identity constant operand is hidden so
LLVM cannot fold x*1.0 to x (which would keep a signalling NaN), and min/max give a quiet NaN for a NaN
operand. pmin/pmax are plain selects (a NaN passes through as is).
"""
from __future__ import annotations

from .builder import V128, Value, lanes_of, splat_constant
from .function import FunctionTranslator
from .numeric import IDENTITY_BITS
from .simd import compare, integer_shape, intrinsic, popn_as, push, shape_of

_LANE_BITS = {"float": 32, "double": 64}


def float_operand(t: FunctionTranslator, v: Value, shape: str) -> Value:
    """A v128 operand of float arithmetic in `shape`; a constant with a lane of ±0.0 or ±1.0 is hidden
    from the optimizer, as numeric.float_binary does for scalars, so x*1.0 is not folded to x."""
    if v.const is not None and v.type == V128:
        elem = lanes_of(shape)[1]
        bits = _LANE_BITS[elem]
        if any((v.const >> (k * bits)) & ((1 << bits) - 1) in IDENTITY_BITS[elem] for k in range(128 // bits)):
            v = t.b.opaque(v)
    return t.b.cast("bitcast", v, shape)


def float_binary(instr: str):
    """fadd/fsub/fmul/fdiv lane by lane, identity constants hidden (float_operand)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        shape = shape_of(op.name)
        x, y = (float_operand(t, v, shape) for v in t.popn(2))
        push(t, t.b.binop(instr, x, y))
    return lower


_CANONICAL_NAN = {"float": 0x7FC00000, "double": 0x7FF8000000000000}


def min_max(is_max: bool):
    """Wasm's min/max per lane: NaN if either operand is, and -0 < +0. llvm.minimum has those rules but
    costs a dozen instructions on x86-64; this is five: a < b ? a : b in both orders (x86 minps, which
    gives its second operand for NaN and for equal operands), ORed for min (ANDed for max) so zeros of
    both signs give -0 (+0), then the canonical NaN where an operand is NaN (a quiet NaN, as Wasm wants)."""
    pred = "ogt" if is_max else "olt"

    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        shape = shape_of(op.name)
        ints = integer_shape(shape)
        x, y = popn_as(t, 2, shape)
        one = b.cast("bitcast", b.select(b.fcmp(pred, x, y), x, y), ints)
        other = b.cast("bitcast", b.select(b.fcmp(pred, y, x), y, x), ints)
        both = b.binop("and" if is_max else "or", one, other)
        nan = splat_constant(ints, _CANONICAL_NAN[lanes_of(shape)[1]])
        push(t, b.select(b.fcmp("uno", x, y), nan, both))
    return lower


def pseudo_min_max(is_max: bool):
    """pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a: selects, so NaNs and zeros pass
    through bit for bit (x86 minps/maxps with the operands in this order)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        b = t.b
        x, y = popn_as(t, 2, shape_of(op.name))
        take_y = b.fcmp("olt", x, y) if is_max else b.fcmp("olt", y, x)
        push(t, b.select(take_y, y, x))
    return lower


def lower_fneg(t: FunctionTranslator, op, imm) -> None:
    x, = popn_as(t, 1, shape_of(op.name))
    push(t, t.b.fneg(x))


HANDLERS = {
    # comparison: ordered comparisons are false on NaN; `ne` is the one unordered comparison
    "f32x4.eq": compare("fcmp", "oeq"), "f64x2.eq": compare("fcmp", "oeq"),
    "f32x4.ne": compare("fcmp", "une"), "f64x2.ne": compare("fcmp", "une"),
    "f32x4.lt": compare("fcmp", "olt"), "f64x2.lt": compare("fcmp", "olt"),
    "f32x4.gt": compare("fcmp", "ogt"), "f64x2.gt": compare("fcmp", "ogt"),
    "f32x4.le": compare("fcmp", "ole"), "f64x2.le": compare("fcmp", "ole"),
    "f32x4.ge": compare("fcmp", "oge"), "f64x2.ge": compare("fcmp", "oge"),
    # arithmetic
    "f32x4.abs": intrinsic("fabs", 1), "f64x2.abs": intrinsic("fabs", 1),
    "f32x4.neg": lower_fneg, "f64x2.neg": lower_fneg,
    "f32x4.sqrt": intrinsic("sqrt", 1), "f64x2.sqrt": intrinsic("sqrt", 1),
    "f32x4.ceil": intrinsic("ceil", 1), "f64x2.ceil": intrinsic("ceil", 1),
    "f32x4.floor": intrinsic("floor", 1), "f64x2.floor": intrinsic("floor", 1),
    "f32x4.trunc": intrinsic("trunc", 1), "f64x2.trunc": intrinsic("trunc", 1),
    "f32x4.nearest": intrinsic("roundeven", 1), "f64x2.nearest": intrinsic("roundeven", 1),   # half to even
    "f32x4.add": float_binary("fadd"), "f64x2.add": float_binary("fadd"),
    "f32x4.sub": float_binary("fsub"), "f64x2.sub": float_binary("fsub"),
    "f32x4.mul": float_binary("fmul"), "f64x2.mul": float_binary("fmul"),
    "f32x4.div": float_binary("fdiv"), "f64x2.div": float_binary("fdiv"),
    "f32x4.min": min_max(False), "f64x2.min": min_max(False),
    "f32x4.max": min_max(True), "f64x2.max": min_max(True),
    "f32x4.pmin": pseudo_min_max(False), "f64x2.pmin": pseudo_min_max(False),
    "f32x4.pmax": pseudo_min_max(True), "f64x2.pmax": pseudo_min_max(True),
}
