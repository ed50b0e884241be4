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
