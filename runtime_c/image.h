/* image.h: the instance image and the AOT instantiator (instance.c). wasmc/image.py writes the image into
 * the compiled module as @wasmc_image; instance.c reads it and builds a wasmc_vmctx exactly as
 * wasmc/instance.py does for the JIT. Generated code never sees any of this: the ABI is wasmc_rt.h.
 *
 * Image format, version 1. uleb/sleb are LEB128 as in Wasm binaries; str is uleb length + UTF-8 bytes
 * (no NUL); limits is u8 has_max, uleb min, [uleb max]; expr is a constant expression in the Wasm binary
 * encoding, ending with 0x0B (i32/i64/f32/f64.const, global.get, ref.null, ref.func, i32/i64 add/sub/mul).
 *
 *     "WMCI" u8 version
 *     grants   uleb n, n x (str host, str guest)          preopened directories
 *              uleb n, n x str                            env: "NAME=VALUE", or "NAME" (inherit its value)
 *              u8 inherit_env                             1: pass the whole host environment
 *     types    uleb n, n x (uleb np, np x u8 valtype, uleb nr, nr x u8 valtype)
 *     imports  uleb n, n x (str module, str name, u8 kind, desc)
 *                  desc: func uleb type_idx | table u8 elem, limits | memory limits | global u8 type, u8 mut
 *     funcs    uleb n, n x uleb type_idx                  defined functions
 *     tables   uleb n, n x (u8 elem, limits)              defined tables
 *     memories uleb n, n x limits                         defined memories
 *     globals  uleb n, n x (u8 valtype, u8 mut, expr)     defined globals
 *     exports  uleb n, n x (str name, u8 kind, uleb index)
 *     start    uleb func_idx + 1, or 0
 *     elems    uleb n, n x (u8 mode, u8 elem, uleb table_idx, [expr offset if active], uleb k, k x expr)
 *     datas    uleb n, n x (u8 mode, uleb mem_idx, [expr offset if active], uleb len, len bytes)
 *
 * kind: 0 func, 1 table, 2 memory, 3 global (the Wasm export kinds); mode: 0 active, 1 passive,
 * 2 declarative. Passive data segments point into the image itself, so memory.init copies from rodata.
 */
#ifndef WASMC_IMAGE_H
#define WASMC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "wasmc_rt.h"

#define WASMC_IMAGE_VERSION 1

/* WASI imports bind to the C host: fn = wasmc_wasi_<name>, vmctx = this instance (its memory and, as
 * vm->host, its wasmc_wasi state). Any other function import binds to the host function the linker found
 * for it (`wasmc compile --link`; wasmc_host.h describes the convention), with the same vmctx. */
#include "wasi/wasi.h"

#define WASMC_WASI_MODULE "wasi_snapshot_preview1"

/* What the compiled module defines besides its functions (wasmc/lower/module.py, wasmc/image.py). */
typedef struct wasmc_compiled {
    const uint8_t *image;
    size_t image_size;
    void *const *funcs;               /* wasmc_funcs: code by defined_idx */
    const wasmc_entry_fn *entries;    /* wasmc_entries: entry trampoline by type_idx */
    void *const *import_funcs;        /* wasmc_import_funcs: host function by imported func_idx, NULL for
                                         WASI (wasmc/image.py host_imports_ir) */
} wasmc_compiled;

/* Directories and environment granted at compile time (strings are malloc'ed, NUL-terminated). */
typedef struct wasmc_grants {
    uint32_t num_dirs;
    char **host_dirs, **guest_dirs;
    uint32_t num_env;
    char **env;                       /* "NAME=VALUE", or "NAME": the host's value at run time, if set */
    int inherit_env;
} wasmc_grants;

typedef struct wasmc_export {
    char *name;
    uint8_t kind;                     /* 0 func, 1 table, 2 memory, 3 global */
    uint32_t index;
} wasmc_export;

/* An instance. It lives until the process exits: the AOT main makes exactly one. */
typedef struct wasmc_instance {
    wasmc_vmctx vm;
    const wasmc_compiled *code;
    uint32_t *func_type_idx;          /* by func_idx, imports first */
    uint32_t num_exports;
    wasmc_export *exports;
} wasmc_instance;

/* Read the grants at the front of the image. Returns 0, or -1 with a message in err. */
int wasmc_image_grants(const wasmc_compiled *code, wasmc_grants *out, char *err, size_t err_size);

/* Instantiate: link function imports (WASI, and the linked host functions of import_funcs; `host` becomes
 * vm.host for the WASI functions), create memories,
 * tables and globals, apply active segments, run the start function on a stack of stack_size bytes.
 * Returns 0 with *out set; WASMC_TRAP_* if a segment was out of bounds or the start function trapped or
 * exited (*out is set then too); -1 with a message in err if the image cannot be instantiated. Example:
 *     wasmc_instance *inst;
 *     int r = wasmc_instantiate(&code, wasi, 0, &inst, err, sizeof err);   // r == 0: ready to call */
int wasmc_instantiate(const wasmc_compiled *code, void *host, size_t stack_size, wasmc_instance **out,
                      char *err, size_t err_size);

/* The export called `name`, or NULL. */
const wasmc_export *wasmc_instance_export(const wasmc_instance *inst, const char *name);

/* Call function func_idx with arguments and results in 8-byte slots (wasmc_invoke's rules and return
 * value). */
int wasmc_instance_call(wasmc_instance *inst, uint32_t func_idx, uint64_t *args_results, size_t stack_size);

#endif
