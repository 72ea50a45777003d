/* inodes.c: what fd_filestat_get, path_filestat_get and fd_readdir say about devices and inodes. Their
 * values are the host's business, so only relations are printed: wasmtime reports device 1 for
 * everything, one inode per file (hard links share it, a symlink has its own), the same inode in readdir
 * as in stat, and for ".." the directory's own. Expects one empty, writable preopened directory (fd 3) and
 * leaves it empty. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)

/* d_ino of `name` in the directory `fd`, or 0 if it is not listed. */
static unsigned long long listed_inode(__wasi_fd_t fd, const char *name)
{
    static char buf[1024];
    __wasi_size_t used;
    if (__wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used) != 0)
        return 0;
    for (__wasi_size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t e;
        memcpy(&e, buf + off, sizeof e);
        off += sizeof e;
        if (e.d_namlen == strlen(name) && off + e.d_namlen <= used && memcmp(buf + off, name, e.d_namlen) == 0)
            return e.d_ino;
        off += e.d_namlen;
    }
    return 0;
}

int main(void)
{
    __wasi_fd_t f, h, d;
    __wasi_filestat_t fs, gs, hs, ls, lfs, ds, pre;
    printf("create f: %d\n", __wasi_path_open(DIR, 0, "f", __WASI_OFLAGS_CREAT, RW, 0, 0, &f));
    printf("create h: %d\n", __wasi_path_open(DIR, 0, "h", __WASI_OFLAGS_CREAT, RW, 0, 0, &h));
    printf("link g: %d\n", __wasi_path_link(DIR, 0, "f", DIR, "g"));
    printf("symlink l: %d\n", __wasi_path_symlink("f", DIR, "l"));
    printf("mkdir d: %d\n", __wasi_path_create_directory(DIR, "d"));
    printf("open d: %d\n", __wasi_path_open(DIR, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &d));
    printf("stats: %d %d %d %d %d %d %d\n", __wasi_fd_filestat_get(f, &fs), __wasi_path_filestat_get(DIR, 0, "g", &gs),
           __wasi_fd_filestat_get(h, &hs), __wasi_path_filestat_get(DIR, 0, "l", &ls),
           __wasi_path_filestat_get(DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l", &lfs),
           __wasi_fd_filestat_get(d, &ds), __wasi_fd_filestat_get(DIR, &pre));
    printf("devices: %llu %llu %llu %llu %llu %llu\n", (unsigned long long)fs.dev, (unsigned long long)gs.dev,
           (unsigned long long)hs.dev, (unsigned long long)ls.dev, (unsigned long long)ds.dev,
           (unsigned long long)pre.dev);
    printf("f and its hard link g: same inode %d, nlink %llu\n", fs.ino == gs.ino, (unsigned long long)gs.nlink);
    printf("f and h: same inode %d\n", fs.ino == hs.ino);
    printf("symlink l: same inode as f %d, followed %d\n", ls.ino == fs.ino, lfs.ino == fs.ino);
    printf("listed like stat: f %d g %d l %d d %d\n", listed_inode(DIR, "f") == fs.ino,
           listed_inode(DIR, "g") == fs.ino, listed_inode(DIR, "l") == ls.ino, listed_inode(DIR, "d") == ds.ino);
    printf("in d: \".\" is d %d, \"..\" is d %d\n", listed_inode(d, ".") == ds.ino, listed_inode(d, "..") == ds.ino);
    printf("in the preopen: \".\" is it %d\n", listed_inode(DIR, ".") == pre.ino);
    printf("close: %d %d %d\n", __wasi_fd_close(f), __wasi_fd_close(h), __wasi_fd_close(d));
    printf("clean up: %d %d %d %d %d\n", __wasi_path_unlink_file(DIR, "f"), __wasi_path_unlink_file(DIR, "g"),
           __wasi_path_unlink_file(DIR, "h"), __wasi_path_unlink_file(DIR, "l"),
           __wasi_path_remove_directory(DIR, "d"));
    return 0;
}
