/* image.c: reading the instance image (format in image.h) into arrays for instance.c, and the grants at
 * its front for the AOT main. Everything is checked against the image's end: a corrupt image is an
 * error, never a read out of bounds. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* ---- The cursor ---- */
uint8_t rd_u8(reader *r)
{
    if (r->p >= r->end) {
        r->failed = 1;
        return 0;
    }
    return *r->p++;
}

uint64_t rd_uleb(reader *r)
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

int64_t rd_sleb(reader *r)
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

const uint8_t *rd_bytes(reader *r, uint64_t n)
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

uint64_t rd_le(reader *r, unsigned n)
{
    const uint8_t *bytes = rd_bytes(r, n);
    uint64_t value = 0;
    for (unsigned i = 0; bytes && i < n; i++)
        value |= (uint64_t)bytes[i] << (8 * i);
    return value;
}

/* Counts size arrays; one larger than the bytes left cannot be right and would only make calloc fail. */
uint32_t rd_count(reader *r)
{
    uint64_t n = rd_uleb(r);
    if (n > (uint64_t)(r->end - r->p) || n > UINT32_MAX) {
        r->failed = 1;
        return 0;
    }
    return (uint32_t)n;
}

static char *rd_str(reader *r)
{
    uint64_t n = rd_uleb(r);
    const uint8_t *bytes = rd_bytes(r, n);
    return bytes ? strndup((const char *)bytes, n) : NULL;
}

static image_limits rd_limits(reader *r)
{
    image_limits l = {0};
    uint8_t flags = rd_u8(r);
    l.has_max = flags & 1;
    l.is64 = (flags >> 2) & 1;
    l.min = rd_uleb(r);
    if (l.has_max)
        l.max = rd_uleb(r);
    return l;
}

/* Skip one constant expression (up to and including its 0x0B); the evaluator in instance.c reads it. */
static const uint8_t *rd_expr(reader *r)
{
    const uint8_t *start = r->p;
    for (;;) {
        uint8_t op = rd_u8(r);
        if (r->failed || op == 0x0B)
            break;
        switch (op) {
        case 0x41: case 0x42: rd_sleb(r); break;                 /* i32/i64.const */
        case 0x43: rd_bytes(r, 4); break;                        /* f32.const */
        case 0x44: rd_bytes(r, 8); break;                        /* f64.const */
        case 0xFD:                                               /* v128.const: sub-opcode 12, 16 bytes */
            if (rd_uleb(r) != 12)
                r->failed = 1;
            rd_bytes(r, 16);
            break;
        case 0x23: case 0xD2: rd_uleb(r); break;                 /* global.get, ref.func */
        case 0xD0: rd_u8(r); break;                              /* ref.null */
        case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E: break;   /* add/sub/mul */
        default: r->failed = 1;
        }
    }
    return start;
}

/* Never NULL for an empty array: the vmctx arrays built from these stay valid pointers. */
static void *alloc_array(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* ---- Grants ---- */
static int open_image(const uint8_t *bytes, size_t size, reader *r)
{
    *r = (reader){bytes, bytes + size, 0};
    const uint8_t *magic = rd_bytes(r, 4);
    return magic != NULL && memcmp(magic, "WMCI", 4) == 0 && rd_u8(r) == WASMC_IMAGE_VERSION ? 0 : -1;
}

/* A vector of strings as one comma-separated string (what the network grant calls take), or NULL if it is
 * empty; sets r->failed if it cannot be read. */
static char *rd_list(reader *r)
{
    uint32_t n = rd_count(r);
    if (n == 0 || r->failed)
        return NULL;
    const uint8_t *start = r->p;
    size_t total = 0;
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        uint64_t len = rd_uleb(r);
        rd_bytes(r, len);
        total += (size_t)len + 1;
    }
    char *out = r->failed ? NULL : malloc(total);
    if (out == NULL) {
        r->failed = 1;
        return NULL;
    }
    reader again = {start, r->end, 0};
    char *p = out;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t len = rd_uleb(&again);
        memcpy(p, rd_bytes(&again, len), (size_t)len);
        p += len;
        *p++ = i + 1 < n ? ',' : '\0';
    }
    return out;
}

int image_read_grants(reader *r, wasmc_grants *g)
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
    g->tcplisten = rd_list(r);
    for (int k = 0; k < 3; k++)
        g->net[k] = rd_list(r);
    return r->failed || g->host_dirs == NULL || g->guest_dirs == NULL || g->env == NULL ? -1 : 0;
}

static void grants_free(wasmc_grants *g)
{
    for (uint32_t i = 0; i < g->num_dirs && g->host_dirs && g->guest_dirs; i++) {
        free(g->host_dirs[i]);
        free(g->guest_dirs[i]);
    }
    for (uint32_t i = 0; i < g->num_env && g->env; i++)
        free(g->env[i]);
    free(g->host_dirs);
    free(g->guest_dirs);
    free(g->env);
    free(g->tcplisten);
    for (int k = 0; k < 3; k++)
        free(g->net[k]);
}

int wasmc_image_grants(const wasmc_compiled *code, wasmc_grants *out, char *err, size_t err_size)
{
    reader r;
    if (open_image(code->image, code->image_size, &r) != 0) {
        snprintf(err, err_size, "the instance image is corrupt or of another wasmc version");
        return -1;
    }
    if (image_read_grants(&r, out) != 0) {
        snprintf(err, err_size, "the instance image is corrupt");
        return -1;
    }
    return 0;
}

/* ---- The whole image ---- */
static void read_types(reader *r, image *img)
{
    img->num_types = rd_count(r);
    img->type_start = alloc_array(img->num_types, sizeof *img->type_start);
    img->type_len = alloc_array(img->num_types, sizeof *img->type_len);
    if (img->type_start == NULL || img->type_len == NULL) {
        r->failed = 1;
        return;
    }
    for (uint32_t t = 0; t < img->num_types && !r->failed; t++) {
        img->type_start[t] = r->p;
        rd_bytes(r, rd_uleb(r));
        rd_bytes(r, rd_uleb(r));
        img->type_len[t] = (size_t)(r->p - img->type_start[t]);
    }
}

static void read_imports(reader *r, image *img)
{
    img->num_imports = rd_count(r);
    img->imports = alloc_array(img->num_imports, sizeof *img->imports);
    if (img->imports == NULL) {
        r->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < img->num_imports && !r->failed; i++) {
        image_import *imp = &img->imports[i];
        imp->module = rd_str(r);
        imp->name = rd_str(r);
        if (imp->module == NULL || imp->name == NULL)
            r->failed = 1;
        imp->kind = rd_u8(r);
        switch (imp->kind) {
        case KIND_FUNC:
            imp->type_idx = (uint32_t)rd_uleb(r);
            if (imp->type_idx >= img->num_types)
                r->failed = 1;
            break;
        case KIND_TABLE:
            imp->elem = rd_u8(r);
            imp->limits = rd_limits(r);
            break;
        case KIND_MEMORY:
            imp->limits = rd_limits(r);
            break;
        case KIND_GLOBAL:
            rd_u8(r);
            rd_u8(r);
            break;
        default:
            r->failed = 1;
        }
        if (!r->failed)
            img->num_imported[imp->kind]++;
    }
}

static void read_funcs(reader *r, image *img)
{
    img->num_funcs = rd_count(r);
    uint32_t num_imported = img->num_imported[KIND_FUNC];
    img->func_type_idx = alloc_array((size_t)num_imported + img->num_funcs, sizeof(uint32_t));
    if (img->func_type_idx == NULL) {
        r->failed = 1;
        return;
    }
    uint32_t func_idx = 0;
    for (uint32_t i = 0; i < img->num_imports; i++) {
        if (img->imports[i].kind == KIND_FUNC)
            img->func_type_idx[func_idx++] = img->imports[i].type_idx;
    }
    for (uint32_t defined_idx = 0; defined_idx < img->num_funcs && !r->failed; defined_idx++) {
        uint64_t type_idx = rd_uleb(r);
        if (type_idx >= img->num_types)
            r->failed = 1;
        img->func_type_idx[func_idx++] = (uint32_t)type_idx;
    }
}

static void read_segments(reader *r, image *img)
{
    img->num_elems = rd_count(r);
    img->elems = alloc_array(img->num_elems, sizeof *img->elems);
    for (uint32_t s = 0; img->elems != NULL && s < img->num_elems && !r->failed; s++) {
        image_elem *seg = &img->elems[s];
        seg->mode = rd_u8(r);
        rd_u8(r);
        seg->table_idx = (uint32_t)rd_uleb(r);
        if (seg->mode == MODE_ACTIVE)
            seg->offset = rd_expr(r);
        seg->form = rd_u8(r);
        seg->items = r->p;
        uint32_t n = rd_count(r);
        for (uint32_t k = 0; k < n && !r->failed; k++) {
            if (seg->form == ITEMS_FUNCIDX)
                rd_uleb(r);
            else
                rd_expr(r);
        }
    }
    img->num_datas = rd_count(r);
    img->datas = alloc_array(img->num_datas, sizeof *img->datas);
    for (uint32_t s = 0; img->datas != NULL && s < img->num_datas && !r->failed; s++) {
        image_data *seg = &img->datas[s];
        seg->mode = rd_u8(r);
        seg->mem_idx = (uint32_t)rd_uleb(r);
        if (seg->mode == MODE_ACTIVE)
            seg->offset = rd_expr(r);
        seg->len = rd_uleb(r);
        seg->bytes = rd_bytes(r, seg->len);
    }
    if (img->elems == NULL || img->datas == NULL)
        r->failed = 1;
}

int image_read(const uint8_t *bytes, size_t size, image *img)
{
    memset(img, 0, sizeof *img);
    reader r;
    wasmc_grants grants;   /* the AOT main has used them already */
    if (open_image(bytes, size, &r) != 0)
        return -1;
    int failed = image_read_grants(&r, &grants) != 0;
    grants_free(&grants);
    img->end = r.end;
    if (failed)
        return -1;
    read_types(&r, img);
    read_imports(&r, img);
    read_funcs(&r, img);

    img->num_tables = rd_count(&r);
    img->tables = alloc_array(img->num_tables, sizeof *img->tables);
    for (uint32_t t = 0; img->tables != NULL && t < img->num_tables && !r.failed; t++) {
        rd_u8(&r);
        img->tables[t] = rd_limits(&r);
    }
    img->num_memories = rd_count(&r);
    img->memories = alloc_array(img->num_memories, sizeof *img->memories);
    for (uint32_t m = 0; img->memories != NULL && m < img->num_memories && !r.failed; m++)
        img->memories[m] = rd_limits(&r);
    img->num_globals = rd_count(&r);
    img->globals = alloc_array(img->num_globals, sizeof *img->globals);
    for (uint32_t g = 0; img->globals != NULL && g < img->num_globals && !r.failed; g++) {
        rd_u8(&r);
        rd_u8(&r);
        img->globals[g].init = rd_expr(&r);
    }
    img->num_exports = rd_count(&r);
    img->exports = alloc_array(img->num_exports, sizeof *img->exports);
    for (uint32_t e = 0; img->exports != NULL && e < img->num_exports && !r.failed; e++) {
        img->exports[e].name = rd_str(&r);
        if (img->exports[e].name == NULL)
            r.failed = 1;
        img->exports[e].kind = rd_u8(&r);
        img->exports[e].index = (uint32_t)rd_uleb(&r);
    }
    uint64_t start = rd_uleb(&r);
    img->start = (uint32_t)start;
    if (start > (uint64_t)img->num_imported[KIND_FUNC] + img->num_funcs)
        r.failed = 1;
    read_segments(&r, img);
    if (r.failed || r.p != r.end || !img->tables || !img->memories || !img->globals || !img->exports) {
        image_free(img);
        return -1;
    }
    return 0;
}

void image_free(image *img)
{
    for (uint32_t i = 0; img->imports != NULL && i < img->num_imports; i++) {
        free(img->imports[i].module);
        free(img->imports[i].name);
    }
    for (uint32_t e = 0; img->exports != NULL && e < img->num_exports; e++)
        free(img->exports[e].name);
    free(img->type_start);
    free(img->type_len);
    free(img->imports);
    free(img->func_type_idx);
    free(img->tables);
    free(img->memories);
    free(img->globals);
    free(img->exports);
    free(img->elems);
    free(img->datas);
    memset(img, 0, sizeof *img);
}
