/* selftest.c: stand-ins for generated entry trampolines, so tests/runtime can drive wasmc_invoke, traps
 * and the fault handler without LLVM. Built into the cffi extension only, never into the static library.
 * Each has the wasmc_entry_fn signature and reads its arguments from the slots (selftest.h). */
#include "rt_internal.h"
#include "selftest.h"

enum { TOUCH_LOAD, TOUCH_STORE, TOUCH_ABSOLUTE };

/* slots: [address, mode, value]. Loads memory 0 at an offset the way generated code does (no bounds
 * check), stores there, or loads an absolute address (a fault that is not wasm's). */
void wasmc_selftest_entry_touch(void *vmctx, void *callee, uint64_t *slots)
{
    (void)callee;
    volatile uint8_t *mem = ((wasmc_vmctx *)vmctx)->mem0_base;
    switch (slots[1]) {
    case TOUCH_LOAD:
        slots[0] = mem[slots[0]];
        break;
    case TOUCH_STORE:
        mem[slots[0]] = (uint8_t)slots[2];
        break;
    default:
        slots[0] = *(volatile uint8_t *)(uintptr_t)slots[0];
        break;
    }
}

/* Read through a volatile so the compiler cannot prove the recursion endless and fold it away. */
static volatile uint64_t recurse_stop = UINT64_MAX;

/* The shape of a generated function prologue: compare the frame against *vmctx->stack_limit. */
__attribute__((noinline)) static uint64_t recurse_checked(wasmc_vmctx *vmctx, uint64_t depth)
{
    volatile uint8_t frame[512];
    if ((uintptr_t)__builtin_frame_address(0) < *vmctx->stack_limit)
        wasmc_trap(vmctx, WASMC_TRAP_STACK_EXHAUSTED);
    frame[0] = (uint8_t)depth;
    if (depth == recurse_stop)
        return 0;
    return recurse_checked(vmctx, depth + 1) + frame[0];   /* use after the call: no tail call */
}

/* No check at all: only the guard page below the stack stops it. */
__attribute__((noinline)) static uint64_t recurse_unchecked(uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[0] = (uint8_t)depth;
    if (depth == recurse_stop)
        return 0;
    return recurse_unchecked(depth + 1) + frame[0];
}

/* slots: [checked?]. Recurses until the stack runs out. */
void wasmc_selftest_entry_recurse(void *vmctx, void *callee, uint64_t *slots)
{
    (void)callee;
    slots[0] = slots[0] ? recurse_checked(vmctx, 0) : recurse_unchecked(0);
}

/* slots: [kind]. */
void wasmc_selftest_entry_trap(void *vmctx, void *callee, uint64_t *slots)
{
    (void)callee;
    wasmc_trap(vmctx, (uint32_t)slots[0]);
}

/* slots: [exit code]. */
void wasmc_selftest_entry_exit(void *vmctx, void *callee, uint64_t *slots)
{
    (void)vmctx;
    (void)callee;
    wasmc_exit((int)slots[0]);
}

/* callee: a wasmc_host_func*. Calls it like a host-function adapter, then adds 1 to slots[0] to show
 * that wasm code resumed after the host returned. */
void wasmc_selftest_entry_host(void *vmctx, void *callee, uint64_t *slots)
{
    (void)vmctx;
    wasmc_host_call(callee, slots);
    slots[0] += 1;
}

enum {
    OP_MEMORY_GROW, OP_MEMORY_COPY, OP_MEMORY_FILL, OP_MEMORY_INIT, OP_DATA_DROP,
    OP_TABLE_GROW, OP_TABLE_FILL, OP_TABLE_COPY, OP_TABLE_INIT, OP_ELEM_DROP,
};

/* slots: [op, a, b, c, d, e]: one runtime call as generated code makes it, its arguments after vmctx in
 * order (table_grow's and table_fill's reference argument is a pointer-sized integer). Result in
 * slots[0]. */
void wasmc_selftest_entry_runtime(void *vmctx_arg, void *callee, uint64_t *slots)
{
    (void)callee;
    wasmc_vmctx *vmctx = vmctx_arg;
    uint32_t a = (uint32_t)slots[1], b = (uint32_t)slots[2], c = (uint32_t)slots[3];
    uint32_t d = (uint32_t)slots[4], e = (uint32_t)slots[5];
    uint64_t result = 0;
    switch (slots[0]) {
    case OP_MEMORY_GROW: result = wasmc_memory_grow(vmctx, a, b); break;
    case OP_MEMORY_COPY: wasmc_memory_copy(vmctx, a, b, c, d, e); break;
    case OP_MEMORY_FILL: wasmc_memory_fill(vmctx, a, b, c, d); break;
    case OP_MEMORY_INIT: wasmc_memory_init(vmctx, a, b, c, d, e); break;
    case OP_DATA_DROP: wasmc_data_drop(vmctx, a); break;
    case OP_TABLE_GROW: result = wasmc_table_grow(vmctx, a, (void *)(uintptr_t)slots[2], c); break;
    case OP_TABLE_FILL: wasmc_table_fill(vmctx, a, b, (void *)(uintptr_t)slots[3], d); break;
    case OP_TABLE_COPY: wasmc_table_copy(vmctx, a, b, c, d, e); break;
    case OP_TABLE_INIT: wasmc_table_init(vmctx, a, b, c, d, e); break;
    case OP_ELEM_DROP: wasmc_elem_drop(vmctx, a); break;
    default: wasmc_trap(vmctx, WASMC_TRAP_UNREACHABLE);
    }
    slots[0] = result;
}
