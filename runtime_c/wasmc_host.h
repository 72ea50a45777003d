/* wasmc_host.h: for C code linked into an executable with `wasmc compile app.wasm -o app --link host.c`,
 * to implement the module's imports other than WASI (Go's //go:wasmimport, C's import_module/import_name).
 *
 * Import module::name binds to the C symbol wasmc_import_<module>_<name>, every byte outside [A-Za-z0-9_]
 * written as `_` and two lowercase hex digits ("env"::"log.v2" -> wasmc_import_env_log_2ev2). The first
 * parameter is the calling instance; the wasm parameters follow as i32 -> int32_t, i64 -> int64_t,
 * f32 -> float, f64 -> double, and there is at most one result (void without one). `wasmc compile` names
 * each import left undefined with the declaration it expects. Example, for Go's
 *     //go:wasmimport env log
 *     func hostLog(ptr unsafe.Pointer, n int32) int32
 * the host side is
 *     #include <stdio.h>
 *     #include "wasmc_host.h"
 *     int32_t wasmc_import_env_log(wasmc_vmctx *vm, int32_t ptr, int32_t n)
 *     {
 *         const char *text = wasmc_host_memory(vm, (uint32_t)ptr, (uint32_t)n);
 *         if (text == NULL)
 *             wasmc_trap(vm, WASMC_TRAP_MEMORY_OOB);   // as a wasm load out of bounds would
 *         size_t written = fwrite(text, 1, (size_t)n, stdout);
 *         fflush(stdout);   // the guest's WASI writes bypass stdio: keep the output in order
 *         return (int32_t)written;
 *     }
 * Host functions run on the wasm thread, inside the guest's call: they may call wasmc_trap (to fail the
 * call with a trap) or wasmc_exit (as proc_exit does). `wasmc compile` puts runtime_c on the include
 * path of the .c files it compiles.
 */
#ifndef WASMC_HOST_H
#define WASMC_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "wasmc_rt.h"

/* A pointer to bytes [ptr, ptr + len) of the instance's memory 0, or NULL if they are not all inside it
 * (or there is no memory). It stays valid while the instance lives: memory.grow never moves a memory. */
static inline void *wasmc_host_memory(wasmc_vmctx *vm, uint32_t ptr, uint32_t len)
{
    if (vm->mem0_base == NULL || (uint64_t)ptr + len > vm->memories[0]->size)
        return NULL;
    return vm->mem0_base + ptr;
}

#endif
