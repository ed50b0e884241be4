/* SPDX-License-Identifier: MIT */
/*
 * progress.c — jobs in pieces, with the progress callback between them.
 *
 * A piece is a run of consecutive windows of one job, routed like any job,
 * so every window's bits are the ones the whole job would give. Its size
 * adapts: the first piece holds FIRST_PIECE_CELLS cells, each next one as
 * many as the measured rate of the last does in PIECE_SECONDS (growing at
 * most GROWTH-fold a piece, so a slow start cannot make one piece run for
 * seconds; never below FIRST_PIECE_CELLS, a few ms on any backend). The callback is called between pieces when REPORT_SECONDS have
 * passed since the last call, so cheap pieces do not flood it.
 */
#define _POSIX_C_SOURCE 200809L

#include "core/progress.h"

#include "core/alloc.h"
#include "cpu/cell.h"

#include <string.h>
#include <time.h>

#define PIECE_SECONDS 0.03
#define REPORT_SECONDS 0.01
#define FIRST_PIECE_CELLS 1048576.0
#define GROWTH 8.0

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Calls the callback; HDTW_E_CANCELLED when it returns non-zero. */
static hdtw_status report(hdtw_progress *pr)
{
    int stop = pr->ctx->progress(pr->ctx->progress_user, pr->done, pr->total);
    pr->last_report = now_seconds();
    return stop ? HDTW_E_CANCELLED : HDTW_OK;
}

hdtw_status hdtw_progress_begin(hdtw_progress *pr, hdtw_ctx *ctx,
                                size_t total)
{
    *pr = (hdtw_progress){ .ctx = ctx, .total = total,
                           .piece_cells = FIRST_PIECE_CELLS };
    return ctx->progress ? report(pr) : HDTW_OK;
}

hdtw_status hdtw_progress_tick(hdtw_progress *pr, size_t done)
{
    pr->done = done;
    if (!pr->ctx->progress || now_seconds() - pr->last_report < REPORT_SECONDS)
        return HDTW_OK;
    return report(pr);
}

hdtw_status hdtw_progress_end(hdtw_progress *pr)
{
    pr->done = pr->total;
    return pr->ctx->progress ? report(pr) : HDTW_OK;
}

/* Cells of one window of job (the router's count). */
static double window_cells(const hdtw_job *job)
{
    size_t longest = job->m > job->n ? job->m : job->n;
    if (job->band >= longest) /* no band: skip the loop */
        return (double)job->m * (double)job->n;
    return (double)hdtw_band_cells(job->m, job->n, job->band);
}

/* Windows that fit in pr->piece_cells (at least one). */
static size_t piece_windows(const hdtw_progress *pr, size_t count,
                            double per_window)
{
    double windows = pr->piece_cells / per_window;
    if (windows < 1.0)
        return 1;
    return windows < (double)count ? (size_t)windows : count;
}

/* Sizes the next piece from the rate of the one just run. */
static void adapt(hdtw_progress *pr, double cells, double seconds)
{
    double next = seconds > 0 ? cells / seconds * PIECE_SECONDS
                              : pr->piece_cells * GROWTH;
    if (next > pr->piece_cells * GROWTH)
        next = pr->piece_cells * GROWTH;
    /* never below the first piece: small calls then run whole, however
     * slow a first launch was (a device compiling its kernels), so the
     * pieces of a small call do not depend on timing */
    pr->piece_cells = next > FIRST_PIECE_CELLS ? next : FIRST_PIECE_CELLS;
}

hdtw_status hdtw_progress_route(hdtw_progress *pr, const hdtw_job *job,
                                double *out)
{
    if (!pr->ctx->progress) {
        pr->done += job->count;
        return hdtw_route(pr->ctx, job, out);
    }
    double per_window = window_cells(job);
    for (size_t first = 0; first < job->count;) {
        hdtw_job piece = *job;
        piece.series = job->series + first * job->stride;
        piece.count = piece_windows(pr, job->count - first, per_window);
        double start = now_seconds();
        hdtw_status s = hdtw_route(pr->ctx, &piece, out + first);
        if (s != HDTW_OK)
            return s;
        double end = now_seconds();
        adapt(pr, (double)piece.count * per_window, end - start);
        first += piece.count;
        if ((s = hdtw_progress_tick(pr, pr->done + piece.count)) != HDTW_OK)
            return s;
    }
    return HDTW_OK;
}

hdtw_status hdtw_route_reporting(hdtw_ctx *ctx, const hdtw_job *job,
                                 double *out)
{
    if (!ctx->progress)
        return hdtw_route(ctx, job, out);
    double *staged = hdtw_malloc(job->count * sizeof *staged);
    if (!staged)
        return HDTW_E_NOMEM;
    hdtw_progress pr;
    hdtw_status s = hdtw_progress_begin(&pr, ctx, job->count);
    if (s == HDTW_OK)
        s = hdtw_progress_route(&pr, job, staged);
    if (s == HDTW_OK)
        s = hdtw_progress_end(&pr);
    if (s == HDTW_OK)
        memcpy(out, staged, job->count * sizeof *staged);
    hdtw_free(staged);
    return s;
}
