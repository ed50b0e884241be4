#include "dispatch/alloc.h"

#include <stdlib.h>

void *hdtw_malloc(size_t bytes)
{
    return malloc(bytes ? bytes : 1);
}

void *hdtw_calloc(size_t count, size_t size)
{
    return calloc(count ? count : 1, size ? size : 1);
}

void *hdtw_malloc_aligned(size_t alignment, size_t bytes)
{
    void *p = NULL;
    return posix_memalign(&p, alignment, bytes ? bytes : 1) == 0 ? p : NULL;
}

void hdtw_free(void *p)
{
    free(p);
}
