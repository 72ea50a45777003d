/* memory.c: linear memories (reservation, guard pages, grow) and the bulk memory operators. Turning a
 * guard-page fault into a trap is trap.c's job; this file only registers each reservation there. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rt_internal.h"

/* The most pages a memory can hold: its reservation (a 32-bit memory's maximum, 65536, is below it). */
#define RESERVATION_PAGES (WASMC_MEMORY_RESERVATION / WASMC_PAGE_SIZE)

/* The public struct first, so a wasmc_memory* is also a memory_impl*. */
typedef struct memory_impl {
    wasmc_memory pub;
    int range_slot;
    int huge;          /* the reservation was advised for transparent huge pages */
} memory_impl;

/* From this size on, a memory asks for transparent huge pages: a program touching tens of MiB then
 * takes one page fault per 2 MiB instead of per 4 KiB (a memory-bound stencil spent a quarter of its
 * time in faults), and fewer TLB misses. Small memories (most tests) keep 4 KiB pages, so touching
 * one byte never commits 2 MiB. */
#define HUGE_PAGES_FROM (16u << 20)

static void advise_huge_pages(memory_impl *mem)
{
#ifdef MADV_HUGEPAGE
    if (!mem->huge && mem->pub.size >= HUGE_PAGES_FROM) {
        madvise(mem->pub.base, WASMC_MEMORY_RESERVATION, MADV_HUGEPAGE);   /* advice only: errors ignored */
        mem->huge = 1;
    }
#else
    (void)mem;
#endif
}

/* Reservations come from a region of their own, above where the kernel places ordinary mappings
 * (top-down from below the stack) and below it on a 47-bit address space. Interleaved with other
 * mappings, 8 GiB holes push the JIT's code and data sections of one object more than 2 GiB apart, and
 * its 32-bit PC-relative references between them no longer fit. */
#define REGION_START (16ULL << 40)
#define REGION_END (64ULL << 40)
static _Atomic uint64_t next_hint = REGION_START;

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void *reserve(void)
{
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    for (int attempt = 0; attempt < 64; attempt++) {
        uint64_t hint = atomic_fetch_add(&next_hint, WASMC_MEMORY_RESERVATION);
        if (hint + WASMC_MEMORY_RESERVATION > REGION_END) {
            /* Wrap around: freed reservations leave room at the start again. */
            uint64_t expected = hint + WASMC_MEMORY_RESERVATION;
            atomic_compare_exchange_strong(&next_hint, &expected, REGION_START);
            continue;
        }
        void *base = mmap((void *)(uintptr_t)hint, WASMC_MEMORY_RESERVATION, PROT_NONE,
                          flags | MAP_FIXED_NOREPLACE, -1, 0);
        if (base == (void *)(uintptr_t)hint)
            return base;
        if (base != MAP_FAILED) {             /* an old kernel took the flag as a mere hint */
            munmap(base, WASMC_MEMORY_RESERVATION);
            continue;
        }
        if (errno != EEXIST)
            break;                            /* e.g. a smaller address space: use any address */
    }
    return mmap(NULL, WASMC_MEMORY_RESERVATION, PROT_NONE, flags, -1, 0);
}

/* The most bytes a memory may hold, set by the host (wasmtime's -W max-memory-size): memory.grow beyond
 * it fails as past the declared maximum, and a memory cannot start above it. Process-wide: an executable
 * has one instance and `wasmc run --invoke` one module; the API's memories keep the default, no limit. */
static _Atomic uint64_t memory_limit = UINT64_MAX;

void wasmc_set_memory_limit(uint64_t bytes)
{
    atomic_store(&memory_limit, bytes);
}

wasmc_memory *wasmc_memory_new(uint64_t min_pages, uint64_t max_pages)
{
    if (max_pages > RESERVATION_PAGES)
        max_pages = RESERVATION_PAGES;
    if (min_pages > max_pages || min_pages * WASMC_PAGE_SIZE > atomic_load(&memory_limit))
        return NULL;
    memory_impl *mem = calloc(1, sizeof *mem);
    if (mem == NULL)
        return NULL;
    /* Address space only: PROT_NONE with MAP_NORESERVE commits nothing, and the pages made accessible
     * later read as zero because they were never touched. */
    void *base = reserve();
    if (base == MAP_FAILED) {
        free(mem);
        return NULL;
    }
    uint64_t size = min_pages * WASMC_PAGE_SIZE;
    if (size != 0 && mprotect(base, size, PROT_READ | PROT_WRITE) != 0)
        goto fail;
    mem->range_slot = rt_range_add((uintptr_t)base, (uintptr_t)base + WASMC_MEMORY_RESERVATION,
                                   WASMC_TRAP_MEMORY_OOB);
    if (mem->range_slot < 0)
        goto fail;
    mem->pub.base = base;
    mem->pub.size = size;
    mem->pub.max_pages = max_pages;
    advise_huge_pages(mem);
    return &mem->pub;

fail:
    munmap(base, WASMC_MEMORY_RESERVATION);
    free(mem);
    return NULL;
}

void wasmc_memory_free(wasmc_memory *pub)
{
    if (pub == NULL)
        return;
    memory_impl *mem = (memory_impl *)pub;
    /* Unregister first: once unmapped, the addresses may be handed to someone else. */
    rt_range_remove(mem->range_slot);
    munmap(pub->base, WASMC_MEMORY_RESERVATION);
    free(mem);
}

uint64_t wasmc_memory_grow_raw(wasmc_memory *mem, uint64_t delta_pages)
{
    uint64_t old_pages = mem->size / WASMC_PAGE_SIZE;
    /* max_pages is at most the reservation's, so the comparison also keeps new_pages from wrapping. */
    if (delta_pages > mem->max_pages - old_pages ||
        (old_pages + delta_pages) * WASMC_PAGE_SIZE > atomic_load(&memory_limit))
        return UINT64_MAX;
    uint64_t new_pages = old_pages + delta_pages;
    if (delta_pages != 0 &&
        mprotect(mem->base + mem->size, delta_pages * WASMC_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0)
        return UINT64_MAX;   /* out of memory: memory.grow reports failure, it does not trap */
    mem->size = new_pages * WASMC_PAGE_SIZE;
    advise_huge_pages((memory_impl *)mem);
    return old_pages;
}

/* A 32-bit memory has at most 65536 pages, so its old size fits and UINT64_MAX becomes UINT32_MAX. */
uint32_t wasmc_memory_grow(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t delta_pages)
{
    return (uint32_t)wasmc_memory_grow_raw(vmctx->memories[mem_idx], delta_pages);
}

uint64_t wasmc_memory_grow64(wasmc_vmctx *vmctx, uint32_t mem_idx, uint64_t delta_pages)
{
    return wasmc_memory_grow_raw(vmctx->memories[mem_idx], delta_pages);
}

/* offset + n > size without computing offset + n, which may wrap for 64-bit operands; an empty access
 * exactly at the end is in bounds (the spec allows n == 0 at offset == size). */
static int out_of_bounds(uint64_t offset, uint64_t n, uint64_t size)
{
    return offset > size || n > size - offset;
}

/* The 32-bit operators are the 64-bit ones with zero-extended operands. */
void wasmc_memory_copy(wasmc_vmctx *vmctx, uint32_t dst_mem, uint32_t src_mem,
                       uint32_t dst, uint32_t src, uint32_t n)
{
    wasmc_memory_copy64(vmctx, dst_mem, src_mem, dst, src, n);
}

void wasmc_memory_fill(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t dst, uint32_t value, uint32_t n)
{
    wasmc_memory_fill64(vmctx, mem_idx, dst, value, n);
}

void wasmc_memory_init(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t data_idx,
                       uint32_t dst, uint32_t src, uint32_t n)
{
    wasmc_memory_init64(vmctx, mem_idx, data_idx, dst, src, n);
}

void wasmc_memory_copy64(wasmc_vmctx *vmctx, uint32_t dst_mem, uint32_t src_mem,
                         uint64_t dst, uint64_t src, uint64_t n)
{
    wasmc_memory *d = vmctx->memories[dst_mem];
    wasmc_memory *s = vmctx->memories[src_mem];
    if (out_of_bounds(dst, n, d->size) || out_of_bounds(src, n, s->size))
        wasmc_trap(vmctx, WASMC_TRAP_MEMORY_OOB);
    memmove(d->base + dst, s->base + src, n);   /* the spec defines overlapping copies like memmove */
}

void wasmc_memory_fill64(wasmc_vmctx *vmctx, uint32_t mem_idx, uint64_t dst, uint32_t value, uint64_t n)
{
    wasmc_memory *mem = vmctx->memories[mem_idx];
    if (out_of_bounds(dst, n, mem->size))
        wasmc_trap(vmctx, WASMC_TRAP_MEMORY_OOB);
    memset(mem->base + dst, (int)(value & 0xff), n);
}

void wasmc_memory_init64(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t data_idx,
                         uint64_t dst, uint32_t src, uint32_t n)
{
    wasmc_memory *mem = vmctx->memories[mem_idx];
    const wasmc_segment *seg = &vmctx->datas[data_idx];
    /* A dropped segment has len 0, so only an empty init at 0 succeeds, as the spec requires. */
    if (out_of_bounds(src, n, seg->len) || out_of_bounds(dst, n, mem->size))
        wasmc_trap(vmctx, WASMC_TRAP_MEMORY_OOB);
    if (n != 0)
        memcpy(mem->base + dst, (const uint8_t *)seg->ptr + src, n);
}

void wasmc_data_drop(wasmc_vmctx *vmctx, uint32_t data_idx)
{
    vmctx->datas[data_idx].len = 0;
}
