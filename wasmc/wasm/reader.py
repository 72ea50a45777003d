"""Byte reader for the Wasm binary format: LEB128, floats, vectors and names. Errors carry offsets."""
from __future__ import annotations

import struct

from ..errors import DecodeError

_F32 = struct.Struct("<I")
_F64 = struct.Struct("<Q")


class Reader:
    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def error(self, message: str, offset: int | None = None) -> DecodeError:
        return DecodeError(message, self.pos if offset is None else offset)

    def at_end(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise self.error("unexpected end")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def bytes(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise self.error("unexpected end")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def _uleb(self, bits: int) -> int:
        result = shift = 0
        data, pos, end = self.data, self.pos, self.end
        max_bytes = (bits + 6) // 7
        for i in range(max_bytes):
            if pos >= end:
                self.pos = pos
                raise self.error("unexpected end")
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                # The unused high bits of the last byte must be zero.
                if i == max_bytes - 1 and bits - shift < 7 and b >> (bits - shift):
                    self.pos = pos
                    raise self.error("integer too large")
                self.pos = pos
                return result
            shift += 7
        self.pos = pos
        raise self.error("integer representation too long")

    def u32(self) -> int:
        # Fast path: most LEB128 values in code are a single byte.
        pos = self.pos
        if pos < self.end:
            b = self.data[pos]
            if b < 0x80:
                self.pos = pos + 1
                return b
        return self._uleb(32)

    def u64(self) -> int:
        pos = self.pos
        if pos < self.end:
            b = self.data[pos]
            if b < 0x80:
                self.pos = pos + 1
                return b
        return self._uleb(64)

    def _sleb(self, bits: int) -> int:
        result = shift = 0
        data, pos, end = self.data, self.pos, self.end
        max_bytes = (bits + 6) // 7
        for i in range(max_bytes):
            if pos >= end:
                self.pos = pos
                raise self.error("unexpected end")
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if i == max_bytes - 1:
                    # The unused bits of the last byte must all equal the sign bit.
                    used = bits - 7 * i          # value bits carried by this byte
                    if used < 7:
                        rest = b >> (used - 1) & (0x7F >> (used - 1))
                        if rest not in (0, 0x7F >> (used - 1)):
                            self.pos = pos
                            raise self.error("integer too large")
                self.pos = pos
                if b & 0x40:
                    result -= 1 << shift
                return result
        self.pos = pos
        raise self.error("integer representation too long")

    def s32(self) -> int:
        return self._sleb(32)

    def s33(self) -> int:
        return self._sleb(33)

    def s64(self) -> int:
        return self._sleb(64)

    def f32_bits(self) -> int:
        return _F32.unpack(self.bytes(4))[0]

    def f64_bits(self) -> int:
        return _F64.unpack(self.bytes(8))[0]

    def name(self) -> str:
        n = self.u32()
        start = self.pos
        raw = self.bytes(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error("malformed UTF-8 encoding", start) from None
