"""The operator table: one row per Wasm 2.0 operator (SIMD excepted), with the facts from the spec.

`params`/`results` are given for operators whose stack signature is fixed; operators whose typing depends
on context (control, locals, globals, select, references) have `None` there and are typed by hand in
validate.py. Immediates are named by kind; decode reads them from the row.
"""
from __future__ import annotations

from dataclasses import dataclass

from .types import F32, F64, I32, I64, ValType


@dataclass(frozen=True, slots=True)
class Op:
    code: int                                  # the opcode byte, or the LEB128 sub-opcode after a prefix
    name: str
    imm: tuple[str, ...] = ()                  # immediate kinds, read in order
    params: tuple[ValType, ...] | None = None  # None: typed by hand (control, variables, refs, select)
    results: tuple[ValType, ...] | None = None
    prefix: int | None = None                  # 0xFC for the "misc" operators


def _sig(params, results):
    return {"params": tuple(params), "results": tuple(results)}


def _un(t, r=None):
    return _sig((t,), (r or t,))


def _bin(t, r=None):
    return _sig((t, t), (r or t,))


def _load(t):
    return _sig((I32,), (t,))


def _store(t):
    return _sig((I32, t), ())


_ROWS: list[Op] = [
    # control
    Op(0x00, "unreachable"), Op(0x01, "nop"),
    Op(0x02, "block", ("blocktype",)), Op(0x03, "loop", ("blocktype",)), Op(0x04, "if", ("blocktype",)),
    Op(0x05, "else"), Op(0x0B, "end"),
    Op(0x0C, "br", ("labelidx",)), Op(0x0D, "br_if", ("labelidx",)), Op(0x0E, "br_table", ("br_table",)),
    Op(0x0F, "return"), Op(0x10, "call", ("funcidx",)), Op(0x11, "call_indirect", ("typeidx", "tableidx")),
    # reference
    Op(0xD0, "ref.null", ("reftype",)), Op(0xD1, "ref.is_null"), Op(0xD2, "ref.func", ("funcidx",)),
    # parametric
    Op(0x1A, "drop"), Op(0x1B, "select"), Op(0x1C, "select_t", ("valtypes",)),
    # variable
    Op(0x20, "local.get", ("localidx",)), Op(0x21, "local.set", ("localidx",)),
    Op(0x22, "local.tee", ("localidx",)),
    Op(0x23, "global.get", ("globalidx",)), Op(0x24, "global.set", ("globalidx",)),
    # table
    Op(0x25, "table.get", ("tableidx",)), Op(0x26, "table.set", ("tableidx",)),
    # memory
    Op(0x28, "i32.load", ("memarg",), **_load(I32)), Op(0x29, "i64.load", ("memarg",), **_load(I64)),
    Op(0x2A, "f32.load", ("memarg",), **_load(F32)), Op(0x2B, "f64.load", ("memarg",), **_load(F64)),
    Op(0x2C, "i32.load8_s", ("memarg",), **_load(I32)), Op(0x2D, "i32.load8_u", ("memarg",), **_load(I32)),
    Op(0x2E, "i32.load16_s", ("memarg",), **_load(I32)), Op(0x2F, "i32.load16_u", ("memarg",), **_load(I32)),
    Op(0x30, "i64.load8_s", ("memarg",), **_load(I64)), Op(0x31, "i64.load8_u", ("memarg",), **_load(I64)),
    Op(0x32, "i64.load16_s", ("memarg",), **_load(I64)), Op(0x33, "i64.load16_u", ("memarg",), **_load(I64)),
    Op(0x34, "i64.load32_s", ("memarg",), **_load(I64)), Op(0x35, "i64.load32_u", ("memarg",), **_load(I64)),
    Op(0x36, "i32.store", ("memarg",), **_store(I32)), Op(0x37, "i64.store", ("memarg",), **_store(I64)),
    Op(0x38, "f32.store", ("memarg",), **_store(F32)), Op(0x39, "f64.store", ("memarg",), **_store(F64)),
    Op(0x3A, "i32.store8", ("memarg",), **_store(I32)), Op(0x3B, "i32.store16", ("memarg",), **_store(I32)),
    Op(0x3C, "i64.store8", ("memarg",), **_store(I64)), Op(0x3D, "i64.store16", ("memarg",), **_store(I64)),
    Op(0x3E, "i64.store32", ("memarg",), **_store(I64)),
    Op(0x3F, "memory.size", ("memidx",), **_sig((), (I32,))),
    Op(0x40, "memory.grow", ("memidx",), **_sig((I32,), (I32,))),
    # constants
    Op(0x41, "i32.const", ("i32",), **_sig((), (I32,))), Op(0x42, "i64.const", ("i64",), **_sig((), (I64,))),
    Op(0x43, "f32.const", ("f32",), **_sig((), (F32,))), Op(0x44, "f64.const", ("f64",), **_sig((), (F64,))),
    # i32 comparison
    Op(0x45, "i32.eqz", **_un(I32)),
    Op(0x46, "i32.eq", **_bin(I32)), Op(0x47, "i32.ne", **_bin(I32)),
    Op(0x48, "i32.lt_s", **_bin(I32)), Op(0x49, "i32.lt_u", **_bin(I32)),
    Op(0x4A, "i32.gt_s", **_bin(I32)), Op(0x4B, "i32.gt_u", **_bin(I32)),
    Op(0x4C, "i32.le_s", **_bin(I32)), Op(0x4D, "i32.le_u", **_bin(I32)),
    Op(0x4E, "i32.ge_s", **_bin(I32)), Op(0x4F, "i32.ge_u", **_bin(I32)),
    # i64 comparison
    Op(0x50, "i64.eqz", **_un(I64, I32)),
    Op(0x51, "i64.eq", **_bin(I64, I32)), Op(0x52, "i64.ne", **_bin(I64, I32)),
    Op(0x53, "i64.lt_s", **_bin(I64, I32)), Op(0x54, "i64.lt_u", **_bin(I64, I32)),
    Op(0x55, "i64.gt_s", **_bin(I64, I32)), Op(0x56, "i64.gt_u", **_bin(I64, I32)),
    Op(0x57, "i64.le_s", **_bin(I64, I32)), Op(0x58, "i64.le_u", **_bin(I64, I32)),
    Op(0x59, "i64.ge_s", **_bin(I64, I32)), Op(0x5A, "i64.ge_u", **_bin(I64, I32)),
    # float comparison
    Op(0x5B, "f32.eq", **_bin(F32, I32)), Op(0x5C, "f32.ne", **_bin(F32, I32)),
    Op(0x5D, "f32.lt", **_bin(F32, I32)), Op(0x5E, "f32.gt", **_bin(F32, I32)),
    Op(0x5F, "f32.le", **_bin(F32, I32)), Op(0x60, "f32.ge", **_bin(F32, I32)),
    Op(0x61, "f64.eq", **_bin(F64, I32)), Op(0x62, "f64.ne", **_bin(F64, I32)),
    Op(0x63, "f64.lt", **_bin(F64, I32)), Op(0x64, "f64.gt", **_bin(F64, I32)),
    Op(0x65, "f64.le", **_bin(F64, I32)), Op(0x66, "f64.ge", **_bin(F64, I32)),
    # i32 arithmetic
    Op(0x67, "i32.clz", **_un(I32)), Op(0x68, "i32.ctz", **_un(I32)), Op(0x69, "i32.popcnt", **_un(I32)),
    Op(0x6A, "i32.add", **_bin(I32)), Op(0x6B, "i32.sub", **_bin(I32)), Op(0x6C, "i32.mul", **_bin(I32)),
    Op(0x6D, "i32.div_s", **_bin(I32)), Op(0x6E, "i32.div_u", **_bin(I32)),
    Op(0x6F, "i32.rem_s", **_bin(I32)), Op(0x70, "i32.rem_u", **_bin(I32)),
    Op(0x71, "i32.and", **_bin(I32)), Op(0x72, "i32.or", **_bin(I32)), Op(0x73, "i32.xor", **_bin(I32)),
    Op(0x74, "i32.shl", **_bin(I32)), Op(0x75, "i32.shr_s", **_bin(I32)), Op(0x76, "i32.shr_u", **_bin(I32)),
    Op(0x77, "i32.rotl", **_bin(I32)), Op(0x78, "i32.rotr", **_bin(I32)),
    # i64 arithmetic
    Op(0x79, "i64.clz", **_un(I64)), Op(0x7A, "i64.ctz", **_un(I64)), Op(0x7B, "i64.popcnt", **_un(I64)),
    Op(0x7C, "i64.add", **_bin(I64)), Op(0x7D, "i64.sub", **_bin(I64)), Op(0x7E, "i64.mul", **_bin(I64)),
    Op(0x7F, "i64.div_s", **_bin(I64)), Op(0x80, "i64.div_u", **_bin(I64)),
    Op(0x81, "i64.rem_s", **_bin(I64)), Op(0x82, "i64.rem_u", **_bin(I64)),
    Op(0x83, "i64.and", **_bin(I64)), Op(0x84, "i64.or", **_bin(I64)), Op(0x85, "i64.xor", **_bin(I64)),
    Op(0x86, "i64.shl", **_bin(I64)), Op(0x87, "i64.shr_s", **_bin(I64)), Op(0x88, "i64.shr_u", **_bin(I64)),
    Op(0x89, "i64.rotl", **_bin(I64)), Op(0x8A, "i64.rotr", **_bin(I64)),
    # f32 arithmetic
    Op(0x8B, "f32.abs", **_un(F32)), Op(0x8C, "f32.neg", **_un(F32)), Op(0x8D, "f32.ceil", **_un(F32)),
    Op(0x8E, "f32.floor", **_un(F32)), Op(0x8F, "f32.trunc", **_un(F32)), Op(0x90, "f32.nearest", **_un(F32)),
    Op(0x91, "f32.sqrt", **_un(F32)),
    Op(0x92, "f32.add", **_bin(F32)), Op(0x93, "f32.sub", **_bin(F32)), Op(0x94, "f32.mul", **_bin(F32)),
    Op(0x95, "f32.div", **_bin(F32)), Op(0x96, "f32.min", **_bin(F32)), Op(0x97, "f32.max", **_bin(F32)),
    Op(0x98, "f32.copysign", **_bin(F32)),
    # f64 arithmetic
    Op(0x99, "f64.abs", **_un(F64)), Op(0x9A, "f64.neg", **_un(F64)), Op(0x9B, "f64.ceil", **_un(F64)),
    Op(0x9C, "f64.floor", **_un(F64)), Op(0x9D, "f64.trunc", **_un(F64)), Op(0x9E, "f64.nearest", **_un(F64)),
    Op(0x9F, "f64.sqrt", **_un(F64)),
    Op(0xA0, "f64.add", **_bin(F64)), Op(0xA1, "f64.sub", **_bin(F64)), Op(0xA2, "f64.mul", **_bin(F64)),
    Op(0xA3, "f64.div", **_bin(F64)), Op(0xA4, "f64.min", **_bin(F64)), Op(0xA5, "f64.max", **_bin(F64)),
    Op(0xA6, "f64.copysign", **_bin(F64)),
    # conversions
    Op(0xA7, "i32.wrap_i64", **_un(I64, I32)),
    Op(0xA8, "i32.trunc_f32_s", **_un(F32, I32)), Op(0xA9, "i32.trunc_f32_u", **_un(F32, I32)),
    Op(0xAA, "i32.trunc_f64_s", **_un(F64, I32)), Op(0xAB, "i32.trunc_f64_u", **_un(F64, I32)),
    Op(0xAC, "i64.extend_i32_s", **_un(I32, I64)), Op(0xAD, "i64.extend_i32_u", **_un(I32, I64)),
    Op(0xAE, "i64.trunc_f32_s", **_un(F32, I64)), Op(0xAF, "i64.trunc_f32_u", **_un(F32, I64)),
    Op(0xB0, "i64.trunc_f64_s", **_un(F64, I64)), Op(0xB1, "i64.trunc_f64_u", **_un(F64, I64)),
    Op(0xB2, "f32.convert_i32_s", **_un(I32, F32)), Op(0xB3, "f32.convert_i32_u", **_un(I32, F32)),
    Op(0xB4, "f32.convert_i64_s", **_un(I64, F32)), Op(0xB5, "f32.convert_i64_u", **_un(I64, F32)),
    Op(0xB6, "f32.demote_f64", **_un(F64, F32)),
    Op(0xB7, "f64.convert_i32_s", **_un(I32, F64)), Op(0xB8, "f64.convert_i32_u", **_un(I32, F64)),
    Op(0xB9, "f64.convert_i64_s", **_un(I64, F64)), Op(0xBA, "f64.convert_i64_u", **_un(I64, F64)),
    Op(0xBB, "f64.promote_f32", **_un(F32, F64)),
    Op(0xBC, "i32.reinterpret_f32", **_un(F32, I32)), Op(0xBD, "i64.reinterpret_f64", **_un(F64, I64)),
    Op(0xBE, "f32.reinterpret_i32", **_un(I32, F32)), Op(0xBF, "f64.reinterpret_i64", **_un(I64, F64)),
    # sign extension
    Op(0xC0, "i32.extend8_s", **_un(I32)), Op(0xC1, "i32.extend16_s", **_un(I32)),
    Op(0xC2, "i64.extend8_s", **_un(I64)), Op(0xC3, "i64.extend16_s", **_un(I64)),
    Op(0xC4, "i64.extend32_s", **_un(I64)),
    # 0xFC prefix: saturating truncation, bulk memory, tables
    Op(0, "i32.trunc_sat_f32_s", prefix=0xFC, **_un(F32, I32)),
    Op(1, "i32.trunc_sat_f32_u", prefix=0xFC, **_un(F32, I32)),
    Op(2, "i32.trunc_sat_f64_s", prefix=0xFC, **_un(F64, I32)),
    Op(3, "i32.trunc_sat_f64_u", prefix=0xFC, **_un(F64, I32)),
    Op(4, "i64.trunc_sat_f32_s", prefix=0xFC, **_un(F32, I64)),
    Op(5, "i64.trunc_sat_f32_u", prefix=0xFC, **_un(F32, I64)),
    Op(6, "i64.trunc_sat_f64_s", prefix=0xFC, **_un(F64, I64)),
    Op(7, "i64.trunc_sat_f64_u", prefix=0xFC, **_un(F64, I64)),
    Op(8, "memory.init", ("dataidx", "memidx"), prefix=0xFC, **_sig((I32, I32, I32), ())),
    Op(9, "data.drop", ("dataidx",), prefix=0xFC, **_sig((), ())),
    Op(10, "memory.copy", ("memidx", "memidx"), prefix=0xFC, **_sig((I32, I32, I32), ())),
    Op(11, "memory.fill", ("memidx",), prefix=0xFC, **_sig((I32, I32, I32), ())),
    Op(12, "table.init", ("elemidx", "tableidx"), prefix=0xFC, **_sig((I32, I32, I32), ())),
    Op(13, "elem.drop", ("elemidx",), prefix=0xFC, **_sig((), ())),
    Op(14, "table.copy", ("tableidx", "tableidx"), prefix=0xFC, **_sig((I32, I32, I32), ())),
    Op(15, "table.grow", ("tableidx",), prefix=0xFC),
    Op(16, "table.size", ("tableidx",), prefix=0xFC, **_sig((), (I32,))),
    Op(17, "table.fill", ("tableidx",), prefix=0xFC),
]

BY_NAME: dict[str, Op] = {op.name: op for op in _ROWS}
ALL_OPS: tuple[Op, ...] = tuple(_ROWS)

# Dense dispatch: index by opcode byte, or by sub-opcode within a prefix.
PLAIN: list[Op | None] = [None] * 256
PREFIXED: dict[int, dict[int, Op]] = {0xFC: {}}
for _op in _ROWS:
    if _op.prefix is None:
        PLAIN[_op.code] = _op
    else:
        PREFIXED[_op.prefix][_op.code] = _op

# Prefix bytes whose operators belong to proposals wasmc does not implement yet, by feature name.
UNSUPPORTED_PREFIXES = {0xFD: "simd", 0xFE: "threads"}
