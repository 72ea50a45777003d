/* sock.c: the four preview1 socket calls, on sockets the guest already holds (preopened or accepted).
 * Creating sockets (the WasmEdge extension of GO_WASIP1.md §9) is not part of preview1 and not here. */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "wasi.h"

#define RECV_PEEK 1
#define RECV_WAITALL 2
#define RECV_DATA_TRUNCATED 1
#define SHUT_BIT_RD 1
#define SHUT_BIT_WR 2

int32_t wasmc_wasi_sock_accept(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t fd_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    uint8_t *out = wasi_mem(vm, (uint32_t)fd_out, 4);
    if (out == NULL)
        return WASI_EFAULT;
    if (flags & ~WASI_FDFLAG_NONBLOCK)
        return WASI_EINVAL;
    int host;
    do
        host = accept4(slot->host, NULL, NULL, SOCK_CLOEXEC | (flags & WASI_FDFLAG_NONBLOCK ? SOCK_NONBLOCK : 0));
    while (host < 0 && errno == EINTR);
    if (host < 0)
        return wasi_errno(errno);
    int32_t guest = wasi_fd_insert(vm->host, host, WASI_FILETYPE_SOCKET_STREAM);
    if (guest < 0)
        return -guest;
    wasi_put_u32(out, (uint32_t)guest);
    return 0;
}

int32_t wasmc_wasi_sock_recv(wasmc_vmctx *vm, int32_t fd, int32_t ri_data, int32_t ri_data_len,
                             int32_t ri_flags, int32_t ro_datalen_out, int32_t ro_flags_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    uint8_t *len_out = wasi_mem(vm, (uint32_t)ro_datalen_out, 4);
    uint8_t *flags_out = wasi_mem(vm, (uint32_t)ro_flags_out, 2);
    if (len_out == NULL || flags_out == NULL)
        return WASI_EFAULT;
    if (ri_flags & ~(RECV_PEEK | RECV_WAITALL))
        return WASI_EINVAL;
    struct iovec *v;
    int32_t err = wasi_iovecs(vm, ri_data, ri_data_len, &v);
    if (err != 0)
        return err;
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (uint32_t)ri_data_len < IOV_MAX ? (size_t)ri_data_len : IOV_MAX};
    int flags = (ri_flags & RECV_PEEK ? MSG_PEEK : 0) | (ri_flags & RECV_WAITALL ? MSG_WAITALL : 0);
    ssize_t n;
    do
        n = recvmsg(slot->host, &msg, flags);
    while (n < 0 && errno == EINTR);
    err = n < 0 ? wasi_errno(errno) : 0;
    free(v);
    if (err == 0) {
        wasi_put_u32(len_out, (uint32_t)n);
        wasi_put_u16(flags_out, msg.msg_flags & MSG_TRUNC ? RECV_DATA_TRUNCATED : 0);
    }
    return err;
}

int32_t wasmc_wasi_sock_send(wasmc_vmctx *vm, int32_t fd, int32_t si_data, int32_t si_data_len,
                             int32_t si_flags, int32_t so_datalen_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    uint8_t *len_out = wasi_mem(vm, (uint32_t)so_datalen_out, 4);
    if (len_out == NULL)
        return WASI_EFAULT;
    if (si_flags != 0)
        return WASI_EINVAL;   /* preview1 defines no send flags */
    struct iovec *v;
    int32_t err = wasi_iovecs(vm, si_data, si_data_len, &v);
    if (err != 0)
        return err;
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (uint32_t)si_data_len < IOV_MAX ? (size_t)si_data_len : IOV_MAX};
    ssize_t n;
    do
        n = sendmsg(slot->host, &msg, MSG_NOSIGNAL);   /* EPIPE, not a SIGPIPE that kills the host */
    while (n < 0 && errno == EINTR);
    err = n < 0 ? wasi_errno(errno) : 0;
    free(v);
    if (err == 0)
        wasi_put_u32(len_out, (uint32_t)n);
    return err;
}

int32_t wasmc_wasi_sock_shutdown(wasmc_vmctx *vm, int32_t fd, int32_t how)
{
    static const int hows[] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if (how <= 0 || how > (SHUT_BIT_RD | SHUT_BIT_WR))
        return WASI_EINVAL;
    if (shutdown(slot->host, hows[how]) != 0)
        return wasi_errno(errno);
    return 0;
}
