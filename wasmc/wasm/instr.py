"""Reading one operator and its immediates from a function body or constant expression.

Immediates are decoded by the kinds listed in the operator's row (opcodes.py): one kind gives a scalar,
several give a tuple, none gives None. Block types are None (empty), a ValType, or a type index (int);
`v128` is 16 raw bytes, `shuffle` a tuple of 16 lane indices, a SIMD lane access (memarg, laneidx).
"""
from __future__ import annotations

from ..errors import UnsupportedError
from .opcodes import ALL_OPS, PLAIN, PREFIXED, UNSUPPORTED_PREFIXES, Op
from .reader import Reader
from .types import ValType

_VALTYPES = {int(t): t for t in ValType}


def read_valtype(r: Reader) -> ValType:
    at = r.pos
    b = r.byte()
    t = _VALTYPES.get(b)
    if t is None:
        raise r.error("malformed value type", at)
    return t


def read_reftype(r: Reader) -> ValType:
    at = r.pos
    b = r.byte()
    if b == 0x70:
        return ValType.FUNCREF
    if b == 0x6F:
        return ValType.EXTERNREF
    raise r.error("malformed reference type", at)


def _blocktype(r: Reader):
    b = r.data[r.pos] if r.pos < r.end else -1
    if b == 0x40:
        r.pos += 1
        return None
    if b in _VALTYPES:
        return read_valtype(r)
    at = r.pos
    idx = r.s33()
    if idx < 0:
        raise r.error("malformed block type", at)
    return idx


def _br_table(r: Reader):
    n = r.u32()
    targets = tuple(r.u32() for _ in range(n))
    return targets, r.u32()


def _memarg(r: Reader):
    # The offset is a u64 since Wasm 3.0 (memory64); validation bounds it by the memory's address type.
    align = r.u32()
    return align, r.u64()


def _zero_byte(r: Reader):
    at = r.pos
    if r.byte() != 0:
        raise r.error("zero byte expected", at)
    return 0


def _v128(r: Reader) -> bytes:
    return r.bytes(16)


def _shuffle(r: Reader):
    return tuple(r.bytes(16))


def _valtypes(r: Reader):
    n = r.u32()
    return tuple(read_valtype(r) for _ in range(n))


IMMEDIATE_READERS = {
    "blocktype": _blocktype,
    "labelidx": Reader.u32, "funcidx": Reader.u32, "typeidx": Reader.u32, "tableidx": Reader.u32,
    "localidx": Reader.u32, "globalidx": Reader.u32, "elemidx": Reader.u32, "dataidx": Reader.u32,
    "br_table": _br_table,
    "memarg": _memarg,
    "memidx": _zero_byte,
    "i32": Reader.s32, "i64": Reader.s64, "f32": Reader.f32_bits, "f64": Reader.f64_bits,
    "reftype": read_reftype,
    "valtypes": _valtypes,
    "v128": _v128,
    "laneidx": Reader.byte,
    "shuffle": _shuffle,
}

# Per operator, by Op.index: None (no immediate), one reader, or a tuple of readers.
_READ: list = []
for _op in ALL_OPS:
    readers = tuple(IMMEDIATE_READERS[k] for k in _op.imm)
    _READ.append(None if not readers else readers[0] if len(readers) == 1 else readers)


def read_op(r: Reader) -> tuple[Op, object]:
    """Read one operator at r.pos; return its row and decoded immediate."""
    at = r.pos
    if at >= r.end:
        raise r.error("unexpected end")
    b = r.data[at]
    r.pos = at + 1
    op = PLAIN[b]
    if op is None:
        if b in PREFIXED:
            sub = r.u32()
            op = PREFIXED[b].get(sub)
            if op is None:
                raise r.error(f"illegal opcode 0x{b:02x} 0x{sub:x}", at)
        elif b in UNSUPPORTED_PREFIXES:
            raise UnsupportedError(UNSUPPORTED_PREFIXES[b], at)
        else:
            raise r.error(f"illegal opcode 0x{b:02x}", at)
    rd = _READ[op.index]
    if rd is None:
        return op, None
    if type(rd) is tuple:
        return op, tuple(f(r) for f in rd)
    return op, rd(r)
