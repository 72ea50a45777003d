/* instance.c: instantiation from the instance image, the one path for executables (main.c) and the
 * Python API: binding imports, canonical type ids, memories, tables and globals, constant expressions
 * (evaluated here and nowhere else), segments in the spec's order, the start function, and freeing an
 * instance. image.c reads the image; linking decisions that need the host's objects are the host's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define MAX_PAGES 65536u
#define MAX_PAGES64 (1ULL << 48)      /* the spec's bound on a 64-bit memory (wasmc_memory_new caps lower) */
#define EXPR_STACK 16

struct wasmc_instance {
    wasmc_vmctx vm;
    const wasmc_compiled *code;
    image img;
    wasmc_global *cells;              /* the defined globals' cells */
    uint32_t num_funcs, num_tables, num_memories, num_globals;   /* whole index spaces, imports first */
};

static int fail(int code, char *err, size_t err_size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, err_size, fmt, args);
    va_end(args);
    return code;
}

static void *alloc_array(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);   /* never NULL for an empty array: the vmctx arrays stay valid */
}

/* ---- Canonical type ids: equal encodings get equal ids process-wide, so call_indirect across
 * instances compares numbers. A list under a lock: modules have tens of types, processes hundreds. ---- */
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static struct known_type {
    uint8_t *bytes;
    size_t len;
} *known_types;
static size_t num_known, known_cap;

/* The id of a type's encoding (image.h, "types"), from 1; 0 when out of memory. */
static uint64_t canonical_type_id(const uint8_t *bytes, size_t len)
{
    uint64_t id = 0;
    pthread_mutex_lock(&types_lock);
    for (size_t i = 0; i < num_known && id == 0; i++) {
        if (known_types[i].len == len && memcmp(known_types[i].bytes, bytes, len) == 0)
            id = i + 1;
    }
    if (id == 0 && num_known == known_cap) {
        size_t cap = known_cap ? 2 * known_cap : 64;
        struct known_type *grown = realloc(known_types, cap * sizeof *grown);
        if (grown != NULL) {
            known_types = grown;
            known_cap = cap;
        }
    }
    if (id == 0 && num_known < known_cap) {
        uint8_t *copy = malloc(len ? len : 1);
        if (copy != NULL) {
            memcpy(copy, bytes, len);
            known_types[num_known++] = (struct known_type){copy, len};
            id = num_known;
        }
    }
    pthread_mutex_unlock(&types_lock);
    return id;
}

/* ---- Constant expressions, in the Wasm encoding. Values are global cells: a v128 fills both words,
 * everything else the low one; references are funcref addresses (0: null); global.get may read the
 * first `num_globals` globals. ---- */

/* The value of the expression at rd, which is left after its 0x0B. */
static wasmc_global eval_next(const wasmc_instance *inst, reader *rd, uint32_t num_globals, int *failed)
{
    reader r = *rd;
    wasmc_global stack[EXPR_STACK];
    int sp = 0;
    for (;;) {
        uint8_t op = rd_u8(&r);
        if (r.failed || op == 0x0B)
            break;
        if (sp == EXPR_STACK) {
            r.failed = 1;
            break;
        }
        uint64_t b = sp > 0 ? stack[sp - 1].bits[0] : 0, a = sp > 1 ? stack[sp - 2].bits[0] : 0;
        wasmc_global *top = &stack[sp];
        *top = (wasmc_global){{0, 0}};
        switch (op) {
        case 0x41: top->bits[0] = (uint32_t)rd_sleb(&r); sp++; break;                /* i32.const */
        case 0x42: top->bits[0] = (uint64_t)rd_sleb(&r); sp++; break;                /* i64.const */
        case 0x43: top->bits[0] = rd_le(&r, 4); sp++; break;                         /* f32.const */
        case 0x44: top->bits[0] = rd_le(&r, 8); sp++; break;                         /* f64.const */
        case 0xFD:                                                                  /* v128.const */
            if (rd_uleb(&r) != 12) {
                r.failed = 1;
                break;
            }
            top->bits[0] = rd_le(&r, 8);
            top->bits[1] = rd_le(&r, 8);
            sp++;
            break;
        case 0x23: {                                                                /* global.get */
            uint64_t idx = rd_uleb(&r);
            if (idx >= num_globals) {
                r.failed = 1;
                break;
            }
            *top = *inst->vm.globals[idx];
            sp++;
            break;
        }
        case 0xD0: rd_u8(&r); sp++; break;                                          /* ref.null */
        case 0xD2: {                                                                /* ref.func */
            uint64_t idx = rd_uleb(&r);
            if (idx >= inst->num_funcs) {
                r.failed = 1;
                break;
            }
            top->bits[0] = (uintptr_t)&inst->vm.funcrefs[idx];
            sp++;
            break;
        }
        case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E: {         /* add/sub/mul */
            if (sp < 2) {
                r.failed = 1;
                break;
            }
            uint64_t v = op == 0x6A || op == 0x7C ? a + b : op == 0x6B || op == 0x7D ? a - b : a * b;
            stack[sp - 2].bits[0] = op < 0x70 ? (uint32_t)v : v;
            sp--;
            break;
        }
        default:
            r.failed = 1;
        }
    }
    if (r.failed || sp != 1)
        *failed = 1;
    *rd = r;
    return sp > 0 ? stack[sp - 1] : (wasmc_global){{0, 0}};
}

/* The value of the expression at `expr`. */
static wasmc_global eval_expr(const wasmc_instance *inst, const uint8_t *expr, uint32_t num_globals, int *failed)
{
    reader r = {expr, inst->img.end, 0};
    return eval_next(inst, &r, num_globals, failed);
}

/* ---- Imports ---- */

/* A function type in the signature letters of wasi.h's table (wasmc/abi.py signature() spells them
 * the same way, and tests/unit/test_abi.py compares the two). */
static void sig_of(const image *img, uint32_t type_idx, char *out, size_t out_size)
{
    static const char letters[256] = {[0x7F] = 'i', [0x7E] = 'l', [0x7D] = 'f', [0x7C] = 'd',
                                      [0x7B] = 'v', [0x70] = 'r', [0x6F] = 'r'};
    reader types = {img->type_start[type_idx], img->type_start[type_idx] + img->type_len[type_idx], 0};
    size_t n = 0;
    for (int part = 0; part < 2; part++) {
        uint64_t count = rd_uleb(&types);
        for (uint64_t i = 0; i < count && n + 2 < out_size; i++) {
            uint8_t t = rd_u8(&types);
            out[n++] = letters[t] ? letters[t] : '?';
        }
        if (part == 0 && n + 1 < out_size)
            out[n++] = '_';
    }
    out[n] = '\0';
}

static int bind_func(wasmc_instance *inst, const image_import *imp, const wasmc_import *given,
                     uint32_t func_idx, char *err, size_t err_size)
{
    wasmc_vmctx *vm = &inst->vm;
    const wasmc_compiled *code = inst->code;
    uint64_t type_id = vm->type_ids[imp->type_idx];
    wasmc_funcref *rec = &vm->funcrefs[func_idx];
    if (given != NULL && given->func != NULL) {
        *rec = *given->func;
        return 0;
    }
    if (given != NULL && given->host_func != NULL) {
        *rec = (wasmc_funcref){code->host_adapters[imp->type_idx], type_id, given->host_func};
        return 0;
    }
    /* Functions linked into an executable (wasmc_host.h) and WASI take the calling instance. */
    void *linked = code->import_funcs != NULL ? code->import_funcs[func_idx] : NULL;
    if (linked != NULL) {
        *rec = (wasmc_funcref){linked, type_id, vm};
        return 0;
    }
    char sig[64];
    sig_of(&inst->img, imp->type_idx, sig, sizeof sig);
    const wasmc_wasi_import *wasi = NULL;
    if (vm->host != NULL && strcmp(imp->module, WASMC_WASI_MODULE) == 0)
        wasi = wasmc_wasi_lookup_sig(imp->name, sig);   /* the variant of this type, if it has several */
    if (wasi == NULL)
        return fail(WASMC_LINK_ERROR, err, err_size, "unknown import: %s::%s has not been defined",
                    imp->module, imp->name);
    if (strcmp(sig, wasi->sig) != 0)
        return fail(WASMC_LINK_ERROR, err, err_size, "incompatible import type for %s::%s: expected %s, found %s",
                    imp->module, imp->name, wasi->sig, sig);
    *rec = (wasmc_funcref){wasi->fn, type_id, vm};
    return 0;
}

/* Bind every import in order; the index spaces' imported entries come first, in import order. */
static int bind_imports(wasmc_instance *inst, const wasmc_import *imports, char *err, size_t err_size)
{
    wasmc_vmctx *vm = &inst->vm;
    uint32_t next[4] = {0};
    for (uint32_t i = 0; i < inst->img.num_imports; i++) {
        const image_import *imp = &inst->img.imports[i];
        const wasmc_import *given = imports != NULL ? &imports[i] : NULL;
        uint32_t idx = next[imp->kind]++;
        int missing = 0;
        switch (imp->kind) {
        case KIND_FUNC: {
            int r = bind_func(inst, imp, given, idx, err, err_size);
            if (r != 0)
                return r;
            break;
        }
        case KIND_TABLE:
            vm->tables[idx] = given != NULL ? given->table : NULL;
            missing = vm->tables[idx] == NULL;
            break;
        case KIND_MEMORY:
            vm->memories[idx] = given != NULL ? given->memory : NULL;
            missing = vm->memories[idx] == NULL;
            break;
        default:
            vm->globals[idx] = given != NULL ? given->global_cell : NULL;
            missing = vm->globals[idx] == NULL;
        }
        if (missing)
            return fail(WASMC_LINK_ERROR, err, err_size, "unknown import: %s::%s has not been defined",
                        imp->module, imp->name);
    }
    return 0;
}

/* ---- Building the instance ---- */

/* The vmctx arrays, type ids and function records. */
static int build_index_spaces(wasmc_instance *inst, char *err, size_t err_size)
{
    image *img = &inst->img;
    wasmc_vmctx *vm = &inst->vm;
    inst->num_funcs = img->num_imported[KIND_FUNC] + img->num_funcs;
    inst->num_tables = img->num_imported[KIND_TABLE] + img->num_tables;
    inst->num_memories = img->num_imported[KIND_MEMORY] + img->num_memories;
    inst->num_globals = img->num_imported[KIND_GLOBAL] + img->num_globals;
    vm->type_ids = alloc_array(img->num_types, sizeof(uint64_t));
    vm->funcrefs = alloc_array(inst->num_funcs, sizeof(wasmc_funcref));
    vm->tables = alloc_array(inst->num_tables, sizeof(wasmc_table *));
    vm->memories = alloc_array(inst->num_memories, sizeof(wasmc_memory *));
    vm->globals = alloc_array(inst->num_globals, sizeof(wasmc_global *));
    inst->cells = alloc_array(img->num_globals, sizeof(wasmc_global));
    vm->elems = alloc_array(img->num_elems, sizeof(wasmc_segment));
    vm->datas = alloc_array(img->num_datas, sizeof(wasmc_segment));
    if (!vm->type_ids || !vm->funcrefs || !vm->tables || !vm->memories || !vm->globals || !inst->cells ||
        !vm->elems || !vm->datas)
        return fail(WASMC_SETUP_ERROR, err, err_size, "out of memory");
    for (uint32_t t = 0; t < img->num_types; t++) {
        vm->type_ids[t] = canonical_type_id(img->type_start[t], img->type_len[t]);
        if (vm->type_ids[t] == 0)
            return fail(WASMC_SETUP_ERROR, err, err_size, "out of memory");
    }
    uint32_t num_imported = img->num_imported[KIND_FUNC];
    for (uint32_t defined_idx = 0; defined_idx < img->num_funcs; defined_idx++) {
        uint32_t func_idx = num_imported + defined_idx;
        uint64_t type_id = vm->type_ids[img->func_type_idx[func_idx]];
        vm->funcrefs[func_idx] = (wasmc_funcref){inst->code->funcs[defined_idx], type_id, vm};
    }
    return 0;
}

static int create_tables_and_memories(wasmc_instance *inst, char *err, size_t err_size)
{
    image *img = &inst->img;
    wasmc_vmctx *vm = &inst->vm;
    for (uint32_t t = 0; t < img->num_tables; t++) {
        image_limits l = img->tables[t];
        uint64_t max = l.has_max ? l.max : UINT32_MAX;
        if (l.is64 && max > UINT32_MAX)
            max = UINT32_MAX;          /* a table64's maximum may be any u64; wasmc_table_new caps far below */
        wasmc_table **slot = &vm->tables[img->num_imported[KIND_TABLE] + t];
        *slot = l.min <= UINT32_MAX && max <= UINT32_MAX ? wasmc_table_new((uint32_t)l.min, (uint32_t)max) : NULL;
        if (*slot == NULL)
            return fail(WASMC_SETUP_ERROR, err, err_size, "cannot allocate table %u of %llu elements",
                        img->num_imported[KIND_TABLE] + t, (unsigned long long)l.min);
    }
    for (uint32_t m = 0; m < img->num_memories; m++) {
        image_limits l = img->memories[m];
        uint64_t bound = l.is64 ? MAX_PAGES64 : MAX_PAGES;
        uint64_t max = l.has_max ? l.max : bound;
        wasmc_memory **slot = &vm->memories[img->num_imported[KIND_MEMORY] + m];
        *slot = l.min <= bound && max <= bound ? wasmc_memory_new(l.min, max) : NULL;
        if (*slot == NULL)
            return fail(WASMC_SETUP_ERROR, err, err_size, "cannot reserve memory %u",
                        img->num_imported[KIND_MEMORY] + m);
    }
    vm->mem0_base = inst->num_memories ? vm->memories[0]->base : NULL;
    return 0;
}

/* Globals in order: an initializer may read the globals before it. */
static void init_globals(wasmc_instance *inst, int *failed)
{
    uint32_t num_imported = inst->img.num_imported[KIND_GLOBAL];
    for (uint32_t g = 0; g < inst->img.num_globals; g++) {
        inst->vm.globals[num_imported + g] = &inst->cells[g];
        inst->cells[g] = eval_expr(inst, inst->img.globals[g].init, num_imported + g, failed);
    }
}

/* Element items evaluated now, data segments pointing into the image; the active segments' offsets go
 * to elem_offsets and data_offsets. */
static void init_segments(wasmc_instance *inst, uint64_t *elem_offsets, uint64_t *data_offsets, int *failed)
{
    image *img = &inst->img;
    wasmc_vmctx *vm = &inst->vm;
    for (uint32_t s = 0; s < img->num_elems && !*failed; s++) {
        const image_elem *seg = &img->elems[s];
        if (seg->mode == MODE_ACTIVE) {
            elem_offsets[s] = eval_expr(inst, seg->offset, inst->num_globals, failed).bits[0];
            *failed |= seg->table_idx >= inst->num_tables;
        }
        reader r = {seg->items, img->end, 0};
        uint32_t n = rd_count(&r);
        void **items = alloc_array(n, sizeof(void *));
        vm->elems[s] = (wasmc_segment){items, n};
        for (uint32_t k = 0; items != NULL && k < n && !r.failed && !*failed; k++) {
            if (seg->form == ITEMS_FUNCIDX) {
                uint64_t func_idx = rd_uleb(&r);
                *failed |= func_idx >= inst->num_funcs;
                items[k] = &vm->funcrefs[func_idx < inst->num_funcs ? func_idx : 0];
                continue;
            }
            items[k] = (void *)(uintptr_t)eval_next(inst, &r, inst->num_globals, failed).bits[0];
        }
        *failed |= items == NULL || r.failed;
    }
    for (uint32_t s = 0; s < img->num_datas && !*failed; s++) {
        const image_data *seg = &img->datas[s];
        if (seg->mode == MODE_ACTIVE) {
            data_offsets[s] = eval_expr(inst, seg->offset, inst->num_globals, failed).bits[0];
            *failed |= seg->mem_idx >= inst->num_memories;
        }
        vm->datas[s] = (wasmc_segment){seg->bytes, seg->len};
    }
}

/* Whether table or memory `idx` (kind KIND_TABLE or KIND_MEMORY, imports first) is 64-bit. */
static int is64(const image *img, uint8_t kind, uint32_t idx)
{
    if (idx >= img->num_imported[kind]) {
        uint32_t defined_idx = idx - img->num_imported[kind];
        return kind == KIND_TABLE ? img->tables[defined_idx].is64 : img->memories[defined_idx].is64;
    }
    for (uint32_t i = 0; i < img->num_imports; i++) {
        if (img->imports[i].kind == kind && idx-- == 0)
            return img->imports[i].limits.is64;
    }
    return 0;
}

/* offset + len > size, for a 64-bit offset that offset + len may wrap. */
static int segment_out_of_bounds(uint64_t offset, uint64_t len, uint64_t size)
{
    return offset > size || len > size - offset;
}

/* Active element segments, then active data segments, in order (the spec's table.init/elem.drop and
 * memory.init/data.drop per segment). Declarative element segments are dropped too. */
static int apply_segments(wasmc_instance *inst, const uint64_t *elem_offsets, const uint64_t *data_offsets)
{
    image *img = &inst->img;
    wasmc_vmctx *vm = &inst->vm;
    for (uint32_t s = 0; s < img->num_elems; s++) {
        wasmc_segment *seg = &vm->elems[s];
        if (img->elems[s].mode == MODE_ACTIVE) {
            uint32_t table_idx = img->elems[s].table_idx;
            wasmc_table *table = vm->tables[table_idx];
            uint64_t offset = is64(img, KIND_TABLE, table_idx) ? elem_offsets[s] : (uint32_t)elem_offsets[s];
            if (segment_out_of_bounds(offset, seg->len, table->size))
                return WASMC_TRAP_TABLE_OOB;
            memcpy(table->elems + offset, seg->ptr, seg->len * sizeof(void *));
        }
        if (img->elems[s].mode != MODE_PASSIVE)
            seg->len = 0;
    }
    for (uint32_t s = 0; s < img->num_datas; s++) {
        if (img->datas[s].mode != MODE_ACTIVE)
            continue;
        uint32_t mem_idx = img->datas[s].mem_idx;
        wasmc_memory *mem = vm->memories[mem_idx];
        wasmc_segment *seg = &vm->datas[s];
        uint64_t offset = is64(img, KIND_MEMORY, mem_idx) ? data_offsets[s] : (uint32_t)data_offsets[s];
        if (segment_out_of_bounds(offset, seg->len, mem->size))
            return WASMC_TRAP_MEMORY_OOB;
        memcpy(mem->base + offset, seg->ptr, seg->len);
        seg->len = 0;
    }
    return 0;
}

int wasmc_instantiate(const wasmc_compiled *code, const wasmc_import *imports, wasmc_wasi *wasi,
                      wasmc_instance **out, char *err, size_t err_size)
{
    *out = NULL;
    wasmc_instance *inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        return fail(WASMC_SETUP_ERROR, err, err_size, "out of memory");
    if (image_read(code->image, code->image_size, &inst->img) != 0) {
        free(inst);
        return fail(WASMC_SETUP_ERROR, err, err_size, "the instance image is corrupt or of another wasmc version");
    }
    inst->code = code;
    inst->vm.host = wasi;
    inst->vm.stack_limit = &wasmc_stack_limit;
    inst->vm.interrupt = &wasmc_interrupt;

    int r = build_index_spaces(inst, err, err_size);
    if (r == 0)
        r = bind_imports(inst, imports, err, err_size);
    if (r == 0)
        r = create_tables_and_memories(inst, err, err_size);
    uint64_t *elem_offsets = alloc_array(inst->img.num_elems, sizeof(uint64_t));
    uint64_t *data_offsets = alloc_array(inst->img.num_datas, sizeof(uint64_t));
    if (r == 0 && (elem_offsets == NULL || data_offsets == NULL))
        r = fail(WASMC_SETUP_ERROR, err, err_size, "out of memory");
    if (r == 0) {
        int failed = 0;
        init_globals(inst, &failed);
        init_segments(inst, elem_offsets, data_offsets, &failed);
        if (failed)
            r = fail(WASMC_SETUP_ERROR, err, err_size, "the instance image is corrupt");
    }
    if (r == 0) {
        *out = inst;
        r = apply_segments(inst, elem_offsets, data_offsets);
    } else {
        wasmc_instance_free(inst);
    }
    free(elem_offsets);
    free(data_offsets);
    return r;
}

/* ---- Using an instance ---- */

int wasmc_instance_start(wasmc_instance *inst, size_t stack_size)
{
    if (inst->img.start == 0)
        return WASMC_TRAP_NONE;
    uint64_t slot = 0;
    return wasmc_instance_call(inst, inst->img.start - 1, &slot, stack_size);
}

wasmc_vmctx *wasmc_instance_vmctx(wasmc_instance *inst)
{
    return &inst->vm;
}

const wasmc_export *wasmc_instance_export(const wasmc_instance *inst, const char *name)
{
    for (uint32_t e = 0; e < inst->img.num_exports; e++) {
        if (strcmp(inst->img.exports[e].name, name) == 0)
            return &inst->img.exports[e];
    }
    return NULL;
}

int wasmc_instance_call(wasmc_instance *inst, uint32_t func_idx, uint64_t *args_results, size_t stack_size)
{
    const wasmc_funcref *rec = &inst->vm.funcrefs[func_idx];
    wasmc_entry_fn entry = inst->code->entries[inst->img.func_type_idx[func_idx]];
    return wasmc_invoke(entry, rec->vmctx, rec->fn, args_results, stack_size);
}

void wasmc_instance_free(wasmc_instance *inst)
{
    if (inst == NULL)
        return;
    wasmc_vmctx *vm = &inst->vm;
    const image *img = &inst->img;
    for (uint32_t t = 0; vm->tables != NULL && t < img->num_tables; t++)
        wasmc_table_free(vm->tables[img->num_imported[KIND_TABLE] + t]);
    for (uint32_t m = 0; vm->memories != NULL && m < img->num_memories; m++)
        wasmc_memory_free(vm->memories[img->num_imported[KIND_MEMORY] + m]);
    for (uint32_t s = 0; vm->elems != NULL && s < img->num_elems; s++)
        free((void *)vm->elems[s].ptr);
    free(vm->type_ids);
    free(vm->funcrefs);
    free(vm->tables);
    free(vm->memories);
    free(vm->globals);
    free(vm->elems);
    free(vm->datas);
    free(inst->cells);
    image_free(&inst->img);
    free(inst);
}
