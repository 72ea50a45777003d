/* poll.c: poll_oneoff with clock subscriptions (relative and absolute, the earliest one wins) and fd
 * subscriptions (stdin is a regular file with data, stdout is writable, a closed fd reports EBADF).
 * Events are printed sorted by userdata; timings only as "at least as long as asked". */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

static __wasi_timestamp_t now(void)
{
    __wasi_timestamp_t t;
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_timestamp_t timeout, int abstime)
{
    __wasi_subscription_t s = {.userdata = ud};
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 1000;
    s.u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd)
{
    __wasi_subscription_t s = {.userdata = ud};
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

static int by_userdata(const void *a, const void *b)
{
    const __wasi_event_t *x = a, *y = b;
    return x->userdata < y->userdata ? -1 : x->userdata > y->userdata;
}

static void poll(const char *what, __wasi_subscription_t *subs, int n)
{
    __wasi_event_t events[8];
    __wasi_size_t got = 0;
    __wasi_timestamp_t t0 = now();
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, n, &got);
    __wasi_timestamp_t t1 = now();
    qsort(events, got, sizeof events[0], by_userdata);
    printf("%s: errno %d, %u event(s)\n", what, err, got);
    for (__wasi_size_t i = 0; i < got; i++)
        printf("  userdata %llu type %d error %d%s\n", (unsigned long long)events[i].userdata, events[i].type,
               events[i].error,
               events[i].type == __WASI_EVENTTYPE_FD_READ && events[i].error == 0
                   ? (events[i].fd_readwrite.nbytes > 0 ? " nbytes>0" : " nbytes=0") : "");
    if (got == 1 && events[0].type == __WASI_EVENTTYPE_CLOCK) {
        const __wasi_subscription_t *s = &subs[0];
        for (int i = 0; i < n; i++)
            if (subs[i].userdata == events[0].userdata)
                s = &subs[i];
        int long_enough = s->u.u.clock.flags ? t1 >= s->u.u.clock.timeout : t1 - t0 >= s->u.u.clock.timeout;
        printf("  waited long enough: %d\n", long_enough);
    }
}

int main(void)
{
    __wasi_subscription_t subs[4];
    subs[0] = clock_sub(1, 20000000, 0);
    poll("relative 20 ms", subs, 1);
    subs[0] = clock_sub(2, now() + 30000000, 1);
    poll("absolute now+30 ms", subs, 1);
    subs[0] = clock_sub(3, 200000000, 0);
    subs[1] = clock_sub(4, 10000000, 0);
    poll("200 ms and 10 ms", subs, 2);
    subs[0] = clock_sub(5, 0, 0);
    poll("zero timeout", subs, 1);
    subs[0] = fd_sub(10, __WASI_EVENTTYPE_FD_READ, 0);
    subs[1] = fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 1);
    subs[2] = clock_sub(12, 5000000000ull, 0);
    poll("stdin readable, stdout writable", subs, 3);
    subs[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, 99);
    subs[1] = clock_sub(21, 5000000000ull, 0);
    poll("closed fd", subs, 2);
    char line[64];
    printf("stdin still reads: %s", fgets(line, sizeof line, stdin) ? line : "(nothing)\n");
    return 0;
}
