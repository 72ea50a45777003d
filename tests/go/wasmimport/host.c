/* The host side of hostcalls/main.go for `wasmc compile --link host.c` (runtime_c/wasmc_host.h). */
#include <stdio.h>

#include "wasmc_host.h"

int32_t wasmc_import_env_add(wasmc_vmctx *vm, int32_t a, int32_t b)
{
    (void)vm;
    return a + b;
}

double wasmc_import_env_scale(wasmc_vmctx *vm, double x, int64_t k)
{
    (void)vm;
    return x * (double)k;
}

void wasmc_import_env_log(wasmc_vmctx *vm, int32_t ptr, int32_t n)
{
    const char *text = wasmc_host_memory(vm, (uint32_t)ptr, (uint32_t)n);
    if (text == NULL)
        wasmc_trap(vm, WASMC_TRAP_MEMORY_OOB);
    printf("host log: %.*s\n", (int)n, text);
    fflush(stdout);
}
