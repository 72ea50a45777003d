/* clock_sleep.c: clocks and sleeping through poll_oneoff. Prints only facts that do not depend on the
 * machine: that the clocks move, and that each sleep lasted at least as long as asked. (The CPU-time
 * clocks are left out: wasmtime answers EBADF for them, wasmc implements them.) */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long long wall = ns(CLOCK_REALTIME);
    printf("realtime after 2020: %d\n", wall > 1577836800LL * 1000000000LL);
    struct timespec res;
    printf("monotonic resolution ok: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_nsec > 0);
    const int ms[] = {1, 20, 100};
    for (int i = 0; i < 3; i++) {
        long long t0 = ns(CLOCK_MONOTONIC);
        struct timespec req = {0, ms[i] * 1000000L};
        nanosleep(&req, NULL);
        long long slept = ns(CLOCK_MONOTONIC) - t0;
        printf("nanosleep %3d ms: long enough %d, not far too long %d\n", ms[i], slept >= ms[i] * 1000000LL,
               slept < (ms[i] + 1000) * 1000000LL);
    }
    long long t0 = ns(CLOCK_MONOTONIC);
    usleep(50000);
    printf("usleep 50 ms: long enough %d\n", ns(CLOCK_MONOTONIC) - t0 >= 50000000LL);
    return 0;
}
