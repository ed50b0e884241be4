/* SPDX-License-Identifier: MIT */
/*
 * pool.c — see pool.h.
 */
#include "pool.h"

#include "errors.h"

hdtw_ctx *pool_acquire(ctx_pool *pool, hdtw_backend backend, int threads)
{
    hdtw_ctx *ctx = NULL;
    if (pool->count[backend] > 0) {
        ctx = pool->idle[backend][--pool->count[backend]];
    } else {
        hdtw_status s;
        Py_BEGIN_ALLOW_THREADS
        s = hdtw_create(&ctx);
        if (s == HDTW_OK && backend != HDTW_BACKEND_AUTO)
            s = hdtw_set_backend(ctx, backend);
        Py_END_ALLOW_THREADS
        if (s != HDTW_OK) {
            raise_context_status(s, backend);
            hdtw_destroy(ctx);
            return NULL;
        }
    }
    hdtw_set_threads(ctx, threads); /* threads >= 0 was checked: cannot fail */
    return ctx;
}

void pool_release(ctx_pool *pool, hdtw_backend backend, hdtw_ctx *ctx)
{
    if (!ctx)
        return;
    if (pool->count[backend] < POOL_IDLE_MAX)
        pool->idle[backend][pool->count[backend]++] = ctx;
    else
        hdtw_destroy(ctx);
}

void pool_clear(ctx_pool *pool)
{
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++) {
        while (pool->count[b] > 0)
            hdtw_destroy(pool->idle[b][--pool->count[b]]);
    }
}
