/* sockets.c: sock_accept, sock_recv, sock_send and sock_shutdown on descriptors that are not sockets
 * (stdio, a preopened directory, a file, a closed fd), plus sched_yield and proc_raise. wasmtime only
 * serves sockets it preopened, so each call here must fail with the errno a host gives for that fd.
 * Expects one preopened writable directory at fd 3. */
#include <stdio.h>
#include <wasi/api.h>

/* proc_raise left wasi-libc's <wasi/api.h> (deprecated in preview1), so it is imported by hand. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t proc_raise(int32_t sig);
#define SIGNAL_USR1 10

#define P(expr) printf("%-70s -> %d\n", #expr, (int)(expr))

static __wasi_fd_t newfd;
static __wasi_size_t n;
static __wasi_roflags_t roflags;
static char buf[16];
static __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
static __wasi_ciovec_t ciov = {(const uint8_t *)"ping\n", 5};

int main(void)
{
    __wasi_fd_t file;
    P(__wasi_path_open(3, 0, "plain", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &file));
    const __wasi_fd_t fds[] = {0, 1, 3, file, 77};
    for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        __wasi_fd_t fd = fds[i];
        printf("fd %s:\n", fd == file ? "file" : fd == 77 ? "closed" : fd == 3 ? "dir" : fd == 0 ? "stdin" : "stdout");
        P(__wasi_sock_accept(fd, 0, &newfd));
        P(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags));
        P(__wasi_sock_send(fd, &ciov, 1, 0, &n));
        P(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
    }
    P(__wasi_fd_close(file));
    P(__wasi_path_unlink_file(3, "plain"));
    for (int i = 0; i < 3; i++)
        P(__wasi_sched_yield());
    fflush(stdout);
    P(proc_raise(SIGNAL_USR1));
    return 0;
}
