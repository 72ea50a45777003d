/* stdio.c: large and interleaved output. Writes N bytes (argv[1]) to stdout in one fwrite (a single big
 * fd_write the host may answer partially), then alternates stdout and stderr lines unbuffered, then a
 * writev with several iovecs. Prints a checksum of what it wrote. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* A host may write less than all the iovecs (wasmtime writes only the first non-empty one), so loop. */
static ssize_t writev_all(int fd, struct iovec *iov, int count)
{
    ssize_t total = 0;
    while (count > 0) {
        ssize_t n = writev(fd, iov, count);
        if (n < 0)
            return -1;
        total += n;
        while (count > 0 && (size_t)n >= iov->iov_len)
            n -= (ssize_t)iov->iov_len, iov++, count--;
        if (count > 0)
            iov->iov_base = (char *)iov->iov_base + n, iov->iov_len -= (size_t)n;
    }
    return total;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 100000;
    char *big = malloc(n);
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        big[i] = i % 64 == 63 ? '\n' : (char)('a' + (i * 7) % 26);
        sum = sum * 33 + (unsigned char)big[i];
    }
    size_t written = fwrite(big, 1, n, stdout);
    fflush(stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < 5; i++) {
        printf("stdout line %d\n", i);
        fprintf(stderr, "stderr line %d\n", i);
    }
    struct iovec iov[4] = {{"one ", 4}, {"", 0}, {"two ", 4}, {"three\n", 6}};
    ssize_t w = writev_all(1, iov, 4);
    fprintf(stderr, "fwrite %zu of %zu, writev %zd, checksum %08x\n", written, n, w, sum);
    printf("isatty(stdout) %d\n", isatty(1));
    return 0;
}
