"""SIMD constants and lanes: v128.const, shuffle and swizzle, splats, extract_lane and replace_lane."""
from __future__ import annotations

from .builder import I8, I8X16, I16, I32, Value, const_int, const_v128, lanes_of, poison, splat_constant, zero
from .function import FunctionTranslator
from .simd import pop_as, popn_as, push, shape_of, splat


def lower_v128_const(t: FunctionTranslator, op, imm: bytes) -> None:
    t.push(const_v128(int.from_bytes(imm, "little")))


def lower_i8x16_shuffle(t: FunctionTranslator, op, lanes: tuple[int, ...]) -> None:
    # The immediate's 16 lane indices pick from both operands' 32 bytes, exactly shufflevector's mask.
    a, b = popn_as(t, 2, I8X16)
    push(t, t.b.shuffle(a, b, list(lanes)))


def swizzle(t: FunctionTranslator, table: Value, idx: Value) -> Value:
    """Lane k is table[idx[k]], or 0 where idx[k] >= 16 (Wasm's rule; LLVM has no such operation).
    Written as a vector of extracts at variable indices, which the x86 backend turns into one pshufb
    (AArch64's does not match it to tbl yet and extracts lane by lane); lanes whose index is out of
    range were poison and are zeroed."""
    b = t.b
    r = poison(I8X16)
    for k in range(16):
        lane = const_int(I32, k)
        r = b.insert_element(r, b.extract_element(table, b.extract_element(idx, lane)), lane)
    return b.select(b.icmp("ult", idx, splat_constant(I8X16, 16)), r, zero(I8X16))


def lower_i8x16_swizzle(t: FunctionTranslator, op, imm) -> None:
    table, idx = popn_as(t, 2, I8X16)
    push(t, swizzle(t, table, idx))


def _lane_value(t: FunctionTranslator, x: Value, shape: str) -> Value:
    """A scalar operand as a lane of `shape`: i8 and i16 lanes take an i32's low bits."""
    elem = lanes_of(shape)[1]
    if elem not in (I8, I16):
        return x
    if x.const is not None:          # so that a splat of a constant is a constant
        bits = int(elem[1:])
        low = x.const & ((1 << bits) - 1)
        return const_int(elem, low - (1 << bits) if low >> (bits - 1) else low)
    return t.b.cast("trunc", x, elem)


def lower_splat(t: FunctionTranslator, op, imm) -> None:
    shape = shape_of(op.name)
    push(t, splat(t, _lane_value(t, t.pop(), shape), shape))


def extract_lane(extend: str | None = None):
    """extract_lane: the lane as the row's scalar type; i8 and i16 lanes sign- or zero-extended."""
    def lower(t: FunctionTranslator, op, lane: int) -> None:
        v = t.b.extract_element(pop_as(t, shape_of(op.name)), const_int(I32, lane))
        t.push(t.b.cast(extend, v, I32) if extend else v)
    return lower


def lower_replace_lane(t: FunctionTranslator, op, lane: int) -> None:
    shape = shape_of(op.name)
    x = t.pop()
    vec = pop_as(t, shape)
    push(t, t.b.insert_element(vec, _lane_value(t, x, shape), const_int(I32, lane)))


HANDLERS = {
    "v128.const": lower_v128_const,
    "i8x16.shuffle": lower_i8x16_shuffle, "i8x16.swizzle": lower_i8x16_swizzle,
    "i8x16.splat": lower_splat, "i16x8.splat": lower_splat, "i32x4.splat": lower_splat,
    "i64x2.splat": lower_splat, "f32x4.splat": lower_splat, "f64x2.splat": lower_splat,
    "i8x16.extract_lane_s": extract_lane("sext"), "i8x16.extract_lane_u": extract_lane("zext"),
    "i16x8.extract_lane_s": extract_lane("sext"), "i16x8.extract_lane_u": extract_lane("zext"),
    "i32x4.extract_lane": extract_lane(), "i64x2.extract_lane": extract_lane(),
    "f32x4.extract_lane": extract_lane(), "f64x2.extract_lane": extract_lane(),
    "i8x16.replace_lane": lower_replace_lane, "i16x8.replace_lane": lower_replace_lane,
    "i32x4.replace_lane": lower_replace_lane, "i64x2.replace_lane": lower_replace_lane,
    "f32x4.replace_lane": lower_replace_lane, "f64x2.replace_lane": lower_replace_lane,
}
