/* errnos.c: raw preview1 calls whose errno a host must get exactly right (Go and wasi-libc compare them),
 * including sandbox escapes. Expects exactly one preopened, empty, writable directory (fd 3); it builds
 * its fixtures there with WASI calls and removes them. Prints "call -> errno" lines. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3
#define R_READ __WASI_RIGHTS_FD_READ
#define R_WRITE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)
#define P(expr) printf("%-64s -> %d\n", #expr, (int)(expr))

static __wasi_fd_t fd;
static __wasi_filestat_t fs;
static __wasi_size_t n;
static char buf[64];

int main(void)
{
    __wasi_fd_t made;
    P(__wasi_path_create_directory(DIR, "sub"));
    P(__wasi_path_create_directory(DIR, "nonempty"));
    P(__wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &made));
    P(__wasi_fd_close(made));
    P(__wasi_path_open(DIR, 0, "nonempty/x", __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &made));
    P(__wasi_fd_close(made));
    P(__wasi_path_symlink("..", DIR, "ln_up"));
    P(__wasi_path_symlink("sub", DIR, "ln_in"));
    P(__wasi_path_symlink("../nowhere", DIR, "dang_out"));
    P(__wasi_path_symlink("/etc", DIR, "abs"));

    P(__wasi_path_open(DIR, 0, "sub", 0, R_READ, 0, 0, &fd) == 0 ? __wasi_fd_close(fd) : -1);
    P(__wasi_path_open(DIR, 0, "sub", 0, R_WRITE, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "sub", __WASI_OFLAGS_DIRECTORY, R_WRITE, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_DIRECTORY, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "missing", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_WRITE, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "f/", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "new/", __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "..", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "../x", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "sub/../..", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "/etc/passwd", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 1, "ln_up/x", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 1, "ln_up", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 0, "ln_up", 0, R_READ, 0, 0, &fd));
    P(__wasi_path_open(DIR, 1, "dang_out", __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &fd));
    P(__wasi_path_open(DIR, 1, "ln_in", 0, R_READ, 0, 0, &fd) == 0 ? __wasi_fd_close(fd) : -1);
    P(__wasi_path_filestat_get(DIR, 0, "..", &fs));
    P(__wasi_path_filestat_get(DIR, 1, "ln_up", &fs));
    P(__wasi_path_filestat_get(DIR, 0, "ln_up", &fs) == 0 ? fs.filetype : -1);
    P(__wasi_path_filestat_get(DIR, 1, "ln_in", &fs) == 0 ? fs.filetype : -1);
    P(__wasi_path_readlink(DIR, "ln_in", (uint8_t *)buf, sizeof buf, &n) == 0 ? (int)n : -1);
    P(__wasi_path_readlink(DIR, "f", (uint8_t *)buf, sizeof buf, &n));
    P(__wasi_path_rename(DIR, "f", DIR, "../f2"));
    P(__wasi_path_rename(DIR, "f", DIR, "ln_up/f2"));
    P(__wasi_path_rename(DIR, "sub", DIR, "nonempty"));
    P(__wasi_path_rename(DIR, "f", DIR, "sub"));
    P(__wasi_path_rename(DIR, "missing", DIR, "x"));
    P(__wasi_path_link(DIR, 0, "f", DIR, "../f3"));
    P(__wasi_path_link(DIR, 1, "f", DIR, "f4"));
    P(__wasi_path_create_directory(DIR, "sub"));
    P(__wasi_path_create_directory(DIR, "../newdir"));
    P(__wasi_path_remove_directory(DIR, "f"));
    P(__wasi_path_remove_directory(DIR, "nonempty"));
    P(__wasi_path_unlink_file(DIR, "sub"));
    P(__wasi_path_unlink_file(DIR, "f/"));
    P(__wasi_path_unlink_file(DIR, "../f"));
    P(__wasi_fd_seek(DIR, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}));
    P(__wasi_fd_read(DIR, &(__wasi_iovec_t){(uint8_t *)buf, 4}, 1, &n));
    P(__wasi_fd_prestat_dir_name(DIR, (uint8_t *)buf, 0));
    P(__wasi_fd_prestat_get(0, &(__wasi_prestat_t){0}));
    P(__wasi_fd_close(1000));
    P(__wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK));
    P(__wasi_poll_oneoff(0, 0, 0, &n));

    P(__wasi_path_unlink_file(DIR, "nonempty/x"));
    P(__wasi_path_remove_directory(DIR, "nonempty"));
    P(__wasi_path_remove_directory(DIR, "sub"));
    P(__wasi_path_unlink_file(DIR, "f"));
    P(__wasi_path_unlink_file(DIR, "ln_up"));
    P(__wasi_path_unlink_file(DIR, "ln_in"));
    P(__wasi_path_unlink_file(DIR, "dang_out"));
    return 0;
}
