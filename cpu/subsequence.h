/* subsequence.h — the free-start, free-end DTW pass of hdtw_subsequence
 * (cpu/subsequence.c); validation and the greedy pick are in
 * core/subsequence.c. */
#ifndef HDTW_CPU_SUBSEQUENCE_H
#define HDTW_CPU_SUBSEQUENCE_H

#include "hdtw.h"

#include <stddef.h>

/* Working memory of one pass: a column of m costs and m starts. */
typedef struct {
    double *cost;
    size_t *start;
} hdtw_subseq_column;

/* One pass over series[0..len-1]: ends[e] = { start, e, D(m-1, e) } for
 * every end e, with D and start as hdtw.h defines them for
 * hdtw_subsequence. col must hold m entries in each array; its contents on
 * entry do not matter. Inputs are finite (costs may still overflow to
 * +inf, which is handled). */
void hdtw_subsequence_ends(hdtw_cost cost, const double *query, size_t m,
                           const double *series, size_t len,
                           hdtw_subseq_column col, hdtw_span *ends);

#endif
