/* Integer hashing: an open-addressing hash table (linear probing, murmur3 finalizer) filled, probed and
   partly deleted (tombstones), plus an FNV-1a pass over the keys. 64-bit integer multiply, shifts, xors. */
#include "bench.h"

#define CAP (1u << 20)          /* slots; the table holds up to half */
#define EMPTY 0ULL
#define TOMB 1ULL

static uint64_t keys[CAP];
static uint32_t vals[CAP];

static inline uint64_t fmix64(uint64_t k) {
    k ^= k >> 33; k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static void put(uint64_t k, uint32_t v) {
    uint32_t i = (uint32_t)fmix64(k) & (CAP - 1);
    while (keys[i] != EMPTY && keys[i] != k) i = (i + 1) & (CAP - 1);
    keys[i] = k; vals[i] = v;
}

static int64_t get(uint64_t k) {
    uint32_t i = (uint32_t)fmix64(k) & (CAP - 1);
    while (keys[i] != EMPTY) {
        if (keys[i] == k) return vals[i];
        i = (i + 1) & (CAP - 1);
    }
    return -1;
}

static void del(uint64_t k) {
    uint32_t i = (uint32_t)fmix64(k) & (CAP - 1);
    while (keys[i] != EMPTY) {
        if (keys[i] == k) { keys[i] = TOMB; return; }
        i = (i + 1) & (CAP - 1);
    }
}

int main(int argc, char **argv) {
    int rounds = (int)scaled(6, bench_scale(argc, argv));
    const uint32_t n = CAP / 2 - 1000;
    uint64_t check = 0;
    for (int r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < CAP; i++) keys[i] = EMPTY;
        uint64_t seed = 0x1234567ULL + (uint64_t)r;
        for (uint32_t i = 0; i < n; i++) put(fmix64(seed + i) | 2, i);
        uint64_t found = 0;
        for (uint32_t i = 0; i < n; i += 3) del(fmix64(seed + i) | 2);
        for (uint32_t i = 0; i < 2 * n; i++) {
            int64_t v = get(fmix64(seed + i) | 2);
            if (v >= 0) found += (uint64_t)v;
        }
        uint64_t fnv = 0xcbf29ce484222325ULL;
        for (uint32_t i = 0; i < CAP; i++) {
            uint64_t k = keys[i];
            for (int b = 0; b < 8; b++) { fnv ^= (k >> (8 * b)) & 0xff; fnv *= 0x100000001b3ULL; }
        }
        check = mix64(check, found);
        check = mix64(check, fnv);
    }
    printf("hash %d %016llx\n", rounds, (unsigned long long)check);
    return 0;
}
