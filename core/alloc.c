/* SPDX-License-Identifier: MIT */
/*
 * alloc.c — the library's only calls to malloc and free. A test build
 * (HDTW_ALLOC_HOOKS) adds failure injection and a count of live blocks;
 * a normal build compiles the hooks away entirely.
 */
#include "core/alloc.h"

#include <stdlib.h>

#ifdef HDTW_ALLOC_HOOKS
#include <stdatomic.h>

/* Allocations left before they start failing; negative: never fail. Atomic
 * because the CPU backends may allocate from several threads at once. */
static _Atomic long allocations_left = -1;
static _Atomic long allocations_made;
static _Atomic long blocks_live;

void hdtw_alloc_fail_after(long n)
{
    atomic_store(&allocations_made, 0);
    atomic_store(&allocations_left, n);
}

long hdtw_alloc_count(void)
{
    return atomic_load(&allocations_made);
}

long hdtw_alloc_live(void)
{
    return atomic_load(&blocks_live);
}

/* 1 when this allocation must fail. Once the budget is spent every later
 * allocation fails too, until the next hdtw_alloc_fail_after. */
static int injected_failure(void)
{
    atomic_fetch_add(&allocations_made, 1);
    long left = atomic_load(&allocations_left);
    while (left > 0 &&
           !atomic_compare_exchange_weak(&allocations_left, &left, left - 1))
        ;
    return left == 0;
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add(&blocks_live, 1);
    return p;
}

static void uncounted(void *p)
{
    if (p)
        atomic_fetch_sub(&blocks_live, 1);
}
#else
static inline int injected_failure(void) { return 0; }
static inline void *counted(void *p) { return p; }
static inline void uncounted(void *p) { (void)p; }
#endif

void *hdtw_malloc(size_t bytes)
{
    if (injected_failure())
        return NULL;
    return counted(malloc(bytes ? bytes : 1));
}

void *hdtw_calloc(size_t count, size_t size)
{
    if (injected_failure())
        return NULL;
    return counted(calloc(count ? count : 1, size ? size : 1));
}

void *hdtw_malloc_aligned(size_t alignment, size_t bytes)
{
    void *p = NULL;
    if (injected_failure())
        return NULL;
    if (posix_memalign(&p, alignment, bytes ? bytes : 1) != 0)
        return NULL;
    return counted(p);
}

void hdtw_free(void *p)
{
    uncounted(p);
    free(p);
}

void *hdtw_scratch_take(hdtw_scratch *s, size_t bytes)
{
    if (s && !s->lent && s->base && s->bytes >= bytes) {
        s->lent = 1;
        return s->base;
    }
    void *p = hdtw_malloc_aligned(HDTW_SCRATCH_ALIGN, bytes);
    if (p && s && !s->lent) {
        s->lent = 1;
        s->grown = p;
    }
    return p;
}

void hdtw_scratch_give(hdtw_scratch *s, void *p, size_t bytes, int keep)
{
    if (s && p && p == s->base) {
        s->lent = 0;
    } else if (s && p && p == s->grown) {
        s->lent = 0;
        s->grown = NULL;
        if (keep && bytes <= HDTW_SCRATCH_KEEP_MAX) {
            hdtw_free(s->base);
            s->base = p;
            s->bytes = bytes;
        } else {
            hdtw_free(p);
        }
    } else {
        hdtw_free(p); /* a second take's block, or no scratch */
    }
}

void hdtw_scratch_release(hdtw_scratch *s)
{
    hdtw_free(s->base);
    *s = (hdtw_scratch){ 0 };
}
