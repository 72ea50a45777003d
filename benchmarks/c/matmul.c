/* Dense double-precision matrix multiply (i-k-j order, vectorisable inner loop), repeated. */
#include "bench.h"

#define N 384

static double a[N * N], b[N * N], c[N * N];

int main(int argc, char **argv) {
    int reps = (int)scaled(25, bench_scale(argc, argv));
    uint32_t x = 12345;
    for (int i = 0; i < N * N; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (double)((x >> 8) % 1000) / 500.0 - 1.0;
        x = x * 1103515245u + 12345u;
        b[i] = (double)((x >> 8) % 1000) / 500.0 - 1.0;
    }
    double total = 0.0;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < N * N; i++) c[i] = 0.0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i * N + k];
                for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
            }
        for (int i = 0; i < N; i++) total += c[i * N + (i * 7 + r) % N];
        a[r % (N * N)] += 0.5;   /* keep repetitions distinct */
    }
    printf("matmul %d %.6f\n", reps, total);
    return 0;
}
