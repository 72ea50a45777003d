/* files.c: file I/O in a preopened directory. Usage: files.wasm DIR, where DIR (a guest path) is a
 * preopened, writable directory; the program leaves it as it found it. Prints one line per step. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(what, expr)                                                              \
    do {                                                                               \
        long r_ = (long)(expr);                                                        \
        printf("%-28s -> %ld%s%s\n", what, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); \
    } while (0)

int main(int argc, char **argv)
{
    if (argc < 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: files DIR (a preopened directory)\n");
        return 2;
    }
    char buf[64] = {0};
    int fd = open("data.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK("open create", fd >= 0);
    CHECK("write", write(fd, "hello, file\n", 12));
    CHECK("lseek 7", lseek(fd, 7, SEEK_SET));
    CHECK("read 4", read(fd, buf, 4));
    printf("read back: %s\n", buf);
    CHECK("pwrite at 0", pwrite(fd, "HELLO", 5, 0));
    memset(buf, 0, sizeof buf);
    CHECK("pread all", pread(fd, buf, sizeof buf - 1, 0));
    printf("contents: %s", buf);
    struct stat st;
    CHECK("fstat", fstat(fd, &st));
    printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK("ftruncate 5", ftruncate(fd, 5));
    CHECK("lseek end", lseek(fd, 0, SEEK_END));
    CHECK("close", close(fd));
    fd = open("data.txt", O_WRONLY | O_APPEND);
    CHECK("open append", fd >= 0);
    CHECK("append", write(fd, "!\n", 2));
    close(fd);
    FILE *f = fopen("data.txt", "r");
    CHECK("fopen", f != NULL);
    if (f && fgets(buf, sizeof buf, f))
        printf("final: %s", buf);
    if (f)
        fclose(f);
    CHECK("open missing", open("missing.txt", O_RDONLY));
    CHECK("open excl again", open("data.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("stat", stat("data.txt", &st));
    printf("size=%lld\n", (long long)st.st_size);
    CHECK("unlink", unlink("data.txt"));
    CHECK("stat gone", stat("data.txt", &st));
    return 0;
}
