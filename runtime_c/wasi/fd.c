/* fd.c: the fd_* functions over the fd table of state.c. Which kind of fd each call takes, and the errno
 * for the others, are wasmtime's: byte I/O on files and on stdin (reads) or stdout/stderr (writes), the
 * file calls (seek, sync, advise, set_size, set_flags) on files only, EBADF or ESPIPE for the rest. */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

int32_t wasi_iovecs(wasmc_vmctx *vm, int32_t iovs, int32_t iovs_len, struct iovec **out)
{
    uint32_t n = (uint32_t)iovs_len;
    const uint8_t *arr = wasi_mem(vm, (uint32_t)iovs, (uint64_t)n * 8);
    if (arr == NULL)
        return WASI_EFAULT;
    /* More than IOV_MAX buffers would make readv fail; using the first IOV_MAX gives a short transfer,
     * which every caller must handle anyway. */
    uint32_t used = n < IOV_MAX ? n : IOV_MAX;
    struct iovec *v = malloc((used ? used : 1) * sizeof *v);
    if (v == NULL)
        return WASI_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = wasi_get_u32(arr + 8 * (size_t)i), len = wasi_get_u32(arr + 8 * (size_t)i + 4);
        uint8_t *p = wasi_mem(vm, buf, len);
        if (p == NULL) {
            free(v);
            return WASI_EFAULT;
        }
        if (i < used)
            v[i] = (struct iovec){.iov_base = p, .iov_len = len};
    }
    *out = v;
    return 0;
}

uint64_t wasi_inode(uint64_t dev, uint64_t ino)
{
    /* splitmix64's finalizer: a bijection, so distinct inodes of one device stay distinct. */
    uint64_t x = dev * 0x9e3779b97f4a7c15ull ^ ino;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24, size @32, atim @40, mtim @48,
 * ctim @56. The device is 1 and the inode wasi_inode's, as wasmtime reports them. */
void wasi_put_filestat(uint8_t *out, const struct stat *st)
{
    memset(out, 0, 64);
    wasi_put_u64(out + 0, 1);
    wasi_put_u64(out + 8, wasi_inode((uint64_t)st->st_dev, (uint64_t)st->st_ino));
    wasi_put_u8(out + 16, wasi_filetype_of_mode(st->st_mode));
    wasi_put_u64(out + 24, (uint64_t)st->st_nlink);
    wasi_put_u64(out + 32, (uint64_t)st->st_size);
    wasi_put_u64(out + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
    wasi_put_u64(out + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
    wasi_put_u64(out + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

int32_t wasi_timespecs(int64_t atim, int64_t mtim, int32_t fst_flags, struct timespec ts[2])
{
    if (((fst_flags & WASI_FST_ATIM) && (fst_flags & WASI_FST_ATIM_NOW)) ||
        ((fst_flags & WASI_FST_MTIM) && (fst_flags & WASI_FST_MTIM_NOW)) || (fst_flags & ~0xf))
        return WASI_EINVAL;
    int64_t t[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        int set = fst_flags & (i ? WASI_FST_MTIM : WASI_FST_ATIM);
        int now = fst_flags & (i ? WASI_FST_MTIM_NOW : WASI_FST_ATIM_NOW);
        if (set)
            ts[i] = (struct timespec){.tv_sec = (time_t)((uint64_t)t[i] / 1000000000u),
                                      .tv_nsec = (long)((uint64_t)t[i] % 1000000000u)};
        else
            ts[i] = (struct timespec){.tv_nsec = now ? UTIME_NOW : UTIME_OMIT};
    }
    return 0;
}

/* readv/writev/preadv/pwritev, retried on EINTR, with the count stored at out_ptr. */
enum io_op { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

/* 0 if `slot` takes `op`, else its errno: files take all four, stdin reads, stdout and stderr write, and a
 * positioned transfer on the stream that would otherwise take it is ESPIPE. */
static int32_t io_check(const wasi_fd *slot, enum io_op op)
{
    if (slot == NULL)
        return WASI_EBADF;
    if (!slot->stdio)
        return slot->filetype == WASI_FILETYPE_DIRECTORY ? WASI_EBADF : 0;
    int reads = op == IO_READ || op == IO_PREAD;
    if (reads != (slot->stdio == WASI_STDIO_IN))
        return WASI_EBADF;
    return op == IO_PREAD || op == IO_PWRITE ? WASI_ESPIPE : 0;
}

/* The buffer a transfer uses: as in wasmtime, the first non-empty one of the guest's iovecs (callers loop
 * over short transfers anyway), or an empty one. Every iovec is bounds-checked. */
static int32_t first_iovec(wasmc_vmctx *vm, int32_t iovs, int32_t iovs_len, uint8_t **buf, uint32_t *len)
{
    uint32_t n = (uint32_t)iovs_len;
    const uint8_t *arr = wasi_mem(vm, (uint32_t)iovs, (uint64_t)n * 8);
    if (arr == NULL)
        return WASI_EFAULT;
    *buf = NULL;
    *len = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = wasi_get_u32(arr + 8 * (size_t)i), l = wasi_get_u32(arr + 8 * (size_t)i + 4);
        uint8_t *p = wasi_mem(vm, b, l);
        if (p == NULL)
            return WASI_EFAULT;
        if (*len == 0 && l > 0) {
            *buf = p;
            *len = l;
        }
    }
    return 0;
}

static int32_t do_io(wasmc_vmctx *vm, enum io_op op, int32_t fd, int32_t iovs, int32_t iovs_len,
                     int64_t offset, int32_t out_ptr)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    int32_t err = io_check(slot, op);
    if (err != 0)
        return err;
    uint8_t *out = wasi_mem(vm, (uint32_t)out_ptr, 4);
    if (out == NULL)
        return WASI_EFAULT;
    if ((op == IO_PREAD || op == IO_PWRITE) && offset < 0)
        return WASI_EINVAL;
    uint8_t *buf;
    uint32_t len;
    if ((err = first_iovec(vm, iovs, iovs_len, &buf, &len)) != 0)
        return err;
    if (len == 0) {
        /* Nothing to move. wasmtime's stdin then answers EINTR (its stream read came back empty). */
        if (slot->stdio == WASI_STDIO_IN)
            return WASI_EINTR;
        wasi_put_u32(out, 0);
        return 0;
    }
    ssize_t n;
    do {
        switch (op) {
        case IO_READ: n = read(slot->host, buf, len); break;
        case IO_WRITE:
            if (slot->filetype == WASI_FILETYPE_SOCKET_STREAM || slot->filetype == WASI_FILETYPE_SOCKET_DGRAM)
                n = send(slot->host, buf, len, MSG_NOSIGNAL);   /* a closed peer is EPIPE, not a SIGPIPE */
            else
                n = write(slot->host, buf, len);   /* unbuffered, also for stdio */
            break;
        case IO_PREAD: n = pread(slot->host, buf, len, offset); break;
        default: n = pwrite(slot->host, buf, len, offset); break;
        }
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return wasi_errno(errno);
    wasi_put_u32(out, (uint32_t)n);
    return 0;
}

int32_t wasmc_wasi_fd_read(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread_out)
{
    return do_io(vm, IO_READ, fd, iovs, iovs_len, 0, nread_out);
}

int32_t wasmc_wasi_fd_write(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len,
                            int32_t nwritten_out)
{
    return do_io(vm, IO_WRITE, fd, iovs, iovs_len, 0, nwritten_out);
}

int32_t wasmc_wasi_fd_pread(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                            int32_t nread_out)
{
    return do_io(vm, IO_PREAD, fd, iovs, iovs_len, offset, nread_out);
}

int32_t wasmc_wasi_fd_pwrite(wasmc_vmctx *vm, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset,
                             int32_t nwritten_out)
{
    return do_io(vm, IO_PWRITE, fd, iovs, iovs_len, offset, nwritten_out);
}

int32_t wasmc_wasi_fd_seek(wasmc_vmctx *vm, int32_t fd, int64_t offset, int32_t whence, int32_t pos_out)
{
    static const int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot != NULL && slot->stdio)
        return WASI_ESPIPE;   /* wasmtime: stdio is a stream, whatever the host fd is */
    if ((slot = wasi_file_get(vm, fd)) == NULL)
        return WASI_EBADF;
    uint8_t *out = wasi_mem(vm, (uint32_t)pos_out, 8);
    if (out == NULL)
        return WASI_EFAULT;
    if (whence < 0 || whence > 2)
        return WASI_EINVAL;
    off_t pos = lseek(slot->host, offset, whences[whence]);
    if (pos < 0)
        return wasi_errno(errno);
    wasi_put_u64(out, (uint64_t)pos);
    return 0;
}

int32_t wasmc_wasi_fd_tell(wasmc_vmctx *vm, int32_t fd, int32_t pos_out)
{
    return wasmc_wasi_fd_seek(vm, fd, 0, 1, pos_out);
}

int32_t wasmc_wasi_fd_close(wasmc_vmctx *vm, int32_t fd)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    wasi_fd_release(slot);
    return 0;
}

/* Move `fd` onto `to`, closing what `to` held; both must be open (the spec's rule, and wasmtime's). */
int32_t wasmc_wasi_fd_renumber(wasmc_vmctx *vm, int32_t fd, int32_t to)
{
    wasi_fd *from = wasi_fd_get(vm, fd), *dest = wasi_fd_get(vm, to);
    if (from == NULL || dest == NULL)
        return WASI_EBADF;
    if (from == dest)
        return 0;
    wasi_fd_release(dest);
    *dest = *from;
    *from = (wasi_fd){.host = -1};
    return 0;
}

/* Directories and stdio cannot be synced through WASI (EBADF, as wasmtime). */
static int32_t sync_fd(wasmc_vmctx *vm, int32_t fd, int data_only)
{
    wasi_fd *slot = wasi_file_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if ((data_only ? fdatasync(slot->host) : fsync(slot->host)) != 0)
        return wasi_errno(errno);
    return 0;
}

int32_t wasmc_wasi_fd_sync(wasmc_vmctx *vm, int32_t fd) { return sync_fd(vm, fd, 0); }
int32_t wasmc_wasi_fd_datasync(wasmc_vmctx *vm, int32_t fd) { return sync_fd(vm, fd, 1); }

int32_t wasmc_wasi_fd_advise(wasmc_vmctx *vm, int32_t fd, int64_t offset, int64_t len, int32_t advice)
{
    static const int advices[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    wasi_fd *slot = wasi_file_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if (advice < 0 || advice > 5)
        return WASI_EINVAL;
    /* Advice is a hint: pipes and other unseekable files, and ranges the host refuses (offset or length
     * past 2^63, which wasmtime takes as they are), just do not take it. */
    if (offset < 0 || len < 0)
        return 0;
    int err = posix_fadvise(slot->host, offset, len, advices[advice]);
    return err == 0 || err == ESPIPE ? 0 : wasi_errno(err);
}

/* wasmtime answers ENOTSUP (fd_allocate was dropped from WASI); programs must see the same. */
int32_t wasmc_wasi_fd_allocate(wasmc_vmctx *vm, int32_t fd, int64_t offset, int64_t len)
{
    (void)offset;
    (void)len;
    return wasi_file_get(vm, fd) == NULL ? WASI_EBADF : WASI_ENOTSUP;
}

/* The rights wasmtime reports: fixed sets for stdio and preopens (and sockets, which it does not have); for
 * anything path_open made, every right (as both base and inheriting) less those its open mode or type
 * rules out. */
static void fdstat_rights(const wasi_fd *slot, int access_mode, uint64_t *base, uint64_t *inheriting)
{
    if (slot->stdio) {
        *base = *inheriting = slot->stdio == WASI_STDIO_IN ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
        return;
    }
    if (slot->preopen != NULL) {
        *base = WASI_PREOPEN_RIGHTS_BASE;
        *inheriting = WASI_PREOPEN_RIGHTS_INHERITING;
        return;
    }
    if (slot->filetype == WASI_FILETYPE_SOCKET_STREAM || slot->filetype == WASI_FILETYPE_SOCKET_DGRAM) {
        *base = *inheriting = WASI_SOCKET_RIGHTS;
        return;
    }
    uint64_t r = WASI_RIGHTS_ALL;
    if (slot->filetype == WASI_FILETYPE_DIRECTORY)
        r &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_SIZE);
    if (access_mode == O_WRONLY)
        r &= ~(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
    if (access_mode == O_RDONLY)
        r &= ~WASI_RIGHT_FD_WRITE;
    *base = *inheriting = r;
}

/* fdstat: filetype u8 @0, fs_flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16. */
int32_t wasmc_wasi_fd_fdstat_get(wasmc_vmctx *vm, int32_t fd, int32_t stat_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    uint8_t *out = wasi_mem(vm, (uint32_t)stat_out, 24);
    if (out == NULL)
        return WASI_EFAULT;
    /* Stdio reports no flags, as in wasmtime, whatever the host's fd has: O_APPEND from `>>`, or
     * O_NONBLOCK, for which Go would park on poll_oneoff and expect EAGAIN that stdio never gives. The
     * sync flags need no reporting: path_open refuses them and nothing else sets them. */
    uint16_t flags = 0;
    int mode = O_RDONLY;
    if (!slot->stdio) {
        int fl = fcntl(slot->host, F_GETFL);
        if (fl < 0)
            return wasi_errno(errno);
        if (fl & O_APPEND)
            flags |= WASI_FDFLAG_APPEND;
        if (fl & O_NONBLOCK)
            flags |= WASI_FDFLAG_NONBLOCK;
        mode = fl & O_ACCMODE;
    }
    uint64_t base, inheriting;
    fdstat_rights(slot, mode, &base, &inheriting);
    memset(out, 0, 24);
    wasi_put_u8(out, slot->filetype);
    wasi_put_u16(out + 2, flags);
    wasi_put_u64(out + 8, base);
    wasi_put_u64(out + 16, inheriting);
    return 0;
}

int32_t wasmc_wasi_fd_fdstat_set_flags(wasmc_vmctx *vm, int32_t fd, int32_t flags)
{
    /* wasmtime answers EBADF for stdio (and Go then keeps to blocking reads of stdin, GO_WASIP1.md §1)
     * and for directories, and EINVAL for the sync flags, which it cannot change after open. */
    wasi_fd *slot = wasi_file_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if (flags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
        return WASI_EINVAL;
    int fl = fcntl(slot->host, F_GETFL);
    if (fl < 0)
        return wasi_errno(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    fl |= (flags & WASI_FDFLAG_APPEND ? O_APPEND : 0) | (flags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
    if (fcntl(slot->host, F_SETFL, fl) != 0)
        return wasi_errno(errno);
    return 0;
}

/* wasmtime (which keeps no rights) refuses every change, dropping rights included: ENOTSUP for files and
 * directories, EBADF for stdio as for a closed fd. */
int32_t wasmc_wasi_fd_fdstat_set_rights(wasmc_vmctx *vm, int32_t fd, int64_t base, int64_t inheriting)
{
    (void)base;
    (void)inheriting;
    wasi_fd *slot = wasi_fd_get(vm, fd);
    return slot == NULL || slot->stdio ? WASI_EBADF : WASI_ENOTSUP;
}

int32_t wasmc_wasi_fd_filestat_get(wasmc_vmctx *vm, int32_t fd, int32_t stat_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    uint8_t *out = wasi_mem(vm, (uint32_t)stat_out, 64);
    if (out == NULL)
        return WASI_EFAULT;
    if (slot->stdio) {
        /* wasmtime's stdio is a stream with no inode: all zeros but the type fd_fdstat_get reports. */
        memset(out, 0, 64);
        wasi_put_u8(out + 16, slot->filetype);
        return 0;
    }
    struct stat st;
    if (fstat(slot->host, &st) != 0)
        return wasi_errno(errno);
    wasi_put_filestat(out, &st);
    if (slot->filetype == WASI_FILETYPE_SOCKET_DGRAM)
        wasi_put_u8(out + 16, slot->filetype);   /* the type fd_fdstat_get reports (st_mode has no DGRAM) */
    return 0;
}

int32_t wasmc_wasi_fd_filestat_set_size(wasmc_vmctx *vm, int32_t fd, int64_t size)
{
    wasi_fd *slot = wasi_file_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if (size < 0)
        return WASI_EINVAL;
    if (ftruncate(slot->host, size) != 0)
        return wasi_errno(errno);
    return 0;
}

int32_t wasmc_wasi_fd_filestat_set_times(wasmc_vmctx *vm, int32_t fd, int64_t atim, int64_t mtim,
                                         int32_t fst_flags)
{
    /* The flags are checked first, then the fd (stdio has no times to set), as wasmtime does. */
    struct timespec ts[2];
    int32_t err = wasi_timespecs(atim, mtim, fst_flags, ts);
    if (err != 0)
        return err;
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL || slot->stdio)
        return WASI_EBADF;
    if (futimens(slot->host, ts) != 0)
        return wasi_errno(errno);
    return 0;
}

/* prestat: tag u8 @0 (0 = directory), name_len u32 @4. Only preopens have one; others are EBADF, which
 * is where Go's and wasi-libc's preopen enumeration stops. */
int32_t wasmc_wasi_fd_prestat_get(wasmc_vmctx *vm, int32_t fd, int32_t prestat_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL || slot->preopen == NULL)
        return WASI_EBADF;
    uint8_t *out = wasi_mem(vm, (uint32_t)prestat_out, 8);
    if (out == NULL)
        return WASI_EFAULT;
    memset(out, 0, 8);
    wasi_put_u32(out + 4, (uint32_t)strlen(slot->preopen));
    return 0;
}

/* A live fd that is not a preopen is ENOTDIR here (EBADF in fd_prestat_get), as in wasmtime. */
int32_t wasmc_wasi_fd_prestat_dir_name(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL)
        return WASI_EBADF;
    if (slot->preopen == NULL)
        return WASI_ENOTDIR;
    size_t len = strlen(slot->preopen);
    if ((uint32_t)path_len < len)
        return WASI_ENAMETOOLONG;
    uint8_t *out = wasi_mem(vm, (uint32_t)path, len);
    if (out == NULL)
        return WASI_EFAULT;
    memcpy(out, slot->preopen, len);   /* no NUL: the guest knows the length from fd_prestat_get */
    return 0;
}

/* ---- fd_readdir ----
 * Cookies are entry indices: 0 is ".", 1 is "..", then the host's entries in its order. A dirent is
 * d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20, then the name (no NUL). The stream
 * remembers the next cookie, so reading on from where the last call stopped is O(1); any other cookie
 * rewinds and skips. d_ino is wasi_inode's, as in fd_filestat_get; wasmtime gives ".." the directory's
 * own, and so do we. (A mount point inside the directory shows the inode beneath it.) */

typedef struct {
    const char *name;
    uint64_t ino;
    uint8_t type;
    long pos;          /* telldir before this entry, to put it back; -1 for "." and ".." */
} dir_entry;

static uint8_t dirent_type(DIR *dir, const struct dirent *e)
{
    switch (e->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN: {
        struct stat st;
        if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_of_mode(st.st_mode);
        return WASI_FILETYPE_UNKNOWN;
    }
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* The entry with cookie slot->dir_cookie; advances the cookie. Returns 0 at the end, -1 on error. `dir` is
 * the directory's own stat. */
static int next_entry(wasi_fd *slot, const struct stat *dir, dir_entry *out)
{
    if (slot->dir_cookie < 2) {
        out->name = slot->dir_cookie == 0 ? "." : "..";
        out->ino = wasi_inode((uint64_t)dir->st_dev, (uint64_t)dir->st_ino);
        out->type = WASI_FILETYPE_DIRECTORY;
        out->pos = -1;
        slot->dir_cookie++;
        return 1;
    }
    for (;;) {
        long pos = telldir(slot->dir);
        errno = 0;
        struct dirent *e = readdir(slot->dir);
        if (e == NULL)
            return errno ? -1 : 0;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        *out = (dir_entry){.name = e->d_name, .ino = wasi_inode((uint64_t)dir->st_dev, (uint64_t)e->d_ino),
                           .type = dirent_type(slot->dir, e), .pos = pos};
        slot->dir_cookie++;
        return 1;
    }
}

int32_t wasmc_wasi_fd_readdir(wasmc_vmctx *vm, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie,
                              int32_t bufused_out)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL || slot->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_EBADF;   /* wasmtime: a file or stdio has no directory to read */
    uint8_t *out = wasi_mem(vm, (uint32_t)buf, (uint32_t)buf_len);
    uint8_t *used_out = wasi_mem(vm, (uint32_t)bufused_out, 4);
    if (out == NULL || used_out == NULL)
        return WASI_EFAULT;
    struct stat dir;
    if (fstat(slot->host, &dir) != 0)
        return wasi_errno(errno);
    if (slot->dir == NULL) {
        /* A dup, so closedir does not close the guest's descriptor; the offset is shared, so rewind. */
        int dup_fd = fcntl(slot->host, F_DUPFD_CLOEXEC, 0);
        if (dup_fd < 0)
            return wasi_errno(errno);
        if ((slot->dir = fdopendir(dup_fd)) == NULL) {
            int e = errno;
            close(dup_fd);
            return wasi_errno(e);
        }
        rewinddir(slot->dir);
        slot->dir_cookie = 0;
    }
    if ((uint64_t)cookie != slot->dir_cookie) {
        rewinddir(slot->dir);
        slot->dir_cookie = 0;
        dir_entry skipped;
        while (slot->dir_cookie < (uint64_t)cookie) {
            int r = next_entry(slot, &dir, &skipped);
            if (r < 0)
                return wasi_errno(errno);
            if (r == 0)
                break;   /* a cookie past the end: nothing more to list */
        }
    }
    uint32_t used = 0, cap = (uint32_t)buf_len;
    dir_entry e;
    int r = 1;
    while (used < cap && (r = next_entry(slot, &dir, &e)) > 0) {
        uint8_t header[24] = {0};
        size_t namlen = strlen(e.name);
        wasi_put_u64(header, slot->dir_cookie);
        wasi_put_u64(header + 8, e.ino);
        wasi_put_u32(header + 16, (uint32_t)namlen);
        wasi_put_u8(header + 20, e.type);
        /* The last entry may be cut short: the guest sees bufused == buf_len, grows its buffer and asks
         * again from the same cookie, so put the entry back for the next call. */
        uint32_t n = cap - used < 24 ? cap - used : 24;
        memcpy(out + used, header, n);
        used += n;
        size_t m = cap - used < namlen ? cap - used : namlen;
        memcpy(out + used, e.name, m);
        used += (uint32_t)m;
        if (n < 24 || m < namlen) {
            slot->dir_cookie--;
            if (e.pos >= 0)
                seekdir(slot->dir, e.pos);
            break;
        }
    }
    if (used < cap && r < 0)
        return wasi_errno(errno);
    wasi_put_u32(used_out, used);
    return 0;
}
