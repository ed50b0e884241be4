/*
 * lower_bounds.h — envelopes and the lower bounds of the search cascade
 * (cpu/lower_bounds.c), and the one rule that turns a floating-point lower
 * bound into a safe pruning decision.
 *
 * Why a computed bound needs a margin. In real arithmetic LB <= DTW. Both
 * are floating-point sums of non-negative terms, and the DTW is the
 * sequential sum along its optimal path (each cell is D = cost + D(prev),
 * one rounded addition). Rounding is monotone, so that sequential sum is at
 * least the sequential sum of any subset of its terms, each replaced by
 * something no larger: every path visits each row (and each column) at
 * least once, in increasing order, and a bound term is never above the cost
 * of the cell it stands for (|x - U| <= |x - y| when U lies between x and
 * y, also after rounding). So DTW >= S_seq, the bound terms summed in row
 * (or column) order. The cascade sums them in another order (query
 * reordering, suffix sums, the early-abandoning row minimum plus a suffix):
 * any order of n non-negative terms is within a factor (1 +- g_n) of the
 * exact sum E, g_n = n u / (1 - n u), u = 2^-53 (Higham, Accuracy and
 * Stability, 4.2; addition's error model holds with subnormals too). Hence
 *     DTW >= S_seq >= (1 - g) E >= LB (1 - g) / (1 + g) >= LB (1 - 2 g).
 * hdtw_lb_limit returns a threshold T' >= T / (1 - 2 g_{m+1}) (see its
 * proof); LB > T' then proves DTW > T. Overflowed terms only make T' or LB
 * infinite, which the comparison handles (inf > T' prunes only when the
 * exact sum is itself beyond T').
 */
#ifndef HDTW_CPU_LOWER_BOUNDS_H
#define HDTW_CPU_LOWER_BOUNDS_H

#include "cpu/band.h"

#include <stddef.h>

/* The smallest T' with the guarantee above for queries of length m, as
 * T' = max(T, DBL_MIN) * (1 + (8m + 16) u), evaluated in floating point.
 * Proof: with T >= DBL_MIN the product is normal, so rounding loses at most
 * a factor (1 - u), and 1 + (8m + 16) u rounds to within u of itself:
 * T' >= T (1 + (8m + 15) u)(1 - u) >= T (1 + (8m + 13) u), while
 * 1 / (1 - 2 g_{m+1}) <= 1 + (2m + 3) u + O(m^2 u^2) for m < 2^40.
 * Raising T to DBL_MIN only raises T'. T = +inf gives +inf (no pruning). */
double hdtw_lb_limit(double threshold, size_t m);

/* Cost of x against the band [lo, hi]: 0 inside, else the cell cost to the
 * nearer end. Never above c(x, y) for any y in [lo, hi]. Branch-free: at
 * most one of the two gaps is positive, and that gap is the rounded
 * difference fabs(x - end) the cell cost would take (rounding is symmetric). */
static inline double hdtw_lb_term(hdtw_cost cost, double x, double lo,
                                  double hi)
{
    double above = x - hi, below = lo - x;
    double gap = above > below ? above : below;
    gap = gap > 0.0 ? gap : 0.0;
    return cost == HDTW_COST_SQUARED ? gap * gap : gap;
}

/* Envelope of y[0 .. len-1] with half width r for positions t0 .. t1-1:
 * lo[t - t0] = min y[t-r .. t+r], hi[t - t0] = max, over the part inside
 * [0, len). Van Herk / Gil-Werman: O(1) per point whatever r is. scratch
 * holds 4 * (t1 - t0 + 2r) doubles. */
void hdtw_envelope(const double *y, size_t len, size_t r, size_t t0,
                   size_t t1, double *lo, double *hi, double *scratch);

/* The query side of a search, fixed for all windows. */
typedef struct {
    hdtw_cost cost;
    size_t m;
    const double *q;       /* the (normalised) query */
    const double *lo, *hi; /* its envelope, half width r */
    const size_t *order;   /* indices by |q| descending: big terms first */
} hdtw_lb_query;

/* LB_Kim on the normalised window x (first and last cells, then for
 * m >= 4 the cheapest cell of the next ring at each end: cells on every
 * path, in distinct rows). `ends` holds x[0], x[1], x[m-2], x[m-1]. Stops
 * after the first/last pair when that already exceeds limit. */
double hdtw_lb_kim(const hdtw_lb_query *lq, const double ends[4],
                   double limit);

#endif
