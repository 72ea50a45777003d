"""validate.py: module checks and FuncValidator, on small modules written in the text format."""
from __future__ import annotations

import pytest
import wasmtime

from wasmc.errors import DecodeError, ValidationError
from wasmc.wasm.decode import decode_module
from wasmc.wasm.features import WASM2
from wasmc.wasm.instr import read_op
from wasmc.wasm.module import Module
from wasmc.wasm.opcodes import ALL_OPS
from wasmc.wasm.reader import Reader
from wasmc.wasm.types import F32, I32, I64, FuncType
from wasmc.wasm.validate import VALIDATORS, FuncValidator, validate_module


def decode(wat: str) -> Module:
    return decode_module(bytes(wasmtime.wat2wasm(wat)))


def validate_bodies(m: Module) -> None:
    info = validate_module(m)
    for defined_idx, body in enumerate(m.code):
        v = FuncValidator(m, info, m.num_imported_funcs + defined_idx)
        r = Reader(m.data, body.start, body.end)
        while not r.at_end():
            at = r.pos
            op, imm = read_op(r)
            v.step(op, imm, at)
        assert v.done


def validate(wat: str) -> None:
    validate_bodies(decode(wat))


def invalid(wat: str, message: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        validate(wat)
    assert exc.value.message.startswith(message), exc.value.message
    return exc.value


def test_every_operator_has_a_handler():
    assert len(VALIDATORS) == len(ALL_OPS) and all(callable(v) for v in VALIDATORS)


VALID = {
    "empty": "(module)",
    "numeric": """(module (func (param i32 i64) (result f64)
        (f64.convert_i64_s (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1)))))""",
    "multi-value block params": """(module (func (result i32 i32)
        (i32.const 1) (i32.const 2)
        (block (param i32 i32) (result i32 i32) (i32.add) (i32.const 3))))""",
    "loop label carries params": """(module (func (param i32)
        (local.get 0) (loop (param i32) (local.get 0) (br_if 0) (drop))))""",
    "if without else passes params through": """(module (func (result i32)
        (i32.const 1) (i32.const 0) (if (param i32) (result i32) (then))))""",
    "unreachable makes the stack polymorphic": """(module (func (result i32 f32)
        (unreachable) (i32.add) (drop) (f32.const 0)))""",
    "br_table to labels of different types when unreachable": """(module (func
        (block (result f32) (block (result i32) (unreachable) (br_table 0 1 0)) (drop) (f32.const 0))
        (drop)))""",
    "select of unknown operands": "(module (func (result i32) (unreachable) (select)))",
    "typed select of references": """(module (func (param externref externref) (result externref)
        (select (result externref) (local.get 0) (local.get 1) (i32.const 0))))""",
    "return from nested blocks": """(module (func (result i64)
        (block (loop (return (i64.const 7))))
        (i64.const 0)))""",
    "call and call_indirect": """(module (type $t (func (param i32) (result i32))) (table 1 funcref)
        (func $f (type $t) (local.get 0))
        (func (result i32) (call_indirect (type $t) (call $f (i32.const 1)) (i32.const 0))))""",
    "extended constant expressions over earlier globals": """(module
        (global $a i32 (i32.const 3)) (global $b i64 (i64.mul (i64.const 2) (i64.sub (i64.const 9) (i64.const 1))))
        (global i32 (i32.add (global.get $a) (i32.mul (i32.const 2) (global.get $a)))) (memory 1)
        (data (i32.sub (global.get $a) (i32.const 1)) "x"))""",
    "immutable imported global in a constant expression": """(module
        (import "m" "g" (global $g i32)) (global i32 (global.get $g)) (memory 1)
        (data (global.get $g) "x"))""",
    "memory operators at natural alignment": """(module (memory 1) (func
        (i64.store32 align=4 (i32.const 0) (i64.load8_u align=1 (i32.const 0)))
        (drop (memory.grow (memory.size)))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop 0))
        (data "x"))""",
    "table operators": """(module (table $t 1 externref) (table $f 1 funcref) (elem $e func $g)
        (func $g (param externref)
        (table.set $t (i32.const 0) (table.get $t (i32.const 0)))
        (drop (table.grow $t (local.get 0) (i32.const 1)))
        (table.fill $t (i32.const 0) (local.get 0) (i32.const 1))
        (drop (table.size $f))
        (table.copy $f $f (i32.const 0) (i32.const 0) (i32.const 0))
        (table.init $f $e (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $e)))""",
    "references declared by elem declare and export": """(module
        (func $a) (func $b (export "b")) (elem declare func $a)
        (func (result i32) (drop (ref.func $a)) (drop (ref.func $b)) (ref.is_null (ref.null extern))))""",
    "dead code after br is still typed but accepts anything": """(module (func (result i32)
        (block (result i32) (br 0 (i32.const 1)) (f32.add) (drop) (i32.const 1))))""",
    "simd values, globals, select and lanes": """(module (memory 1)
        (global $g (mut v128) (v128.const i32x4 1 2 3 4))
        (func (param v128) (result v128) (local v128)
        (local.set 1 (select (local.get 0) (global.get $g) (i32.const 1)))
        (drop (i8x16.extract_lane_s 15 (i8x16.shuffle 0 31 2 3 4 5 6 7 8 9 10 11 12 13 14 15
            (local.get 0) (local.get 1))))
        (drop (f64x2.extract_lane 1 (f64x2.replace_lane 0 (local.get 0) (f64.const 1))))
        (drop (v128.any_true (i64x2.shl (local.get 0) (i32.const 1))))
        (v128.store64_lane align=8 1 (i32.const 0) (local.get 0))
        (v128.bitselect (v128.load align=16 (i32.const 0)) (v128.load8x8_s align=8 (i32.const 0))
            (v128.load16_lane align=2 7 (i32.const 0) (v128.load32_zero align=4 (i32.const 0))))))""",
    "relaxed simd": """(module (func (param v128) (result v128)
        (f64x2.relaxed_nmadd (i8x16.relaxed_swizzle (local.get 0) (local.get 0))
            (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0))
            (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 0)
                (i64x2.relaxed_laneselect (local.get 0) (local.get 0) (f32x4.relaxed_min (local.get 0) (local.get 0)))))))""",
}


@pytest.mark.parametrize("wat", VALID.values(), ids=VALID.keys())
def test_valid(wat):
    validate(wat)


INVALID = {
    "operand type": ("(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))", "type mismatch"),
    "operand missing": ("(module (func (result i32) (i32.eqz)))", "type mismatch"),
    "value left over": ("(module (func (i32.const 1)))", "type mismatch"),
    "block result": ("(module (func (block (result i32) (i64.const 0)) (drop)))", "type mismatch"),
    "block params from outside only": (
        "(module (func (i32.const 1) (block (param i64) (drop))))", "type mismatch"),
    "if without else changes type": (
        "(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)))))",
        "type mismatch"),
    "unknown label": ("(module (func (br 1)))", "unknown label"),
    "br_table arity": ("""(module (func (block (result i32) (block
        (br_table 0 1 (i32.const 0) (i32.const 0)))) (drop)))""", "type mismatch"),
    "br_table target type": ("""(module (func (block (result f32) (block (result i32)
        (br_table 0 1 (i32.const 0) (i32.const 0))) (drop) (f32.const 0)) (drop)))""",
                             "type mismatch"),
    "return type": ("(module (func (result i32) (return (i64.const 1))))", "type mismatch"),
    "unknown function": ("(module (func (call 5)))", "unknown function"),
    "call_indirect without table": (
        "(module (type (func)) (func (call_indirect (type 0) (i32.const 0))))", "unknown table"),
    "call_indirect through externref table": (
        "(module (type (func)) (table 1 externref) (func (call_indirect (type 0) (i32.const 0))))",
        "type mismatch"),
    "select on references": (
        "(module (func (param funcref) (drop (select (local.get 0) (local.get 0) (i32.const 1)))))",
        "type mismatch"),
    "select operands differ": (
        "(module (func (drop (select (i32.const 0) (i64.const 0) (i32.const 1)))))", "type mismatch"),
    "unknown local": ("(module (func (local i32) (drop (local.get 1))))", "unknown local"),
    "unknown global": ("(module (func (drop (global.get 0))))", "unknown global"),
    "global.set of an immutable global": (
        "(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))", "global is immutable"),
    "load without memory": ("(module (func (drop (i32.load (i32.const 0)))))", "unknown memory"),
    "memory.size without memory": ("(module (func (drop (memory.size))))", "unknown memory"),
    "alignment": ("(module (memory 1) (func (drop (i32.load16_u align=4 (i32.const 0)))))",
                  "alignment must not be larger than natural"),
    "unknown data segment": ("(module (memory 1) (func (data.drop 0)))", "unknown data segment"),
    "unknown elem segment": ("(module (func (elem.drop 0)))", "unknown elem segment"),
    "table.copy of different element types": ("""(module (table 1 funcref) (table 1 externref)
        (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))""", "type mismatch"),
    "table.init of different element types": ("""(module (table 1 externref) (elem funcref)
        (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))""", "type mismatch"),
    "table.set value type": (
        "(module (table 1 externref) (func (table.set (i32.const 0) (ref.null func))))", "type mismatch"),
    "ref.is_null of a number": ("(module (func (drop (ref.is_null (i32.const 0)))))", "type mismatch"),
    "undeclared function reference": ("(module (func $f (drop (ref.func $f))))",
                                      "undeclared function reference"),
    "unknown type in a block type": ("(module (func (block (type 3))))", "unknown type"),
    "unknown type of a function": ("(module (func (type 2)))", "unknown type"),
    "multiple memories": ("(module (import \"m\" \"m\" (memory 1)) (memory 1))", "multiple memories"),
    "memory too large": ("(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)"),
    "memory min above max": ("(module (memory 2 1))", "size minimum must not be greater than maximum"),
    "table min above max": ("(module (table 2 1 funcref))", "size minimum must not be greater than maximum"),
    "non-constant global initializer": ("(module (global i32 (i32.div_s (i32.const 1) (i32.const 2))))",
                                        "constant expression required"),
    "extended constant of mixed types": ("(module (global i32 (i32.add (i32.const 1) (i64.const 2))))",
                                         "type mismatch"),
    "global initializer type": ("(module (global i32 (i64.const 0)))", "type mismatch"),
    "global.get of a later global": (
        "(module (global i32 (global.get 1)) (global i32 (i32.const 0)))", "unknown global"),
    "global.get of a mutable import": (
        "(module (import \"m\" \"g\" (global (mut i32))) (global i32 (global.get 0)))",
        "constant expression required"),
    "duplicate export name": ("(module (func (export \"a\")) (func (export \"a\")))",
                              "duplicate export name"),
    "export of an unknown global": ("(module (export \"g\" (global 0)))", "unknown global"),
    "start function type": ("(module (func $s (param i32)) (start $s))", "start function"),
    "elem segment on an unknown table": ("(module (func $f) (elem (i32.const 0) $f))", "unknown table"),
    "elem offset type": ("(module (table 1 funcref) (func $f) (elem (i64.const 0) $f))", "type mismatch"),
    "elem type differs from table": (
        "(module (table 1 externref) (elem (table 0) (i32.const 0) funcref (ref.null func)))",
        "type mismatch"),
    "data segment without memory": ("(module (data (i32.const 0) \"x\"))", "unknown memory"),
    "simd operand type": ("(module (func (result v128) (i32x4.add (v128.const i64x2 0 0) (i32.const 0))))",
                          "type mismatch"),
    "extract_lane index": (
        "(module (func (param v128) (result i32) (i8x16.extract_lane_u 16 (local.get 0))))",
        "invalid lane index"),
    "replace_lane index": ("""(module (func (param v128) (result v128)
        (i64x2.replace_lane 2 (local.get 0) (i64.const 0))))""", "invalid lane index"),
    "shuffle lane index": ("""(module (func (param v128) (result v128)
        (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32 (local.get 0) (local.get 0))))""",
                           "invalid lane index"),
    "load lane index": ("""(module (memory 1) (func (param v128) (result v128)
        (v128.load32_lane 4 (i32.const 0) (local.get 0))))""", "invalid lane index"),
    "v128.load alignment": ("(module (memory 1) (func (drop (v128.load align=32 (i32.const 0)))))",
                            "alignment must not be larger than natural"),
    "v128.load8x8_s alignment": ("(module (memory 1) (func (drop (v128.load8x8_s align=16 (i32.const 0)))))",
                                 "alignment must not be larger than natural"),
    "v128.load32_zero alignment": (
        "(module (memory 1) (func (drop (v128.load32_zero align=8 (i32.const 0)))))",
        "alignment must not be larger than natural"),
    "v128.store8_lane alignment": ("""(module (memory 1) (func (param v128)
        (v128.store8_lane align=2 0 (i32.const 0) (local.get 0))))""",
                                   "alignment must not be larger than natural"),
    "v128 global initializer type": ("(module (global v128 (i32.const 0)))", "type mismatch"),
    "relaxed simd operand count": ("""(module (func (param v128) (result v128)
        (i32x4.relaxed_laneselect (local.get 0) (local.get 0))))""", "type mismatch"),
    "relaxed simd operand type": ("""(module (func (param v128) (result v128)
        (i16x8.relaxed_q15mulr_s (local.get 0) (f64.const 1))))""", "type mismatch"),
}


def test_relaxed_simd_opcodes_end_at_0x113():
    # 0xFD then the LEB128 sub-opcode: 0x113 is the last relaxed operator, 0x114 is not an operator.
    for sub, name in ((b"\x93\x02", "i32x4.relaxed_dot_i8x16_i7x16_add_s"), (b"\x80\x02", "i8x16.relaxed_swizzle")):
        op, _ = read_op(Reader(b"\xfd" + sub, 0, 3))
        assert op.name == name
    with pytest.raises(DecodeError, match="illegal opcode 0xfd 0x114"):
        read_op(Reader(b"\xfd\x94\x02", 0, 3))


@pytest.mark.parametrize("wat, message", INVALID.values(), ids=INVALID.keys())
def test_invalid(wat, message):
    invalid(wat, message)


def test_error_names_function_and_offset():
    e = invalid("(module (func $main (export \"main\") (result i32) (f32.const 0)))", "type mismatch")
    assert e.offset is not None
    assert 'func 0 "main"' in str(e)


def test_block_type_resolution():
    m = decode("(module (type (func (param i32) (result i64))) (func))")
    v = FuncValidator(m, validate_module(m), 0)
    assert v.block_type(None) == FuncType((), ())
    assert v.block_type(F32) == FuncType((), (F32,))
    assert v.block_type(0) == FuncType((I32,), (I64,))
    with pytest.raises(ValidationError, match="unknown type"):
        v.block_type(5)


def _ops(m: Module, defined_idx: int = 0):
    body = m.code[defined_idx]
    r = Reader(m.data, body.start, body.end)
    while not r.at_end():
        at = r.pos
        op, imm = read_op(r)
        yield op, imm, at


def test_done_after_final_end_and_nothing_may_follow():
    m = decode("(module (func (block) (nop)))")
    v = FuncValidator(m, validate_module(m), 0)
    ops = list(_ops(m))
    for op, imm, at in ops:
        assert not v.done
        v.step(op, imm, at)
    assert v.done
    with pytest.raises(DecodeError, match="operators remaining after end of function"):
        v.step(*ops[-1])


def test_reachable_tracks_dead_code():
    m = decode("(module (func (block (br 0) (nop)) (nop)))")
    v = FuncValidator(m, validate_module(m), 0)
    seen = []
    for op, imm, at in _ops(m):
        v.step(op, imm, at)
        if not v.done:
            seen.append((op.name, v.reachable))
    assert seen == [("block", True), ("br", False), ("nop", False), ("end", True), ("nop", True)]


def test_memory_init_needs_the_data_count_section():
    m = decode("""(module (memory 1) (data "x")
        (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))""")
    m.data_count = None       # as in a binary without the data count section
    with pytest.raises(DecodeError, match="data count section required"):
        validate_bodies(m)


def test_declared_funcs():
    m = decode("""(module (func $a) (func $b) (func $c (export "c")) (func $d)
        (table 1 funcref) (elem (i32.const 0) $a) (global funcref (ref.func $b)))""")
    assert validate_module(m).declared_funcs == frozenset({0, 1, 2})


def test_typed_select_arity_is_checked():
    m = decode("(module (func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0))))")
    info = validate_module(m)
    v = FuncValidator(m, info, 0)
    ops = list(_ops(m))
    for op, imm, at in ops[:3]:
        v.step(op, imm, at)
    select_t, _, at = ops[3]
    with pytest.raises(ValidationError, match="invalid result arity"):
        v.step(select_t, (I32, I32), at)


def test_wasm2_rules_refuse_extended_constants():
    """At 2.0, add/sub/mul are not constant and only imported globals are visible."""
    cases = (("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", "constant expression required"),
             ("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))", "unknown global"),
             ("(module (global i32 (i32.const 0)) (memory 1) (data (global.get 0)))", "unknown global"))
    for wat, message in cases:
        validate_module(decode(wat))
        with pytest.raises(ValidationError, match=message):
            validate_module(decode(wat), WASM2)


def test_address_types_of_memory64_and_table64():
    """Operands take the memory's or table's address type; table.copy's length the narrower one."""
    validate_bodies(decode("""(module (memory i64 1) (table $a i64 1 funcref) (table $b 1 funcref)
        (func (result i64)
          (memory.fill (i64.const 0) (i32.const 0) (i64.const 0))
          (table.copy $a $b (i64.const 0) (i32.const 0) (i32.const 0))
          (table.copy $b $a (i32.const 0) (i64.const 0) (i32.const 0))
          (table.copy $a $a (i64.const 0) (i64.const 0) (i64.const 0))
          (drop (table.grow $a (ref.null func) (i64.const 1)))
          (i64.add (memory.size) (i64.load offset=0x1_0000_0000 (i64.const 0)))))"""))
    for body in ("(table.copy $a $b (i64.const 0) (i32.const 0) (i64.const 0))",
                 "(memory.fill (i64.const 0) (i64.const 0) (i64.const 0))",
                 "(drop (table.get $a (i32.const 0)))"):
        with pytest.raises(ValidationError, match="type mismatch"):
            validate_bodies(decode(f"""(module (memory i64 1) (table $a i64 1 funcref)
                (table $b 1 funcref) (func {body}))"""))
    with pytest.raises(ValidationError, match="offset out of range"):
        validate_bodies(decode("(module (memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0)))))"))
