/* traps.c: one trap per run, chosen by argv[1], after writing to stdout and stderr (both flushed).
 * The host must report the trap the way wasmtime does: exit code 134 and the same trap kind. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int (*unary)(int);
typedef long long (*binary)(long long, long long);

static int twice(int x) { return 2 * x; }

/* Recursion through a volatile pointer: LLVM can neither turn it into a loop nor prove it ends, and it
 * keeps no locals in linear memory, so only the native stack runs out. */
static int deep(int n);
static int (*volatile self)(int) = deep;
static int deep(int n) { return self(n + 1) + 1; }

volatile int zero = 0, minus_one = -1, int_min = INT_MIN;
volatile double big = 1e300;
volatile unary table[2] = {twice, NULL};

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "unreachable";
    printf("about to trap: %s\n", kind);
    fprintf(stderr, "stderr before the trap\n");
    fflush(stdout);
    int r = 0;
    if (strcmp(kind, "unreachable") == 0)
        __builtin_trap();
    else if (strcmp(kind, "oob") == 0)
        r = *(volatile int *)(uintptr_t)0xfffffff0u;
    else if (strcmp(kind, "divzero") == 0)
        r = 100 / zero;   /* 1 / x would become a select, without a division */
    else if (strcmp(kind, "overflow") == 0)
        r = int_min / minus_one;
    else if (strcmp(kind, "convert") == 0)
        r = __builtin_wasm_trunc_s_i32_f64(big);
    else if (strcmp(kind, "indirect_null") == 0)
        r = table[1](3);
    else if (strcmp(kind, "indirect_type") == 0)
        r = (int)((binary)(void *)table[0])(1, 2);
    else if (strcmp(kind, "stack") == 0)
        r = deep(0);
    printf("not reached: %d\n", r);
    return 0;
}
