/* SIMD (-msimd128): every family of v128 operators on inputs the compiler cannot see (volatile), the
 * edge cases where Wasm and the hardware disagree among them, and two loops clang vectorizes itself.
 * Each result is printed as its lanes in hex (NaNs as "nan": their payloads may differ between engines). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

static volatile uint8_t bytes_in[64];
static volatile float floats_in[16] = {1.5f, -2.25f, 0.0f, -0.0f, 3e38f, -3e38f, 1e-45f, 2.5f,
                                       -2.5f, 0.5f, 4294967296.0f, -1.0f, 123456.789f, 7.0f, -7.5f, 65536.0f};
static volatile double doubles_in[4] = {1e300, -0.0, 2.5, -3.5};

static v128_t bytes_at(int at)
{
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = bytes_in[at + i];
    return wasm_v128_load(b);
}

static v128_t floats_at(int at)
{
    float f[4];
    for (int i = 0; i < 4; i++)
        f[i] = floats_in[at + i];
    return wasm_v128_load(f);
}

static void show(const char *what, v128_t v)
{
    uint8_t b[16];
    wasm_v128_store(b, v);
    printf("%-22s", what);
    for (int i = 15; i >= 0; i--)
        printf("%02x%s", b[i], i % 4 == 0 && i ? "_" : "");
    printf("\n");
}

static void show_f32(const char *what, v128_t v)
{
    printf("%-22s", what);
    for (int i = 0; i < 4; i++) {
        float f;
        memcpy(&f, (char *)&v + 4 * i, 4);
        if (isnan(f))
            printf(" nan");
        else
            printf(" %a", (double)f);
    }
    printf("\n");
}

static void integers(void)
{
    v128_t a = bytes_at(0), b = bytes_at(16), c = bytes_at(32);
    int n = bytes_in[48] % 8, big = 33 + bytes_in[49] % 5;
    show("i8x16.add_sat_s", wasm_i8x16_add_sat(a, b));
    show("i8x16.sub_sat_u", wasm_u8x16_sub_sat(a, b));
    show("i16x8.add_sat_u", wasm_u16x8_add_sat(a, b));
    show("i16x8.mul", wasm_i16x8_mul(a, b));
    show("i32x4.mul", wasm_i32x4_mul(a, b));
    show("i64x2.mul", wasm_i64x2_mul(a, b));
    show("i8x16.min_s", wasm_i8x16_min(a, b));
    show("i8x16.max_u", wasm_u8x16_max(a, b));
    show("i32x4.min_u", wasm_u32x4_min(a, b));
    show("i8x16.avgr_u", wasm_u8x16_avgr(a, b));
    show("i16x8.avgr_u", wasm_u16x8_avgr(a, b));
    show("i8x16.abs", wasm_i8x16_abs(a));
    show("i64x2.abs", wasm_i64x2_abs(b));
    show("i32x4.neg", wasm_i32x4_neg(a));
    show("i8x16.popcnt", wasm_i8x16_popcnt(c));
    show("i8x16.shl", wasm_i8x16_shl(a, n));
    show("i8x16.shr_s(big)", wasm_i8x16_shr(a, big));
    show("i16x8.shr_u", wasm_u16x8_shr(b, n + 9));
    show("i32x4.shl(big)", wasm_i32x4_shl(a, big));
    show("i64x2.shr_s", wasm_i64x2_shr(b, big + 30));
    show("i8x16.lt_s", wasm_i8x16_lt(a, b));
    show("i16x8.ge_u", wasm_u16x8_ge(a, b));
    show("i32x4.gt_s", wasm_i32x4_gt(a, b));
    show("i64x2.le_s", wasm_i64x2_le(a, b));
    printf("bitmask %x %x %x %x\n", wasm_i8x16_bitmask(a), wasm_i16x8_bitmask(b), wasm_i32x4_bitmask(c),
           wasm_i64x2_bitmask(a));
    printf("any/all %d %d %d %d\n", wasm_v128_any_true(wasm_v128_and(a, wasm_i8x16_splat(0))),
           wasm_i8x16_all_true(a), wasm_i16x8_all_true(wasm_v128_or(a, wasm_i16x8_splat(1))),
           wasm_i64x2_all_true(c));
    show("i8x16.narrow_s", wasm_i8x16_narrow_i16x8(a, b));
    show("i8x16.narrow_u", wasm_u8x16_narrow_i16x8(a, b));
    show("i16x8.narrow_u", wasm_u16x8_narrow_i32x4(a, b));
    show("i16x8.extend_high_s", wasm_i16x8_extend_high_i8x16(a));
    show("i32x4.extend_low_u", wasm_u32x4_extend_low_u16x8(b));
    show("i64x2.extend_high_s", wasm_i64x2_extend_high_i32x4(c));
    show("i16x8.extmul_low_u", wasm_u16x8_extmul_low_u8x16(a, b));
    show("i32x4.extmul_high_s", wasm_i32x4_extmul_high_i16x8(a, b));
    show("i64x2.extmul_low_s", wasm_i64x2_extmul_low_i32x4(a, b));
    show("i16x8.extadd_s", wasm_i16x8_extadd_pairwise_i8x16(a));
    show("i32x4.extadd_u", wasm_u32x4_extadd_pairwise_u16x8(b));
    show("i32x4.dot_i16x8_s", wasm_i32x4_dot_i16x8(a, b));
    show("i16x8.q15mulr_sat_s", wasm_i16x8_q15mulr_sat(a, b));
    v128_t min16 = wasm_i16x8_splat(-32768);
    show("q15mulr(min, min)", wasm_i16x8_q15mulr_sat(wasm_v128_xor(min16, wasm_v128_and(a, wasm_i16x8_splat(0))), min16));
}

static void lanes(void)
{
    v128_t a = bytes_at(0), idx = bytes_at(32);
    show("i8x16.swizzle", wasm_i8x16_swizzle(a, idx));
    show("i8x16.shuffle", wasm_i8x16_shuffle(a, idx, 0, 17, 2, 19, 31, 30, 7, 7, 16, 1, 15, 14, 3, 20, 21, 9));
    show("i32x4.shuffle", wasm_i32x4_shuffle(a, idx, 3, 6, 1, 4));
    show("bitselect", wasm_v128_bitselect(a, idx, bytes_at(16)));
    show("andnot", wasm_v128_andnot(a, idx));
    show("replace_lane", wasm_i16x8_replace_lane(a, 5, (int16_t)(bytes_in[50] * 1000)));
    printf("extract %d %u %d %lld\n", wasm_i8x16_extract_lane(a, 3), wasm_u16x8_extract_lane(a, 7),
           wasm_i32x4_extract_lane(idx, 2), (long long)wasm_i64x2_extract_lane(a, 1));
    uint8_t mem[40];
    for (int i = 0; i < 40; i++)
        mem[i] = bytes_in[i + 10];
    show("load8x8_s", wasm_i16x8_load8x8(mem + 1));
    show("load32x2_u", wasm_u64x2_load32x2(mem + 3));
    show("load16_splat", wasm_v128_load16_splat(mem + 5));
    show("load64_zero", wasm_v128_load64_zero(mem + 7));
    show("load32_lane", wasm_v128_load32_lane(mem + 9, a, 2));
    wasm_v128_store16_lane(mem + 20, idx, 6);
    wasm_v128_store64_lane(mem + 25, a, 1);
    show("after lane stores", wasm_v128_load(mem + 20));
}

static void floats(void)
{
    v128_t x = floats_at(0), y = floats_at(4), z = floats_at(8);
    v128_t zeros = wasm_f32x4_make(0.0f, -0.0f, 0.0f, -0.0f), nzeros = wasm_f32x4_neg(zeros);
    show_f32("f32x4.add", wasm_f32x4_add(x, y));
    show_f32("f32x4.mul", wasm_f32x4_mul(x, z));
    show_f32("f32x4.div", wasm_f32x4_div(y, x));
    show_f32("f32x4.sqrt", wasm_f32x4_sqrt(wasm_f32x4_abs(z)));
    show_f32("f32x4.min(0,-0)", wasm_f32x4_min(zeros, nzeros));
    show_f32("f32x4.max(0,-0)", wasm_f32x4_max(zeros, nzeros));
    show_f32("f32x4.pmin(0,-0)", wasm_f32x4_pmin(zeros, nzeros));
    show_f32("f32x4.pmax", wasm_f32x4_pmax(x, z));
    show_f32("f32x4.min(nan)", wasm_f32x4_min(x, wasm_f32x4_div(zeros, zeros)));
    show_f32("f32x4.ceil", wasm_f32x4_ceil(z));
    show_f32("f32x4.floor", wasm_f32x4_floor(z));
    show_f32("f32x4.trunc", wasm_f32x4_trunc(z));
    show_f32("f32x4.nearest", wasm_f32x4_nearest(wasm_f32x4_make(0.5f, 1.5f, 2.5f, -2.5f)));
    show("i32x4.trunc_sat_s", wasm_i32x4_trunc_sat_f32x4(y));
    show("i32x4.trunc_sat_u", wasm_u32x4_trunc_sat_f32x4(z));
    show("trunc_sat(nan)", wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_div(zeros, zeros)));
    show_f32("f32x4.convert_u", wasm_f32x4_convert_u32x4(wasm_i32x4_make(-1, 16777217, 7, 0x7fffffff)));
    v128_t d = wasm_f64x2_make(doubles_in[0], doubles_in[2]);
    show("f32x4.demote", wasm_f32x4_demote_f64x2_zero(d));
    show("f64x2.promote", wasm_f64x2_promote_low_f32x4(x));
    show("f64x2.convert_low_u", wasm_f64x2_convert_low_u32x4(wasm_i32x4_make(-1, 3, 9, 9)));
    show("i32x4.trunc_sat_f64_s", wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_make(doubles_in[0], doubles_in[3])));
    show("f64x2.nearest", wasm_f64x2_nearest(wasm_f64x2_make(doubles_in[2], doubles_in[3])));
    show("f64x2.lt", wasm_f64x2_lt(d, wasm_f64x2_splat(doubles_in[1])));
}

/* Loops clang vectorizes at -O2 by itself: a dot product of bytes and a byte search. */
static uint8_t text[4096];

static uint32_t dot_bytes(const uint8_t *p, const uint8_t *q, int n)
{
    uint32_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += (uint32_t)p[i] * q[i];
    return sum;
}

static int count_byte(const uint8_t *p, int n, uint8_t wanted)
{
    int count = 0;
    for (int i = 0; i < n; i++)
        count += p[i] == wanted;
    return count;
}

int main(void)
{
    uint32_t seed = 12345;
    for (int i = 0; i < 64; i++) {
        seed = seed * 1103515245u + 12345u;
        bytes_in[i] = (uint8_t)(seed >> 16);
    }
    bytes_in[3] = 0x80;
    bytes_in[19] = 0x7f;
    bytes_in[35] = 16;
    bytes_in[36] = 255;
    integers();
    lanes();
    floats();
    for (int i = 0; i < (int)sizeof text; i++) {
        seed = seed * 1103515245u + 12345u;
        text[i] = (uint8_t)(seed >> 24);
    }
    printf("dot_bytes %u\n", dot_bytes(text, text + 1024, 3000));
    printf("count_byte %d\n", count_byte(text, sizeof text, text[17]));
    return 0;
}
