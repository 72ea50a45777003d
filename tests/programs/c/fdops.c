/* fdops.c: the fd_* calls libc seldom makes, raw through <wasi/api.h>: fd_advise, fd_allocate,
 * fd_datasync, fd_sync, fd_tell, fd_renumber, fd_fdstat_set_rights, fd_fdstat_set_flags,
 * fd_filestat_set_times, path_filestat_set_times, path_link, fd_pread/fd_pwrite with several iovecs.
 * Expects one empty, writable preopened directory (fd 3) and leaves it empty. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3
#define P(expr) printf("%-72s -> %d\n", #expr, (int)(expr))
#define RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL \
                | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ADVISE \
                | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC \
                | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)

static __wasi_fd_t fd, fd2;
static __wasi_size_t n;
static __wasi_filesize_t pos;
static __wasi_filestat_t st;
static __wasi_fdstat_t fds;
static char buf[64];

/* Hosts may transfer less than asked (wasmtime moves only the first non-empty iovec per call), so
 * vectored transfers loop until done, as libc does; the totals are what the program prints. */
static __wasi_size_t consume(void *iovs, __wasi_size_t *count, __wasi_size_t done)
{
    __wasi_iovec_t *v = iovs;
    while (*count > 0 && done >= v->buf_len) {
        done -= v->buf_len;
        v++, (*count)--;
    }
    if (*count > 0)
        v->buf += done, v->buf_len -= done;
    return (__wasi_size_t)(v - (__wasi_iovec_t *)iovs);
}

static __wasi_errno_t pwrite_all(__wasi_fd_t f, __wasi_ciovec_t *v, __wasi_size_t count, __wasi_filesize_t at,
                                 __wasi_size_t *total)
{
    __wasi_errno_t err = 0;
    for (*total = 0; count > 0 && err == 0; *total += n, at += n) {
        err = __wasi_fd_pwrite(f, v, count, at, &n);
        v += consume(v, &count, n);
    }
    return err;
}

static __wasi_errno_t write_all(__wasi_fd_t f, __wasi_ciovec_t *v, __wasi_size_t count, __wasi_size_t *total)
{
    __wasi_errno_t err = 0;
    for (*total = 0; count > 0 && err == 0; *total += n) {
        err = __wasi_fd_write(f, v, count, &n);
        v += consume(v, &count, n);
    }
    return err;
}

static __wasi_errno_t pread_all(__wasi_fd_t f, __wasi_iovec_t *v, __wasi_size_t count, __wasi_filesize_t at,
                                __wasi_size_t *total)
{
    __wasi_errno_t err = 0;
    for (*total = 0, n = 1; count > 0 && err == 0 && n > 0; *total += n, at += n) {
        err = __wasi_fd_pread(f, v, count, at, &n);
        v += consume(v, &count, n);
    }
    return err;
}

static void show_file(const char *label, __wasi_fd_t f)
{
    memset(buf, 0, sizeof buf);
    __wasi_errno_t err = __wasi_fd_pread(f, &(__wasi_iovec_t){(uint8_t *)buf, sizeof buf - 1}, 1, 0, &n);
    printf("%s: errno %d, %u bytes \"%s\"\n", label, err, err ? 0 : n, buf);
}

int main(void)
{
    P(__wasi_path_open(DIR, 0, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS, RIGHTS, 0, &fd));
    __wasi_ciovec_t parts[3] = {{(const uint8_t *)"0123", 4}, {(const uint8_t *)"", 0}, {(const uint8_t *)"456789", 6}};
    __wasi_size_t total;
    P(write_all(fd, parts, 3, &total));
    printf("wrote %u\n", total);
    P(__wasi_fd_tell(fd, &pos));
    printf("tell %llu\n", (unsigned long long)pos);
    P(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL));
    P(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_DONTNEED));
    P(__wasi_fd_advise(DIR, 0, 10, __WASI_ADVICE_NORMAL));
    P(__wasi_fd_allocate(fd, 0, 8));   /* within the file: only the errno may differ */
    P(__wasi_fd_datasync(fd));
    P(__wasi_fd_sync(fd));
    P(__wasi_fd_sync(DIR));
    P(__wasi_fd_datasync(99));

    __wasi_ciovec_t patch[2] = {{(const uint8_t *)"A", 1}, {(const uint8_t *)"BC", 2}};
    P(pwrite_all(fd, patch, 2, 3, &total));
    printf("pwrote %u\n", total);
    P(__wasi_fd_tell(fd, &pos));
    printf("tell after pwrite %llu\n", (unsigned long long)pos);
    char a[3] = {0}, b[5] = {0};
    __wasi_iovec_t halves[2] = {{(uint8_t *)a, 2}, {(uint8_t *)b, 4}};
    P(pread_all(fd, halves, 2, 1, &total));
    printf("pread %u: \"%s\" \"%s\"\n", total, a, b);
    P(__wasi_fd_pread(fd, halves, 2, 100, &n));
    printf("pread past end %u\n", n);
    P(__wasi_fd_seek(fd, -3, __WASI_WHENCE_END, &pos));
    printf("seek end-3 %llu\n", (unsigned long long)pos);
    P(__wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos));
    printf("seek cur+2 %llu\n", (unsigned long long)pos);
    P(__wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &pos));

    P(__wasi_fd_filestat_set_times(fd, 1000000000ull * 1234567890 + 500, 1000000000ull * 987654321 + 7,
                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    P(__wasi_fd_filestat_get(fd, &st));
    printf("size %llu atim %llu mtim %llu nlink %llu type %d\n", (unsigned long long)st.size,
           (unsigned long long)st.atim, (unsigned long long)st.mtim, (unsigned long long)st.nlink, st.filetype);
    P(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    P(__wasi_path_filestat_set_times(DIR, 0, "a.txt", 0, 1000000000ull * 1111111111, __WASI_FSTFLAGS_MTIM));
    P(__wasi_path_filestat_get(DIR, 0, "a.txt", &st));
    printf("atim kept %d mtim %llu\n", st.atim == 1000000000ull * 1234567890 + 500, (unsigned long long)st.mtim);
    P(__wasi_path_filestat_set_times(DIR, 0, "nope", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    P(__wasi_fd_filestat_set_size(fd, 4));
    P(__wasi_fd_filestat_get(fd, &st));
    printf("size after truncate %llu\n", (unsigned long long)st.size);

    P(__wasi_path_link(DIR, 0, "a.txt", DIR, "b.txt"));
    P(__wasi_path_link(DIR, 0, "a.txt", DIR, "b.txt"));
    P(__wasi_path_link(DIR, 0, "missing", DIR, "c.txt"));
    P(__wasi_path_filestat_get(DIR, 0, "b.txt", &st));
    printf("b.txt nlink %llu size %llu\n", (unsigned long long)st.nlink, (unsigned long long)st.size);

    P(__wasi_fd_fdstat_get(fd, &fds));
    printf("fdstat type %d flags %d\n", fds.fs_filetype, fds.fs_flags);
    P(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    P(__wasi_fd_fdstat_get(fd, &fds));
    printf("fdstat flags now %d\n", fds.fs_flags);

    P(__wasi_path_open(DIR, 0, "b.txt", 0, RIGHTS, RIGHTS, 0, &fd2));
    P(__wasi_fd_fdstat_set_rights(fd2, __WASI_RIGHTS_FD_READ, 0));
    P(__wasi_fd_renumber(fd2, fd));
    P(__wasi_fd_close(fd2));
    show_file("renumbered fd reads b.txt", fd);
    P(__wasi_fd_renumber(fd, 1000));
    P(__wasi_fd_renumber(1000, fd));
    P(__wasi_fd_close(fd));
    P(__wasi_path_unlink_file(DIR, "a.txt"));
    P(__wasi_path_unlink_file(DIR, "b.txt"));
    return 0;
}
