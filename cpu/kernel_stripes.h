/* SPDX-License-Identifier: MIT */
/*
 * kernel_stripes.h — one pair without a band, in horizontal stripes of
 * STRIPE_ROWS = VEC_WIDTH * LANE_ROWS rows; included once per ISA after
 * kernel_lanes.h (same macros, plus VSHIFT_IN(x, s) = the vector
 * (s, x[0], ..., x[VEC_WIDTH - 2])).
 *
 * Within a stripe, lane l owns the LANE_ROWS rows base + l * LANE_ROWS + r
 * and runs STRIPE_SKEW columns behind lane l - 1: at step t it does column
 * t - l * STRIPE_SKEW. Its top row's "up" is lane l - 1's bottom row of
 * STRIPE_SKEW steps before (the same column), shifted one lane over; lane 0
 * takes the previous stripe's bottom row. So a step is one column of the
 * register block of kernel_lanes.h (the same cell arithmetic, the rows in
 * registers) and the only memory traffic is the skewed b value and the
 * bottom row, one vector each a step: the anti-diagonals' three loads of
 * neighbours and their L1-overflowing working set are gone. The skew keeps
 * the lane-to-lane dependency (a chain through all rows of the block plus
 * the shift) off the critical path of each step.
 *
 * Lanes outside the matrix (a column before 0 or after n - 1) see b = +inf:
 * every such cell is +inf (inf - x, its abs or square, and inf + min are
 * +inf), exactly the reference's column -1, and what they compute past
 * n - 1 is never read. Pattern rows past m - 1 repeat a[m - 1] (any
 * finite value would do): they feed only rows below them, which are never
 * read either.
 */

#include "core/alloc.h"

#include <stddef.h>
#include <stdint.h>

/* Columns lane l + 1 runs behind lane l: the lane-to-lane chain of
 * LANE_ROWS cells plus the shift must fit in this many steps (the skews
 * measured: bench/RESULTS.md, "Measurements behind the code's constants"). */
#define STRIPE_SKEW 6
#define STRIPE_ROWS (VEC_WIDTH * LANE_ROWS)
/* steps lane VEC_WIDTH - 1 trails lane 0 */
#define STRIPE_SPAN ((VEC_WIDTH - 1) * STRIPE_SKEW)

/* count items of `size` bytes, vector-aligned; NULL when the size
 * overflows or the allocation fails. kernel_run.h uses it too. */
static void *FUNC(aligned_work)(size_t count, size_t size)
{
    if (count > SIZE_MAX / size)
        return NULL;
    return hdtw_malloc_aligned(sizeof(VEC), count * size);
}

/* Vectors of work area stripes_dp needs for an n-column pair. */
static size_t FUNC(stripes_work_vectors)(size_t n)
{
    return (n + STRIPE_SPAN) + (STRIPE_SKEW + n + 2 * STRIPE_SPAN);
}

/* One stripe from row base, steps 0 .. steps - 1. bottom[t] receives the
 * stripe's bottom row at step t and holds, at t + STRIPE_SPAN, the previous
 * stripe's (its last lane did column t there), read before it is
 * overwritten; bottom[-STRIPE_SKEW .. -1] are +inf. corner is D(base - 1,
 * -1). On return left[r] holds each lane's row r at its column of step
 * steps - 1. */
ALWAYS_INLINE void FUNC(stripe)(int squared, const double *a, size_t m,
                                size_t base, const VEC *skewed_b,
                                VEC *bottom, size_t steps, double corner,
                                VEC *left_out)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS];
    for (int r = 0; r < LANE_ROWS; r++) {
        double lanes[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            size_t i = base + l * LANE_ROWS + (size_t)r;
            lanes[l] = a[i < m ? i : m - 1]; /* a select, not a branch */
        }
        pat[r] = VLOADU(lanes);
        left[r] = VSET1(INFINITY);
    }
    const VEC *lagged = bottom - STRIPE_SKEW;
    VEC diag = VSHIFT_IN(VSET1(INFINITY), corner);
    for (size_t t = 0; t < steps; t++) {
        const double *above = (const double *)&bottom[t + STRIPE_SPAN];
        VEC cell = VSHIFT_IN(lagged[t], above[VEC_WIDTH - 1]);
        diag = FUNC(column)(squared, LANE_ROWS, 0, NULL, pat, left,
                            skewed_b[t], diag, &cell);
        bottom[t] = cell;
    }
    for (int r = 0; r < LANE_ROWS; r++)
        left_out[r] = left[r];
}

ALWAYS_INLINE double FUNC(stripes_dp)(int squared, const double *a, size_t m,
                                      const double *b, size_t n, VEC *work)
{
    VEC *skewed_b = work, *bottom = work + n + STRIPE_SPAN + STRIPE_SKEW;
    /* the whole work area (skewed b, then bottom from bottom[-STRIPE_SKEW])
     * starts +inf; then lane l of skewed_b[l * STRIPE_SKEW + j] = b[j]:
     * no per-element test */
    size_t vectors = FUNC(stripes_work_vectors)(n);
    const VEC inf = VSET1(INFINITY);
    for (size_t k = 0; k < vectors; k++)
        work[k] = inf;
    double *sb = (double *)skewed_b;
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        double *lane = sb + l * STRIPE_SKEW * VEC_WIDTH + l;
        for (size_t j = 0; j < n; j++)
            lane[j * VEC_WIDTH] = b[j];
    }

    VEC left[LANE_ROWS];
    size_t base = 0;
    for (; base + STRIPE_ROWS < m; base += STRIPE_ROWS)
        FUNC(stripe)(squared, a, m, base, skewed_b, bottom, n + STRIPE_SPAN,
                     base == 0 ? 0.0 : INFINITY, left);
    /* the last stripe stops when the lane of row m - 1 has done column
     * n - 1 */
    size_t lane = (m - 1 - base) / LANE_ROWS, r = (m - 1 - base) % LANE_ROWS;
    FUNC(stripe)(squared, a, m, base, skewed_b, bottom,
                 n + lane * STRIPE_SKEW, base == 0 ? 0.0 : INFINITY, left);
    return ((const double *)&left[r])[lane];
}

static double FUNC(stripes_dp_abs)(const double *a, size_t m, const double *b,
                                   size_t n, VEC *work)
{
    return FUNC(stripes_dp)(0, a, m, b, n, work);
}

static double FUNC(stripes_dp_squared)(const double *a, size_t m,
                                       const double *b, size_t n, VEC *work)
{
    return FUNC(stripes_dp)(1, a, m, b, n, work);
}

/* One pair whose band covers the whole matrix, into out[0]. */
static hdtw_status FUNC(stripes_run)(const hdtw_job *job, double *out)
{
    VEC *work = FUNC(aligned_work)(FUNC(stripes_work_vectors)(job->n),
                                   sizeof(VEC));
    if (!work)
        return HDTW_E_NOMEM;
    if (job->cost == HDTW_COST_SQUARED)
        out[0] = FUNC(stripes_dp_squared)(job->pattern, job->m, job->series,
                                          job->n, work);
    else
        out[0] = FUNC(stripes_dp_abs)(job->pattern, job->m, job->series,
                                      job->n, work);
    hdtw_free(work);
    return HDTW_OK;
}
