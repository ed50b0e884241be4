/* search.h — the exact top-k subsequence search engine (cpu/search.c). */
#ifndef HDTW_CPU_SEARCH_H
#define HDTW_CPU_SEARCH_H

#include "hdtw.h"

#include <stddef.h>

/* A validated search: every value finite, 1 <= m <= len, k >= 1. */
typedef struct {
    hdtw_cost cost;
    size_t band;      /* effective half width, hdtw_effective_band(b, m, m) */
    int znorm;
    size_t exclusion; /* resolved (HDTW_EXCLUSION_AUTO already m / 2) */
    const double *query;
    size_t m;
    const double *series;
    size_t len;
    size_t k;
    int threads;
    unsigned features; /* HDTW_FEATURE_* the bound loops may use */
} hdtw_search_job;

/* What happened to the windows: every window lands in exactly one of the
 * counters after `windows` (benchmarks report them; results never depend
 * on them, only speed does, and they vary with the thread count). */
typedef struct {
    size_t windows;   /* candidates, len - m + 1 */
    size_t flat;      /* constant windows (znorm): one shared distance */
    size_t kim;       /* pruned by LB_Kim */
    size_t keogh_eq;  /* pruned by LB_Keogh on the query's envelope */
    size_t keogh_ec;  /* pruned by LB_Keogh on the window's envelope */
    size_t abandoned; /* DTW abandoned part-way */
    size_t dtw;       /* DTW computed in full */
} hdtw_search_stats;

/* Runs the search: on HDTW_OK writes out[0 .. *found-1] and *found (and
 * *stats when not NULL); otherwise writes nothing. Statuses: HDTW_E_NONFINITE
 * when a normalisation overflows, HDTW_E_NOMEM. */
hdtw_status hdtw_search_run(const hdtw_search_job *job, hdtw_match *out,
                            size_t *found, hdtw_search_stats *stats);

#endif
