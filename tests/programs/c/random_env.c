/* random_env.c: random_get (prints only properties of the bytes), getenv, and the preopens seen through
 * fd_prestat_get, in fd order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(void)
{
    unsigned char a[64] = {0}, b[64] = {0};
    __wasi_errno_t e1 = __wasi_random_get(a, sizeof a), e2 = __wasi_random_get(b, sizeof b);
    int zero = 1;
    for (size_t i = 0; i < sizeof a; i++)
        zero &= a[i] == 0;
    printf("random_get: %d %d, all zero %d, two calls differ %d\n", e1, e2, zero, memcmp(a, b, sizeof a) != 0);
    const char *home = getenv("HOME");
    printf("HOME=%s\n", home ? home : "(unset)");
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t ps;
        __wasi_errno_t err = __wasi_fd_prestat_get(fd, &ps);
        if (err != 0) {
            printf("fd %u: prestat errno %d (end)\n", fd, err);
            break;
        }
        char name[256] = {0};
        err = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len);
        printf("fd %u: preopen %s (errno %d)\n", fd, name, err);
    }
    __wasi_fdstat_t st;
    __wasi_errno_t err = __wasi_fd_fdstat_get(3, &st);
    printf("fd 3 fdstat errno %d filetype %d\n", err, err == 0 ? st.fs_filetype : -1);
    printf("set nonblock on stdout: errno %d\n", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_NONBLOCK));
    return 0;
}
