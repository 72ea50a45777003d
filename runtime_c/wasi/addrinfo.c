/* addrinfo.c: sock_getaddrinfo, WasmEdge's name lookup. Numeric addresses and service-only lookups are
 * answered without leaving the host; a host name only when the grants allow resolving it (net.c). The
 * results fill the guest's pre-linked nodes as WasmEdge fills them: sa_data is the host sockaddr after
 * its family (IPv4: port, address, 8 zero bytes; IPv6: port, flowinfo, address, scope id). */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "wasi.h"

/* addrinfo (28 bytes): flags u16 @0, family u8 @2, socktype u8 @3, protocol u32 @4, addrlen u32 @8,
 * addr u32 @12, canonname u32 @16, canonname_len u32 @20, next u32 @24. sockaddr: family u32 @0 (a u8 in
 * some declarations; the bytes after it are padding), data_len u32 @4, data u32 @8. */
#define AI_SIZE 28
#define SA_SIZE 12
#define WASI_AI_PASSIVE 1
#define WASI_AI_CANONNAME 2
#define WASI_AI_NUMERICHOST 4
#define WASI_AI_NUMERICSERV 8
#define WASI_AI_V4MAPPED 16
#define WASI_AI_ALL 32
#define WASI_AI_ADDRCONFIG 64
enum { WASI_IPPROTO_IP = 0, WASI_IPPROTO_TCP = 1, WASI_IPPROTO_UDP = 2 };
/* WasmEdge's errnos for getaddrinfo's own failures (EAI_*), after WASI's 76. */
enum {
    WASI_EAI_ADDRFAMILY = 77, WASI_EAI_AGAIN = 78, WASI_EAI_BADFLAGS = 79, WASI_EAI_FAIL = 80,
    WASI_EAI_FAMILY = 81, WASI_EAI_MEMORY = 82, WASI_EAI_NODATA = 83, WASI_EAI_NONAME = 84,
    WASI_EAI_SERVICE = 85, WASI_EAI_SOCKTYPE = 86,
};

static int32_t from_eai(int e)
{
    switch (e) {
    case EAI_ADDRFAMILY: return WASI_EAI_ADDRFAMILY;
    case EAI_AGAIN: return WASI_EAI_AGAIN;
    case EAI_BADFLAGS: return WASI_EAI_BADFLAGS;
    case EAI_FAIL: return WASI_EAI_FAIL;
    case EAI_FAMILY: return WASI_EAI_FAMILY;
    case EAI_MEMORY: return WASI_EAI_MEMORY;
    case EAI_NODATA: return WASI_EAI_NODATA;
    case EAI_NONAME: return WASI_EAI_NONAME;
    case EAI_SERVICE: return WASI_EAI_SERVICE;
    case EAI_SOCKTYPE: return WASI_EAI_SOCKTYPE;
    case EAI_SYSTEM: return wasi_errno(errno);
    default: return WASI_EAI_FAIL;
    }
}

/* A guest string of `len` bytes as a C string (NULL when empty); WasmEdge callers include the NUL. */
static int32_t guest_string(wasmc_vmctx *vm, int32_t ptr, int32_t len, char **out)
{
    *out = NULL;
    const uint8_t *p = wasi_mem(vm, (uint32_t)ptr, (uint32_t)len);
    if (p == NULL)
        return WASI_EFAULT;
    size_t n = strnlen((const char *)p, (uint32_t)len);
    if (n == 0)
        return 0;
    if ((*out = strndup((const char *)p, n)) == NULL)
        return WASI_ENOMEM;
    return 0;
}

static int32_t read_hints(const uint8_t *h, struct addrinfo *hints)
{
    static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
    static const int types[] = {0, SOCK_DGRAM, SOCK_STREAM};
    static const int protocols[] = {0, IPPROTO_TCP, IPPROTO_UDP};
    uint16_t flags = wasi_get_u16(h);
    uint8_t family = h[2], socktype = h[3];
    uint32_t protocol = wasi_get_u32(h + 4);
    if (flags & ~(WASI_AI_PASSIVE | WASI_AI_CANONNAME | WASI_AI_NUMERICHOST | WASI_AI_NUMERICSERV |
                  WASI_AI_V4MAPPED | WASI_AI_ALL | WASI_AI_ADDRCONFIG))
        return WASI_EAI_BADFLAGS;
    if (family > WASI_AF_INET6)
        return WASI_EAI_FAMILY;
    if (socktype > WASI_SOCK_STREAM)
        return WASI_EAI_SOCKTYPE;
    if (protocol > WASI_IPPROTO_UDP)
        return WASI_ENOSYS;   /* as WasmEdge */
    memset(hints, 0, sizeof *hints);
    hints->ai_flags = (flags & WASI_AI_PASSIVE ? AI_PASSIVE : 0) | (flags & WASI_AI_CANONNAME ? AI_CANONNAME : 0)
                      | (flags & WASI_AI_NUMERICHOST ? AI_NUMERICHOST : 0)
                      | (flags & WASI_AI_NUMERICSERV ? AI_NUMERICSERV : 0)
                      | (flags & WASI_AI_V4MAPPED ? AI_V4MAPPED : 0) | (flags & WASI_AI_ALL ? AI_ALL : 0)
                      | (flags & WASI_AI_ADDRCONFIG ? AI_ADDRCONFIG : 0);
    hints->ai_family = families[family];
    hints->ai_socktype = types[socktype];
    hints->ai_protocol = protocols[protocol];
    return 0;
}

static int is_numeric_host(const char *node)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, node, buf) == 1 || inet_pton(AF_INET6, node, buf) == 1;
}

/* Write one host result into the guest node at `ai`; 0 or a WASI errno. */
static int32_t put_result(wasmc_vmctx *vm, uint8_t *ai, const struct addrinfo *r)
{
    uint8_t *sa = wasi_mem(vm, wasi_get_u32(ai + 12), SA_SIZE);
    if (sa == NULL)
        return WASI_EFAULT;
    uint32_t data_cap = wasi_get_u32(sa + 4);
    uint8_t *data = wasi_mem(vm, wasi_get_u32(sa + 8), data_cap);
    if (data == NULL)
        return WASI_EFAULT;
    wasi_put_u16(ai, (uint16_t)((r->ai_flags & AI_PASSIVE ? WASI_AI_PASSIVE : 0)
                                | (r->ai_flags & AI_CANONNAME ? WASI_AI_CANONNAME : 0)));
    wasi_put_u8(ai + 2, (uint8_t)wasi_family_of(r->ai_family));
    wasi_put_u8(ai + 3, r->ai_socktype == SOCK_DGRAM ? WASI_SOCK_DGRAM
                        : r->ai_socktype == SOCK_STREAM ? WASI_SOCK_STREAM : WASI_SOCK_ANY);
    wasi_put_u32(ai + 4, r->ai_protocol == IPPROTO_TCP ? WASI_IPPROTO_TCP
                         : r->ai_protocol == IPPROTO_UDP ? WASI_IPPROTO_UDP : WASI_IPPROTO_IP);
    wasi_put_u32(ai + 8, r->ai_addrlen);   /* the host's sockaddr size, as WasmEdge reports it */
    /* sa_data: what follows the family in the host sockaddr, cut to the guest's buffer. */
    size_t n = r->ai_addrlen > sizeof(sa_family_t) ? r->ai_addrlen - sizeof(sa_family_t) : 0;
    if (n > data_cap)
        n = data_cap;
    wasi_put_u32(sa, (uint32_t)wasi_family_of(r->ai_addr->sa_family));
    wasi_put_u32(sa + 4, (uint32_t)n);
    memcpy(data, (const uint8_t *)r->ai_addr + sizeof(sa_family_t), n);
    uint32_t canon_cap = wasi_get_u32(ai + 20);
    if (r->ai_canonname != NULL && canon_cap > 0) {
        uint8_t *canon = wasi_mem(vm, wasi_get_u32(ai + 16), canon_cap);
        if (canon == NULL)
            return WASI_EFAULT;
        size_t len = strnlen(r->ai_canonname, canon_cap - 1);
        memcpy(canon, r->ai_canonname, len);
        canon[len] = 0;
        wasi_put_u32(ai + 20, (uint32_t)len);
    } else {
        wasi_put_u32(ai + 20, 0);
    }
    return 0;
}

int32_t wasmc_wasi_sock_getaddrinfo(wasmc_vmctx *vm, int32_t node, int32_t node_len, int32_t service,
                                    int32_t service_len, int32_t hints, int32_t res, int32_t max_res_len,
                                    int32_t res_len_out)
{
    const uint8_t *h = wasi_mem(vm, (uint32_t)hints, AI_SIZE);
    const uint8_t *first = wasi_mem(vm, (uint32_t)res, 4);
    uint8_t *count_out = wasi_mem(vm, (uint32_t)res_len_out, 4);
    if (h == NULL || first == NULL || count_out == NULL)
        return WASI_EFAULT;
    struct addrinfo want;
    int32_t err = read_hints(h, &want);
    if (err != 0)
        return err;
    if ((uint32_t)max_res_len < 1)
        return WASI_EAI_MEMORY;
    char *name = NULL, *serv = NULL;
    if ((err = guest_string(vm, node, node_len, &name)) != 0 || (err = guest_string(vm, service, service_len, &serv)) != 0)
        goto out;
    if (name == NULL && serv == NULL) {
        err = WASI_EAI_NONAME;
        goto out;
    }
    if (name != NULL && is_numeric_host(name))
        want.ai_flags |= AI_NUMERICHOST;   /* answered here: no lookup may leave the host */
    else if (name != NULL && !wasi_net_may_resolve(vm->host, name)) {
        err = WASI_EACCES;
        goto out;
    }
    struct addrinfo *found;
    int r = getaddrinfo(name, serv, &want, &found);
    if (r != 0) {
        err = from_eai(r);
        goto out;
    }
    uint32_t count = 0, node_ptr = wasi_get_u32(first);
    for (const struct addrinfo *it = found; it != NULL && count < (uint32_t)max_res_len; it = it->ai_next) {
        if (it->ai_family != AF_INET && it->ai_family != AF_INET6)
            continue;
        uint8_t *ai = wasi_mem(vm, node_ptr, AI_SIZE);
        if (ai == NULL) {
            err = WASI_EFAULT;
            break;
        }
        if ((err = put_result(vm, ai, it)) != 0)
            break;
        count++;
        node_ptr = wasi_get_u32(ai + 24);   /* the guest's own link to its next node */
    }
    freeaddrinfo(found);
    if (err == 0)
        wasi_put_u32(count_out, count);
out:
    free(name);
    free(serv);
    return err;
}
