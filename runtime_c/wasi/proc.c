/* proc.c: args, environ, random_get, proc_exit, proc_raise and sched_yield. */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <sched.h>
#include <sys/random.h>

#include "wasi.h"

/* Lay out `n` NUL-terminated strings as preview1 wants them: an array of n u32 pointers at `ptrs` into
 * the string bytes packed at `buf`. Everything is bounds-checked before the first byte is written. */
static int32_t put_strings(wasmc_vmctx *vm, char **strings, int n, int32_t ptrs, int32_t buf)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += strlen(strings[i]) + 1;
    uint8_t *ptr_out = wasi_mem(vm, (uint32_t)ptrs, (uint64_t)n * 4);
    uint8_t *buf_out = wasi_mem(vm, (uint32_t)buf, total);
    if (ptr_out == NULL || buf_out == NULL)
        return WASI_EFAULT;
    uint32_t at = (uint32_t)buf;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(strings[i]) + 1;
        wasi_put_u32(ptr_out + 4 * (size_t)i, at);
        memcpy(buf_out, strings[i], len);
        buf_out += len;
        at += (uint32_t)len;
    }
    return 0;
}

static int32_t put_sizes(wasmc_vmctx *vm, char **strings, int n, int32_t count_out, int32_t size_out)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += strlen(strings[i]) + 1;
    uint8_t *count = wasi_mem(vm, (uint32_t)count_out, 4);
    uint8_t *size = wasi_mem(vm, (uint32_t)size_out, 4);
    if (count == NULL || size == NULL)
        return WASI_EFAULT;
    if (total > UINT32_MAX)
        return WASI_EOVERFLOW;
    wasi_put_u32(count, (uint32_t)n);
    wasi_put_u32(size, (uint32_t)total);
    return 0;
}

int32_t wasmc_wasi_args_get(wasmc_vmctx *vm, int32_t argv, int32_t argv_buf)
{
    wasmc_wasi *w = vm->host;
    return put_strings(vm, w->argv, w->argc, argv, argv_buf);
}

int32_t wasmc_wasi_args_sizes_get(wasmc_vmctx *vm, int32_t argc_out, int32_t argv_buf_size_out)
{
    wasmc_wasi *w = vm->host;
    return put_sizes(vm, w->argv, w->argc, argc_out, argv_buf_size_out);
}

int32_t wasmc_wasi_environ_get(wasmc_vmctx *vm, int32_t environ, int32_t environ_buf)
{
    wasmc_wasi *w = vm->host;
    return put_strings(vm, w->environ, w->envc, environ, environ_buf);
}

int32_t wasmc_wasi_environ_sizes_get(wasmc_vmctx *vm, int32_t count_out, int32_t buf_size_out)
{
    wasmc_wasi *w = vm->host;
    return put_sizes(vm, w->environ, w->envc, count_out, buf_size_out);
}

int32_t wasmc_wasi_random_get(wasmc_vmctx *vm, int32_t buf, int32_t buf_len)
{
    uint8_t *out = wasi_mem(vm, (uint32_t)buf, (uint32_t)buf_len);
    if (out == NULL)
        return WASI_EFAULT;
    size_t left = (uint32_t)buf_len;
    while (left > 0) {
        /* getrandom returns at most 32 MiB per call and may be interrupted; loop until filled. */
        ssize_t n = getrandom(out, left, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno(errno);
        }
        out += n;
        left -= (size_t)n;
    }
    return 0;
}

void wasmc_wasi_proc_exit(wasmc_vmctx *vm, int32_t code)
{
    (void)vm;
    wasmc_exit(code);
}

/* Raising host signals on behalf of the guest is not something a sandbox should do; wasmtime answers
 * ENOTSUP, and programs must see what they see under wasmtime. */
int32_t wasmc_wasi_proc_raise(wasmc_vmctx *vm, int32_t sig)
{
    (void)vm;
    (void)sig;
    return WASI_ENOTSUP;
}

int32_t wasmc_wasi_sched_yield(wasmc_vmctx *vm)
{
    (void)vm;
    sched_yield();
    return 0;
}
