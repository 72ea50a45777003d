/* dirs.c: mkdir, readdir (names sorted, so host order does not matter), rename, symlink, unlink, rmdir
 * and a few errno cases. Usage: dirs.wasm DIR, where DIR is a preopened, writable directory; the program
 * removes what it creates. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(what, expr)                                                              \
    do {                                                                               \
        long r_ = (long)(expr);                                                        \
        printf("%-28s -> %ld%s%s\n", what, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); \
    } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
    char *names[256];
    int n = 0;
    DIR *d = opendir(path);
    if (d == NULL) {
        printf("opendir %s: %s\n", path, strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("%s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: dirs DIR (a preopened directory)\n");
        return 2;
    }
    CHECK("mkdir top", mkdir("top", 0755));
    CHECK("mkdir top again", mkdir("top", 0755));
    CHECK("mkdir top/sub", mkdir("top/sub", 0755));
    char name[32];
    for (int i = 0; i < 40; i++) {   /* enough entries to need several fd_readdir calls */
        snprintf(name, sizeof name, "top/file_%02d_with_a_longer_name", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    list("top");
    CHECK("rename file", rename("top/file_00_with_a_longer_name", "top/sub/moved"));
    CHECK("rename missing", rename("top/nothing", "top/x"));
    CHECK("symlink", symlink("sub/moved", "top/link"));
    char target[64] = {0};
    CHECK("readlink", readlink("top/link", target, sizeof target - 1));
    printf("link -> %s\n", target);
    struct stat st;
    CHECK("lstat link", lstat("top/link", &st));
    printf("is link: %d\n", S_ISLNK(st.st_mode));
    CHECK("stat link", stat("top/link", &st));
    printf("is regular: %d\n", S_ISREG(st.st_mode));
    list("top/sub");
    CHECK("rmdir non-empty", rmdir("top/sub"));
    CHECK("unlink dir", unlink("top/sub"));
    CHECK("rmdir file", rmdir("top/link"));
    CHECK("unlink link", unlink("top/link"));
    CHECK("unlink moved", unlink("top/sub/moved"));
    CHECK("rmdir sub", rmdir("top/sub"));
    for (int i = 1; i < 40; i++) {
        snprintf(name, sizeof name, "top/file_%02d_with_a_longer_name", i);
        unlink(name);
    }
    list("top");
    CHECK("rmdir top", rmdir("top"));
    CHECK("escape ..", open("../outside", O_RDONLY));
    return 0;
}
