/* SPDX-License-Identifier: MIT */
/*
 * test_search.c — hdtw_znorm against its documented algorithm, and
 * hdtw_search against the brute-force definition of include/hdtw.h on
 * thousands of random cases: hdtw_znorm + hdtw_distance on every window,
 * ranked by (distance, start), then the exclusion walk. Starts and distance
 * bits must match exactly. Also the internal pieces the search trusts
 * (window statistics in blocks, envelopes) and bad input.
 */
#include "testutil.h"

#include "cpu/lower_bounds.h"
#include "cpu/znorm.h"
#include "cpu/search_lb.h"
#include "core/cpu_features.h"
#include "core/internal.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- the definition */

/* hdtw_search with each thread count in 1 .. max_threads, with the bound
 * loops for this CPU and with the portable ones, equals the brute force,
 * and leaves out[found ..] alone. */
static void check_search(const hdtw_search_params *sp, const double *query,
                         size_t m, const double *series, size_t len,
                         size_t k, int max_threads)
{
    hdtw_match *want = test_alloc(k * sizeof *want);
    hdtw_match *got = test_alloc(k * sizeof *got);
    size_t want_n;
    ck_assert_int_eq(brute_force_search(test_ctx, sp, query, m, series, len, k,
                                        want, &want_n), HDTW_OK);
    unsigned vector_isas = HDTW_FEATURE_AVX2 | HDTW_FEATURE_AVX512;
    for (int run = 0; run < 2 * max_threads; run++) {
        int threads = 1 + run / 2;
        size_t got_n = 12345;
        memset(got, 0xA5, k * sizeof *got);
        test_ctx->disabled = run % 2 ? vector_isas : 0;
        ck_assert_int_eq(hdtw_set_threads(test_ctx, threads), HDTW_OK);
        ck_assert_int_eq(hdtw_search(test_ctx, sp, query, m, series, len, k,
                                     got,
                                     &got_n), HDTW_OK);
        ck_assert_uint_eq(got_n, want_n);
        for (size_t i = 0; i < want_n; i++) {
            ck_assert_uint_eq(got[i].start, want[i].start);
            ck_assert(same_bits(got[i].distance, want[i].distance));
        }
        for (size_t i = want_n; i < k; i++) {
            unsigned char *bytes = (unsigned char *)&got[i];
            for (size_t b = 0; b < sizeof got[i]; b++)
                ck_assert_uint_eq(bytes[b], 0xA5);
        }
    }
    free(got);
    free(want);
}

/* ------------------------------------------------------------ z-norm */

START_TEST(znorm_matches_its_definition)
{
    test_rng rng = { test_seed(1000u + (unsigned)_i) };
    for (int c = 0; c < 50; c++) {
        size_t n = test_range(&rng, 1, 300);
        double *x = test_alloc(n * sizeof *x), *got = test_alloc(n * sizeof *x),
               *want = test_alloc(n * sizeof *x);
        test_fill_series(&rng, x, n);
        if (test_next(&rng) % 4 == 0) /* a constant input */
            for (size_t i = 0; i < n; i++)
                x[i] = x[0];
        naive_znorm(x, n, want);
        ck_assert_int_eq(hdtw_znorm(x, n, got), HDTW_OK);
        ck_assert_mem_eq(got, want, n * sizeof *got);
        ck_assert_int_eq(hdtw_znorm(x, n, x), HDTW_OK); /* in place */
        ck_assert_mem_eq(x, want, n * sizeof *x);
        free(want);
        free(got);
        free(x);
    }
}
END_TEST

START_TEST(znorm_special_inputs)
{
    /* 0.1 three times: the mean rounds away from 0.1, yet the output is
       zeros (a constant input), not +-1 from rounding noise */
    const double tenth[3] = { 0.1, 0.1, 0.1 }, mixed_zero[2] = { 0.0, -0.0 };
    double out[3] = { 7, 7, 7 };
    ck_assert_int_eq(hdtw_znorm(tenth, 3, out), HDTW_OK);
    for (int i = 0; i < 3; i++)
        ck_assert(same_bits(out[i], 0.0));
    ck_assert_int_eq(hdtw_znorm(mixed_zero, 2, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0) && same_bits(out[1], 0.0));
    /* 1, 2, 3: mean 2, sd sqrt(2/3) */
    const double ramp[3] = { 1, 2, 3 };
    ck_assert_int_eq(hdtw_znorm(ramp, 3, out), HDTW_OK);
    double sd = sqrt(2.0 / 3.0);
    ck_assert(same_bits(out[0], -1.0 / sd) && same_bits(out[1], 0.0) &&
              same_bits(out[2], 1.0 / sd));
    /* differences too small to square: sd computes to 0, zeros */
    const double tiny[2] = { 1e-200, 2e-200 };
    ck_assert_int_eq(hdtw_znorm(tiny, 2, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0) && same_bits(out[1], 0.0));
}
END_TEST

START_TEST(znorm_bad_input)
{
    const double nan3[3] = { 1, NAN, 2 }, inf3[3] = { 1, 2, -INFINITY },
                 huge[2] = { 1e300, -1e300 }, huge_flat[2] = { 1e300, 1e300 };
    double out[3] = { 7, 7, 7 };
    ck_assert_int_eq(hdtw_znorm(NULL, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_znorm(nan3, 3, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_znorm(nan3, 0, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_znorm(nan3, 3, out), HDTW_E_NONFINITE);
    ck_assert_int_eq(hdtw_znorm(inf3, 3, out), HDTW_E_NONFINITE);
    ck_assert_int_eq(hdtw_znorm(huge, 2, out), HDTW_E_NONFINITE);
    for (int i = 0; i < 3; i++)
        ck_assert(same_bits(out[i], 7.0));
    ck_assert_int_eq(hdtw_znorm(huge_flat, 2, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0));
}
END_TEST

/* The search takes many windows' statistics in one call (blocks of
 * adjacent windows plus a tail); each must be the bits of the definition
 * evaluated on that window alone (naive_window_stats, not the library). */
START_TEST(window_stats_match_the_definition)
{
    test_rng rng = { test_seed(2000u + (unsigned)_i) };
    size_t m = test_range(&rng, 1, 40), count = test_range(&rng, 1, 70);
    double *x = test_alloc((count + m) * sizeof *x);
    double *mean = test_alloc(count * sizeof *mean),
           *sd = test_alloc(count * sizeof *sd);
    test_fill_series(&rng, x, count + m);
    hdtw_window_stats(x, m, count, mean, sd);
    for (size_t w = 0; w < count; w++) {
        double mean1, sd1, *z = test_alloc(m * sizeof *z),
                           *want = test_alloc(m * sizeof *want);
        naive_window_stats(x + w, m, &mean1, &sd1);
        ck_assert_msg(same_bits(mean[w], mean1) && same_bits(sd[w], sd1),
                      "window %zu of %zu (m=%zu) differs from the definition",
                      w, count, m);
        ck_assert_int_eq(hdtw_znorm(x + w, m, z), HDTW_OK);
        naive_znorm(x + w, m, want);
        ck_assert_mem_eq(z, want, m * sizeof *z);
        free(want);
        free(z);
    }
    free(sd);
    free(mean);
    free(x);
}
END_TEST

/* Constant windows (sd forced to 0) at every scale, among windows one ulp
 * away from constant: zero and negative zero, subnormals, values whose
 * sums round (0.1), and values whose sums overflow. Counts past one
 * vectorised block, so both the blocks and the tail are checked. */
START_TEST(window_stats_constant_windows)
{
    static const double scales[] = { 0.0, 5e-324, 3e-310, 1e-200, 0.1, 7.0,
                                     1e200, 1e300, DBL_MAX };
    test_rng rng = { test_seed(2100u + (unsigned)_i) };
    double base = scales[(size_t)_i % (sizeof scales / sizeof *scales)];
    size_t m = test_range(&rng, 1, 40);
    size_t count = test_range(&rng, 1, 3 * HDTW_STATS_BLOCK + 2);
    double *x = test_alloc((count + m) * sizeof *x);
    double *mean = test_alloc(count * sizeof *mean),
           *sd = test_alloc(count * sizeof *sd);
    for (size_t i = 0; i < count + m - 1; i++) {
        unsigned pick = (unsigned)(test_next(&rng) % 16);
        x[i] = i > 0 && pick < 12 ? x[i - 1]
               : pick == 12       ? nextafter(base, INFINITY)
               : pick == 13       ? -base
               : base == 0.0      ? -0.0
                                  : base;
    }
    hdtw_window_stats(x, m, count, mean, sd);
    for (size_t w = 0; w < count; w++) {
        double mean1, sd1;
        naive_window_stats(x + w, m, &mean1, &sd1);
        ck_assert_msg(same_bits(mean[w], mean1) && same_bits(sd[w], sd1),
                      "window %zu of %zu (m=%zu, scale %g) differs from the "
                      "definition", w, count, m, base);
    }
    free(sd);
    free(mean);
    free(x);
}
END_TEST

/* The bound loops of every instruction set this CPU runs. */
static int lb_kernels_here(const hdtw_lb_kernels *kernels[3])
{
    int nk = 0;
    kernels[nk++] = &hdtw_lb_portable;
#ifdef HDTW_HAVE_AVX2
    if (hdtw_cpu_features() & HDTW_FEATURE_AVX2)
        kernels[nk++] = &hdtw_lb_avx2;
#endif
#ifdef HDTW_HAVE_AVX512
    if (hdtw_cpu_features() & HDTW_FEATURE_AVX512)
        kernels[nk++] = &hdtw_lb_avx512;
#endif
    return nk;
}

/* hdtw_envelope and each ISA's envelope loop (by doubling up to windows
 * of HDTW_ENVELOPE_DOUBLING_MAX, r up to 30 reaches past it) against the
 * minimum and maximum taken point by point. */
START_TEST(envelope_matches_naive)
{
    test_rng rng = { test_seed(3000u + (unsigned)_i) };
    size_t len = test_range(&rng, 1, 200), r = test_range(&rng, 0, 30);
    size_t t0 = test_range(&rng, 0, len - 1), t1 = test_range(&rng, t0 + 1, len);
    double *y = test_alloc(len * sizeof *y);
    double *lo = test_alloc(len * sizeof *lo), *hi = test_alloc(len * sizeof *hi);
    double *scratch = test_alloc(4 * (len + 2 * r) * sizeof *scratch);
    const hdtw_lb_kernels *kernels[3];
    int nk = lb_kernels_here(kernels);
    test_fill_series(&rng, y, len);
    for (int k = -1; k < nk; k++) {
        memset(lo, 0xA5, len * sizeof *lo);
        memset(hi, 0xA5, len * sizeof *hi);
        if (k < 0)
            hdtw_envelope(y, len, r, t0, t1, lo, hi, scratch);
        else
            kernels[k]->envelope(y, len, r, t0, t1, lo, hi, scratch);
        for (size_t t = t0; t < t1; t++) {
            double mn = INFINITY, mx = -INFINITY;
            for (size_t j = t > r ? t - r : 0; j <= t + r && j < len; j++) {
                mn = fmin(mn, y[j]);
                mx = fmax(mx, y[j]);
            }
            ck_assert_msg(lo[t - t0] == mn && hi[t - t0] == mx,
                          "kernels %d, r %zu, t %zu", k, r, t);
        }
    }
    free(scratch);
    free(hi);
    free(lo);
    free(y);
}
END_TEST

/* The estimated LB_Kim (cpu/lower_bounds.h) never exceeds the exact one on
 * the windows it is meant to skip, and is 0 on constant windows. Series
 * built to hurt it: a large offset under small steps (cancellation in the
 * prefix sums), near-constant stretches one ulp apart, magnitudes near
 * 1e200 and 1e-200 (overflow, underflow), one huge spike among small
 * values, and exact copies of the query. */
static void hostile_series(test_rng *rng, int kind, double *x, size_t len)
{
    test_fill_series(rng, x, len);
    static const double offsets[] = { 1e6, 1e12, -3e15 };
    for (size_t i = 0; i < len; i++) {
        switch (kind) {
        case 0: x[i] = offsets[i % 3 == 0 ? 0 : test_next(rng) % 3] +
                       1e-3 * x[i]; break;
        case 1: x[i] = test_next(rng) % 4 ? 1e8 : nextafter(1e8, 2e8); break;
        case 2: x[i] *= 1e199; break;
        case 3: x[i] *= 1e-200; break;
        case 4: x[i] = i == len / 2 ? 1e12 : x[i]; break;
        default: break;
        }
    }
}

static void check_kim_estimate(const hdtw_lb_kernels *lb, hdtw_cost cost,
                               const double *x, size_t len, const double *q,
                               size_t m)
{
    size_t n = len - m + 1;
    double *lo = test_alloc(m * sizeof *lo), *hi = test_alloc(m * sizeof *hi);
    double *sum = test_alloc((len + 1) * sizeof *sum);
    double *sumsq = test_alloc((len + 1) * sizeof *sumsq);
    double *est = test_alloc(n * sizeof *est);
    double *mean = test_alloc(n * sizeof *mean), *sd = test_alloc(n * sizeof *sd);
    hdtw_lb_query lq = { .cost = cost, .m = m, .q = q, .lo = lo, .hi = hi };
    double biggest = 0.0;
    sum[0] = sumsq[0] = 0.0;
    for (size_t t = 0; t < len; t++) {
        sum[t + 1] = sum[t] + x[t];
        sumsq[t + 1] = sumsq[t] + x[t] * x[t];
        biggest = fmax(biggest, fabs(x[t]));
    }
    hdtw_kim_estimate e = hdtw_kim_estimate_for(m, len, biggest);
    lb->kim_estimate(&lq, x, sum, sumsq, n, &e, est);
    hdtw_window_stats(x, m, n, mean, sd);
    for (size_t w = 0; w < n; w++) {
        if (!isfinite(mean[w]) || !isfinite(sd[w]))
            continue; /* the search rejects such a series up front */
        if (sd[w] == 0.0) {
            ck_assert(est[w] == 0.0);
            continue;
        }
        const double *xs = x + w;
        double ends[4] = { hdtw_normalise(xs[0], mean[w], sd[w]),
                           hdtw_normalise(xs[m > 1 ? 1 : 0], mean[w], sd[w]),
                           hdtw_normalise(xs[m > 1 ? m - 2 : 0], mean[w], sd[w]),
                           hdtw_normalise(xs[m - 1], mean[w], sd[w]) };
        double exact = hdtw_lb_kim(&lq, ends, INFINITY);
        ck_assert_msg(est[w] <= exact, "window %zu: estimate %a > exact %a",
                      w, est[w], exact);
    }
    free(sd);
    free(mean);
    free(est);
    free(sumsq);
    free(sum);
    free(hi);
    free(lo);
}

START_TEST(kim_estimate_never_above_exact)
{
    test_rng rng = { test_seed(6000u + (unsigned)_i) };
    size_t len = test_range(&rng, 8, 600), m = test_range(&rng, 1, 40);
    m = m < len ? m : len;
    double *x = test_alloc(len * sizeof *x), *q = test_alloc(m * sizeof *q);
    hostile_series(&rng, _i % 6, x, len);
    size_t at = test_range(&rng, 0, len - m);
    /* a normalised window (when its sums stay finite), or a random walk */
    if (test_next(&rng) % 2 == 0 || hdtw_znorm(x + at, m, q) != HDTW_OK)
        test_fill_series(&rng, q, m);
    const hdtw_lb_kernels *kernels[3];
    int nk = lb_kernels_here(kernels);
    for (int k = 0; k < nk; k++) {
        check_kim_estimate(kernels[k], HDTW_COST_SQUARED, x, len, q, m);
        check_kim_estimate(kernels[k], HDTW_COST_ABS, x, len, q, m);
    }
    free(q);
    free(x);
}
END_TEST

/* LB_Keogh EQ's terms (computed without a division) never exceed the
 * terms of the exactly normalised window, and the window it writes is
 * hdtw_normalise's bits. The query envelope is put at the window's exact
 * values and one ulp either side, where a cheaper value would overshoot. */
static void check_keogh_eq(const hdtw_lb_kernels *lb, hdtw_cost cost,
                           test_rng *rng, const double *xs, size_t m,
                           double mean, double sd)
{
    /* one block: exact values, envelope, written window, terms */
    double *e = test_alloc(5 * m * sizeof *e), *lo = e + m, *hi = lo + m,
           *x = hi + m, *terms = x + m, total;
    size_t *order = test_alloc((m / lb->width + 1) * sizeof *order);
    for (size_t b = 0; b < m / lb->width; b++)
        order[b] = b * lb->width;
    for (size_t j = 0; j < m; j++) {
        e[j] = hdtw_normalise(xs[j], mean, sd);
        double at[3] = { nextafter(e[j], -INFINITY), e[j],
                         nextafter(e[j], INFINITY) };
        double a = at[test_next(rng) % 3], b = at[test_next(rng) % 3];
        if (test_next(rng) % 4 == 0)
            b = a + test_unit(rng);
        lo[j] = a < b ? a : b;
        hi[j] = a < b ? b : a;
        if (test_next(rng) % 2) { /* the window above or below the band */
            double shift = test_next(rng) % 2 ? 1e-300 : test_unit(rng);
            lo[j] += shift;
            hi[j] += shift;
        }
    }
    hdtw_lb_query lq = { .cost = cost, .m = m, .q = e, .lo = lo, .hi = hi,
                         .order = order,
                         .pad = hdtw_lb_envelope_pad(lo, hi, m) };
    ck_assert_int_eq(lb->keogh_eq(&lq, xs, mean, sd, INFINITY, x, terms,
                                  &total), HDTW_LB_KEPT);
    ck_assert_mem_eq(x, e, m * sizeof *x);
    for (size_t j = 0; j < m; j++)
        ck_assert_msg(terms[j] <= hdtw_lb_term(cost, e[j], lo[j], hi[j]),
                      "index %zu: term %a above the exact %a", j, terms[j],
                      hdtw_lb_term(cost, e[j], lo[j], hi[j]));
    free(order);
    free(e);
}

START_TEST(keogh_eq_never_above_exact)
{
    test_rng rng = { test_seed(6500u + (unsigned)_i) };
    size_t len = test_range(&rng, 40, 300), m = test_range(&rng, 1, 40);
    double *x = test_alloc(len * sizeof *x);
    double *mean = test_alloc(len * sizeof *mean),
           *sd = test_alloc(len * sizeof *sd);
    hostile_series(&rng, _i % 6, x, len);
    hdtw_window_stats(x, m, len - m + 1, mean, sd);
    const hdtw_lb_kernels *kernels[3];
    int nk = lb_kernels_here(kernels);
    for (size_t w = 0; w + m <= len; w++) {
        if (!isfinite(mean[w]) || !isfinite(sd[w]) || sd[w] == 0.0)
            continue; /* rejected up front, or no bound needed */
        for (int k = 0; k < nk; k++) {
            check_keogh_eq(kernels[k], HDTW_COST_SQUARED, &rng, x + w, m,
                           mean[w], sd[w]);
            check_keogh_eq(kernels[k], HDTW_COST_ABS, &rng, x + w, m,
                           mean[w], sd[w]);
        }
    }
    free(sd);
    free(mean);
    free(x);
}
END_TEST

/* A search over the hostile series, exact against the brute force. */
START_TEST(hostile_series_vs_brute_force)
{
    test_rng rng = { test_seed(7000u + (unsigned)_i) };
    size_t len = test_range(&rng, 300, 5000), m = test_range(&rng, 4, 40);
    double *x = test_alloc(len * sizeof *x), *q = test_alloc(m * sizeof *q);
    hostile_series(&rng, _i % 6, x, len);
    for (size_t i = 0; _i % 6 == 2 && i < len; i++)
        x[i] *= 1e-60; /* squares near 1e280: the sums stay finite */
    memcpy(q, x + test_range(&rng, 0, len - m), m * sizeof *q);
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.dtw.band = (long)(m / 10);
    sp.dtw.cost = _i % 4 < 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    check_search(&sp, q, m, x, len, 1 + _i % 3, 2);
    free(q);
    free(x);
}
END_TEST

/* -------------------------------------------------------- the search */

static size_t pick_exclusion(test_rng *rng, size_t m, size_t len)
{
    switch (test_next(rng) % 5) {
    case 0: return 0;
    case 1: return 1;
    case 2: return HDTW_EXCLUSION_AUTO;
    case 3: return test_range(rng, 0, 2 * m);
    default: return len + test_range(rng, 0, 5); /* larger than the series */
    }
}

static void random_params(test_rng *rng, size_t m, size_t len,
                          hdtw_search_params *sp)
{
    static const long bands[] = { -1, 0, 1, 2, 5 };
    sp->dtw.cost = test_next(rng) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    sp->dtw.band = test_next(rng) % 3 ? bands[test_next(rng) % 5]
                                      : (long)test_range(rng, 0, m + 2);
    sp->dtw.max_dist = 0.0; /* the brute force's distances are exact */
    sp->znorm = test_next(rng) % 3 != 0;
    sp->exclusion = pick_exclusion(rng, m, len);
}

/* a random walk with flat stretches longer than the query, and sometimes
 * a copy of the query (exact matches and ties) */
static void random_series(test_rng *rng, double *x, size_t len,
                          const double *query, size_t m)
{
    test_fill_series(rng, x, len);
    for (int f = (int)(test_next(rng) % 3); f > 0; f--) {
        size_t at = test_range(rng, 0, len - 1);
        size_t run = test_range(rng, 1, 2 * m + 2);
        for (size_t i = at; i < len && i < at + run; i++)
            x[i] = x[at];
    }
    if (test_next(rng) % 3 == 0) {
        size_t at = test_range(rng, 0, len - m);
        memcpy(x + at, query, m * sizeof *x);
    }
}

START_TEST(random_cases_vs_brute_force)
{
    test_rng rng = { test_seed(4000u + (unsigned)_i) };
    for (int c = 0; c < 100; c++) {
        size_t len = test_range(&rng, 1, 150);
        size_t m = test_range(&rng, 1, len < 24 ? len : 24);
        double *query = test_alloc(m * sizeof *query);
        double *series = test_alloc(len * sizeof *series);
        test_fill_series(&rng, query, m);
        if (test_next(&rng) % 8 == 0)
            for (size_t i = 0; i < m; i++)
                query[i] = query[0]; /* a constant query */
        random_series(&rng, series, len, query, m);
        hdtw_search_params sp;
        random_params(&rng, m, len, &sp);
        size_t k = test_range(&rng, 1, len - m + 4);
        check_search(&sp, query, m, series, len, k,
                     1 + (int)(test_next(&rng) % 2));
        free(series);
        free(query);
    }
}
END_TEST

/* Several chunks, several threads, heavy pruning: a long random walk. The
 * result must not depend on the thread count either. */
START_TEST(long_series_vs_brute_force)
{
    test_rng rng = { test_seed(5000u + (unsigned)_i) };
    size_t len = test_range(&rng, 8300, 10000), m = test_range(&rng, 16, 64);
    double *query = test_alloc(m * sizeof *query);
    double *series = test_alloc(len * sizeof *series);
    test_fill_series(&rng, query, m);
    random_series(&rng, series, len, query, m);
    memcpy(query, series + test_range(&rng, 0, len - m), m * sizeof *query);
    for (size_t i = 0; i < m; i++) /* a noisy copy of some window */
        query[i] += 0.3 * test_unit(&rng);
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.dtw.band = (long)(m / 20);
    sp.dtw.cost = _i % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    sp.znorm = _i % 3 != 2;
    static const size_t ks[] = { 1, 3, 10, 25 };
    size_t k = ks[_i % 4];
    check_search(&sp, query, m, series, len, k, 3);
    sp.exclusion = _i % 2 ? 0 : 3 * m;
    check_search(&sp, query, m, series, len, k, 2);
    free(series);
    free(query);
}
END_TEST

/* A later, better window suppresses two earlier ones: "the k-th best so
 * far" would have pruned the true second match. */
START_TEST(exclusion_suppresses_two)
{
    const double query[1] = { 0 };
    double series[24];
    for (int i = 0; i < 24; i++)
        series[i] = 100;
    series[0] = 5;
    series[6] = 6;
    series[3] = 1;  /* better, within 4 of both */
    series[20] = 10; /* the true second match */
    hdtw_search_params sp = { HDTW_PARAMS_DEFAULT, 0, 4 };
    hdtw_match got[2];
    size_t found;
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, query, 1, series, 24, 2, got,
                                 &found), HDTW_OK);
    ck_assert_uint_eq(found, 2);
    ck_assert_uint_eq(got[0].start, 3);
    ck_assert(same_bits(got[0].distance, 1.0));
    ck_assert_uint_eq(got[1].start, 20);
    ck_assert(same_bits(got[1].distance, 10.0));
    check_search(&sp, query, 1, series, 24, 2, 1);
}
END_TEST

/* The same trap spread over chunks and threads, with random distances
 * elsewhere: flanks seen first, the suppressor in another chunk. */
START_TEST(exclusion_suppresses_across_chunks)
{
    test_rng rng = { test_seed(6000u + (unsigned)_i) };
    size_t len = 30000, m = 1 + _i % 3;
    double query[3] = { 0, 1, 0 };
    double *series = test_alloc(len * sizeof *series);
    for (size_t i = 0; i < len; i++)
        series[i] = 50 + 40 * test_unit(&rng);
    size_t flank = test_range(&rng, 0, 2000);
    for (size_t i = 0; i < m; i++) {
        series[flank + i] = query[i] + 3;
        series[flank + 8900 + i] = query[i] + 4;
        series[flank + 4500 + i] = query[i] + 1;
    }
    hdtw_search_params sp = { { HDTW_COST_ABS, 0, 0.0 }, 0, 5000 };
    check_search(&sp, query, m, series, len, 2 + _i % 3, 3);
    free(series);
}
END_TEST

START_TEST(found_fewer_than_k)
{
    const double query[2] = { 1, 2 }, series[5] = { 1, 2, 3, 1, 2 };
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.exclusion = 100;
    check_search(&sp, query, 2, series, 5, 3, 1); /* one window at most */
    sp.exclusion = 0;
    check_search(&sp, query, 2, series, 5, 9, 1); /* all four, then stop */
    check_search(&sp, query, 2, series, 2, 1, 1); /* m = len */
}
END_TEST

START_TEST(search_bad_input)
{
    const double good[6] = { 1, 2, 3, 2, 1, 0 }, nan6[6] = { 1, 2, NAN, 2, 1, 0 },
                 inf2[2] = { INFINITY, 1 };
    hdtw_match out[2] = { { 77, 7.0 }, { 77, 7.0 } };
    size_t found = 99;
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT, bad_cost = sp;
    bad_cost.dtw.cost = (hdtw_cost)9;
    ck_assert_int_eq(hdtw_search(NULL, &sp, good, 2, good, 6, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, NULL, 2, good, 6, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, NULL, 6, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, good, 6, 2, NULL, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, good, 6, 2, out, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 0, good, 6, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, good, 6, 0, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 6, good, 5, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &bad_cost, good, 2, good, 6, 2, out, &found), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, nan6, 4, good, 6, 2, out, &found), HDTW_E_NONFINITE);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, nan6, 6, 2, out, &found), HDTW_E_NONFINITE);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, inf2, 2, 2, out, &found), HDTW_E_NONFINITE);
    /* finite values whose normalisation overflows: query, then a window */
    const double huge[4] = { 1e300, -1e300, 1e300, -1e300 };
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, huge, 2, good, 6, 2, out, &found), HDTW_E_NONFINITE);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, huge, 4, 2, out, &found), HDTW_E_NONFINITE);
    ck_assert_uint_eq(found, 99);
    for (int i = 0; i < 2; i++)
        ck_assert(out[i].start == 77 && same_bits(out[i].distance, 7.0));
    /* raw values that large are fine: nothing is normalised */
    sp.znorm = 0;
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, good, 2, huge, 4, 2, out, &found), HDTW_OK);
    ck_assert_uint_eq(found, 2);
    /* NULL params are the defaults */
    ck_assert_int_eq(hdtw_search(test_ctx, NULL, good, 3, good, 6, 1, out, &found), HDTW_OK);
    ck_assert_uint_eq(out[0].start, 0);
    ck_assert(same_bits(out[0].distance, 0.0));
    ck_assert_int_eq(hdtw_last_backend(test_ctx),
                     hdtw_best_cpu_backend(test_ctx));
}
END_TEST

/* The series' values are checked by the workers chunk by chunk (4096
 * windows each): a NaN or an infinity anywhere, including the first and
 * last points, the points two chunks share and the last chunk's, fails
 * the search with HDTW_E_NONFINITE on 1 and 2 threads, with and without
 * z-normalisation, and leaves the outputs untouched. */
START_TEST(nonfinite_anywhere_in_the_series)
{
    const size_t m = 16, len = 3 * 4096 + 200;
    const size_t at[] = { 0, 4095, 4096 + m - 2, 2 * 4096 + 5, len - 1 };
    double *x = test_alloc(len * sizeof *x), query[16];
    test_rng rng = { test_seed(2200u + (unsigned)_i) };
    test_fill_series(&rng, x, len);
    test_fill_series(&rng, query, m);
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.znorm = _i % 2;
    ck_assert_int_eq(hdtw_set_threads(test_ctx, 1 + _i / 2 % 2), HDTW_OK);
    double bad = _i / 4 % 2 ? NAN : -INFINITY;
    for (size_t p = 0; p < sizeof at / sizeof *at; p++) {
        double kept = x[at[p]];
        hdtw_match out[2] = { { 77, 7.0 }, { 77, 7.0 } };
        size_t found = 99;
        x[at[p]] = bad;
        ck_assert_int_eq(hdtw_search(test_ctx, &sp, query, m, x, len, 2, out,
                                     &found), HDTW_E_NONFINITE);
        ck_assert_uint_eq(found, 99);
        for (int i = 0; i < 2; i++)
            ck_assert(out[i].start == 77 && same_bits(out[i].distance, 7.0));
        x[at[p]] = kept;
    }
    hdtw_match out[2];
    size_t found = 0;
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, query, m, x, len, 2, out,
                                 &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, 2);
    free(x);
}
END_TEST

/* The search goes through the backend table: a forced CPU backend runs
 * it and hdtw_last_backend names it; a backend without a search (OpenCL)
 * hands it to the fastest CPU backend. Every backend's result has the
 * bits of scalar's. */
START_TEST(forced_backend_runs_the_search)
{
    test_rng rng = { 0x5eac4u };
    size_t len = 3000, m = 32, k = 5, found_want, found;
    double *x = test_alloc(len * sizeof *x), *q = test_alloc(m * sizeof *q);
    test_fill_series(&rng, x, len);
    test_fill_series(&rng, q, m);
    hdtw_search_params sp = { { HDTW_COST_SQUARED, 6, 0.0 }, 1, HDTW_EXCLUSION_AUTO };
    hdtw_match want[5], got[5];
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, q, m, x, len, k, want,
                                 &found_want),
                     HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(test_ctx), HDTW_BACKEND_SCALAR);
    for (int b = HDTW_BACKEND_AVX2; b < HDTW_BACKEND_COUNT; b++) {
        if (hdtw_set_backend(test_ctx, (hdtw_backend)b) != HDTW_OK)
            continue;
        memset(got, 0xff, sizeof got);
        ck_assert_int_eq(hdtw_search(test_ctx, &sp, q, m, x, len, k, got,
                                     &found),
                         HDTW_OK);
        hdtw_backend ran = b == HDTW_BACKEND_OPENCL
                               ? hdtw_best_cpu_backend(test_ctx)
                               : (hdtw_backend)b;
        ck_assert_int_eq(hdtw_last_backend(test_ctx), ran);
        ck_assert_uint_eq(found, found_want);
        ck_assert_mem_eq(got, want, found * sizeof *got);
    }
    free(q);
    free(x);
}
END_TEST

/* Which search entry a call reached: each backend's slot in the context's
 * table is replaced by a recorder that notes its backend, then runs that
 * backend's real search. */
static hdtw_backend reached;
static hdtw_run_fn real_search[HDTW_BACKEND_COUNT];

#define RECORDER(b)                                                          \
    static hdtw_status record_##b(const hdtw_call *call)                     \
    {                                                                        \
        reached = (b);                                                       \
        return real_search[b](call);                                         \
    }
RECORDER(HDTW_BACKEND_SCALAR)
RECORDER(HDTW_BACKEND_AVX2)
RECORDER(HDTW_BACKEND_AVX512)
#undef RECORDER

static void install_recorders(hdtw_ctx *c)
{
    static const hdtw_run_fn recorders[HDTW_BACKEND_COUNT] = {
        [HDTW_BACKEND_SCALAR] = record_HDTW_BACKEND_SCALAR,
        [HDTW_BACKEND_AVX2] = record_HDTW_BACKEND_AVX2,
        [HDTW_BACKEND_AVX512] = record_HDTW_BACKEND_AVX512,
    };
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++) {
        real_search[b] = c->search[b];
        if (c->search[b] && recorders[b])
            c->search[b] = recorders[b];
    }
}

/* The backend hdtw_last_backend names after a search is the one whose
 * search ran, under AUTO (the fastest CPU backend), hdtw_set_backend and
 * HDTW_BACKEND; and its result has scalar's bits. */
START_TEST(reported_backend_is_the_one_that_ran)
{
    test_rng rng = { 0x5eac5u };
    size_t len = 2000, m = 24, found;
    double *x = test_alloc(len * sizeof *x), *q = test_alloc(m * sizeof *q);
    test_fill_series(&rng, x, len);
    test_fill_series(&rng, q, m);
    hdtw_search_params sp = { { HDTW_COST_ABS, 2, 0.0 }, 1, 0 };
    hdtw_match want[3], got[3];
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_search(test_ctx, &sp, q, m, x, len, 3, want, &found),
                     HDTW_OK);
    for (int b = HDTW_BACKEND_AUTO; b <= HDTW_BACKEND_AVX512; b++) {
        for (int by_env = 0; by_env < 2; by_env++) {
            hdtw_ctx *c = NULL;
            if (by_env)
                test_setenv("HDTW_BACKEND",
                            hdtw_backend_name((hdtw_backend)b));
            hdtw_status s = hdtw_create(&c);
            test_env_restore();
            if (s == HDTW_OK && !by_env)
                s = hdtw_set_backend(c, (hdtw_backend)b);
            if (s != HDTW_OK) { /* an instruction set this CPU lacks */
                hdtw_destroy(c);
                continue;
            }
            hdtw_backend expect = b == HDTW_BACKEND_AUTO
                                      ? hdtw_best_cpu_backend(c)
                                      : (hdtw_backend)b;
            install_recorders(c);
            reached = HDTW_BACKEND_AUTO;
            memset(got, 0xff, sizeof got);
            ck_assert_int_eq(hdtw_search(c, &sp, q, m, x, len, 3, got,
                                         &found), HDTW_OK);
            ck_assert_int_eq(reached, expect);
            ck_assert_int_eq(hdtw_last_backend(c), expect);
            ck_assert_mem_eq(got, want, found * sizeof *got);
            hdtw_destroy(c);
        }
    }
    free(q);
    free(x);
}
END_TEST

static Suite *search_suite(void)
{
    Suite *s = suite_create("search");
    TCase *norm = tcase_create("znorm");
    tcase_add_loop_test(norm, znorm_matches_its_definition, 0, 10);
    tcase_add_test(norm, znorm_special_inputs);
    tcase_add_test(norm, znorm_bad_input);
    tcase_add_loop_test(norm, window_stats_match_the_definition, 0, 40);
    tcase_add_loop_test(norm, window_stats_constant_windows, 0, 90);
    tcase_add_loop_test(norm, envelope_matches_naive, 0, 300);
    tcase_add_loop_test(norm, kim_estimate_never_above_exact, 0, 120);
    tcase_add_loop_test(norm, keogh_eq_never_above_exact, 0, 60);
    suite_add_tcase(s, norm);

    TCase *exact = tcase_create("brute_force");
    tcase_add_checked_fixture(exact, test_ctx_setup, test_ctx_teardown);
    tcase_set_timeout(exact, 120);
    tcase_add_loop_test(exact, random_cases_vs_brute_force, 0, 20);
    tcase_add_loop_test(exact, long_series_vs_brute_force, 0, 4);
    tcase_add_test(exact, exclusion_suppresses_two);
    tcase_add_loop_test(exact, exclusion_suppresses_across_chunks, 0, 3);
    tcase_add_test(exact, found_fewer_than_k);
    tcase_add_loop_test(exact, hostile_series_vs_brute_force, 0, 24);
    suite_add_tcase(s, exact);

    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(bad, search_bad_input);
    tcase_add_loop_test(bad, nonfinite_anywhere_in_the_series, 0, 8);
    tcase_add_test(bad, forced_backend_runs_the_search);
    tcase_add_test(bad, reported_backend_is_the_one_that_ran);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return test_run_suite(search_suite(), CK_FORK_GETENV);
}
