/* SPDX-License-Identifier: MIT */
/*
 * match_free.c — hdtw-match --free: the last N bars against every stretch
 * of the bars before them, with free start and free end (hdtw_subsequence),
 * so a match may last fewer or more bars than the pattern. Compares raw
 * prices: a window of free length has no one z-normalisation, and the
 * pattern and its matches are then on the same scale as the distance.
 * Prints each match's first and last bar (index and label), its length and
 * its distance, the DTW distance of the pattern against exactly those bars.
 */
#include "match_free.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds_between(const struct timespec *t0,
                              const struct timespec *t1)
{
    return (double)(t1->tv_sec - t0->tv_sec) +
           (double)(t1->tv_nsec - t0->tv_nsec) * 1e-9;
}

static void print_matches(const csv_series *s, const hdtw_span *best,
                          size_t found)
{
    printf("%4s %10s  %-22s %10s  %-22s %6s %14s\n", "rank", "start", "time",
           "end", "time", "bars", "distance");
    for (size_t r = 0; r < found; r++)
        printf("%4zu %10zu  %-22s %10zu  %-22s %6zu %14.6f\n", r + 1,
               best[r].start, s->labels[best[r].start], best[r].end,
               s->labels[best[r].end], best[r].end - best[r].start + 1,
               best[r].distance);
}

int match_free(hdtw_ctx *ctx, const match_options *o, const csv_series *s)
{
    size_t n = o->pattern_len, history = s->len - n, found = 0;
    size_t k = o->k < history ? o->k : history; /* no more than the ends */
    hdtw_span *best = malloc(k * sizeof *best);
    hdtw_params params = o->search.dtw;
    params.band = -1; /* a free start has no band */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hdtw_status st = best ? hdtw_subsequence(ctx, &params, s->values + history,
                                             n, s->values, history, k, best,
                                             &found)
                          : HDTW_E_NOMEM;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != HDTW_OK) {
        fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
        free(best);
        return -1;
    }
    printf("%s, column %s: %zu bars; pattern = last %zu bars (from %s)\n",
           o->path, s->column, s->len, n, s->labels[history]);
    printf("searched the %zu earlier bars in %.3f s (free start and end, raw "
           "prices, %s cost, top %zu, no two overlapping)\n\n", history,
           seconds_between(&t0, &t1),
           params.cost == HDTW_COST_SQUARED ? "squared" : "abs", k);
    print_matches(s, best, found);
    free(best);
    return 0;
}
