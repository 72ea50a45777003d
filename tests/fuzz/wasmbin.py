"""Just enough of the Wasm binary format for the fuzzers, written apart from wasmc's decoder so that the
harness does not lean on the code it tests: LEB128, sections, the globals, adding an export, and
building small modules byte by byte (hostile.py)."""
from __future__ import annotations

MAGIC = b"\0asm\x01\0\0\0"
SEC_TYPE, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEM, \
    SEC_CODE, SEC_DATA = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
SEC_DATACOUNT = 12


class Malformed(ValueError):
    pass


# --- LEB128 ------------------------------------------------------------------------------------------------
def uleb(n: int, pad_to: int = 0) -> bytes:
    """Unsigned LEB128, optionally padded with redundant continuation bytes to `pad_to` bytes."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n or len(out) + 1 < pad_to else 0))
        if not n and len(out) >= pad_to:
            return bytes(out)


def sleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        done = (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


def read_uleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise Malformed("unexpected end in LEB128")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def read_sleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise Malformed("unexpected end in LEB128")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (result - (1 << shift) if byte & 0x40 else result), pos


# --- sections ----------------------------------------------------------------------------------------------
def sections(data: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of each section."""
    if data[:8] != MAGIC:
        raise Malformed("not a Wasm 1.0 binary")
    out, pos = [], 8
    while pos < len(data):
        sec_id = data[pos]
        size, pos = read_uleb(data, pos + 1)
        out.append((sec_id, data[pos:pos + size]))
        pos += size
    return out


def section(sec_id: int, payload: bytes) -> bytes:
    return bytes([sec_id]) + uleb(len(payload)) + payload


def vec(items: list[bytes]) -> bytes:
    return uleb(len(items)) + b"".join(items)


def name(text: str) -> bytes:
    raw = text.encode()
    return uleb(len(raw)) + raw


def module(*secs: bytes) -> bytes:
    return MAGIC + b"".join(secs)


def _skip_limits(p: bytes, pos: int) -> int:
    flags = p[pos]
    _, pos = read_uleb(p, pos + 1)
    if flags & 1:
        _, pos = read_uleb(p, pos)
    return pos


def imported_globals(payload: bytes) -> int:
    count, pos = read_uleb(payload, 0)
    n = 0
    for _ in range(count):
        for _ in range(2):                          # module and field names
            length, pos = read_uleb(payload, pos)
            pos += length
        kind = payload[pos]
        pos += 1
        if kind == 0:
            _, pos = read_uleb(payload, pos)
        elif kind == 1:
            pos = _skip_limits(payload, pos + 1)
        elif kind == 2:
            pos = _skip_limits(payload, pos)
        elif kind == 3:
            pos += 2
            n += 1
        else:
            raise Malformed(f"import kind {kind}")
    return n


def _read_const_expr(p: bytes, pos: int) -> tuple[list, int]:
    ops = []
    while True:
        op = p[pos]
        pos += 1
        if op == 0x0B:
            return ops, pos
        if op in (0x41, 0x42):
            value, pos = read_sleb(p, pos)
        elif op == 0x43:
            value, pos = p[pos:pos + 4], pos + 4
        elif op == 0x44:
            value, pos = p[pos:pos + 8], pos + 8
        elif op in (0x23, 0xD2):
            value, pos = read_uleb(p, pos)
        elif op == 0xD0:
            value, pos = p[pos], pos + 1
        elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):   # extended-const arithmetic
            value = None
        else:
            raise Malformed(f"constant expression operator 0x{op:02x}")
        ops.append((op, value))


def defined_globals(payload: bytes) -> list[tuple[int, bool, list]]:
    """(value type byte, mutable, init operators) of each global of a global section."""
    count, pos = read_uleb(payload, 0)
    out = []
    for _ in range(count):
        valtype, mutable = payload[pos], bool(payload[pos + 1])
        init, pos = _read_const_expr(payload, pos + 2)
        out.append((valtype, mutable, init))
    return out


def add_export(data: bytes, export_name: str, kind: int, index: int) -> bytes:
    """`data` with one more export (an export section is made if there is none)."""
    entry = name(export_name) + bytes([kind]) + uleb(index)
    out, added = [], False
    for sec_id, payload in sections(data):
        if sec_id == SEC_EXPORT:
            count, pos = read_uleb(payload, 0)
            payload = uleb(count + 1) + payload[pos:] + entry
            added = True
        elif not added and sec_id != 0 and _order(sec_id) > _order(SEC_EXPORT):
            out.append(section(SEC_EXPORT, vec([entry])))
            added = True
        out.append(section(sec_id, payload))
    if not added:
        out.append(section(SEC_EXPORT, vec([entry])))
    return MAGIC + b"".join(out)


def _order(sec_id: int) -> int:
    """Position in the required section order (the data count section sits before code)."""
    return {SEC_DATACOUNT: SEC_CODE - 0.5}.get(sec_id, sec_id)
