/* SPDX-License-Identifier: MIT */
/*
 * subsequence.c — the one pass of free-start, free-end subsequence DTW.
 *
 * The series is walked column by column; a single column of m cells holds
 * D(i, j - 1) for every row i and is overwritten in place with D(i, j),
 * top to bottom, keeping D(i - 1, j - 1) (the diagonal) in a local. Next
 * to each cost the column keeps the start of the path that reaches it:
 * hdtw_align's walk back picks the predecessor of a cell from that cell's
 * three neighbours alone, so the start a walk from (m - 1, e) reaches is
 * the start of the predecessor the tie rule picks, propagated forward.
 *
 * Column -1 is +inf with start 0: at j = 0 every predecessor a cell can
 * pick (even the out-of-range diagonal when overflowing costs make every
 * neighbour +inf) then carries start 0, the only start a path in column 0
 * can have, and min(+inf, +inf, up) = up as the recurrence wants.
 */
#include "cpu/subsequence.h"

#include "core/alloc.h"

#include <math.h>
#include <stdint.h>

static void init_column_before_first(hdtw_subseq_column col, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        col.cost[i] = INFINITY;
        col.start[i] = 0;
    }
}

/* Column j from column j - 1, in place, ties as hdtw_subseq_pick but
 * written with branches: here, where each cell waits for the one above,
 * gcc's selects for the helper put the start's choice on that chain and
 * measured slower. Inlined into one loop per cost: no cost branch. */
static inline __attribute__((always_inline)) void
column_step(hdtw_cost cost, const double *query, size_t m, double sj,
            size_t j, hdtw_subseq_column col)
{
    double diag = col.cost[0];
    size_t diag_start = col.start[0];
    col.cost[0] = hdtw_cell_cost(cost, query[0], sj); /* free start */
    col.start[0] = j;
    for (size_t i = 1; i < m; i++) {
        double left = col.cost[i], up = col.cost[i - 1];
        size_t left_start = col.start[i];
        double best = left;
        size_t best_start = left_start;
        if (diag <= up && diag <= left) {
            best = diag;
            best_start = diag_start;
        } else if (up <= left) {
            best = up;
            best_start = col.start[i - 1];
        }
        col.cost[i] = hdtw_cell_cost(cost, query[i], sj) + best;
        col.start[i] = best_start;
        diag = left;
        diag_start = left_start;
    }
}

static inline __attribute__((always_inline)) void
columns(hdtw_cost cost, const double *query, size_t m, const double *series,
        size_t first, size_t last, hdtw_subseq_column col,
        hdtw_subseq_ends ends)
{
    for (size_t j = first; j < last; j++) {
        column_step(cost, query, m, series[j], j, col);
        ends.cost[j - first] = col.cost[m - 1];
        if (ends.start)
            ends.start[j - first] = col.start[m - 1];
    }
}

void hdtw_subsequence_columns(hdtw_cost cost, const double *query, size_t m,
                              const double *series, size_t first,
                              size_t last, hdtw_subseq_column col,
                              hdtw_subseq_ends ends)
{
    if (cost == HDTW_COST_SQUARED)
        columns(HDTW_COST_SQUARED, query, m, series, first, last, col, ends);
    else
        columns(HDTW_COST_ABS, query, m, series, first, last, col, ends);
}

void hdtw_subsequence_ends(hdtw_cost cost, const double *query, size_t m,
                           const double *series, size_t len,
                           hdtw_subseq_column col, hdtw_subseq_ends ends)
{
    init_column_before_first(col, m);
    hdtw_subsequence_columns(cost, query, m, series, 0, len, col, ends);
}

_Atomic size_t hdtw_subseq_recomputed_chunks;

void hdtw_subseq_block_minima(const double *costs, size_t first, size_t last,
                              double *block_min)
{
    for (size_t e = first; e < last;) {
        size_t stop = last - e < HDTW_SUBSEQ_BLOCK ? last
                                                   : e + HDTW_SUBSEQ_BLOCK;
        double low = costs[e];
        for (; e < stop; e++)
            low = costs[e] < low ? costs[e] : low;
        block_min[(stop - 1) / HDTW_SUBSEQ_BLOCK] = low;
    }
}

/* The finder of a pass with starts: they are all in the array. */
typedef struct {
    hdtw_subseq_finder base;
    size_t *start;
} array_finder;

static hdtw_status array_start_of(hdtw_subseq_finder *self, size_t end,
                                  size_t *start)
{
    *start = ((array_finder *)self)->start[end];
    return HDTW_OK;
}

static void array_close(hdtw_subseq_finder *self)
{
    hdtw_free(self);
}

hdtw_subseq_finder *hdtw_subseq_array_finder(size_t len, size_t **starts)
{
    if (len > (SIZE_MAX - sizeof(array_finder)) / sizeof(size_t))
        return NULL;
    /* one block: the finder, then the starts (size_t is aligned after a
     * struct of pointers) */
    array_finder *f = hdtw_malloc(sizeof *f + len * sizeof(size_t));
    if (!f)
        return NULL;
    f->base = (hdtw_subseq_finder){ array_start_of, array_close };
    f->start = (size_t *)(f + 1);
    *starts = f->start;
    return &f->base;
}

hdtw_status hdtw_subsequence_run(const hdtw_call *call, size_t entries,
                                 hdtw_subseq_pass pass)
{
    const hdtw_subseq_job *job = call->subseq;
    if (!hdtw_values_finite(job->series, job->len))
        return HDTW_E_NONFINITE;
    if (entries > SIZE_MAX / sizeof(double))
        return HDTW_E_NOMEM;
    hdtw_subseq_column work = {
        hdtw_malloc(entries * sizeof *work.cost),
        hdtw_malloc(entries * sizeof *work.start),
    };
    hdtw_subseq_ends ends = { call->end_costs, NULL };
    hdtw_subseq_finder *finder = hdtw_subseq_array_finder(job->len,
                                                          &ends.start);
    hdtw_status status = HDTW_E_NOMEM;
    if (work.cost && work.start && finder) {
        pass(job->cost, job->query, job->m, job->series, job->len, work,
             ends);
        hdtw_subseq_block_minima(ends.cost, 0, job->len, call->end_block_min);
        *call->subseq_finder = finder;
        finder = NULL;
        status = HDTW_OK;
    }
    if (finder)
        finder->close(finder);
    hdtw_free(work.start);
    hdtw_free(work.cost);
    return status;
}

hdtw_status hdtw_scalar_subsequence(const hdtw_call *call)
{
    return hdtw_subsequence_run(call, call->subseq->m, hdtw_subsequence_ends);
}
