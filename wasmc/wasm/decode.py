"""Sections -> Module: the whole Wasm 2.0 binary format, and 3.0's 64-bit memories and tables, except the
operators inside function bodies.

Bodies are located and their local declarations expanded; their instructions are read later, one pass per
function, by the translator. Whether indices, types and constant expressions make sense is validate.py's
business: this module only rejects what is malformed (DecodeError) or from a proposal we lack
(UnsupportedError). Messages use the spec test suite's words.
"""
from __future__ import annotations

import gc

from ..errors import DecodeError, UnsupportedError
from .features import WASM3, Features
from .instr import read_op, read_reftype, read_valtype
from .module import ConstExpr, DataSegment, ElemSegment, Export, FuncBody, Global, Import, Module
from .names import parse_name_section
from .opcodes import BY_NAME
from .reader import Reader
from .types import FUNCREF, ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType

MAGIC = b"\0asm"
VERSION = b"\x01\0\0\0"

# Declared locals per function, as wasmparser (wasmtime) and V8 limit them; the spec only demands < 2**32,
# and expanding billions of locals would exhaust memory before any validator could object.
MAX_LOCALS = 50_000

CUSTOM_SECTION = 0
# Position of each non-custom section id in the required order; data count (12) sits before code (10).
_SECTION_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12}
_CODE, _DATA = 10, 11

_END = BY_NAME["end"]
_I32_CONST, _END_BYTE = 0x41, 0x0B


class _SectionReader(Reader):
    """A reader bounded by one section: running out inside it is the section's fault, not the file's."""

    __slots__ = ()

    def error(self, message: str, offset: int | None = None) -> DecodeError:
        if message == "unexpected end":
            message = "unexpected end of section or function"
        return super().error(message, offset)

    def name(self) -> str:
        # A name longer than what is left of its section: the spec calls this "length out of bounds".
        at = self.pos
        n = self.u32()
        if n > self.end - self.pos:
            raise self.error("length out of bounds", at)
        self.pos = at
        return super().name()


def decode_module(data: bytes, features: Features = WASM3) -> Module:
    """Parse a complete binary module into a Module with its index spaces built, by the binary format of
    `features` (3.0 unless told 2.0: the two read limits differently).

    Raises DecodeError where the binary is malformed, UnsupportedError for features we lack (threads,
    and memory64 at 2.0). Function bodies are only located: their operators are checked by the translator.
    """
    # A Go binary makes 10^5 small acyclic objects here (segments, expressions); cycle collections during
    # that find nothing and cost a third of the decode time, so the collector pauses.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _decode(data, features)
    finally:
        if gc_was_enabled:
            gc.enable()


def _decode(data: bytes, features: Features) -> Module:
    if not isinstance(data, bytes):
        data = bytes(data)
    size = len(data)
    if size < 4:
        raise DecodeError("unexpected end", size)
    if data[:4] != MAGIC:
        raise DecodeError("magic header not detected", 0)
    if size < 8:
        raise DecodeError("unexpected end", size)
    if data[4:8] != VERSION:
        raise DecodeError("unknown binary version", 4)

    m = Module(data=data)
    m.features = features
    r = Reader(data, 8)
    last_order = 0
    seen: set[int] = set()
    while not r.at_end():
        id_at = r.pos
        section_id = r.byte()
        if section_id != CUSTOM_SECTION and section_id not in _SECTION_ORDER:
            raise DecodeError("malformed section id", id_at)
        size_at = r.pos
        section_size = r.u32()
        start = r.pos
        end = start + section_size
        if end > size:
            raise DecodeError("length out of bounds", size_at)
        sr = _SectionReader(data, start, end)
        if section_id == CUSTOM_SECTION:
            _custom_section(m, sr)
        else:
            order = _SECTION_ORDER[section_id]
            # The spec's grammar reads sections in one fixed order, so a repeated or misplaced one is
            # content its parser never reaches.
            if order <= last_order:
                raise DecodeError("unexpected content after last section", id_at)
            last_order = order
            seen.add(section_id)
            _SECTION_READERS[section_id](m, sr)
            if sr.pos != end:
                raise DecodeError("section size mismatch", sr.pos)
        r.pos = end

    if _CODE not in seen and m.funcs:
        raise DecodeError("function and code section have inconsistent lengths", size)
    if _DATA not in seen and m.data_count:
        raise DecodeError("data count and data section have inconsistent lengths", size)
    return m.finish()


# --- custom ---------------------------------------------------------------------------------------------

def _custom_section(m: Module, r: _SectionReader) -> None:
    # The section's name must be well-formed; its payload is never validated (spec 5.5.3).
    name = r.name()
    if name == "name":
        m.func_names.update(parse_name_section(r.data, r.pos, r.end))
    r.pos = r.end


# --- shared pieces --------------------------------------------------------------------------------------

def _limits(r: Reader, memory: bool, features: Features) -> tuple[Limits, bool]:
    """Limits and whether they are 64-bit. Flags: bit 0 a maximum follows, bit 1 shared (threads),
    bit 2 the i64 address type (memory64, table64). At 3.0 the bounds are u64 for every address type
    (validation bounds them), at 2.0 u32."""
    at = r.pos
    flags = r.byte()
    if flags & ~0x07 or flags & 0x02 and (not memory or not flags & 0x01):
        # The 2.0 reference parser reads the flag as a one-bit LEB128 number; use its words.
        if flags & 0x80:
            raise r.error("integer representation too long", at)
        raise r.error("integer too large", at)
    if flags & 0x02:
        raise UnsupportedError("threads (shared memory)", at)    # shared needs a maximum: 3 or 7
    is64 = bool(flags & 0x04)
    if is64 and not features.memory64:
        raise UnsupportedError("memory64", at)
    read = r.u64 if features.memory64 else r.u32
    minimum = read()
    return Limits(minimum, read() if flags & 0x01 else None), is64


def _table_type(r: Reader, features: Features) -> TableType:
    elem = read_reftype(r)
    limits, is64 = _limits(r, False, features)
    return TableType(elem, limits, is64)


def _memory_type(r: Reader, features: Features) -> MemoryType:
    limits, is64 = _limits(r, True, features)
    return MemoryType(limits, is64)


def _global_type(r: Reader) -> GlobalType:
    t = read_valtype(r)
    at = r.pos
    mut = r.byte()
    if mut > 1:
        raise r.error("malformed mutability", at)
    return GlobalType(t, mut == 1)


def _const_expr(r: Reader) -> ConstExpr:
    """Operators up to the terminating `end`, unchecked: validate.py decides which are constant."""
    data, start, end = r.data, r.pos, r.end
    # Fast path for `i32.const N end`, the offset of nearly every segment (a Go binary has 100k+), with N
    # in at most 4 LEB128 bytes so no overflow check is needed. Anything else takes the general loop.
    if start < end and data[start] == _I32_CONST:
        value = shift = 0
        pos = start + 1
        while shift < 28 and pos < end:
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                if pos < end and data[pos] == _END_BYTE:
                    r.pos = pos + 1
                    return (("i32.const", value - (1 << shift) if b & 0x40 else value),)
                break
    ops = []
    while True:
        op, imm = read_op(r)
        if op is _END:
            return tuple(ops)
        ops.append((op.name, imm))


def _func_indices(r: Reader) -> list[ConstExpr]:
    return [(("ref.func", r.u32()),) for _ in range(r.u32())]


def _exprs(r: Reader) -> list[ConstExpr]:
    return [_const_expr(r) for _ in range(r.u32())]


def _elem_kind(r: Reader) -> None:
    at = r.pos
    if r.byte() != 0x00:
        raise r.error("malformed element kind", at)


# --- sections 1..12 -------------------------------------------------------------------------------------

def _type_section(m: Module, r: Reader) -> None:
    for _ in range(r.u32()):
        at = r.pos
        form = r.byte()
        if form != 0x60:
            # The form is a one-byte signed LEB128 number (-0x20); a longer encoding is not allowed.
            raise r.error("integer representation too long" if form & 0x80 else "malformed function type", at)
        params = tuple(read_valtype(r) for _ in range(r.u32()))
        results = tuple(read_valtype(r) for _ in range(r.u32()))
        m.types.append(FuncType(params, results))


def _import_section(m: Module, r: Reader) -> None:
    for _ in range(r.u32()):
        module = r.name()
        name = r.name()
        at = r.pos
        kind = r.byte()
        if kind == ExternKind.FUNC:
            desc = r.u32()
        elif kind == ExternKind.TABLE:
            desc = _table_type(r, m.features)
        elif kind == ExternKind.MEMORY:
            desc = _memory_type(r, m.features)
        elif kind == ExternKind.GLOBAL:
            desc = _global_type(r)
        else:
            raise r.error("malformed import kind", at)
        m.imports.append(Import(module, name, ExternKind(kind), desc))


def _function_section(m: Module, r: Reader) -> None:
    m.funcs = [r.u32() for _ in range(r.u32())]


def _table_section(m: Module, r: Reader) -> None:
    m.tables = [_table_type(r, m.features) for _ in range(r.u32())]


def _memory_section(m: Module, r: Reader) -> None:
    m.memories = [_memory_type(r, m.features) for _ in range(r.u32())]


def _global_section(m: Module, r: Reader) -> None:
    for _ in range(r.u32()):
        gt = _global_type(r)
        start = r.pos
        m.globals.append(Global(gt, _const_expr(r), (start, r.pos)))


def _export_section(m: Module, r: Reader) -> None:
    for _ in range(r.u32()):
        name = r.name()
        at = r.pos
        kind = r.byte()
        if kind > ExternKind.GLOBAL:
            raise r.error("malformed export kind", at)
        m.exports.append(Export(name, ExternKind(kind), r.u32()))


def _start_section(m: Module, r: Reader) -> None:
    m.start = r.u32()


def _element_section(m: Module, r: Reader) -> None:
    for _ in range(r.u32()):
        at = r.pos
        flags = r.u32()
        if flags > 7:
            raise r.error("malformed elements segment kind", at)
        # Bit 0: passive or declarative; bit 1: explicit table index (active) or declarative;
        # bit 2: items are expressions rather than function indices.
        table_idx, offset, offset_span = 0, None, None
        if flags & 1:
            mode = "declarative" if flags & 2 else "passive"
        else:
            mode = "active"
            if flags & 2:
                table_idx = r.u32()
            start = r.pos
            offset = _const_expr(r)
            offset_span = (start, r.pos)
        if flags & 4:
            # Flags 4 carries no type byte: funcref is implied.
            elem_type = read_reftype(r) if flags != 4 else FUNCREF
            start = r.pos
            items = _exprs(r)
        else:
            if flags != 0:
                _elem_kind(r)
            elem_type = FUNCREF
            start = r.pos
            items = _func_indices(r)
        m.elems.append(ElemSegment(mode, elem_type, items, table_idx, offset, offset_span, (start, r.pos),
                                   not flags & 4))


def _data_count_section(m: Module, r: Reader) -> None:
    m.data_count = r.u32()


def _code_section(m: Module, r: Reader) -> None:
    at = r.pos
    count = r.u32()
    if count != len(m.funcs):
        raise r.error("function and code section have inconsistent lengths", at)
    section_end = r.end
    code = m.code
    for _ in range(count):
        size_at = r.pos
        size = r.u32()
        end = r.pos + size
        if end > section_end:
            raise r.error("length out of bounds", size_at)
        # Bound the reader to this body so local declarations cannot run into the next one.
        r.end = end
        code.append(FuncBody(_locals(r), r.pos, end))
        r.end = section_end
        r.pos = end


def _locals(r: Reader) -> tuple:
    decls = []
    total = 0
    for _ in range(r.u32()):
        at = r.pos
        n = r.u32()
        total += n
        # Check the running sum before expanding anything: each count is a u32, so it can pass 2**32.
        if total > MAX_LOCALS:
            raise r.error("too many locals", at)
        decls.append((n, read_valtype(r)))
    expanded = []
    for n, t in decls:
        expanded += [t] * n
    return tuple(expanded)


def _data_section(m: Module, r: Reader) -> None:
    at = r.pos
    count = r.u32()
    if m.data_count is not None and count != m.data_count:
        raise r.error("data count and data section have inconsistent lengths", at)
    datas = m.datas
    for _ in range(count):
        at = r.pos
        flags = r.u32()
        mem_idx, offset, offset_span = 0, None, None
        if flags == 1:
            mode = "passive"
        elif flags == 0 or flags == 2:
            if flags == 2:
                mem_idx = r.u32()
            start = r.pos
            mode, offset = "active", _const_expr(r)
            offset_span = (start, r.pos)
        else:
            raise r.error("malformed data segment kind", at)
        datas.append(DataSegment(mode, r.bytes(r.u32()), mem_idx, offset, offset_span))


_SECTION_READERS = {
    1: _type_section, 2: _import_section, 3: _function_section, 4: _table_section, 5: _memory_section,
    6: _global_section, 7: _export_section, 8: _start_section, 9: _element_section,
    10: _code_section, 11: _data_section, 12: _data_count_section,
}
