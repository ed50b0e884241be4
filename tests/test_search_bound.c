/* SPDX-License-Identifier: MIT */
/*
 * test_search_bound.c — hdtw_set_search_bound against its contract in
 * include/hdtw.h, with the brute-force definition as the oracle: a bound
 * at the true k-th distance (ties at it included) changes no result; a
 * lower one keeps every result at or below it; +inf and NaN change
 * nothing; the callback is called, from the calling thread only, with an
 * `own` threshold that never undercuts the true k-th distance (nor the
 * bound given, which it includes); NULL removes it.
 */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static hdtw_ctx *ctx; /* made by main: each test sets and unsets the bound */

/* What the callback returns and what it saw. */
typedef struct {
    double give;
    double kth;           /* the true k-th distance: own must not be below */
    pthread_t caller;
    size_t calls, own_below_kth, other_thread;
} probe;

static double answer(void *user, double own)
{
    probe *p = user;
    p->calls++;
    p->own_below_kth += own < fmin(p->kth, p->give); /* own includes give */
    p->other_thread += !pthread_equal(pthread_self(), p->caller);
    return p->give;
}

/* A random walk of len values with copies of the query planted: exact
 * ones (distance 0, ties) and scaled ones (distance 0 only when
 * z-normalised), some of them in different chunks of 4096 windows. */
static void planted_series(test_rng *rng, double *x, size_t len,
                           const double *q, size_t m)
{
    test_fill_series(rng, x, len);
    static const size_t at[] = { 100, 5000, 9000, 13000, 17500 };
    for (size_t c = 0; c < sizeof at / sizeof *at; c++)
        if (at[c] + m <= len)
            for (size_t i = 0; i < m; i++)
                x[at[c] + i] = c % 2 ? q[i] : 3.0 * q[i] - 1.0;
}

/* Searches with the bound `give`; the result's entries up to `give` must
 * be the definition's, and all of them when give >= its k-th distance. */
static void check_bounded(const hdtw_search_params *sp, const double *q,
                          size_t m, const double *x, size_t len, size_t k,
                          int threads, double give)
{
    hdtw_match *want = test_alloc(k * sizeof *want);
    hdtw_match *got = test_alloc(k * sizeof *got);
    size_t want_n = 0, got_n = 0;
    ck_assert_int_eq(brute_force_search(ctx, sp, q, m, x, len, k, want,
                                        &want_n), HDTW_OK);
    probe p = { .give = give, .caller = pthread_self(),
                .kth = want_n == k ? want[k - 1].distance : INFINITY };
    if (want_n < k)
        p.kth = -INFINITY; /* no threshold can be proved: nothing to check */
    ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
    hdtw_set_search_bound(ctx, answer, &p);
    ck_assert_int_eq(hdtw_search(ctx, sp, q, m, x, len, k, got, &got_n),
                     HDTW_OK);
    hdtw_set_search_bound(ctx, NULL, NULL);
    ck_assert_uint_gt(p.calls, 0);
    ck_assert_uint_eq(p.other_thread, 0);
    ck_assert_uint_eq(p.own_below_kth, 0);
    size_t upto = 0; /* the definition's entries at or below give */
    while (upto < want_n && !(want[upto].distance > give))
        upto++;
    if (!(give < p.kth) || isnan(give))
        upto = want_n;
    ck_assert_uint_ge(got_n, upto);
    if (upto == want_n)
        ck_assert_uint_eq(got_n, want_n);
    ck_assert_int_eq(memcmp(got, want, upto * sizeof *got), 0);
    free(got);
    free(want);
}

/* Bounds at the definition's k-th distance (ties kept), just above it,
 * +inf and NaN change nothing; bounds at each better distance, and below
 * every distance, keep what is at or below them. */
START_TEST(bounds_against_the_definition)
{
    test_rng rng = { 4242u + (unsigned)_i };
    size_t m = test_range(&rng, 8, 40), len = test_range(&rng, 9000, 20000);
    double *x = test_alloc(len * sizeof *x), *q = test_alloc(m * sizeof *q);
    test_fill_series(&rng, q, m);
    planted_series(&rng, x, len, q, m);
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.znorm = _i % 2;
    sp.dtw.band = (long)test_range(&rng, 0, 4);
    sp.exclusion = _i % 3 == 0 ? 0 : HDTW_EXCLUSION_AUTO;
    size_t k = test_range(&rng, 1, 8);
    hdtw_match *want = test_alloc(k * sizeof *want);
    size_t n = 0;
    ck_assert_int_eq(brute_force_search(ctx, &sp, q, m, x, len, k, want, &n),
                     HDTW_OK);
    double kth = want[n - 1].distance;
    for (int threads = 1; threads <= 2; threads++) {
        check_bounded(&sp, q, m, x, len, k, threads, kth); /* ties kept */
        check_bounded(&sp, q, m, x, len, k, threads, nextafter(kth, 1e300));
        check_bounded(&sp, q, m, x, len, k, threads, INFINITY);
        check_bounded(&sp, q, m, x, len, k, threads, NAN);
    }
    for (size_t j = 0; j + 1 < n; j++)
        check_bounded(&sp, q, m, x, len, k, 1 + (int)(j % 2),
                      want[j].distance);
    check_bounded(&sp, q, m, x, len, k, 1, -1.0); /* nothing survives */
    free(want);
    free(q);
    free(x);
}
END_TEST

START_TEST(null_removes_the_bound)
{
    double x[64], q[8];
    for (size_t i = 0; i < 64; i++)
        x[i] = sin(0.3 * (double)i);
    memcpy(q, x + 5, sizeof q);
    probe p = { .give = -1.0, .caller = pthread_self(), .kth = -INFINITY };
    hdtw_match out[2];
    size_t found = 0;
    hdtw_set_search_bound(ctx, answer, &p);
    hdtw_set_search_bound(ctx, NULL, &p);
    ck_assert_int_eq(hdtw_search(ctx, NULL, q, 8, x, 64, 2, out, &found),
                     HDTW_OK);
    ck_assert_uint_eq(p.calls, 0);
    ck_assert_uint_eq(found, 2);
    hdtw_set_search_bound(NULL, answer, &p); /* no crash */
}
END_TEST

static Suite *bound_suite(void)
{
    Suite *s = suite_create("search_bound");
    TCase *t = tcase_create("bound");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, bounds_against_the_definition, 0, 8);
    tcase_add_test(t, null_removes_the_bound);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    if (hdtw_create(&ctx) != HDTW_OK)
        return EXIT_FAILURE;
    int rc = test_run_suite(bound_suite(), CK_FORK_GETENV);
    hdtw_destroy(ctx);
    return rc;
}
