/* Memory-bound stencil: Jacobi iterations of a 5-point Laplacian on a 2048x2048 grid of doubles
   (two 32 MiB arrays, far beyond cache). */
#include "bench.h"

#define W 2048
#define H 2048

static double g0[W * H], g1[W * H];

int main(int argc, char **argv) {
    int iters = (int)scaled(36, bench_scale(argc, argv));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            g0[y * W + x] = g1[y * W + x] = (x == 0 || y == 0 || x == W - 1 || y == H - 1) ? 1.0 : 0.0;
    g0[(H / 2) * W + W / 2] = 1000.0;
    double *src = g0, *dst = g1;
    for (int it = 0; it < iters; it++) {
        for (int y = 1; y < H - 1; y++) {
            const double *up = src + (y - 1) * W, *row = src + y * W, *dn = src + (y + 1) * W;
            double *out = dst + y * W;
            for (int x = 1; x < W - 1; x++)
                out[x] = 0.2 * (row[x] + row[x - 1] + row[x + 1] + up[x] + dn[x]);
        }
        double *t = src; src = dst; dst = t;
    }
    double sum = 0.0;
    for (int i = 0; i < W * H; i += 7) sum += src[i];
    printf("stencil %d %.9f %.9f\n", iters, sum, src[(H / 2) * W + W / 2]);
    return 0;
}
