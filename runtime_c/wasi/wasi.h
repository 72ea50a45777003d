/* wasi.h: the WASI preview1 host (module "wasi_snapshot_preview1") in C over POSIX, and what its files
 * share. The host-facing API comes first; the section "Internal" is for the files of runtime_c/wasi only.
 *
 * Every import is `int32_t wasmc_wasi_<name>(wasmc_vmctx *vm, <params>)`, params in the import's wasm
 * order (i32 -> int32_t, i64 -> int64_t), returning the WASI errno. `vm` is the calling instance: its
 * memory is vm->memories[0] and its WASI state is (wasmc_wasi *)vm->host. Guest pointers are checked
 * against the memory size before use; out of bounds (or no memory) is EFAULT, never a crash.
 */
#ifndef WASMC_WASI_H
#define WASMC_WASI_H

#include <stdint.h>

#include "../wasmc_rt.h"

/* ---- Host-facing API ---- */

/* The state of one WASI environment: argv, environ and the fd table. Opaque outside runtime_c/wasi. */
typedef struct wasmc_wasi wasmc_wasi;

/* One row of the import table: `sig` is the wasm signature, params '_' results, i = i32, l = i64
 * (fd_write "iiii_i", clock_time_get "ili_i", proc_exit "i_"). */
typedef struct {
    const char *name;
    void *fn;
    const char *sig;
} wasmc_wasi_import;

/* Every preview1 function in the spec's order, then the WasmEdge socket extension; the last row is {NULL}.
 * A name may have several rows (variants), bound by the import's type as WasmEdge does: sock_accept
 * "iii_i" (preview1) and "ii_i" (WasmEdge V1), sock_recv_from with or without the port pointer,
 * sock_getlocaladdr/getpeeraddr with or without the address-type pointer. The first row is the one
 * Go programs use. */
extern const wasmc_wasi_import wasmc_wasi_imports[];
/* The first row named `name`, or NULL. */
const wasmc_wasi_import *wasmc_wasi_lookup(const char *name);
/* The row named `name` whose signature is `sig`; else the first row named `name` (so the caller can report
 * the type it expected), or NULL for an unknown name. */
const wasmc_wasi_import *wasmc_wasi_lookup_sig(const char *name, const char *sig);

/* Create a WASI state; every string is copied. fds 0-2 are the host's stdio (shared, never closed by the
 * host side), preopens get fds 3, 4, ... Returns NULL, with a message in wasmc_wasi_error(), when a
 * preopened directory cannot be opened. Example:
 *     const char *argv[] = {"app.wasm", "x"}, *env[] = {"PWD=/"}, *host[] = {"/"}, *guest[] = {"/"};
 *     wasmc_wasi *w = wasmc_wasi_new(2, argv, 1, env, 1, host, guest);
 *     vmctx->host = w;   ...   wasmc_wasi_free(w);  */
wasmc_wasi *wasmc_wasi_new(int argc, const char *const *argv, int envc, const char *const *envp,
                           int npreopens, const char *const *host_paths, const char *const *guest_paths);
/* Close every descriptor the state opened (never the host's stdio) and free it. NULL is ignored. */
void wasmc_wasi_free(wasmc_wasi *wasi);
/* Why the last wasmc_wasi_new failed (thread-local). */
const char *wasmc_wasi_error(void);
/* Path resolution: openat2(RESOLVE_BENEATH) when the kernel has it (1), or the portable
 * component-by-component walk (0). Returns the previous setting; for tests of both resolvers. */
int wasmc_wasi_use_openat2(int enable);

/* ---- Network access (wasi/net.c). A new state has none: the guest cannot open a socket. ----
 * Grants say which addresses the guest may connect to (TCP connect, UDP connect and send_to) and bind
 * (bind, and listen on an unbound socket); anything else fails with EACCES before any socket call is
 * made. EACCES rather than ENOTCAPABLE because it is what a sandboxed socket host (wasmtime's
 * wasi-sockets: access-denied) reports and what Go maps to fs.ErrPermission (ENOTCAPABLE maps to
 * nothing). A pattern list is separated by commas; each pattern is one of
 *     *                     every IP address and port (and, for connect, every host name)
 *     ADDR | ADDR:PORTS     ADDR: IPv4, [IPv6], a CIDR range (10.0.0.0/8, [fd00::]/8), * (any IP
 *                           address) or a host name, resolved now to the addresses it grants and
 *                           remembered as a name the guest may resolve; PORTS: N, N-M or * (the
 *                           default); port 0 (an ephemeral port) is only granted by a range holding 0
 *     unix:PATH             a Unix socket at host PATH, or any socket beneath PATH if it ends in '/'
 * IPv4-mapped IPv6 addresses are checked as the IPv4 address. sock_getaddrinfo resolves numeric
 * addresses and an empty node freely (no lookup leaves the host), and a name only when a grant names it
 * or a connect grant is `*`. Unix sockets need a unix: grant; `*` does not include them (they are files,
 * which --dir governs). Preopened listeners are capabilities in themselves and need no grant. */
enum { WASMC_NET_CONNECT = 1, WASMC_NET_BIND = 2 };
/* Grant `kinds` (WASMC_NET_CONNECT | WASMC_NET_BIND) for every pattern in the list. Returns 0, or -1 with
 * the reason in wasmc_wasi_error(); patterns before the bad one stay granted. Example:
 *     wasmc_wasi_grant_net(w, WASMC_NET_CONNECT, "127.0.0.1:8000-8080,[::1]:*");  */
int wasmc_wasi_grant_net(wasmc_wasi *wasi, int kinds, const char *patterns);
/* Preopen a listening TCP socket for each HOST:PORT in the list (HOST: IPv4, [IPv6] or a name), as
 * wasmtime's `-S tcplisten`: each becomes the next free fd, so call it right after wasmc_wasi_new for the
 * listeners to follow the preopened directories. The listener is non-blocking, as wasmtime makes them, so
 * Go's net.FileListener parks its Accept in poll_oneoff. Returns the guest fd of the last listener, or
 * -1 with the reason in wasmc_wasi_error(). */
int32_t wasmc_wasi_tcplisten(wasmc_wasi *wasi, const char *host_ports);
/* Preopen a listening stream socket the host already holds: the state takes a duplicate of `host_fd`
 * (the caller keeps and closes its own) and makes it non-blocking (a flag the duplicate shares).
 * Returns the guest fd, or -1 with the reason in wasmc_wasi_error(). */
int32_t wasmc_wasi_add_listener(wasmc_wasi *wasi, int host_fd);

/* The imports, in the order of the preview1 witx. */
int32_t wasmc_wasi_args_get(wasmc_vmctx *vm, int32_t argv, int32_t argv_buf);
int32_t wasmc_wasi_args_sizes_get(wasmc_vmctx *vm, int32_t argc_out, int32_t argv_buf_size_out);
int32_t wasmc_wasi_environ_get(wasmc_vmctx *vm, int32_t environ, int32_t environ_buf);
int32_t wasmc_wasi_environ_sizes_get(wasmc_vmctx *vm, int32_t count_out, int32_t buf_size_out);
int32_t wasmc_wasi_clock_res_get(wasmc_vmctx *vm, int32_t clock_id, int32_t res_out);
int32_t wasmc_wasi_clock_time_get(wasmc_vmctx *vm, int32_t clock_id, int64_t precision, int32_t time_out);
int32_t wasmc_wasi_fd_advise(wasmc_vmctx *vm, int32_t fd, int64_t offset, int64_t len, int32_t advice);
int32_t wasmc_wasi_fd_allocate(wasmc_vmctx *vm, int32_t fd, int64_t offset, int64_t len);
int32_t wasmc_wasi_fd_close(wasmc_vmctx *vm, int32_t fd);
int32_t wasmc_wasi_fd_datasync(wasmc_vmctx *vm, int32_t fd);
int32_t wasmc_wasi_fd_fdstat_get(wasmc_vmctx *vm, int32_t fd, int32_t stat_out);
int32_t wasmc_wasi_fd_fdstat_set_flags(wasmc_vmctx *vm, int32_t fd, int32_t flags);
int32_t wasmc_wasi_fd_fdstat_set_rights(wasmc_vmctx *vm, int32_t fd, int64_t base, int64_t inheriting);
int32_t wasmc_wasi_fd_filestat_get(wasmc_vmctx *vm, int32_t fd, int32_t stat_out);
int32_t wasmc_wasi_fd_filestat_set_size(wasmc_vmctx *vm, int32_t fd, int64_t size);
int32_t wasmc_wasi_fd_filestat_set_times(wasmc_vmctx *vm, int32_t fd, int64_t atim, int64_t mtim,
                                         int32_t fst_flags);
int32_t wasmc_wasi_fd_pread(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                            int32_t nread_out);
int32_t wasmc_wasi_fd_prestat_get(wasmc_vmctx *vm, int32_t fd, int32_t prestat_out);
int32_t wasmc_wasi_fd_prestat_dir_name(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len);
int32_t wasmc_wasi_fd_pwrite(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                             int32_t nwritten_out);
int32_t wasmc_wasi_fd_read(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread_out);
int32_t wasmc_wasi_fd_readdir(wasmc_vmctx *vm, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie,
                              int32_t bufused_out);
int32_t wasmc_wasi_fd_renumber(wasmc_vmctx *vm, int32_t fd, int32_t to);
int32_t wasmc_wasi_fd_seek(wasmc_vmctx *vm, int32_t fd, int64_t offset, int32_t whence, int32_t pos_out);
int32_t wasmc_wasi_fd_sync(wasmc_vmctx *vm, int32_t fd);
int32_t wasmc_wasi_fd_tell(wasmc_vmctx *vm, int32_t fd, int32_t pos_out);
int32_t wasmc_wasi_fd_write(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                            int32_t nwritten_out);
int32_t wasmc_wasi_path_create_directory(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len);
int32_t wasmc_wasi_path_filestat_get(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t path,
                                     int32_t path_len, int32_t stat_out);
int32_t wasmc_wasi_path_filestat_set_times(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t path,
                                           int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags);
int32_t wasmc_wasi_path_link(wasmc_vmctx *vm, int32_t old_fd, int32_t old_flags, int32_t old_path,
                             int32_t old_len, int32_t new_fd, int32_t new_path, int32_t new_len);
int32_t wasmc_wasi_path_open(wasmc_vmctx *vm, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                             int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                             int32_t fdflags, int32_t fd_out);
int32_t wasmc_wasi_path_readlink(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                 int32_t buf_len, int32_t bufused_out);
int32_t wasmc_wasi_path_remove_directory(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len);
int32_t wasmc_wasi_path_rename(wasmc_vmctx *vm, int32_t fd, int32_t old_path, int32_t old_len,
                               int32_t new_fd, int32_t new_path, int32_t new_len);
int32_t wasmc_wasi_path_symlink(wasmc_vmctx *vm, int32_t old_path, int32_t old_len, int32_t fd,
                                int32_t new_path, int32_t new_len);
int32_t wasmc_wasi_path_unlink_file(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len);
int32_t wasmc_wasi_poll_oneoff(wasmc_vmctx *vm, int32_t in, int32_t out, int32_t nsubscriptions,
                               int32_t nevents_out);
/* Unwinds through wasmc_exit(code); never returns. */
void wasmc_wasi_proc_exit(wasmc_vmctx *vm, int32_t code);
int32_t wasmc_wasi_proc_raise(wasmc_vmctx *vm, int32_t sig);
int32_t wasmc_wasi_sched_yield(wasmc_vmctx *vm);
int32_t wasmc_wasi_random_get(wasmc_vmctx *vm, int32_t buf, int32_t buf_len);
int32_t wasmc_wasi_sock_accept(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t fd_out);
int32_t wasmc_wasi_sock_recv(wasmc_vmctx *vm, int32_t fd, int32_t ri_data, int32_t ri_data_len,
                             int32_t ri_flags, int32_t ro_datalen_out, int32_t ro_flags_out);
int32_t wasmc_wasi_sock_send(wasmc_vmctx *vm, int32_t fd, int32_t si_data, int32_t si_data_len,
                             int32_t si_flags, int32_t so_datalen_out);
int32_t wasmc_wasi_sock_shutdown(wasmc_vmctx *vm, int32_t fd, int32_t how);

/* The WasmEdge socket extension (SOCKETS.md §2), same module name. `address` points at {u32 buf;
 * u32 buf_len}: buf holds 4 (IPv4) or 16 (IPv6) raw bytes with the port passed apart, or the 128-byte
 * {u16 family; u8 addr[126]} form (the only one for AF_UNIX: a NUL-terminated path). Ports are host-order
 * numbers. Sockets are ordinary fds: fd_read/fd_write/fd_close/fd_fdstat_* and poll_oneoff work on them. */
int32_t wasmc_wasi_sock_open(wasmc_vmctx *vm, int32_t af, int32_t socktype, int32_t fd_out);
int32_t wasmc_wasi_sock_bind(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port);
int32_t wasmc_wasi_sock_listen(wasmc_vmctx *vm, int32_t fd, int32_t backlog);
int32_t wasmc_wasi_sock_connect(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port);
/* WasmEdge V1's sock_accept: no fdflags. */
int32_t wasmc_wasi_sock_accept_v1(wasmc_vmctx *vm, int32_t fd, int32_t fd_out);
int32_t wasmc_wasi_sock_recv_from(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                  int32_t address, int32_t ri_flags, int32_t port_out, int32_t nread_out,
                                  int32_t ro_flags_out);
/* V1: no port pointer. */
int32_t wasmc_wasi_sock_recv_from_v1(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                     int32_t address, int32_t ri_flags, int32_t nread_out,
                                     int32_t ro_flags_out);
int32_t wasmc_wasi_sock_send_to(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                                int32_t address, int32_t port, int32_t si_flags, int32_t nwritten_out);
/* `value_len` is the option's size, as Go programs pass it (dispatchrun/net passes 4); a value above 256
 * is taken as WasmEdge's pointer to an in/out u32 size instead (no program's memory holds an option
 * size below address 256). */
int32_t wasmc_wasi_sock_getsockopt(wasmc_vmctx *vm, int32_t fd, int32_t level, int32_t name, int32_t value,
                                   int32_t value_len);
int32_t wasmc_wasi_sock_setsockopt(wasmc_vmctx *vm, int32_t fd, int32_t level, int32_t name, int32_t value,
                                   int32_t value_len);
/* The address in the 128-byte form, the port through a u32 pointer. */
int32_t wasmc_wasi_sock_getlocaladdr(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port_out);
int32_t wasmc_wasi_sock_getpeeraddr(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t port_out);
/* V1: a 16-byte raw address, the type (4 or 6) and the port through u32 pointers. */
int32_t wasmc_wasi_sock_getlocaladdr_v1(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t type_out,
                                        int32_t port_out);
int32_t wasmc_wasi_sock_getpeeraddr_v1(wasmc_vmctx *vm, int32_t fd, int32_t address, int32_t type_out,
                                       int32_t port_out);
/* Fills the guest's pre-linked addrinfo nodes (28 bytes each, *res the first, ai_next the others, at most
 * max_res_len) and stores how many it filled. Errors from the host's resolver use WasmEdge's numbers
 * 77-87 (EAI_*). */
int32_t wasmc_wasi_sock_getaddrinfo(wasmc_vmctx *vm, int32_t node, int32_t node_len, int32_t service,
                                    int32_t service_len, int32_t hints, int32_t res, int32_t max_res_len,
                                    int32_t res_len_out);

/* ---- Internal: shared by the files of runtime_c/wasi, hidden from the linker. ---- */
#ifdef WASMC_WASI_INTERNAL

#include <dirent.h>
#include <string.h>
#include <sys/types.h>

#define WASI_HIDDEN __attribute__((visibility("hidden")))

/* WASI errno values (preview1 numbering; Go's syscall/tables_wasip1.go depends on them). */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3, WASI_EADDRNOTAVAIL = 4,
    WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9,
    WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17,
    WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
    WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27,
    WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
    WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
    WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40,
    WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
    WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50,
    WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
    WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
    WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73,
    WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

/* filetype */
enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* The socket extension's address families and socket types. */
enum { WASI_AF_UNSPEC = 0, WASI_AF_INET = 1, WASI_AF_INET6 = 2, WASI_AF_UNIX = 3 };
enum { WASI_SOCK_ANY = 0, WASI_SOCK_DGRAM = 1, WASI_SOCK_STREAM = 2 };

/* fdflags, oflags, lookupflags, fstflags */
#define WASI_FDFLAG_APPEND 1
#define WASI_FDFLAG_DSYNC 2
#define WASI_FDFLAG_NONBLOCK 4
#define WASI_FDFLAG_RSYNC 8
#define WASI_FDFLAG_SYNC 16
#define WASI_OFLAG_CREAT 1
#define WASI_OFLAG_DIRECTORY 2
#define WASI_OFLAG_EXCL 4
#define WASI_OFLAG_TRUNC 8
#define WASI_LOOKUP_SYMLINK_FOLLOW 1
#define WASI_FST_ATIM 1
#define WASI_FST_ATIM_NOW 2
#define WASI_FST_MTIM 4
#define WASI_FST_MTIM_NOW 8

/* Rights (preview1 bit numbers) that fd_fdstat_get reports. Rights are reported, never enforced, and
 * fd_fdstat_set_rights cannot change them: that is what wasmtime does. */
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_READDIR (1ull << 14)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (1ull << 22)
#define WASI_RIGHTS_ALL ((1ull << 30) - 1)
/* What wasmtime reports for a preopened directory (base, inheriting): a fixed set, whatever the fd. */
#define WASI_PREOPEN_RIGHTS_BASE 0x7b7fe00ull
#define WASI_PREOPEN_RIGHTS_INHERITING 0xff7ffffull

/* A socket's (base and inheriting; wasmtime's preview1 has no sockets): fd_read, fd_fdstat_set_flags,
 * fd_write, fd_filestat_get, poll_fd_readwrite, sock_shutdown, sock_accept. */
#define WASI_SOCKET_RIGHTS ((1ull << 1) | (1ull << 3) | (1ull << 6) | (1ull << 21) | (1ull << 27) | \
                            (1ull << 28) | (1ull << 29))

/* The role of a stdio slot; it moves with the slot on fd_renumber, as in wasmtime. */
enum { WASI_STDIO_NONE = 0, WASI_STDIO_IN = 1, WASI_STDIO_OUT = 2 };

/* One slot of the guest's fd table. */
typedef struct wasi_fd {
    int host;                    /* host descriptor; -1 marks a free slot */
    uint8_t stdio;               /* WASI_STDIO_*: fds 0-2 are the host's stdio, never closed here */
    uint8_t filetype;            /* WASI filetype, fixed when the slot is filled */
    char *preopen;               /* guest name of a preopened directory, else NULL */
    DIR *dir;                    /* fd_readdir stream over a dup of `host`, opened on first use */
    uint64_t dir_cookie;         /* the cookie of the entry `dir` returns next */
} wasi_fd;

struct wasmc_wasi {
    char **argv;                 /* argc strings, then NULL */
    int argc;
    char **environ;              /* "NAME=VALUE", envc of them, then NULL */
    int envc;
    wasi_fd *fds;                /* the fd table, indexed by guest fd */
    uint32_t nfds;
    uint32_t used;               /* slots [0, used) have been handed out at least once */
    struct wasi_net *net;        /* network grants (net.c); NULL: none */
};

/* Guest memory: a host pointer to [ptr, ptr + len) of the caller's memory 0, or NULL if any byte of it is
 * out of bounds (64-bit arithmetic, so ptr + len cannot wrap) or there is no memory. */
static inline uint8_t *wasi_mem(wasmc_vmctx *vm, uint32_t ptr, uint64_t len)
{
    if (vm->memories == NULL || vm->memories[0] == NULL)
        return NULL;
    const wasmc_memory *mem = vm->memories[0];
    if ((uint64_t)ptr + len > mem->size)
        return NULL;
    return mem->base + ptr;
}

/* Little-endian stores and loads at any alignment (x86-64 and aarch64 are little-endian). */
static inline void wasi_put_u8(uint8_t *p, uint8_t v) { *p = v; }
static inline void wasi_put_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wasi_put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wasi_put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t wasi_get_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t wasi_get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t wasi_get_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* errno.c: host errno -> WASI errno (unknown ones become EIO, as in wasmtime). */
WASI_HIDDEN int32_t wasi_errno(int host_errno);

/* state.c: the fd table. wasi_fd_get returns the live slot for a guest fd, or NULL (EBADF). */
WASI_HIDDEN wasi_fd *wasi_fd_get(wasmc_vmctx *vm, int32_t fd);
/* Put `host` into a free slot, numbered as wasmtime numbers it: the highest fd closed so far, else one past
 * every fd handed out. Returns the guest fd, or -WASI errno (the host fd is closed). */
WASI_HIDDEN int32_t wasi_fd_insert(wasmc_wasi *wasi, int host, uint8_t filetype);
/* A slot a guest can name as a file (wasmtime's "File": opened by path_open or accepted, not a directory,
 * not stdio), or NULL. */
WASI_HIDDEN wasi_fd *wasi_file_get(wasmc_vmctx *vm, int32_t fd);
/* Release a slot: close its host fd (never stdio's), its directory stream and preopen name. */
WASI_HIDDEN void wasi_fd_release(wasi_fd *slot);
/* The WASI filetype of a host st_mode. */
WASI_HIDDEN uint8_t wasi_filetype_of_mode(unsigned mode);

/* fd.c: a guest iovec array as host iovecs (bounds-checked). Returns 0 or a WASI errno; *out is malloc'd. */
struct iovec;
WASI_HIDDEN int32_t wasi_iovecs(wasmc_vmctx *vm, int32_t iovs, int32_t iovs_len, struct iovec **out);
/* The inode number a guest sees: a hash of the host's (device, inode), unique across the preopens'
 * filesystems as Go's os.SameFile needs, since every file reports device 1 (as in wasmtime). */
WASI_HIDDEN uint64_t wasi_inode(uint64_t dev, uint64_t ino);
/* Write a WASI filestat (64 bytes) from a host struct stat. */
struct stat;
WASI_HIDDEN void wasi_put_filestat(uint8_t *out, const struct stat *st);
/* fst_flags and times (ns) -> utimensat's two timespecs (UTIME_NOW / UTIME_OMIT); 0 or EINVAL. */
struct timespec;
WASI_HIDDEN int32_t wasi_timespecs(int64_t atim, int64_t mtim, int32_t fst_flags, struct timespec ts[2]);

/* path.c: open `path` beneath the directory `dirfd` without escaping it (no `..` above it, no absolute
 * path, no symlink leading out). `flags` are open(2) flags; O_NOFOLLOW means "do not follow a final
 * symlink". Returns a host fd, or -WASI errno. */
WASI_HIDDEN int wasi_open_beneath(int dirfd, const char *path, int flags, unsigned mode);

/* clock.c: the current time of a WASI clock in ns; returns 0 or a WASI errno. */
WASI_HIDDEN int32_t wasi_clock_now(uint32_t clock_id, uint64_t *ns);

/* net.c: the grants. wasi_net_check answers 0 if a grant of `kind` (WASMC_NET_CONNECT or _BIND) covers
 * the host address, else WASI_EACCES; wasi_net_may_open whether any grant could ever cover a socket of
 * host family `family`; wasi_net_may_resolve whether the guest may look up host name `name`. */
struct sockaddr;
WASI_HIDDEN int32_t wasi_net_check(const wasmc_wasi *wasi, int kind, const struct sockaddr *sa,
                                   unsigned len);
WASI_HIDDEN int wasi_net_may_open(const wasmc_wasi *wasi, int family);
WASI_HIDDEN int wasi_net_may_resolve(const wasmc_wasi *wasi, const char *name);
WASI_HIDDEN void wasi_net_free(struct wasi_net *net);
/* sock.c: guest socket addresses (the {buf, buf_len} record of wasi.h's extension comment) to and from host
 * ones. wasi_get_address reads the record at `address` with the separate `port`; wasi_put_address writes
 * `sa` into the record's buffer by its length (128: the {family, addr} form; 4 or 16: raw bytes, when the
 * address fits) and its port to *port. Both return 0 or a WASI errno. */
struct sockaddr_storage;
WASI_HIDDEN int32_t wasi_get_address(wasmc_vmctx *vm, int32_t address, uint32_t port, struct sockaddr_storage *ss,
                                     unsigned *len);
WASI_HIDDEN int32_t wasi_put_address(wasmc_vmctx *vm, int32_t address, const struct sockaddr_storage *ss,
                                     uint32_t *port);
/* The WASI family (1 IPv4, 2 IPv6, 3 Unix) of a host one, or 0. */
WASI_HIDDEN int wasi_family_of(int host_family);
/* state.c: the message wasmc_wasi_error() returns, printf-style. */
WASI_HIDDEN void wasi_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* WASMC_WASI_INTERNAL */
#endif
