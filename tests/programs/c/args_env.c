/* args_env.c: args_sizes_get/args_get and environ_sizes_get/environ_get called raw, checking that the
 * sizes agree with the strings and that every string is NUL-terminated inside its buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void dump(const char *what, __wasi_size_t count, __wasi_size_t size, uint8_t **ptrs, uint8_t *buf)
{
    __wasi_size_t used = 0;
    printf("%s: count %u, buffer %u bytes\n", what, count, size);
    for (__wasi_size_t i = 0; i < count; i++) {
        size_t len = strlen((char *)ptrs[i]);
        printf("  [%u] offset %ld len %zu \"%s\"\n", i, (long)(ptrs[i] - buf), len, (char *)ptrs[i]);
        used += len + 1;
    }
    printf("  sizes agree: %d, NULL after last: %d\n", used == size, ptrs[count] == NULL);
}

int main(void)
{
    __wasi_size_t argc, argv_size, envc, env_size;
    printf("args_sizes_get -> %d\n", __wasi_args_sizes_get(&argc, &argv_size));
    uint8_t **argv = calloc(argc + 1, sizeof *argv);
    uint8_t *argv_buf = malloc(argv_size);
    printf("args_get -> %d\n", __wasi_args_get(argv, argv_buf));
    dump("args", argc, argv_size, argv, argv_buf);

    printf("environ_sizes_get -> %d\n", __wasi_environ_sizes_get(&envc, &env_size));
    uint8_t **env = calloc(envc + 1, sizeof *env);
    uint8_t *env_buf = malloc(env_size + 1);
    printf("environ_get -> %d\n", __wasi_environ_get(env, env_buf));
    dump("environ", envc, env_size, env, env_buf);
    printf("getenv(X)=%s getenv(MISSING)=%s\n", getenv("X"), getenv("MISSING") ? "set" : "(null)");
    printf("setenv -> %d, getenv(NEW)=%s\n", setenv("NEW", "value", 1), getenv("NEW"));
    return 0;
}
