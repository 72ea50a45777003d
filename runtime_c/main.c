/* main.c: the entry point of every executable `wasmc compile` makes. It sets up WASI from the real argv,
 * the grants baked into the image and the WASMC_* variables below, instantiates the module (instance.c)
 * and runs its `_start` (or `_initialize` for a reactor), reporting like `wasmtime run`. Imports other
 * than WASI are the host functions linked in by `wasmc compile --link` (wasmc_host.h).
 *
 * Guest argv[0] is the basename of the program, as wasmtime gives the module's basename; the other
 * arguments pass through unchanged. Like wasmtime, the guest sees no directory, no environment variable
 * and no network unless granted: at compile time (`wasmc compile --dir/--env/--inherit-env/--tcplisten/
 * --allow-net/--allow-connect/--allow-bind`, stored in the image) or at run time, in addition, through
 * these variables, which the guest itself never sees:
 *     WASMC_DIR=HOST[::GUEST][:HOST[::GUEST]...]   more preopened directories (GUEST defaults to HOST)
 *     WASMC_INHERIT_ENV=1                          pass the whole environment (except WASMC_*)
 *     WASMC_STACK_SIZE=N[k|m|g]                    wasm stack size in bytes (default
 *                                                  WASMC_DEFAULT_STACK, 256m)
 *     WASMC_MAX_MEMORY_SIZE=N[k|m|g]               the most bytes a memory may hold: memory.grow past it
 *                                                  returns -1 (wasmtime's -W max-memory-size)
 *     WASMC_FUEL=N                                 the fuel the guest starts with (wasmtime's -W fuel=N);
 *                                                  the code must be compiled with fuel metering
 *                                                  (`wasmc compile -W fuel=N`, N the default)
 *     WASMC_TIMEOUT_NS=N                           interrupt the guest after N nanoseconds (-W timeout);
 *                                                  the code must be compiled interruptible
 *                                                  (`wasmc compile -W timeout=D`, D the default)
 * Network (none unless granted; patterns and their meaning in wasi/wasi.h), lists separated by commas:
 *     WASMC_TCPLISTEN=HOST:PORT[,...]              preopened listening sockets, the fds after the dirs
 *                                                  (after the listeners stored in the image)
 *     WASMC_ALLOW_NET=PATTERN[,...]                may connect to and bind ("*": everything)
 *     WASMC_ALLOW_CONNECT=PATTERN[,...]            may connect to (TCP, UDP connect and send_to)
 *     WASMC_ALLOW_BIND=PATTERN[,...]               may bind
 * Exit status: the guest's proc_exit code, 0 when _start returns, 134 on a trap (wasmtime's
 * 128 + SIGABRT), 1 when the module cannot be set up or this CPU lacks a feature the code was compiled
 * to use (wasmc_cpu_required). Reports are wasmtime's, to the blank line ending them.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance.h"

extern char **environ;

#define EXIT_TRAP 134
#define EXIT_SETUP 1

/* A growable NULL-terminated array of strings. */
typedef struct strvec {
    const char **items;
    int len, cap;
} strvec;

static void push(strvec *v, const char *s)
{
    if (v->len + 2 > v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->items = realloc(v->items, (size_t)v->cap * sizeof *v->items);
        if (v->items == NULL) {
            fputs("Error: out of memory\n", stderr);
            exit(EXIT_SETUP);
        }
    }
    v->items[v->len++] = s;
    v->items[v->len] = NULL;
}

static const char *program_name(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    return slash ? slash + 1 : argv0 ? argv0 : "main";
}

/* A size variable: bytes, or with k, m or g (powers of 1024), at least `least`; `fallback` when unset or
 * empty. */
static unsigned long long size_variable(const char *variable, unsigned long long least,
                                        unsigned long long fallback)
{
    const char *spec = getenv(variable);
    if (spec == NULL || *spec == '\0')
        return fallback;
    char *end;
    unsigned long long n = strtoull(spec, &end, 10);
    int shift = 0;
    switch (tolower((unsigned char)*end)) {
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    }
    if (*end != '\0' || end == spec || n < least || n > (~0ull >> shift)) {
        fprintf(stderr, "Error: %s=%s is not a size like 268435456, 256m or 1g\n", variable, spec);
        exit(EXIT_SETUP);
    }
    return n << shift;
}

/* Defined only by executables of `wasmc compile -W fuel=N,timeout=D` (aot.py's limits source): what the
 * program runs with unless WASMC_FUEL or WASMC_TIMEOUT_NS say otherwise. */
extern const unsigned long long wasmc_default_fuel __attribute__((weak));
extern const unsigned long long wasmc_default_timeout_ns __attribute__((weak));

/* A count variable: a plain decimal number; `fallback` when unset or empty. */
static unsigned long long count_variable(const char *variable, unsigned long long fallback)
{
    const char *spec = getenv(variable);
    if (spec == NULL || *spec == '\0')
        return fallback;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(spec, &end, 10);
    if (*end != '\0' || end == spec || errno != 0 || *spec == '-') {
        fprintf(stderr, "Error: %s=%s is not a decimal number\n", variable, spec);
        exit(EXIT_SETUP);
    }
    return n;
}

/* A host function that fails with an error rather than a trap, such as an import left undefined under
 * `wasmc run -W unknown-imports-trap` (wasmc/aot.py writes those): wasmtime reports the error as the
 * cause and exits with 1. `caller` is the host function's return address, inside the calling wasm
 * function, which the report names. */
static const char *host_error;
static uintptr_t host_error_caller;

_Noreturn void wasmc_host_error(wasmc_vmctx *vm, const char *message, void *caller)
{
    host_error = message;
    host_error_caller = (uintptr_t)caller;
    wasmc_trap(vm, WASMC_TRAP_HOST);
}

/* WASMC_DIR: entries separated by ':', host and guest by '::'. */
static void add_runtime_dirs(strvec *hosts, strvec *guests)
{
    const char *spec = getenv("WASMC_DIR");
    if (spec == NULL)
        return;
    const char *entry = spec, *host_end = NULL;
    for (const char *p = spec;; p++) {
        if (p[0] == ':' && p[1] == ':' && host_end == NULL) {
            host_end = p++;
            continue;
        }
        if (*p != ':' && *p != '\0')
            continue;
        if (p > entry) {
            const char *host = strndup(entry, (size_t)((host_end ? host_end : p) - entry));
            push(hosts, host);
            push(guests, host_end ? strndup(host_end + 2, (size_t)(p - host_end - 2)) : host);
        }
        if (*p == '\0')
            return;
        entry = p + 1;
        host_end = NULL;
    }
}

static int env_named(const char *entry, const char *name, size_t name_len)
{
    return strncmp(entry, name, name_len) == 0 && (entry[name_len] == '=' || entry[name_len] == '\0');
}

/* The guest environment: inherited variables (if allowed) minus WASMC_* and minus those granted
 * explicitly, then the grants ("NAME=VALUE" as is, "NAME" with its value here, if set). */
static void build_env(const wasmc_grants *grants, strvec *env)
{
    const char *inherit = getenv("WASMC_INHERIT_ENV");
    if (grants->inherit_env || (inherit != NULL && strcmp(inherit, "1") == 0)) {
        for (char **e = environ; *e != NULL; e++) {
            int granted = strncmp(*e, "WASMC_", 6) == 0;
            for (uint32_t i = 0; i < grants->num_env && !granted; i++)
                granted = env_named(*e, grants->env[i], strcspn(grants->env[i], "="));
            if (!granted)
                push(env, *e);
        }
    }
    for (uint32_t i = 0; i < grants->num_env; i++) {
        const char *entry = grants->env[i];
        if (strchr(entry, '=') != NULL) {
            push(env, entry);
            continue;
        }
        const char *value = getenv(entry);
        if (value != NULL) {
            char *pair = malloc(strlen(entry) + strlen(value) + 2);
            if (pair != NULL) {
                sprintf(pair, "%s=%s", entry, value);
                push(env, pair);
            }
        }
    }
}

/* The network stored in the image, then WASMC_TCPLISTEN and the WASMC_ALLOW_* grants: listeners first, so
 * they take the fds right after the directories. 0, or -1 with wasmc_wasi_error() saying why. */
static int add_network(wasmc_wasi *wasi, const wasmc_grants *stored)
{
    static const struct { const char *var; int kinds; } grants[] = {   /* in the order of stored->net */
        {"WASMC_ALLOW_NET", WASMC_NET_CONNECT | WASMC_NET_BIND},
        {"WASMC_ALLOW_CONNECT", WASMC_NET_CONNECT},
        {"WASMC_ALLOW_BIND", WASMC_NET_BIND},
    };
    const char *listen = getenv("WASMC_TCPLISTEN");
    if (stored->tcplisten != NULL && wasmc_wasi_tcplisten(wasi, stored->tcplisten) < 0)
        return -1;
    if (listen != NULL && *listen != '\0' && wasmc_wasi_tcplisten(wasi, listen) < 0)
        return -1;
    for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
        const char *spec = getenv(grants[i].var);
        if (stored->net[i] != NULL && wasmc_wasi_grant_net(wasi, grants[i].kinds, stored->net[i]) != 0)
            return -1;
        if (spec != NULL && *spec != '\0' && wasmc_wasi_grant_net(wasi, grants[i].kinds, spec) != 0)
            return -1;
    }
    return 0;
}

/* The name of the defined function holding code address pc (the greatest start not above it, counting
 * the direct-call copies of resumable functions), or NULL. */
static const char *function_at(uintptr_t pc)
{
    uint64_t best = wasmc_func_count;
    uintptr_t best_start = 0;
    for (uint64_t i = 0; i < wasmc_func_count; i++) {
        uintptr_t starts[2] = {(uintptr_t)wasmc_funcs[i], (uintptr_t)wasmc_direct_copies[i]};
        for (int k = 0; k < 2; k++) {
            if (starts[k] != 0 && starts[k] <= pc && (best == wasmc_func_count || starts[k] > best_start)) {
                best = i;
                best_start = starts[k];
            }
        }
    }
    if (best == wasmc_func_count)
        return NULL;
    const char *name = wasmc_func_names;
    for (uint64_t i = 0; i < best; i++)
        name += strlen(name) + 1;
    return name;
}

/* Set once the guest has stopped, so a timeout's late report (timed_out) stays silent. */
static atomic_int finished;

/* The timeout passed while the guest was blocked in a host call: wasmtime's timer cancels the call and
 * reports this way (wasmc_set_timeout's `expired`). */
static void timed_out(void)
{
    if (atomic_exchange(&finished, 1))
        return;
    fputs("Error: timed out after deadline has elapsed\n\nCaused by:\n    wasm trap: interrupt\n\n", stderr);
    _exit(EXIT_TRAP);
}

/* The outcome of wasmc_invoke as an exit status, with wasmtime's report for traps. */
static int finish(int trap, const char *name, const char *stage)
{
    if (atomic_exchange(&finished, 1))
        pause();        /* timed_out is reporting and ends the process */
    if (trap == WASMC_TRAP_NONE)
        return 0;
    if (trap == WASMC_TRAP_EXIT)
        return wasmc_exit_code();
    if (trap < 0) {
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    cannot start a thread "
                        "for wasm code (WASMC_STACK_SIZE too large?)\n\n", name);
        return EXIT_SETUP;
    }
    /* The spec's word for `unreachable` is wasmc_trap_message's; users compare with wasmtime's report. */
    int failed_host = trap == WASMC_TRAP_HOST && host_error != NULL;
    const char *message = failed_host ? host_error
                        : trap == WASMC_TRAP_UNREACHABLE ? "wasm `unreachable` instruction executed"
                                                         : wasmc_trap_message(trap);
    const char *kind = failed_host ? "" : "wasm trap: ";
    const char *func = function_at(failed_host ? host_error_caller : wasmc_trap_pc());
    if (func != NULL)
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    0: %s\n    1: error while "
                        "executing at wasm function `%s`\n    2: %s%s\n\n", name, stage, func, kind, message);
    else
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    0: %s\n    1: %s%s\n\n",
                name, stage, kind, message);
    return failed_host ? EXIT_SETUP : EXIT_TRAP;
}

/* Whether this CPU has feature `f` (`n` bytes, a name from wasmc/codegen.py's X86_64_LEVELS); a name
 * this runtime cannot test counts as present. */
static int cpu_has(const char *f, size_t n)
{
#if defined(__x86_64__)
#define HAS(name) \
    if (n == sizeof name - 1 && memcmp(f, name, n) == 0) \
        return __builtin_cpu_supports(name) != 0;
    HAS("sse3") HAS("ssse3") HAS("sse4.1") HAS("sse4.2") HAS("popcnt")
    HAS("avx") HAS("avx2") HAS("bmi") HAS("bmi2") HAS("fma")
    HAS("avx512f") HAS("avx512bw") HAS("avx512cd") HAS("avx512dq") HAS("avx512vl")
#undef HAS
#endif
    (void)f, (void)n;
    return 1;
}

/* Code compiled for features this CPU lacks would die of SIGILL wherever it first uses one: refuse to
 * start instead, before anything has run, naming the first missing feature. */
static void check_cpu(const char *name)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
#endif
    const char *p = wasmc_cpu_required, *target = p;
    size_t target_len = strcspn(p, " ");
    for (p += target_len; *p != '\0';) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        if (n > 0 && !cpu_has(p, n)) {
            fprintf(stderr, "Error: %s needs a CPU with %.*s, which this one lacks (it was compiled for %.*s; "
                    "`wasmc compile --cpu` chooses the CPU)\n", name, (int)n, p, (int)target_len, target);
            exit(EXIT_SETUP);
        }
        p += n;
    }
}

int main(int argc, char **argv)
{
    check_cpu(program_name(argc > 0 ? argv[0] : NULL));
    wasmc_runtime_init();
    const wasmc_compiled code = {wasmc_image, (size_t)wasmc_image_size, wasmc_funcs, wasmc_entries,
                                 wasmc_host_adapters, wasmc_import_funcs};
    const char *name = program_name(argc > 0 ? argv[0] : NULL);
    char err[512];

    wasmc_grants grants;
    if (wasmc_image_grants(&code, &grants, err, sizeof err) != 0) {
        fprintf(stderr, "Error: %s\n", err);
        return EXIT_SETUP;
    }
    strvec args = {0}, env = {0}, hosts = {0}, guests = {0};
    push(&args, name);
    for (int i = 1; i < argc; i++)
        push(&args, argv[i]);
    build_env(&grants, &env);
    for (uint32_t i = 0; i < grants.num_dirs; i++) {
        push(&hosts, grants.host_dirs[i]);
        push(&guests, grants.guest_dirs[i]);
    }
    add_runtime_dirs(&hosts, &guests);

    wasmc_wasi *wasi = wasmc_wasi_new(args.len, args.items, env.len, env.items, hosts.len, hosts.items,
                                      guests.items);
    if (wasi == NULL) {
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    %s\n\n", name,
                wasmc_wasi_error());
        return EXIT_SETUP;
    }
    if (add_network(wasi, &grants) != 0) {
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    %s\n\n", name,
                wasmc_wasi_error());
        return EXIT_SETUP;
    }

    size_t stack = (size_t)size_variable("WASMC_STACK_SIZE", 1, WASMC_DEFAULT_STACK);
    wasmc_set_memory_limit((uint64_t)size_variable("WASMC_MAX_MEMORY_SIZE", 0, UINT64_MAX));
    wasmc_instance *inst;
    int trap = wasmc_instantiate(&code, NULL, wasi, &inst, err, sizeof err);
    if (trap < 0) {
        fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    %s\n\n", name, err);
        return EXIT_SETUP;
    }
    /* wasmtime gives the store its fuel before instantiating and starts the timeout's clock when the
     * module is set up, so the start function runs metered too. Fuel is kept negated (wasmc_rt.h). */
    if (trap == WASMC_TRAP_NONE) {
        unsigned long long fuel = count_variable("WASMC_FUEL", &wasmc_default_fuel != NULL ? wasmc_default_fuel
                                                                                         : (unsigned long long)INT64_MAX);
        wasmc_instance_vmctx(inst)->fuel = fuel >= (unsigned long long)INT64_MAX ? -INT64_MAX : -(int64_t)fuel;
        unsigned long long timeout = count_variable("WASMC_TIMEOUT_NS", &wasmc_default_timeout_ns != NULL
                                                                             ? wasmc_default_timeout_ns : ~0ull);  /* ~0: none */
        if (timeout != ~0ull && wasmc_set_timeout(timeout, timed_out) != 0) {
            fprintf(stderr, "Error: failed to run main module `%s`\n\nCaused by:\n    cannot start the "
                            "timeout's timer thread\n\n", name);
            return EXIT_SETUP;
        }
        trap = wasmc_instance_start(inst, stack);
    }
    if (trap != WASMC_TRAP_NONE)
        return finish(trap, name, "failed to instantiate");

    /* A command runs _start; a reactor only needs _initialize; a module with neither has run its start
     * function and is done. */
    const wasmc_export *entry = wasmc_instance_export(inst, "_start");
    if (entry == NULL || entry->kind != 0)
        entry = wasmc_instance_export(inst, "_initialize");
    if (entry == NULL || entry->kind != 0)
        return 0;
    uint64_t slots[1] = {0};
    return finish(wasmc_instance_call(inst, entry->index, slots, stack), name, "failed to invoke command default");
}
