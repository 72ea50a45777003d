/* canon.c: canonical forms of function bodies (canon.h). One pass per body, bounds-checked: a body that
 * does not decode, or names an index the module lacks, gets a status instead of a form, and Python
 * compiles it the ordinary way (where the validator reports it). */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

typedef struct cursor {
    const uint8_t *p, *end;
    int failed;
} cursor;

static uint8_t rd_u8(cursor *c)
{
    if (c->p >= c->end) {
        c->failed = 1;
        return 0;
    }
    return *c->p++;
}

/* Unsigned LEB128 of at most max_bytes bytes; the bytes read stay where they are (copied raw). */
static uint64_t rd_uleb(cursor *c, int max_bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < max_bytes; i++) {
        uint8_t b = rd_u8(c);
        value |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80))
            return value;
    }
    c->failed = 1;
    return 0;
}

static int64_t rd_sleb(cursor *c, int max_bytes)
{
    uint64_t value = 0;
    int shift = 0;
    uint8_t b = 0;
    for (int i = 0; i < max_bytes; i++) {
        b = rd_u8(c);
        value |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                value |= ~(uint64_t)0 << shift;
            return (int64_t)value;
        }
    }
    c->failed = 1;
    return 0;
}

static void skip(cursor *c, size_t n)
{
    if ((size_t)(c->end - c->p) < n) {
        c->failed = 1;
        c->p = c->end;
    } else {
        c->p += n;
    }
}

static int buf_reserve(canon_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *data = realloc(b->data, cap);
    if (data == NULL)
        return -1;
    b->data = data;
    b->cap = cap;
    return 0;
}

static int put(canon_buf *b, const void *src, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return 0;
}

static int put_uleb(canon_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    int n = 0;
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        tmp[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    return put(b, tmp, (size_t)n);
}

/* The facts of index `idx` in one index space, length-prefixed; CANON_BAD_INDEX past its end. */
static int put_fact(canon_buf *b, const canon_facts *f, uint32_t count, const uint32_t *off,
                    const uint32_t *len, uint64_t idx)
{
    if (idx >= count)
        return CANON_BAD_INDEX;
    if (put_uleb(b, len[idx]) != 0 || put(b, f->blob + off[idx], len[idx]) != 0)
        return -1;
    return CANON_OK;
}

/* The placeholders of the body being canonicalized, numbered by first appearance of (kind, value). */
typedef struct ph_table {
    uint32_t n, cap;
    uint8_t *kind;
    uint64_t *value;
} ph_table;

static int ph_number(ph_table *t, uint8_t kind, uint64_t value, uint32_t *number)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->kind[i] == kind && t->value[i] == value) {
            *number = i;
            return 0;
        }
    }
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? 2 * t->cap : 16;
        uint8_t *k = realloc(t->kind, cap);
        if (k == NULL)
            return -1;
        t->kind = k;
        uint64_t *v = realloc(t->value, cap * sizeof *v);
        if (v == NULL)
            return -1;
        t->value = v;
        t->cap = cap;
    }
    t->kind[t->n] = kind;
    t->value[t->n] = value;
    *number = t->n++;
    return 0;
}

/* Write one use of a placeholder into the form; a new one is added to the result's rows, and a constant's
 * use is recorded by its operator's offset (the lowering finds it there). */
static int ph_use(canon_result *out, ph_table *t, canon_buf *b, uint8_t kind, uint64_t value, uint32_t at)
{
    uint32_t number, known = t->n;
    if (ph_number(t, kind, value, &number) != 0 || put_uleb(b, number) != 0)
        return -1;
    if (number == known) {
        if (put(&out->ph_kind, &kind, 1) != 0 || put(&out->ph_value, &value, 8) != 0)
            return -1;
        out->total_ph++;
    }
    if (kind == CANON_PH_I32 || kind == CANON_PH_I64 || kind == CANON_PH_I64_U32) {
        if (put(&out->const_at, &at, 4) != 0 || put(&out->const_ph, &number, 4) != 0)
            return -1;
        out->total_consts++;
    }
    return 0;
}

static const canon_op *op_at(const canon_ops *ops, cursor *c)
{
    uint8_t b = rd_u8(c);
    if (c->failed)
        return NULL;
    if (ops->plain[b].defined)
        return &ops->plain[b];
    for (int p = 0; p < CANON_PREFIXES; p++) {
        if (ops->prefix_byte[p] == b && b != 0) {
            uint64_t sub = rd_uleb(c, 5);
            if (c->failed || sub >= CANON_MAX_SUBOP || !ops->prefixed[p][sub].defined)
                return NULL;
            return &ops->prefixed[p][sub];
        }
    }
    return NULL;
}

/* Whether the operator after the one at c->p keeps constant `bits` literal (peeks without consuming). */
static int next_keeps_const(const canon_ops *ops, const cursor *c, const canon_facts *facts, uint64_t bits)
{
    cursor peek = *c;
    const canon_op *next = op_at(ops, &peek);
    if (next == NULL || !(next->flags & CANON_FLAG_KEEP_CONST))
        return 0;
    return !(next->flags & CANON_FLAG_EQUALITY) || bits < facts->address_lo || bits >= facts->address_hi;
}

/* One body. Returns CANON_OK, CANON_MALFORMED, CANON_BAD_INDEX, or -1 (out of memory). */
static int canon_body(const uint8_t *code, size_t body_start, size_t body_end, const canon_ops *ops,
                      const canon_facts *facts, canon_result *out, ph_table *phs)
{
    cursor c = {code + body_start, code + body_end, 0};
    canon_buf *b = &out->bytes;
    phs->n = 0;
    while (c.p < c.end) {
        const uint8_t *op_start = c.p;
        uint32_t at = (uint32_t)(op_start - code);
        const canon_op *op = op_at(ops, &c);
        if (op == NULL)
            return CANON_MALFORMED;
        if (put(b, op_start, (size_t)(c.p - op_start)) != 0)
            return -1;
        for (int k = 0; k < 2 && op->kinds[k] != CANON_IMM_NONE; k++) {
            const uint8_t *imm_start = c.p;
            int r = CANON_OK;
            switch (op->kinds[k]) {
            case CANON_IMM_BLOCKTYPE: {
                uint8_t first = c.p < c.end ? *c.p : 0;
                if (first == 0x40 || ops->is_valtype[first]) {
                    skip(&c, 1);
                    r = put(b, imm_start, 1);
                } else {
                    int64_t type_idx = rd_sleb(&c, 5);
                    if (c.failed || type_idx < 0)
                        return CANON_MALFORMED;
                    /* A type index names the structure, which is what matters: write that. */
                    r = put(b, "\xFD", 1) ? -1 : put_fact(b, facts, facts->num_types, facts->type_off,
                                                          facts->type_len, (uint64_t)type_idx);
                }
                break;
            }
            case CANON_IMM_FUNCIDX: {
                uint64_t func_idx = rd_uleb(&c, 5);
                if (c.failed)
                    return CANON_MALFORMED;
                uint8_t kind = op->role == CANON_ROLE_CALL ? CANON_PH_FUNC : CANON_PH_FUNCREF;
                r = put_fact(b, facts, facts->num_funcs, facts->func_off, facts->func_len, func_idx);
                if (r == CANON_OK)
                    r = ph_use(out, phs, b, kind, func_idx, at);     /* always a placeholder here */
                break;
            }
            case CANON_IMM_TYPEIDX: {
                uint64_t type_idx = rd_uleb(&c, 5);
                if (c.failed)
                    return CANON_MALFORMED;
                r = put_fact(b, facts, facts->num_types, facts->type_off, facts->type_len, type_idx);
                if (r == CANON_OK && op->role == CANON_ROLE_CALL_INDIRECT)
                    r = ph_use(out, phs, b, CANON_PH_TYPE, type_idx, at);
                break;
            }
            case CANON_IMM_TABLEIDX: {
                uint64_t idx = rd_uleb(&c, 5);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                if (r == CANON_OK)
                    r = put_fact(b, facts, facts->num_tables, facts->table_off, facts->table_len, idx);
                break;
            }
            case CANON_IMM_GLOBALIDX: {
                uint64_t idx = rd_uleb(&c, 5);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                if (r == CANON_OK)
                    r = put_fact(b, facts, facts->num_globals, facts->global_off, facts->global_len, idx);
                break;
            }
            case CANON_IMM_ELEMIDX: {
                uint64_t idx = rd_uleb(&c, 5);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                if (r == CANON_OK)
                    r = put_fact(b, facts, facts->num_elems, facts->elem_off, facts->elem_len, idx);
                break;
            }
            case CANON_IMM_DATAIDX: {
                uint64_t idx = rd_uleb(&c, 5);
                if (c.failed)
                    return CANON_MALFORMED;
                if (facts->data_count < 0 || idx >= (uint64_t)facts->data_count)
                    return CANON_BAD_INDEX;
                r = put(b, imm_start, (size_t)(c.p - imm_start));
                break;
            }
            case CANON_IMM_LABELIDX: case CANON_IMM_LOCALIDX: case CANON_IMM_LANEIDX:
                if (op->kinds[k] == CANON_IMM_LANEIDX)
                    skip(&c, 1);
                else
                    rd_uleb(&c, 5);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                break;
            case CANON_IMM_BR_TABLE: {
                uint64_t n = rd_uleb(&c, 5);
                for (uint64_t i = 0; i <= n && !c.failed; i++)
                    rd_uleb(&c, 5);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                break;
            }
            case CANON_IMM_MEMARG:   /* align u32, offset u64 (memory64) */
                rd_uleb(&c, 5);
                rd_uleb(&c, 10);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                break;
            case CANON_IMM_MEMIDX: case CANON_IMM_REFTYPE:
                skip(&c, 1);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, 1);
                break;
            case CANON_IMM_I32: case CANON_IMM_I64: {
                int is64 = op->kinds[k] == CANON_IMM_I64;
                int64_t v = rd_sleb(&c, is64 ? 10 : 5);
                if (c.failed)
                    return CANON_MALFORMED;
                uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
                /* Tagged, so a literal's bytes can never read as a placeholder's number. */
                uint64_t bits = is64 ? (uint64_t)v : (uint32_t)v;
                if (op->role == CANON_ROLE_CONST && magnitude >= (is64 ? facts->const_min_i64 : facts->const_min_i32)
                    && !next_keeps_const(ops, &c, facts, bits)) {
                    uint8_t kind = !is64 ? CANON_PH_I32 : bits >> 32 ? CANON_PH_I64 : CANON_PH_I64_U32;
                    uint8_t tag[2] = {1, kind};
                    r = put(b, tag, 2) ? -1 : ph_use(out, phs, b, kind, bits, at);
                } else {
                    r = put(b, "\x00", 1) ? -1 : put(b, imm_start, (size_t)(c.p - imm_start));
                }
                break;
            }
            case CANON_IMM_F32:
                skip(&c, 4);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, 4);
                break;
            case CANON_IMM_F64:
                skip(&c, 8);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, 8);
                break;
            case CANON_IMM_V128: case CANON_IMM_SHUFFLE:
                skip(&c, 16);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, 16);
                break;
            case CANON_IMM_VALTYPES: {
                uint64_t n = rd_uleb(&c, 5);
                if (c.failed || n > (uint64_t)(c.end - c.p))
                    return CANON_MALFORMED;
                skip(&c, (size_t)n);
                r = c.failed ? CANON_MALFORMED : put(b, imm_start, (size_t)(c.p - imm_start));
                break;
            }
            default:
                return CANON_MALFORMED;
            }
            if (r != CANON_OK)
                return r;
        }
    }
    return CANON_OK;
}

int canon_module(const uint8_t *code, size_t code_len, uint32_t num_bodies, const uint32_t *start,
                 const uint32_t *end, const canon_ops *ops, const canon_facts *facts, canon_result *out)
{
    memset(out, 0, sizeof *out);
    size_t n = num_bodies ? num_bodies : 1;
    out->status = calloc(n, 1);
    out->bytes_off = calloc(n, sizeof(size_t));
    out->bytes_len = calloc(n, sizeof(size_t));
    out->ph_first = calloc(n, sizeof(uint32_t));
    out->ph_count = calloc(n, sizeof(uint32_t));
    out->const_first = calloc(n, sizeof(uint32_t));
    out->const_count = calloc(n, sizeof(uint32_t));
    if (!out->status || !out->bytes_off || !out->bytes_len || !out->ph_first || !out->ph_count
        || !out->const_first || !out->const_count)
        return -1;
    ph_table phs = {0};
    for (uint32_t f = 0; f < num_bodies; f++) {
        size_t before_bytes = out->bytes.len;
        uint32_t before_ph = out->total_ph, before_consts = out->total_consts;
        int r = start[f] <= end[f] && end[f] <= code_len
                    ? canon_body(code, start[f], end[f], ops, facts, out, &phs) : CANON_MALFORMED;
        if (r < 0) {
            free(phs.kind);
            free(phs.value);
            return -1;
        }
        if (r != CANON_OK) {        /* no form: drop what was written for it */
            out->bytes.len = before_bytes;
            out->ph_kind.len = before_ph;
            out->ph_value.len = (size_t)before_ph * 8;
            out->total_ph = before_ph;
            out->const_at.len = out->const_ph.len = (size_t)before_consts * 4;
            out->total_consts = before_consts;
        }
        out->status[f] = (uint8_t)r;
        out->bytes_off[f] = before_bytes;
        out->bytes_len[f] = out->bytes.len - before_bytes;
        out->ph_first[f] = before_ph;
        out->ph_count[f] = out->total_ph - before_ph;
        out->const_first[f] = before_consts;
        out->const_count[f] = out->total_consts - before_consts;
    }
    free(phs.kind);
    free(phs.value);
    return 0;
}

void canon_free(canon_result *out)
{
    free(out->bytes.data);
    free(out->status);
    free(out->bytes_off);
    free(out->bytes_len);
    free(out->ph_first);
    free(out->ph_count);
    free(out->const_first);
    free(out->const_count);
    free(out->ph_kind.data);
    free(out->ph_value.data);
    free(out->const_at.data);
    free(out->const_ph.data);
    memset(out, 0, sizeof *out);
}

int canon_resumable(const uint8_t *code, size_t start, size_t end, const canon_ops *ops)
{
    cursor c = {code + start, code + end, 0};
    int loops = 0;
    while (c.p < c.end) {
        const canon_op *op = op_at(ops, &c);
        if (op == NULL)
            return 0;
        if (op->flags & CANON_FLAG_LOCAL_GET) {
            uint64_t local = rd_uleb(&c, 5);
            if (c.failed || local != 0 || !loops)
                return 0;
            const canon_op *next = op_at(ops, &c);
            return next != NULL && (next->flags & CANON_FLAG_BR_TABLE);
        }
        if (!(op->flags & CANON_FLAG_RESUME_PREFIX))
            return 0;
        loops += (op->flags & CANON_FLAG_LOOP) != 0;
        /* The prefix operators' immediates: a global or local index, or a blocktype. */
        if (op->kinds[0] == CANON_IMM_BLOCKTYPE) {
            uint8_t first = c.p < c.end ? *c.p : 0;
            if (first == 0x40 || ops->is_valtype[first])
                skip(&c, 1);
            else
                rd_sleb(&c, 5);
        } else if (op->kinds[0] != CANON_IMM_NONE) {
            rd_uleb(&c, 5);
        }
        if (c.failed)
            return 0;
    }
    return 0;
}
