/* SPDX-License-Identifier: MIT */
/*
 * subsequence_stripes.h — hdtw_subsequence's pass in horizontal stripes of
 * VEC_WIDTH * LANE_ROWS query rows, the shape of cpu/kernel_stripes.h with
 * a start carried next to every cost. Included once per instruction set
 * (cpu/subsequence_avx2.c, cpu/subsequence_avx512.c), which define:
 *
 *   VEC, VEC_WIDTH, LANE_ROWS     vector of VEC_WIDTH doubles, rows a lane
 *   VLOADU, VSTOREU, VSET1        unaligned load/store, broadcast
 *   VSUB, VMUL, VADD, VMIN, VABS  lane-wise, correctly rounded, exact min
 *   VSHIFT_IN(x, s)               (s, x[0], ..., x[VEC_WIDTH - 2])
 *   VMASK, VLE(x, y)              lane mask of x <= y
 *   VSELECT(k, a, b)              a where k is set, else b, bit for bit
 *   VIDX, VIDX_LOAD(p)            vector of VEC_WIDTH long longs, loaded
 *   VGATHER(p, idx)               lane l = p[idx lane l]
 *   FUNC(name)                    ISA-specific name of a static function
 *
 * Lane l owns rows base + l * LANE_ROWS .. + LANE_ROWS - 1 of the stripe
 * and runs SUB_SKEW columns behind lane l - 1 (at step t it does column
 * t - l * SUB_SKEW), so its top row's up neighbour, lane l - 1's bottom row
 * in the same column, was finished SUB_SKEW steps before: the lanes never
 * wait on each other. A step is LANE_ROWS cells a lane, all in registers.
 * Lane 0's up neighbour is the stripe above's bottom row, kept one double a
 * column (cost and start) and overwritten in place by this stripe's.
 *
 * Starts ride as the bit patterns of their size_t in doubles: selects move
 * bits and nothing does arithmetic on them. A cell's cost is the scalar
 * pass's (one rounded sub, abs or mul, exact min, one rounded add) and its
 * start is picked by the same tie rule: diagonal when diag <= min(up,
 * left), which is diag <= up && diag <= left (no NaN ever arrives), else
 * up when up <= left, else left.
 *
 * Row -1 of the first stripe is cost 0 with start c + 1 in column c: row 0
 * of column t then takes its diagonal neighbour, cost 0 and start t, which
 * is the free start D(0, t) = c(q0, s_t) + 0 (exact). Columns before 0
 * read the series as +inf, so their cells are +inf with start 0, the scalar
 * pass's column -1; cells of columns past the series and rows past the
 * query are never read by a cell that is.
 */
#include "cpu/subsequence.h"

#include "core/alloc.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Columns lane l + 1 runs behind lane l: one step's chain down a lane's
 * rows plus the shift must fit in it. */
#define SUB_SKEW 6
#define SUB_ROWS (VEC_WIDTH * LANE_ROWS)
/* steps the last lane trails lane 0; the series' +inf padding each side */
#define SUB_SPAN ((VEC_WIDTH - 1) * SUB_SKEW)
/* the last bottom rows a lane's successor still needs: a power of two
 * >= SUB_SKEW */
#define SUB_RING 8

/* The stripes' working memory, one allocation: the series with SUB_SPAN
 * +inf each side, and the row above the stripe (cost, start bits) a column. */
typedef struct {
    double *padded;
    double *edge_cost;
    double *edge_start;
} FUNC(sub_work);

ALWAYS_INLINE double FUNC(bits_of)(size_t start)
{
    uint64_t u = start;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

ALWAYS_INLINE size_t FUNC(start_of)(double bits)
{
    uint64_t u;
    memcpy(&u, &bits, sizeof u);
    return (size_t)u;
}

ALWAYS_INLINE double FUNC(lane)(VEC x, size_t l)
{
    double lanes[VEC_WIDTH];
    VSTOREU(lanes, x);
    return lanes[l];
}

/* One column of `rows` rows (a constant once inlined) in every lane: a
 * step of a stripe, or a column of a row block (subsequence_chunks.h). s is
 * each lane's series value; up/up_start hold the cells above each lane's
 * top row on entry and each lane's bottom row on return; diag/diag_start
 * are the cells above of the column before. */
ALWAYS_INLINE void FUNC(sub_column)(int squared, int rows, const VEC *pat,
                                    VEC *left, VEC *left_start, VEC s,
                                    VEC diag, VEC diag_start, VEC *up,
                                    VEC *up_start)
{
    VEC u = *up, us = *up_start;
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
        VEC l = left[r], ls = left_start[r];
        VEC up_or_left = VMIN(u, l);
        VEC start = VSELECT(VLE(u, l), us, ls);
        start = VSELECT(VLE(diag, up_or_left), diag_start, start);
        VEC d = VSUB(pat[r], s);
        VEC c = squared ? VMUL(d, d) : VABS(d);
        VEC cell = VADD(c, VMIN(diag, up_or_left));
        left[r] = cell;
        left_start[r] = start;
        diag = l;
        diag_start = ls;
        u = cell;
        us = start;
    }
    *up = u;
    *up_start = us;
}

/* The stripe of rows base .. base + SUB_ROWS - 1 over the whole series.
 * corner: D(base - 1, -1) (0 for the first stripe, else +inf). The last
 * stripe (the one holding row m - 1) writes every end instead of its
 * bottom row. */
ALWAYS_INLINE void FUNC(sub_stripe)(int squared, const double *query,
                                    size_t m, size_t base, size_t len,
                                    FUNC(sub_work) w, double corner,
                                    const hdtw_subseq_ends *ends)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS], left_start[LANE_ROWS];
    VEC ring[SUB_RING], ring_start[SUB_RING];
    const VEC inf = VSET1(INFINITY), zero = VSET1(FUNC(bits_of)(0));
    for (int r = 0; r < LANE_ROWS; r++) {
        double lanes[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            size_t i = base + l * LANE_ROWS + (size_t)r;
            lanes[l] = query[i < m ? i : m - 1];
        }
        pat[r] = VLOADU(lanes);
        left[r] = inf;
        left_start[r] = zero;
    }
    for (int k = 0; k < SUB_RING; k++) {
        ring[k] = inf;
        ring_start[k] = zero;
    }
    /* lane l reads the series at column t - l * SUB_SKEW */
    long long offsets[VEC_WIDTH];
    for (size_t l = 0; l < VEC_WIDTH; l++)
        offsets[l] = (long long)(SUB_SPAN - SUB_SKEW * l);
    const VIDX skew = VIDX_LOAD(offsets);
    size_t end_lane = 0, end_row = 0, steps = len + SUB_SPAN;
    if (ends) {
        end_lane = (m - 1 - base) / LANE_ROWS;
        end_row = (m - 1 - base) % LANE_ROWS;
        steps = len + end_lane * SUB_SKEW;
    }
    VEC diag = VSHIFT_IN(inf, corner), diag_start = zero;
    for (size_t t = 0; t < steps; t++) {
        size_t lagged = (t + SUB_RING - SUB_SKEW) % SUB_RING;
        int inside = t < len;
        VEC up = VSHIFT_IN(ring[lagged], inside ? w.edge_cost[t] : INFINITY);
        VEC up_start = VSHIFT_IN(ring_start[lagged],
                                 inside ? w.edge_start[t] : 0.0);
        VEC next_diag = up, next_diag_start = up_start;
        FUNC(sub_column)(squared, LANE_ROWS, pat, left, left_start,
                         VGATHER(w.padded + t, skew), diag, diag_start, &up,
                         &up_start);
        ring[t % SUB_RING] = up;
        ring_start[t % SUB_RING] = up_start;
        diag = next_diag;
        diag_start = next_diag_start;
        if (ends && t >= end_lane * SUB_SKEW) {
            size_t e = t - end_lane * SUB_SKEW;
            ends->cost[e] = FUNC(lane)(left[end_row], end_lane);
            ends->start[e] =
                FUNC(start_of)(FUNC(lane)(left_start[end_row], end_lane));
        } else if (!ends && t >= SUB_SPAN) {
            w.edge_cost[t - SUB_SPAN] = FUNC(lane)(up, VEC_WIDTH - 1);
            w.edge_start[t - SUB_SPAN] = FUNC(lane)(up_start, VEC_WIDTH - 1);
        }
    }
}

ALWAYS_INLINE void FUNC(sub_stripes)(int squared, const double *query,
                                     size_t m, size_t len, FUNC(sub_work) w,
                                     const hdtw_subseq_ends *ends)
{
    for (size_t c = 0; c < len; c++) { /* row -1 */
        w.edge_cost[c] = 0.0;
        w.edge_start[c] = FUNC(bits_of)(c + 1);
    }
    size_t base = 0;
    for (; base + SUB_ROWS < m; base += SUB_ROWS)
        FUNC(sub_stripe)(squared, query, m, base, len, w,
                         base == 0 ? 0.0 : INFINITY, NULL);
    FUNC(sub_stripe)(squared, query, m, base, len, w,
                     base == 0 ? 0.0 : INFINITY, ends);
}

static void FUNC(sub_stripes_abs)(const double *query, size_t m, size_t len,
                                  FUNC(sub_work) w,
                                  const hdtw_subseq_ends *ends)
{
    FUNC(sub_stripes)(0, query, m, len, w, ends);
}

static void FUNC(sub_stripes_squared)(const double *query, size_t m,
                                      size_t len, FUNC(sub_work) w,
                                      const hdtw_subseq_ends *ends)
{
    FUNC(sub_stripes)(1, query, m, len, w, ends);
}

/* The backend entry: call->subseq's costs into call->end_costs, their
 * starts into an array finder. */
static hdtw_status FUNC(sub_run)(const hdtw_call *call)
{
    const hdtw_subseq_job *job = call->subseq;
    size_t len = job->len;
    if (!hdtw_values_finite(job->series, len))
        return HDTW_E_NONFINITE;
    if (len > (SIZE_MAX / sizeof(double) - 2 * SUB_SPAN) / 3)
        return HDTW_E_NOMEM;
    double *block = hdtw_malloc((3 * len + 2 * SUB_SPAN) * sizeof *block);
    hdtw_subseq_ends ends = { call->end_costs, NULL };
    hdtw_subseq_finder *finder = hdtw_subseq_array_finder(len, &ends.start);
    if (!block || !finder) {
        hdtw_free(block);
        if (finder)
            finder->close(finder);
        return HDTW_E_NOMEM;
    }
    FUNC(sub_work) w = { block, block + len + 2 * SUB_SPAN,
                         block + 2 * len + 2 * SUB_SPAN };
    for (size_t k = 0; k < SUB_SPAN; k++)
        w.padded[k] = w.padded[SUB_SPAN + len + k] = INFINITY;
    memcpy(w.padded + SUB_SPAN, job->series, len * sizeof *job->series);
    if (job->cost == HDTW_COST_SQUARED)
        FUNC(sub_stripes_squared)(job->query, job->m, len, w, &ends);
    else
        FUNC(sub_stripes_abs)(job->query, job->m, len, w, &ends);
    hdtw_free(block);
    hdtw_subseq_block_minima(ends.cost, 0, len, call->end_block_min);
    *call->subseq_finder = finder;
    return HDTW_OK;
}
