/* Shared by the C benchmarks: the work scale (argv[1], percent of the full run; default 100) and a
   checksum mixer. Only fixed-width types: `long` and pointers differ between wasm32 and the host. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int bench_scale(int argc, char **argv) {
    int s = argc > 1 ? atoi(argv[1]) : 100;
    return s > 0 ? s : 1;
}

/* n * scale / 100, at least 1 */
static inline int64_t scaled(int64_t n, int scale) {
    int64_t v = n * scale / 100;
    return v > 0 ? v : 1;
}

static inline uint64_t mix64(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}
#endif
