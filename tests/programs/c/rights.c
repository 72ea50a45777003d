/* rights.c: the rights fd_fdstat_get reports for each kind of fd (stdio, the preopen, directories and files
 * opened with various rights and modes) and what fd_fdstat_set_rights does: wasmtime keeps no rights, so
 * it reports what the open mode allows and refuses every change, dropping rights included. Expects one
 * empty, writable preopened directory (fd 3) and leaves it empty. */
#include <stdio.h>
#include <wasi/api.h>

#define DIR 3
#define ALL 0x3fffffffull   /* every preview1 right; higher bits are not rights (wasmtime traps on them) */
#define R __WASI_RIGHTS_FD_READ
#define W __WASI_RIGHTS_FD_WRITE
#define P(expr) printf("%-100s -> %d\n", #expr, (int)(expr))

static __wasi_fdstat_t st;

static void show(const char *what, __wasi_fd_t fd)
{
    __wasi_errno_t err = __wasi_fd_fdstat_get(fd, &st);
    if (err != 0) {
        printf("%-28s fdstat_get -> %d\n", what, err);
        return;
    }
    printf("%-28s type %d flags %d base %#llx inheriting %#llx\n", what, st.fs_filetype, st.fs_flags,
           (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
}

/* Open `path` with the given rights, show its fdstat, close it. */
static void open_show(const char *what, const char *path, __wasi_oflags_t oflags, __wasi_rights_t base,
                      __wasi_rights_t inheriting, __wasi_fdflags_t fdflags)
{
    __wasi_fd_t fd;
    __wasi_errno_t err = __wasi_path_open(DIR, 0, path, oflags, base, inheriting, fdflags, &fd);
    if (err != 0) {
        printf("%-28s path_open -> %d\n", what, err);
        return;
    }
    show(what, fd);
    printf("%-28s fd_close -> %d\n", what, __wasi_fd_close(fd));
}

int main(void)
{
    __wasi_fd_t fd, made;
    show("stdin", 0);
    show("stdout", 1);
    show("stderr", 2);
    show("preopen", DIR);
    show("closed fd", 40);

    P(__wasi_path_create_directory(DIR, "d"));
    P(__wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_CREAT, R | W, 0, 0, &made));
    P(__wasi_fd_close(made));

    /* Directories never report FD_SEEK, FD_FILESTAT_SET_SIZE or PATH_FILESTAT_SET_SIZE, asked for or not. */
    open_show("dir, all rights", "d", __WASI_OFLAGS_DIRECTORY, ALL & ~W, ALL, 0);
    open_show("dir, FD_SEEK|FD_TELL", "d", 0, __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0, 0);
    open_show("dir, FD_READDIR", "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0);
    open_show("dir, no rights", "d", 0, 0, 0, 0);
    open_show("dir \".\"", ".", 0, R, 0, 0);
    open_show("dir, FD_WRITE", "d", 0, W | __WASI_RIGHTS_FD_READDIR, 0, 0);
    /* Files: every right, less FD_WRITE when read-only and FD_READ/FD_READDIR when write-only. */
    open_show("file, FD_READ", "f", 0, R, 0, 0);
    open_show("file, FD_WRITE", "f", 0, W, 0, 0);
    open_show("file, FD_WRITE|FD_READDIR", "f", 0, W | __WASI_RIGHTS_FD_READDIR, 0, 0);
    open_show("file, FD_READ|FD_WRITE", "f", 0, R | W, R, 0);
    open_show("file, all rights", "f", 0, ALL, ALL, 0);
    open_show("file, no rights", "f", 0, 0, 0, 0);
    open_show("file, FD_SEEK only", "f", 0, __WASI_RIGHTS_FD_SEEK, 0, 0);
    open_show("file, append", "f", 0, W, 0, __WASI_FDFLAGS_APPEND);
    open_show("file, nonblock", "f", 0, R, 0, __WASI_FDFLAGS_NONBLOCK);
    open_show("file, sync", "f", 0, R | W, 0, __WASI_FDFLAGS_SYNC);
    open_show("file, dsync", "f", 0, R | W, 0, __WASI_FDFLAGS_DSYNC);
    open_show("file, rsync", "f", 0, R, 0, __WASI_FDFLAGS_RSYNC);

    /* fd_fdstat_set_rights: dropping FD_FILESTAT_SET_SIZE from the preopen's inheriting rights, dropping
     * rights of a file, keeping them, adding some; then whether anything changed and is enforced. */
    __wasi_fdstat_t pre;
    P(__wasi_fd_fdstat_get(DIR, &pre));
    P(__wasi_fd_fdstat_set_rights(DIR, pre.fs_rights_base, pre.fs_rights_inheriting & ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
    P(__wasi_fd_fdstat_set_rights(DIR, pre.fs_rights_base, pre.fs_rights_inheriting));
    P(__wasi_fd_fdstat_set_rights(DIR, pre.fs_rights_base | __WASI_RIGHTS_FD_SEEK, pre.fs_rights_inheriting));
    show("preopen after set_rights", DIR);
    P(__wasi_path_open(DIR, 0, "f", 0, R | W | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0, 0, &fd));
    P(__wasi_fd_fdstat_set_rights(fd, R, 0));
    P(__wasi_fd_fdstat_set_rights(fd, 0, 0));
    P(__wasi_fd_fdstat_set_rights(fd, ALL, ALL));
    show("file after set_rights", fd);
    P(__wasi_fd_filestat_set_size(fd, 3));
    P(__wasi_fd_write(fd, &(__wasi_ciovec_t){(const uint8_t *)"xy", 2}, 1, &(__wasi_size_t){0}));
    P(__wasi_fd_close(fd));
    P(__wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, ALL, 0, &fd));
    P(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READDIR, 0));
    show("dir after set_rights", fd);
    P(__wasi_fd_close(fd));
    P(__wasi_fd_fdstat_set_rights(0, R, 0));
    P(__wasi_fd_fdstat_set_rights(1, 0, 0));
    P(__wasi_fd_fdstat_set_rights(2, W, W));
    P(__wasi_fd_fdstat_set_rights(40, 0, 0));

    P(__wasi_path_unlink_file(DIR, "f"));
    P(__wasi_path_remove_directory(DIR, "d"));
    return 0;
}
