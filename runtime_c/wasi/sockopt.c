/* sockopt.c: the WasmEdge extension's socket options (SOL_SOCKET only, WasmEdge's numbering) and a
 * socket's own addresses (sock_getlocaladdr/getpeeraddr, both variants). */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "wasi.h"

#define WASI_SOL_SOCKET 0
/* Options whose value is a guest int unless noted; `host` is the Linux option. */
enum option_kind { OPT_INT, OPT_GET_ONLY, OPT_LINGER, OPT_TIMEVAL, OPT_DENIED };
static const struct {
    int host;
    enum option_kind kind;
} options[] = {
    [0] = {SO_REUSEADDR, OPT_INT},   [1] = {SO_TYPE, OPT_GET_ONLY},      [2] = {SO_ERROR, OPT_GET_ONLY},
    [3] = {SO_DONTROUTE, OPT_INT},   [4] = {SO_BROADCAST, OPT_INT},      [5] = {SO_SNDBUF, OPT_INT},
    [6] = {SO_RCVBUF, OPT_INT},      [7] = {SO_KEEPALIVE, OPT_INT},      [8] = {SO_OOBINLINE, OPT_INT},
    [9] = {SO_LINGER, OPT_LINGER},   [10] = {SO_RCVLOWAT, OPT_INT},      [11] = {SO_RCVTIMEO, OPT_TIMEVAL},
    [12] = {SO_SNDTIMEO, OPT_TIMEVAL}, [13] = {SO_ACCEPTCONN, OPT_GET_ONLY},
    /* Binding to a network interface reaches past the address grants: never the guest's to choose. */
    [14] = {SO_BINDTODEVICE, OPT_DENIED},
};
#define NUM_OPTIONS (int32_t)(sizeof options / sizeof options[0])
/* Guest layouts: struct linger {i32 onoff; i32 linger}, struct timeval {i64 sec; i64 usec}. */
#define LINGER_SIZE 8
#define TIMEVAL_SIZE 16
/* A fifth argument above this is WasmEdge's pointer to the size, not the size (wasi.h). */
#define MAX_VALUE_FORM 256

static int32_t option_of(int32_t level, int32_t name)
{
    if (level != WASI_SOL_SOCKET)
        return -WASI_EINVAL;
    if (name < 0 || name >= NUM_OPTIONS)
        return -WASI_ENOPROTOOPT;
    return options[name].kind == OPT_DENIED ? -WASI_EACCES : name;
}

static uint32_t size_of(enum option_kind kind)
{
    return kind == OPT_LINGER ? LINGER_SIZE : kind == OPT_TIMEVAL ? TIMEVAL_SIZE : 4;
}

int32_t wasmc_wasi_sock_getsockopt(wasmc_vmctx *vm, int32_t fd, int32_t level, int32_t name, int32_t value,
                                   int32_t value_len)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    int32_t opt = option_of(level, name);
    if (opt < 0)
        return -opt;
    uint8_t *size_ptr = NULL;
    uint32_t size = (uint32_t)value_len;
    if (size > MAX_VALUE_FORM) {
        if ((size_ptr = wasi_mem(vm, (uint32_t)value_len, 4)) == NULL)
            return WASI_EFAULT;
        size = wasi_get_u32(size_ptr);
    }
    enum option_kind kind = options[opt].kind;
    uint32_t need = size_of(kind);
    uint8_t *out = wasi_mem(vm, (uint32_t)value, need);
    if (out == NULL)
        return WASI_EFAULT;
    if (size < need)
        return WASI_EINVAL;
    union { int i; struct linger l; struct timeval tv; } v;
    socklen_t len = sizeof v;
    if (getsockopt(slot->host, SOL_SOCKET, options[opt].host, &v, &len) != 0)
        return wasi_errno(errno);
    switch (kind) {
    case OPT_LINGER:
        wasi_put_u32(out, (uint32_t)v.l.l_onoff);
        wasi_put_u32(out + 4, (uint32_t)v.l.l_linger);
        break;
    case OPT_TIMEVAL:
        wasi_put_u64(out, (uint64_t)v.tv.tv_sec);
        wasi_put_u64(out + 8, (uint64_t)v.tv.tv_usec);
        break;
    default:
        if (options[opt].host == SO_ERROR)
            v.i = wasi_errno(v.i);   /* the guest compares it with WASI's EINPROGRESS, EISCONN, ... */
        else if (options[opt].host == SO_TYPE)
            v.i = v.i == SOCK_DGRAM ? WASI_SOCK_DGRAM : v.i == SOCK_STREAM ? WASI_SOCK_STREAM : WASI_SOCK_ANY;
        wasi_put_u32(out, (uint32_t)v.i);
    }
    if (size_ptr != NULL)
        wasi_put_u32(size_ptr, need);
    return 0;
}

int32_t wasmc_wasi_sock_setsockopt(wasmc_vmctx *vm, int32_t fd, int32_t level, int32_t name, int32_t value,
                                   int32_t value_len)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    int32_t opt = option_of(level, name);
    if (opt < 0)
        return -opt;
    enum option_kind kind = options[opt].kind;
    if (kind == OPT_GET_ONLY)
        return WASI_ENOPROTOOPT;   /* Linux's answer for setting SO_TYPE, SO_ERROR, SO_ACCEPTCONN */
    uint32_t need = size_of(kind);
    const uint8_t *in = wasi_mem(vm, (uint32_t)value, need);
    if (in == NULL)
        return WASI_EFAULT;
    if ((uint32_t)value_len != need)
        return WASI_EINVAL;
    union { int i; struct linger l; struct timeval tv; } v;
    socklen_t len;
    switch (kind) {
    case OPT_LINGER:
        v.l = (struct linger){.l_onoff = (int)wasi_get_u32(in), .l_linger = (int)wasi_get_u32(in + 4)};
        len = sizeof v.l;
        break;
    case OPT_TIMEVAL:
        v.tv = (struct timeval){.tv_sec = (time_t)wasi_get_u64(in), .tv_usec = (suseconds_t)wasi_get_u64(in + 8)};
        len = sizeof v.tv;
        break;
    default:
        v.i = (int)wasi_get_u32(in);
        len = sizeof v.i;
    }
    return setsockopt(slot->host, SOL_SOCKET, options[opt].host, &v, len) == 0 ? 0 : wasi_errno(errno);
}

/* getsockname or getpeername of the guest's fd into the record at `address`, the port to *port. */
static int32_t own_address(wasmc_vmctx *vm, int32_t fd, int peer, struct sockaddr_storage *ss)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    socklen_t len = sizeof *ss;
    memset(ss, 0, sizeof *ss);
    int r = peer ? getpeername(slot->host, (struct sockaddr *)ss, &len)
                 : getsockname(slot->host, (struct sockaddr *)ss, &len);
    return r == 0 ? 0 : wasi_errno(errno);
}

/* V2: the 128-byte form only (as WasmEdge: any other buffer is EINVAL), the port through a u32. */
static int32_t addr_v2(wasmc_vmctx *vm, int32_t fd, int peer, int32_t address, int32_t port_out)
{
    const uint8_t *record = wasi_mem(vm, (uint32_t)address, 8);
    uint8_t *port_ptr = wasi_mem(vm, (uint32_t)port_out, 4);
    if (record == NULL || port_ptr == NULL)
        return WASI_EFAULT;
    if (wasi_get_u32(record + 4) != 128)
        return WASI_EINVAL;
    struct sockaddr_storage ss;
    uint32_t port;
    int32_t err = own_address(vm, fd, peer, &ss);
    if (err == 0)
        err = wasi_put_address(vm, address, &ss, &port);
    if (err == 0)
        wasi_put_u32(port_ptr, port);
    return err;
}

/* V1: a 16-byte raw buffer, the address type as 4 or 6 (WasmEdge V1's values, not the family numbers)
 * and the port, both through u32 pointers. */
static int32_t addr_v1(wasmc_vmctx *vm, int32_t fd, int peer, int32_t address, int32_t type_out,
                       int32_t port_out)
{
    const uint8_t *record = wasi_mem(vm, (uint32_t)address, 8);
    uint8_t *type_ptr = wasi_mem(vm, (uint32_t)type_out, 4), *port_ptr = wasi_mem(vm, (uint32_t)port_out, 4);
    if (record == NULL || type_ptr == NULL || port_ptr == NULL)
        return WASI_EFAULT;
    if (wasi_get_u32(record + 4) != 16)
        return WASI_EINVAL;
    struct sockaddr_storage ss;
    uint32_t port;
    int32_t err = own_address(vm, fd, peer, &ss);
    if (err == 0 && ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
        err = WASI_EAFNOSUPPORT;   /* V1 has no way to say Unix */
    if (err == 0)
        err = wasi_put_address(vm, address, &ss, &port);
    if (err == 0) {
        wasi_put_u32(type_ptr, ss.ss_family == AF_INET ? 4 : 6);
        wasi_put_u32(port_ptr, port);
    }
    return err;
}

int32_t wasmc_wasi_sock_getlocaladdr(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port_out)
{
    return addr_v2(vm, fd, 0, address, port_out);
}

int32_t wasmc_wasi_sock_getpeeraddr(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port_out)
{
    return addr_v2(vm, fd, 1, address, port_out);
}

int32_t wasmc_wasi_sock_getlocaladdr_v1(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t type_out,
                                        int32_t port_out)
{
    return addr_v1(vm, fd, 0, address, type_out, port_out);
}

int32_t wasmc_wasi_sock_getpeeraddr_v1(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t type_out,
                                       int32_t port_out)
{
    return addr_v1(vm, fd, 1, address, type_out, port_out);
}
