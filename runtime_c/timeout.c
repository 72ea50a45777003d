/* timeout.c: wasmtime's -W timeout. A timer thread sets wasmc_interrupt when the time is up; code compiled
 * interruptible checks it at function entries and loop headers and traps with WASMC_TRAP_INTERRUPT. A
 * thread rather than a signal timer, so no system call of the guest is cut short by EINTR. A guest
 * blocked in a host call (a sleep, a read) reaches no check: the host's `expired` callback, called
 * WASMC_TIMEOUT_GRACE_NS later, can end it as wasmtime does (its own timer cancels the call). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "rt_internal.h"

volatile uint32_t wasmc_interrupt;

static uint64_t timeout_nanos;
static void (*timeout_expired)(void);

static void sleep_for(uint64_t nanos)
{
    struct timespec left = {(time_t)(nanos / 1000000000u), (long)(nanos % 1000000000u)};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

static void *sleep_then_interrupt(void *unused)
{
    (void)unused;
    sleep_for(timeout_nanos);
    wasmc_interrupt = 1;
    if (timeout_expired != NULL) {
        sleep_for(WASMC_TIMEOUT_GRACE_NS);
        timeout_expired();
    }
    return NULL;
}

int wasmc_set_timeout(uint64_t nanos, void (*expired)(void))
{
    timeout_nanos = nanos;
    timeout_expired = expired;
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0)
        return -1;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 << 10);     /* it only sleeps */
    int r = pthread_create(&thread, &attr, sleep_then_interrupt, NULL);
    pthread_attr_destroy(&attr);
    return r == 0 ? 0 : -1;
}
