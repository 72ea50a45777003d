/* slashes.c: trailing slashes (and "/.") on the paths of path_link, path_symlink, path_rename,
 * path_unlink_file, path_remove_directory, path_readlink, path_filestat_set_times, path_create_directory
 * and path_open, with files, directories and symlinks (to a file, a directory, nothing, and out of the
 * sandbox) in the way. Each case runs in a fresh directory; the line shows the errno and what exists
 * afterwards. Expects one empty, writable preopened directory (fd 3) and leaves it empty. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define ROOT 3
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)

static __wasi_fd_t D;   /* the case's directory */

/* Remove `path` beneath `dir` and everything under it. */
static void rm_rf(__wasi_fd_t dir, const char *path)
{
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(dir, 0, path, &st) != 0)
        return;
    if (st.filetype != __WASI_FILETYPE_DIRECTORY) {
        (void)__wasi_path_unlink_file(dir, path);
        return;
    }
    __wasi_fd_t sub;
    static char buf[4096];
    __wasi_size_t used;
    if (__wasi_path_open(dir, 0, path, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &sub) == 0) {
        if (__wasi_fd_readdir(sub, (uint8_t *)buf, sizeof buf, 0, &used) == 0) {
            char names[32][64];
            int n = 0;
            for (__wasi_size_t off = 0; off + sizeof(__wasi_dirent_t) <= used && n < 32;) {
                __wasi_dirent_t e;
                memcpy(&e, buf + off, sizeof e);
                off += sizeof e;
                if (e.d_namlen < 64 && off + e.d_namlen <= used) {
                    memcpy(names[n], buf + off, e.d_namlen);
                    names[n][e.d_namlen] = '\0';
                    if (strcmp(names[n], ".") != 0 && strcmp(names[n], "..") != 0)
                        n++;
                }
                off += e.d_namlen;
            }
            for (int i = 0; i < n; i++)
                rm_rf(sub, names[i]);
        }
        (void)__wasi_fd_close(sub);
    }
    (void)__wasi_path_remove_directory(dir, path);
}

/* A fresh case directory "c": file f, empty dir d, dir ne holding ne/x, symlinks lf -> f, ld -> d,
 * lm -> missing and lup -> .. (out of the sandbox of the fd D, though still in the preopen). */
static void setup(void)
{
    __wasi_fd_t fd;
    (void)__wasi_path_create_directory(ROOT, "c");
    if (__wasi_path_open(ROOT, 0, "c", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &D) != 0)
        printf("setup failed\n");
    (void)__wasi_path_open(D, 0, "f", __WASI_OFLAGS_CREAT, RW, 0, 0, &fd);
    (void)__wasi_fd_close(fd);
    (void)__wasi_path_create_directory(D, "d");
    (void)__wasi_path_create_directory(D, "ne");
    (void)__wasi_path_open(D, 0, "ne/x", __WASI_OFLAGS_CREAT, RW, 0, 0, &fd);
    (void)__wasi_fd_close(fd);
    (void)__wasi_path_symlink("f", D, "lf");
    (void)__wasi_path_symlink("d", D, "ld");
    (void)__wasi_path_symlink("missing", D, "lm");
    (void)__wasi_path_symlink("..", D, "lup");
}

/* End a case: print its errno and what exists now (name:type:nlink), then remove the case directory. */
static void finish(const char *what, int err)
{
    static const char *names[] = {"f", "d", "g", "e", "l", "lf", "ld", "lm", "ne", "ne/x", "d/f", "d/g",
                                  "d/l", "d/e", "g/f", NULL};
    __wasi_filestat_t st;
    printf("%-34s -> %2d [", what, err);
    for (int i = 0; names[i] != NULL; i++)
        if (__wasi_path_filestat_get(D, 0, names[i], &st) == 0)
            printf(" %s:%d:%llu", names[i], st.filetype, (unsigned long long)st.nlink);
    printf(" ]\n");
    (void)__wasi_fd_close(D);
    rm_rf(ROOT, "c");
}

int main(void)
{
    static const char *srcs[] = {"f", "f/", "d", "d/", "lf/", "ld/", "lm/", "missing/", "lup/", "f/.", NULL};
    static const char *dsts[] = {"g", "g/", "f/", "d/", "lf/", "ld/", "lm/", "lup/", "e/.", "g//", "d/g/", NULL};
    static const char *targets[] = {"f", "f/", "missing", NULL};
    static const char *paths[] = {"f/", "d/", "lf/", "ld/", "lm/", "g/", "lup/", "ne/", "d//", "f/.", "d/.", NULL};
    static const char *links[] = {"lf", "ld", "lm", "lf/", "ld/", NULL};
    static const char *rename_srcs[] = {"f", "f/", "d", "d/", "lf/", "ld/", NULL};
    static const char *rename_dsts[] = {"g", "g/", "f/", "d/.", "e/.", "ld/", NULL};
    char what[64];
    __wasi_fd_t fd;
    __wasi_size_t n;
    char buf[64];

    for (int i = 0; srcs[i]; i++)
        for (int j = 0; dsts[j]; j++) {
            setup();
            snprintf(what, sizeof what, "link %s %s", srcs[i], dsts[j]);
            finish(what, __wasi_path_link(D, 0, srcs[i], D, dsts[j]));
        }
    for (int i = 0; targets[i]; i++)
        for (int j = 0; dsts[j]; j++) {
            setup();
            snprintf(what, sizeof what, "symlink %s %s", targets[i], dsts[j]);
            finish(what, __wasi_path_symlink(targets[i], D, dsts[j]));
        }
    for (int i = 0; paths[i]; i++) {
        const char *p = paths[i];
        setup();
        snprintf(what, sizeof what, "unlink_file %s", p);
        finish(what, __wasi_path_unlink_file(D, p));
        setup();
        snprintf(what, sizeof what, "remove_directory %s", p);
        finish(what, __wasi_path_remove_directory(D, p));
        setup();
        snprintf(what, sizeof what, "create_directory %s", p);
        finish(what, __wasi_path_create_directory(D, p));
        setup();
        snprintf(what, sizeof what, "readlink %s", p);
        finish(what, __wasi_path_readlink(D, p, (uint8_t *)buf, sizeof buf, &n));
        setup();
        snprintf(what, sizeof what, "set_times nofollow %s", p);
        finish(what, __wasi_path_filestat_set_times(D, 0, p, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    }
    for (int i = 0; links[i]; i++) {
        setup();
        snprintf(what, sizeof what, "open O_DIRECTORY nofollow %s", links[i]);
        int err = __wasi_path_open(D, 0, links[i], __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
        if (err == 0)
            (void)__wasi_fd_close(fd);
        finish(what, err);
        setup();
        snprintf(what, sizeof what, "open O_DIRECTORY follow %s", links[i]);
        err = __wasi_path_open(D, 1, links[i], __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
        if (err == 0)
            (void)__wasi_fd_close(fd);
        finish(what, err);
    }
    for (int i = 0; rename_srcs[i]; i++)
        for (int j = 0; rename_dsts[j]; j++) {
            setup();
            snprintf(what, sizeof what, "rename %s %s", rename_srcs[i], rename_dsts[j]);
            finish(what, __wasi_path_rename(D, rename_srcs[i], D, rename_dsts[j]));
        }
    return 0;
}
