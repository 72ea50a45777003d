/* canon.h: canonical forms of function bodies, for the function-level code cache (wasmc/fcache/).
 *
 * A body's canonical form is its operators with every module-specific number replaced by a numbered
 * placeholder, followed at each use by the facts about the index that validation and code generation
 * depend on (a callee's type, a global's type, ...). Two bodies with equal canonical forms compile to
 * the same object code up to the placeholders' values, which linking supplies. The operator table
 * (immediate kinds, roles) and the module's facts come from Python: this file knows no opcode numbers.
 */
#ifndef WASMC_CANON_H
#define WASMC_CANON_H

#include <stddef.h>
#include <stdint.h>

/* Immediate kinds, as wasm/opcodes.py names them (Python maps names to these by "CANON_IMM_" + NAME). */
enum {
    CANON_IMM_NONE = 0, CANON_IMM_BLOCKTYPE, CANON_IMM_LABELIDX, CANON_IMM_FUNCIDX, CANON_IMM_TYPEIDX,
    CANON_IMM_TABLEIDX, CANON_IMM_LOCALIDX, CANON_IMM_GLOBALIDX, CANON_IMM_ELEMIDX, CANON_IMM_DATAIDX,
    CANON_IMM_BR_TABLE, CANON_IMM_MEMARG, CANON_IMM_MEMIDX, CANON_IMM_I32, CANON_IMM_I64, CANON_IMM_F32,
    CANON_IMM_F64, CANON_IMM_REFTYPE, CANON_IMM_VALTYPES, CANON_IMM_V128, CANON_IMM_LANEIDX,
    CANON_IMM_SHUFFLE, CANON_IMM_COUNT
};

/* What an operator's index immediate means for the cache. */
enum {
    CANON_ROLE_PLAIN = 0,       /* nothing module-specific beyond its facts */
    CANON_ROLE_CALL,            /* call: the callee is a placeholder */
    CANON_ROLE_REF_FUNC,        /* ref.func: the function's record is a placeholder */
    CANON_ROLE_CALL_INDIRECT,   /* call_indirect: the type's canonical id is a placeholder */
    CANON_ROLE_CONST            /* i32.const / i64.const: a placeholder unless kept literal (below) */
};

/* Placeholder kinds: what a placeholder's value is. An i64 constant below 2**32 has a kind of its own:
 * its code loads a 32-bit immediate, so it is a different form. */
enum {
    CANON_PH_FUNC = 1, CANON_PH_FUNCREF = 2, CANON_PH_TYPE = 3, CANON_PH_I32 = 4, CANON_PH_I64 = 5,
    CANON_PH_I64_U32 = 6
};

/* Outcomes of canon_module per function. */
enum { CANON_OK = 0, CANON_MALFORMED = 1, CANON_BAD_INDEX = 2 };

/* One operator's row: its immediates, its role, and flags: CANON_FLAG_KEEP_CONST if a constant right
 * before it stays literal (the optimizer needs its value: a divisor, a mask, a shift count, a compared
 * value); CANON_FLAG_EQUALITY with it for i64.eq/ne, whose constant is a placeholder after all when it
 * lies in [address_lo, address_hi) (taken for an address: canonical.py's ADDRESS_MIN); the others mark
 * the operators of Go's resume switch for canon_resumable. */
#define CANON_FLAG_KEEP_CONST 1
#define CANON_FLAG_EQUALITY 32
#define CANON_FLAG_RESUME_PREFIX 2    /* may precede the switch: global.get, local.set, block, loop */
#define CANON_FLAG_LOOP 4
#define CANON_FLAG_LOCAL_GET 8
#define CANON_FLAG_BR_TABLE 16
typedef struct canon_op {
    uint8_t kinds[2];
    uint8_t role;
    uint8_t flags;
    uint8_t defined;     /* 0: not an operator */
} canon_op;

/* The operator table: plain opcodes by byte, prefixed ones by prefix slot and sub-opcode. */
#define CANON_PREFIXES 2          /* 0xFC, 0xFD */
#define CANON_MAX_SUBOP 512
typedef struct canon_ops {
    canon_op plain[256];
    uint8_t prefix_byte[CANON_PREFIXES];
    canon_op prefixed[CANON_PREFIXES][CANON_MAX_SUBOP];
    uint8_t is_valtype[256];      /* bytes that are a value type in a blocktype */
} canon_ops;

/* Facts of the module's index spaces, each a byte string per index in `blob` at off[i], len[i]. */
typedef struct canon_facts {
    const uint8_t *blob;
    uint32_t num_funcs, num_types, num_tables, num_globals, num_elems;
    const uint32_t *func_off, *func_len;      /* a callee / ref.func target */
    const uint32_t *type_off, *type_len;      /* a type's structure */
    const uint32_t *table_off, *table_len;
    const uint32_t *global_off, *global_len;
    const uint32_t *elem_off, *elem_len;
    int64_t data_count;                       /* -1: no data count section */
    uint64_t const_min_i32, const_min_i64;    /* a constant of smaller magnitude stays literal */
    uint64_t address_lo, address_hi;          /* compared for equality, in here: a placeholder */
} canon_facts;

/* A growable byte buffer owned by C; canon_free releases it. */
typedef struct canon_buf {
    uint8_t *data;
    size_t len, cap;
} canon_buf;

/* Results for a whole module. Per function f: status[f]; its canonical bytes at bytes.data[bytes_off[f]]
 * (bytes_len[f]); its placeholders in number order, ph_kind/ph_value[ph_first[f] + i] for i below
 * ph_count[f]; and each constant that became a placeholder, as the body offset of its operator and the
 * placeholder's number, const_at/const_ph[const_first[f] + j] for j below const_count[f]. */
typedef struct canon_result {
    canon_buf bytes;
    uint8_t *status;
    size_t *bytes_off, *bytes_len;
    uint32_t *ph_first, *ph_count, *const_first, *const_count;
    canon_buf ph_kind, ph_value;               /* arrays of uint8_t, uint64_t */
    canon_buf const_at, const_ph;              /* arrays of uint32_t */
    uint32_t total_ph, total_consts;
} canon_result;

/* Canonicalize num_bodies function bodies (code[start[f]] up to code[end[f]]) into *out. Returns 0, or -1
 * if memory ran out. */
int canon_module(const uint8_t *code, size_t code_len, uint32_t num_bodies, const uint32_t *start,
                 const uint32_t *end, const canon_ops *ops, const canon_facts *facts, canon_result *out);
void canon_free(canon_result *out);

/* Whether a body opens with Go's resume switch (lower/resumable.py describes the shape): only
 * CANON_FLAG_RESUME_PREFIX operators, at least one of them a loop, then local.get 0 and br_table. */
int canon_resumable(const uint8_t *code, size_t start, size_t end, const canon_ops *ops);

#endif
