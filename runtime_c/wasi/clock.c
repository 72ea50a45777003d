/* clock.c: clock_res_get and clock_time_get over clock_gettime. WASI clock ids 0-3 are realtime,
 * monotonic, process CPU time and thread CPU time; anything else is EINVAL. The two calls refuse the
 * CPU-time clocks with EBADF, as wasmtime does (wasi-libc's clock() then fails there too). */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <time.h>

#include "wasi.h"

static int host_clock(uint32_t clock_id, clockid_t *out)
{
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (clock_id >= sizeof ids / sizeof ids[0])
        return WASI_EINVAL;
    *out = ids[clock_id];
    return 0;
}

int32_t wasi_clock_now(uint32_t clock_id, uint64_t *ns)
{
    clockid_t id;
    struct timespec ts;
    if (host_clock(clock_id, &id) != 0)
        return WASI_EINVAL;
    if (clock_gettime(id, &ts) != 0)
        return wasi_errno(errno);
    *ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return 0;
}

int32_t wasmc_wasi_clock_res_get(wasmc_vmctx *vm, int32_t clock_id, int32_t res_out)
{
    clockid_t id;
    struct timespec ts;
    uint8_t *out = wasi_mem(vm, (uint32_t)res_out, 8);
    if (out == NULL)
        return WASI_EFAULT;
    if (host_clock((uint32_t)clock_id, &id) != 0)
        return WASI_EINVAL;
    if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID)
        return WASI_EBADF;
    if (clock_getres(id, &ts) != 0)
        return wasi_errno(errno);
    wasi_put_u64(out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    return 0;
}

/* `precision` is a hint the spec lets hosts ignore. */
int32_t wasmc_wasi_clock_time_get(wasmc_vmctx *vm, int32_t clock_id, int64_t precision, int32_t time_out)
{
    (void)precision;
    uint64_t ns;
    uint8_t *out = wasi_mem(vm, (uint32_t)time_out, 8);
    if (out == NULL)
        return WASI_EFAULT;
    if (clock_id == 2 || clock_id == 3)
        return WASI_EBADF;   /* the CPU-time clocks, see above */
    int32_t err = wasi_clock_now((uint32_t)clock_id, &ns);
    if (err == 0)
        wasi_put_u64(out, ns);
    return err;
}
