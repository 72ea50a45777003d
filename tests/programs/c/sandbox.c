/* sandbox.c: escape attempts from the preopened directory (fd 3), which the test places beside a
 * secret.txt and a directory outside/ holding keep.txt. Every attempt must fail (its errno is printed)
 * and nothing outside may be read, created or changed; the test checks both. Uses libc and raw calls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define BOX 3
#define R (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR)
#define LIBC(what, expr)                                                                       \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(expr);                                                                \
        printf("%-44s -> %s errno %d\n", what, r_ < 0 ? "fail" : "OK!", r_ < 0 ? errno : 0); \
    } while (0)
#define RAW(expr) printf("%-100s -> %d\n", #expr, (int)(expr))

static __wasi_fd_t fd;
static __wasi_filestat_t fs;
static char buf[256];

/* If an attempt did open something, print what it read: the test fails if that is the secret. */
static void try_read(const char *path)
{
    int f = open(path, O_RDONLY);
    if (f < 0) {
        printf("%-44s -> fail errno %d\n", path, errno);
        return;
    }
    memset(buf, 0, sizeof buf);
    ssize_t n = read(f, buf, sizeof buf - 1);
    printf("%-44s -> OK! read %zd: %s\n", path, n, buf);
    close(f);
}

int main(void)
{
    chdir("/box");
    LIBC("mkdir sub", mkdir("sub", 0755));
    LIBC("create inside.txt", close(open("inside.txt", O_CREAT | O_WRONLY, 0644)));
    LIBC("symlink up -> ..", symlink("..", "up"));
    LIBC("symlink secret -> ../secret.txt", symlink("../secret.txt", "secret"));
    LIBC("symlink out -> ../outside", symlink("../outside", "out"));
    LIBC("symlink deep -> sub/../../outside", symlink("sub/../../outside", "deep"));
    LIBC("symlink root -> /", symlink("/", "root"));
    LIBC("symlink chain -> up", symlink("up", "chain"));

    printf("-- reads\n");
    try_read("../secret.txt");
    try_read("/box/../secret.txt");
    try_read("sub/../../secret.txt");
    try_read("secret");
    try_read("up/secret.txt");
    try_read("chain/secret.txt");
    try_read("out/keep.txt");
    try_read("deep/keep.txt");
    try_read("root/etc/passwd");
    try_read("/etc/passwd");
    RAW(__wasi_path_open(BOX, 0, "/etc/passwd", 0, R, 0, 0, &fd));
    RAW(__wasi_path_open(BOX, 0, "../secret.txt", 0, R, 0, 0, &fd));
    RAW(__wasi_path_open(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "secret", 0, R, 0, 0, &fd));
    RAW(__wasi_path_open(BOX, 0, "secret", 0, R, 0, 0, &fd));
    RAW(__wasi_path_open(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up", __WASI_OFLAGS_DIRECTORY, R, R, 0, &fd));
    RAW(__wasi_path_open(BOX, 0, "..", __WASI_OFLAGS_DIRECTORY, R, R, 0, &fd));
    RAW(__wasi_path_filestat_get(BOX, 0, "../secret.txt", &fs));
    RAW(__wasi_path_filestat_get(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "secret", &fs));
    RAW(__wasi_path_filestat_get(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out", &fs));
    DIR *d = opendir("up");
    printf("%-44s -> %s\n", "opendir up", d ? "OK!" : "fail");
    d = opendir("..");
    printf("%-44s -> %s\n", "opendir ..", d ? "OK!" : "fail");

    printf("-- writes\n");
    LIBC("create ../created.txt", open("../created.txt", O_CREAT | O_WRONLY, 0644));
    LIBC("create out/created.txt", open("out/created.txt", O_CREAT | O_WRONLY, 0644));
    LIBC("create up/created.txt", open("up/created.txt", O_CREAT | O_WRONLY, 0644));
    LIBC("truncate secret (via link)", open("secret", O_WRONLY | O_TRUNC));
    LIBC("truncate ../secret.txt", truncate("../secret.txt", 0));
    LIBC("mkdir ../newdir", mkdir("../newdir", 0755));
    LIBC("mkdir out/newdir", mkdir("out/newdir", 0755));
    LIBC("rmdir ../outside", rmdir("../outside"));
    LIBC("unlink ../secret.txt", unlink("../secret.txt"));
    LIBC("unlink out/keep.txt", unlink("out/keep.txt"));
    LIBC("unlink up/secret.txt", unlink("up/secret.txt"));
    LIBC("symlink ../evil -> secret.txt", symlink("secret.txt", "../evil"));
    LIBC("symlink out/evil -> keep.txt", symlink("keep.txt", "out/evil"));
    LIBC("link ../secret.txt -> stolen", link("../secret.txt", "stolen"));
    LIBC("link inside.txt -> ../planted", link("inside.txt", "../planted"));
    RAW(__wasi_path_link(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "secret", BOX, "stolen"));
    RAW(__wasi_path_link(BOX, 0, "up/secret.txt", BOX, "stolen"));
    RAW(__wasi_path_filestat_set_times(BOX, 0, "../secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW(__wasi_path_filestat_set_times(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "secret", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    RAW(__wasi_path_filestat_set_times(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out", 0, 0, __WASI_FSTFLAGS_ATIM_NOW));

    printf("-- renames\n");
    LIBC("rename inside.txt -> ../moved.txt", rename("inside.txt", "../moved.txt"));
    LIBC("rename inside.txt -> out/moved.txt", rename("inside.txt", "out/moved.txt"));
    LIBC("rename inside.txt -> up/moved.txt", rename("inside.txt", "up/moved.txt"));
    LIBC("rename inside.txt -> /moved.txt", rename("inside.txt", "/moved.txt"));
    LIBC("rename ../secret.txt -> got.txt", rename("../secret.txt", "got.txt"));
    LIBC("rename out/keep.txt -> got.txt", rename("out/keep.txt", "got.txt"));
    LIBC("rename sub -> ../sub", rename("sub", "../sub"));
    RAW(__wasi_path_rename(BOX, "inside.txt", BOX, "sub/../../moved.txt"));
    RAW(__wasi_path_rename(BOX, "up", BOX, "x"));
    LIBC("rename inside.txt -> sub/ok.txt (allowed)", rename("inside.txt", "sub/ok.txt"));

    printf("-- readlink shows targets without following\n");
    ssize_t n = readlink("secret", buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("readlink secret -> %s\n", buf);

    printf("-- cleanup\n");
    const char *links[] = {"up", "secret", "out", "deep", "root", "chain"};
    for (int i = 0; i < 6; i++)
        LIBC(links[i], unlink(links[i]));
    LIBC("unlink sub/ok.txt", unlink("sub/ok.txt"));
    LIBC("rmdir sub", rmdir("sub"));
    return 0;
}
