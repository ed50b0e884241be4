/* SPDX-License-Identifier: MIT */
/*
 * kernel_lanes.h — inter-sequence lanes, included once per ISA (cpu/avx2.c,
 * cpu/avx512.c). VEC_WIDTH windows ride in the lanes of one vector and share
 * the pattern value a[i], broadcast; every lane is an independent DTW with
 * exactly the scalar reference's cell arithmetic (cpu/cell.h).
 *
 * The including file defines:
 *   VEC, VEC_WIDTH           vector type of VEC_WIDTH doubles
 *   LANE_ROWS                most rows swept together (register block;
 *                            the stripes use this many, lanes at most 4)
 *   VLOADU, VSTOREU          unaligned load/store; VSET1 broadcast
 *   VSUB, VMUL, VADD, VMIN   lane-wise, correctly rounded; VMIN(x, y) = the
 *                            smaller (exact: no NaN and no -0 ever arrives)
 *   VMAX                     the larger, likewise
 *   VABS                     clears the sign bit (= fabs)
 *   VTRANSPOSE(v)            transposes VEC v[VEC_WIDTH] in place: lane l
 *                            of v[k] becomes lane k of v[l]
 *   FUNC(name)               ISA-specific name of a static function
 *
 * Layout of one lane group's work area (per thread): cols[j] holds value j
 * of the VEC_WIDTH windows (lane-major, so a window read in place from the
 * series is transposed once, not once per row), row[j + 1] holds D(i, j)
 * of the last finished row, row[0] column -1.
 *
 * Why row blocks: D(i, j) needs D(i, j-1), so one row is a chain of
 * dependent min+add (about 4-5 cycles a vector). Sweeping a block of rows
 * together, column by column, keeps one such chain a row in flight and the
 * rows in registers: per column only the block's top neighbour is loaded
 * and its bottom row stored, in place (row[j + 1] is read as "up" before
 * the block's last row overwrites it).
 */
#include "cpu/cell.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

#ifndef HDTW_KERNEL_LANES_AHEAD
#define HDTW_KERNEL_LANES_AHEAD
/* The next lane group's windows, fetched into L2 a slice of cache lines
 * per row block while this group computes. Without it the copy of the
 * next group is the first touch of its memory, and the core waits on it:
 * the DP touches no new memory, so the hardware prefetcher has no stream
 * to follow. */
typedef struct {
    const char *next, *end; /* lines still to fetch */
    size_t slice;           /* lines per row block */
} hdtw_ahead;

static inline void hdtw_ahead_step(hdtw_ahead *ahead)
{
    for (size_t k = 0; k < ahead->slice && ahead->next < ahead->end; k++) {
        __builtin_prefetch(ahead->next, 0, 2);
        ahead->next += 64;
    }
}
#endif

ALWAYS_INLINE VEC FUNC(cost)(int squared, VEC x, VEC y)
{
    VEC d = VSUB(x, y);
    if (squared)
        return VMUL(d, d);
    return VABS(d);
}

/* Rows per block (VEC_WIDTH lanes each). A block spans 2w + rows columns
 * for 2w + 1 cells a row, and its rows - 1 columns on either side are
 * edges, where a cell outside the band still costs its slot; 4 rows keep
 * enough independent row chains in flight for the min+add latency. On the
 * AVX-512 machine of bench/RESULTS.md 4-row blocks beat 8-row ones at
 * every band, the full width included. Never more rows than 2w + 2, so
 * that no column has cells outside the band on both sides. */
#define BLOCK_ROWS (LANE_ROWS < 4 ? LANE_ROWS : 4)

static int FUNC(block_rows)(size_t w)
{
    int rows = BLOCK_ROWS;
    while (rows > 1 && (size_t)rows > 2 * w + 2)
        rows /= 2;
    return rows;
}

/* One column j of a block. diag is D(i0 - 1, j - 1) on entry; returns
 * D(i0 - 1, j), the next column's. In an edge column (edge != 0) row r's
 * cost is raised to penalty[r]: 0 inside the band (costs are >= +0, so
 * max leaves them exact), +inf outside, which makes the cell +inf like
 * the scalar reference's unvisited cells (inf + min is inf, never NaN).
 * The max sits on the cost, off the row's min+add chain. */
ALWAYS_INLINE VEC FUNC(column)(int squared, int rows, int edge,
                               const double *penalty, const VEC *pat,
                               VEC *left, VEC bj, VEC diag, VEC *row_j1)
{
    VEC up = *row_j1, next_diag = up;
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
        VEC old = left[r]; /* D(i, j - 1) */
        /* The neighbour that enters the min last has the short path (one
         * min + add) to d. Short blocks need it on the row's own chain
         * (old), which bounds a column step; tall ones on the chain down
         * the column (up), whose length times the rows would otherwise
         * outgrow the out-of-order window. Either order gives the same
         * bits: min is exact (cell.h). */
        VEC best = rows >= 8 ? VMIN(VMIN(diag, old), up)
                             : VMIN(VMIN(diag, up), old);
        VEC c = FUNC(cost)(squared, pat[r], bj);
        if (edge)
            c = VMAX(c, VSET1(penalty[r]));
        VEC d = VADD(c, best);
        left[r] = d;
        diag = old;
        up = d;
    }
    *row_j1 = up;
    return next_diag;
}

/* Penalty windows (see row_block) of a left and a right edge column j of
 * the block from row i0; row r of the block reads window[r]. */
#define LEFT_EDGE(j) (penalty + (LANE_ROWS - 1 - ((j) + w - i0)))
#define RIGHT_EDGE(j) (penalty + (2 * LANE_ROWS - ((j) - i0 - w)))

/* Rows i0 .. i0 + rows - 1 (rows <= LANE_ROWS, rows <= 2w + 2): row holds
 * row i0 - 1 on entry and row i0 + rows - 1 on return. penalty: LANE_ROWS
 * zeros, LANE_ROWS +inf, LANE_ROWS zeros (lanes_dp). In a left edge column
 * j, row r is outside iff r > j + w - i0; in a right edge column iff
 * r < j - w - i0: each a window of that table.
 *
 * The band runs down and to the right, so the block's top half starts and
 * ends columns before its bottom half: the top half runs alone until the
 * bottom half's first column, all rows together until the top half's last,
 * then the bottom half alone. A rectangle of all rows would spend a slot
 * on every cell outside the band in its corners (rows * (rows - 1) a
 * block); the halves leave a quarter of them. Alone, the top half writes
 * its last row into row, in columns the next block never reads; the bottom
 * half reads +inf above it (outside the top half's band) and, in its first
 * column, the top half's last value as the diagonal. */
ALWAYS_INLINE void FUNC(row_block)(int squared, int rows, const double *a,
                                   size_t i0, size_t w, size_t n,
                                   const VEC *cols, const double *penalty,
                                   VEC *row)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS];
    for (int r = 0; r < rows; r++) {
        pat[r] = VSET1(a[i0 + (size_t)r]);
        left[r] = VSET1(INFINITY); /* column first - 1 */
    }
    int half = rows / 2; /* rows of the top half; 0: no halves */
    size_t last_i = i0 + (size_t)rows - 1;
    size_t first = hdtw_row_lo(i0, w), last = hdtw_row_hi(last_i, w, n);
    size_t all_lo = hdtw_row_lo(last_i, w), all_hi = hdtw_row_hi(i0, w, n);
    size_t both_lo = half ? hdtw_row_lo(i0 + (size_t)half, w) : first;
    size_t both_hi = half ? hdtw_row_hi(i0 + (size_t)half - 1, w, n) : last;
    VEC diag = row[first];
    size_t j = first;
    for (; j < both_lo; j++) /* the top half alone, left edges */
        diag = FUNC(column)(squared, half, 1, LEFT_EDGE(j), pat, left,
                            cols[j], diag, &row[j + 1]);
    for (; j < all_lo; j++) /* j + w >= i0 here: j >= first */
        diag = FUNC(column)(squared, rows, 1, LEFT_EDGE(j), pat, left,
                            cols[j], diag, &row[j + 1]);
    for (; j <= all_hi; j++)
        diag = FUNC(column)(squared, rows, 0, NULL, pat, left, cols[j], diag,
                            &row[j + 1]);
    for (; j <= both_hi; j++) /* j > i0 + w here: j > all_hi, j < n */
        diag = FUNC(column)(squared, rows, 1, RIGHT_EDGE(j), pat, left,
                            cols[j], diag, &row[j + 1]);
    if (j <= last) { /* the bottom half alone, right edges */
        diag = left[half - 1];
        for (; j <= last; j++) {
            row[j + 1] = VSET1(INFINITY);
            FUNC(column)(squared, rows - half, 1, RIGHT_EDGE(j) + half,
                         pat + half, left + half, cols[j], diag, &row[j + 1]);
            diag = VSET1(INFINITY);
        }
    }
    /* the next block reads this row in columns first - 1 .. last + 1 only */
    row[first] = VSET1(INFINITY);
    if (last + 2 <= n)
        row[last + 2] = VSET1(INFINITY);
}

#undef LEFT_EDGE
#undef RIGHT_EDGE

/* Early abandoning (hdtw_job.max_dist): 1 when in every lane each cell of
 * row i, held in row[lo + 1 .. hi + 1], exceeds max_dist. Every path to
 * the end cell crosses row i and costs are >= 0, so every lane's distance
 * exceeds it too. */
ALWAYS_INLINE int FUNC(row_beyond)(const VEC *row, size_t i, size_t w,
                                   size_t n, double max_dist)
{
    VEC low = VSET1(INFINITY);
    for (size_t j = hdtw_row_lo(i, w); j <= hdtw_row_hi(i, w, n); j++)
        low = VMIN(low, row[j + 1]);
    double lanes[VEC_WIDTH];
    VSTOREU(lanes, low);
    int beyond = 1;
    for (size_t l = 0; l < VEC_WIDTH; l++)
        beyond &= lanes[l] > max_dist;
    return beyond;
}

/* Blocks of `rows` rows from *i0 while they fit in m, each followed by a
 * slice of the next group's prefetch; 1 when the lanes were abandoned
 * after a block (max_dist > 0). */
ALWAYS_INLINE int FUNC(row_blocks)(int squared, int rows, const double *a,
                                   size_t m, size_t *i0, size_t w, size_t n,
                                   const VEC *cols, const double *penalty,
                                   double max_dist, VEC *row,
                                   hdtw_ahead *ahead)
{
    for (; *i0 + (size_t)rows <= m; *i0 += (size_t)rows) {
        FUNC(row_block)(squared, rows, a, *i0, w, n, cols, penalty, row);
        hdtw_ahead_step(ahead);
        if (max_dist > 0 &&
            FUNC(row_beyond)(row, *i0 + (size_t)rows - 1, w, n, max_dist))
            return 1;
    }
    return 0;
}

/* Whole DP of the lanes in cols; returns with row[n] = D(m - 1, n - 1),
 * or +inf in every lane once all of them exceed max_dist (> 0). One
 * instance per cost so the cost test leaves the inner loop. */
ALWAYS_INLINE void FUNC(lanes_dp)(int squared, const double *a, size_t m,
                                  size_t w, size_t n, const VEC *cols,
                                  double max_dist, VEC *row, hdtw_ahead *ahead)
{
    double penalty[3 * LANE_ROWS];
    for (int k = 0; k < 3 * LANE_ROWS; k++)
        penalty[k] = k >= LANE_ROWS && k < 2 * LANE_ROWS ? INFINITY : 0.0;
    row[0] = VSET1(0.0); /* row -1, column -1: D(0,0) = c + 0 */
    for (size_t j = 1; j <= n; j++)
        row[j] = VSET1(INFINITY);
    size_t i0 = 0;
    int rows = FUNC(block_rows)(w);
    int beyond =
        (rows == BLOCK_ROWS &&
         FUNC(row_blocks)(squared, BLOCK_ROWS, a, m, &i0, w, n, cols,
                          penalty, max_dist, row, ahead)) ||
        (rows == 2 && FUNC(row_blocks)(squared, 2, a, m, &i0, w, n, cols,
                                       penalty, max_dist, row, ahead)) ||
        FUNC(row_blocks)(squared, 1, a, m, &i0, w, n, cols, penalty,
                         max_dist, row, ahead);
    if (beyond)
        row[n] = VSET1(INFINITY);
}

static void FUNC(lanes_dp_abs)(const double *a, size_t m, size_t w, size_t n,
                               const VEC *cols, double max_dist, VEC *row,
                               hdtw_ahead *ahead)
{
    FUNC(lanes_dp)(0, a, m, w, n, cols, max_dist, row, ahead);
}

static void FUNC(lanes_dp_squared)(const double *a, size_t m, size_t w,
                                   size_t n, const VEC *cols, double max_dist,
                                   VEC *row, hdtw_ahead *ahead)
{
    FUNC(lanes_dp)(1, a, m, w, n, cols, max_dist, row, ahead);
}

/* The prefetch of the group after the one at k0: its windows' span (one
 * range, as stride <= n makes them touch; wider strides are left to the
 * hardware), spread over the row blocks of the DP. */
static hdtw_ahead FUNC(ahead)(const hdtw_job *job, size_t k0)
{
    hdtw_ahead ahead = { NULL, NULL, 0 };
    size_t first = k0 + VEC_WIDTH;
    if (first >= job->count || job->stride > job->n)
        return ahead;
    size_t last = first + VEC_WIDTH <= job->count ? first + VEC_WIDTH - 1
                                                  : job->count - 1;
    const char *start = (const char *)(job->series + first * job->stride);
    ahead.next = (const char *)((uintptr_t)start & ~(uintptr_t)63);
    ahead.end = (const char *)(job->series + last * job->stride + job->n);
    size_t lines = (size_t)(ahead.end - ahead.next) / 64 + 1;
    ahead.slice = lines / (job->m / BLOCK_ROWS + 1) + 1;
    return ahead;
}

/* The windows of a group, lane-major: VEC_WIDTH values of every window at
 * once, turned by one in-register transpose; the last n % VEC_WIDTH one
 * value at a time. Returns 1 when every value copied is finite: x - x is
 * +0 for a finite x and NaN for NaN or +-Inf, and a sum of them stays NaN
 * once one is. */
static int FUNC(copy_lanes)(const double *const *window, size_t n, VEC *cols)
{
    VEC nonfinite = VSET1(0.0);
    size_t j = 0;
    for (; j + VEC_WIDTH <= n; j += VEC_WIDTH) {
        VEC block[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            block[l] = VLOADU(window[l] + j);
            nonfinite = VADD(nonfinite, VSUB(block[l], block[l]));
        }
        VTRANSPOSE(block);
        for (size_t l = 0; l < VEC_WIDTH; l++)
            cols[j + l] = block[l];
    }
    double *col_values = (double *)cols;
    int finite = 1;
    for (; j < n; j++)
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            col_values[j * VEC_WIDTH + l] = window[l][j];
            finite &= isfinite(window[l][j]) != 0;
        }
    double sums[VEC_WIDTH];
    VSTOREU(sums, nonfinite);
    for (size_t l = 0; l < VEC_WIDTH; l++)
        finite &= sums[l] == 0.0;
    return finite;
}

/* Windows k0 .. k0 + valid - 1 (valid <= VEC_WIDTH) into out. Lanes past
 * `valid` repeat the last valid window, so nothing is read past the input,
 * and their results are dropped. work: 2n + 1 vectors. Returns 0, writing
 * nothing, when a value of the windows is not finite. */
static int FUNC(lane_group)(const hdtw_job *job, size_t k0, size_t valid,
                            VEC *work, double *out)
{
    VEC *cols = work, *row = work + job->n;
    const double *window[VEC_WIDTH];
    for (size_t l = 0; l < VEC_WIDTH; l++)
        window[l] = job->series +
                    (k0 + (l < valid ? l : valid - 1)) * job->stride;
    if (!FUNC(copy_lanes)(window, job->n, cols))
        return 0;
    hdtw_ahead ahead = FUNC(ahead)(job, k0);
    if (job->cost == HDTW_COST_SQUARED)
        FUNC(lanes_dp_squared)(job->pattern, job->m, job->band, job->n,
                               cols, job->max_dist, row, &ahead);
    else
        FUNC(lanes_dp_abs)(job->pattern, job->m, job->band, job->n, cols,
                           job->max_dist, row, &ahead);
    const double *result = (const double *)&row[job->n];
    for (size_t l = 0; l < valid; l++)
        out[k0 + l] = result[l];
    return 1;
}
