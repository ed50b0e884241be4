/*
 * kernel_lanes.h — inter-sequence lanes, included once per ISA (cpu/avx2.c,
 * cpu/avx512.c). VEC_WIDTH windows ride in the lanes of one vector and share
 * the pattern value a[i], broadcast; every lane is an independent DTW with
 * exactly the scalar reference's cell arithmetic (cpu/cell.h).
 *
 * The including file defines:
 *   VEC, VEC_WIDTH           vector type of VEC_WIDTH doubles
 *   LANE_ROWS                pattern rows swept together (register block)
 *   VLOADU, VSTOREU          unaligned load/store; VSET1 broadcast
 *   VSUB, VMUL, VADD, VMIN   lane-wise, correctly rounded; VMIN(x, y) = the
 *                            smaller (exact: no NaN and no -0 ever arrives)
 *   VABS                     clears the sign bit (= fabs)
 *   FUNC(name)               ISA-specific name of a static function
 *
 * Layout of one lane group's work area (per thread): cols[j] holds value j
 * of the VEC_WIDTH windows (lane-major, so a window read in place from the
 * series is transposed once, not once per row), row[j + 1] holds D(i, j)
 * of the last finished row, row[0] column -1.
 *
 * Why row blocks: D(i, j) needs D(i, j-1), so one row is a chain of
 * dependent min+add (about 4-5 cycles a vector). Sweeping LANE_ROWS rows
 * together, column by column, keeps LANE_ROWS such chains in flight and the
 * rows in registers: per column only the block's top neighbour is loaded
 * and its bottom row stored, in place (row[j + 1] is read as "up" before
 * the block's last row overwrites it).
 */
#include "cpu/cell.h"

#include <math.h>
#include <stddef.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE VEC FUNC(cost)(int squared, VEC x, VEC y)
{
    VEC d = VSUB(x, y);
    if (squared)
        return VMUL(d, d);
    return VABS(d);
}

/* One column j of a block whose every row is inside the band. diag is
 * D(i0 - 1, j - 1) on entry; returns D(i0 - 1, j), the next column's. */
ALWAYS_INLINE VEC FUNC(column)(int squared, int rows, const VEC *pat,
                               VEC *left, VEC bj, VEC diag, VEC *row_j1)
{
    VEC up = *row_j1, next_diag = up;
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
        VEC old = left[r]; /* D(i, j - 1) */
        VEC best = VMIN(VMIN(diag, up), old);
        VEC d = VADD(FUNC(cost)(squared, pat[r], bj), best);
        left[r] = d;
        diag = old;
        up = d;
    }
    *row_j1 = up;
    return next_diag;
}

/* The same column where some rows are outside the band: their cells are
 * +inf, exactly as the scalar reference's unvisited cells. */
ALWAYS_INLINE VEC FUNC(column_banded)(int squared, int rows, size_t i0,
                                      size_t w, size_t n, size_t j,
                                      const VEC *pat, VEC *left, VEC bj,
                                      VEC diag, VEC *row_j1)
{
    VEC up = *row_j1, next_diag = up;
    for (int r = 0; r < rows; r++) {
        size_t i = i0 + (size_t)r;
        VEC old = left[r];
        VEC d = VSET1(INFINITY);
        if (j >= hdtw_row_lo(i, w) && j <= hdtw_row_hi(i, w, n))
            d = VADD(FUNC(cost)(squared, pat[r], bj),
                     VMIN(VMIN(diag, up), old));
        left[r] = d;
        diag = old;
        up = d;
    }
    *row_j1 = up;
    return next_diag;
}

/* Rows i0 .. i0 + rows - 1 (rows <= LANE_ROWS): row holds row i0 - 1 on
 * entry and row i0 + rows - 1 on return. Columns where every row of the
 * block is in the band take the branch-free path. */
ALWAYS_INLINE void FUNC(row_block)(int squared, int rows, const double *a,
                                   size_t i0, size_t w, size_t n,
                                   const VEC *cols, VEC *row)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS];
    for (int r = 0; r < rows; r++) {
        pat[r] = VSET1(a[i0 + (size_t)r]);
        left[r] = VSET1(INFINITY); /* column first - 1 */
    }
    size_t last_i = i0 + (size_t)rows - 1;
    size_t first = hdtw_row_lo(i0, w), last = hdtw_row_hi(last_i, w, n);
    size_t all_lo = hdtw_row_lo(last_i, w), all_hi = hdtw_row_hi(i0, w, n);
    VEC diag = row[first];
    size_t j = first;
    for (; j <= last && j < all_lo; j++)
        diag = FUNC(column_banded)(squared, rows, i0, w, n, j, pat, left,
                                   cols[j], diag, &row[j + 1]);
    for (; j <= last && j <= all_hi; j++)
        diag = FUNC(column)(squared, rows, pat, left, cols[j], diag,
                            &row[j + 1]);
    for (; j <= last; j++)
        diag = FUNC(column_banded)(squared, rows, i0, w, n, j, pat, left,
                                   cols[j], diag, &row[j + 1]);
    /* the next block reads this row in columns first - 1 .. last + 1 only */
    row[first] = VSET1(INFINITY);
    if (last + 2 <= n)
        row[last + 2] = VSET1(INFINITY);
}

/* Whole DP of the lanes in cols; returns with row[n] = D(m - 1, n - 1).
 * One instance per cost so the cost test leaves the inner loop. */
ALWAYS_INLINE void FUNC(lanes_dp)(int squared, const double *a, size_t m,
                                  size_t w, size_t n, const VEC *cols,
                                  VEC *row)
{
    row[0] = VSET1(0.0); /* row -1, column -1: D(0,0) = c + 0 */
    for (size_t j = 1; j <= n; j++)
        row[j] = VSET1(INFINITY);
    size_t i0 = 0;
    for (; i0 + LANE_ROWS <= m; i0 += LANE_ROWS)
        FUNC(row_block)(squared, LANE_ROWS, a, i0, w, n, cols, row);
    for (; i0 < m; i0++)
        FUNC(row_block)(squared, 1, a, i0, w, n, cols, row);
}

static void FUNC(lanes_dp_abs)(const double *a, size_t m, size_t w, size_t n,
                               const VEC *cols, VEC *row)
{
    FUNC(lanes_dp)(0, a, m, w, n, cols, row);
}

static void FUNC(lanes_dp_squared)(const double *a, size_t m, size_t w,
                                   size_t n, const VEC *cols, VEC *row)
{
    FUNC(lanes_dp)(1, a, m, w, n, cols, row);
}

/* Windows k0 .. k0 + valid - 1 (valid <= VEC_WIDTH) into out. Lanes past
 * `valid` repeat the last valid window, so nothing is read past the input,
 * and their results are dropped. work: 2n + 1 vectors. */
static void FUNC(lane_group)(const hdtw_job *job, size_t k0, size_t valid,
                             VEC *work, double *out)
{
    VEC *cols = work, *row = work + job->n;
    double *col_values = (double *)cols;
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        size_t k = k0 + (l < valid ? l : valid - 1);
        const double *window = job->series + k * job->stride;
        for (size_t j = 0; j < job->n; j++)
            col_values[j * VEC_WIDTH + l] = window[j];
    }
    if (job->cost == HDTW_COST_SQUARED)
        FUNC(lanes_dp_squared)(job->pattern, job->m, job->band, job->n,
                               cols, row);
    else
        FUNC(lanes_dp_abs)(job->pattern, job->m, job->band, job->n, cols,
                           row);
    const double *result = (const double *)&row[job->n];
    for (size_t l = 0; l < valid; l++)
        out[k0 + l] = result[l];
}
