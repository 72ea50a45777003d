/* instance.c: instantiation without Python, for AOT executables. It reads the image (format in image.h)
 * and builds the vmctx in the order of wasmc/instance.py: imports, memories, tables, function records,
 * type ids, globals, segments, then active element and data segments, then the start function. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

enum { KIND_FUNC = 0, KIND_TABLE = 1, KIND_MEMORY = 2, KIND_GLOBAL = 3 };
enum { MODE_ACTIVE = 0, MODE_PASSIVE = 1, MODE_DECLARATIVE = 2 };
#define MAX_PAGES 65536u
#define EXPR_STACK 16

/* ---- Reading the image: a cursor that stops at the end instead of running past it. ---- */
typedef struct reader {
    const uint8_t *p, *end;
    int failed;
} reader;

static uint8_t rd_u8(reader *r)
{
    if (r->p >= r->end) {
        r->failed = 1;
        return 0;
    }
    return *r->p++;
}

static uint64_t rd_uleb(reader *r)
{
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b = rd_u8(r);
        value |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return value;
    }
    r->failed = 1;
    return 0;
}

static int64_t rd_sleb(reader *r)
{
    uint64_t value = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = rd_u8(r);
        if (shift < 64)
            value |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
    } while (b & 0x80 && !r->failed);
    if (shift < 64 && b & 0x40)
        value |= ~(uint64_t)0 << shift;
    return (int64_t)value;
}

static const uint8_t *rd_bytes(reader *r, uint64_t n)
{
    if ((uint64_t)(r->end - r->p) < n) {
        r->failed = 1;
        r->p = r->end;
        return NULL;
    }
    const uint8_t *start = r->p;
    r->p += n;
    return start;
}

static char *rd_str(reader *r)
{
    uint64_t n = rd_uleb(r);
    const uint8_t *bytes = rd_bytes(r, n);
    return bytes ? strndup((const char *)bytes, n) : NULL;
}

static uint64_t rd_le(reader *r, unsigned n)
{
    const uint8_t *bytes = rd_bytes(r, n);
    uint64_t value = 0;
    for (unsigned i = 0; bytes && i < n; i++)
        value |= (uint64_t)bytes[i] << (8 * i);
    return value;
}

/* Counts size arrays; one larger than the bytes left cannot be right and would only make calloc fail. */
static uint32_t rd_count(reader *r)
{
    uint64_t n = rd_uleb(r);
    if (n > (uint64_t)(r->end - r->p) || n > UINT32_MAX) {
        r->failed = 1;
        return 0;
    }
    return (uint32_t)n;
}

typedef struct limits {
    uint64_t min, max;
    int has_max;
} limits;

static limits rd_limits(reader *r)
{
    limits l = {0};
    l.has_max = rd_u8(r);
    l.min = rd_uleb(r);
    if (l.has_max)
        l.max = rd_uleb(r);
    return l;
}

static void *alloc_array(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);   /* never NULL for an empty array: the vmctx arrays stay valid */
}

static int fail(char *err, size_t err_size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, err_size, fmt, args);
    va_end(args);
    return -1;
}

static int open_image(const wasmc_compiled *code, reader *r, char *err, size_t err_size)
{
    r->p = code->image;
    r->end = code->image + code->image_size;
    r->failed = 0;
    const uint8_t *magic = rd_bytes(r, 4);
    if (magic == NULL || memcmp(magic, "WMCI", 4) != 0 || rd_u8(r) != WASMC_IMAGE_VERSION)
        return fail(err, err_size, "the instance image is corrupt or of another wasmc version");
    return 0;
}

static int read_grants(reader *r, wasmc_grants *g)
{
    memset(g, 0, sizeof *g);
    g->num_dirs = rd_count(r);
    g->host_dirs = alloc_array(g->num_dirs, sizeof(char *));
    g->guest_dirs = alloc_array(g->num_dirs, sizeof(char *));
    for (uint32_t i = 0; i < g->num_dirs && !r->failed; i++) {
        g->host_dirs[i] = rd_str(r);
        g->guest_dirs[i] = rd_str(r);
    }
    g->num_env = rd_count(r);
    g->env = alloc_array(g->num_env, sizeof(char *));
    for (uint32_t i = 0; i < g->num_env && !r->failed; i++)
        g->env[i] = rd_str(r);
    g->inherit_env = rd_u8(r);
    return r->failed ? -1 : 0;
}

int wasmc_image_grants(const wasmc_compiled *code, wasmc_grants *out, char *err, size_t err_size)
{
    reader r;
    if (open_image(code, &r, err, err_size) != 0)
        return -1;
    if (read_grants(&r, out) != 0)
        return fail(err, err_size, "the instance image is corrupt");
    return 0;
}

/* ---- Constant expressions, in the Wasm encoding. References are funcref addresses (0: null). ---- */
static uint64_t eval_expr(reader *r, const wasmc_vmctx *vm, uint32_t num_globals, uint32_t num_funcs)
{
    uint64_t stack[EXPR_STACK];
    int sp = 0;
    for (;;) {
        uint8_t op = rd_u8(r);
        if (r->failed || op == 0x0B)
            break;
        if (sp == EXPR_STACK) {
            r->failed = 1;
            break;
        }
        uint64_t b = sp > 0 ? stack[sp - 1] : 0, a = sp > 1 ? stack[sp - 2] : 0;
        switch (op) {
        case 0x41: stack[sp++] = (uint32_t)rd_sleb(r); break;                       /* i32.const */
        case 0x42: stack[sp++] = (uint64_t)rd_sleb(r); break;                       /* i64.const */
        case 0x43: stack[sp++] = rd_le(r, 4); break;                                /* f32.const */
        case 0x44: stack[sp++] = rd_le(r, 8); break;                                /* f64.const */
        case 0x23: {                                                                /* global.get */
            uint64_t idx = rd_uleb(r);
            if (idx >= num_globals) {
                r->failed = 1;
                break;
            }
            stack[sp++] = ((const uint64_t *)vm->globals[idx])[0];
            break;
        }
        case 0xD0: rd_u8(r); stack[sp++] = 0; break;                                /* ref.null */
        case 0xD2: {                                                                /* ref.func */
            uint64_t idx = rd_uleb(r);
            if (idx >= num_funcs) {
                r->failed = 1;
                break;
            }
            stack[sp++] = (uintptr_t)&vm->funcrefs[idx];
            break;
        }
        case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E: {         /* add/sub/mul */
            if (sp < 2) {
                r->failed = 1;
                break;
            }
            uint64_t v = op == 0x6A || op == 0x7C ? a + b : op == 0x6B || op == 0x7D ? a - b : a * b;
            stack[sp - 2] = op < 0x70 ? (uint32_t)v : v;
            sp--;
            break;
        }
        default:
            r->failed = 1;
        }
    }
    if (sp != 1)
        r->failed = 1;
    return sp > 0 ? stack[sp - 1] : 0;
}

/* ---- Linking. An executable has the WASI host and the host functions linked in for other function
 * imports (code->import_funcs); `wasmc compile` already refused anything else, so a failure here means
 * the runtime library and the compiler disagree. ---- */
static void sig_of(reader types, char *out, size_t out_size)
{
    static const char letters[256] = {[0x7F] = 'i', [0x7E] = 'l', [0x7D] = 'f', [0x7C] = 'd',
                                      [0x70] = 'r', [0x6F] = 'r'};
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

static void *resolve_func(const char *module, const char *name, void *linked, reader type, char *err,
                          size_t err_size)
{
    if (linked != NULL)
        return linked;   /* wasmc_import_<module>_<name>, declared for this type (wasmc_host.h) */
    if (strcmp(module, WASMC_WASI_MODULE) == 0) {
        char sig[64];
        sig_of(type, sig, sizeof sig);
        const wasmc_wasi_import *wasi = wasmc_wasi_lookup_sig(name, sig);   /* the variant of this type */
        if (wasi != NULL) {
            if (strcmp(sig, wasi->sig) == 0)
                return wasi->fn;
            fail(err, err_size, "incompatible import type for %s::%s: expected %s, found %s",
                 module, name, wasi->sig, sig);
            return NULL;
        }
    }
    fail(err, err_size, "unknown import: %s::%s has not been defined", module, name);
    return NULL;
}

/* ---- Instantiation. ---- */
typedef struct type_range {
    const uint8_t *start;
    size_t len;
} type_range;

typedef struct pending_import {
    char *module, *name;
    uint64_t type_idx;
} pending_import;

typedef struct active_data {
    uint32_t seg_idx, mem_idx;
    uint64_t offset;
} active_data;

static int corrupt(char *err, size_t err_size)
{
    return fail(err, err_size, "the instance image is corrupt");
}

/* Error paths leave what was allocated so far: the AOT main reports the error and exits. */
int wasmc_instantiate(const wasmc_compiled *code, void *host, size_t stack_size, wasmc_instance **out,
                      char *err, size_t err_size)
{
    reader r;
    wasmc_grants grants;   /* main.c has used them already; read past them */
    if (open_image(code, &r, err, err_size) != 0)
        return -1;
    if (read_grants(&r, &grants) != 0)
        return corrupt(err, err_size);

    wasmc_instance *inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        return fail(err, err_size, "out of memory");
    wasmc_vmctx *vm = &inst->vm;
    inst->code = code;
    vm->host = host;
    vm->stack_limit = &wasmc_stack_limit;

    /* Types: canonical ids are equal for equal encodings, as api.type_id makes them for the JIT. */
    uint32_t num_types = rd_count(&r);
    type_range *types = alloc_array(num_types, sizeof *types);
    vm->type_ids = alloc_array(num_types, sizeof(uint64_t));
    for (uint32_t t = 0; t < num_types && !r.failed; t++) {
        types[t].start = r.p;
        rd_bytes(&r, rd_uleb(&r));
        rd_bytes(&r, rd_uleb(&r));
        types[t].len = (size_t)(r.p - types[t].start);
        vm->type_ids[t] = t + 1;
        for (uint32_t u = 0; u < t; u++) {
            if (types[u].len == types[t].len && memcmp(types[u].start, types[t].start, types[t].len) == 0) {
                vm->type_ids[t] = vm->type_ids[u];
                break;
            }
        }
    }
    if (r.failed)
        return corrupt(err, err_size);

    /* Imports: functions only (see resolve_func). Defined functions follow in the image, so imports are
     * read first and bound once the number of records is known. */
    uint32_t num_imports = rd_count(&r);
    pending_import *imports = alloc_array(num_imports, sizeof *imports);
    for (uint32_t i = 0; i < num_imports && !r.failed; i++) {
        imports[i].module = rd_str(&r);
        imports[i].name = rd_str(&r);
        if (r.failed)
            break;
        if (rd_u8(&r) != KIND_FUNC)
            return fail(err, err_size, "unknown import: %s::%s has not been defined", imports[i].module,
                        imports[i].name);
        imports[i].type_idx = rd_uleb(&r);
        if (imports[i].type_idx >= num_types)
            r.failed = 1;
    }
    uint32_t num_defined = rd_count(&r);
    if (r.failed)
        return corrupt(err, err_size);
    uint32_t num_funcs = num_imports + num_defined;
    vm->funcrefs = alloc_array(num_funcs, sizeof(wasmc_funcref));
    inst->func_type_idx = alloc_array(num_funcs, sizeof(uint32_t));
    for (uint32_t func_idx = 0; func_idx < num_imports; func_idx++) {
        const pending_import *imp = &imports[func_idx];
        const type_range *type = &types[imp->type_idx];
        reader type_reader = {type->start, type->start + type->len, 0};
        void *linked = code->import_funcs ? code->import_funcs[func_idx] : NULL;
        void *fn = resolve_func(imp->module, imp->name, linked, type_reader, err, err_size);
        if (fn == NULL)
            return -1;
        inst->func_type_idx[func_idx] = (uint32_t)imp->type_idx;
        vm->funcrefs[func_idx] = (wasmc_funcref){fn, vm->type_ids[imp->type_idx], vm};
        free(imp->module);
        free(imp->name);
    }
    free(imports);
    for (uint32_t defined_idx = 0; defined_idx < num_defined; defined_idx++) {
        uint64_t type_idx = rd_uleb(&r);
        if (type_idx >= num_types)
            return corrupt(err, err_size);
        uint32_t func_idx = num_imports + defined_idx;
        inst->func_type_idx[func_idx] = (uint32_t)type_idx;
        vm->funcrefs[func_idx] = (wasmc_funcref){code->funcs[defined_idx], vm->type_ids[type_idx], vm};
    }

    /* Tables and memories (no imported ones: see above). */
    uint32_t num_tables = rd_count(&r);
    vm->tables = alloc_array(num_tables, sizeof(wasmc_table *));
    for (uint32_t t = 0; t < num_tables && !r.failed; t++) {
        rd_u8(&r);
        limits l = rd_limits(&r);
        uint64_t max = l.has_max ? l.max : UINT32_MAX;
        vm->tables[t] = l.min <= UINT32_MAX && max <= UINT32_MAX ? wasmc_table_new((uint32_t)l.min, (uint32_t)max)
                                                                 : NULL;
        if (vm->tables[t] == NULL)
            return fail(err, err_size, "cannot allocate table %u of %llu elements", t,
                        (unsigned long long)l.min);
    }
    uint32_t num_memories = rd_count(&r);
    vm->memories = alloc_array(num_memories, sizeof(wasmc_memory *));
    for (uint32_t m = 0; m < num_memories && !r.failed; m++) {
        limits l = rd_limits(&r);
        uint64_t max = l.has_max ? l.max : MAX_PAGES;
        vm->memories[m] = l.min <= MAX_PAGES && max <= MAX_PAGES
                              ? wasmc_memory_new((uint32_t)l.min, (uint32_t)max) : NULL;
        if (vm->memories[m] == NULL)
            return fail(err, err_size, "cannot reserve memory %u", m);
    }
    vm->mem0_base = num_memories ? vm->memories[0]->base : NULL;

    /* Globals: 16-byte cells, evaluated in order (an initializer may read an earlier global). */
    uint32_t num_globals = rd_count(&r);
    uint64_t(*cells)[2] = alloc_array(num_globals, sizeof *cells);
    vm->globals = alloc_array(num_globals, sizeof(void *));
    for (uint32_t g = 0; g < num_globals && !r.failed; g++) {
        rd_u8(&r);
        rd_u8(&r);
        vm->globals[g] = cells[g];
        cells[g][0] = eval_expr(&r, vm, g, num_funcs);
    }

    inst->num_exports = rd_count(&r);
    inst->exports = alloc_array(inst->num_exports, sizeof(wasmc_export));
    for (uint32_t e = 0; e < inst->num_exports && !r.failed; e++) {
        inst->exports[e].name = rd_str(&r);
        inst->exports[e].kind = rd_u8(&r);
        inst->exports[e].index = (uint32_t)rd_uleb(&r);
    }
    uint64_t start = rd_uleb(&r);
    if (r.failed || start > num_funcs)
        return corrupt(err, err_size);

    /* Element segments: items evaluated now; active ones remember their offset for later. */
    uint32_t num_elems = rd_count(&r);
    vm->elems = alloc_array(num_elems, sizeof(wasmc_segment));
    uint8_t *elem_modes = alloc_array(num_elems, 1);
    uint32_t *elem_tables = alloc_array(num_elems, sizeof(uint32_t));
    uint64_t *elem_offsets = alloc_array(num_elems, sizeof(uint64_t));
    for (uint32_t s = 0; s < num_elems && !r.failed; s++) {
        elem_modes[s] = rd_u8(&r);
        rd_u8(&r);
        elem_tables[s] = (uint32_t)rd_uleb(&r);
        if (elem_modes[s] == MODE_ACTIVE)
            elem_offsets[s] = eval_expr(&r, vm, num_globals, num_funcs);
        uint32_t n = rd_count(&r);
        void **items = alloc_array(n, sizeof(void *));
        for (uint32_t k = 0; k < n && !r.failed; k++)
            items[k] = (void *)(uintptr_t)eval_expr(&r, vm, num_globals, num_funcs);
        vm->elems[s] = (wasmc_segment){items, n};
    }

    /* Data segments point into the image; active ones are copied below. */
    uint32_t num_datas = rd_count(&r);
    vm->datas = alloc_array(num_datas, sizeof(wasmc_segment));
    active_data *actives = alloc_array(num_datas, sizeof *actives);
    uint32_t num_actives = 0;
    for (uint32_t s = 0; s < num_datas && !r.failed; s++) {
        uint8_t mode = rd_u8(&r);
        uint32_t mem_idx = (uint32_t)rd_uleb(&r);
        if (mode == MODE_ACTIVE)
            actives[num_actives++] = (active_data){s, mem_idx, eval_expr(&r, vm, num_globals, num_funcs)};
        uint64_t len = rd_uleb(&r);
        vm->datas[s] = (wasmc_segment){rd_bytes(&r, len), len};
    }
    if (r.failed || r.p != r.end)
        return corrupt(err, err_size);
    *out = inst;

    /* Apply active segments in order: elements first, then data. A segment out of bounds stops
     * instantiation; earlier writes stay, as the spec says. */
    for (uint32_t s = 0; s < num_elems; s++) {
        if (elem_modes[s] == MODE_ACTIVE) {
            if (elem_tables[s] >= num_tables)
                return corrupt(err, err_size);
            wasmc_table *table = vm->tables[elem_tables[s]];
            if ((uint32_t)elem_offsets[s] + vm->elems[s].len > table->size)
                return WASMC_TRAP_TABLE_OOB;
            memcpy(table->elems + (uint32_t)elem_offsets[s], vm->elems[s].ptr,
                   vm->elems[s].len * sizeof(void *));
        }
        if (elem_modes[s] != MODE_PASSIVE)
            vm->elems[s].len = 0;
    }
    for (uint32_t a = 0; a < num_actives; a++) {
        if (actives[a].mem_idx >= num_memories)
            return corrupt(err, err_size);
        wasmc_memory *mem = vm->memories[actives[a].mem_idx];
        wasmc_segment *seg = &vm->datas[actives[a].seg_idx];
        uint64_t offset = (uint32_t)actives[a].offset;
        if (offset + seg->len > mem->size)
            return WASMC_TRAP_MEMORY_OOB;
        memcpy(mem->base + offset, seg->ptr, seg->len);
        seg->len = 0;
    }
    free(types);
    free(elem_modes);
    free(elem_tables);
    free(elem_offsets);
    free(actives);

    if (start != 0) {
        uint64_t slot = 0;
        return wasmc_instance_call(inst, (uint32_t)(start - 1), &slot, stack_size);
    }
    return 0;
}

const wasmc_export *wasmc_instance_export(const wasmc_instance *inst, const char *name)
{
    for (uint32_t e = 0; e < inst->num_exports; e++) {
        if (strcmp(inst->exports[e].name, name) == 0)
            return &inst->exports[e];
    }
    return NULL;
}

int wasmc_instance_call(wasmc_instance *inst, uint32_t func_idx, uint64_t *args_results, size_t stack_size)
{
    const wasmc_funcref *rec = &inst->vm.funcrefs[func_idx];
    wasmc_entry_fn entry = inst->code->entries[inst->func_type_idx[func_idx]];
    return wasmc_invoke(entry, rec->vmctx, rec->fn, args_results, stack_size);
}
