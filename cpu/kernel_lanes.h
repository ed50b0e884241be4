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
 *   LANE_GROUPS (optional)   lane groups the lanes kernel sweeps together
 *                            (see UNIT_GROUPS below; 1 when undefined)
 *   FUNC(name)               ISA-specific name of a static function
 *
 * Layout of one unit's work area (per thread; a unit is `groups` lane
 * groups swept together): cols[j * groups + g] holds value j of group g's
 * VEC_WIDTH windows (lane-major, so a window read in place from the series
 * is transposed once, not once per row), row[(j + 1) * groups + g] holds
 * D(i, j) of the last finished row, row[g] column -1.
 *
 * Why row blocks: D(i, j) needs D(i, j-1), so one row is a chain of
 * dependent min+add (about 4-5 cycles a vector). Sweeping a block of rows
 * together, column by column, keeps one such chain a row in flight and the
 * rows in registers: per column only the block's top neighbour is loaded
 * and its bottom row stored, in place (row[j + 1] is read as "up" before
 * the block's last row overwrites it).
 */
#include "cpu/cell.h"
#include "cpu/kernel_copy.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifndef HDTW_KERNEL_LANES_AHEAD
#define HDTW_KERNEL_LANES_AHEAD
/* The next unit's windows, fetched while this unit computes, a slice of
 * cache lines after each row block, so that the next unit's copy reads L1
 * (from L2 the copy is bound by its reads). Without it the copy is the
 * first touch of the memory, and the core waits on it: the DP touches no
 * new memory, so the hardware prefetcher has no stream to follow. A narrow
 * band (a short unit for its windows' lines) fetches them straight into
 * L1, evenly over the blocks; a wide one (a long unit, over which lines
 * fetched into L1 early would sit among the DP's rows) into L2 over the
 * first half of the blocks and on into L1 over the second. Each measured
 * the faster in its range (bench/RESULTS.md, "CPU kernels, fourth
 * round"). */
typedef struct {
    const char *next_l2, *next; /* the next line into L2 first; into L1 */
    size_t lines_l2, lines;     /* lines still to fetch into each */
    size_t slice;               /* lines per row block */
} hdtw_ahead;

/* Up to `slice` lines from *next on (of *lines left) with the hint */
#define HDTW_AHEAD_LINES(next, lines, slice, locality)                       \
    do {                                                                      \
        size_t now_ = (slice) < (lines) ? (slice) : (lines);                  \
        (lines) -= now_;                                                      \
        for (; now_ > 0; now_--, (next) += 64)                                \
            __builtin_prefetch((next), 0, (locality));                        \
    } while (0)

static inline void hdtw_ahead_step(hdtw_ahead *ahead)
{
    if (ahead->lines_l2)
        HDTW_AHEAD_LINES(ahead->next_l2, ahead->lines_l2, ahead->slice, 2);
    else
        HDTW_AHEAD_LINES(ahead->next, ahead->lines, ahead->slice, 3);
}
#endif

ALWAYS_INLINE VEC FUNC(cost)(int squared, VEC x, VEC y)
{
    VEC d = VSUB(x, y);
    if (squared)
        return VMUL(d, d);
    return VABS(d);
}

/* Rows per lane block (row_block). 4 rows (times the groups of a unit)
 * keep enough independent row chains in flight for the min+add latency; on
 * the AVX-512 machine of bench/RESULTS.md 4-row blocks beat 8-row ones at
 * every band, the full width included, and tied 6-row ones. Never more
 * rows than 2w + 2, so that no column has cells outside the band on both
 * sides. */
#define BLOCK_ROWS (LANE_ROWS < 4 ? LANE_ROWS : 4)

static int FUNC(block_rows)(size_t w)
{
    int rows = BLOCK_ROWS;
    while (rows > 1 && (size_t)rows > 2 * w + 2)
        rows /= 2;
    return rows;
}

/* Lane groups swept together: the ISA's LANE_GROUPS groups of VEC_WIDTH
 * windows share every broadcast pattern value and every row block, and
 * their cells interleave in each column, so that a column holds
 * LANE_GROUPS times the independent row chains (see row_block). An ISA
 * that leaves it undefined sweeps one group at a time. UNIT_GROUPS is the
 * count this instance uses. */
#undef UNIT_GROUPS
#ifdef LANE_GROUPS
#define UNIT_GROUPS LANE_GROUPS
#else
#define UNIT_GROUPS 1
#endif

/* One column j of a block of `rows` rows in `groups` lane groups, whose
 * rows top .. bottom are inside the band; the others are +inf, as the
 * scalar reference's unvisited cells, and cost nothing. Group g's values
 * of column j are bj[g]; its value of column j - 1, row r, is
 * left[r * UNIT_GROUPS + g] (replaced by column j's); diag[g] is
 * D(i0 - 1, j - 1) on entry and D(i0 - 1, j) on return; row_j1[g] holds
 * D(i0 - 1, j) on entry and the block's last row on return. With top > 0
 * (right edge) the row above is outside the band there and not read.
 * Every call has constant rows, top and bottom, so each edge column is
 * its own straight code with no per-row tests. */
ALWAYS_INLINE void FUNC(lane_column)(int squared, int groups, int rows,
                                     int top, int bottom, const VEC *pat,
                                     VEC *left, const VEC *bj, VEC *diag,
                                     VEC *row_j1)
{
    VEC up[UNIT_GROUPS], next_diag[UNIT_GROUPS];
    for (int g = 0; g < groups; g++) {
        up[g] = top == 0 ? row_j1[g] : VSET1(INFINITY);
        next_diag[g] = up[g];
    }
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++)
#pragma GCC unroll 4
        for (int g = 0; g < groups; g++) {
            VEC *cell = &left[r * UNIT_GROUPS + g], old = *cell;
            VEC d = VSET1(INFINITY);
            if (r >= top && r <= bottom) {
                /* the last neighbour into the min is the row's own chain
                 * (old): a column step is then one min + add on it. A +inf
                 * neighbour is left out: its min is exact (cell.h). Above
                 * the first row of a right edge lies +inf; in a left edge
                 * the bottom row has just entered the band, +inf to its
                 * left. */
                VEC best = diag[g];
                if (r > top || top == 0)
                    best = VMIN(best, up[g]);
                if (r < bottom || bottom == rows - 1)
                    best = VMIN(best, old);
                d = VADD(FUNC(cost)(squared, pat[r], bj[g]), best);
            }
            *cell = d;
            diag[g] = old;
            up[g] = d;
        }
    for (int g = 0; g < groups; g++) {
        row_j1[g] = up[g];
        diag[g] = next_diag[g];
    }
}

/* Rows i0 .. i0 + rows - 1 (rows <= 2w + 2) of `groups` lane groups: row
 * holds row i0 - 1 on entry and row i0 + rows - 1 on return (column j of
 * group g at row[(j + 1) * groups + g]); cols holds column j of group g at
 * cols[j * groups + g].
 *
 * Row r of the block is inside the band from column i0 + r - w to
 * i0 + r + w, so the block is a parallelogram: the first rows - 1 columns
 * (the left edge) hold rows 0 .. t, t = 0 .. rows - 2, the middle all
 * rows, the last rows - 1 (the right edge) rows u .. rows - 1. Each edge
 * column is unrolled with its own rows, and every cell of the block is a
 * cell of the band: no slot is spent outside it. Columns outside the
 * matrix (j < 0, j >= n) are skipped; rows <= 2w + 2 keeps each edge
 * inside the matrix on the far side (j <= n - 1 on the left edge, j >= 0
 * on the right) and the two edges apart. */
ALWAYS_INLINE void FUNC(row_block)(int squared, int groups, int rows,
                                   const double *a, size_t i0, size_t w,
                                   size_t n, const VEC *cols, VEC *row)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS * UNIT_GROUPS], diag[UNIT_GROUPS];
    for (int r = 0; r < rows; r++) {
        pat[r] = VSET1(a[i0 + (size_t)r]);
        for (int g = 0; g < groups; g++)
            left[r * UNIT_GROUPS + g] = VSET1(INFINITY); /* column first - 1 */
    }
    size_t g_n = (size_t)groups;
    size_t first = hdtw_row_lo(i0, w);
    size_t last = hdtw_row_hi(i0 + (size_t)rows - 1, w, n);
    size_t all_hi = hdtw_row_hi(i0, w, n); /* last column of row 0 */
    for (int g = 0; g < groups; g++)
        diag[g] = row[first * g_n + (size_t)g];
    size_t j = first;
#pragma GCC unroll 8
    for (int t = 0; t < rows - 1; t++) /* left edge, column i0 + t - w */
        if (i0 + (size_t)t >= w) {
            FUNC(lane_column)(squared, groups, rows, 0, t, pat, left,
                              &cols[j * g_n], diag, &row[(j + 1) * g_n]);
            j++;
        }
    for (; j <= all_hi; j++) /* middle */
        FUNC(lane_column)(squared, groups, rows, 0, rows - 1, pat, left,
                          &cols[j * g_n], diag, &row[(j + 1) * g_n]);
#pragma GCC unroll 8
    for (int u = 1; u < rows; u++, j++) /* right edge, column i0 + w + u */
        if (j < n)
            FUNC(lane_column)(squared, groups, rows, u, rows - 1, pat, left,
                              &cols[j * g_n], diag, &row[(j + 1) * g_n]);
    /* the next block reads this row in columns first - 1 .. last + 1 only:
     * the left edge's columns hold +inf already (the last row is outside
     * there) */
    for (int g = 0; g < groups; g++) {
        row[first * g_n + (size_t)g] = VSET1(INFINITY);
        if (last + 2 <= n)
            row[(last + 2) * g_n + (size_t)g] = VSET1(INFINITY);
    }
}

/* Early abandoning (hdtw_job.max_dist): 1 when in every lane each cell of
 * row i, held in row[(lo + 1) * groups ..], exceeds max_dist. Every path
 * to the end cell crosses row i and costs are >= 0, so every lane's
 * distance exceeds it too. */
ALWAYS_INLINE int FUNC(row_beyond)(int groups, const VEC *row, size_t i,
                                   size_t w, size_t n, double max_dist)
{
    VEC low = VSET1(INFINITY);
    size_t g_n = (size_t)groups;
    for (size_t k = (hdtw_row_lo(i, w) + 1) * g_n;
         k < (hdtw_row_hi(i, w, n) + 2) * g_n; k++)
        low = VMIN(low, row[k]);
    double lanes[VEC_WIDTH];
    VSTOREU(lanes, low);
    int beyond = 1;
    for (size_t l = 0; l < VEC_WIDTH; l++)
        beyond &= lanes[l] > max_dist;
    return beyond;
}

/* Blocks of `rows` rows from *i0 while they fit in m, each followed by a
 * slice of the next unit's prefetch; 1 when the lanes were abandoned
 * after a block (max_dist > 0). */
ALWAYS_INLINE int FUNC(row_blocks)(int squared, int groups, int rows,
                                   const double *a, size_t m, size_t *i0,
                                   size_t w, size_t n, const VEC *cols,
                                   double max_dist, VEC *row,
                                   hdtw_ahead *ahead)
{
    for (; *i0 + (size_t)rows <= m; *i0 += (size_t)rows) {
        FUNC(row_block)(squared, groups, rows, a, *i0, w, n, cols, row);
        hdtw_ahead_step(ahead);
        if (max_dist > 0 && FUNC(row_beyond)(groups, row,
                                             *i0 + (size_t)rows - 1, w, n,
                                             max_dist))
            return 1;
    }
    return 0;
}

/* Whole DP of the lanes in cols; returns with row[n * groups + g] =
 * D(m - 1, n - 1) of group g, or +inf in every lane once all of them
 * exceed max_dist (> 0). One instance per cost and group count so that
 * neither is tested in the inner loop. */
ALWAYS_INLINE void FUNC(lanes_dp)(int squared, int groups, const double *a,
                                  size_t m, size_t w, size_t n,
                                  const VEC *cols, double max_dist, VEC *row,
                                  hdtw_ahead *ahead)
{
    size_t g_n = (size_t)groups;
    for (size_t g = 0; g < g_n; g++) /* row -1, column -1: D(0,0) = c + 0 */
        row[g] = VSET1(0.0);
    /* row -1 only where the first block reads it, row 0's columns: each
     * block leaves +inf where the next one reads past its own columns, and
     * the last block writes column n - 1, the result (the effective band
     * reaches it, cell.h), so the rest of a narrow band's row is never
     * read */
    for (size_t k = g_n; k < (hdtw_row_hi(0, w, n) + 2) * g_n; k++)
        row[k] = VSET1(INFINITY);
    size_t i0 = 0;
    int rows = FUNC(block_rows)(w);
    int beyond =
        (rows == BLOCK_ROWS &&
         FUNC(row_blocks)(squared, groups, BLOCK_ROWS, a, m, &i0, w, n, cols,
                          max_dist, row, ahead)) ||
        (rows >= 2 && FUNC(row_blocks)(squared, groups, 2, a, m, &i0, w, n,
                                       cols, max_dist, row, ahead)) ||
        FUNC(row_blocks)(squared, groups, 1, a, m, &i0, w, n, cols, max_dist,
                         row, ahead);
    if (beyond)
        for (size_t g = 0; g < g_n; g++)
            row[n * g_n + g] = VSET1(INFINITY);
}

static void FUNC(lanes_dp_abs)(int groups, const double *a, size_t m,
                               size_t w, size_t n, const VEC *cols,
                               double max_dist, VEC *row, hdtw_ahead *ahead)
{
    if (groups == 1)
        FUNC(lanes_dp)(0, 1, a, m, w, n, cols, max_dist, row, ahead);
    else
        FUNC(lanes_dp)(0, UNIT_GROUPS, a, m, w, n, cols, max_dist, row,
                       ahead);
}

static void FUNC(lanes_dp_squared)(int groups, const double *a, size_t m,
                                   size_t w, size_t n, const VEC *cols,
                                   double max_dist, VEC *row,
                                   hdtw_ahead *ahead)
{
    if (groups == 1)
        FUNC(lanes_dp)(1, 1, a, m, w, n, cols, max_dist, row, ahead);
    else
        FUNC(lanes_dp)(1, UNIT_GROUPS, a, m, w, n, cols, max_dist, row,
                       ahead);
}

/* Windows a unit of work holds: UNIT_GROUPS lane groups (kernel_run.h) */
#define UNIT_LANES (UNIT_GROUPS * VEC_WIDTH)

/* The prefetch of the unit after the one at k0: its windows' span (one
 * range, as stride <= n makes them touch; wider strides are left to the
 * hardware), spread over the row blocks of the DP. */
static hdtw_ahead FUNC(ahead)(const hdtw_job *job, size_t k0)
{
    hdtw_ahead ahead = { NULL, NULL, 0, 0, 0 };
    size_t first = k0 + UNIT_LANES;
    if (first >= job->count || job->stride > job->n)
        return ahead;
    size_t last = first + UNIT_LANES <= job->count ? first + UNIT_LANES - 1
                                                   : job->count - 1;
    const char *start = (const char *)(job->series + first * job->stride);
    const char *end =
        (const char *)(job->series + last * job->stride + job->n);
    ahead.next = (const char *)((uintptr_t)start & ~(uintptr_t)63);
    ahead.lines = (size_t)(end - ahead.next + 63) / 64;
    size_t blocks = job->m / BLOCK_ROWS;
    ahead.slice = ahead.lines / (blocks ? blocks : 1) + 1;
    if (4 * job->band + 2 >= job->n) { /* wide: L2, then L1, in halves */
        ahead.next_l2 = ahead.next;
        ahead.lines_l2 = ahead.lines;
        ahead.slice *= 2;
    }
    return ahead;
}

/* The windows of a group, lane-major, into cols[j * groups] (the group's
 * place among the unit's groups): VEC_WIDTH values of every window at
 * once, turned by one transpose; the last n % VEC_WIDTH one value at a
 * time. Returns 1 when every value copied is finite (FOLD_NONFINITE), one
 * fold a lane: a single one would chain every fold of the copy. */
static int FUNC(copy_lanes)(const double *const *window, size_t n,
                            size_t groups, VEC *cols)
{
    VEC nonfinite[VEC_WIDTH];
    for (size_t l = 0; l < VEC_WIDTH; l++)
        nonfinite[l] = VSET1(0.0);
    size_t j = 0;
    for (; j + VEC_WIDTH <= n; j += VEC_WIDTH) {
        VEC block[VEC_WIDTH];
        FUNC(load_transposed)(block, window, j);
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            nonfinite[l] = FOLD_NONFINITE(nonfinite[l], block[l]);
            cols[(j + l) * groups] = block[l];
        }
    }
    int finite = 1;
    for (; j < n; j++) {
        double *col_values = (double *)&cols[j * groups];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            col_values[l] = window[l][j];
            finite &= isfinite(window[l][j]) != 0;
        }
    }
    for (size_t l = 1; l < VEC_WIDTH; l++) /* NaN + x is NaN */
        nonfinite[0] = VADD(nonfinite[0], nonfinite[l]);
    double sums[VEC_WIDTH];
    VSTOREU(sums, nonfinite[0]);
    for (size_t l = 0; l < VEC_WIDTH; l++)
        finite &= sums[l] == 0.0;
    return finite;
}

/* Windows k0 .. k0 + valid - 1 (valid <= groups * VEC_WIDTH) into out,
 * in `groups` lane groups (1 or UNIT_GROUPS). Lanes past `valid` repeat
 * the last valid window, so nothing is read past the input, and their
 * results are dropped. work: (2n + 1) * groups vectors. Returns 0,
 * writing nothing, when a value of the windows is not finite. */
static int FUNC(lane_groups)(const hdtw_job *job, size_t k0, size_t valid,
                             size_t groups, VEC *work, double *out)
{
    VEC *cols = work, *row = work + job->n * groups;
    const double *window[UNIT_LANES];
    for (size_t l = 0; l < groups * VEC_WIDTH; l++)
        window[l] = job->series +
                    (k0 + (l < valid ? l : valid - 1)) * job->stride;
    for (size_t g = 0; g < groups; g++)
        if (!FUNC(copy_lanes)(window + g * VEC_WIDTH, job->n, groups,
                              cols + g))
            return 0;
    hdtw_ahead ahead = FUNC(ahead)(job, k0);
    if (job->cost == HDTW_COST_SQUARED)
        FUNC(lanes_dp_squared)((int)groups, job->pattern, job->m, job->band,
                               job->n, cols, job->max_dist, row, &ahead);
    else
        FUNC(lanes_dp_abs)((int)groups, job->pattern, job->m, job->band,
                           job->n, cols, job->max_dist, row, &ahead);
    const double *result = (const double *)&row[job->n * groups];
    for (size_t l = 0; l < valid; l++)
        out[k0 + l] = result[l];
    return 1;
}

/* Windows k0 .. k0 + valid - 1 (valid <= UNIT_LANES) into out, as
 * lane_groups: UNIT_GROUPS groups swept together, or one at a time when
 * the unit holds at most one group's windows or when lanes may be
 * abandoned (max_dist finite, > 0): groups swept together stop only when
 * all their lanes are beyond max_dist, which happens later than for each
 * group alone and costs more than sweeping them together saves. */
static int FUNC(lane_unit)(const hdtw_job *job, size_t k0, size_t valid,
                           VEC *work, double *out)
{
    int abandons = job->max_dist > 0 && job->max_dist < INFINITY;
    if (valid > VEC_WIDTH && !abandons)
        return FUNC(lane_groups)(job, k0, valid, UNIT_GROUPS, work, out);
    for (size_t k = 0; k < valid; k += VEC_WIDTH) {
        size_t left = valid - k;
        if (!FUNC(lane_groups)(job, k0 + k,
                               left < VEC_WIDTH ? left : VEC_WIDTH, 1, work,
                               out))
            return 0;
    }
    return 1;
}
