/* SPDX-License-Identifier: MIT */
/*
 * alloc.h — every allocation the library makes goes through these, so that
 * one place can account for them (and a test build can make the N-th one
 * fail to prove every error path).
 */
#ifndef HDTW_ALLOC_H
#define HDTW_ALLOC_H

#include <stddef.h>

/* malloc / calloc; NULL on failure (bytes = 0 gives a unique pointer) */
void *hdtw_malloc(size_t bytes);
void *hdtw_calloc(size_t count, size_t size);
/* bytes aligned to `alignment` (a power of two, multiple of sizeof(void*)),
 * released with hdtw_free; NULL on failure */
void *hdtw_malloc_aligned(size_t alignment, size_t bytes);
void hdtw_free(void *p);

/* A work area a context keeps from call to call (hdtw_call.scratch): a
 * call that needs O(input) working memory borrows it instead of mapping
 * fresh pages each time, which costs page faults on every call. One call
 * at a time borrows it, from the calling thread (a context serves one
 * thread at a time); OpenMP threads inside the call share what it took. */
typedef struct {
    void *base;   /* HDTW_SCRATCH_ALIGN-aligned, or NULL */
    size_t bytes; /* what base holds */
    void *grown;  /* lent now: a larger block than base, which may replace
                     it when it comes back; else NULL */
    int lent;     /* 1 between hdtw_scratch_take and hdtw_scratch_give */
} hdtw_scratch;

enum {
    HDTW_SCRATCH_ALIGN = 64,            /* a cache line, an AVX-512 vector */
    HDTW_SCRATCH_KEEP_MAX = 64 << 20    /* larger areas are not kept */
};

/* At least `bytes` bytes, HDTW_SCRATCH_ALIGN-aligned: s's area when it is
 * large enough and not lent, else a fresh allocation (s NULL: always).
 * The contents are unspecified. NULL on failure, s left as it was. */
void *hdtw_scratch_take(hdtw_scratch *s, size_t bytes);
/* Returns what hdtw_scratch_take gave. `keep` (the call succeeded): a
 * fresh block of at most HDTW_SCRATCH_KEEP_MAX bytes becomes s's area,
 * the old one freed; otherwise a fresh block is freed, so that a failed
 * call leaves the context's memory as it found it. */
void hdtw_scratch_give(hdtw_scratch *s, void *p, size_t bytes, int keep);
/* Frees s's area (hdtw_destroy). */
void hdtw_scratch_release(hdtw_scratch *s);

#ifdef HDTW_ALLOC_HOOKS
/* Test builds only (cmake -DHDTW_ALLOC_HOOKS=ON; never in a release):
 * after n more successful allocations, every allocation fails until the
 * next call; n < 0 turns failures off. Also resets hdtw_alloc_count. */
void hdtw_alloc_fail_after(long n);
/* Allocations attempted since the last hdtw_alloc_fail_after. */
long hdtw_alloc_count(void);
/* Blocks allocated and not yet freed, over the whole process: a call that
 * fails must leave it as it found it. */
long hdtw_alloc_live(void);
#endif

#endif
