/* saxpy (y = a*x + y) and dot products over float arrays of 256 Ki elements on 128-bit vectors (vector
   extensions), four accumulators for the dot product so the additions do not wait on each other. */
#include <string.h>
#include "bench.h"

#define N (256 * 1024)
typedef float v4f __attribute__((vector_size(16)));

static float xs[N], ys[N];

static inline v4f load4(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

static void saxpy(float alpha, const float *x, float *y, int n) {
    v4f a = {alpha, alpha, alpha, alpha};
    for (int i = 0; i < n; i += 4)
        store4(y + i, a * load4(x + i) + load4(y + i));
}

static float dot(const float *x, const float *y, int n) {
    v4f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    for (int i = 0; i < n; i += 16) {
        s0 += load4(x + i) * load4(y + i);
        s1 += load4(x + i + 4) * load4(y + i + 4);
        s2 += load4(x + i + 8) * load4(y + i + 8);
        s3 += load4(x + i + 12) * load4(y + i + 12);
    }
    v4f s = (s0 + s1) + (s2 + s3);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

int main(int argc, char **argv) {
    int reps = (int)scaled(1200, bench_scale(argc, argv));
    uint32_t seed = 42;
    for (int i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        xs[i] = (float)(seed >> 9) / 8388608.0f - 1.0f;
        seed = seed * 1664525u + 1013904223u;
        ys[i] = (float)(seed >> 9) / 8388608.0f - 1.0f;
    }
    double total = 0.0;
    for (int r = 0; r < reps; r++) {
        float alpha = (r & 1) ? -0.499f : 0.5f;
        saxpy(alpha, xs, ys, N);
        total += dot(xs, ys, N);
    }
    printf("simd_dot %d %.3f %.6f\n", reps, total, ys[12345]);
    return 0;
}
