/* trap.c: trap unwinding, proc_exit, the fault handler and wasmc_invoke (the thread wasm runs on).
 * Memory and table bookkeeping live in memory.c and table.c; they register their fault ranges here. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "rt_internal.h"

uintptr_t wasmc_stack_limit;

static const char *const trap_messages[WASMC_TRAP_COUNT] = {
    [WASMC_TRAP_NONE] = "no trap",
    [WASMC_TRAP_UNREACHABLE] = "unreachable",
    [WASMC_TRAP_MEMORY_OOB] = "out of bounds memory access",
    [WASMC_TRAP_INT_DIV_BY_ZERO] = "integer divide by zero",
    [WASMC_TRAP_INT_OVERFLOW] = "integer overflow",
    [WASMC_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [WASMC_TRAP_INDIRECT_TYPE] = "indirect call type mismatch",
    [WASMC_TRAP_TABLE_OOB] = "out of bounds table access",
    [WASMC_TRAP_UNDEFINED_ELEMENT] = "undefined element",
    [WASMC_TRAP_UNINITIALIZED] = "uninitialized element",
    [WASMC_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [WASMC_TRAP_HOST] = "host function failed",
    [WASMC_TRAP_EXIT] = "exit",
    [WASMC_TRAP_OUT_OF_FUEL] = "all fuel consumed by WebAssembly",
    [WASMC_TRAP_INTERRUPT] = "interrupt",
};

const char *wasmc_trap_message(int kind)
{
    if (kind < 0 || kind >= WASMC_TRAP_COUNT)
        return "unknown trap";
    return trap_messages[kind];
}

/* ---- Per-thread unwind state. ----
 * Every wasmc_invoke runs on a thread of its own, so one innermost jump buffer per thread is enough;
 * each invoke still saves and restores the previous one so the rule holds if that ever changes. */
static _Thread_local sigjmp_buf *tl_jump;
static _Thread_local volatile sig_atomic_t tl_host_depth;
static atomic_int exit_code;
/* Where the last trap happened, for naming the wasm function in reports (see wasmc_trap_pc), and the
 * table index of the last "uninitialized element" trap (-1 for other traps). */
static _Atomic uintptr_t last_trap_pc;
static _Atomic int64_t last_trap_element = -1;

uintptr_t wasmc_trap_pc(void)
{
    return atomic_load(&last_trap_pc);
}

int64_t wasmc_trap_element(void)
{
    return atomic_load(&last_trap_element);
}

static _Noreturn void unwind(uint32_t kind, uintptr_t pc, int64_t element)
{
    atomic_store(&last_trap_pc, pc);
    atomic_store(&last_trap_element, element);
    /* kind 0 would arrive as 1 (siglongjmp cannot make sigsetjmp return 0); nobody traps with NONE. */
    sigjmp_buf *jump = tl_jump;
    if (jump == NULL) {
        /* Nothing to unwind to: continuing would run past a noreturn call. */
        fprintf(stderr, "wasmc: trap outside wasmc_invoke: %s\n", wasmc_trap_message((int)kind));
        abort();
    }
    siglongjmp(*jump, (int)kind);
}

/* Generated code calls these from the trapping function's own cold blocks. */
_Noreturn void wasmc_trap(wasmc_vmctx *vmctx, uint32_t kind)
{
    (void)vmctx;
    unwind(kind, (uintptr_t)__builtin_return_address(0), -1);
}

_Noreturn void wasmc_trap_null_element(wasmc_vmctx *vmctx, uint32_t index)
{
    (void)vmctx;
    unwind(WASMC_TRAP_UNINITIALIZED, (uintptr_t)__builtin_return_address(0), index);
}

_Noreturn void wasmc_exit(int code)
{
    atomic_store(&exit_code, code);
    wasmc_trap(NULL, WASMC_TRAP_EXIT);
}

int wasmc_exit_code(void)
{
    return atomic_load(&exit_code);
}

void rt_host_enter(void) { tl_host_depth++; }
void rt_host_leave(void) { tl_host_depth--; }

/* ---- Fault ranges. ----
 * A fixed array rather than a list: the handler may run at any instruction, so it can only read memory
 * that never moves or gets freed. 16384 slots cover every 8 GiB reservation a 47-bit address space can
 * hold. A slot is live when lo > 1; lo == 1 marks a slot being filled. A reader racing a removal on
 * another thread may pair an old lo with a new hi; that needs a fault inside a range being freed at that
 * moment, which the host never does while wasm runs. */
#define RANGE_SLOTS 16384
static struct {
    _Atomic uintptr_t lo, hi;
    _Atomic uint32_t kind;
} ranges[RANGE_SLOTS];
static atomic_int ranges_used;   /* high-water mark, so lookups scan only slots ever used */

int rt_range_add(uintptr_t lo, uintptr_t hi, uint32_t kind)
{
    for (int i = 0; i < RANGE_SLOTS; i++) {
        uintptr_t expected = 0;
        if (!atomic_compare_exchange_strong(&ranges[i].lo, &expected, 1))
            continue;
        atomic_store(&ranges[i].hi, hi);
        atomic_store(&ranges[i].kind, kind);
        int used = atomic_load(&ranges_used);
        while (used < i + 1 && !atomic_compare_exchange_weak(&ranges_used, &used, i + 1)) {
        }
        atomic_store(&ranges[i].lo, lo);
        return i;
    }
    return -1;
}

void rt_range_remove(int slot)
{
    if (slot >= 0)
        atomic_store(&ranges[slot].lo, 0);
}

static uint32_t range_kind(uintptr_t addr)
{
    int used = atomic_load(&ranges_used);
    for (int i = 0; i < used; i++) {
        uintptr_t lo = atomic_load(&ranges[i].lo);
        if (lo > 1 && addr >= lo && addr < atomic_load(&ranges[i].hi))
            return atomic_load(&ranges[i].kind);
    }
    return WASMC_TRAP_NONE;
}

/* ---- The fault handler. ---- */
static struct sigaction previous_segv, previous_bus;

/* Hand a fault that is not ours to whoever had the signal before us (faulthandler, pytest, or the
 * default action). */
static void chain(int sig, siginfo_t *info, void *context)
{
    const struct sigaction *previous = sig == SIGBUS ? &previous_bus : &previous_segv;
    if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(sig, info, context);
        return;
    }
    if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
        return;
    }
    /* Default action (ignoring a fault would loop forever): returning re-runs the faulting
     * instruction, which now kills the process with the right signal. A signal sent with kill() does
     * not come back that way, so send it again; it stays blocked until this handler returns. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    if (info->si_code <= 0)
        raise(sig);
}

static uintptr_t fault_pc(void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    int saved_errno = errno;
    /* Look at the registry before any thread-local: a thread-local of a dlopen'ed library may be
     * allocated lazily on first touch, which is not safe here; wasm threads touched theirs already. */
    uint32_t kind = range_kind((uintptr_t)info->si_addr);
    if (kind != WASMC_TRAP_NONE && tl_jump != NULL && tl_host_depth == 0) {
        atomic_store(&last_trap_pc, fault_pc(context));
        atomic_store(&last_trap_element, -1);
        siglongjmp(*tl_jump, (int)kind);
    }
    errno = saved_errno;
    chain(sig, info, context);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void install_handler(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
}

void wasmc_runtime_init(void)
{
    pthread_once(&init_once, install_handler);
}

/* ---- wasmc_invoke. ----
 * Wasm runs on a thread whose stack the runtime maps itself, laid out from low to high addresses as
 *     [guard][signal stack][guard][wasm stack ...]
 * so the handler has room even when the wasm stack is exhausted, and an overflow past the explicit
 * wasmc_stack_limit check (a frame larger than the margin) lands in a guard page and still traps. */
#define GUARD_SIZE (64u << 10)          /* a multiple of every page size Linux uses (4, 16, 64 KiB) */
#define SIGNAL_STACK_SIZE (256u << 10)  /* the chained handler (faulthandler) prints a traceback here */
/* Room kept below wasmc_stack_limit for runtime calls, host callbacks and their C library calls. */
#define STACK_MARGIN (256u << 10)
#define MIN_STACK (2 * STACK_MARGIN)

struct invocation {
    wasmc_entry_fn entry;
    void *vmctx, *callee;
    uint64_t *args_results;
    void *signal_stack;
    uintptr_t stack_limit;
    int trap;
};

static void *invoke_thread(void *arg)
{
    struct invocation *call = arg;
    stack_t alt = {.ss_sp = call->signal_stack, .ss_size = SIGNAL_STACK_SIZE, .ss_flags = 0};
    sigaltstack(&alt, NULL);

    sigjmp_buf jump;
    sigjmp_buf *outer_jump = tl_jump;
    sig_atomic_t outer_host_depth = tl_host_depth;
    uintptr_t outer_limit = wasmc_stack_limit;
    /* Save the signal mask: a trap from the handler returns with SIGSEGV blocked otherwise. */
    int kind = sigsetjmp(jump, 1);
    if (kind == 0) {
        tl_jump = &jump;
        tl_host_depth = 0;
        wasmc_stack_limit = call->stack_limit;
        call->entry(call->vmctx, call->callee, call->args_results);
    }
    tl_jump = outer_jump;
    tl_host_depth = outer_host_depth;
    wasmc_stack_limit = outer_limit;
    call->trap = kind;

    alt.ss_flags = SS_DISABLE;
    sigaltstack(&alt, NULL);
    return NULL;
}

/* Thread stacks are cached: starting a thread on a fresh 64 MiB mapping took 65 us against 33 us on a
 * reused one (measured in C on x86-64), half the cost of an invoke. A reused stack keeps the pages a
 * previous call touched, as glibc's own stack cache does. */
#define STACK_CACHE_SLOTS 4
static pthread_mutex_t stack_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { uint8_t *region; size_t total; } stack_cache[STACK_CACHE_SLOTS];

static uint8_t *stack_region_take(size_t total)
{
    uint8_t *region = NULL;
    pthread_mutex_lock(&stack_cache_lock);
    for (int i = 0; i < STACK_CACHE_SLOTS && region == NULL; i++) {
        if (stack_cache[i].region != NULL && stack_cache[i].total == total) {
            region = stack_cache[i].region;
            stack_cache[i].region = NULL;
        }
    }
    pthread_mutex_unlock(&stack_cache_lock);
    if (region != NULL)
        return region;

    /* MAP_NORESERVE: a 256 MiB stack costs only the pages wasm actually touches. */
    region = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED)
        return NULL;
    uint8_t *signal_stack = region + GUARD_SIZE;
    uint8_t *stack = signal_stack + SIGNAL_STACK_SIZE + GUARD_SIZE;
    if (mprotect(signal_stack, SIGNAL_STACK_SIZE, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(stack, total - (size_t)(stack - region), PROT_READ | PROT_WRITE) != 0) {
        munmap(region, total);
        return NULL;
    }
    return region;
}

static void stack_region_give_back(uint8_t *region, size_t total)
{
    pthread_mutex_lock(&stack_cache_lock);
    for (int i = 0; i < STACK_CACHE_SLOTS && region != NULL; i++) {
        if (stack_cache[i].region == NULL) {
            stack_cache[i].region = region;
            stack_cache[i].total = total;
            region = NULL;
        }
    }
    pthread_mutex_unlock(&stack_cache_lock);
    if (region != NULL)
        munmap(region, total);
}

/* Returns -1 when the thread or its stack cannot be created. */
int wasmc_invoke(wasmc_entry_fn entry, void *vmctx, void *callee, uint64_t *args_results,
                 size_t stack_size)
{
    if (stack_size == 0)
        stack_size = WASMC_DEFAULT_STACK;
    if (stack_size < MIN_STACK)
        stack_size = MIN_STACK;
    stack_size = (stack_size + GUARD_SIZE - 1) & ~(size_t)(GUARD_SIZE - 1);
    size_t total = GUARD_SIZE + SIGNAL_STACK_SIZE + GUARD_SIZE + stack_size;
    uint8_t *region = stack_region_take(total);
    if (region == NULL)
        return -1;
    uint8_t *signal_stack = region + GUARD_SIZE;
    uint8_t *stack_guard = signal_stack + SIGNAL_STACK_SIZE;
    uint8_t *stack = stack_guard + GUARD_SIZE;

    struct invocation call = {
        .entry = entry,
        .vmctx = vmctx,
        .callee = callee,
        .args_results = args_results,
        .signal_stack = signal_stack,
        .stack_limit = (uintptr_t)stack + STACK_MARGIN,
        .trap = -1,
    };
    int slot = rt_range_add((uintptr_t)stack_guard, (uintptr_t)stack, WASMC_TRAP_STACK_EXHAUSTED);
    pthread_attr_t attr;
    pthread_t thread;
    if (slot >= 0 && pthread_attr_init(&attr) == 0) {
        if (pthread_attr_setstack(&attr, stack, stack_size) == 0 &&
            pthread_create(&thread, &attr, invoke_thread, &call) == 0)
            pthread_join(thread, NULL);
        pthread_attr_destroy(&attr);
    }
    rt_range_remove(slot);
    /* A stack that ran out was touched to its end: hand those pages back rather than cache them. */
    if (call.trap == WASMC_TRAP_STACK_EXHAUSTED)
        madvise(stack, stack_size, MADV_DONTNEED);
    stack_region_give_back(region, total);
    return call.trap;
}
