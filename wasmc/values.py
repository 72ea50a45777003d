"""Wasm values as they cross into Python: raw slot contents (to_bits/from_bits, read_slots/write_slots),
Python numbers (to_python/from_python), FuncRef for function references and small handles for externref
objects.

Raw values are what the spec tests need: i32/f32 as u32 bit patterns, i64/f64 as u64 bit patterns, v128
as a u128 (lane 0 in the low bits; two 8-byte slots, abi.slot_count), references as FuncRef or any
Python object (externref), None for null.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from .abi import slot_count, slot_indices
from .wasm.types import F32, F64, FUNCREF, I32, I64, V128, ValType

MASK = {I32: 0xFFFFFFFF, F32: 0xFFFFFFFF, I64: (1 << 64) - 1, F64: (1 << 64) - 1, V128: (1 << 128) - 1}
_U64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class FuncRef:
    """A non-null funcref value: the address of a wasmc_funcref record."""
    address: int


class _ExternRegistry:
    """Externref handles: host objects get small integer handles (0 is null) that live in wasm."""

    def __init__(self):
        self.objects: list[object] = []
        self.handles: dict[tuple[type, object], int] = {}

    def handle(self, obj) -> int:
        if obj is None:
            return 0
        try:
            key = (type(obj), obj)
            h = self.handles.get(key)
        except TypeError:                        # unhashable: a new handle each time
            key, h = None, None
        if h is None:
            self.objects.append(obj)
            h = len(self.objects)
            if key is not None:
                self.handles[key] = h
        return h

    def object(self, h: int):
        return None if h == 0 else self.objects[h - 1]


_externs = _ExternRegistry()


def to_bits(t: ValType, v) -> int:
    """A raw value -> its bits (a v128's 128, everything else's fit one 64-bit slot). A funcref may also
    be a Func with a record."""
    if t is FUNCREF:
        return 0 if v is None else (v.address if isinstance(v, FuncRef) else v.record_address())
    if t is ValType.EXTERNREF:
        return _externs.handle(v)
    return int(v) & MASK[t]


def from_bits(t: ValType, bits: int):
    """Bits (a slot's content, a v128's two) -> the raw value."""
    if t is FUNCREF:
        return None if bits == 0 else FuncRef(bits)
    if t is ValType.EXTERNREF:
        return _externs.object(bits)
    return bits & MASK[t]


def to_python(t: ValType, bits):
    """A raw value -> a Python int (signed; a v128 unsigned, all 128 bits) or float; references pass
    through."""
    if t is F32:
        return struct.unpack("<f", struct.pack("<I", bits))[0]
    if t is F64:
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if t is I32:
        return bits - (1 << 32) if bits >> 31 else bits
    if t is I64:
        return bits - (1 << 64) if bits >> 63 else bits
    return bits


def from_python(t: ValType, v):
    """A Python number -> the raw value (floats to their bits); ints and references pass through."""
    if t is F32:
        return struct.unpack("<I", struct.pack("<f", v))[0]
    if t is F64:
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    return v


def write_slots(slots, types, values) -> None:
    """Raw `values` of `types` into consecutive 8-byte slots (a uint64_t array), a v128 in two."""
    for t, at, v in zip(types, slot_indices(types), values):
        bits = to_bits(t, v)
        slots[at] = bits & _U64
        if slot_count(t) == 2:
            slots[at + 1] = bits >> 64


def read_slots(slots, types) -> list:
    """The raw values of `types` in consecutive 8-byte slots, as write_slots lays them out."""
    out = []
    for t, at in zip(types, slot_indices(types)):
        bits = slots[at] | (slots[at + 1] << 64 if slot_count(t) == 2 else 0)
        out.append(from_bits(t, bits))
    return out
