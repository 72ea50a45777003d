/* table.c: tables of references (creation, growth) and the bulk table operators. What the references
 * point to (wasmc_funcref, host handles) is the host's and the generated code's business. */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* The host's limit on table size: the spec lets an implementation refuse growth, and a table.grow of
 * 0xFFFFFFFF null entries must fail cleanly rather than allocate 32 GiB. */
#define TABLE_CAP 10000000u

wasmc_table *wasmc_table_new(uint32_t size, uint32_t max)
{
    if (size > max || size > TABLE_CAP)
        return NULL;
    wasmc_table *table = calloc(1, sizeof *table);
    if (table == NULL)
        return NULL;
    /* At least one slot, so that elems is never NULL and realloc never sees a zero size. */
    table->elems = calloc(size ? size : 1, sizeof(void *));
    if (table->elems == NULL) {
        free(table);
        return NULL;
    }
    table->size = size;
    table->max = max;
    return table;
}

void wasmc_table_free(wasmc_table *table)
{
    if (table == NULL)
        return;
    free(table->elems);
    free(table);
}

uint32_t wasmc_table_grow_raw(wasmc_table *table, void *init, uint32_t delta)
{
    uint32_t old_size = table->size;
    uint64_t new_size = (uint64_t)old_size + delta;
    if (new_size > table->max || new_size > TABLE_CAP)
        return UINT32_MAX;
    if (delta == 0)
        return old_size;
    void **elems = realloc(table->elems, new_size * sizeof(void *));
    if (elems == NULL)
        return UINT32_MAX;   /* table.grow reports failure, it does not trap */
    for (uint64_t i = old_size; i < new_size; i++)
        elems[i] = init;
    table->elems = elems;
    table->size = (uint32_t)new_size;
    return old_size;
}

uint32_t wasmc_table_grow(wasmc_vmctx *vmctx, uint32_t table_idx, void *init, uint32_t delta)
{
    return wasmc_table_grow_raw(vmctx->tables[table_idx], init, delta);
}

/* 64-bit arithmetic so offset + n cannot wrap; n == 0 exactly at the end is in bounds. */
static int out_of_bounds(uint32_t offset, uint32_t n, uint64_t size)
{
    return (uint64_t)offset + n > size;
}

void wasmc_table_fill(wasmc_vmctx *vmctx, uint32_t table_idx, uint32_t dst, void *value, uint32_t n)
{
    wasmc_table *table = vmctx->tables[table_idx];
    if (out_of_bounds(dst, n, table->size))
        wasmc_trap(vmctx, WASMC_TRAP_TABLE_OOB);
    for (uint32_t i = 0; i < n; i++)
        table->elems[dst + i] = value;
}

void wasmc_table_copy(wasmc_vmctx *vmctx, uint32_t dst_table, uint32_t src_table,
                      uint32_t dst, uint32_t src, uint32_t n)
{
    wasmc_table *d = vmctx->tables[dst_table];
    wasmc_table *s = vmctx->tables[src_table];
    if (out_of_bounds(dst, n, d->size) || out_of_bounds(src, n, s->size))
        wasmc_trap(vmctx, WASMC_TRAP_TABLE_OOB);
    if (n != 0)
        memmove(d->elems + dst, s->elems + src, (size_t)n * sizeof(void *));
}

void wasmc_table_init(wasmc_vmctx *vmctx, uint32_t table_idx, uint32_t elem_idx,
                      uint32_t dst, uint32_t src, uint32_t n)
{
    wasmc_table *table = vmctx->tables[table_idx];
    const wasmc_segment *seg = &vmctx->elems[elem_idx];
    /* A dropped segment has len 0, so only an empty init at 0 succeeds, as the spec requires. */
    if (out_of_bounds(src, n, seg->len) || out_of_bounds(dst, n, table->size))
        wasmc_trap(vmctx, WASMC_TRAP_TABLE_OOB);
    if (n != 0)
        memcpy(table->elems + dst, (void *const *)seg->ptr + src, (size_t)n * sizeof(void *));
}

void wasmc_elem_drop(wasmc_vmctx *vmctx, uint32_t elem_idx)
{
    vmctx->elems[elem_idx].len = 0;
}
