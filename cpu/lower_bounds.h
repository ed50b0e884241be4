/* SPDX-License-Identifier: MIT */
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

#include "cpu/cell.h"

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

/* The search's envelope loops (cpu/search_lb_template.h) take windows of
 * 2r + 1 up to this by doubling, wider ones by hdtw_envelope. */
#define HDTW_ENVELOPE_DOUBLING_MAX 32

/* The points the envelope of positions t0 .. t1-1 reads, with half width
 * r: up[k] = down[k] = y[t0 - r + k] for k < t1 - t0 + 2r, -inf (up) and
 * +inf (down) outside y. */
void hdtw_envelope_pad(const double *y, size_t len, size_t r, size_t t0,
                       size_t t1, double *up, double *down);

/* The query side of a search, fixed for all windows. */
typedef struct {
    hdtw_cost cost;
    size_t m;
    const double *q;       /* the (normalised) query */
    const double *lo, *hi; /* its envelope, half width r */
    const size_t *order;   /* first indices of the blocks of the bound
                              loops (cpu/search_lb.h), by the sum of |q|
                              over the block descending: big terms first */
    double pad;            /* hdtw_lb_envelope_pad(lo, hi, m) */
} hdtw_lb_query;

/* fl(fl(2^-50 Q) + 2^-1000), Q = max |lo[j]|, |hi[j]|: the part of LB_Keogh
 * EQ's rounding allowance that the envelope's size needs
 * (cpu/search_lb_template.h). */
double hdtw_lb_envelope_pad(const double *lo, const double *hi, size_t m);

/* LB_Kim on the normalised window x (first and last cells, then for
 * m >= 4 the cheapest cell of the next ring at each end: cells on every
 * path, in distinct rows). `ends` holds x[0], x[1], x[m-2], x[m-1]. Stops
 * after the first/last pair when that already exceeds limit. */
double hdtw_lb_kim(const hdtw_lb_query *lq, const double ends[4],
                   double limit);

/*
 * LB_Kim before the exact statistics: a pre-filter, so that the O(m)
 * per-window sums of cpu/znorm.c are computed only for windows it cannot
 * reject. It never prunes a window the exact LB_Kim would keep, because
 * each of its terms is at most the computed cost of its cell; the proof:
 *
 * Setting. A chunk's span (T points, T >= m, u = 2^-53) has prefix sums
 * P[t] = sum x[0..t-1] and PQ[t] = sum x[i]^2, summed left to right, and
 * M >= max |x| over the span. Window w has S = P[w+m] - P[w],
 * Q = PQ[w+m] - PQ[w], a = S / m (as S * fl(1/m)), v = Q / m - a^2, and
 * the exact statistics mu, sd of hdtw_window_stats. R, V: the real sum
 * and population variance of the window. gamma_n = n u / (1 - n u)
 * <= 1.01 n u here (Higham 3.1). Recursive summation errs by at most
 * gamma_{n-1} sum |terms| (Higham 4.2), every |x| <= M, every x^2 <= M^2.
 *  1. |S - R| <= 2 gamma_T T M + u m M <= (2.03 T^2 + m) u M, likewise
 *     |Q - sum x^2| <= (4.05 T^2 + 1.01 m) u M^2 (each square rounds too).
 *  2. |mu - R/m| <= 1.01 m u M (mu's own sum and division), and
 *     |a - R/m| <= |S - R| / m + 2.02 u M; so |mu - a| <= dmu with
 *     dmu = (3 T^2 / m + 2 m + 8) u M.
 *  3. Tracing the three roundings of v and the error of a through a^2:
 *     |v - V| <= (8.2 T^2 / m + 13) u M^2 <= dvar = (12 T^2/m + 32) u M^2.
 *  4. sd^2 = (sum over the window of (x - mu)^2 / m)(1 + t) with
 *     |t| <= 1.01 (m + 6) u: the roundings of x - mu, its square, the
 *     nonnegative sum, / m, sqrt. That holds without underflow when
 *     v - dvar >= 2^-900 (required below: then every partial sum and the
 *     quotient are normal, and a square that underflows loses less than
 *     2^-1075, under 2^-170 of the total). The sum equals V + (R/m - mu)^2,
 *     within [V, V + dmu^2]. Hence sd^2 / v lies in [1 - z, 1 + z] for
 *     z = 1.01 ((dvar + dmu^2) / v + (m + 8) u), and with z <= 1/2,
 *     sd / sqrt(v) in [1 - z, 1 + z]. (v - dvar >= 2^-900 > 0 also means
 *     V > 0: the window is not constant, so sd is not forced to 0.)
 *  5. An end value e = fl(fl(x - mu) / sd) against its estimate
 *     c = fl(fl(x - a) * r), r = fl(1 / fl(sqrt(v))): writing
 *     y = (x - a) / sqrt(v), c = y (1 + 4.02 u), e = (y + (a - mu) /
 *     sqrt(v)) (1 + 2.01 u) / (1 + s) with |s| <= z, so
 *     |e - c| <= |c| (2.1 z + 8 u) + 2.1 dmu r + 2^-1000 = rad
 *     (the last term: either value may underflow, losing 2^-1075).
 *  6. The term. With g = max(fl(fl(|fl(q - c)|) (1 - 2^-40)) - rad), 0),
 *     g <= |fl(q - e)|: the first product is at most |q - c|(1 - 2^-41),
 *     and |q - c| - rad <= |q - e| loses at most a factor (1 - u) to the
 *     rounding of q - e and of the subtraction of rad, both covered by
 *     2^-41 |q - c| >= 2 u (|q - c| - rad). So g (abs) or fl(g g)
 *     (squared) is at most the cell's computed cost (rounding is
 *     monotone), and sums of such terms compare with hdtw_lb_limit exactly
 *     as LB_Kim's do.
 * Where the conditions fail (v - dvar < 2^-900, z > 1/2, or anything
 * non-finite) the estimate is 0: the window goes on to the exact test.
 * Computing dmu, dvar, z and rad in floating point loses a few u each,
 * which the rounded-up constants above (3 vs 2.03, 12 vs 8.2, 2.1 vs
 * 2.02, 8 vs 6.1, 1.01) cover.
 */
typedef struct {
    double inv_m; /* fl(1 / m) */
    double dmu;   /* step 2 */
    double dvar;  /* step 3 */
    double zpad;  /* (m + 8) u, step 4 */
} hdtw_kim_estimate;

/* The constants above for a span of T points with max |x| <= M. */
hdtw_kim_estimate hdtw_kim_estimate_for(size_t m, size_t T, double M);

#endif
