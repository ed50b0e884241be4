/* SPDX-License-Identifier: MIT */
/*
 * search_lb.h — the per-window lower bounds of the search cascade, one
 * implementation per instruction set (cpu/search_lb_template.h, built in
 * cpu/portable.c for any CPU and in cpu/avx2.c, cpu/avx512.c with their
 * flags).
 *
 * A bound only decides what need not be computed, so the ISA variants may
 * add their terms in different orders (the margin of hdtw_lb_limit covers
 * any order, see cpu/lower_bounds.h); the normalised values they write,
 * which the DTW then reads, are the bits of hdtw_normalise in every
 * variant (one IEEE subtraction and one division per value).
 */
#ifndef HDTW_CPU_SEARCH_LB_H
#define HDTW_CPU_SEARCH_LB_H

#include "cpu/lower_bounds.h"

enum { HDTW_LB_KEPT = 0, HDTW_LB_PRUNED = 1 };

typedef struct {
    /* Indices are visited in blocks of `width` consecutive points (the
     * vector width), hdtw_lb_query.order listing the blocks' first
     * indices; the last m % width points come after the blocks. */
    size_t width;
    /* LB_Kim (see hdtw_lb_kim) of windows w = 0 .. n-1, window w being
     * x[w .. w+m-1] with mean[w], sd[w]; windows with sd[w] == 0 get a
     * meaningless value (the caller handles constant windows first). */
    void (*kim)(const hdtw_lb_query *lq, const double *x, const double *mean,
                const double *sd, size_t n, double *lb);
    /* LB_Kim from estimated statistics (hdtw_kim_estimate), for windows
     * not yet given their exact ones: sum and sumsq are prefix sums of x
     * and x^2 from x[0], est the constants for their span. */
    void (*kim_estimate)(const hdtw_lb_query *lq, const double *x,
                         const double *sum, const double *sumsq, size_t n,
                         const hdtw_kim_estimate *est, double *lb);
    /* LB_Keogh of the window xs (normalised with mean, sd > 0) against the
     * query's envelope: writes each index's term to terms (each at most
     * the term of the exactly normalised value); HDTW_LB_PRUNED as soon as
     * the partial sum exceeds limit, else HDTW_LB_KEPT with the sum in
     * *total and the normalised window in x. */
    int (*keogh_eq)(const hdtw_lb_query *lq, const double *xs, double mean,
                    double sd, double limit, double *x, double *terms,
                    double *total);
    /* LB_Keogh of the query against the window's envelope elo/ehi (raw
     * values, normalised here), likewise. */
    int (*keogh_ec)(const hdtw_lb_query *lq, const double *elo,
                    const double *ehi, double mean, double sd, double limit,
                    double *terms, double *total);
    /* hdtw_envelope (same arguments, same values: min and max are exact),
     * narrow windows in vectors. */
    void (*envelope)(const double *y, size_t len, size_t r, size_t t0,
                     size_t t1, double *lo, double *hi, double *scratch);
    /* max |y[t]| over t < n (0 when n = 0), NaN when a value is not
     * finite: the search's per-chunk check of its input. */
    double (*max_abs)(const double *y, size_t n);
} hdtw_lb_kernels;

extern const hdtw_lb_kernels hdtw_lb_portable;
#ifdef HDTW_HAVE_AVX2
extern const hdtw_lb_kernels hdtw_lb_avx2;
#endif
#ifdef HDTW_HAVE_AVX512
extern const hdtw_lb_kernels hdtw_lb_avx512;
#endif

#endif
