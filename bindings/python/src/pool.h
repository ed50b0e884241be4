/* SPDX-License-Identifier: MIT */
/*
 * pool.h — the per-interpreter pool of hdtw contexts.
 *
 * An hdtw_ctx is used by one thread at a time. Each call takes a context
 * from the pool (creating one when the pool is empty) while it holds the
 * GIL, runs with the GIL released, and gives the context back with the GIL
 * held again, so the pool itself needs no lock and two threads never share
 * a context. There is one pool per backend value, because a context keeps
 * its router and device state (OpenCL programs) for the backend it serves.
 */
#ifndef HDTW_PY_POOL_H
#define HDTW_PY_POOL_H

#include <Python.h>

#include <hdtw.h>

/* Idle contexts kept per backend; more concurrent calls create and destroy
 * extra contexts. */
#define POOL_IDLE_MAX 8

typedef struct {
    hdtw_ctx *idle[HDTW_BACKEND_COUNT][POOL_IDLE_MAX];
    int count[HDTW_BACKEND_COUNT];
} ctx_pool;

/* A context for `backend` with `threads` CPU threads, or NULL with a Python
 * exception set (ValueError when the backend is absent here). GIL held. */
hdtw_ctx *pool_acquire(ctx_pool *pool, hdtw_backend backend, int threads);

/* Gives ctx back (NULL is accepted). GIL held. */
void pool_release(ctx_pool *pool, hdtw_backend backend, hdtw_ctx *ctx);

/* Destroys every idle context (module teardown). */
void pool_clear(ctx_pool *pool);

#endif
