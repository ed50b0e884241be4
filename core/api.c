/* SPDX-License-Identifier: MIT */
/*
 * api.c — the public entry points. Arguments are checked here, once, for
 * every backend: shapes first (HDTW_E_ARG), then the values the call will
 * read (HDTW_E_NONFINITE). Only a fully validated hdtw_job reaches the
 * router, and no output is written unless the whole call succeeds.
 */
#include "core/internal.h"

#include "cpu/cell.h"
#include "cpu/scalar.h"
#include "core/alloc.h"
#include "core/progress.h"
#include "core/threshold.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int hdtw_all_finite(const double *x, size_t n)
{
    return hdtw_values_finite(x, n);
}

/* The most doubles an array can hold. A longer pattern or span is a length
 * no caller's array can have: refused before anything is read. */
#define MAX_VALUES (SIZE_MAX / sizeof(double))

/* Fills job with the parameters and shape (count >= 1); HDTW_E_ARG when
 * m*n*count, the span the windows read or the bytes of count outputs would
 * overflow size_t, or the cost is unknown. */
static hdtw_status make_job(hdtw_ctx *ctx, const char *fn,
                            const hdtw_params *p, const double *pattern,
                            size_t m, const double *series, size_t n,
                            size_t count, size_t stride, hdtw_job *job)
{
    hdtw_params params = p ? *p : HDTW_PARAMS_DEFAULT;
    size_t cells, out_bytes, span;
    hdtw_status s = hdtw_check_params(ctx, fn, &params);
    if (s != HDTW_OK)
        return s;
    if (__builtin_mul_overflow(m, n, &cells) ||
        __builtin_mul_overflow(cells, count, &cells) ||
        __builtin_mul_overflow(count, sizeof(double), &out_bytes) ||
        __builtin_mul_overflow(count - 1, stride, &span) ||
        __builtin_add_overflow(span, n, &span) ||
        m > MAX_VALUES || span > MAX_VALUES)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "%s: shape too large for size_t (pattern %zu "
                         "values, %zu windows of %zu, stride %zu)",
                         fn, m, count, n, stride);
    *job = (hdtw_job){
        .cost = params.cost,
        .band = hdtw_effective_band(params.band, m, n),
        .pattern = pattern, .m = m,
        .series = series, .n = n, .count = count, .stride = stride,
        .max_dist = params.max_dist,
    };
    return HDTW_OK;
}

/* The span of series the job's windows read: (count - 1) * stride + n. */
static size_t job_span(const hdtw_job *job)
{
    return (job->count - 1) * job->stride + job->n;
}

/* Routes the windows of batch or sliding, reporting progress, then
 * applies the threshold to the exact results, so the threshold is the
 * same on every backend whatever a kernel abandoned (hdtw_distance does
 * the same without progress). */
static hdtw_status route_thresholded(hdtw_ctx *ctx, const hdtw_job *job,
                                     double *out)
{
    hdtw_status s = hdtw_route_reporting(ctx, job, out);
    if (s == HDTW_OK)
        hdtw_apply_max_dist(out, job->count, job->max_dist);
    return s;
}

static hdtw_status check_values(const hdtw_job *job)
{
    if (!hdtw_all_finite(job->pattern, job->m) ||
        !hdtw_all_finite(job->series, job_span(job)))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

/* check_values for many windows: where they cover their span (stride <=
 * n) the backend checks them (hdtw_job.series_unchecked), the SIMD ones
 * in the copy they make anyway, which saves a pass over memory. Not under
 * a progress callback: a refusal then comes before its first report. */
static hdtw_status check_windows(const hdtw_ctx *ctx, hdtw_job *job)
{
    if (job->stride > job->n || ctx->progress)
        return check_values(job);
    if (!hdtw_all_finite(job->pattern, job->m))
        return HDTW_E_NONFINITE;
    job->series_unchecked = 1;
    return HDTW_OK;
}

/* Pair checks shared by hdtw_distance and hdtw_align. */
static hdtw_status pair_job(hdtw_ctx *ctx, const char *fn,
                            const hdtw_params *p, const double *a, size_t m,
                            const double *b, size_t n, const void *out,
                            hdtw_job *job)
{
    if (!ctx)
        return HDTW_E_ARG;
    hdtw_status s = HDTW_CHECK_POINTERS(ctx, fn, { "a", a }, { "b", b },
                                        { "out", out });
    if (s == HDTW_OK)
        s = HDTW_CHECK_LENGTHS(ctx, fn, { "m", m }, { "n", n });
    if (s == HDTW_OK)
        s = make_job(ctx, fn, p, a, m, b, n, 1, n, job);
    return s != HDTW_OK ? s : check_values(job);
}

hdtw_status hdtw_distance(hdtw_ctx *ctx, const hdtw_params *p,
                          const double *a, size_t m, const double *b,
                          size_t n, double *distance)
{
    hdtw_job job;
    hdtw_status s =
        pair_job(ctx, "hdtw_distance", p, a, m, b, n, distance, &job);
    if (s == HDTW_OK)
        s = hdtw_route(ctx, &job, distance);
    if (s == HDTW_OK)
        hdtw_apply_max_dist(distance, 1, job.max_dist);
    return s;
}

hdtw_status hdtw_align(hdtw_ctx *ctx, const hdtw_params *p, const double *a,
                       size_t m, const double *b, size_t n,
                       hdtw_alignment *out)
{
    hdtw_params exact = p ? *p : HDTW_PARAMS_DEFAULT;
    exact.max_dist = 0.0; /* documented: align ignores the threshold */
    hdtw_job job;
    hdtw_status s =
        pair_job(ctx, "hdtw_align", &exact, a, m, b, n, out, &job);
    if (s != HDTW_OK)
        return s;
    s = hdtw_scalar_align(&job, out);
    if (s == HDTW_OK)
        ctx->last = HDTW_BACKEND_SCALAR;
    return s;
}

void hdtw_alignment_free(hdtw_alignment *al)
{
    if (!al)
        return;
    hdtw_free(al->path);
    al->path = NULL;
    al->path_len = 0;
}

hdtw_status hdtw_batch(hdtw_ctx *ctx, const hdtw_params *p,
                       const double *pattern, size_t m,
                       const double *windows, size_t count, size_t n,
                       double *out)
{
    static const char fn[] = "hdtw_batch";
    if (!ctx)
        return HDTW_E_ARG;
    hdtw_job job;
    hdtw_status s = HDTW_CHECK_POINTERS(ctx, fn, { "pattern", pattern },
                                        { "windows", windows }, { "out", out });
    if (s == HDTW_OK)
        s = HDTW_CHECK_LENGTHS(ctx, fn, { "m", m }, { "n", n },
                               { "count", count });
    if (s == HDTW_OK)
        s = make_job(ctx, fn, p, pattern, m, windows, n, count, n, &job);
    if (s == HDTW_OK)
        s = check_windows(ctx, &job);
    return s != HDTW_OK ? s : route_thresholded(ctx, &job, out);
}

size_t hdtw_cells(size_t m, size_t n, long band)
{
    size_t cells;
    if (m == 0 || n == 0)
        return 0;
    size_t w = hdtw_effective_band(band, m, n);
    if (w >= (m > n ? m : n) - 1) /* every cell: skip the row loop */
        return __builtin_mul_overflow(m, n, &cells) ? SIZE_MAX : cells;
    return hdtw_band_cells(m, n, w);
}

size_t hdtw_sliding_count(size_t len, size_t window, size_t stride)
{
    if (window == 0 || stride == 0 || window > len)
        return 0;
    return (len - window) / stride + 1;
}

/* hdtw_sliding's shape: HDTW_E_ARG naming what makes no window. */
static hdtw_status check_sliding(hdtw_ctx *ctx, const char *fn, size_t len,
                                 size_t window)
{
    if (window > len)
        return hdtw_fail(ctx, HDTW_E_ARG, "%s: window (%zu) > len (%zu)", fn,
                         window, len);
    return hdtw_check_doubles(ctx, fn, "len", len);
}

hdtw_status hdtw_sliding(hdtw_ctx *ctx, const hdtw_params *p,
                         const double *pattern, size_t m,
                         const double *series, size_t len, size_t window,
                         size_t stride, double *out)
{
    static const char fn[] = "hdtw_sliding";
    if (!ctx)
        return HDTW_E_ARG;
    size_t count = hdtw_sliding_count(len, window, stride);
    hdtw_job job;
    hdtw_status s = HDTW_CHECK_POINTERS(ctx, fn, { "pattern", pattern },
                                        { "series", series }, { "out", out });
    if (s == HDTW_OK)
        s = HDTW_CHECK_LENGTHS(ctx, fn, { "m", m }, { "len", len },
                               { "window", window }, { "stride", stride });
    if (s == HDTW_OK)
        s = check_sliding(ctx, fn, len, window);
    if (s == HDTW_OK)
        s = make_job(ctx, fn, p, pattern, m, series, window, count, stride,
                     &job);
    if (s == HDTW_OK)
        s = check_windows(ctx, &job);
    return s != HDTW_OK ? s : route_thresholded(ctx, &job, out);
}
