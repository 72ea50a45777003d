/* path.c: path_* functions, and the resolver that keeps every path beneath its directory fd.
 *
 * A guest sees only its preopened directories. Absolute paths, `..` above the starting directory and
 * symlinks whose target leaves it (absolute, or `..` too far, at any component) fail with EPERM, the
 * errno wasmtime gives for all of them. The kernel does the work where it can: openat2 with
 * RESOLVE_BENEATH (Linux 5.6+), whose EXDEV we report as EPERM. Without openat2 (ENOSYS, or a seccomp
 * filter that refuses it) we walk the path ourselves one component at a time with O_NOFOLLOW, keeping
 * our own stack of opened directories for `..` and expanding symlinks by hand, as cap-std does.
 * Operations that must not follow the last component (unlink, rmdir, mkdir, rename, link, symlink,
 * lstat-like calls) resolve the parent directory that way and then use the *at call on a bare name.
 */
#define _GNU_SOURCE
#define WASMC_WASI_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
/* <linux/openat2.h> is missing from older headers; the ABI is fixed, so spell it out. */
struct wasi_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
#define WASI_RESOLVE_NO_MAGICLINKS 0x02
#define WASI_RESOLVE_BENEATH 0x08

#define MAX_SYMLINKS 40   /* Linux's limit before ELOOP */

/* 1: use openat2; 0: walk; -1: not yet known (probed on first use). */
static int openat2_mode = -1;

static int openat2_available(void)
{
    if (openat2_mode < 0) {
        struct wasi_open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = WASI_RESOLVE_BENEATH};
        long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
        if (fd >= 0)
            close((int)fd);
        openat2_mode = fd >= 0;
    }
    return openat2_mode;
}

int wasmc_wasi_use_openat2(int enable)
{
    int previous = openat2_available();
    openat2_mode = enable ? -1 : 0;
    return previous;
}

static int open_openat2(int dirfd, const char *path, int flags, unsigned mode)
{
    struct wasi_open_how how = {.flags = (uint64_t)(unsigned)flags,
                                .mode = (flags & O_CREAT) ? mode : 0,
                                .resolve = WASI_RESOLVE_BENEATH | WASI_RESOLVE_NO_MAGICLINKS};
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        /* EAGAIN: a concurrent rename made the kernel unsure the walk stayed beneath; it asks to retry. */
        if (errno == EAGAIN && tries < 16)
            continue;
        return errno == EXDEV ? -WASI_EPERM : -wasi_errno(errno);
    }
}

/* The walk: `stack` holds the directories entered so far (stack[0] is the caller's, not ours to close). */
typedef struct {
    int *fds;
    int depth;   /* index of the current directory in fds */
    int cap;
} dir_stack;

static int stack_push(dir_stack *s, int fd)
{
    if (s->depth + 1 >= s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        int *fds = realloc(s->fds, (size_t)cap * sizeof *fds);
        if (fds == NULL)
            return -1;
        s->fds = fds;
        s->cap = cap;
    }
    s->fds[++s->depth] = fd;
    return 0;
}

/* Replace the unwalked rest of the path by `target` + "/" + rest, for a symlink met on the way. */
static int splice_link(char **work, char **cursor, const char *target, const char *rest)
{
    if (target[0] == '/')
        return -WASI_EPERM;   /* an absolute symlink leaves the sandbox, as in wasmtime */
    size_t tlen = strlen(target), rlen = strlen(rest);
    char *next = malloc(tlen + rlen + 2);
    if (next == NULL)
        return -WASI_ENOMEM;
    memcpy(next, target, tlen);
    next[tlen] = '/';
    memcpy(next + tlen + 1, rest, rlen + 1);
    if (rlen == 0)
        next[tlen] = '\0';   /* the link was the last component: its target is now the last */
    free(*work);
    *work = *cursor = next;
    return 0;
}

/* The link text of cur/name: 1 and *target set (malloc'd) if it is a symlink, 0 if not, -errno. */
static int read_link(int cur, const char *name, char **target)
{
    char buf[PATH_MAX];
    ssize_t n = readlinkat(cur, name, buf, sizeof buf - 1);
    if (n < 0)
        return errno == EINVAL || errno == ENOENT ? 0 : -wasi_errno(errno);
    buf[n] = '\0';
    return (*target = strdup(buf)) != NULL ? 1 : -WASI_ENOMEM;
}

static int open_walk(int dirfd, const char *path, int flags, unsigned mode)
{
    const int follow_last = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
    dir_stack s = {.depth = -1};
    char *work = strdup(path), *p = work;
    int result = -WASI_ENOMEM, symlinks = 0;
    if (work == NULL || stack_push(&s, dirfd) != 0)
        goto done;
    for (;;) {
        while (*p == '/')
            p++;
        char *comp = p;
        while (*p != '\0' && *p != '/')
            p++;
        int trailing_slash = *p == '/';
        if (*p == '/')
            *p++ = '\0';
        while (*p == '/')
            p++;
        int last = *p == '\0';
        int cur = s.fds[s.depth];

        if (*comp == '\0' || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (strcmp(comp, "..") == 0) {
                if (s.depth == 0) {
                    result = -WASI_EPERM;
                    goto done;
                }
                close(s.fds[s.depth--]);
            }
            if (last) {
                /* The path names a directory already entered: open it afresh with the caller's flags. */
                int fd = openat(s.fds[s.depth], ".", flags, mode);
                result = fd >= 0 ? fd : -wasi_errno(errno);
                goto done;
            }
            continue;
        }

        if (last && !trailing_slash) {
            char *target = NULL;
            int r = follow_last ? read_link(cur, comp, &target) : 0;
            if (r < 0) {
                result = r;
                goto done;
            }
            if (r == 0) {
                int fd = openat(cur, comp, flags | O_NOFOLLOW, mode);
                if (fd >= 0 && follow_last && (flags & O_PATH)) {
                    /* O_PATH|O_NOFOLLOW opens a symlink itself; one may have appeared since readlink. */
                    struct stat st;
                    if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
                        close(fd);
                        fd = -1;
                        errno = ELOOP;
                    }
                }
                if (fd >= 0 || errno != ELOOP || !follow_last) {
                    result = fd >= 0 ? fd : -wasi_errno(errno);
                    goto done;
                }
                /* Raced with a rename that put a symlink here: read it again. */
                r = read_link(cur, comp, &target);
                if (r <= 0) {
                    result = r < 0 ? r : -WASI_ELOOP;
                    goto done;
                }
            }
            if (++symlinks > MAX_SYMLINKS) {
                free(target);
                result = -WASI_ELOOP;
                goto done;
            }
            r = splice_link(&work, &p, target, "");
            free(target);
            if (r < 0) {
                result = r;
                goto done;
            }
            continue;
        }

        /* An intermediate component (or a last one with a trailing slash): it must be a directory. Creating
         * "name/" is EISDIR whatever is there, as open(2) says. */
        if (last && (flags & O_CREAT)) {
            result = -WASI_EISDIR;
            goto done;
        }
        int fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            if (stack_push(&s, fd) != 0) {
                close(fd);
                goto done;
            }
            if (last) {
                fd = openat(fd, ".", flags, mode);
                result = fd >= 0 ? fd : -wasi_errno(errno);
                goto done;
            }
            continue;
        }
        if (errno != ENOTDIR && errno != ELOOP) {
            result = -wasi_errno(errno);
            goto done;
        }
        char *target = NULL;
        int r = read_link(cur, comp, &target);
        if (r <= 0) {
            result = r < 0 ? r : -WASI_ENOTDIR;
            goto done;
        }
        if (++symlinks > MAX_SYMLINKS) {
            free(target);
            result = -WASI_ELOOP;
            goto done;
        }
        /* The rest keeps a trailing slash so the link's target must be a directory too. */
        char *rest = last ? strdup(".") : strdup(p);
        r = rest != NULL ? splice_link(&work, &p, target, rest) : -WASI_ENOMEM;
        free(rest);
        free(target);
        if (r < 0) {
            result = r;
            goto done;
        }
    }
done:
    for (int i = 1; i <= s.depth; i++)
        close(s.fds[i]);
    free(s.fds);
    free(work);
    return result;
}

int wasi_open_beneath(int dirfd, const char *path, int flags, unsigned mode)
{
    if (path[0] == '\0')
        return -WASI_ENOENT;
    if (path[0] == '/')
        return -WASI_EPERM;
    /* openat2 refuses O_PATH with any flag it ignores (openat would just ignore O_NOCTTY). */
    flags |= O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY);
    if (openat2_available())
        return open_openat2(dirfd, path, flags, mode);
    return open_walk(dirfd, path, flags, mode);
}

/* ---- Guest paths ---- */

/* Copy the guest path [ptr, ptr + len) into a NUL-terminated host string (malloc'd). */
static int32_t guest_path(wasmc_vmctx *vm, int32_t ptr, int32_t len, char **out)
{
    const uint8_t *src = wasi_mem(vm, (uint32_t)ptr, (uint32_t)len);
    if (src == NULL)
        return WASI_EFAULT;
    if (memchr(src, '\0', (uint32_t)len) != NULL)
        return WASI_EINVAL;   /* the host could not pass it on intact */
    char *s = malloc((size_t)(uint32_t)len + 1);
    if (s == NULL)
        return WASI_ENOMEM;
    memcpy(s, src, (uint32_t)len);
    s[(uint32_t)len] = '\0';
    *out = s;
    return 0;
}

/* The directory a path_* call starts from; anything else is EBADF, as in wasmtime (path_open alone says
 * ENOTDIR for a file). */
static int32_t dir_fd(wasmc_vmctx *vm, int32_t fd, int *host)
{
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL || slot->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_EBADF;
    *host = slot->host;
    return 0;
}

/* A path split for the *at calls that act on a name without following it. */
typedef struct {
    char *path;        /* the guest path, trailing slashes removed */
    int parent;        /* host fd of the parent directory (O_PATH), or -1 */
    const char *name;  /* last component, no slash; "." when the path names a directory as a whole */
    int trailing;      /* the guest path ended in '/' */
} split_path;

/* What a trailing slash means, which differs by call in wasmtime (cap-std): for most it says "this names a
 * directory", so the whole path is resolved (following a final symlink) and the call acts on "." in it:
 * unlink "d/" is EISDIR, rmdir "d/" EINVAL, link or symlink to "new/" ENOENT, to "file/" ENOTDIR. mkdir
 * and rename ignore it instead ("new/" is just "new"). */
enum split_mode { SLASH_NAMES_DIR, SLASH_IGNORED };

static void split_free(split_path *sp)
{
    if (sp->parent >= 0)
        close(sp->parent);
    free(sp->path);
}

static int32_t split(wasmc_vmctx *vm, int32_t fd, int32_t ptr, int32_t len, enum split_mode mode,
                     split_path *sp)
{
    int dir;
    *sp = (split_path){.parent = -1};
    int32_t err = dir_fd(vm, fd, &dir);
    if (err == 0)
        err = guest_path(vm, ptr, len, &sp->path);
    if (err != 0)
        return err;
    size_t n = strlen(sp->path);
    while (n > 1 && sp->path[n - 1] == '/') {
        sp->path[--n] = '\0';
        sp->trailing = 1;
    }
    char *slash = strrchr(sp->path, '/');
    const char *last = slash ? slash + 1 : sp->path;
    int parent;
    if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || (sp->trailing && mode == SLASH_NAMES_DIR)) {
        /* Acting on "a/.." means acting on the directory it names: resolve all of it, beneath. */
        parent = wasi_open_beneath(dir, sp->path, O_PATH | O_DIRECTORY, 0);
        sp->name = ".";
    } else if (slash == NULL) {
        parent = sp->path[0] == '\0' ? -WASI_ENOENT : wasi_open_beneath(dir, ".", O_PATH | O_DIRECTORY, 0);
        sp->name = last;
    } else if (slash == sp->path) {
        parent = -WASI_EPERM;   /* "/name": absolute */
    } else {
        *slash = '\0';
        parent = wasi_open_beneath(dir, sp->path, O_PATH | O_DIRECTORY, 0);
        sp->name = slash + 1;
    }
    if (parent < 0) {
        split_free(sp);
        return -parent;
    }
    sp->parent = parent;
    return 0;
}

/* Whether `path` beneath `dir` names a symlink itself (a trailing slash follows it, so is never one). */
static int is_symlink(int dir, const char *path)
{
    int fd = wasi_open_beneath(dir, path, O_PATH | O_NOFOLLOW, 0);
    if (fd < 0)
        return 0;
    struct stat st;
    int link = fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
    close(fd);
    return link;
}

/* ---- path_* ---- */

int32_t wasmc_wasi_path_open(wasmc_vmctx *vm, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                             int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                             int32_t fdflags, int32_t fd_out)
{
    (void)rights_inheriting;   /* wasmtime ignores it too */
    /* wasmtime: a file as the directory is ENOTDIR, stdio (or a closed fd) EBADF. */
    wasi_fd *slot = wasi_fd_get(vm, fd);
    if (slot == NULL || slot->stdio)
        return WASI_EBADF;
    if (slot->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    int dir = slot->host;
    uint8_t *out = wasi_mem(vm, (uint32_t)fd_out, 4);
    if (out == NULL)
        return WASI_EFAULT;
    /* wasmtime opens nothing with the sync flags (ENOTSUP), whatever the path. */
    if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC))
        return WASI_ENOTSUP;
    char *p;
    int32_t err = guest_path(vm, path, path_len, &p);
    if (err != 0)
        return err;
    /* The access mode comes from the rights FD_READ and FD_WRITE only, as in wasmtime: Go's read-only opens
     * keep rights such as FD_FILESTAT_SET_SIZE, and must still refuse writes (os TestFileRDWRFlags); with
     * neither, the file is opened for reading. A directory opened for writing is then EISDIR (from the
     * kernel), which Go expects. fd_fdstat_get derives the rights it reports from this mode. */
    uint64_t rights = (uint64_t)rights_base;
    int read = (rights & WASI_RIGHT_FD_READ) != 0;
    int write = (rights & WASI_RIGHT_FD_WRITE) != 0;
    int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (oflags & WASI_OFLAG_CREAT) flags |= O_CREAT;
    if (oflags & WASI_OFLAG_DIRECTORY) flags |= O_DIRECTORY;
    if (oflags & WASI_OFLAG_EXCL) flags |= O_EXCL;
    if (oflags & WASI_OFLAG_TRUNC) flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
    if (!(dirflags & WASI_LOOKUP_SYMLINK_FOLLOW)) flags |= O_NOFOLLOW;
    int host = wasi_open_beneath(dir, p, flags, 0666);
    if (host == -WASI_ENOTDIR && (flags & O_DIRECTORY) && (flags & O_NOFOLLOW) && is_symlink(dir, p))
        host = -WASI_ELOOP;   /* Linux checks O_DIRECTORY first; wasmtime refuses the symlink first */
    free(p);
    if (host < 0)
        return -host;
    struct stat st;
    if (fstat(host, &st) != 0) {
        err = wasi_errno(errno);
        close(host);
        return err;
    }
    uint8_t type = wasi_filetype_of_mode(st.st_mode);
    int32_t guest = wasi_fd_insert(vm->host, host, type);
    if (guest < 0)
        return -guest;
    wasi_put_u32(out, (uint32_t)guest);
    return 0;
}

int32_t wasmc_wasi_path_filestat_get(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t path,
                                     int32_t path_len, int32_t stat_out)
{
    int dir;
    char *p;
    int32_t err = dir_fd(vm, fd, &dir);
    if (err != 0)
        return err;
    uint8_t *out = wasi_mem(vm, (uint32_t)stat_out, 64);
    if (out == NULL)
        return WASI_EFAULT;
    if ((err = guest_path(vm, path, path_len, &p)) != 0)
        return err;
    /* O_PATH opens anything, even without read permission, and with O_NOFOLLOW the symlink itself. */
    int follow = flags & WASI_LOOKUP_SYMLINK_FOLLOW;
    int host = wasi_open_beneath(dir, p, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
    free(p);
    if (host < 0)
        return -host;
    struct stat st;
    err = fstat(host, &st) == 0 ? 0 : wasi_errno(errno);
    close(host);
    if (err == 0)
        wasi_put_filestat(out, &st);
    return err;
}

int32_t wasmc_wasi_path_filestat_set_times(wasmc_vmctx *vm, int32_t fd, int32_t flags, int32_t path,
                                           int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags)
{
    struct timespec ts[2];
    int32_t err = wasi_timespecs(atim, mtim, fst_flags, ts);
    if (err != 0)
        return err;
    if (!(flags & WASI_LOOKUP_SYMLINK_FOLLOW)) {
        split_path sp;
        if ((err = split(vm, fd, path, path_len, SLASH_NAMES_DIR, &sp)) != 0)
            return err;
        if (utimensat(sp.parent, sp.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
            err = wasi_errno(errno);
        split_free(&sp);
        return err;
    }
    int dir;
    char *p;
    if ((err = dir_fd(vm, fd, &dir)) != 0 || (err = guest_path(vm, path, path_len, &p)) != 0)
        return err;
    int host = wasi_open_beneath(dir, p, O_PATH, 0);
    free(p);
    if (host < 0)
        return -host;
    /* futimens refuses O_PATH descriptors; its /proc link reaches the same inode without a path walk. */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", host);
    err = utimensat(AT_FDCWD, proc, ts, 0) == 0 ? 0 : wasi_errno(errno);
    close(host);
    return err;
}

int32_t wasmc_wasi_path_create_directory(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len)
{
    split_path sp;
    int32_t err = split(vm, fd, path, path_len, SLASH_IGNORED, &sp);
    if (err != 0)
        return err;
    if (mkdirat(sp.parent, sp.name, 0777) != 0)
        err = wasi_errno(errno);
    split_free(&sp);
    return err;
}

int32_t wasmc_wasi_path_remove_directory(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len)
{
    split_path sp;
    int32_t err = split(vm, fd, path, path_len, SLASH_NAMES_DIR, &sp);
    if (err != 0)
        return err;
    if (unlinkat(sp.parent, sp.name, AT_REMOVEDIR) != 0)
        err = wasi_errno(errno);
    split_free(&sp);
    return err;
}

int32_t wasmc_wasi_path_unlink_file(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len)
{
    split_path sp;
    int32_t err = split(vm, fd, path, path_len, SLASH_NAMES_DIR, &sp);
    if (err != 0)
        return err;
    if (unlinkat(sp.parent, sp.name, 0) != 0)   /* "dir/" is "." in dir: EISDIR */
        err = wasi_errno(errno);
    split_free(&sp);
    return err;
}

int32_t wasmc_wasi_path_readlink(wasmc_vmctx *vm, int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                 int32_t buf_len, int32_t bufused_out)
{
    uint8_t *out = wasi_mem(vm, (uint32_t)buf, (uint32_t)buf_len);
    uint8_t *used = wasi_mem(vm, (uint32_t)bufused_out, 4);
    if (out == NULL || used == NULL)
        return WASI_EFAULT;
    split_path sp;
    int32_t err = split(vm, fd, path, path_len, SLASH_NAMES_DIR, &sp);
    if (err != 0)
        return err;
    char target[PATH_MAX];
    /* "link/" names the directory the link points to, which is not a link: EINVAL, as readlink(2) says. */
    ssize_t n = readlinkat(sp.parent, sp.name, target, sizeof target);
    split_free(&sp);
    if (n < 0)
        return wasi_errno(errno);
    /* wasmtime does not reveal absolute targets: following them would leave the sandbox anyway. */
    if (n > 0 && target[0] == '/')
        return WASI_EPERM;
    size_t m = (size_t)n < (uint32_t)buf_len ? (size_t)n : (uint32_t)buf_len;   /* truncates, as POSIX */
    memcpy(out, target, m);
    wasi_put_u32(used, (uint32_t)m);
    return 0;
}

int32_t wasmc_wasi_path_symlink(wasmc_vmctx *vm, int32_t old_path, int32_t old_len, int32_t fd,
                                int32_t new_path, int32_t new_len)
{
    int dir;
    int32_t err = dir_fd(vm, fd, &dir);
    if (err != 0)
        return err;
    char *target;
    if ((err = guest_path(vm, old_path, old_len, &target)) != 0)
        return err;
    /* Relative targets may say anything (resolution is checked when followed); absolute ones are refused
     * up front, as wasmtime does. */
    if (target[0] == '/') {
        free(target);
        return WASI_EPERM;
    }
    split_path sp;
    if ((err = split(vm, fd, new_path, new_len, SLASH_NAMES_DIR, &sp)) == 0) {
        if (symlinkat(target, sp.parent, sp.name) != 0)
            err = wasi_errno(errno);
        split_free(&sp);
    }
    free(target);
    return err;
}

/* Both ends are resolved beneath their own directory fd, so nothing can be moved or linked out. A trailing
 * slash is ignored in resolving either end (cap-std's rule for rename), but the source keeps its own for
 * the kernel to check, and a destination's says the source must be a directory. */
int32_t wasmc_wasi_path_rename(wasmc_vmctx *vm, int32_t fd, int32_t old_path, int32_t old_len,
                               int32_t new_fd, int32_t new_path, int32_t new_len)
{
    int dir;
    int32_t err = dir_fd(vm, fd, &dir);
    if (err == 0)
        err = dir_fd(vm, new_fd, &dir);
    if (err != 0)
        return err;
    split_path from, to;
    if ((err = split(vm, fd, old_path, old_len, SLASH_IGNORED, &from)) != 0)
        return err;
    if ((err = split(vm, new_fd, new_path, new_len, SLASH_IGNORED, &to)) != 0) {
        split_free(&from);
        return err;
    }
    size_t n = strlen(from.name);
    char *old_name = malloc(n + 2);
    struct stat st;
    if (old_name == NULL)
        err = WASI_ENOMEM;
    else if (to.trailing && fstatat(from.parent, from.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
             !S_ISDIR(st.st_mode))
        err = WASI_ENOTDIR;
    else {
        memcpy(old_name, from.name, n);
        old_name[n] = '/';
        old_name[n + (from.trailing ? 1 : 0)] = '\0';
        if (renameat(from.parent, old_name, to.parent, to.name) != 0)
            err = wasi_errno(errno);
    }
    free(old_name);
    split_free(&from);
    split_free(&to);
    return err;
}

int32_t wasmc_wasi_path_link(wasmc_vmctx *vm, int32_t old_fd, int32_t old_flags, int32_t old_path,
                             int32_t old_len, int32_t new_fd, int32_t new_path, int32_t new_len)
{
    /* wasmtime refuses to follow a symlink for link() (once both fds are known to be directories); so do
     * we, which also spares a /proc round trip. */
    int dir;
    int32_t err = dir_fd(vm, old_fd, &dir);
    if (err == 0)
        err = dir_fd(vm, new_fd, &dir);
    if (err != 0)
        return err;
    if (old_flags & WASI_LOOKUP_SYMLINK_FOLLOW)
        return WASI_EINVAL;
    split_path from, to;
    if ((err = split(vm, old_fd, old_path, old_len, SLASH_NAMES_DIR, &from)) != 0)
        return err;
    if ((err = split(vm, new_fd, new_path, new_len, SLASH_NAMES_DIR, &to)) != 0) {
        split_free(&from);
        return err;
    }
    if (linkat(from.parent, from.name, to.parent, to.name, 0) != 0)
        err = wasi_errno(errno);
    split_free(&from);
    split_free(&to);
    return err;
}
