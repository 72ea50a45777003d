/* selftest.h: stand-ins for generated entry trampolines (selftest.c), so tests/runtime can drive
 * wasmc_invoke, traps and the fault handler without LLVM. In the cffi extension only. */
#ifndef WASMC_SELFTEST_H
#define WASMC_SELFTEST_H

#include <stdint.h>

/* slots: [address, mode, value]: load, store or absolute load (a fault that is not wasm's). */
void wasmc_selftest_entry_touch(void *vmctx, void *callee, uint64_t *slots);
/* slots: [checked?]: recurse until the stack runs out, with or without generated-code-style checks. */
void wasmc_selftest_entry_recurse(void *vmctx, void *callee, uint64_t *slots);
/* slots: [kind]: wasmc_trap(kind). */
void wasmc_selftest_entry_trap(void *vmctx, void *callee, uint64_t *slots);
/* slots: [code]: wasmc_exit(code). */
void wasmc_selftest_entry_exit(void *vmctx, void *callee, uint64_t *slots);
/* callee: a wasmc_host_func*, called as an adapter would; then slots[0] += 1. */
void wasmc_selftest_entry_host(void *vmctx, void *callee, uint64_t *slots);
/* slots: [op, args...]: one runtime call as generated code makes it (memory and table operators). */
void wasmc_selftest_entry_runtime(void *vmctx, void *callee, uint64_t *slots);

#endif
