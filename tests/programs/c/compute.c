/* compute.c: CPU work whose results are easy to check: SHA-256 of known strings, a sort of pseudo-random
 * 64-bit numbers, integer and floating-point arithmetic (printf of doubles), and a tiny Mandelbrot set. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256(const uint8_t *msg, size_t len, uint8_t out[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t total = ((len + 9 + 63) / 64) * 64;
    uint8_t *buf = calloc(total, 1);
    memcpy(buf, msg, len);
    buf[len] = 0x80;
    for (int i = 0; i < 8; i++)
        buf[total - 1 - i] = (uint8_t)(((uint64_t)len * 8) >> (8 * i));
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)buf[off + 4 * i] << 24 | buf[off + 4 * i + 1] << 16 | buf[off + 4 * i + 2] << 8 | buf[off + 4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
    free(buf);
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    const char *texts[] = {"", "abc", "The quick brown fox jumps over the lazy dog"};
    for (int t = 0; t < 3; t++) {
        uint8_t d[32];
        sha256((const uint8_t *)texts[t], strlen(texts[t]), d);
        printf("sha256(\"%s\") = ", texts[t]);
        for (int i = 0; i < 32; i++)
            printf("%02x", d[i]);
        printf("\n");
    }
    enum { N = 10000 };
    uint64_t *v = malloc(N * sizeof *v), x = 88172645463325252ull, sum = 0;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        v[i] = x;
    }
    qsort(v, N, sizeof *v, cmp_u64);
    int sorted = 1;
    for (int i = 0; i < N; i++) {
        sorted &= i == 0 || v[i - 1] <= v[i];
        sum = sum * 31 + v[i];
    }
    printf("sorted %d, min %" PRIu64 ", max %" PRIu64 ", hash %016" PRIx64 "\n", sorted, v[0], v[N - 1], sum);
    printf("int: %" PRId64 " %" PRId64 " %" PRIu64 " %d %d\n", INT64_MIN / 7, INT64_MIN % 7, UINT64_MAX / 3,
           -7 / 2, -7 % 2);
    double acc = 0;
    for (int i = 1; i <= 1000; i++)
        acc += 1.0 / ((double)i * i);
    printf("double: pi^2/6 ~ %.12f, sqrt2 %.15f, exp1 %.15f, sin(1) %.15f\n", acc, sqrt(2.0), exp(1.0), sin(1.0));
    printf("float: %.7g %.7g %g %g %g\n", 1.0f / 3.0f, (float)M_PI, nan("") != nan(""), 1.0 / 0.0, -0.0);
    printf("rounding: %.0f %.0f %.0f %ld %lld\n", rint(2.5), rint(3.5), nearbyint(-2.5), lrint(7.5), llround(-7.5));
    for (int row = 0; row < 12; row++) {
        char line[41];
        for (int col = 0; col < 40; col++) {
            double cr = -2.2 + col * 3.0 / 40, ci = -1.2 + row * 2.4 / 12, zr = 0, zi = 0;
            int k = 0;
            while (k < 60 && zr * zr + zi * zi < 4) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci, zr = t, k++;
            }
            line[col] = " .:-=+*#%@"[k * 9 / 60];
        }
        line[40] = 0;
        printf("|%s|\n", line);
    }
    return 0;
}
