/* exit_code.c: exits with the code given as argv[1] (default 3) after writing to stdout and stderr, so
 * a host must flush nothing and report the proc_exit code. "abort" traps instead (exit 134 in wasmtime). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : "3";
    printf("exiting with %s\n", arg);
    fprintf(stderr, "stderr before exit\n");
    if (strcmp(arg, "abort") == 0)
        __builtin_trap();
    exit(atoi(arg));
}
