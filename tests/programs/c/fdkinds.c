/* fdkinds.c: every fd_* call (and a path_* call naming the fd as its directory) on each kind of fd: files
 * opened read-only, write-only and read-write, a directory, the preopen, stdin, stdout, stderr and a
 * closed fd; then the numbers path_open hands out after closes and renumbers, fd_readdir cookies and
 * short buffers, transfers with several iovecs (wasmtime moves only the first non-empty one), poll_oneoff
 * on each kind of fd, and the CPU-time clocks. Expects one empty, writable preopened directory (fd 3) and
 * "hello world\n" on stdin; leaves the directory empty and writes to stdout and stderr on the way. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3
#define P(expr) printf("%-72s -> %d\n", #expr, (int)(expr))

static char buf[256];
static __wasi_size_t n;
static __wasi_filesize_t pos;
static __wasi_filestat_t st;
static __wasi_fdstat_t fs;

static void ops(const char *what, __wasi_fd_t fd)
{
    __wasi_iovec_t iov = {(uint8_t *)buf, 4};
    __wasi_ciovec_t ciov = {(const uint8_t *)"abcd", 4};
    __wasi_fd_t o;
    printf("== %s\n", what);
    fflush(stdout);   /* the fd_write below may go to stdout */
    P(__wasi_fd_read(fd, &iov, 1, &n));
    P(__wasi_fd_write(fd, &ciov, 1, &n));
    P(__wasi_fd_pread(fd, &iov, 1, 0, &n));
    P(__wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
    P(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos));
    P(__wasi_fd_tell(fd, &pos));
    P(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
    P(__wasi_fd_allocate(fd, 0, 10));
    P(__wasi_fd_datasync(fd));
    P(__wasi_fd_sync(fd));
    P(__wasi_fd_filestat_set_size(fd, 0));
    P(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    /* dev and ino are wasmtime's own hashes for files, so only whether they are zero is shown */
    __wasi_errno_t err = __wasi_fd_filestat_get(fd, &st);
    printf("fd_filestat_get -> %d: type %d nlink %llu size %llu dev0 %d ino0 %d mtim0 %d\n", err, st.filetype,
           (unsigned long long)st.nlink, (unsigned long long)st.size, st.dev == 0, st.ino == 0, st.mtim == 0);
    P(__wasi_fd_fdstat_set_flags(fd, 0));
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC));
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC));
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    fs.fs_flags = 99;
    (void)__wasi_fd_fdstat_get(fd, &fs);
    printf("fs_flags %d\n", fs.fs_flags);
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    fs.fs_flags = 99;
    (void)__wasi_fd_fdstat_get(fd, &fs);
    printf("fs_flags %d\n", fs.fs_flags);
    P(__wasi_fd_fdstat_set_flags(fd, 0));
    P(__wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &n));
    P(__wasi_fd_prestat_get(fd, &(__wasi_prestat_t){0}));
    P(__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, 100));
    P(__wasi_path_open(fd, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &o));
    P(__wasi_path_filestat_get(fd, 0, "x", &st));
    P(__wasi_path_symlink("x", fd, "y"));
    P(__wasi_path_link(fd, 0, "x", DIR, "y"));
    P(__wasi_path_link(DIR, 1, "x", fd, "y"));
    P(__wasi_path_rename(DIR, "x", fd, "y"));
    P(__wasi_fd_fdstat_set_rights(fd, 0, 0));
}

/* poll_oneoff on one fd (with a 5 s clock that never fires first): the call's errno and the events. */
static void poll_fd(const char *what, __wasi_fd_t fd, __wasi_eventtype_t type)
{
    __wasi_subscription_t subs[2] = {{.userdata = 1}, {.userdata = 2}};
    subs[0].u.tag = type;
    subs[0].u.u.fd_read.file_descriptor = fd;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = 5000000000ull;
    __wasi_event_t events[2];
    __wasi_size_t got = 0;
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &got);
    printf("poll %-28s %s -> %d", what, type == __WASI_EVENTTYPE_FD_READ ? "read " : "write", err);
    for (__wasi_size_t i = 0; err == 0 && i < got; i++)
        printf(" [userdata %llu error %d type %d nbytes %llu flags %d]", (unsigned long long)events[i].userdata,
               events[i].error, events[i].type, (unsigned long long)events[i].fd_readwrite.nbytes,
               events[i].fd_readwrite.flags);
    printf("\n");
}

/* poll_oneoff on a clock alone, timeout 0. */
static void poll_clock(__wasi_clockid_t id)
{
    __wasi_subscription_t sub = {.userdata = 3};
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = id;
    __wasi_event_t event;
    __wasi_size_t got = 0;
    __wasi_errno_t err = __wasi_poll_oneoff(&sub, &event, 1, &got);
    printf("poll clock %d -> %d, %lu event(s)\n", id, err, err == 0 ? (unsigned long)got : 0ul);
}

static __wasi_fd_t open_f(__wasi_rights_t rights)
{
    __wasi_fd_t fd = 99;
    printf("path_open f rights %#llx -> %d\n", (unsigned long long)rights,
           __wasi_path_open(DIR, 0, "f", 0, rights, 0, 0, &fd));
    return fd;
}

int main(void)
{
    __wasi_fd_t fd, a, b, c;
    __wasi_ciovec_t ciov = {(const uint8_t *)"1234", 4};
    P(__wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
    P(__wasi_fd_write(fd, &ciov, 1, &n));
    P(__wasi_fd_close(fd));
    P(__wasi_path_create_directory(DIR, "d"));

    ops("file read-only", fd = open_f(__WASI_RIGHTS_FD_READ));
    (void)__wasi_fd_close(fd);
    ops("file write-only", fd = open_f(__WASI_RIGHTS_FD_WRITE));
    (void)__wasi_fd_close(fd);
    ops("file read-write", fd = open_f(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE));
    (void)__wasi_fd_close(fd);
    P(__wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd));
    ops("directory", fd);
    (void)__wasi_fd_close(fd);
    P(__wasi_path_unlink_file(DIR, "d/y"));   /* the symlink ops() made */
    ops("preopen", DIR);
    P(__wasi_path_unlink_file(DIR, "y"));
    ops("stdin", 0);
    ops("stdout", 1);
    ops("stderr", 2);
    ops("closed", 77);

    /* wasmtime hands out the highest closed fd first, else one past every fd handed out. */
    a = open_f(__WASI_RIGHTS_FD_READ);
    b = open_f(__WASI_RIGHTS_FD_READ);
    c = open_f(__WASI_RIGHTS_FD_READ);
    P(__wasi_fd_close(a));
    P(__wasi_fd_close(b));
    a = open_f(__WASI_RIGHTS_FD_READ);
    b = open_f(__WASI_RIGHTS_FD_READ);
    fd = open_f(__WASI_RIGHTS_FD_READ);
    printf("fds %d %d %d %d\n", a, b, c, fd);
    P(__wasi_fd_renumber(fd, a));
    fd = open_f(__WASI_RIGHTS_FD_READ);
    printf("after renumber %d\n", fd);
    P(__wasi_fd_close(a));
    P(__wasi_fd_close(b));
    P(__wasi_fd_close(c));
    P(__wasi_fd_close(fd));

    /* fd_readdir: cookies are entry indices ("." and ".." first); a short buffer holds part of an entry.
     * Every name is two bytes, so the host's order of entries does not show. */
    for (int i = 0; i < 6; i++) {
        char name[8];
        snprintf(name, sizeof name, "d/e%d", i);
        P(__wasi_path_create_directory(DIR, name));
    }
    P(__wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd));
    for (int len = 0; len < 60; len += 7)
        for (int cookie = 0; cookie < 10; cookie += 3) {
            memset(buf, 0, sizeof buf);
            __wasi_errno_t err = __wasi_fd_readdir(fd, (uint8_t *)buf, len, cookie, &n);
            __wasi_dirent_t e = {0};
            memcpy(&e, buf, sizeof e);
            printf("readdir len %2d cookie %d -> %d used %2lu: next %llu namlen %u type %d\n", len, cookie, err,
                   (unsigned long)n, (unsigned long long)e.d_next, e.d_namlen, e.d_type);
        }
    P(__wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 1000, &n));
    printf("used %lu\n", (unsigned long)n);
    P(__wasi_fd_close(fd));
    for (int i = 0; i < 6; i++) {
        char name[8];
        snprintf(name, sizeof name, "d/e%d", i);
        P(__wasi_path_remove_directory(DIR, name));
    }

    /* Transfers with an empty iovec, then two: only the first non-empty one moves; nothing to move on
     * stdin is EINTR. Offsets past 2^63 are EINVAL, except for fd_advise (a hint). */
    __wasi_ciovec_t out3[3] = {{(const uint8_t *)"", 0}, {(const uint8_t *)"AB", 2}, {(const uint8_t *)"CDE", 3}};
    char x[4], y[4];
    __wasi_iovec_t in3[3] = {{(uint8_t *)x, 0}, {(uint8_t *)x, 2}, {(uint8_t *)y, 3}};
    fd = open_f(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE);
    P(__wasi_fd_write(fd, out3, 3, &n));
    printf("wrote %lu\n", (unsigned long)n);
    P(__wasi_fd_pwrite(fd, out3, 3, 10, &n));
    printf("wrote %lu\n", (unsigned long)n);
    P(__wasi_fd_write(fd, out3, 1, &n));
    printf("wrote %lu\n", (unsigned long)n);
    P(__wasi_fd_write(fd, out3, 0, &n));
    printf("wrote %lu\n", (unsigned long)n);
    P(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    P(__wasi_fd_read(fd, in3, 3, &n));
    printf("read %lu\n", (unsigned long)n);
    P(__wasi_fd_pread(fd, in3, 3, 0, &n));
    printf("read %lu\n", (unsigned long)n);
    P(__wasi_fd_read(fd, in3, 1, &n));
    printf("read %lu\n", (unsigned long)n);
    P(__wasi_fd_pread(fd, in3, 3, 100, &n));
    printf("read %lu\n", (unsigned long)n);
    P(__wasi_fd_pwrite(fd, out3, 3, (__wasi_filesize_t)-5, &n));
    P(__wasi_fd_pread(fd, in3, 3, (__wasi_filesize_t)-5, &n));
    P(__wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &pos));
    P(__wasi_fd_seek(fd, -100, __WASI_WHENCE_END, &pos));
    P(__wasi_fd_seek(fd, 1000, __WASI_WHENCE_END, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    P(__wasi_fd_filestat_set_size(fd, (__wasi_filesize_t)-1));
    P(__wasi_fd_advise(fd, (__wasi_filesize_t)-1, 0, __WASI_ADVICE_NORMAL));
    P(__wasi_fd_close(fd));
    fflush(stdout);
    P(__wasi_fd_write(1, out3, 3, &n));
    printf("\nwrote %lu\n", (unsigned long)n);
    P(__wasi_fd_read(0, in3, 3, &n));
    printf("read %lu\n", (unsigned long)n);
    P(__wasi_fd_read(0, in3, 1, &n));
    P(__wasi_fd_read(0, in3, 0, &n));

    /* poll_oneoff: files are always ready (HANGUP at the end), stdio by direction, the rest EBADF. */
    fd = open_f(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE);
    P(__wasi_fd_filestat_set_size(fd, 0));
    poll_fd("file at its end", fd, __WASI_EVENTTYPE_FD_READ);
    poll_fd("file", fd, __WASI_EVENTTYPE_FD_WRITE);
    P(__wasi_fd_write(fd, &ciov, 1, &n));
    P(__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
    poll_fd("file with 3 bytes left", fd, __WASI_EVENTTYPE_FD_READ);
    P(__wasi_fd_close(fd));
    P(__wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd));
    poll_fd("directory", fd, __WASI_EVENTTYPE_FD_READ);
    poll_fd("directory", fd, __WASI_EVENTTYPE_FD_WRITE);
    P(__wasi_fd_close(fd));
    poll_fd("preopen", DIR, __WASI_EVENTTYPE_FD_READ);
    poll_fd("stdin", 0, __WASI_EVENTTYPE_FD_READ);
    poll_fd("stdin", 0, __WASI_EVENTTYPE_FD_WRITE);
    poll_fd("stdout", 1, __WASI_EVENTTYPE_FD_READ);
    poll_fd("stdout", 1, __WASI_EVENTTYPE_FD_WRITE);
    poll_fd("stderr", 2, __WASI_EVENTTYPE_FD_WRITE);
    poll_fd("closed", 77, __WASI_EVENTTYPE_FD_READ);
    for (__wasi_clockid_t id = 0; id < 4; id++)
        poll_clock(id);

    P(__wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &pos));
    P(__wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &pos));
    P(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &pos));
    P(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &pos));

    P(__wasi_path_unlink_file(DIR, "f"));
    P(__wasi_path_remove_directory(DIR, "d"));
    return 0;
}
