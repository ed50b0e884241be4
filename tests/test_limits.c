/* SPDX-License-Identifier: MIT */
/*
 * test_limits.c — sizes at the edges: products and output sizes that
 * overflow size_t, windows longer than the series, lengths of 1, extreme
 * bands, and a series of 10^8 points read by a strided sliding search.
 * Each gets its documented status (and untouched outputs) or the exact
 * result; none may crash or read outside its arrays (ASan reruns this).
 */
#include "testutil.h"

#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL (-4242.5)

static hdtw_ctx *ctx;
static double out[4];
static const double small[4] = { 1, -2, 3.5, 0 };

static void setup(void)
{
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int i = 0; i < 4; i++)
        out[i] = SENTINEL;
}

static void teardown(void)
{
    hdtw_destroy(ctx);
}

static int out_untouched(void)
{
    for (int i = 0; i < 4; i++)
        if (!same_bits(out[i], SENTINEL))
            return 0;
    return 1;
}

/* --------------------------------------------------------------- overflow */

START_TEST(products_that_overflow)
{
    const double *s = small;
    size_t half = (size_t)1 << (sizeof(size_t) * 4); /* half^2 overflows */
    /* m * n */
    ck_assert_int_eq(hdtw_distance(ctx, NULL, s, half, s, half, out),
                     HDTW_E_ARG);
    hdtw_alignment al = { SENTINEL, SENTINEL, 7, NULL };
    ck_assert_int_eq(hdtw_align(ctx, NULL, s, half, s, half, &al), HDTW_E_ARG);
    ck_assert(same_bits(al.distance, SENTINEL) && al.path_len == 7);
    /* m * n * count, with count * n alone fine */
    ck_assert_int_eq(hdtw_batch(ctx, NULL, s, half, s, half / 2, 4, out),
                     HDTW_E_ARG);
    /* count * n * sizeof(double): the windows cannot exist */
    ck_assert_int_eq(hdtw_batch(ctx, NULL, s, 1, s, SIZE_MAX / 8 + 1, 1, out),
                     HDTW_E_ARG);
    /* m * window * count through sliding */
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, s, half, s, half, half, 1, out),
                     HDTW_E_ARG);
    ck_assert(out_untouched());
}
END_TEST

START_TEST(output_size_that_overflows)
{
    /* SIZE_MAX windows of one value: m * window * count fits, the output
     * (count doubles) does not */
    ck_assert_uint_eq(hdtw_sliding_count(SIZE_MAX, 1, 1), SIZE_MAX);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, 1, small, SIZE_MAX, 1, 1,
                                  out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, small, 1, small, SIZE_MAX / 4, 1,
                                out), HDTW_E_ARG);
    ck_assert(out_untouched());
}
END_TEST

START_TEST(arrays_that_cannot_exist)
{
    /* more than SIZE_MAX / 8 doubles: no caller can hold them, so the call
     * is refused before anything is read */
    size_t too_long = SIZE_MAX / sizeof(double) + 1;
    ck_assert_int_eq(hdtw_distance(ctx, NULL, small, too_long, small, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, small, 1, small, too_long, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, small, too_long, small, 1, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, 1, small, too_long, 2,
                                  too_long / 2, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, too_long, small, 4, 2, 2,
                                  out), HDTW_E_ARG);
    ck_assert(out_untouched());
    ck_assert_int_eq(hdtw_znorm(small, too_long, out), HDTW_E_ARG);
    ck_assert(out_untouched());

    /* the search must refuse before reading: the series is 4 values long */
    hdtw_match match = { 7, 8.5 };
    size_t found = 9;
    ck_assert_int_eq(hdtw_search(ctx, NULL, small, 2, small, too_long, 1,
                                 &match, &found), HDTW_E_ARG);
    ck_assert_uint_eq(match.start, 7);
    ck_assert(match.distance == 8.5);
    ck_assert_uint_eq(found, 9);
    ck_assert_ptr_nonnull(strstr(hdtw_last_error(ctx), "more doubles"));
}
END_TEST

/* ---------------------------------------------------------------- windows */

START_TEST(window_longer_than_series)
{
    ck_assert_uint_eq(hdtw_sliding_count(4, 5, 1), 0);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, 2, small, 4, 5, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, 2, small, 4, SIZE_MAX, 1,
                                  out), HDTW_E_ARG);
    ck_assert(out_untouched());
    /* window == len: exactly one window, whatever the stride */
    ck_assert_uint_eq(hdtw_sliding_count(4, 4, SIZE_MAX), 1);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, small, 2, small, 4, 4, SIZE_MAX,
                                  out), HDTW_OK);
    ck_assert(same_bits(out[0], naive_dtw(HDTW_COST_ABS, -1, small, 2,
                                          small, 4)));
    ck_assert(same_bits(out[1], SENTINEL));
}
END_TEST

/* ---------------------------------------------------------- lengths of 1 */

static const long bands[] = { -1, 0, 1, 3, LONG_MAX, LONG_MIN };

START_TEST(lengths_of_one)
{
    hdtw_params p = { (hdtw_cost)(_i % 2), bands[_i / 2], 0.0 };
    const double one = 2.25;
    /* 1 x 1, 1 x 4, 4 x 1 */
    ck_assert_int_eq(hdtw_distance(ctx, &p, &one, 1, &one, 1, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0));
    ck_assert_int_eq(hdtw_distance(ctx, &p, &one, 1, small, 4, out), HDTW_OK);
    ck_assert(same_bits(out[0], naive_dtw(p.cost, p.band, &one, 1, small, 4)));
    ck_assert_int_eq(hdtw_distance(ctx, &p, small, 4, &one, 1, out), HDTW_OK);
    ck_assert(same_bits(out[0], naive_dtw(p.cost, p.band, small, 4, &one, 1)));

    hdtw_alignment al;
    ck_assert_int_eq(hdtw_align(ctx, &p, &one, 1, small, 4, &al), HDTW_OK);
    ck_assert_uint_eq(al.path_len, 4); /* (0,0) (0,1) (0,2) (0,3) */
    for (size_t k = 0; k < 4; k++) {
        ck_assert_uint_eq(al.path[2 * k], 0);
        ck_assert_uint_eq(al.path[2 * k + 1], k);
    }
    ck_assert(same_bits(al.distance, out[0]));
    hdtw_alignment_free(&al);
    ck_assert_int_eq(hdtw_align(ctx, &p, &one, 1, &one, 1, &al), HDTW_OK);
    ck_assert_uint_eq(al.path_len, 1);
    ck_assert(same_bits(al.similarity, 1.0));
    hdtw_alignment_free(&al);

    /* one window of one value; windows of one value at every stride */
    ck_assert_int_eq(hdtw_batch(ctx, &p, &one, 1, &one, 1, 1, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0));
    for (size_t stride = 1; stride <= 5; stride++) {
        size_t count = hdtw_sliding_count(4, 1, stride);
        for (int i = 0; i < 4; i++)
            out[i] = SENTINEL;
        ck_assert_int_eq(hdtw_sliding(ctx, &p, small, 4, small, 4, 1, stride,
                                      out), HDTW_OK);
        for (size_t k = 0; k < count; k++)
            ck_assert(same_bits(out[k], naive_dtw(p.cost, p.band, small, 4,
                                                  small + k * stride, 1)));
        for (size_t k = count; k < 4; k++)
            ck_assert(same_bits(out[k], SENTINEL));
    }
}
END_TEST

/* ------------------------------------------------- 10^8 points, strided */

#define HUGE_LEN 100000000u
#define HUGE_WINDOW 48u
#define HUGE_STRIDE 999983u /* a prime: windows land everywhere */

START_TEST(hundred_million_point_series)
{
    double *series = malloc((size_t)HUGE_LEN * sizeof *series);
    ck_assert_ptr_nonnull(series);
    for (size_t i = 0; i < HUGE_LEN; i++)
        series[i] = (double)(i % 1009) * 0.25 - (double)(i % 7);
    double pattern[32];
    for (int i = 0; i < 32; i++)
        pattern[i] = (double)(i % 9) - 2.0;

    size_t count = hdtw_sliding_count(HUGE_LEN, HUGE_WINDOW, HUGE_STRIDE);
    ck_assert_uint_eq(count, (HUGE_LEN - HUGE_WINDOW) / HUGE_STRIDE + 1);
    double *got = test_alloc((count + 1) * sizeof *got);
    got[count] = SENTINEL;
    hdtw_params p = { HDTW_COST_SQUARED, 5, 0.0 };
    ck_assert_int_eq(hdtw_sliding(ctx, &p, pattern, 32, series, HUGE_LEN,
                                  HUGE_WINDOW, HUGE_STRIDE, got), HDTW_OK);
    ck_assert(same_bits(got[count], SENTINEL));
    /* the independent full-matrix DTW, not the library, is the oracle */
    for (size_t k = 0; k < count; k++)
        ck_assert_msg(same_bits(got[k], naive_dtw(p.cost, p.band, pattern, 32,
                                                  series + k * HUGE_STRIDE,
                                                  HUGE_WINDOW)),
                      "window %zu differs from naive_dtw", k);

    /* a NaN just past the last window is never read; one at the last
     * window's last value is */
    size_t end = (count - 1) * HUGE_STRIDE + HUGE_WINDOW;
    ck_assert_uint_lt(end, HUGE_LEN);
    series[end] = NAN;
    ck_assert_int_eq(hdtw_sliding(ctx, &p, pattern, 32, series, HUGE_LEN,
                                  HUGE_WINDOW, HUGE_STRIDE, got), HDTW_OK);
    series[end - 1] = INFINITY;
    got[0] = SENTINEL;
    ck_assert_int_eq(hdtw_sliding(ctx, &p, pattern, 32, series, HUGE_LEN,
                                  HUGE_WINDOW, HUGE_STRIDE, got),
                     HDTW_E_NONFINITE);
    ck_assert(same_bits(got[0], SENTINEL));
    free(got);
    free(series);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120); /* the 10^8-point series under ASan */
    tcase_add_test(tc, products_that_overflow);
    tcase_add_test(tc, output_size_that_overflows);
    tcase_add_test(tc, arrays_that_cannot_exist);
    tcase_add_test(tc, window_longer_than_series);
    tcase_add_loop_test(tc, lengths_of_one, 0,
                        2 * (int)(sizeof bands / sizeof *bands));
    tcase_add_test(tc, hundred_million_point_series);
    suite_add_tcase(s, tc);
    return test_run_suite(s, CK_FORK_GETENV);
}
