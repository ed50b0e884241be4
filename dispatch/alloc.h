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

#endif
