/*
 * router.c — picks the backend for a call and falls back when a device
 * fails. Routing never changes a result bit: every backend computes the
 * scalar reference's exact values.
 */
#include "dispatch/internal.h"

hdtw_backend hdtw_best_cpu_backend(const hdtw_ctx *ctx)
{
    if (ctx->run[HDTW_BACKEND_AVX512])
        return HDTW_BACKEND_AVX512;
    if (ctx->run[HDTW_BACKEND_AVX2])
        return HDTW_BACKEND_AVX2;
    return HDTW_BACKEND_SCALAR;
}

static hdtw_backend pick(const hdtw_ctx *ctx, const hdtw_job *job)
{
    (void)job;
    if (ctx->forced != HDTW_BACKEND_AUTO)
        return ctx->forced;
    return hdtw_best_cpu_backend(ctx);
}

hdtw_status hdtw_route(hdtw_ctx *ctx, const hdtw_job *job, double *out)
{
    hdtw_backend b = pick(ctx, job);
    hdtw_status s = ctx->run[b](ctx, job, out);
    if (s == HDTW_E_DEVICE) {
        /* a device failed and wrote nothing: the CPU completes the call */
        b = hdtw_best_cpu_backend(ctx);
        s = ctx->run[b](ctx, job, out);
    }
    if (s == HDTW_OK)
        ctx->last = b;
    return s;
}
