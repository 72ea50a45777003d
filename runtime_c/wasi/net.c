/* net.c: what network a WASI state may use. The grants (patterns of wasi.h: addresses, CIDR ranges, port
 * ranges, host names, Unix socket paths), the checks sock.c and addrinfo.c make before touching the
 * network, and the preopened listeners (wasmtime's -S tcplisten). */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wasi.h"

/* One grant. IP rules: `family` AF_INET or AF_INET6 with a prefix, or AF_UNSPEC for every address;
 * ports lo..hi. Unix rules: a canonical path, or a directory prefix ending in '/'. */
typedef struct net_rule {
    int kinds;
    int family;
    uint8_t addr[16];
    int prefix;
    uint16_t port_lo, port_hi;
    char *path;
    int beneath;
} net_rule;

struct wasi_net {
    net_rule *rules;
    size_t nrules;
    char **names;                /* host names granted by name: the guest may resolve them */
    size_t nnames;
    int any_name;                /* a connect grant of `*`: every name */
};

void wasi_net_free(struct wasi_net *net)
{
    if (net == NULL)
        return;
    for (size_t i = 0; i < net->nrules; i++)
        free(net->rules[i].path);
    for (size_t i = 0; i < net->nnames; i++)
        free(net->names[i]);
    free(net->rules);
    free(net->names);
    free(net);
}

static struct wasi_net *net_of(wasmc_wasi *wasi)
{
    if (wasi->net == NULL)
        wasi->net = calloc(1, sizeof *wasi->net);
    return wasi->net;
}

static int add_rule(wasmc_wasi *wasi, const net_rule *rule)
{
    struct wasi_net *net = net_of(wasi);
    net_rule *rules = net ? realloc(net->rules, (net->nrules + 1) * sizeof *rules) : NULL;
    if (rules == NULL) {
        wasi_set_error("out of memory granting network access");
        return -1;
    }
    net->rules = rules;
    net->rules[net->nrules++] = *rule;
    return 0;
}

static int add_name(wasmc_wasi *wasi, const char *name)
{
    struct wasi_net *net = net_of(wasi);
    char **names = net ? realloc(net->names, (net->nnames + 1) * sizeof *names) : NULL;
    char *copy = names ? strdup(name) : NULL;
    if (copy == NULL) {
        if (names != NULL)
            net->names = names;
        wasi_set_error("out of memory granting network access");
        return -1;
    }
    net->names = names;
    net->names[net->nnames++] = copy;
    return 0;
}

/* ---- Parsing patterns ---- */

static int parse_port(const char *s, const char *end, uint16_t *port)
{
    if (s == end)
        return -1;
    unsigned long v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9' || (v = v * 10 + (unsigned long)(*p - '0')) > 65535)
            return -1;
    }
    *port = (uint16_t)v;
    return 0;
}

/* "*", "N" or "N-M" -> lo..hi. */
static int parse_ports(const char *s, uint16_t *lo, uint16_t *hi)
{
    const char *dash = strchr(s, '-'), *end = s + strlen(s);
    if (strcmp(s, "*") == 0) {
        *lo = 0, *hi = 65535;
        return 0;
    }
    if (dash == NULL) {
        if (parse_port(s, end, lo) != 0)
            return -1;
        *hi = *lo;
        return 0;
    }
    if (parse_port(s, dash, lo) != 0 || parse_port(dash + 1, end, hi) != 0)
        return -1;
    return *lo <= *hi ? 0 : -1;
}

/* An IPv4-mapped IPv6 address is that IPv4 address. */
static void unmap(int *family, uint8_t addr[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (*family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
        memmove(addr, addr + 12, 4);
        *family = AF_INET;
    }
}

/* A numeric address with an optional /prefix into `rule`; 1 if it was one, 0 if not numeric, -1 if bad. */
static int parse_numeric(const char *host, net_rule *rule)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (strlen(host) >= sizeof buf)
        return 0;
    strcpy(buf, host);
    char *slash = strchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    if (inet_pton(AF_INET, buf, rule->addr) == 1)
        rule->family = AF_INET, rule->prefix = 32;
    else if (inet_pton(AF_INET6, buf, rule->addr) == 1)
        rule->family = AF_INET6, rule->prefix = 128;
    else
        return slash ? -1 : 0;
    if (slash != NULL) {
        uint16_t bits;
        if (parse_port(slash + 1, slash + 1 + strlen(slash + 1), &bits) != 0 || bits > rule->prefix)
            return -1;
        rule->prefix = bits;
    }
    int family = rule->family;
    unmap(&rule->family, rule->addr);
    if (family != rule->family)
        rule->prefix = rule->prefix >= 96 ? rule->prefix - 96 : 0;
    return 1;
}

/* The addresses a host name has now, each a rule; the name is remembered as resolvable. */
static int grant_name(wasmc_wasi *wasi, const char *host, net_rule rule)
{
    struct addrinfo want = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found;
    int r = getaddrinfo(host, NULL, &want, &found);
    if (r != 0) {
        wasi_set_error("cannot resolve %s in a network grant: %s", host, gai_strerror(r));
        return -1;
    }
    int err = 0;
    for (const struct addrinfo *it = found; it != NULL && err == 0; it = it->ai_next) {
        rule.family = it->ai_family;
        if (it->ai_family == AF_INET)
            memcpy(rule.addr, &((struct sockaddr_in *)it->ai_addr)->sin_addr, 4), rule.prefix = 32;
        else if (it->ai_family == AF_INET6)
            memcpy(rule.addr, &((struct sockaddr_in6 *)it->ai_addr)->sin6_addr, 16), rule.prefix = 128;
        else
            continue;
        unmap(&rule.family, rule.addr);
        if (rule.family == AF_INET)
            rule.prefix = 32;
        err = add_rule(wasi, &rule);
    }
    freeaddrinfo(found);
    return err == 0 ? add_name(wasi, host) : err;
}

/* unix:PATH: the canonical form of PATH's directory plus its last component, or, for a PATH ending in
 * '/', the canonical directory itself with a '/' (everything beneath it). */
static int grant_unix(wasmc_wasi *wasi, const char *path, net_rule rule)
{
    size_t n = strlen(path);
    if (n == 0 || path[0] != '/') {
        wasi_set_error("invalid network grant unix:%s: the path must be absolute", path);
        return -1;
    }
    rule.family = AF_UNIX;
    rule.beneath = path[n - 1] == '/';
    const char *base = rule.beneath ? "" : strrchr(path, '/') + 1;
    char *dir = strndup(path, (size_t)(base - path));   /* up to and with the last '/' */
    char canon[PATH_MAX];
    if (dir == NULL || realpath(dir, canon) == NULL) {
        wasi_set_error("invalid network grant unix:%s: %s", path, dir ? strerror(errno) : "out of memory");
        free(dir);
        return -1;
    }
    free(dir);
    if ((rule.path = malloc(strlen(canon) + strlen(base) + 2)) == NULL) {
        wasi_set_error("out of memory granting network access");
        return -1;
    }
    sprintf(rule.path, "%s%s%s", canon, strcmp(canon, "/") == 0 ? "" : "/", base);
    if (add_rule(wasi, &rule) != 0) {
        free(rule.path);
        return -1;
    }
    return 0;
}

static int grant_one(wasmc_wasi *wasi, int kinds, const char *pattern)
{
    net_rule rule = {.kinds = kinds, .family = AF_UNSPEC, .port_lo = 0, .port_hi = 65535};
    if (strncmp(pattern, "unix:", 5) == 0)
        return grant_unix(wasi, pattern + 5, rule);
    if (strcmp(pattern, "*") == 0) {
        if (add_rule(wasi, &rule) != 0)
            return -1;
        if (kinds & WASMC_NET_CONNECT)
            wasi->net->any_name = 1;
        return 0;
    }
    char *copy = strdup(pattern);
    if (copy == NULL)
        return wasi_set_error("out of memory granting network access"), -1;
    /* Split HOST[:PORTS]: an IPv6 host is bracketed; a bare one (two colons or more) has no port. */
    char *host = copy, *ports = NULL;
    int err = -1;
    if (copy[0] == '[') {
        char *close = strchr(copy, ']');
        if (close == NULL || (close[1] != '\0' && close[1] != ':' && close[1] != '/'))
            goto out;
        host = copy + 1;
        memmove(close, close + 1, strlen(close + 1) + 1);   /* "[a]/8:80" -> "a/8:80" */
        char *colon = strchr(close, ':');
        if (colon != NULL)
            *colon = '\0', ports = colon + 1;
    } else {
        char *colon = strchr(copy, ':');
        if (colon != NULL && strchr(colon + 1, ':') == NULL)
            *colon = '\0', ports = colon + 1;
    }
    if ((ports != NULL && parse_ports(ports, &rule.port_lo, &rule.port_hi) != 0) || *host == '\0')
        goto out;
    if (strcmp(host, "*") == 0) {
        err = add_rule(wasi, &rule);
        goto out;
    }
    int numeric = parse_numeric(host, &rule);
    if (numeric != 0) {
        err = numeric < 0 ? -1 : add_rule(wasi, &rule);
        goto out;
    }
    if (strchr(host, '/') == NULL && strchr(host, ':') == NULL) {
        err = grant_name(wasi, host, rule);
        free(copy);
        return err;
    }
out:
    free(copy);
    if (err != 0 && wasmc_wasi_error()[0] == '\0')
        wasi_set_error("invalid network grant %s: expected *, ADDR[:PORTS] (ADDR: IPv4, [IPv6], a CIDR range, * "
                       "or a host name; PORTS: N, N-M or *) or unix:PATH", pattern);
    return err;
}

/* Call `one` on each comma-separated item of `list` and return what the last call returned, or -1 at the
 * first failure (a negative answer, its message set). */
static int for_each_item(wasmc_wasi *wasi, int kinds, const char *list,
                         int (*one)(wasmc_wasi *, int, const char *))
{
    char *copy = strdup(list ? list : "");
    if (copy == NULL)
        return wasi_set_error("out of memory"), -1;
    int result = -1, any = 0;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        wasi_set_error("%s", "");
        any = 1;
        if ((result = one(wasi, kinds, item)) < 0)
            break;
    }
    free(copy);
    if (!any)
        wasi_set_error("empty network list \"%s\"", list ? list : "");
    return result < 0 ? -1 : result;
}

int wasmc_wasi_grant_net(wasmc_wasi *wasi, int kinds, const char *patterns)
{
    if (kinds == 0 || (kinds & ~(WASMC_NET_CONNECT | WASMC_NET_BIND))) {
        wasi_set_error("invalid network grant kinds %d", kinds);
        return -1;
    }
    return for_each_item(wasi, kinds, patterns, grant_one);
}

/* ---- Checks ---- */

static int prefix_matches(const uint8_t *a, const uint8_t *b, int bits)
{
    int bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)bytes) != 0)
        return 0;
    return rest == 0 || ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* The canonical form of a Unix socket path the guest names (its directory resolved, its last component
 * kept and not a symlink), or NULL. */
static char *canonical_socket_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    char canon[PATH_MAX];
    char *ok = dir ? realpath(*dir ? dir : "/", canon) : NULL;
    free(dir);
    if (ok == NULL)
        return NULL;
    char *full = malloc(strlen(canon) + strlen(base) + 2);
    if (full == NULL)
        return NULL;
    sprintf(full, "%s%s%s", canon, strcmp(canon, "/") == 0 ? "" : "/", base);
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {   /* connect would follow it anywhere */
        free(full);
        return NULL;
    }
    return full;
}

static int unix_allowed(const struct wasi_net *net, int kind, const struct sockaddr_un *un, unsigned len)
{
    size_t max = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
    char path[sizeof un->sun_path + 1];
    size_t n = strnlen(un->sun_path, max < sizeof un->sun_path ? max : sizeof un->sun_path);
    if (n == 0)
        return 0;   /* unnamed or abstract */
    memcpy(path, un->sun_path, n);
    path[n] = '\0';
    char *canon = canonical_socket_path(path);
    int ok = 0;
    for (size_t i = 0; canon != NULL && i < net->nrules && !ok; i++) {
        const net_rule *r = &net->rules[i];
        if (!(r->kinds & kind) || r->family != AF_UNIX)
            continue;
        ok = r->beneath ? strncmp(canon, r->path, strlen(r->path)) == 0 : strcmp(canon, r->path) == 0;
    }
    free(canon);
    return ok;
}

int32_t wasi_net_check(const wasmc_wasi *wasi, int kind, const struct sockaddr *sa, unsigned len)
{
    const struct wasi_net *net = wasi ? wasi->net : NULL;
    if (net == NULL)
        return WASI_EACCES;
    if (sa->sa_family == AF_UNIX)
        return unix_allowed(net, kind, (const struct sockaddr_un *)sa, len) ? 0 : WASI_EACCES;
    int family = sa->sa_family;
    uint8_t addr[16];
    uint16_t port;
    if (family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
    } else if (family == AF_INET6) {
        memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
        unmap(&family, addr);
    } else {
        return WASI_EACCES;
    }
    for (size_t i = 0; i < net->nrules; i++) {
        const net_rule *r = &net->rules[i];
        if (!(r->kinds & kind) || r->family == AF_UNIX || port < r->port_lo || port > r->port_hi)
            continue;
        if (r->family == AF_UNSPEC || (r->family == family && prefix_matches(r->addr, addr, r->prefix)))
            return 0;
    }
    return WASI_EACCES;
}

int wasi_net_may_open(const wasmc_wasi *wasi, int family)
{
    const struct wasi_net *net = wasi ? wasi->net : NULL;
    for (size_t i = 0; net != NULL && i < net->nrules; i++)
        if ((net->rules[i].family == AF_UNIX) == (family == AF_UNIX))
            return 1;
    return 0;
}

int wasi_net_may_resolve(const wasmc_wasi *wasi, const char *name)
{
    const struct wasi_net *net = wasi ? wasi->net : NULL;
    if (net == NULL)
        return 0;
    if (net->any_name)
        return 1;
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
        n--;   /* "localhost." is "localhost" */
    for (size_t i = 0; i < net->nnames; i++)
        if (strlen(net->names[i]) == n && strncasecmp(net->names[i], name, n) == 0)
            return 1;
    return 0;
}

/* ---- Preopened listeners ---- */

static int32_t insert_listener(wasmc_wasi *wasi, int host)
{
    int32_t guest = wasi_fd_insert(wasi, host, WASI_FILETYPE_SOCKET_STREAM);
    if (guest < 0)
        wasi_set_error("out of memory adding a listener");
    return guest < 0 ? -1 : guest;
}

/* One HOST:PORT: bind and listen on the first address of HOST that takes it; the guest fd, or -1. */
static int tcplisten_one(wasmc_wasi *wasi, int unused, const char *spec)
{
    (void)unused;
    char *host = strdup(spec);
    char *colon = host ? strrchr(host, ':') : NULL;
    char *free_me = host;
    uint16_t port;
    int fd = -1, err = 0;
    if (colon == NULL || parse_port(colon + 1, colon + 1 + strlen(colon + 1), &port) != 0)
        goto bad;
    *colon = '\0';
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 2 || host[n - 1] != ']')
            goto bad;
        host[n - 1] = '\0', host++;
    }
    if (*host == '\0')
        goto bad;
    struct addrinfo want = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *found;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    int r = getaddrinfo(host, service, &want, &found);
    free(free_me);
    if (r != 0) {
        wasi_set_error("cannot listen on %s: %s", spec, gai_strerror(r));
        return -1;
    }
    for (const struct addrinfo *it = found; it != NULL && fd < 0; it = it->ai_next) {
        int one = 1;
        fd = socket(it->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            err = errno;
        } else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
                   || bind(fd, it->ai_addr, it->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) {
        wasi_set_error("cannot listen on %s: %s", spec, strerror(err));
        return -1;
    }
    return insert_listener(wasi, fd);
bad:
    free(free_me);
    wasi_set_error("invalid listener %s: expected HOST:PORT (HOST: IPv4, [IPv6] or a name)", spec);
    return -1;
}

int32_t wasmc_wasi_tcplisten(wasmc_wasi *wasi, const char *host_ports)
{
    return for_each_item(wasi, 0, host_ports, tcplisten_one);
}

int32_t wasmc_wasi_add_listener(wasmc_wasi *wasi, int host_fd)
{
    int type = 0, listening = 0;
    socklen_t len = sizeof type;
    if (getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM
        || (len = sizeof listening, getsockopt(host_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len)) != 0
        || !listening) {
        wasi_set_error("descriptor %d is not a listening stream socket", host_fd);
        return -1;
    }
    int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
    int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        wasi_set_error("cannot add listener %d: %s", host_fd, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return insert_listener(wasi, fd);
}
