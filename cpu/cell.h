/* SPDX-License-Identifier: MIT */
/*
 * cell.h — the cell arithmetic and band geometry every backend shares.
 *
 * Bit identity across backends rests on each cell being evaluated as
 *     cost = c(a_i, b_j)                 one rounded sub, then abs or one mul
 *     D    = cost + min(up, left, diag)  exact min, one rounded add
 * Kernels may order the three-way min as they like (no NaN ever reaches
 * it and all values are >= +0, so min is exact and order-free), but must
 * add the cost to the minimum, never pre-add or fuse.
 */
#ifndef HDTW_CPU_CELL_H
#define HDTW_CPU_CELL_H

#include "hdtw.h"

#include <math.h>
#include <stddef.h>

/* the vector templates' helpers, inlined into the loops that call them */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

static inline double hdtw_cost_abs(double x, double y)
{
    return fabs(x - y);
}

static inline double hdtw_cost_squared(double x, double y)
{
    double d = x - y;
    return d * d; /* -ffp-contract=off keeps this a plain multiply */
}

static inline double hdtw_cell_cost(hdtw_cost cost, double x, double y)
{
    return cost == HDTW_COST_SQUARED ? hdtw_cost_squared(x, y)
                                     : hdtw_cost_abs(x, y);
}

static inline double hdtw_min2(double x, double y)
{
    return y < x ? y : x;
}

static inline double hdtw_min3(double x, double y, double z)
{
    return hdtw_min2(hdtw_min2(x, y), z);
}

/* The half width of the band for an m x n matrix: max(band, |m - n|) so the
 * end cell stays reachable, capped at max(m, n) (beyond that every cell
 * exists). band < 0 means no band. */
static inline size_t hdtw_effective_band(long band, size_t m, size_t n)
{
    size_t longest = m > n ? m : n;
    size_t skew = m > n ? m - n : n - m;
    if (band < 0 || (unsigned long)band >= longest)
        return longest;
    return (size_t)band > skew ? (size_t)band : skew;
}

/* First and last column of row i inside the band of half width w. */
static inline size_t hdtw_row_lo(size_t i, size_t w)
{
    return i > w ? i - w : 0;
}

static inline size_t hdtw_row_hi(size_t i, size_t w, size_t n)
{
    /* no overflow: w <= max(m, n) and both lengths index real arrays */
    return i + w < n - 1 ? i + w : n - 1;
}

/* Number of cells inside the band: the work a call really does. */
static inline size_t hdtw_band_cells(size_t m, size_t n, size_t w)
{
    size_t cells = 0;
    for (size_t i = 0; i < m; i++)
        cells += hdtw_row_hi(i, w, n) - hdtw_row_lo(i, w) + 1;
    return cells;
}

/*
 * The reference rows (cpu/scalar.c, and the search's DTW in cpu/search.c):
 * a row holds D(i, j) at index j + 1; index 0 is column -1. Before row 0
 * the "previous row" is row -1: +inf everywhere except column -1, which
 * holds 0 so that D(0,0) = c + min(inf, inf, 0) = c exactly and
 * D(0,j) = c + D(0,j-1).
 *
 * A row i writes columns lo..hi and sets column lo - 1 and hi + 1 to +inf;
 * row i + 1 reads row i only in columns lo' - 1 .. hi' with lo' >= lo and
 * hi' <= hi + 1, so stale values further out are never read.
 */
static inline void hdtw_row_above_first(double *row, size_t n)
{
    row[0] = 0.0;
    for (size_t j = 1; j <= n; j++)
        row[j] = INFINITY;
}

/* Row i of the recurrence from row i - 1 (both in the layout above), for
 * a_i = ai against b[0..n-1] in columns lo..hi; returns the row's smallest
 * value (callers that do not need it let the compiler drop it). */
static inline double hdtw_row_step(hdtw_cost cost, double ai, const double *b,
                                   size_t n, size_t lo, size_t hi,
                                   const double *prev, double *cur)
{
    double row_min = INFINITY;
    cur[lo] = INFINITY; /* column lo - 1 */
    for (size_t j = lo; j <= hi; j++) {
        double best = hdtw_min3(prev[j], prev[j + 1], cur[j]);
        double d = hdtw_cell_cost(cost, ai, b[j]) + best;
        cur[j + 1] = d;
        row_min = hdtw_min2(row_min, d);
    }
    if (hi + 2 <= n)
        cur[hi + 2] = INFINITY; /* column hi + 1 */
    return row_min;
}

#endif /* HDTW_CPU_CELL_H */
