"""The operator table: one row per Wasm 2.0 operator, and the relaxed SIMD operators of Wasm 3.0, with the
facts from the spec.

`params`/`results` are given for operators whose stack signature is fixed; operators whose typing depends
on context (control, locals, globals, select, references) have `None` there and are typed by hand in
validate.py. Immediates are named by kind; decode reads them from the row.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .types import F32, F64, I32, I64, V128, ValType


@dataclass(frozen=True, slots=True)
class Op:
    code: int                                  # the opcode byte, or the LEB128 sub-opcode after a prefix
    name: str
    imm: tuple[str, ...] = ()                  # immediate kinds, read in order
    params: tuple[ValType, ...] | None = None  # None: typed by hand (control, variables, refs, select)
    results: tuple[ValType, ...] | None = None
    prefix: int | None = None                  # 0xFC for the "misc" operators, 0xFD for SIMD
    index: int = -1                            # position in ALL_OPS: dispatch lists are indexed by it


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


def _simd(code, name, imm=(), params=(V128,), results=(V128,)):
    return Op(code, name, imm, tuple(params), tuple(results), prefix=0xFD)


def _simd_rows(first: int, names: str, **kw) -> list[Op]:
    """Consecutive sub-opcodes from `first`; "-" marks a code the spec leaves unassigned."""
    return [_simd(first + i, name, **kw) for i, name in enumerate(names.split()) if name != "-"]


_MEM = ("memarg",)
_LANE = ("laneidx",)
_MEM_LANE = ("memarg", "laneidx")
_UNARY = {"params": (V128,), "results": (V128,)}
_BINARY = {"params": (V128, V128), "results": (V128,)}
_TERNARY = {"params": (V128, V128, V128), "results": (V128,)}
_TEST = {"params": (V128,), "results": (I32,)}          # any_true, all_true, bitmask
_SHIFT = {"params": (V128, I32), "results": (V128,)}


def _cmp(shape: str, names: str) -> str:
    return " ".join(f"{shape}.{n}" for n in names.split())


_INT_CMP = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"
_FLOAT_CMP = "eq ne lt gt le ge"

# 0xFD prefix: the fixed-width SIMD operators, in sub-opcode order.
_SIMD_ROWS: list[Op] = [
    *_simd_rows(0x00, "v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u "
                      "v128.load32x2_s v128.load32x2_u v128.load8_splat v128.load16_splat "
                      "v128.load32_splat v128.load64_splat", imm=_MEM, params=(I32,)),
    _simd(0x0B, "v128.store", _MEM, (I32, V128), ()),
    _simd(0x0C, "v128.const", ("v128",), ()),
    _simd(0x0D, "i8x16.shuffle", ("shuffle",), (V128, V128)),
    _simd(0x0E, "i8x16.swizzle", **_BINARY),
    _simd(0x0F, "i8x16.splat", params=(I32,)), _simd(0x10, "i16x8.splat", params=(I32,)),
    _simd(0x11, "i32x4.splat", params=(I32,)), _simd(0x12, "i64x2.splat", params=(I64,)),
    _simd(0x13, "f32x4.splat", params=(F32,)), _simd(0x14, "f64x2.splat", params=(F64,)),
    _simd(0x15, "i8x16.extract_lane_s", _LANE, results=(I32,)),
    _simd(0x16, "i8x16.extract_lane_u", _LANE, results=(I32,)),
    _simd(0x17, "i8x16.replace_lane", _LANE, (V128, I32)),
    _simd(0x18, "i16x8.extract_lane_s", _LANE, results=(I32,)),
    _simd(0x19, "i16x8.extract_lane_u", _LANE, results=(I32,)),
    _simd(0x1A, "i16x8.replace_lane", _LANE, (V128, I32)),
    _simd(0x1B, "i32x4.extract_lane", _LANE, results=(I32,)),
    _simd(0x1C, "i32x4.replace_lane", _LANE, (V128, I32)),
    _simd(0x1D, "i64x2.extract_lane", _LANE, results=(I64,)),
    _simd(0x1E, "i64x2.replace_lane", _LANE, (V128, I64)),
    _simd(0x1F, "f32x4.extract_lane", _LANE, results=(F32,)),
    _simd(0x20, "f32x4.replace_lane", _LANE, (V128, F32)),
    _simd(0x21, "f64x2.extract_lane", _LANE, results=(F64,)),
    _simd(0x22, "f64x2.replace_lane", _LANE, (V128, F64)),
    *_simd_rows(0x23, _cmp("i8x16", _INT_CMP), **_BINARY),
    *_simd_rows(0x2D, _cmp("i16x8", _INT_CMP), **_BINARY),
    *_simd_rows(0x37, _cmp("i32x4", _INT_CMP), **_BINARY),
    *_simd_rows(0x41, _cmp("f32x4", _FLOAT_CMP), **_BINARY),
    *_simd_rows(0x47, _cmp("f64x2", _FLOAT_CMP), **_BINARY),
    _simd(0x4D, "v128.not", **_UNARY),
    *_simd_rows(0x4E, "v128.and v128.andnot v128.or v128.xor", **_BINARY),
    _simd(0x52, "v128.bitselect", **_TERNARY),
    _simd(0x53, "v128.any_true", **_TEST),
    *_simd_rows(0x54, "v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane",
                imm=_MEM_LANE, params=(I32, V128)),
    *_simd_rows(0x58, "v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane",
                imm=_MEM_LANE, params=(I32, V128), results=()),
    *_simd_rows(0x5C, "v128.load32_zero v128.load64_zero", imm=_MEM, params=(I32,)),
    *_simd_rows(0x5E, "f32x4.demote_f64x2_zero f64x2.promote_low_f32x4", **_UNARY),
    # i8x16, with some f32x4/f64x2 rounding interleaved as the spec numbers them
    *_simd_rows(0x60, "i8x16.abs i8x16.neg i8x16.popcnt", **_UNARY),
    *_simd_rows(0x63, "i8x16.all_true i8x16.bitmask", **_TEST),
    *_simd_rows(0x65, "i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u", **_BINARY),
    *_simd_rows(0x67, "f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest", **_UNARY),
    *_simd_rows(0x6B, "i8x16.shl i8x16.shr_s i8x16.shr_u", **_SHIFT),
    *_simd_rows(0x6E, "i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s "
                      "i8x16.sub_sat_u", **_BINARY),
    *_simd_rows(0x74, "f64x2.ceil f64x2.floor", **_UNARY),
    *_simd_rows(0x76, "i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u", **_BINARY),
    _simd(0x7A, "f64x2.trunc", **_UNARY),
    _simd(0x7B, "i8x16.avgr_u", **_BINARY),
    *_simd_rows(0x7C, "i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u "
                      "i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u", **_UNARY),
    # i16x8
    *_simd_rows(0x80, "i16x8.abs i16x8.neg", **_UNARY),
    _simd(0x82, "i16x8.q15mulr_sat_s", **_BINARY),
    *_simd_rows(0x83, "i16x8.all_true i16x8.bitmask", **_TEST),
    *_simd_rows(0x85, "i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u", **_BINARY),
    *_simd_rows(0x87, "i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u "
                      "i16x8.extend_high_i8x16_u", **_UNARY),
    *_simd_rows(0x8B, "i16x8.shl i16x8.shr_s i16x8.shr_u", **_SHIFT),
    *_simd_rows(0x8E, "i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s "
                      "i16x8.sub_sat_u", **_BINARY),
    _simd(0x94, "f64x2.nearest", **_UNARY),
    *_simd_rows(0x95, "i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u "
                      "i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u "
                      "i16x8.extmul_high_i8x16_u", **_BINARY),
    # i32x4
    *_simd_rows(0xA0, "i32x4.abs i32x4.neg", **_UNARY),
    *_simd_rows(0xA3, "i32x4.all_true i32x4.bitmask", **_TEST),
    *_simd_rows(0xA7, "i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u "
                      "i32x4.extend_high_i16x8_u", **_UNARY),
    *_simd_rows(0xAB, "i32x4.shl i32x4.shr_s i32x4.shr_u", **_SHIFT),
    *_simd_rows(0xAE, "i32x4.add - - i32x4.sub - - - i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s "
                      "i32x4.max_u i32x4.dot_i16x8_s - i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s "
                      "i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u", **_BINARY),
    # i64x2
    *_simd_rows(0xC0, "i64x2.abs i64x2.neg", **_UNARY),
    *_simd_rows(0xC3, "i64x2.all_true i64x2.bitmask", **_TEST),
    *_simd_rows(0xC7, "i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u "
                      "i64x2.extend_high_i32x4_u", **_UNARY),
    *_simd_rows(0xCB, "i64x2.shl i64x2.shr_s i64x2.shr_u", **_SHIFT),
    *_simd_rows(0xCE, "i64x2.add - - i64x2.sub - - - i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s "
                      "i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s "
                      "i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u", **_BINARY),
    # f32x4, f64x2
    *_simd_rows(0xE0, "f32x4.abs f32x4.neg - f32x4.sqrt", **_UNARY),
    *_simd_rows(0xE4, "f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin "
                      "f32x4.pmax", **_BINARY),
    *_simd_rows(0xEC, "f64x2.abs f64x2.neg - f64x2.sqrt", **_UNARY),
    *_simd_rows(0xF0, "f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin "
                      "f64x2.pmax", **_BINARY),
    # conversions
    *_simd_rows(0xF8, "i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s "
                      "f32x4.convert_i32x4_u i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero "
                      "f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u", **_UNARY),
    # relaxed SIMD (Wasm 3.0): results the spec leaves to the implementation within a set of choices
    _simd(0x100, "i8x16.relaxed_swizzle", **_BINARY),
    *_simd_rows(0x101, "i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u i32x4.relaxed_trunc_f64x2_s_zero "
                       "i32x4.relaxed_trunc_f64x2_u_zero", **_UNARY),
    *_simd_rows(0x105, "f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd "
                       "i8x16.relaxed_laneselect i16x8.relaxed_laneselect i32x4.relaxed_laneselect "
                       "i64x2.relaxed_laneselect", **_TERNARY),
    *_simd_rows(0x10D, "f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max "
                       "i16x8.relaxed_q15mulr_s i16x8.relaxed_dot_i8x16_i7x16_s", **_BINARY),
    _simd(0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", **_TERNARY),
]
_ROWS += _SIMD_ROWS

ALL_OPS: tuple[Op, ...] = tuple(replace(op, index=i) for i, op in enumerate(_ROWS))
BY_NAME: dict[str, Op] = {op.name: op for op in ALL_OPS}
SIMD_OPS: tuple[Op, ...] = tuple(op for op in ALL_OPS if op.prefix == 0xFD)

# Dense dispatch: index by opcode byte, or by sub-opcode within a prefix.
PLAIN: list[Op | None] = [None] * 256
PREFIXED: dict[int, dict[int, Op]] = {0xFC: {}, 0xFD: {}}
for _op in ALL_OPS:
    if _op.prefix is None:
        PLAIN[_op.code] = _op
    else:
        PREFIXED[_op.prefix][_op.code] = _op

# Prefix bytes whose operators belong to proposals wasmc does not implement yet, by feature name.
UNSUPPORTED_PREFIXES = {0xFE: "threads"}
