/* memory.c: heap growth through memory.grow: allocates argv[1] MiB in 1 MiB blocks, writes and checks
 * each, frees half, reallocates, then one large calloc; reports memory size in pages as it goes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int mib = argc > 1 ? atoi(argv[1]) : 64;
    printf("initial pages: %zu\n", __builtin_wasm_memory_size(0));
    char **blocks = calloc(mib, sizeof *blocks);
    for (int i = 0; i < mib; i++) {
        blocks[i] = malloc(1 << 20);
        if (blocks[i] == NULL) {
            printf("malloc %d failed\n", i);
            return 1;
        }
        memset(blocks[i], i & 0xff, 1 << 20);
    }
    printf("after %d MiB: at least %d pages: %d\n", mib, mib * 16, __builtin_wasm_memory_size(0) >= (size_t)mib * 16);
    int ok = 1;
    for (int i = 0; i < mib; i++)
        ok &= blocks[i][i * 4099 % (1 << 20)] == (char)(i & 0xff);
    printf("contents ok: %d\n", ok);
    for (int i = 0; i < mib; i += 2)
        free(blocks[i]);
    for (int i = 0; i < mib; i += 2)
        blocks[i] = realloc(NULL, 512 << 10);
    size_t before = __builtin_wasm_memory_size(0);
    uint32_t *z = calloc(32 << 20, 1);
    size_t nonzero = 0;
    for (size_t i = 0; i < (32u << 20) / 4; i += 1024)
        nonzero += z[i] != 0;
    printf("calloc 32 MiB: %s, nonzero words %zu, grew %d\n", z ? "ok" : "failed", nonzero, __builtin_wasm_memory_size(0) > before);
    printf("grow by 0: %zu == size: %d\n", __builtin_wasm_memory_grow(0, 0), __builtin_wasm_memory_grow(0, 0) == __builtin_wasm_memory_size(0));
    printf("grow past 4 GiB: %ld\n", (long)__builtin_wasm_memory_grow(0, 65536));
    void *huge = malloc((size_t)3 << 30);
    printf("malloc 3 GiB: %s\n", huge ? "ok" : "NULL");
    return 0;
}
