/* state.c: a WASI environment's configuration (argv, environ, preopens), its fd table, and the import
 * table the instantiator binds from. What each import does lives in the per-family files. */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

static _Thread_local char last_error[512];

const char *wasmc_wasi_error(void)
{
    return last_error;
}

void wasi_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

static char **copy_strings(int n, const char *const *src)
{
    char **out = calloc((size_t)n + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        if ((out[i] = strdup(src[i])) == NULL)
            return out;   /* caller sees the NULL hole through the count check below */
    return out;
}

static int strings_complete(char **v, int n)
{
    if (v == NULL)
        return 0;
    for (int i = 0; i < n; i++)
        if (v[i] == NULL)
            return 0;
    return 1;
}

static void free_strings(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

/* Grow the table to at least `n` slots; new slots are free. */
static int fds_reserve(wasmc_wasi *wasi, uint32_t n)
{
    if (n <= wasi->nfds)
        return 0;
    uint32_t cap = wasi->nfds ? wasi->nfds * 2 : 8;
    while (cap < n)
        cap *= 2;
    wasi_fd *fds = realloc(wasi->fds, cap * sizeof *fds);
    if (fds == NULL)
        return -1;
    for (uint32_t i = wasi->nfds; i < cap; i++)
        fds[i] = (wasi_fd){.host = -1};
    wasi->fds = fds;
    wasi->nfds = cap;
    return 0;
}

uint8_t wasi_filetype_of_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN;   /* FIFOs: wasmtime reports pipes as unknown too */
    }
}

wasmc_wasi *wasmc_wasi_new(int argc, const char *const *argv, int envc, const char *const *envp,
                           int npreopens, const char *const *host_paths, const char *const *guest_paths)
{
    last_error[0] = '\0';
    wasmc_wasi *wasi = calloc(1, sizeof *wasi);
    if (wasi == NULL)
        goto oom;
    wasi->argc = argc;
    wasi->envc = envc;
    wasi->argv = copy_strings(argc, argv);
    wasi->environ = copy_strings(envc, envp);
    if (!strings_complete(wasi->argv, argc) || !strings_complete(wasi->environ, envc))
        goto oom;
    if (fds_reserve(wasi, 3 + (uint32_t)npreopens) != 0)
        goto oom;
    for (int fd = 0; fd < 3; fd++) {
        /* As wasmtime: a terminal is a character device, anything else (pipe, file, /dev/null) unknown. */
        uint8_t type = isatty(fd) ? WASI_FILETYPE_CHARACTER_DEVICE : WASI_FILETYPE_UNKNOWN;
        wasi->fds[fd] = (wasi_fd){.host = fd, .stdio = fd == 0 ? WASI_STDIO_IN : WASI_STDIO_OUT, .filetype = type};
    }
    for (int i = 0; i < npreopens; i++) {
        int host = open(host_paths[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (host < 0) {
            snprintf(last_error, sizeof last_error, "cannot open preopened directory %s: %s",
                     host_paths[i], strerror(errno));
            wasmc_wasi_free(wasi);
            return NULL;
        }
        wasi_fd *slot = &wasi->fds[3 + i];
        *slot = (wasi_fd){.host = host, .filetype = WASI_FILETYPE_DIRECTORY, .preopen = strdup(guest_paths[i])};
        if (slot->preopen == NULL)
            goto oom;
    }
    wasi->used = 3 + (uint32_t)npreopens;
    return wasi;
oom:
    snprintf(last_error, sizeof last_error, "out of memory creating the WASI state");
    wasmc_wasi_free(wasi);
    return NULL;
}

void wasmc_wasi_free(wasmc_wasi *wasi)
{
    if (wasi == NULL)
        return;
    for (uint32_t i = 0; i < wasi->nfds; i++)
        wasi_fd_release(&wasi->fds[i]);
    free(wasi->fds);
    wasi_net_free(wasi->net);
    free_strings(wasi->argv);
    free_strings(wasi->environ);
    free(wasi);
}

wasi_fd *wasi_fd_get(wasmc_vmctx *vm, int32_t fd)
{
    wasmc_wasi *wasi = vm->host;
    if (wasi == NULL || fd < 0 || (uint32_t)fd >= wasi->nfds || wasi->fds[fd].host < 0)
        return NULL;
    return &wasi->fds[fd];
}

wasi_fd *wasi_file_get(wasmc_vmctx *vm, int32_t fd)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    return slot != NULL && !slot->stdio && slot->filetype != WASI_FILETYPE_DIRECTORY ? slot : NULL;
}

int32_t wasi_fd_insert(wasmc_wasi *wasi, int host, uint8_t filetype)
{
    /* Every slot below `used` was handed out once, so a free one there was closed (or renumbered away). */
    uint32_t fd = wasi->used;
    for (uint32_t i = wasi->used; i-- > 0;)
        if (wasi->fds[i].host < 0) {
            fd = i;
            break;
        }
    if (fd == wasi->used) {
        if (fd >= (uint32_t)INT32_MAX || fds_reserve(wasi, fd + 1) != 0) {
            close(host);
            return -WASI_ENOMEM;
        }
        wasi->used++;
    }
    wasi->fds[fd] = (wasi_fd){.host = host, .filetype = filetype};
    return (int32_t)fd;
}

void wasi_fd_release(wasi_fd *slot)
{
    if (slot->host < 0)
        return;
    if (slot->dir != NULL)
        closedir(slot->dir);   /* closes its own dup, not slot->host */
    if (!slot->stdio)
        close(slot->host);
    free(slot->preopen);
    *slot = (wasi_fd){.host = -1};
}

/* ---- The import table ---- */

#define ROW(name, sig) {#name, (void *)wasmc_wasi_##name, sig}
#define VARIANT(name, fn, sig) {#name, (void *)wasmc_wasi_##fn, sig}
const wasmc_wasi_import wasmc_wasi_imports[] = {
    ROW(args_get, "ii_i"),
    ROW(args_sizes_get, "ii_i"),
    ROW(environ_get, "ii_i"),
    ROW(environ_sizes_get, "ii_i"),
    ROW(clock_res_get, "ii_i"),
    ROW(clock_time_get, "ili_i"),
    ROW(fd_advise, "illi_i"),
    ROW(fd_allocate, "ill_i"),
    ROW(fd_close, "i_i"),
    ROW(fd_datasync, "i_i"),
    ROW(fd_fdstat_get, "ii_i"),
    ROW(fd_fdstat_set_flags, "ii_i"),
    ROW(fd_fdstat_set_rights, "ill_i"),
    ROW(fd_filestat_get, "ii_i"),
    ROW(fd_filestat_set_size, "il_i"),
    ROW(fd_filestat_set_times, "illi_i"),
    ROW(fd_pread, "iiili_i"),
    ROW(fd_prestat_get, "ii_i"),
    ROW(fd_prestat_dir_name, "iii_i"),
    ROW(fd_pwrite, "iiili_i"),
    ROW(fd_read, "iiii_i"),
    ROW(fd_readdir, "iiili_i"),
    ROW(fd_renumber, "ii_i"),
    ROW(fd_seek, "ilii_i"),
    ROW(fd_sync, "i_i"),
    ROW(fd_tell, "ii_i"),
    ROW(fd_write, "iiii_i"),
    ROW(path_create_directory, "iii_i"),
    ROW(path_filestat_get, "iiiii_i"),
    ROW(path_filestat_set_times, "iiiilli_i"),
    ROW(path_link, "iiiiiii_i"),
    ROW(path_open, "iiiiillii_i"),
    ROW(path_readlink, "iiiiii_i"),
    ROW(path_remove_directory, "iii_i"),
    ROW(path_rename, "iiiiii_i"),
    ROW(path_symlink, "iiiii_i"),
    ROW(path_unlink_file, "iii_i"),
    ROW(poll_oneoff, "iiii_i"),
    ROW(proc_exit, "i_"),
    ROW(proc_raise, "i_i"),
    ROW(sched_yield, "_i"),
    ROW(random_get, "ii_i"),
    ROW(sock_accept, "iii_i"),
    ROW(sock_recv, "iiiiii_i"),
    ROW(sock_send, "iiiii_i"),
    ROW(sock_shutdown, "ii_i"),
    /* The WasmEdge socket extension (sock.c, sockopt.c, addrinfo.c); a VARIANT is a later row of a name. */
    VARIANT(sock_accept, sock_accept_v1, "ii_i"),
    ROW(sock_open, "iii_i"),
    ROW(sock_bind, "iii_i"),
    ROW(sock_listen, "ii_i"),
    ROW(sock_connect, "iii_i"),
    ROW(sock_recv_from, "iiiiiiii_i"),
    VARIANT(sock_recv_from, sock_recv_from_v1, "iiiiiii_i"),
    ROW(sock_send_to, "iiiiiii_i"),
    ROW(sock_getsockopt, "iiiii_i"),
    ROW(sock_setsockopt, "iiiii_i"),
    ROW(sock_getlocaladdr, "iii_i"),
    VARIANT(sock_getlocaladdr, sock_getlocaladdr_v1, "iiii_i"),
    ROW(sock_getpeeraddr, "iii_i"),
    VARIANT(sock_getpeeraddr, sock_getpeeraddr_v1, "iiii_i"),
    ROW(sock_getaddrinfo, "iiiiiiii_i"),
    {NULL, NULL, NULL},
};
#undef ROW
#undef VARIANT

const wasmc_wasi_import *wasmc_wasi_lookup(const char *name)
{
    for (const wasmc_wasi_import *row = wasmc_wasi_imports; row->name != NULL; row++)
        if (strcmp(row->name, name) == 0)
            return row;
    return NULL;
}

const wasmc_wasi_import *wasmc_wasi_lookup_sig(const char *name, const char *sig)
{
    const wasmc_wasi_import *first = wasmc_wasi_lookup(name);
    for (const wasmc_wasi_import *row = first; row != NULL && row->name != NULL; row++)
        if (strcmp(row->name, name) == 0 && strcmp(row->sig, sig) == 0)
            return row;
    return first;
}
