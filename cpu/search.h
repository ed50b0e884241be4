/* SPDX-License-Identifier: MIT */
/* search.h — the exact top-k subsequence search engine (cpu/search.c). */
#ifndef HDTW_CPU_SEARCH_H
#define HDTW_CPU_SEARCH_H

#include "core/backend.h"
#include "cpu/search_lb.h"

#include <stddef.h>

/* What happened to the windows: every window lands in exactly one of the
 * counters after `windows` (results never depend on them, only speed does,
 * and they vary with the thread count). */
typedef struct {
    size_t windows;   /* candidates, len - m + 1 */
    size_t flat;      /* constant windows (znorm): one shared distance */
    size_t kim;       /* pruned by LB_Kim */
    size_t keogh_eq;  /* pruned by LB_Keogh on the query's envelope */
    size_t keogh_ec;  /* pruned by LB_Keogh on the window's envelope */
    size_t abandoned; /* DTW abandoned part-way */
    size_t dtw;       /* DTW computed in full */
} hdtw_search_stats;

/* Runs the search with the bound loops lb on up to `threads` threads: on
 * HDTW_OK writes out[0 .. *found-1] and *found (and *stats when not NULL);
 * otherwise writes nothing. Statuses: HDTW_E_NONFINITE when a value of
 * the series is not finite (checked here, chunk by chunk) or when a
 * normalisation overflows, HDTW_E_NOMEM. */
hdtw_status hdtw_search_run(const hdtw_search_job *job,
                            const hdtw_lb_kernels *lb, int threads,
                            hdtw_match *out, size_t *found,
                            hdtw_search_stats *stats);

/* The search entry of a backend (an hdtw_run_fn's body): call->search on
 * call->threads threads with the bound loops lb. */
hdtw_status hdtw_search_with(const hdtw_call *call, const hdtw_lb_kernels *lb);

#endif
