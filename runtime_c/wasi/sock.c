/* sock.c: sockets as WASI fds. The four preview1 calls, and the WasmEdge extension's calls that create,
 * bind, listen, connect, accept and move datagrams (SOCKETS.md §2). Every address the guest names is
 * checked against the grants (net.c) before the host sees it. Options and a socket's own addresses are
 * in sockopt.c, name lookup in addrinfo.c. */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "wasi.h"

#define RECV_PEEK 1
#define RECV_WAITALL 2
#define RECV_DATA_TRUNCATED 1
#define SHUT_BIT_RD 1
#define SHUT_BIT_WR 2
#define STORAGE_SIZE 128   /* the {u16 family; u8 addr[126]} form */

/* ---- Guest addresses ---- */

int wasi_family_of(int host_family)
{
    switch (host_family) {
    case AF_INET: return WASI_AF_INET;
    case AF_INET6: return WASI_AF_INET6;
    case AF_UNIX: return WASI_AF_UNIX;
    default: return WASI_AF_UNSPEC;
    }
}

int32_t wasi_get_address(wasmc_vmctx *vm, int32_t address, uint32_t port, struct sockaddr_storage *ss,
                         unsigned *len)
{
    const uint8_t *record = wasi_mem(vm, (uint32_t)address, 8);
    if (record == NULL)
        return WASI_EFAULT;
    uint32_t buf_len = wasi_get_u32(record + 4);
    const uint8_t *buf = wasi_mem(vm, wasi_get_u32(record), buf_len);
    if (buf == NULL)
        return WASI_EFAULT;
    int family;
    const uint8_t *raw = buf;
    switch (buf_len) {
    case 4: family = WASI_AF_INET; break;
    case 16: family = WASI_AF_INET6; break;
    case STORAGE_SIZE: family = wasi_get_u16(buf); raw = buf + 2; break;
    default: return WASI_EINVAL;
    }
    memset(ss, 0, sizeof *ss);
    if (family != WASI_AF_UNIX && port > 65535)
        return WASI_EINVAL;
    switch (family) {
    case WASI_AF_INET: {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        memcpy(&in->sin_addr, raw, 4);
        *len = sizeof *in;
        return 0;
    }
    case WASI_AF_INET6: {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        memcpy(&in6->sin6_addr, raw, 16);
        *len = sizeof *in6;
        return 0;
    }
    case WASI_AF_UNIX: {
        struct sockaddr_un *un = (struct sockaddr_un *)ss;
        size_t n = strnlen((const char *)raw, STORAGE_SIZE - 2);
        if (n == 0)
            return WASI_EINVAL;   /* Linux's abstract names: no grant can name one */
        if (n >= sizeof un->sun_path)
            return WASI_ENAMETOOLONG;
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, raw, n);
        *len = (unsigned)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
    }
    default:
        return WASI_EINVAL;
    }
}

/* The buffer of the record at `address` and its length, if it is one an address can be written to. */
static int32_t address_buffer(wasmc_vmctx *vm, int32_t address, uint8_t **buf, uint32_t *buf_len)
{
    const uint8_t *record = wasi_mem(vm, (uint32_t)address, 8);
    if (record == NULL)
        return WASI_EFAULT;
    *buf_len = wasi_get_u32(record + 4);
    *buf = wasi_mem(vm, wasi_get_u32(record), *buf_len);
    if (*buf == NULL)
        return WASI_EFAULT;
    return *buf_len == 4 || *buf_len == 16 || *buf_len == STORAGE_SIZE ? 0 : WASI_EINVAL;
}

int32_t wasi_put_address(wasmc_vmctx *vm, int32_t address, const struct sockaddr_storage *ss, uint32_t *port)
{
    uint8_t *buf;
    uint32_t buf_len;
    int32_t err = address_buffer(vm, address, &buf, &buf_len);
    if (err != 0)
        return err;
    const void *bytes = NULL;
    size_t n = 0;
    *port = 0;
    switch (ss->ss_family) {
    case AF_INET: {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        bytes = &in->sin_addr, n = 4, *port = ntohs(in->sin_port);
        break;
    }
    case AF_INET6: {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        bytes = &in6->sin6_addr, n = 16, *port = ntohs(in6->sin6_port);
        break;
    }
    case AF_UNIX: {
        const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
        bytes = un->sun_path, n = strnlen(un->sun_path, sizeof un->sun_path);
        break;
    }
    }
    if (buf_len == STORAGE_SIZE) {
        memset(buf, 0, STORAGE_SIZE);
        wasi_put_u16(buf, (uint16_t)wasi_family_of(ss->ss_family));
        memcpy(buf + 2, bytes, n);   /* a Unix path (< 108) keeps its NUL within the 126 bytes */
        return 0;
    }
    if (ss->ss_family == AF_UNIX || n > buf_len)
        return WASI_EINVAL;
    memset(buf, 0, buf_len);
    memcpy(buf, bytes, n);
    return 0;
}

/* The guest's socket fd: a live slot (EBADF otherwise; the host answers ENOTSOCK for other files). */
static wasi_fd *sock_fd(wasmc_vmctx *vm, int32_t fd, int32_t *err)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    *err = slot == NULL ? WASI_EBADF : 0;
    return slot;
}

/* ---- Creating, binding, connecting ---- */

int32_t wasmc_wasi_sock_open(wasmc_vmctx *vm, int32_t af, int32_t socktype, int32_t fd_out)
{
    uint8_t *out = wasi_mem(vm, (uint32_t)fd_out, 4);
    if (out == NULL)
        return WASI_EFAULT;
    int family = af == WASI_AF_INET ? AF_INET : af == WASI_AF_INET6 ? AF_INET6 : af == WASI_AF_UNIX ? AF_UNIX : -1;
    int type = socktype == WASI_SOCK_DGRAM ? SOCK_DGRAM : socktype == WASI_SOCK_STREAM ? SOCK_STREAM : -1;
    if (family < 0 || type < 0)
        return WASI_EINVAL;
    if (!wasi_net_may_open(vm->host, family))
        return WASI_EACCES;
    int host = socket(family, type | SOCK_CLOEXEC, 0);
    if (host < 0)
        return wasi_errno(errno);
    int32_t guest = wasi_fd_insert(vm->host, host, type == SOCK_DGRAM ? WASI_FILETYPE_SOCKET_DGRAM
                                                                      : WASI_FILETYPE_SOCKET_STREAM);
    if (guest < 0)
        return -guest;
    wasi_put_u32(out, (uint32_t)guest);
    return 0;
}

int32_t wasmc_wasi_sock_bind(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    struct sockaddr_storage ss;
    unsigned len;
    if ((err = wasi_get_address(vm, address, (uint32_t)port, &ss, &len)) != 0)
        return err;
    if ((err = wasi_net_check(vm->host, WASMC_NET_BIND, (struct sockaddr *)&ss, len)) != 0)
        return err;
    return bind(slot->host, (struct sockaddr *)&ss, len) == 0 ? 0 : wasi_errno(errno);
}

/* listen() on an unbound socket binds it to the wildcard address and an ephemeral port first, so that is
 * checked as a bind of exactly that. */
int32_t wasmc_wasi_sock_listen(wasmc_vmctx *vm, int32_t fd, int32_t backlog)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(slot->host, (struct sockaddr *)&ss, &len) != 0)
        return wasi_errno(errno);
    int unbound = (ss.ss_family == AF_INET && ((struct sockaddr_in *)&ss)->sin_port == 0)
                  || (ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_port == 0)
                  || (ss.ss_family == AF_UNIX && len <= offsetof(struct sockaddr_un, sun_path) + 1);
    if (unbound && (err = wasi_net_check(vm->host, WASMC_NET_BIND, (struct sockaddr *)&ss, len)) != 0)
        return err;
    return listen(slot->host, backlog) == 0 ? 0 : wasi_errno(errno);
}

/* A non-blocking socket answers EINPROGRESS; the guest then polls for FD_WRITE and reads SO_ERROR. */
int32_t wasmc_wasi_sock_connect(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    struct sockaddr_storage ss;
    unsigned len;
    if ((err = wasi_get_address(vm, address, (uint32_t)port, &ss, &len)) != 0)
        return err;
    if ((err = wasi_net_check(vm->host, WASMC_NET_CONNECT, (struct sockaddr *)&ss, len)) != 0)
        return err;
    if (connect(slot->host, (struct sockaddr *)&ss, len) == 0)
        return 0;
    if (errno != EINTR)
        return wasi_errno(errno);
    /* An interrupted blocking connect goes on in the background: wait for it as the call would have. */
    struct pollfd p = {.fd = slot->host, .events = POLLOUT};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {}
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (getsockopt(slot->host, SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0)
        return wasi_errno(errno);
    return wasi_errno(so_error);
}

/* The new socket is non-blocking when the guest asks for it or the listener is (BSD's inheritance).
 * Go's syscall.Accept passes no flags yet treats the result as pollable, expecting EAGAIN: a blocking
 * connection would stall the whole single-threaded guest in its first read. */
static int32_t accept_into(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t fd_out)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    uint8_t *out = wasi_mem(vm, (uint32_t)fd_out, 4);
    if (out == NULL)
        return WASI_EFAULT;
    if (flags & ~WASI_FDFLAG_NONBLOCK)
        return WASI_EINVAL;
    int listener_flags = fcntl(slot->host, F_GETFL);
    int nonblock = (flags & WASI_FDFLAG_NONBLOCK) || (listener_flags >= 0 && (listener_flags & O_NONBLOCK));
    int host;
    do
        host = accept4(slot->host, NULL, NULL, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
    while (host < 0 && errno == EINTR);
    if (host < 0)
        return wasi_errno(errno);
    int32_t guest = wasi_fd_insert(vm->host, host, WASI_FILETYPE_SOCKET_STREAM);
    if (guest < 0)
        return -guest;
    wasi_put_u32(out, (uint32_t)guest);
    return 0;
}

int32_t wasmc_wasi_sock_accept(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t fd_out)
{
    return accept_into(vm, fd, flags, fd_out);
}

int32_t wasmc_wasi_sock_accept_v1(wasmc_vmctx *vm, int32_t fd, int32_t fd_out)
{
    return accept_into(vm, fd, 0, fd_out);
}

/* ---- Data ---- */

/* What a receive reports besides the data: nothing (sock_recv), the sender (V1) or the sender and its port. */
enum recv_kind { RECV_DATA, RECV_FROM_V1, RECV_FROM };

/* recvmsg into the guest's iovecs; the sender goes to `address` and its port to `port_out` as `kind` says. */
static int32_t recv_into(wasmc_vmctx *vm, enum recv_kind kind, int32_t fd, int32_t iovs, int32_t iovs_len,
                         int32_t address, int32_t ri_flags, int32_t port_out, int32_t nread_out,
                         int32_t ro_flags_out)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    uint8_t *len_out = wasi_mem(vm, (uint32_t)nread_out, 4);
    uint8_t *flags_out = wasi_mem(vm, (uint32_t)ro_flags_out, 2);
    uint8_t *port_ptr = kind == RECV_FROM ? wasi_mem(vm, (uint32_t)port_out, 4) : NULL;
    if (len_out == NULL || flags_out == NULL || (kind == RECV_FROM && port_ptr == NULL))
        return WASI_EFAULT;
    if (ri_flags & ~(RECV_PEEK | RECV_WAITALL))
        return WASI_EINVAL;
    uint8_t *unused_buf;
    uint32_t unused_len;
    if (kind != RECV_DATA && (err = address_buffer(vm, address, &unused_buf, &unused_len)) != 0)
        return err;   /* before the datagram is consumed */
    struct iovec *v;
    if ((err = wasi_iovecs(vm, iovs, iovs_len, &v)) != 0)
        return err;
    struct sockaddr_storage from;
    memset(&from, 0, sizeof from);
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (uint32_t)iovs_len < IOV_MAX ? (size_t)iovs_len : IOV_MAX};
    if (kind != RECV_DATA)
        msg.msg_name = &from, msg.msg_namelen = sizeof from;
    int flags = (ri_flags & RECV_PEEK ? MSG_PEEK : 0) | (ri_flags & RECV_WAITALL ? MSG_WAITALL : 0);
    ssize_t n;
    do
        n = recvmsg(slot->host, &msg, flags);
    while (n < 0 && errno == EINTR);
    err = n < 0 ? wasi_errno(errno) : 0;
    free(v);
    if (err != 0)
        return err;
    if (kind != RECV_DATA) {
        uint32_t port;
        if ((err = wasi_put_address(vm, address, &from, &port)) != 0)
            return err;
        if (kind == RECV_FROM)
            wasi_put_u32(port_ptr, port);
    }
    wasi_put_u32(len_out, (uint32_t)n);
    wasi_put_u16(flags_out, msg.msg_flags & MSG_TRUNC ? RECV_DATA_TRUNCATED : 0);
    return 0;
}

int32_t wasmc_wasi_sock_recv(wasmc_vmctx *vm, int32_t fd, int32_t ri_data, int32_t ri_data_len,
                             int32_t ri_flags, int32_t ro_datalen_out, int32_t ro_flags_out)
{
    return recv_into(vm, RECV_DATA, fd, ri_data, ri_data_len, 0, ri_flags, 0, ro_datalen_out, ro_flags_out);
}

int32_t wasmc_wasi_sock_recv_from(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                  int32_t address, int32_t ri_flags, int32_t port_out, int32_t nread_out,
                                  int32_t ro_flags_out)
{
    return recv_into(vm, RECV_FROM, fd, iovs, iovs_len, address, ri_flags, port_out, nread_out, ro_flags_out);
}

int32_t wasmc_wasi_sock_recv_from_v1(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                     int32_t address, int32_t ri_flags, int32_t nread_out,
                                     int32_t ro_flags_out)
{
    return recv_into(vm, RECV_FROM_V1, fd, iovs, iovs_len, address, ri_flags, 0, nread_out, ro_flags_out);
}

/* sendmsg from the guest's iovecs, to `to` when given (a checked destination). */
static int32_t send_from(wasmc_vmctx *vm, wasi_fd *slot, int32_t iovs, int32_t iovs_len, int32_t si_flags,
                         const struct sockaddr_storage *to, unsigned to_len, int32_t nwritten_out)
{
    uint8_t *len_out = wasi_mem(vm, (uint32_t)nwritten_out, 4);
    if (len_out == NULL)
        return WASI_EFAULT;
    if (si_flags != 0)
        return WASI_EINVAL;   /* neither preview1 nor the extension defines send flags */
    struct iovec *v;
    int32_t err = wasi_iovecs(vm, iovs, iovs_len, &v);
    if (err != 0)
        return err;
    struct msghdr msg = {.msg_name = (void *)to, .msg_namelen = to ? to_len : 0, .msg_iov = v,
                         .msg_iovlen = (uint32_t)iovs_len < IOV_MAX ? (size_t)iovs_len : IOV_MAX};
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

int32_t wasmc_wasi_sock_send(wasmc_vmctx *vm, int32_t fd, int32_t si_data, int32_t si_data_len,
                             int32_t si_flags, int32_t so_datalen_out)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    return send_from(vm, slot, si_data, si_data_len, si_flags, NULL, 0, so_datalen_out);
}

int32_t wasmc_wasi_sock_send_to(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                int32_t address, int32_t port, int32_t si_flags, int32_t nwritten_out)
{
    int32_t err;
    wasi_fd *slot = sock_fd(vm, fd, &err);
    if (slot == NULL)
        return err;
    struct sockaddr_storage to;
    unsigned len;
    if ((err = wasi_get_address(vm, address, (uint32_t)port, &to, &len)) != 0)
        return err;
    if ((err = wasi_net_check(vm->host, WASMC_NET_CONNECT, (struct sockaddr *)&to, len)) != 0)
        return err;
    return send_from(vm, slot, iovs, iovs_len, si_flags, &to, len, nwritten_out);
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
