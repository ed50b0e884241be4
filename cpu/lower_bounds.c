/* SPDX-License-Identifier: MIT */
/*
 * lower_bounds.c — envelopes, LB_Kim and the pruning limit (the bound
 * loops' portable build is in cpu/portable.c).
 */
#include "cpu/lower_bounds.h"

#include "cpu/znorm.h"

#include <float.h>
#include <math.h>
#include <string.h>

double hdtw_lb_limit(double threshold, size_t m)
{
    double grow = 1.0 + (double)(8 * m + 16) * 0x1p-53;
    return (threshold > DBL_MIN ? threshold : DBL_MIN) * grow;
}

hdtw_kim_estimate hdtw_kim_estimate_for(size_t m, size_t T, double M)
{
    double u = 0x1p-53, dm = (double)m, dt = (double)T;
    double spread = dt * dt / dm; /* T^2 / m */
    return (hdtw_kim_estimate){
        .inv_m = 1.0 / dm,
        .dmu = (3.0 * spread + 2.0 * dm + 8.0) * u * M,
        .dvar = (12.0 * spread + 32.0) * u * M * M,
        .zpad = (dm + 8.0) * u,
    };
}

static double max2(double x, double y)
{
    return x > y ? x : y;
}

double hdtw_lb_envelope_pad(const double *lo, const double *hi, size_t m)
{
    double biggest = 0.0;
    for (size_t j = 0; j < m; j++)
        biggest = max2(biggest, max2(fabs(lo[j]), fabs(hi[j])));
    return biggest * 0x1p-50 + 0x1p-1000;
}

/*
 * p[k] = y[t0 - r + k] (+-inf outside y) for k < L = t1 - t0 + 2r, cut into
 * blocks of W = 2r + 1. Any W consecutive points span at most two blocks:
 * a suffix of one (h: maximum from k to its block's end) and a prefix of
 * the next (g: maximum from its block's start to k + W - 1).
 */
static void envelope_side(const double *y, size_t len, size_t r, size_t t0,
                          size_t t1, double sign, double *out, double *g,
                          double *h)
{
    size_t W = 2 * r + 1, L = t1 - t0 + 2 * r;
    for (size_t k = 0; k < L; k++) {
        size_t at = t0 + k; /* position r to the right of the point */
        h[k] = at >= r && at - r < len ? sign * y[at - r] : -INFINITY;
    }
    for (size_t b = 0; b < L; b += W) {
        size_t end = L - b < W ? L : b + W;
        g[b] = h[b];
        for (size_t k = b + 1; k < end; k++)
            g[k] = max2(g[k - 1], h[k]);
        for (size_t k = end - 1; k-- > b;)
            h[k] = max2(h[k], h[k + 1]);
    }
    for (size_t k = 0; k < t1 - t0; k++)
        out[k] = sign * max2(h[k], g[k + W - 1]);
}

void hdtw_envelope_pad(const double *y, size_t len, size_t r, size_t t0,
                       size_t t1, double *up, double *down)
{
    /* k reads y[t0 - r + k]: inside y for first <= k < last */
    size_t L = t1 - t0 + 2 * r;
    size_t first = t0 < r ? r - t0 : 0;
    size_t last = len + r - t0 < L ? len + r - t0 : L;
    for (size_t k = 0; k < first; k++) {
        up[k] = -INFINITY;
        down[k] = INFINITY;
    }
    memcpy(up + first, y + t0 + first - r, (last - first) * sizeof *up);
    memcpy(down + first, y + t0 + first - r, (last - first) * sizeof *down);
    for (size_t k = last; k < L; k++) {
        up[k] = -INFINITY;
        down[k] = INFINITY;
    }
}

void hdtw_envelope(const double *y, size_t len, size_t r, size_t t0,
                   size_t t1, double *lo, double *hi, double *scratch)
{
    size_t L = t1 - t0 + 2 * r;
    /* the minimum is minus the maximum of -y: negation is exact */
    envelope_side(y, len, r, t0, t1, 1.0, hi, scratch, scratch + L);
    envelope_side(y, len, r, t0, t1, -1.0, lo, scratch + 2 * L,
                  scratch + 3 * L);
}

static double cheapest3(hdtw_cost cost, double a0, double b0, double a1,
                        double b1)
{
    /* cells (0,1), (1,0), (1,1) of a ring: query a, window b */
    return hdtw_min3(hdtw_cell_cost(cost, a0, b1), hdtw_cell_cost(cost, a1, b0),
                     hdtw_cell_cost(cost, a1, b1));
}

double hdtw_lb_kim(const hdtw_lb_query *lq, const double ends[4],
                   double limit)
{
    const double *q = lq->q;
    size_t m = lq->m;
    double lb = hdtw_cell_cost(lq->cost, q[0], ends[0]);
    if (m == 1)
        return lb;
    lb += hdtw_cell_cost(lq->cost, q[m - 1], ends[3]);
    if (m < 4 || lb > limit)
        return lb;
    lb += cheapest3(lq->cost, q[0], ends[0], q[1], ends[1]);
    lb += cheapest3(lq->cost, q[m - 1], ends[3], q[m - 2], ends[2]);
    return lb;
}
