"""SIMD through the JIT: the hand-written lowerings, where LLVM and Wasm disagree, give Wasm's results;
v128 values cross the API (parameters, results, globals, host functions) as 128-bit ints."""
import struct

import pytest

import wasmc
from wasmc.wasm.types import I32, V128, FuncType, GlobalType

wat2wasm = pytest.importorskip("wasmtime").wat2wasm


def exports(body: str) -> dict:
    return wasmc.Instance(wasmc.Module(wat2wasm(f"(module (memory 1) {body})")), {}).exports


def v128(lanes, bits: int) -> int:
    """A v128 from its lanes (lane 0 first, any sign)."""
    mask = (1 << bits) - 1
    return sum((v & mask) << (k * bits) for k, v in enumerate(lanes))


def lanes(v: int, bits: int, signed: bool = False) -> list[int]:
    out = [(v >> (k * bits)) & ((1 << bits) - 1) for k in range(128 // bits)]
    return [x - (1 << bits) if signed and x >> (bits - 1) else x for x in out] if signed else out


def f32s(v: int) -> list[float]:
    return list(struct.unpack("<4f", v.to_bytes(16, "little")))


def from_f32(*xs: float) -> int:
    return int.from_bytes(struct.pack("<4f", *xs), "little")


def unary(op: str) -> str:
    return f'(func (export "{op}") (param v128) (result v128) ({op} (local.get 0)))'


def binary(op: str) -> str:
    return f'(func (export "{op}") (param v128 v128) (result v128) ({op} (local.get 0) (local.get 1)))'


def test_shift_counts_are_modulo_lane_width():
    e = exports("""(func (export "shl") (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
                   (func (export "shr_s") (param v128 i32) (result v128) (i16x8.shr_s (local.get 0) (local.get 1)))
                   (func (export "shr_u") (param v128 i32) (result v128) (i64x2.shr_u (local.get 0) (local.get 1)))""")
    assert lanes(e["shl"](v128([1] * 16, 8), 9), 8) == [2] * 16
    assert lanes(e["shr_s"](v128([-256] * 8, 16), 16 + 4), 16, signed=True) == [-16] * 8
    assert lanes(e["shr_u"](v128([1 << 63] * 2, 64), -1), 64) == [1] * 2     # -1 is 63 mod 64


def test_swizzle_gives_zero_for_out_of_range_indices():
    e = exports(binary("i8x16.swizzle") + binary("i8x16.relaxed_swizzle"))
    table = v128(range(100, 116), 8)
    idx = v128([15, 0, 16, 255, 128, 17, 3, 3, 31, 7, 0x70, 1, 2, 3, 4, 5], 8)
    want = [115, 100, 0, 0, 0, 0, 103, 103, 0, 107, 0, 101, 102, 103, 104, 105]
    assert lanes(e["i8x16.swizzle"](table, idx), 8) == want
    assert lanes(e["i8x16.relaxed_swizzle"](table, idx), 8) == want   # the deterministic choice


def test_shuffle_takes_lanes_from_both_operands():
    e = exports("""(func (export "shuffle") (param v128 v128) (result v128)
                     (i8x16.shuffle 31 0 30 1 16 17 15 14 2 2 2 2 20 21 22 23 (local.get 0) (local.get 1)))""")
    a, b = v128(range(16), 8), v128(range(16, 32), 8)
    assert lanes(e["shuffle"](a, b), 8) == [31, 0, 30, 1, 16, 17, 15, 14, 2, 2, 2, 2, 20, 21, 22, 23]


def test_saturating_narrow_reads_its_input_as_signed():
    e = exports(binary("i8x16.narrow_i16x8_s") + binary("i8x16.narrow_i16x8_u") + binary("i16x8.narrow_i32x4_u"))
    a = v128([300, -300, 127, -128, 128, -129, 0, -1], 16)
    b = v128([255, 256, 1, 2, 3, 4, 5, 6], 16)
    assert lanes(e["i8x16.narrow_i16x8_s"](a, b), 8, signed=True) == [127, -128, 127, -128, 127, -128, 0, -1,
                                                                      127, 127, 1, 2, 3, 4, 5, 6]
    assert lanes(e["i8x16.narrow_i16x8_u"](a, b), 8) == [255, 0, 127, 0, 128, 0, 0, 0, 255, 255, 1, 2, 3, 4, 5, 6]
    big = v128([70000, -5, 65535, 65536], 32)
    assert lanes(e["i16x8.narrow_i32x4_u"](big, big), 16) == [65535, 0, 65535, 65535] * 2


def test_trunc_sat_saturates_and_maps_nan_to_zero():
    e = exports(unary("i32x4.trunc_sat_f32x4_s") + unary("i32x4.trunc_sat_f32x4_u")
                + unary("i32x4.trunc_sat_f64x2_s_zero") + unary("i32x4.trunc_sat_f64x2_u_zero")
                + unary("i32x4.relaxed_trunc_f32x4_s"))
    x = from_f32(float("nan"), 3e9, -3e9, -2147483648.0)
    assert lanes(e["i32x4.trunc_sat_f32x4_s"](x), 32, signed=True) == [0, 2**31 - 1, -2**31, -2**31]
    assert lanes(e["i32x4.relaxed_trunc_f32x4_s"](x), 32, signed=True) == [0, 2**31 - 1, -2**31, -2**31]
    assert lanes(e["i32x4.trunc_sat_f32x4_u"](from_f32(-0.9, 5e9, 4294967040.0, -1.0)), 32) == [0, 2**32 - 1,
                                                                                              4294967040, 0]
    doubles = int.from_bytes(struct.pack("<2d", -2147483648.9, 1e300), "little")
    assert lanes(e["i32x4.trunc_sat_f64x2_s_zero"](doubles), 32, signed=True) == [-2**31, 2**31 - 1, 0, 0]
    doubles = int.from_bytes(struct.pack("<2d", 4294967295.5, float("-inf")), "little")
    assert lanes(e["i32x4.trunc_sat_f64x2_u_zero"](doubles), 32) == [2**32 - 1, 0, 0, 0]


def test_min_max_propagate_nan_and_order_zeros_pmin_pmax_select():
    e = exports(binary("f32x4.min") + binary("f32x4.max") + binary("f32x4.pmin") + binary("f32x4.pmax")
                + binary("f64x2.min"))
    a = from_f32(0.0, -0.0, float("nan"), 1.0)
    b = from_f32(-0.0, 0.0, 2.0, float("nan"))
    words = lanes(e["f32x4.min"](a, b), 32)
    assert words[:2] == [0x80000000, 0x80000000]                       # min(+0, -0) = -0 either way
    assert all(w & 0x7FC00000 == 0x7FC00000 for w in words[2:])        # a quiet NaN
    assert lanes(e["f32x4.max"](a, b), 32)[:2] == [0, 0]
    assert lanes(e["f32x4.pmin"](a, b), 32) == lanes(a, 32)            # b < a never holds: a
    assert lanes(e["f32x4.pmax"](a, b), 32) == lanes(a, 32)
    snan = 0x7FA00001
    assert lanes(e["f32x4.min"](v128([snan] * 4, 32), from_f32(1, 1, 1, 1)), 32)[0] & 0x7FC00000 == 0x7FC00000
    doubles = int.from_bytes(struct.pack("<2d", -0.0, 3.0), "little")
    assert lanes(e["f64x2.min"](doubles, int.from_bytes(struct.pack("<2d", 0.0, float("nan")), "little")),
                 64)[0] == 1 << 63


def test_arithmetic_on_an_identity_constant_quiets_a_signalling_nan():
    # LLVM folds x * 1.0 to x, which would return the signalling NaN itself.
    e = exports("""(func (export "mul1") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1)))
                   (func (export "round_trip") (param v128) (result v128)
                     (f32x4.demote_f64x2_zero (f64x2.promote_low_f32x4 (local.get 0))))""")
    snan = v128([0x7FA00001] * 4, 32)
    assert all(w & 0x7FC00000 == 0x7FC00000 for w in lanes(e["mul1"](snan), 32))
    assert all(w & 0x7FC00000 == 0x7FC00000 for w in lanes(e["round_trip"](snan), 32)[:2])


def test_q15mulr_saturates_its_one_overflow():
    e = exports(binary("i16x8.q15mulr_sat_s") + binary("i16x8.relaxed_q15mulr_s"))
    a = v128([-32768, -32768, 16384, -16384, 32767, 1, 0, 12345], 16)
    b = v128([-32768, 32767, 16384, 16384, 32767, 16384, 5, -12345], 16)
    want = [32767, -32767, 8192, -8192, 32766, 1, 0, -4651]
    assert lanes(e["i16x8.q15mulr_sat_s"](a, b), 16, signed=True) == want
    assert lanes(e["i16x8.relaxed_q15mulr_s"](a, b), 16, signed=True) == want


def test_popcnt_avgr_extadd_extmul_dot():
    e = exports(unary("i8x16.popcnt") + binary("i8x16.avgr_u") + binary("i16x8.avgr_u")
                + unary("i16x8.extadd_pairwise_i8x16_s") + unary("i32x4.extadd_pairwise_i16x8_u")
                + binary("i16x8.extmul_high_i8x16_u") + binary("i64x2.extmul_low_i32x4_s")
                + binary("i32x4.dot_i16x8_s"))
    assert lanes(e["i8x16.popcnt"](v128([0, 1, 3, 255, 0x80, 0x55] + [7] * 10, 8)), 8) == [0, 1, 2, 8, 1, 4] + [3] * 10
    assert lanes(e["i8x16.avgr_u"](v128([255, 0, 1] * 5 + [2], 8), v128([255, 1, 2] * 5 + [3], 8)), 8)[:4] == [255, 1, 2, 255]
    assert lanes(e["i16x8.avgr_u"](v128([65535] * 8, 16), v128([65534] * 8, 16)), 16) == [65535] * 8
    assert lanes(e["i16x8.extadd_pairwise_i8x16_s"](v128([-128, -128, 127, 127] * 4, 8)), 16, True) == [-256, 254] * 4
    assert lanes(e["i32x4.extadd_pairwise_i16x8_u"](v128([65535] * 8, 16)), 32) == [131070] * 4
    assert lanes(e["i16x8.extmul_high_i8x16_u"](v128([0] * 8 + [255] * 8, 8), v128([0] * 8 + [255] * 8, 8)),
                 16) == [65025] * 8
    assert lanes(e["i64x2.extmul_low_i32x4_s"](v128([-2**31, 3, 9, 9], 32), v128([-2**31, -3, 9, 9], 32)),
                 64, True) == [2**62, -9]
    assert lanes(e["i32x4.dot_i16x8_s"](v128([-32768] * 8, 16), v128([-32768] * 8, 16)), 32) == [2**31] * 4


def test_relaxed_dot_products_are_signed_and_saturating():
    e = exports(binary("i16x8.relaxed_dot_i8x16_i7x16_s") + """
      (func (export "dot_add") (param v128 v128 v128) (result v128)
        (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))""")
    a = v128([-128, -128, 5, 6] + [0] * 12, 8)
    b = v128([-128, -128, -7, 8] + [0] * 12, 8)
    assert lanes(e["i16x8.relaxed_dot_i8x16_i7x16_s"](a, b), 16, signed=True)[:2] == [32767, 13]
    assert lanes(e["dot_add"](a, b, v128([1, 2, 3, 4], 32)), 32, signed=True) == [32767 + 13 + 1, 2, 3, 4]


def test_relaxed_madd_is_unfused_and_laneselect_is_bitselect():
    e = exports("""(func (export "madd") (param v128 v128 v128) (result v128)
                     (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
                   (func (export "nmadd") (param v128 v128 v128) (result v128)
                     (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
                   (func (export "select") (param v128 v128 v128) (result v128)
                     (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))""")
    # (1 + 2^-23)^2 - 1: fused gives 2^-22 + 2^-46; rounding the product first loses the 2^-46.
    x = 1 + 2 ** -23
    assert f32s(e["madd"](from_f32(x, 2, 0, 0), from_f32(x, 3, 0, 0), from_f32(-1, 1, 0, 0)))[:2] == [2 ** -22, 7.0]
    assert f32s(e["nmadd"](from_f32(2, 0, 0, 0), from_f32(3, 0, 0, 0), from_f32(1, 0, 0, 0)))[0] == -5.0
    mask = v128([0x0000FFFF, 0xFFFFFFFF, 0, 0x80000000], 32)
    out = e["select"](v128([0x11111111] * 4, 32), v128([0x22222222] * 4, 32), mask)
    assert lanes(out, 32) == [0x22221111, 0x11111111, 0x22222222, 0x22222222]


def test_lane_and_extending_loads_and_stores():
    e = exports("""(data (i32.const 0) "\\01\\82\\03\\84\\05\\86\\07\\88\\09\\8a\\0b\\8c\\0d\\8e\\0f\\90\\11\\92")
      (func (export "ext") (param i32) (result v128) (v128.load8x8_s offset=1 (local.get 0)))
      (func (export "splat") (param i32) (result v128) (v128.load16_splat (local.get 0)))
      (func (export "zero") (param i32) (result v128) (v128.load32_zero (local.get 0)))
      (func (export "lane") (param i32 v128) (result v128) (v128.load8_lane 15 (local.get 0) (local.get 1)))
      (func (export "store") (param i32 v128) (v128.store16_lane 2 (local.get 0) (local.get 1)))
      (func (export "get") (param i32) (result i32) (i32.load (local.get 0)))""")
    assert lanes(e["ext"](0), 16, signed=True) == [-126, 3, -124, 5, -122, 7, -120, 9]
    assert lanes(e["splat"](1), 16) == [0x0382] * 8
    assert lanes(e["zero"](2), 32) == [0x86058403, 0, 0, 0]
    assert lanes(e["lane"](3, 0), 8) == [0] * 15 + [0x84]
    e["store"](100, v128([0, 0, 0xBEEF, 0, 0, 0, 0, 0], 16))
    assert e["get"](100) == 0xBEEF


@pytest.mark.parametrize("access", ["(v128.load (local.get 0))", "(v128.load64_splat (local.get 0))",
                                    "(v128.load8_lane 0 (local.get 0) (v128.const i64x2 0 0))",
                                    "(v128.load32_zero offset=4 (local.get 0))"])
def test_simd_loads_trap_exactly_past_the_end(access):
    e = exports(f'(func (export "f") (param i32) (result v128) {access})')
    size = {"v128.load ": 16, "v128.load64_splat": 8, "v128.load8_lane": 1, "v128.load32_zero": 8}
    width = next(n for k, n in size.items() if k in access)
    e["f"](65536 - width)
    with pytest.raises(wasmc.Trap, match="out of bounds memory access"):
        e["f"](65536 - width + 1)


def test_any_true_all_true_bitmask():
    e = exports("""(func (export "any") (param v128) (result i32) (v128.any_true (local.get 0)))
                   (func (export "all") (param v128) (result i32) (i16x8.all_true (local.get 0)))
                   (func (export "mask8") (param v128) (result i32) (i8x16.bitmask (local.get 0)))
                   (func (export "mask64") (param v128) (result i32) (i64x2.bitmask (local.get 0)))""")
    assert (e["any"](0), e["any"](1 << 100)) == (0, 1)
    assert (e["all"](v128([1] * 8, 16)), e["all"](v128([1] * 7 + [0], 16))) == (1, 0)
    assert e["mask8"](v128([0x80, 0, 0xFF] + [0] * 12 + [0x80], 8)) == 0b1000_0000_0000_0101
    assert e["mask64"](v128([1, -1], 64)) == 0b10


def test_v128_crosses_the_api_globals_and_host_functions():
    seen = []

    def host(args):
        seen.append(args)
        return [args[1] ^ ((1 << 128) - 1), args[0] + 1]

    flip = wasmc.Func.host(FuncType((I32, V128), (V128, I32)), host)
    g = wasmc.Global(GlobalType(V128, True), 0x0123456789ABCDEF_FEDCBA9876543210)
    m = wasmc.Module(wat2wasm("""(module
      (import "env" "flip" (func $flip (param i32 v128) (result v128 i32)))
      (import "env" "g" (global $g (mut v128)))
      (global $h (export "h") v128 (v128.const i32x4 1 2 3 4))
      (func (export "call") (param v128 i32) (result i32 v128) (local i32)
        (call $flip (local.get 1) (local.get 0))
        (local.set 2)
        (global.set $g)
        (local.get 2)
        (global.get $g)))"""))
    out = wasmc.Instance(m, {"env": {"flip": flip, "g": g}}).exports
    count, vec = out["call"](5, 41)
    assert seen == [[41, 5]]
    assert count == 42 and vec == g.value == 5 ^ ((1 << 128) - 1)
    assert out["h"].value == v128([1, 2, 3, 4], 32)
