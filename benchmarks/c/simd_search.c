/* Byte search in 4 MiB of text on 128-bit vectors (vector extensions): counting a byte, and finding every
   occurrence of a needle by comparing 16 positions at once against its first and last bytes, checking
   only where both match. */
#include <string.h>
#include "bench.h"

#define N (4 << 20)
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef uint64_t v2u64 __attribute__((vector_size(16)));

static uint8_t text[N + 64];

static inline v16u8 load16(const uint8_t *p) { v16u8 v; memcpy(&v, p, sizeof v); return v; }

static int64_t count_byte(const uint8_t *p, int n, uint8_t c) {
    v16u8 want = (v16u8){0} + c, acc = {0};
    int64_t total = 0;
    for (int i = 0; i < n; i += 16) {
        acc -= (v16u8)(load16(p + i) == want);      /* each match adds 1 to its lane */
        if ((i & (255 * 16 - 1)) == 255 * 16 - 16) {  /* before a lane can overflow */
            for (int k = 0; k < 16; k++) total += acc[k];
            acc = (v16u8){0};
        }
    }
    for (int k = 0; k < 16; k++) total += acc[k];
    return total;
}

static int64_t find_all(const uint8_t *p, int n, const char *needle, uint64_t *hash) {
    int m = (int)strlen(needle);
    v16u8 first = (v16u8){0} + (uint8_t)needle[0], last = (v16u8){0} + (uint8_t)needle[m - 1];
    int64_t found = 0;
    for (int i = 0; i + m + 15 <= n; i += 16) {
        v16u8 hit = (load16(p + i) == first) & (load16(p + i + m - 1) == last);
        v2u64 halves = (v2u64)hit;
        if ((halves[0] | halves[1]) == 0)
            continue;
        for (int k = 0; k < 16; k++)
            if (hit[k] && memcmp(p + i + k + 1, needle + 1, (size_t)m - 2) == 0) {
                found++;
                *hash = mix64(*hash, (uint64_t)(i + k));
            }
    }
    return found;
}

int main(int argc, char **argv) {
    int reps = (int)scaled(120, bench_scale(argc, argv));
    uint32_t seed = 99;
    for (int i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        text[i] = (uint8_t)("etaoinshrdlucmfwypvbgkjqxz  \n.,"[(seed >> 24) % 31]);
    }
    static const char *needles[] = {"the", "zq", "onion", "river", "xylophone", "a.b"};
    uint64_t h = 0;
    int64_t total = 0;
    for (int r = 0; r < reps; r++) {
        total += count_byte(text, N, (uint8_t)"etaoin"[r % 6]);
        total += find_all(text, N, needles[r % 6], &h);
    }
    printf("simd_search %d %lld %016llx\n", reps, (long long)total, (unsigned long long)h);
    return 0;
}
