/* image.h: the instance image, what wasmc/image.py writes into every compiled module as @wasmc_image:
 * its format, and the reader that turns it into a `image` for instance.c. Generated code never sees any
 * of this (its contract is wasmc_rt.h); hosts see instance.h.
 *
 * Format, version 3. uleb/sleb are LEB128 as in Wasm binaries; str is uleb length + UTF-8 bytes (no NUL);
 * limits is u8 flags (bit 0: has max, bit 2: 64-bit, as in Wasm), uleb min, [uleb max]; expr is a constant expression copied from the module, in
 * the Wasm binary encoding and ending with 0x0B (i32/i64/f32/f64.const, global.get, ref.null, ref.func,
 * i32/i64 add/sub/mul).
 *
 *     "WMCI" u8 version
 *     grants   uleb n, n x (str host, str guest)          preopened directories
 *              uleb n, n x str                            env: "NAME=VALUE", or "NAME" (inherit its value)
 *              u8 inherit_env                             1: pass the whole host environment
 *              uleb n, n x str                            tcplisten: HOST:PORT listeners, after the directories
 *              3 x (uleb n, n x str)                      network patterns (wasi/wasi.h) granted for connect
 *                                                         and bind, for connect only, for bind only
 *     types    uleb n, n x (uleb np, np x u8 valtype, uleb nr, nr x u8 valtype)
 *     imports  uleb n, n x (str module, str name, u8 kind, desc)
 *                  desc: func uleb type_idx | table u8 elem, limits | memory limits | global u8 type, u8 mut
 *     funcs    uleb n, n x uleb type_idx                  defined functions
 *     tables   uleb n, n x (u8 elem, limits)              defined tables
 *     memories uleb n, n x limits                         defined memories
 *     globals  uleb n, n x (u8 valtype, u8 mut, expr)     defined globals
 *     exports  uleb n, n x (str name, u8 kind, uleb index)
 *     start    uleb func_idx + 1, or 0
 *     elems    uleb n, n x (u8 mode, u8 elem, uleb table_idx, [expr offset if active], u8 form, items)
 *                  form 0: items is uleb k, k x uleb func_idx; form 1: uleb k, k x expr (as in Wasm)
 *     datas    uleb n, n x (u8 mode, uleb mem_idx, [expr offset if active], uleb len, len bytes)
 *
 * kind: 0 func, 1 table, 2 memory, 3 global (the Wasm export kinds); mode: 0 active, 1 passive,
 * 2 declarative. Passive data segments point into the image itself, so memory.init copies from rodata.
 */
#ifndef WASMC_IMAGE_H
#define WASMC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "instance.h"
#include "rt_internal.h"

#define WASMC_IMAGE_VERSION 3

enum { KIND_FUNC = 0, KIND_TABLE = 1, KIND_MEMORY = 2, KIND_GLOBAL = 3 };
enum { MODE_ACTIVE = 0, MODE_PASSIVE = 1, MODE_DECLARATIVE = 2 };
enum { ITEMS_FUNCIDX = 0, ITEMS_EXPRS = 1 };

/* A cursor over image bytes that stops at the end instead of running past it: reads past the end (or a
 * malformed number) set `failed` and return 0. */
typedef struct reader {
    const uint8_t *p, *end;
    int failed;
} reader;

RT_HIDDEN uint8_t rd_u8(reader *r);
RT_HIDDEN uint64_t rd_uleb(reader *r);
RT_HIDDEN int64_t rd_sleb(reader *r);
RT_HIDDEN uint64_t rd_le(reader *r, unsigned n);               /* n-byte little-endian */
RT_HIDDEN const uint8_t *rd_bytes(reader *r, uint64_t n);      /* NULL when fewer are left */
RT_HIDDEN uint32_t rd_count(reader *r);                        /* a vector length, checked against the bytes left */

typedef struct image_limits {
    uint64_t min, max;
    int has_max;
    int is64;                         /* memory64 / table64: offsets are i64s */
} image_limits;

typedef struct image_import {
    char *module, *name;              /* NUL-terminated copies */
    uint8_t kind;
    uint32_t type_idx;                /* functions */
    uint8_t elem;                     /* tables */
    image_limits limits;              /* tables and memories */
} image_import;

typedef struct image_global {
    const uint8_t *init;              /* expr */
} image_global;

typedef struct image_elem {
    uint8_t mode, form;
    uint32_t table_idx;
    const uint8_t *offset;            /* expr, active segments only */
    const uint8_t *items;             /* `items` of the format, at its count */
} image_elem;

typedef struct image_data {
    uint8_t mode;
    uint32_t mem_idx;
    const uint8_t *offset;            /* expr, active segments only */
    const uint8_t *bytes;
    uint64_t len;
} image_data;

/* An image read into arrays. Expressions and data stay pointers into the image bytes, read when the
 * instance is built; `end` bounds those reads. */
typedef struct image {
    const uint8_t *end;
    uint32_t num_types;
    const uint8_t **type_start;       /* each type's encoding (np ... results) and its length */
    size_t *type_len;
    uint32_t num_imports, num_imported[4];   /* num_imported by kind */
    image_import *imports;
    uint32_t num_funcs;               /* defined */
    uint32_t *func_type_idx;          /* by func_idx, imports first */
    uint32_t num_tables;              /* defined */
    image_limits *tables;
    uint32_t num_memories;            /* defined */
    image_limits *memories;
    uint32_t num_globals;             /* defined */
    image_global *globals;
    uint32_t num_exports;
    wasmc_export *exports;
    uint32_t start;                   /* func_idx + 1, or 0 */
    uint32_t num_elems;
    image_elem *elems;
    uint32_t num_datas;
    image_data *datas;
} image;

/* Read the grants at the front of an image (into malloc'ed strings); `r` is left after them. */
RT_HIDDEN int image_read_grants(reader *r, wasmc_grants *out);
/* Read a whole image. Returns 0, or -1 if it is corrupt or of another version (img is freed then). */
RT_HIDDEN int image_read(const uint8_t *bytes, size_t size, image *img);
RT_HIDDEN void image_free(image *img);

#endif
