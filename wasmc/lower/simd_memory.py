"""SIMD memory access: v128 loads and stores, extending loads, splat and zero-filling loads, lane loads and
lane stores. Every access is made by memory.load_at and store_at, so a SIMD access traps exactly as a
scalar one of the same size does; like scalar accesses they are emitted with align 1 (Wasm's alignment is a hint).
"""
from __future__ import annotations

from .builder import I8, I16, I32, I64, V128, Value, const_int, vector, zero
from .function import FunctionTranslator
from .memory import load_at, store_at
from .simd import pop_as, splat

_BYTES = {I8: 1, I16: 2, I32: 4, I64: 8}


def _load(t: FunctionTranslator, ty: str, memarg, size: int) -> Value:
    """Load `ty` (`size` bytes) at the popped address (memory.load_at)."""
    return load_at(t, ty, t.pop(), memarg[1], size)


def _push_loaded(t: FunctionTranslator, v: Value) -> None:
    t.push(t.b.cast("bitcast", v, V128))


def lower_v128_load(t: FunctionTranslator, op, memarg) -> None:
    _push_loaded(t, _load(t, V128, memarg, 16))


def lower_v128_store(t: FunctionTranslator, op, memarg) -> None:
    value = t.pop()
    store_at(t, value, t.pop(), memarg[1], 16)


def extending_load(lanes: int, elem: str, extend: str):
    """v128.loadMxN_s/u: N lanes of M bits (8 bytes), each sign- or zero-extended to twice its width."""
    def lower(t: FunctionTranslator, op, memarg) -> None:
        v = _load(t, vector(lanes, elem), memarg, 8)
        _push_loaded(t, t.b.cast(extend, v, vector(lanes, f"i{2 * int(elem[1:])}")))
    return lower


def splat_load(elem: str):
    """v128.loadN_splat: one N-bit value in every lane."""
    shape = vector(128 // (8 * _BYTES[elem]), elem)

    def lower(t: FunctionTranslator, op, memarg) -> None:
        v = _load(t, elem, memarg, _BYTES[elem])
        _push_loaded(t, splat(t, v, shape))
    return lower


def zero_load(elem: str):
    """v128.loadN_zero: one N-bit value in lane 0, the other lanes zero."""
    shape = vector(128 // (8 * _BYTES[elem]), elem)

    def lower(t: FunctionTranslator, op, memarg) -> None:
        v = _load(t, elem, memarg, _BYTES[elem])
        _push_loaded(t, t.b.insert_element(zero(shape), v, const_int(I32, 0)))
    return lower


def lane_load(elem: str):
    """v128.loadN_lane: one N-bit value into lane `laneidx` of the vector operand."""
    shape = vector(128 // (8 * _BYTES[elem]), elem)

    def lower(t: FunctionTranslator, op, imm) -> None:
        memarg, lane = imm
        vec = pop_as(t, shape)
        v = _load(t, elem, memarg, _BYTES[elem])
        _push_loaded(t, t.b.insert_element(vec, v, const_int(I32, lane)))
    return lower


def lane_store(elem: str):
    """v128.storeN_lane: lane `laneidx` of the vector operand, stored as N bits."""
    shape = vector(128 // (8 * _BYTES[elem]), elem)

    def lower(t: FunctionTranslator, op, imm) -> None:
        memarg, lane = imm
        v = t.b.extract_element(pop_as(t, shape), const_int(I32, lane))
        store_at(t, v, t.pop(), memarg[1], _BYTES[elem])
    return lower


HANDLERS = {
    "v128.load": lower_v128_load, "v128.store": lower_v128_store,
    "v128.load8x8_s": extending_load(8, I8, "sext"), "v128.load8x8_u": extending_load(8, I8, "zext"),
    "v128.load16x4_s": extending_load(4, I16, "sext"), "v128.load16x4_u": extending_load(4, I16, "zext"),
    "v128.load32x2_s": extending_load(2, I32, "sext"), "v128.load32x2_u": extending_load(2, I32, "zext"),
    "v128.load8_splat": splat_load(I8), "v128.load16_splat": splat_load(I16),
    "v128.load32_splat": splat_load(I32), "v128.load64_splat": splat_load(I64),
    "v128.load32_zero": zero_load(I32), "v128.load64_zero": zero_load(I64),
    "v128.load8_lane": lane_load(I8), "v128.load16_lane": lane_load(I16),
    "v128.load32_lane": lane_load(I32), "v128.load64_lane": lane_load(I64),
    "v128.store8_lane": lane_store(I8), "v128.store16_lane": lane_store(I16),
    "v128.store32_lane": lane_store(I32), "v128.store64_lane": lane_store(I64),
}
