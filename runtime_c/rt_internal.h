/* rt_internal.h: what the runtime's own files share and generated code never sees. The ABI is
 * wasmc_rt.h; nothing here is exported under a wasmc_ name, and everything is hidden from the linker
 * so the JIT cannot bind to it by accident. */
#ifndef WASMC_RT_INTERNAL_H
#define WASMC_RT_INTERNAL_H

#include <stdint.h>

#include "wasmc_rt.h"

#define RT_HIDDEN __attribute__((visibility("hidden")))

/* Fault ranges: address ranges whose faults become traps of a given kind (memory reservations, thread
 * stack guards). Lock-free so the signal handler can read them. Returns a slot for rt_range_remove, or
 * -1 when the registry is full. */
RT_HIDDEN int rt_range_add(uintptr_t lo, uintptr_t hi, uint32_t kind);
RT_HIDDEN void rt_range_remove(int slot);

/* Bracket a host function call: a fault while the host runs is the host's bug, not a wasm trap, so the
 * signal handler must not unwind through host frames (a Python callback holds the GIL). */
RT_HIDDEN void rt_host_enter(void);
RT_HIDDEN void rt_host_leave(void);

#endif
