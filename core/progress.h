/* SPDX-License-Identifier: MIT */
/*
 * progress.h — running jobs in pieces so that a progress callback
 * (hdtw_set_progress) hears from the call at least every ~100 ms and can
 * cancel it. Without a callback a job runs whole, as hdtw_route runs it.
 */
#ifndef HDTW_PROGRESS_H
#define HDTW_PROGRESS_H

#include "core/internal.h"

#include <stddef.h>

/* The state of one reporting call. */
typedef struct {
    hdtw_ctx *ctx;
    size_t done, total;  /* in the call's unit: one per window or pair */
    double last_report;  /* monotonic seconds of the last callback */
    double piece_cells;  /* cells a piece should hold to last PIECE_SECONDS */
} hdtw_progress;

/* Starts a call of `total` units: reports done = 0 when ctx has a callback.
 * HDTW_E_CANCELLED if the callback asks to stop. */
hdtw_status hdtw_progress_begin(hdtw_progress *pr, hdtw_ctx *ctx,
                                size_t total);

/* Routes job into out (job->count outputs), in pieces of about
 * PIECE_SECONDS when a callback is set, reporting between pieces; each
 * window counts one unit. HDTW_E_CANCELLED if the callback asks to stop
 * (out then holds a prefix of the results: callers stage). */
hdtw_status hdtw_progress_route(hdtw_progress *pr, const hdtw_job *job,
                                double *out);

/* Records `done` units (from the calling thread, between pieces of work
 * it runs itself) and reports when REPORT_SECONDS have passed since the
 * last report. HDTW_E_CANCELLED if the callback asks to stop. */
hdtw_status hdtw_progress_tick(hdtw_progress *pr, size_t done);

/* Ends the call: reports done = total when ctx has a callback.
 * HDTW_E_CANCELLED if the callback asks to stop. */
hdtw_status hdtw_progress_end(hdtw_progress *pr);

/* hdtw_route with progress for a single-job call (hdtw_batch,
 * hdtw_sliding): stages the results when a callback is set, so out is
 * written only on success. */
hdtw_status hdtw_route_reporting(hdtw_ctx *ctx, const hdtw_job *job,
                                 double *out);

#endif
