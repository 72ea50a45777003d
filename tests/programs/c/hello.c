/* hello.c: prints argc, every argument and the environment in order, then a line on stderr.
 * Run with any argv/env; output is deterministic for a given argv/env. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("hello from wasm: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **e = environ; *e != NULL; e++, n++)
        printf("env[%d]=%s\n", n, *e);
    printf("envc=%d\n", n);
    fprintf(stderr, "to stderr\n");
    return 0;
}
