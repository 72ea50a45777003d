/* host.c: the call from a generated host-function adapter into the host. What the host function does
 * (Python through cffi, WASI in C) is its own affair; it only reports success or failure. */
#include "rt_internal.h"

void wasmc_host_call(wasmc_host_func *f, uint64_t *args_results)
{
    rt_host_enter();
    int failed = f->call(f->handle, args_results);
    rt_host_leave();
    /* Unwind only after the host returned: long-jumping over Python frames would leave the GIL held. */
    if (failed)
        wasmc_trap(NULL, WASMC_TRAP_HOST);
}
