/* Sorting: an introsort-style quicksort (median of three, insertion sort for small runs) of 32-bit keys,
   and a bottom-up merge sort of 64-bit records. Branchy comparisons and data movement. */
#include "bench.h"

#define N (1 << 20)

static uint32_t arr[N];
static uint64_t rec[N], tmp[N];

static void insertion(uint32_t *a, int n) {
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i]; int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, int n) {
    while (n > 24) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        int left = j + 1;
        if (left < n - left) { quicksort(a, left); a += left; n -= left; }
        else { quicksort(a + left, n - left); n = left; }
    }
    insertion(a, n);
}

static void mergesort(uint64_t *a, uint64_t *t, int n) {
    for (int w = 1; w < n; w *= 2) {
        for (int lo = 0; lo < n; lo += 2 * w) {
            int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) t[k++] = (a[j] >> 32) < (a[i] >> 32) ? a[j++] : a[i++];
            while (i < mid) t[k++] = a[i++];
            while (j < hi) t[k++] = a[j++];
        }
        uint64_t *s = a; a = t; t = s;
        for (int i = 0; i < n; i++) t[i] = a[i];   /* keep the result in the caller's array */
        s = a; a = t; t = s;
    }
}

int main(int argc, char **argv) {
    int reps = (int)scaled(2, bench_scale(argc, argv));
    uint64_t check = 0;
    uint32_t x = 2463534242u;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            arr[i] = x;
            rec[i] = ((uint64_t)(x % 100000) << 32) | (uint32_t)i;   /* stable: ties keep index order */
        }
        quicksort(arr, N);
        mergesort(rec, tmp, N);
        for (int i = 1; i < N; i++)
            if (arr[i - 1] > arr[i] || (rec[i - 1] >> 32) > (rec[i] >> 32)) { printf("unsorted at %d\n", i); return 1; }
        for (int i = 0; i < N; i += 4099) { check = mix64(check, arr[i]); check = mix64(check, rec[i]); }
    }
    printf("sort %d %016llx\n", reps, (unsigned long long)check);
    return 0;
}
