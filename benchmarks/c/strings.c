/* String processing: generate text, tokenize it into words, count them in a chained hash table keyed by
   string (strcmp), upper-case and reverse words, run-length encode, and search for substrings. */
#include <string.h>
#include "bench.h"

#define TEXT (4 << 20)
#define BUCKETS 4096

typedef struct Entry { struct Entry *next; char *word; uint32_t count; } Entry;

static char text[TEXT + 1];
static char scratch[TEXT * 2 + 16];
static Entry *buckets[BUCKETS];
static const char *syll[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qua", "tri", "ong"};

static uint32_t hstr(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) { h ^= (uint8_t)*s++; h *= 16777619u; }
    return h;
}

static void count(const char *w) {
    uint32_t b = hstr(w) & (BUCKETS - 1);
    for (Entry *e = buckets[b]; e; e = e->next)
        if (strcmp(e->word, w) == 0) { e->count++; return; }
    Entry *e = malloc(sizeof *e);
    e->word = strdup(w); e->count = 1; e->next = buckets[b]; buckets[b] = e;
}

static int find_all(const char *hay, const char *needle) {
    int n = 0; size_t m = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < m && p[i] == needle[i]) i++;
        if (i == m) n++;
    }
    return n;
}

int main(int argc, char **argv) {
    int reps = (int)scaled(3, bench_scale(argc, argv));
    uint64_t check = 0;
    uint32_t x = 88172645u;
    for (int r = 0; r < reps; r++) {
        int len = 0;
        while (len < TEXT - 32) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            int ns = 1 + (x >> 28) % 4;
            for (int i = 0; i < ns; i++) {
                const char *s = syll[(x >> (4 * i)) % 12];
                while (*s) text[len++] = *s++;
            }
            text[len++] = (x & 0xf) == 0 ? '\n' : ' ';
        }
        text[len] = 0;
        /* tokenize and count */
        char word[64];
        int wl = 0, words = 0;
        for (int i = 0; i <= len; i++) {
            char c = text[i];
            if (c >= 'a' && c <= 'z') { if (wl < 63) word[wl++] = c; }
            else if (wl) { word[wl] = 0; count(word); words++; wl = 0; }
        }
        /* upper-case + reverse every word into scratch */
        int o = 0, start = 0;
        for (int i = 0; i <= len; i++) {
            if (text[i] == ' ' || text[i] == '\n' || text[i] == 0) {
                for (int j = i - 1; j >= start; j--) scratch[o++] = (char)(text[j] - 32);
                scratch[o++] = text[i] ? text[i] : '.';
                start = i + 1;
            }
        }
        scratch[o] = 0;
        /* run-length encode the upper-cased text into the upper half */
        char *rle = scratch + o + 1; int q = 0;
        for (int i = 0; i < o && q < TEXT - 8;) {
            int j = i; while (j < o && scratch[j] == scratch[i] && j - i < 9) j++;
            rle[q++] = (char)('0' + (j - i)); rle[q++] = scratch[i]; i = j;
        }
        rle[q] = 0;
        int hits = find_all(text, "kaloka") + find_all(text, "ongtri") + find_all(scratch, "AKOL");
        uint32_t best = 0; const char *bw = "";
        for (int b = 0; b < BUCKETS; b++)
            for (Entry *e = buckets[b]; e; e = e->next)
                if (e->count > best || (e->count == best && strcmp(e->word, bw) < 0)) { best = e->count; bw = e->word; }
        check = mix64(check, (uint64_t)words);
        check = mix64(check, (uint64_t)hits);
        check = mix64(check, hstr(rle));
        check = mix64(check, (uint64_t)best * 31 + hstr(bw));
    }
    printf("strings %d %016llx\n", reps, (unsigned long long)check);
    return 0;
}
