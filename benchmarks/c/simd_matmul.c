/* Single-precision matrix multiply on 128-bit vectors (GCC/clang vector extensions: v128 with -msimd128,
   SSE natively): each row of C gets a[i][k] * row k of B, four columns at a time, repeated. */
#include <string.h>
#include "bench.h"

#define N 256
typedef float v4f __attribute__((vector_size(16)));

static float a[N * N], b[N * N], c[N * N];

static inline v4f load4(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

int main(int argc, char **argv) {
    int reps = (int)scaled(120, bench_scale(argc, argv));
    uint32_t x = 12345;
    for (int i = 0; i < N * N; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (float)((x >> 8) % 1000) / 500.0f - 1.0f;
        x = x * 1103515245u + 12345u;
        b[i] = (float)((x >> 8) % 1000) / 500.0f - 1.0f;
    }
    double total = 0.0;
    for (int r = 0; r < reps; r++) {
        memset(c, 0, sizeof c);
        for (int i = 0; i < N; i++) {
            float *crow = c + i * N;
            for (int k = 0; k < N; k++) {
                v4f aik = {a[i * N + k], a[i * N + k], a[i * N + k], a[i * N + k]};
                const float *brow = b + k * N;
                for (int j = 0; j < N; j += 4)
                    store4(crow + j, load4(crow + j) + aik * load4(brow + j));
            }
        }
        for (int i = 0; i < N; i++) total += c[i * N + (i * 7 + r) % N];
        a[r % (N * N)] += 0.5f;   /* keep repetitions distinct */
    }
    printf("simd_matmul %d %.4f\n", reps, total);
    return 0;
}
