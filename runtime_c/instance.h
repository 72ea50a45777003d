/* instance.h: instantiating a compiled module from its instance image, for both hosts: the AOT main
 * (main.c) and Python (wasmc/instance.py, through cffi). The host links imports; instance.c builds the
 * vmctx, evaluates constant expressions, applies segments and runs the start function. The image format
 * is in image.h; runtime_c/build.py derives cffi's declarations from this file.
 */
#ifndef WASMC_INSTANCE_H
#define WASMC_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "wasi/wasi.h"
#include "wasmc_rt.h"

/* ---- Compiled code and imports ---- */

/* Function imports from this module bind to runtime_c's WASI host (wasi/wasi.h), when one is given. */
#define WASMC_WASI_MODULE "wasi_snapshot_preview1"

/* What a compiled module defines besides its functions (wasmc_rt.h, "Defined by generated code"). */
typedef struct wasmc_compiled {
    const uint8_t *image;             /* wasmc_image */
    size_t image_size;                /* wasmc_image_size */
    void *const *funcs;               /* wasmc_funcs */
    const wasmc_entry_fn *entries;    /* wasmc_entries */
    void *const *host_adapters;       /* wasmc_host_adapters */
    void *const *import_funcs;        /* wasmc_import_funcs, or NULL where there is none (the JIT) */
} wasmc_compiled;

/* How the host satisfies one import; an array of them is indexed like the module's imports. A function
 * takes `func` (a record to copy, e.g. another instance's export) or else `host_func` (called through
 * this module's adapter for the import's type); left NULL, it binds to code->import_funcs[func_idx] if
 * set, else to the WASI host if it is a WASI function and a WASI state is given. A memory, table or
 * global import is shared: the exporter's struct or cell itself. */
typedef struct wasmc_import {
    const wasmc_funcref *func;
    wasmc_host_func *host_func;
    wasmc_memory *memory;
    wasmc_table *table;
    wasmc_global *global_cell;
} wasmc_import;

/* ---- Instances ---- */

/* An instance: its vmctx and everything it owns (defined memories, tables and globals, its function
 * records and segments). Opaque; see wasmc_instance_vmctx. */
typedef struct wasmc_instance wasmc_instance;

/* One export of the module: kind 0 func, 1 table, 2 memory, 3 global; index in that kind's space. */
typedef struct wasmc_export {
    char *name;
    uint8_t kind;
    uint32_t index;
} wasmc_export;

/* What wasmc_instantiate returns when it fails before writing anything anywhere (err says why). */
#define WASMC_LINK_ERROR (-1)         /* an import cannot be bound */
#define WASMC_SETUP_ERROR (-2)        /* out of memory or address space, or an image it cannot read */

/* Instantiate, in the spec's order: bind imports, create memories, tables and globals (initializers
 * evaluated in order), then apply active element segments and then data segments in order. Returns 0,
 * or the WASMC_TRAP_* of the first segment out of bounds (instantiation stops there; earlier writes stay
 * visible through shared tables and memories), with *out set in both cases; or WASMC_LINK_ERROR /
 * WASMC_SETUP_ERROR with a message in err and nothing allocated. `wasi` becomes vmctx->host. Example:
 *     wasmc_instance *inst;
 *     int r = wasmc_instantiate(&code, NULL, wasi, &inst, err, sizeof err);
 *     if (r == 0) r = wasmc_instance_start(inst, 0);   // r == 0: ready to call its exports */
int wasmc_instantiate(const wasmc_compiled *code, const wasmc_import *imports, wasmc_wasi *wasi,
                      wasmc_instance **out, char *err, size_t err_size);
/* Run the start function, if any, on a stack of stack_size bytes (wasmc_invoke's rules and result). */
int wasmc_instance_start(wasmc_instance *inst, size_t stack_size);
/* The instance's vmctx: its memories, tables, globals and function records by index. */
wasmc_vmctx *wasmc_instance_vmctx(wasmc_instance *inst);
/* The export called `name`, or NULL. */
const wasmc_export *wasmc_instance_export(const wasmc_instance *inst, const char *name);
/* Call function func_idx with arguments and results in 8-byte slots (wasmc_invoke's rules and result). */
int wasmc_instance_call(wasmc_instance *inst, uint32_t func_idx, uint64_t *args_results, size_t stack_size);
/* Free the instance and what it owns, never its imports. Nothing may refer to it afterwards: tables and
 * globals that hold its function records keep it alive (the host's business). NULL is ignored. */
void wasmc_instance_free(wasmc_instance *inst);

/* ---- Grants: what an executable's guest may see, baked in by `wasmc compile` ---- */

/* Directories, environment and network granted at compile time (strings are malloc'ed, NUL-terminated).
 * The network lists are comma-separated, as wasmc_wasi_tcplisten and wasmc_wasi_grant_net take them. */
typedef struct wasmc_grants {
    uint32_t num_dirs;
    char **host_dirs;
    char **guest_dirs;
    uint32_t num_env;
    char **env;                       /* "NAME=VALUE", or "NAME": the host's value at run time, if set */
    int inherit_env;
    char *tcplisten;                  /* HOST:PORT listeners; NULL: none */
    char *net[3];                     /* patterns for connect and bind, connect only, bind only; NULL: none */
} wasmc_grants;

/* Read the grants at the front of the image. Returns 0, or -1 with a message in err. */
int wasmc_image_grants(const wasmc_compiled *code, wasmc_grants *out, char *err, size_t err_size);

#endif
