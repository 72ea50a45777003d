"""decode_module: sections into the Module model, and every malformed-binary rule decode owns."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from wasmc.errors import DecodeError, UnsupportedError
from wasmc.wasm.decode import MAX_LOCALS, decode_module
from wasmc.wasm.features import WASM2, WASM3
from wasmc.wasm.instr import read_op
from wasmc.wasm.reader import Reader
from wasmc.wasm.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, ExternKind, FuncType, GlobalType,
                              Limits, MemoryType, TableType)

HEADER = b"\0asm\x01\0\0\0"


# --- assembling modules by hand -------------------------------------------------------------------------

def uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items) -> bytes:
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def name(s: str | bytes) -> bytes:
    raw = s.encode() if isinstance(s, str) else s
    return uleb(len(raw)) + raw


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + uleb(len(payload)) + payload


def module(*sections: bytes) -> bytes:
    return HEADER + b"".join(sections)


TYPE_VOID = section(1, vec([b"\x60\x00\x00"]))          # one type: [] -> []
ONE_FUNC = section(3, vec([b"\x00"]))                    # one function of type 0
EMPTY_BODY = section(10, vec([b"\x02\x00\x0b"]))        # one body: no locals, `end`


def malformed(data: bytes, message: str) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode_module(data)
    assert info.value.message == message, info.value.message
    return info.value


# --- from text, with wabt ---------------------------------------------------------------------------------

def _wat2wasm() -> str | None:
    beside = os.path.join(os.path.dirname(sys.executable), "wat2wasm")
    return beside if os.path.exists(beside) else shutil.which("wat2wasm")


def wat(text: str, tmp_path) -> bytes:
    tool = _wat2wasm()
    if tool is None:
        pytest.skip("wat2wasm not installed")
    src, out = tmp_path / "m.wat", tmp_path / "m.wasm"
    src.write_text(text)
    subprocess.run([tool, "--debug-names", str(src), "-o", str(out)], check=True)
    return out.read_bytes()


def test_full_module_from_text(tmp_path):
    data = wat("""
      (module
        (type $t (func (param i32 i64) (result f32)))
        (import "env" "f" (func $imp (type $t)))
        (import "env" "tab" (table 1 10 externref))
        (import "env" "mem" (memory 1))
        (import "env" "g" (global $g (mut f64)))
        (import "env" "gi" (global $g_i i32))
        (table $tt 2 funcref)
        (memory 1 2)
        (global $h i64 (i64.const -7))
        (global $k i32 (global.get $g_i))
        (func $main (export "main") (param i32 i64) (result f32)
          (local i32 i32) (local f64)
          f32.const 1)
        (func $other)
        (start $other)
        (elem (table $tt) (i32.const 1) func $main $other)
        (data (i32.const 16) "hi")
        (data "passive")
        (export "mem" (memory 0)))
    """, tmp_path)
    m = decode_module(data)
    assert m.data == data
    assert m.types[0] == FuncType((I32, I64), (F32,))
    assert [(i.module, i.name, i.kind) for i in m.imports] == [
        ("env", "f", ExternKind.FUNC), ("env", "tab", ExternKind.TABLE), ("env", "mem", ExternKind.MEMORY),
        ("env", "g", ExternKind.GLOBAL), ("env", "gi", ExternKind.GLOBAL)]
    assert m.imports[0].desc == 0
    assert m.imports[1].desc == TableType(EXTERNREF, Limits(1, 10))
    assert m.imports[2].desc == MemoryType(Limits(1, None))
    assert m.imports[3].desc == GlobalType(F64, True)
    assert m.tables == [TableType(FUNCREF, Limits(2, None))]
    assert m.memories == [MemoryType(Limits(1, 2))]
    assert m.globals[0].type == GlobalType(I64, False)
    assert m.globals[0].init == (("i64.const", -7),)
    assert m.globals[1].init == (("global.get", 1),)
    assert [(e.name, e.kind, e.index) for e in m.exports] == [("main", ExternKind.FUNC, 1),
                                                            ("mem", ExternKind.MEMORY, 0)]
    assert m.start == 2
    (elem,) = m.elems
    assert (elem.mode, elem.table_idx, elem.offset) == ("active", 1, (("i32.const", 1),))
    assert elem.items == [(("ref.func", 1),), (("ref.func", 2),)]
    assert [(d.mode, d.data, d.offset) for d in m.datas] == [
        ("active", b"hi", (("i32.const", 16),)), ("passive", b"passive", None)]

    main, other = m.code
    assert main.locals == (I32, I32, F64)
    assert data[main.start:main.end] == b"\x43\x00\x00\x80\x3f\x0b"   # f32.const 1; end
    assert data[other.start:other.end] == b"\x0b"

    # finish() ran: index spaces count imports first.
    assert m.num_imported_funcs == 1 and m.func_type_idx == [0, 0, 1]
    assert len(m.table_types) == 2 and len(m.memory_types) == 2 and len(m.global_types) == 4
    assert m.func_names == {0: "imp", 1: "main", 2: "other"}


# --- header -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, message, offset", [
    (b"", "unexpected end", 0),
    (b"\0as", "unexpected end", 3),
    (b"asm\0", "magic header not detected", 0),
    (b"\xef\xbb\xbf\0asm\x01\0\0\0", "magic header not detected", 0),
    (b"\0asm", "unexpected end", 4),
    (b"\0asm\x01\0\0", "unexpected end", 7),
    (b"\0asm\x02\0\0\0", "unknown binary version", 4),
    (b"\0asm\x0d\0\x01\0", "unknown binary version", 4),     # a component, not a core module
])
def test_header(data, message, offset):
    assert malformed(data, message).offset == offset


def test_empty_module():
    m = decode_module(HEADER)
    assert m.types == [] and m.code == [] and m.start is None and m.data_count is None


def test_accepts_bytearray():
    assert decode_module(bytearray(HEADER)).data == HEADER


# --- sections ---------------------------------------------------------------------------------------------

def test_malformed_section_id():
    assert malformed(module(b"\x0d\x00"), "malformed section id").offset == 8
    malformed(module(b"\x80\x01\x00"), "malformed section id")


def test_section_past_end_of_file():
    malformed(module(b"\x01\x05\x00"), "length out of bounds")
    malformed(module(b"\x01"), "unexpected end")


def test_section_size_mismatch():
    # One type declared, two given.
    err = malformed(module(section(1, b"\x01" + b"\x60\x00\x00" * 2)), "section size mismatch")
    assert err.offset == 8 + 2 + 4
    # Two types declared, one given: the section runs out.
    malformed(module(section(1, b"\x02\x60\x00\x00")), "unexpected end of section or function")


@pytest.mark.parametrize("ids", [(1, 1), (3, 1), (10, 12), (11, 10), (8, 8)])
def test_section_order(ids):
    bodies = {1: b"\x00", 3: b"\x00", 8: b"\x00", 10: b"\x00", 11: b"\x00", 12: b"\x00"}
    data = module(*(section(i, bodies[i]) for i in ids))
    malformed(data, "unexpected content after last section")


def test_data_count_sits_before_code_and_custom_sections_go_anywhere():
    custom = section(0, name("x") + b"anything")
    data = module(custom, TYPE_VOID, custom, ONE_FUNC, section(12, b"\x01"), custom, EMPTY_BODY, custom,
                  section(11, vec([b"\x01" + name(b"ab")])), custom)
    m = decode_module(data)
    assert m.data_count == 1 and m.datas[0].data == b"ab"


def test_custom_section_name_must_be_well_formed():
    malformed(module(b"\x00\x00"), "unexpected end of section or function")
    malformed(module(section(0, name(b"\xff"))), "malformed UTF-8 encoding")
    malformed(module(section(0, b"\x05ab")), "length out of bounds")
    # A custom section may not claim bytes past the end of the file.
    malformed(module(b"\x00\x26\x10" + b"a custom section" + b"this is the payload"), "length out of bounds")


# --- types, imports, exports ------------------------------------------------------------------------------

def test_function_type_form():
    malformed(module(section(1, b"\x01\x61\x00\x00")), "malformed function type")
    malformed(module(section(1, b"\x01\xe0\x7f\x00\x00")), "integer representation too long")
    malformed(module(section(1, b"\x01\x60\x01\x00\x00")), "malformed value type")


def test_v128_is_a_value_type():
    m = decode_module(module(section(1, b"\x01\x60\x01\x7b\x01\x7b"), section(3, b"\x01\x00"),
                             section(6, b"\x01\x7b\x00\xfd\x0c" + bytes(range(16)) + b"\x0b"),
                             section(10, vec([b"\x04\x01\x01\x7b\x0b"]))))
    assert m.types == [FuncType((V128,), (V128,))]
    assert m.globals[0].type == GlobalType(V128, False)
    assert m.globals[0].init == (("v128.const", bytes(range(16))),)
    assert m.code[0].locals == (V128,)


def test_simd_immediates():
    # v128.load8_lane align=0 offset=3 lane 5; i8x16.shuffle; i8x16.extract_lane_u 7; 0xFD sub-opcode
    # 0x0C (v128.const) in a two-byte LEB128.
    code = (b"\xfd\x54\x00\x03\x05" + b"\xfd\x0d" + bytes(range(31, 15, -1)) + b"\xfd\x16\x07"
            + b"\xfd\x8c\x00" + bytes(16))
    r = Reader(code)
    assert [(op.name, imm) for op, imm in (read_op(r) for _ in range(4))] == [
        ("v128.load8_lane", ((0, 3), 5)),
        ("i8x16.shuffle", tuple(range(31, 15, -1))),
        ("i8x16.extract_lane_u", 7),
        ("v128.const", bytes(16)),
    ]
    with pytest.raises(DecodeError, match="illegal opcode 0xfd 0x9a"):
        read_op(Reader(b"\xfd\x9a\x01"))
    with pytest.raises(DecodeError, match="unexpected end"):
        read_op(Reader(b"\xfd\x0c" + bytes(15)))


@pytest.mark.parametrize("kind", [b"\x04", b"\x05", b"\x80"])
def test_malformed_import_kind(kind):
    malformed(module(section(2, b"\x01" + name("") + name("") + kind + b"\x00")), "malformed import kind")


def test_malformed_mutability():
    malformed(module(section(2, b"\x01" + name("m") + name("g") + b"\x03\x7f\x02")), "malformed mutability")
    malformed(module(section(6, b"\x01\x7f\x02\x41\x00\x0b")), "malformed mutability")


def test_malformed_export_kind():
    malformed(module(section(7, b"\x01" + name("e") + b"\x04\x00")), "malformed export kind")


def test_import_name_utf8():
    malformed(module(section(2, b"\x01" + name(b"\xed\xa0\x80") + name("f") + b"\x00\x00")),
              "malformed UTF-8 encoding")


def test_name_longer_than_section():
    malformed(module(section(7, b"\x01\x0a" + b"ab")), "length out of bounds")


# --- limits -----------------------------------------------------------------------------------------------

def test_limits():
    m = decode_module(module(section(4, vec([b"\x70\x00\x05", b"\x6f\x01\x00\x80\x01"])),
                             section(5, vec([b"\x01\x01\x80\x80\x04"]))))
    assert m.tables == [TableType(FUNCREF, Limits(5, None)), TableType(EXTERNREF, Limits(0, 128))]
    assert m.memories == [MemoryType(Limits(1, 65536))]


@pytest.mark.parametrize("payload, message", [
    (b"\x01\x02", "integer too large"),
    (b"\x01\x81\x00", "integer representation too long"),
    (b"\x01\x00" + b"\x80" * 9 + b"\x10", "integer too large"),       # min >= 2**64
])
def test_malformed_memory_limits(payload, message):
    malformed(module(section(5, payload)), message)


def test_limits_are_u64_at_3_0_and_u32_at_2_0():
    # Wasm 3.0 reads every memory's limits as u64 (validation bounds a 32-bit memory to 65536 pages).
    data = module(section(5, b"\x01\x00\x80\x80\x80\x80\x10"))        # min 2**32
    assert decode_module(data).memories == [MemoryType(Limits(1 << 32, None))]
    with pytest.raises(DecodeError, match="integer too large"):
        decode_module(data, WASM2)


def test_64_bit_memory_and_table():
    m = decode_module(module(section(4, vec([b"\x70\x04\x02", b"\x70\x05\x00\x80\x80\x80\x80\x20"])),
                             section(5, vec([b"\x05\x01\x80\x80\x80\x80\x80\x80\x40"]))))
    assert m.tables == [TableType(FUNCREF, Limits(2, None), is64=True),
                        TableType(FUNCREF, Limits(0, 1 << 33), is64=True)]
    assert m.memories == [MemoryType(Limits(1, 1 << 48), is64=True)]
    assert m.memories[0].addr is I64 and m.tables[0].addr is I64


def test_malformed_table():
    malformed(module(section(4, b"\x01\x70\x02")), "integer too large")
    malformed(module(section(4, b"\x01\x7f\x00\x00")), "malformed reference type")


@pytest.mark.parametrize("flags, feature, features", [
    (b"\x03", "threads", WASM3), (b"\x07", "threads", WASM3),
    (b"\x04", "memory64", WASM2), (b"\x05", "memory64", WASM2)])
def test_unsupported_memory_flags(flags, feature, features):
    with pytest.raises(UnsupportedError) as info:
        decode_module(module(section(5, b"\x01" + flags + b"\x01\x02")), features)
    assert info.value.feature.startswith(feature)


def test_multiple_memories_decode():
    assert len(decode_module(module(section(5, vec([b"\x00\x01", b"\x00\x02"])))).memories) == 2


# --- constant expressions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 1, -1, 63, 64, -64, -65, 2**27 - 1, -2**27, 2**28, 2**31 - 1, -2**31])
def test_i32_const_init(value):
    m = decode_module(module(section(6, b"\x01\x7f\x00\x41" + sleb(value) + b"\x0b")))
    assert m.globals[0].init == (("i32.const", value),)


def test_const_expr_general():
    expr = b"\x23\x00\x41\x02\x6a\x0b"                 # global.get 0; i32.const 2; i32.add; end
    m = decode_module(module(section(6, b"\x01\x7f\x00" + expr)))
    assert m.globals[0].init == (("global.get", 0), ("i32.const", 2), ("i32.add", None))
    m = decode_module(module(section(6, b"\x01\x6f\x00\xd0\x6f\x0b")))
    assert m.globals[0].init == (("ref.null", EXTERNREF),)


def test_const_expr_errors():
    malformed(module(section(6, b"\x01\x7f\x00\x41\x00")), "unexpected end of section or function")
    malformed(module(section(6, b"\x01\x7f\x00\x41\x80\x80\x80\x80\x10\x0b")), "integer too large")
    malformed(module(section(6, b"\x01\x7f\x00\xf3\x0b")), "illegal opcode 0xf3")


# --- element segments: all eight encodings ----------------------------------------------------------------

OFFSET = b"\x41\x03\x0b"
REFS = [(("ref.func", 0),), (("ref.func", 1),)]


@pytest.mark.parametrize("payload, mode, table_idx, elem_type, offset, items", [
    (b"\x00" + OFFSET + b"\x02\x00\x01", "active", 0, FUNCREF, (("i32.const", 3),), REFS),
    (b"\x01\x00\x02\x00\x01", "passive", 0, FUNCREF, None, REFS),
    (b"\x02\x01" + OFFSET + b"\x00\x02\x00\x01", "active", 1, FUNCREF, (("i32.const", 3),), REFS),
    (b"\x03\x00\x02\x00\x01", "declarative", 0, FUNCREF, None, REFS),
    (b"\x04" + OFFSET + b"\x02\xd2\x00\x0b\xd2\x01\x0b", "active", 0, FUNCREF, (("i32.const", 3),), REFS),
    (b"\x05\x6f\x01\xd0\x6f\x0b", "passive", 0, EXTERNREF, None, [(("ref.null", EXTERNREF),)]),
    (b"\x06\x02" + OFFSET + b"\x70\x02\xd2\x00\x0b\xd2\x01\x0b", "active", 2, FUNCREF,
     (("i32.const", 3),), REFS),
    (b"\x07\x70\x01\xd0\x70\x0b", "declarative", 0, FUNCREF, None, [(("ref.null", FUNCREF),)]),
])
def test_elem_encodings(payload, mode, table_idx, elem_type, offset, items):
    (seg,) = decode_module(module(section(9, b"\x01" + payload))).elems
    assert (seg.mode, seg.table_idx, seg.elem_type, seg.offset, seg.items) == (
        mode, table_idx, elem_type, offset, items)


@pytest.mark.parametrize("payload, message", [
    (b"\x08", "malformed elements segment kind"),
    (b"\x01\x01\x00", "malformed element kind"),
    (b"\x05\x7f\x01\xd2\x00\x0b", "malformed reference type"),
    (b"\x05\x70\x01\xf3\x00\x0b", "illegal opcode 0xf3"),
])
def test_malformed_elem(payload, message):
    malformed(module(section(9, b"\x01" + payload)), message)


# --- data segments and data count ---------------------------------------------------------------------------

def test_data_encodings():
    m = decode_module(module(section(11, vec([
        b"\x00" + OFFSET + name(b"abc"),
        b"\x01" + name(b""),
        b"\x02\x01" + OFFSET + name(b"\x00\xff"),
    ]))))
    assert [(d.mode, d.mem_idx, d.offset, d.data) for d in m.datas] == [
        ("active", 0, (("i32.const", 3),), b"abc"),
        ("passive", 0, None, b""),
        ("active", 1, (("i32.const", 3),), b"\x00\xff"),
    ]


def test_malformed_data():
    malformed(module(section(11, b"\x01\x03")), "malformed data segment kind")
    # 7 bytes declared, 6 given
    malformed(module(section(11, b"\x01\x00" + OFFSET + b"\x07abcdef")),
              "unexpected end of section or function")


@pytest.mark.parametrize("count, segments", [(3, 2), (1, 2), (1, 0)])
def test_data_count_mismatch(count, segments):
    sections = [section(12, uleb(count))]
    if segments:
        sections.append(section(11, vec([b"\x01\x00"] * segments)))
    malformed(module(*sections), "data count and data section have inconsistent lengths")


def test_data_count_zero_without_data_section():
    assert decode_module(module(section(12, b"\x00"))).data_count == 0


# --- code ---------------------------------------------------------------------------------------------------

def test_locals_and_body_range():
    body = b"\x03\x00\x7f\x02\x7e\x03\x7d" + b"\x41\x01\x1a\x0b"   # 0 i32, 2 i64, 3 f32
    data = module(TYPE_VOID, ONE_FUNC, section(10, vec([uleb(len(body)) + body])))
    (fb,) = decode_module(data).code
    assert fb.locals == (I64, I64, F32, F32, F32)
    assert data[fb.start:fb.end] == b"\x41\x01\x1a\x0b"
    assert fb.end == len(data)


@pytest.mark.parametrize("decls", [
    b"\x02\xff\xff\xff\xff\x0f\x7f\x02\x7e",                                        # 2**32 + 1
    b"\x04" + b"".join(b"\x80\x80\x80\x80\x04" + bytes([t]) for t in b"\x7f\x7e\x7d\x7c"),  # 4 * 2**30
    b"\x01" + uleb(MAX_LOCALS + 1) + b"\x7f",
    b"\x02" + uleb(MAX_LOCALS) + b"\x7f\x01\x7e",
])
def test_too_many_locals(decls):
    body = decls + b"\x0b"
    malformed(module(TYPE_VOID, ONE_FUNC, section(10, vec([uleb(len(body)) + body]))), "too many locals")


def test_max_locals_allowed():
    body = b"\x01" + uleb(MAX_LOCALS) + b"\x7f\x0b"
    (fb,) = decode_module(module(TYPE_VOID, ONE_FUNC, section(10, vec([uleb(len(body)) + body])))).code
    assert len(fb.locals) == MAX_LOCALS


def test_local_count_is_u32():
    body = b"\x02\x80\x80\x80\x80\x10\x7f\x02\x7e\x0b"
    malformed(module(TYPE_VOID, ONE_FUNC, section(10, vec([uleb(len(body)) + body]))), "integer too large")


def test_locals_cannot_run_past_body():
    # The body claims 2 bytes, but its local declarations need more.
    malformed(module(TYPE_VOID, ONE_FUNC, section(10, b"\x01\x02\x01\x05\x7f\x0b")),
              "unexpected end of section or function")


def test_body_past_section():
    malformed(module(TYPE_VOID, ONE_FUNC, section(10, b"\x01\x09\x00\x0b")), "length out of bounds")


@pytest.mark.parametrize("sections", [
    (TYPE_VOID, section(3, b"\x02\x00\x00")),                             # code section absent
    (section(10, vec([b"\x02\x00\x0b"])),),                              # function section absent
    (TYPE_VOID, section(3, b"\x02\x00\x00"), EMPTY_BODY),                # more functions than bodies
    (TYPE_VOID, ONE_FUNC, section(10, vec([b"\x02\x00\x0b"] * 2))),      # more bodies than functions
])
def test_function_and_code_counts(sections):
    malformed(module(*sections), "function and code section have inconsistent lengths")


def test_empty_function_and_code_sections():
    decode_module(module(section(3, b"\x00")))
    decode_module(module(section(10, b"\x00")))


def test_bodies_are_not_decoded():
    # An illegal opcode inside a body is the translator's to find.
    body = b"\x00\xff\x0b"
    decode_module(module(TYPE_VOID, ONE_FUNC, section(10, vec([uleb(len(body)) + body]))))


# --- name section -------------------------------------------------------------------------------------------

def _names(subsections: bytes) -> bytes:
    return section(0, name("name") + subsections)


def test_function_names():
    funcs = vec([uleb(0) + name("main"), uleb(3) + name("héllo")])
    data = module(_names(b"\x00" + name(name("mod")) + b"\x01" + name(funcs) + b"\x02\x01\x00"))
    assert decode_module(data).func_names == {0: "main", 3: "héllo"}


@pytest.mark.parametrize("payload", [
    b"\x01\x05\x01\x00\x02\xff\xfe",                      # bad UTF-8 in a function name
    b"\x01\x30\x00",                                       # subsection past the end
    b"\x01",                                               # truncated subsection header
    b"\x01\x04\x02\x00\x01a",                              # two names declared, one given
    b"\x01\x05\x01\x00\x01ab",                             # junk after the map
])
def test_malformed_name_section_is_ignored(payload):
    assert decode_module(module(_names(payload))).func_names == {}
