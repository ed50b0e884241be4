/* SPDX-License-Identifier: MIT */
/*
 * search_lb_template.h — the lower bounds of cpu/search_lb.h, written once
 * for any vector width. The including file names the instructions:
 *   VEC, VEC_WIDTH            the vector type and its lanes (doubles)
 *   VLOADU(p), VSTOREU(p, x)  unaligned load / store
 *   VSET1(x)                  broadcast
 *   VADD VSUB VMUL VDIV       one IEEE operation per lane
 *   VMAX(x, y), VMIN(x, y)    x > y ? x : y, x < y ? x : y per lane
 *   VABS(x), VHSUM(x)         |x| per lane; the sum of the lanes
 *   VSQRT(x)                  IEEE square root per lane
 *   VKEEP_IF_GE(a, b, x)      x where a >= b, else 0 (NaN: 0)
 *   FUNC(name), LB_KERNELS    the local names and the exported table
 *   SEARCH_ENTRY              the backend's search entry (cpu/cpu.h)
 * Normalised values are VDIV(VSUB(x, mean), sd), the operations of
 * hdtw_normalise for sd != 0: the same bits whatever the width.
 */
#include <float.h>
#include <math.h>

static inline VEC FUNC(cell)(int squared, VEC d)
{
    return squared ? VMUL(d, d) : VABS(d);
}

/* the cost of x against the band [lo, hi], as hdtw_lb_term */
static inline VEC FUNC(term)(int squared, VEC x, VEC lo, VEC hi)
{
    VEC gap = VMAX(VMAX(VSUB(x, hi), VSUB(lo, x)), VSET1(0.0));
    return squared ? VMUL(gap, gap) : gap;
}

static inline VEC FUNC(cheapest3)(int sq, VEC a0, VEC b0, VEC a1, VEC b1)
{
    return VMIN(VMIN(FUNC(cell)(sq, VSUB(a0, b1)), FUNC(cell)(sq, VSUB(a1, b0))),
                FUNC(cell)(sq, VSUB(a1, b1)));
}

/* The points LB_Kim reads: 0, 1, m - 2, m - 1 (clamped for m < 2). */
typedef struct {
    VEC at[4];
} FUNC(ends);

static inline FUNC(ends) FUNC(query_ends)(const hdtw_lb_query *lq)
{
    size_t m = lq->m, i1 = m > 1 ? 1 : 0, i2 = m > 1 ? m - 2 : 0;
    return (FUNC(ends)){ { VSET1(lq->q[0]), VSET1(lq->q[i1]),
                           VSET1(lq->q[i2]), VSET1(lq->q[m - 1]) } };
}

/* Lane l: window w + l. Zero deviations become DBL_MIN (a non-zero sd is
 * at least 2^-537, so no other lane changes): those lanes get a finite or
 * infinite value nobody reads, and no division by zero. */
static void FUNC(kim)(const hdtw_lb_query *lq, const double *x,
                      const double *mean, const double *sd, size_t n,
                      double *lb)
{
    size_t m = lq->m, w = 0;
    int sq = lq->cost == HDTW_COST_SQUARED;
    FUNC(ends) q = FUNC(query_ends)(lq);
    VEC q0 = q.at[0], q1 = q.at[1], q2 = q.at[2], q3 = q.at[3];
    for (; w + VEC_WIDTH <= n; w += VEC_WIDTH) {
        VEC mu = VLOADU(mean + w), s = VMAX(VLOADU(sd + w), VSET1(DBL_MIN));
        VEC e0 = VDIV(VSUB(VLOADU(x + w), mu), s);
        VEC e3 = VDIV(VSUB(VLOADU(x + w + m - 1), mu), s);
        VEC sum = FUNC(cell)(sq, VSUB(q0, e0));
        if (m > 1)
            sum = VADD(sum, FUNC(cell)(sq, VSUB(q3, e3)));
        if (m >= 4) {
            VEC e1 = VDIV(VSUB(VLOADU(x + w + 1), mu), s);
            VEC e2 = VDIV(VSUB(VLOADU(x + w + m - 2), mu), s);
            sum = VADD(sum, FUNC(cheapest3)(sq, q0, e0, q1, e1));
            sum = VADD(sum, FUNC(cheapest3)(sq, q3, e3, q2, e2));
        }
        VSTOREU(lb + w, sum);
    }
    size_t i1 = m > 1 ? 1 : 0, i2 = m > 1 ? m - 2 : 0;
    for (; w < n; w++) {
        double s = sd[w] > DBL_MIN ? sd[w] : DBL_MIN;
        const double *xs = x + w;
        double ends[4] = { hdtw_normalise(xs[0], mean[w], s),
                           hdtw_normalise(xs[i1], mean[w], s),
                           hdtw_normalise(xs[i2], mean[w], s),
                           hdtw_normalise(xs[m - 1], mean[w], s) };
        lb[w] = hdtw_lb_kim(lq, ends, INFINITY);
    }
}

/* A term of the estimated LB_Kim, step 6 of hdtw_kim_estimate. */
static inline VEC FUNC(estimated_term)(int sq, VEC q, VEC c, VEC rad)
{
    VEC shrunk = VMUL(VABS(VSUB(q, c)), VSET1(1.0 - 0x1p-40));
    VEC gap = VMAX(VSUB(shrunk, rad), VSET1(0.0));
    return sq ? VMUL(gap, gap) : gap;
}

static inline VEC FUNC(estimated_min3)(int sq, VEC qa, VEC ca, VEC ra,
                                       VEC qb, VEC cb, VEC rb)
{
    /* the ring cells (a, b), (b, a), (b, b): query first, window second */
    return VMIN(VMIN(FUNC(estimated_term)(sq, qa, cb, rb),
                     FUNC(estimated_term)(sq, qb, ca, ra)),
                FUNC(estimated_term)(sq, qb, cb, rb));
}

/* LB_Kim of windows w = 0 .. n-1 from the chunk's prefix sums (window w:
 * sum[w + m] - sum[w]), never above the exact one (cpu/lower_bounds.h).
 * Lane l: window w + l. The last n % VEC_WIDTH windows, and windows where
 * the estimate's conditions fail, get 0. */
static void FUNC(kim_estimate)(const hdtw_lb_query *lq, const double *x,
                               const double *sum, const double *sumsq,
                               size_t n, const hdtw_kim_estimate *est,
                               double *lb)
{
    size_t m = lq->m, w = 0;
    int sq = lq->cost == HDTW_COST_SQUARED;
    FUNC(ends) q = FUNC(query_ends)(lq);
    VEC q0 = q.at[0], q1 = q.at[1], q2 = q.at[2], q3 = q.at[3];
    VEC inv_m = VSET1(est->inv_m), dvar = VSET1(est->dvar);
    VEC spread = VSET1(est->dvar + est->dmu * est->dmu);
    VEC mean_pad = VSET1(2.1 * est->dmu);
    for (; w + VEC_WIDTH <= n; w += VEC_WIDTH) {
        VEC a = VMUL(VSUB(VLOADU(sum + w + m), VLOADU(sum + w)), inv_m);
        VEC v = VSUB(VMUL(VSUB(VLOADU(sumsq + w + m), VLOADU(sumsq + w)),
                          inv_m), VMUL(a, a));
        VEC v_pos = VMAX(v, VSET1(DBL_MIN));
        VEC z = VMUL(VSET1(1.01), VADD(VDIV(spread, v_pos),
                                       VSET1(est->zpad)));
        VEC r = VDIV(VSET1(1.0), VSQRT(v_pos));
        VEC rel = VADD(VMUL(VSET1(2.1), z), VSET1(8 * 0x1p-53));
        VEC abs_pad = VADD(VMUL(mean_pad, r), VSET1(0x1p-1000));
        VEC c0 = VMUL(VSUB(VLOADU(x + w), a), r);
        VEC c3 = VMUL(VSUB(VLOADU(x + w + m - 1), a), r);
        VEC r0 = VADD(VMUL(VABS(c0), rel), abs_pad);
        VEC r3 = VADD(VMUL(VABS(c3), rel), abs_pad);
        VEC total = FUNC(estimated_term)(sq, q0, c0, r0);
        if (m > 1)
            total = VADD(total, FUNC(estimated_term)(sq, q3, c3, r3));
        if (m >= 4) {
            VEC c1 = VMUL(VSUB(VLOADU(x + w + 1), a), r);
            VEC c2 = VMUL(VSUB(VLOADU(x + w + m - 2), a), r);
            VEC r1 = VADD(VMUL(VABS(c1), rel), abs_pad);
            VEC r2 = VADD(VMUL(VABS(c2), rel), abs_pad);
            total = VADD(total,
                         FUNC(estimated_min3)(sq, q0, c0, r0, q1, c1, r1));
            total = VADD(total,
                         FUNC(estimated_min3)(sq, q3, c3, r3, q2, c2, r2));
        }
        total = VKEEP_IF_GE(VSET1(0.5), z, total);
        VSTOREU(lb + w, VKEEP_IF_GE(VSUB(v, dvar), VSET1(0x1p-900), total));
    }
    for (; w < n; w++)
        lb[w] = 0.0;
}

/*
 * LB_Keogh EQ's terms without a division. A division per point is the
 * slowest instruction of the bound, and most windows are pruned before
 * their normalised values are needed. So the bound reads
 * v = fl(fl(x - mean) * r), r = fl(1 / sd), and the gap is cut so that it
 * never exceeds the gap hdtw_lb_term takes from the exactly normalised
 * e = fl(fl(x - mean) / sd). A non-zero sd lies in [2^-537, 2^512] (sd^2
 * is a finite sum of squares over m, not below the least subnormal), so r
 * is normal; with d = fl(x - mean), v = (d / sd)(1 + e2)(1 + e3) and
 * e = (d / sd)(1 + e1), |ei| <= u = 2^-53, up to 2^-1075 each where a
 * result underflows; so |v - e| <= 3.02 u |v| + 2^-1073.
 * The gap above, g = fl(v - hi) > 0, is at most G + u (|v| + Q) for the
 * real G = v - hi, Q = max |lo|, |hi| over the envelope (likewise below:
 * lo - v). The cut pad = fl(fl(|v| 2^-50) + lq->pad), lq->pad =
 * fl(fl(2^-50 Q) + 2^-1000), is at least 7.9 u |v| + 7.9 u Q + 2^-1001,
 * so g - pad <= G - |v - e| <= e - hi and, rounding being monotone,
 * fl(g - pad) <= fl(e - hi), the gap of the exact value. The cut gap,
 * clipped at 0 and squared or not, is then at most hdtw_lb_term's, so the
 * cascade's argument (cpu/lower_bounds.h) holds unchanged. The exact
 * values are written once the window is kept.
 */
static inline VEC FUNC(term_without_division)(int sq, VEC v, VEC lo, VEC hi,
                                              VEC pad0)
{
    VEC gap = VMAX(VSUB(v, hi), VSUB(lo, v));
    VEC pad = VADD(VMUL(VABS(v), VSET1(0x1p-50)), pad0);
    gap = VMAX(VSUB(gap, pad), VSET1(0.0));
    return sq ? VMUL(gap, gap) : gap;
}

/* The two LB_Keogh bounds share their walk: blocks in lq->order, then the
 * tail in index order, the partial sum checked after each block. With
 * `window` (LB_Keogh EQ) the window xs, normalised by multiplying with
 * r = 1 / sd (see above; the tail is normalised exactly into x), is
 * bounded by the query's envelope; otherwise (EC) the query by the
 * window's envelope elo/ehi, normalised as it goes. */
static inline __attribute__((always_inline)) VEC
FUNC(keogh_block)(const hdtw_lb_query *lq, int window, const double *xs,
                  const double *ehi, VEC mu, VEC s, size_t j)
{
    int sq = lq->cost == HDTW_COST_SQUARED;
    if (window) {
        VEC v = VMUL(VSUB(VLOADU(xs + j), mu), s);
        return FUNC(term_without_division)(sq, v, VLOADU(lq->lo + j),
                                           VLOADU(lq->hi + j),
                                           VSET1(lq->pad));
    }
    VEC lo = VDIV(VSUB(VLOADU(xs + j), mu), s);
    VEC hi = VDIV(VSUB(VLOADU(ehi + j), mu), s);
    return FUNC(term)(sq, VLOADU(lq->q + j), lo, hi);
}

static inline __attribute__((always_inline)) double
FUNC(keogh_point)(const hdtw_lb_query *lq, int window, const double *xs,
                  const double *ehi, double mean, double sd, size_t j,
                  double *x)
{
    if (window) {
        x[j] = hdtw_normalise(xs[j], mean, sd);
        return hdtw_lb_term(lq->cost, x[j], lq->lo[j], lq->hi[j]);
    }
    return hdtw_lb_term(lq->cost, lq->q[j], hdtw_normalise(xs[j], mean, sd),
                        hdtw_normalise(ehi[j], mean, sd));
}

/* s is 1 / sd with `window`, sd otherwise. */
static inline __attribute__((always_inline)) int
FUNC(keogh)(const hdtw_lb_query *lq, int window, const double *xs,
            const double *ehi, double mean, double sd, VEC s, double limit,
            double *x, double *terms, double *total)
{
    size_t m = lq->m, blocks = m / VEC_WIDTH;
    VEC mu = VSET1(mean);
    double lb = 0.0;
    for (size_t b = 0; b < blocks; b++) {
        size_t j = lq->order[b];
        VEC t = FUNC(keogh_block)(lq, window, xs, ehi, mu, s, j);
        VSTOREU(terms + j, t);
        lb += VHSUM(t);
        if (lb > limit)
            return HDTW_LB_PRUNED;
    }
    for (size_t j = blocks * VEC_WIDTH; j < m; j++) {
        terms[j] = FUNC(keogh_point)(lq, window, xs, ehi, mean, sd, j, x);
        lb += terms[j];
    }
    *total = lb;
    return lb > limit ? HDTW_LB_PRUNED : HDTW_LB_KEPT;
}

/* x[0 .. n-1] = the normalised xs, hdtw_normalise's bits (sd != 0). */
static void FUNC(normalise)(const double *xs, size_t n, double mean,
                            double sd, double *x)
{
    VEC mu = VSET1(mean), s = VSET1(sd);
    size_t j = 0;
    for (; j + VEC_WIDTH <= n; j += VEC_WIDTH)
        VSTOREU(x + j, VDIV(VSUB(VLOADU(xs + j), mu), s));
    for (; j < n; j++)
        x[j] = hdtw_normalise(xs[j], mean, sd);
}

static int FUNC(keogh_eq)(const hdtw_lb_query *lq, const double *xs,
                          double mean, double sd, double limit, double *x,
                          double *terms, double *total)
{
    int kept = FUNC(keogh)(lq, 1, xs, NULL, mean, sd, VSET1(1.0 / sd), limit,
                           x, terms, total);
    if (kept == HDTW_LB_KEPT)
        FUNC(normalise)(xs, lq->m / VEC_WIDTH * VEC_WIDTH, mean, sd, x);
    return kept;
}

static int FUNC(keogh_ec)(const hdtw_lb_query *lq, const double *elo,
                          const double *ehi, double mean, double sd,
                          double limit, double *terms, double *total)
{
    return FUNC(keogh)(lq, 0, elo, ehi, mean, sd, VSET1(sd), limit, NULL,
                       terms, total);
}

/* One doubling pass: a[k] = max(a[k], a[k + s]) (and min for b) for
 * k < n, in place, left to right: each vector reads a[k + s ..] before
 * the stores reach it. */
static void FUNC(double_pass)(double *a, double *b, size_t s, size_t n)
{
    size_t k = 0;
    for (; k + VEC_WIDTH <= n; k += VEC_WIDTH) {
        VEC ua = VLOADU(a + k), va = VLOADU(a + k + s);
        VEC ub = VLOADU(b + k), vb = VLOADU(b + k + s);
        VSTOREU(a + k, VMAX(ua, va));
        VSTOREU(b + k, VMIN(ub, vb));
    }
    for (; k < n; k++) {
        a[k] = a[k] > a[k + s] ? a[k] : a[k + s];
        b[k] = b[k] < b[k + s] ? b[k] : b[k + s];
    }
}

/* hdtw_envelope for windows of W = 2r + 1 <= HDTW_ENVELOPE_DOUBLING_MAX
 * by doubling: after the passes s = 1, 2, 4, .. S/2 (S the largest power
 * of two <= W), up[k] is the maximum of S points from k, and the window of
 * W at k is covered by the runs at k and k + W - S. No chain runs from one
 * point to the next, unlike the blocks of hdtw_envelope; min and max are
 * exact, so the values are the same. */
static void FUNC(envelope)(const double *y, size_t len, size_t r, size_t t0,
                           size_t t1, double *lo, double *hi,
                           double *scratch)
{
    size_t W = 2 * r + 1, L = t1 - t0 + 2 * r, n = t1 - t0, S = 1;
    if (W > HDTW_ENVELOPE_DOUBLING_MAX) {
        hdtw_envelope(y, len, r, t0, t1, lo, hi, scratch);
        return;
    }
    double *up = scratch, *down = scratch + L;
    hdtw_envelope_pad(y, len, r, t0, t1, up, down);
    for (; 2 * S <= W; S *= 2)
        FUNC(double_pass)(up, down, S, L - 2 * S + 1);
    size_t k = 0;
    for (; k + VEC_WIDTH <= n; k += VEC_WIDTH) {
        VSTOREU(hi + k, VMAX(VLOADU(up + k), VLOADU(up + k + W - S)));
        VSTOREU(lo + k, VMIN(VLOADU(down + k), VLOADU(down + k + W - S)));
    }
    for (; k < n; k++) {
        hi[k] = up[k] > up[k + W - S] ? up[k] : up[k + W - S];
        lo[k] = down[k] < down[k + W - S] ? down[k] : down[k + W - S];
    }
}

static inline double FUNC(max2)(double x, double y)
{
    return x > y ? x : y;
}

/* x - x is 0 for finite x, NaN otherwise, and a NaN sticks in a sum. */
static double FUNC(max_abs)(const double *y, size_t n)
{
    VEC big = VSET1(0.0), check = VSET1(0.0);
    size_t t = 0;
    for (; t + VEC_WIDTH <= n; t += VEC_WIDTH) {
        VEC v = VLOADU(y + t);
        big = VMAX(big, VABS(v));
        check = VADD(check, VSUB(v, v));
    }
    double lanes[VEC_WIDTH], biggest = 0.0, all = VHSUM(check);
    VSTOREU(lanes, big);
    for (size_t l = 0; l < VEC_WIDTH; l++)
        biggest = FUNC(max2)(biggest, lanes[l]);
    for (; t < n; t++) {
        biggest = FUNC(max2)(biggest, fabs(y[t]));
        all += y[t] - y[t];
    }
    return all == 0.0 ? biggest : NAN;
}

const hdtw_lb_kernels LB_KERNELS = { VEC_WIDTH,          FUNC(kim),
                                     FUNC(kim_estimate), FUNC(keogh_eq),
                                     FUNC(keogh_ec),     FUNC(envelope),
                                     FUNC(max_abs) };

/* The backend's search entry (core/registry.c): cpu/search.c with these
 * bound loops. */
hdtw_status SEARCH_ENTRY(const hdtw_call *call)
{
    return hdtw_search_with(call, &LB_KERNELS);
}
