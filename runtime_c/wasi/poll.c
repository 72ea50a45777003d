/* poll.c: poll_oneoff. Clock subscriptions really sleep (Go's time.Sleep, timers and idle scheduler all
 * wait here); fd subscriptions wait in ppoll. As under wasmtime, the whole call fails with EBADF for an fd
 * that cannot take the subscription (closed, a directory, stdin for writing, stdout or stderr for
 * reading) and with EINVAL for a clock other than realtime and monotonic; events on stdio and regular
 * files carry nbytes 1 (a file at its end says HANGUP). */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

/* subscription: userdata u64 @0, tag u8 @8; clock: id u32 @16, timeout u64 @24, precision u64 @32,
 * flags u16 @40; fd_read/fd_write: fd u32 @16. event: userdata u64 @0, error u16 @8, type u8 @10,
 * nbytes u64 @16, flags u16 @24. */
#define SUB_SIZE 48
#define EVENT_SIZE 32
enum { TAG_CLOCK = 0, TAG_FD_READ = 1, TAG_FD_WRITE = 2 };
#define SUBCLOCK_ABSTIME 1
#define EVENT_FD_HANGUP 1

static uint64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_event(uint8_t *ev, const uint8_t *sub, uint16_t error, uint64_t nbytes, uint16_t flags)
{
    memset(ev, 0, EVENT_SIZE);
    wasi_put_u64(ev, wasi_get_u64(sub));
    wasi_put_u16(ev + 8, error);
    wasi_put_u8(ev + 10, sub[8]);
    wasi_put_u64(ev + 16, nbytes);
    wasi_put_u16(ev + 24, flags);
}

/* Whether `slot` can take a subscription of type `tag`, as in wasmtime. */
static int pollable(const wasi_fd *slot, uint8_t tag)
{
    if (slot == NULL)
        return 0;
    if (slot->stdio)
        return slot->stdio == (tag == TAG_FD_READ ? WASI_STDIO_IN : WASI_STDIO_OUT);
    return slot->filetype != WASI_FILETYPE_DIRECTORY;
}

/* Bytes readable without blocking, for the event's nbytes on fds wasmtime has no rule for (sockets, pipes
 * opened by path): 0 when the host cannot tell. */
static uint64_t readable_bytes(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
    }
    int n = 0;
    return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

int32_t wasmc_wasi_poll_oneoff(wasmc_vmctx *vm, int32_t in, int32_t out, int32_t nsubscriptions,
                               int32_t nevents_out)
{
    uint32_t n = (uint32_t)nsubscriptions;
    if (n == 0)
        return WASI_EINVAL;
    const uint8_t *subs = wasi_mem(vm, (uint32_t)in, (uint64_t)n * SUB_SIZE);
    uint8_t *events = wasi_mem(vm, (uint32_t)out, (uint64_t)n * EVENT_SIZE);
    uint8_t *nevents = wasi_mem(vm, (uint32_t)nevents_out, 4);
    if (subs == NULL || events == NULL || nevents == NULL)
        return WASI_EFAULT;

    /* deadline[i]: monotonic ns at which clock subscription i fires; pfd_of[i]: its pollfd, or -1. */
    /* stdio_of[j]: whether pollfd j is a stdio slot (its events follow wasmtime's stream rule). */
    uint64_t *deadline = calloc(n, sizeof *deadline);
    int *pfd_of = malloc(n * sizeof *pfd_of);
    struct pollfd *pfds = calloc(n, sizeof *pfds);
    uint8_t *stdio_of = calloc(n, 1);
    if (deadline == NULL || pfd_of == NULL || pfds == NULL || stdio_of == NULL) {
        free(deadline), free(pfd_of), free(pfds), free(stdio_of);
        return WASI_ENOMEM;
    }
    uint32_t count = 0, npfds = 0;
    int have_clock = 0;
    uint64_t start = mono_now(), earliest = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *sub = subs + (size_t)i * SUB_SIZE;
        pfd_of[i] = -1;
        if (sub[8] == TAG_CLOCK) {
            uint32_t id = wasi_get_u32(sub + 16);
            uint64_t timeout = wasi_get_u64(sub + 24), now, wait;
            if (id > 1 || wasi_clock_now(id, &now) != 0) {   /* not realtime or monotonic */
                free(deadline), free(pfd_of), free(pfds), free(stdio_of);
                return WASI_EINVAL;
            }
            if (wasi_get_u16(sub + 40) & SUBCLOCK_ABSTIME)
                wait = timeout > now ? timeout - now : 0;
            else
                wait = timeout;
            /* Waits on any clock are measured on the monotonic one; a CPU-time clock only approximates. */
            deadline[i] = wait > UINT64_MAX - start ? UINT64_MAX - 1 : start + wait;
            if (deadline[i] < earliest)
                earliest = deadline[i];
            have_clock = 1;
        } else if (sub[8] == TAG_FD_READ || sub[8] == TAG_FD_WRITE) {
            deadline[i] = UINT64_MAX;
            wasi_fd *slot = wasi_fd_get(vm, (int32_t)wasi_get_u32(sub + 16));
            if (!pollable(slot, sub[8])) {   /* wasmtime fails the whole call */
                free(deadline), free(pfd_of), free(pfds), free(stdio_of);
                return WASI_EBADF;
            }
            stdio_of[npfds] = slot->stdio != WASI_STDIO_NONE;
            pfds[npfds] = (struct pollfd){.fd = slot->host, .events = sub[8] == TAG_FD_READ ? POLLIN : POLLOUT};
            pfd_of[i] = (int)npfds++;
        } else {
            deadline[i] = UINT64_MAX;
            put_event(events + (size_t)count++ * EVENT_SIZE, sub, WASI_EINVAL, 0, 0);
        }
    }

    int32_t err = 0;
    /* Wait until an fd is ready or the earliest clock fires; an error event already found means no wait. */
    for (;;) {
        uint64_t now = mono_now();
        int timed_out = have_clock && now >= earliest;
        if (count > 0 || timed_out)
            break;
        if (npfds == 0) {
            struct timespec until = {.tv_sec = (time_t)(earliest / 1000000000u),
                                     .tv_nsec = (long)(earliest % 1000000000u)};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);   /* EINTR: loop re-checks */
            continue;
        }
        struct timespec left, *tp = NULL;
        if (have_clock) {
            uint64_t d = earliest - now;
            left = (struct timespec){.tv_sec = (time_t)(d / 1000000000u), .tv_nsec = (long)(d % 1000000000u)};
            tp = &left;
        }
        int r = ppoll(pfds, npfds, tp, NULL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err = wasi_errno(errno);
            break;
        }
        if (r > 0)
            break;
    }
    if (err == 0) {
        /* Report every ready fd (a final non-blocking look, so error events do not hide ready ones) and
         * every clock that has fired. */
        if (count > 0 && npfds > 0)
            while (ppoll(pfds, npfds, &(struct timespec){0}, NULL) < 0 && errno == EINTR) {}
        uint64_t now = mono_now();
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *sub = subs + (size_t)i * SUB_SIZE;
            if (sub[8] == TAG_CLOCK && deadline[i] != UINT64_MAX && now >= deadline[i]) {
                put_event(events + (size_t)count++ * EVENT_SIZE, sub, 0, 0, 0);
            } else if (pfd_of[i] >= 0 && pfds[pfd_of[i]].revents != 0) {
                int host = pfds[pfd_of[i]].fd;
                short rev = pfds[pfd_of[i]].revents;
                struct stat st;
                if (stdio_of[pfd_of[i]]) {
                    put_event(events + (size_t)count++ * EVENT_SIZE, sub, 0, 1, 0);
                } else if (fstat(host, &st) == 0 && S_ISREG(st.st_mode)) {
                    off_t pos = lseek(host, 0, SEEK_CUR);
                    int at_end = sub[8] == TAG_FD_READ && pos >= st.st_size;
                    put_event(events + (size_t)count++ * EVENT_SIZE, sub, 0, 1, at_end ? EVENT_FD_HANGUP : 0);
                } else {
                    uint16_t error = rev & POLLNVAL ? WASI_EBADF : 0;
                    uint64_t nbytes = sub[8] == TAG_FD_READ && !error ? readable_bytes(host) : 0;
                    put_event(events + (size_t)count++ * EVENT_SIZE, sub, error, nbytes,
                              rev & POLLHUP ? EVENT_FD_HANGUP : 0);
                }
            }
        }
        wasi_put_u32(nevents, count);
    }
    free(deadline), free(pfd_of), free(pfds), free(stdio_of);
    return err;
}
