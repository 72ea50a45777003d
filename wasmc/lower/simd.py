"""What the SIMD families (simd_*.py) share: lane shapes, moving v128 operands between the canonical
type (builder.V128) and the shape an operator works on, splats, and the row factories most rows use.
"""
from __future__ import annotations

from .builder import (F32X4, F64X2, I8X16, I16X8, I32, I32X4, I64X2, V128, Value, const_int, const_v128,
                      is_vector, lanes_of, poison, splat_constant, type_suffix, vector)
from .function import FunctionTranslator

SHAPES = {"i8x16": I8X16, "i16x8": I16X8, "i32x4": I32X4, "i64x2": I64X2, "f32x4": F32X4, "f64x2": F64X2}


def shape_of(name: str) -> str:
    """The lane shape an operator's name starts with: "i16x8.add" -> <8 x i16>."""
    return SHAPES[name.split(".", 1)[0]]


def integer_shape(shape: str) -> str:
    """The integer vector with the lanes of `shape`: <4 x float> -> <4 x i32>."""
    count, elem = lanes_of(shape)
    return vector(count, {"float": "i32", "double": "i64"}.get(elem, elem))


def pop_as(t: FunctionTranslator, shape: str) -> Value:
    return t.b.cast("bitcast", t.pop(), shape)


def popn_as(t: FunctionTranslator, n: int, shape: str) -> list[Value]:
    return [t.b.cast("bitcast", v, shape) for v in t.popn(n)]


def push(t: FunctionTranslator, v: Value) -> None:
    """Push a 128-bit vector of any shape as the canonical v128 (a constant stays a constant)."""
    t.push(const_v128(v.const) if v.const is not None else t.b.cast("bitcast", v, V128))


def splat(t: FunctionTranslator, scalar: Value, shape: str) -> Value:
    """Every lane of `shape` set to `scalar` (of the lane type): a constant stays a constant."""
    if scalar.const is not None and not is_vector(scalar.type) and scalar.type.startswith("i"):
        return splat_constant(shape, scalar.const)
    b = t.b
    one = b.insert_element(poison(shape), scalar, const_int(I32, 0))
    return b.shuffle(one, poison(shape), [0] * lanes_of(shape)[0])


def mask_of(t: FunctionTranslator, cond: Value, shape: str) -> Value:
    """A vector of i1 as Wasm's lane mask: all ones where true, zero where false (integer lanes)."""
    return t.b.cast("sext", cond, integer_shape(shape))


def half(t: FunctionTranslator, v: Value, high: bool) -> Value:
    """The low or high half of a vector's lanes, as a vector of half as many."""
    count = lanes_of(v.type)[0] // 2
    first = count if high else 0
    return t.b.shuffle(v, poison(v.type), list(range(first, first + count)))


def even_odd(t: FunctionTranslator, v: Value) -> tuple[Value, Value]:
    """The even-numbered and the odd-numbered lanes of v, each as a vector of half as many."""
    count = lanes_of(v.type)[0]
    return (t.b.shuffle(v, poison(v.type), list(range(0, count, 2))),
            t.b.shuffle(v, poison(v.type), list(range(1, count, 2))))


def concat(t: FunctionTranslator, a: Value, b: Value) -> Value:
    """a's lanes followed by b's, as one vector of twice as many."""
    return t.b.shuffle(a, b, list(range(2 * lanes_of(a.type)[0])))


def widen(shape: str) -> str:
    """The same lane count at twice the lane width: <16 x i8> -> <16 x i16>."""
    count, elem = lanes_of(shape)
    return vector(count, f"i{2 * int(elem[1:])}")


# --- row factories --------------------------------------------------------------------------------------
def binary(instr: str):
    """`a instr b` lane by lane in the operator's shape (add, sub, mul, and, ...)."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        a, b = popn_as(t, 2, shape_of(op.name))
        push(t, t.b.binop(instr, a, b))
    return lower


def intrinsic(name: str, arity: int, *extra: Value):
    """llvm.<name>.<shape> of `arity` operands (and constant `extra` arguments) in the operator's shape."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        args = popn_as(t, arity, shape_of(op.name))
        ty = args[0].type
        push(t, t.b.intrinsic(f"llvm.{name}.{type_suffix(ty)}", ty, args + list(extra)))
    return lower


def compare(instr: str, pred: str):
    """icmp/fcmp lane by lane, each lane all ones (true) or zero."""
    def lower(t: FunctionTranslator, op, imm) -> None:
        shape = shape_of(op.name)
        a, b = popn_as(t, 2, shape)
        c = t.b.icmp(pred, a, b) if instr == "icmp" else t.b.fcmp(pred, a, b)
        push(t, mask_of(t, c, shape))
    return lower

