/* SPDX-License-Identifier: MIT */
/*
 * test_api.c — the context, the environment, and bad input for every public
 * function: the documented status, and the output left exactly as it was.
 */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL (-12345.0)
#define OUT_LEN 8

static hdtw_ctx *ctx;
static double out[OUT_LEN];
static const double good[6] = { 1, 2, 3, 2, 1, 0 };

static void setup(void)
{
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int i = 0; i < OUT_LEN; i++)
        out[i] = SENTINEL;
}

static void teardown(void)
{
    hdtw_destroy(ctx);
    ctx = NULL;
    test_env_restore();
}

/* What a failed hdtw_align must leave exactly as it was: every field,
 * the path pointer included (not NULL, so a write of NULL shows). */
static size_t path_marker[2];
static const hdtw_alignment untouched_alignment = { SENTINEL, -SENTINEL, 99,
                                                    path_marker };

static void assert_alignment_untouched(const hdtw_alignment *al)
{
    ck_assert_msg(memcmp(al, &untouched_alignment, sizeof *al) == 0,
                  "a failed hdtw_align wrote to its output");
}

static void assert_out_untouched(void)
{
    for (int i = 0; i < OUT_LEN; i++)
        ck_assert(same_bits(out[i], SENTINEL));
}

/* ---------------------------------------------------------------- context */

START_TEST(names_and_messages)
{
    ck_assert_str_eq(hdtw_backend_name(HDTW_BACKEND_AUTO), "auto");
    ck_assert_str_eq(hdtw_backend_name(HDTW_BACKEND_SCALAR), "scalar");
    ck_assert_str_eq(hdtw_backend_name(HDTW_BACKEND_AVX2), "avx2");
    ck_assert_str_eq(hdtw_backend_name(HDTW_BACKEND_AVX512), "avx512");
    ck_assert_str_eq(hdtw_backend_name(HDTW_BACKEND_OPENCL), "opencl");
    ck_assert_str_eq(hdtw_backend_name((hdtw_backend)99), "unknown");
    for (int s = HDTW_OK; s <= HDTW_E_CANCELLED; s++)
        ck_assert_str_ne(hdtw_strerror((hdtw_status)s), "unknown status");
    ck_assert_str_eq(hdtw_strerror((hdtw_status)-1), "unknown status");
}
END_TEST

START_TEST(context_calls)
{
    ck_assert_int_eq(hdtw_create(NULL), HDTW_E_ARG);
    hdtw_destroy(NULL);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_AUTO);
    ck_assert_int_eq(hdtw_last_backend(NULL), HDTW_BACKEND_AUTO);
    ck_assert_int_eq(hdtw_set_threads(NULL, 1), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_set_threads(ctx, -1), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_set_threads(ctx, 0), HDTW_OK);
    ck_assert_int_eq(hdtw_set_threads(ctx, 3), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(NULL, HDTW_BACKEND_SCALAR), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_set_backend(ctx, (hdtw_backend)42), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, good, 6, good, 6, out), HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_SCALAR);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_AUTO), HDTW_OK);
}
END_TEST

/* AUTO and SCALAR always exist; the others may be absent */
START_TEST(every_backend_settable_or_unsupported)
{
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++) {
        hdtw_status s = hdtw_set_backend(ctx, (hdtw_backend)b);
        if (b == HDTW_BACKEND_AUTO || b == HDTW_BACKEND_SCALAR)
            ck_assert_int_eq(s, HDTW_OK);
        ck_assert(s == HDTW_OK || s == HDTW_E_UNSUPPORTED);
        if (s != HDTW_OK)
            continue;
        out[0] = SENTINEL;
        ck_assert_int_eq(hdtw_distance(ctx, NULL, good, 6, good, 3, out),
                         HDTW_OK);
        ck_assert(same_bits(out[0], naive_dtw(HDTW_COST_ABS, -1, good, 6,
                                               good, 3)));
        if (b != HDTW_BACKEND_AUTO)
            ck_assert_int_eq(hdtw_last_backend(ctx), b);
    }
}
END_TEST

START_TEST(device_calls)
{
    size_t count = 12345;
    ck_assert_int_eq(hdtw_opencl_devices(NULL, NULL, 0, &count), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_opencl_devices(ctx, NULL, 0, NULL), HDTW_E_ARG);
    ck_assert_uint_eq(count, 12345);
    ck_assert_int_eq(hdtw_opencl_devices(ctx, NULL, 0, &count), HDTW_OK);
    ck_assert_int_eq(hdtw_set_opencl_device(NULL, 0), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_set_opencl_device(ctx, count), HDTW_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(hdtw_last_error(ctx));
}
END_TEST

/* ------------------------------------------------------------ environment */

static hdtw_status create_with(const char *name, const char *value)
{
    static int marker;
    hdtw_ctx *before = (hdtw_ctx *)&marker, *c = before; /* kept on failure */
    test_setenv(name, value);
    hdtw_status s = hdtw_create(&c);
    test_env_restore();
    if (s == HDTW_OK)
        hdtw_destroy(c);
    else
        ck_assert_ptr_eq(c, before);
    return s;
}

START_TEST(environment_values)
{
    ck_assert_int_eq(create_with("HDTW_BACKEND", "scalar"), HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_BACKEND", "auto"), HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_BACKEND", ""), HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_BACKEND", "cuda"), HDTW_E_ARG);
    ck_assert_int_eq(create_with("HDTW_BACKEND", "Scalar"), HDTW_E_ARG);
    ck_assert_int_eq(create_with("HDTW_DISABLE", "avx512,avx2,opencl"),
                     HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_DISABLE", "avx2,"), HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_DISABLE", ""), HDTW_OK);
    ck_assert_int_eq(create_with("HDTW_DISABLE", "avx2,sse"), HDTW_E_ARG);
    ck_assert_int_eq(create_with("HDTW_DISABLE", "avx"), HDTW_E_ARG);
    ck_assert_int_eq(create_with("HDTW_DISABLE", "avx5120"), HDTW_E_ARG);
    char long_name[1024];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ck_assert_int_eq(create_with("HDTW_OPENCL_DEVICE", long_name), HDTW_E_ARG);
}
END_TEST

/* The backend that serves a distance call on c */
static hdtw_backend serving(hdtw_ctx *c)
{
    double d;
    ck_assert_int_eq(hdtw_distance(c, NULL, good, 6, good, 5, &d), HDTW_OK);
    return hdtw_last_backend(c);
}

/* A disabled backend is refused, and the refusal keeps the context's
 * previous setting: the forced scalar, or the forced avx2 when the
 * machine has it. */
START_TEST(disabled_backend_cannot_be_forced)
{
    static const char *const names[] = { "avx2", "avx512", "opencl" };
    char variant[32] = ""; /* the variant's masks stay: this only adds */
    if (getenv("HDTW_DISABLE"))
        snprintf(variant, sizeof variant, "%s", getenv("HDTW_DISABLE"));
    for (int i = 0; i < 3; i++) {
        hdtw_backend refused = (hdtw_backend)(HDTW_BACKEND_AVX2 + i);
        char disable[64];
        snprintf(disable, sizeof disable, "%s%s%s", variant,
                 *variant ? "," : "", names[i]);
        test_setenv("HDTW_DISABLE", disable);
        ck_assert_int_eq(create_with("HDTW_BACKEND", names[i]),
                         HDTW_E_UNSUPPORTED);
        test_setenv("HDTW_DISABLE", disable); /* create_with restored it */
        hdtw_ctx *c;
        ck_assert_int_eq(hdtw_create(&c), HDTW_OK);
        ck_assert_int_eq(hdtw_set_backend(c, HDTW_BACKEND_SCALAR), HDTW_OK);
        ck_assert_int_eq(hdtw_set_backend(c, refused), HDTW_E_UNSUPPORTED);
        ck_assert_int_eq(serving(c), HDTW_BACKEND_SCALAR);
        if (refused != HDTW_BACKEND_AVX2 &&
            hdtw_set_backend(c, HDTW_BACKEND_AVX2) == HDTW_OK) {
            ck_assert_int_eq(hdtw_set_backend(c, refused),
                             HDTW_E_UNSUPPORTED);
            ck_assert_int_eq(serving(c), HDTW_BACKEND_AVX2);
        }
        hdtw_destroy(c);
        test_env_restore();
    }
}
END_TEST

/* -------------------------------------------------------------- bad input */

START_TEST(distance_bad_input)
{
    const double *g = good;
    hdtw_params bad_cost = { (hdtw_cost)7, -1, 0.0 };
    ck_assert_int_eq(hdtw_distance(NULL, NULL, g, 6, g, 6, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, NULL, 6, g, 6, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, g, 6, NULL, 6, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, g, 6, g, 6, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, g, 0, g, 6, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, g, 6, g, 0, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_distance(ctx, &bad_cost, g, 6, g, 6, out),
                     HDTW_E_ARG);
    /* m*n overflows before anything is read */
    ck_assert_int_eq(hdtw_distance(ctx, NULL, g, SIZE_MAX / 2, g, 3, out),
                     HDTW_E_ARG);
    assert_out_untouched();
}
END_TEST

START_TEST(nonfinite_everywhere)
{
    const double specials[] = { NAN, INFINITY, -INFINITY };
    for (int s = 0; s < 3; s++) {
        for (size_t at = 0; at < 6; at++) {
            double bad[6];
            memcpy(bad, good, sizeof bad);
            bad[at] = specials[s];
            ck_assert_int_eq(hdtw_distance(ctx, NULL, bad, 6, good, 6, out),
                             HDTW_E_NONFINITE);
            ck_assert_int_eq(hdtw_distance(ctx, NULL, good, 6, bad, 6, out),
                             HDTW_E_NONFINITE);
            ck_assert_int_eq(hdtw_batch(ctx, NULL, good, 3, bad, 2, 3, out),
                             HDTW_E_NONFINITE);
            ck_assert_int_eq(hdtw_batch(ctx, NULL, bad, 6, good, 2, 3, out),
                             HDTW_E_NONFINITE);
            ck_assert_int_eq(hdtw_sliding(ctx, NULL, good, 2, bad, 6, 2, 1,
                                          out), HDTW_E_NONFINITE);
            hdtw_alignment al = untouched_alignment;
            ck_assert_int_eq(hdtw_align(ctx, NULL, bad, 6, good, 6, &al),
                             HDTW_E_NONFINITE);
            assert_alignment_untouched(&al);
        }
    }
    assert_out_untouched();
}
END_TEST

START_TEST(sliding_ignores_values_no_window_reads)
{
    /* windows of 2 at stride 2 over 5 values read 0..3; a NaN at 4 is
     * outside every window and the call succeeds */
    double series[5] = { 1, 2, 3, 4, NAN };
    ck_assert_uint_eq(hdtw_sliding_count(5, 2, 2), 2);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, good, 2, series, 5, 2, 2, out),
                     HDTW_OK);
    ck_assert(same_bits(out[0], naive_dtw(HDTW_COST_ABS, -1, good, 2,
                                          series, 2)));
    ck_assert(same_bits(out[1], naive_dtw(HDTW_COST_ABS, -1, good, 2,
                                          series + 2, 2)));
    ck_assert(same_bits(out[2], SENTINEL));
}
END_TEST

START_TEST(batch_bad_input)
{
    const double *g = good;
    ck_assert_int_eq(hdtw_batch(NULL, NULL, g, 3, g, 2, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, NULL, 3, g, 2, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, NULL, 2, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, g, 2, 3, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 0, g, 2, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, g, 0, 3, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, g, 2, 0, out), HDTW_E_ARG);
    /* count * n overflows, and m * n * count overflows */
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, g, SIZE_MAX / 2, 3, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, SIZE_MAX / 8, g,
                                (size_t)1 << 20, 16, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, g, 3, g, (size_t)1 << 62, 1, out),
                     HDTW_E_ARG);
    assert_out_untouched();
}
END_TEST

START_TEST(sliding_bad_input)
{
    const double *g = good;
    ck_assert_int_eq(hdtw_sliding(NULL, NULL, g, 2, g, 6, 3, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, NULL, 2, g, 6, 3, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, NULL, 6, 3, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, g, 6, 3, 1, NULL),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 0, g, 6, 3, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, g, 0, 3, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, g, 6, 0, 1, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, g, 6, 3, 0, out),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, 2, g, 6, 7, 1, out),
                     HDTW_E_ARG);
    /* m * window * count overflows */
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, g, SIZE_MAX / 4, g, 6, 5, 1,
                                  out), HDTW_E_ARG);
    ck_assert_uint_eq(hdtw_sliding_count(6, 7, 1), 0);
    ck_assert_uint_eq(hdtw_sliding_count(6, 3, 0), 0);
    ck_assert_uint_eq(hdtw_sliding_count(6, 0, 1), 0);
    ck_assert_uint_eq(hdtw_sliding_count(6, 6, 5), 1);
    ck_assert_uint_eq(hdtw_sliding_count(7, 3, 2), 3);
    assert_out_untouched();
}
END_TEST

START_TEST(align_bad_input)
{
    const double *g = good;
    hdtw_alignment al = untouched_alignment;
    ck_assert_int_eq(hdtw_align(NULL, NULL, g, 6, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, NULL, 6, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, NULL, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, g, 6, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 0, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, g, 0, &al), HDTW_E_ARG);
    hdtw_params unknown_cost = { (hdtw_cost)7, -1, 0.0 };
    ck_assert_int_eq(hdtw_align(ctx, &unknown_cost, g, 6, g, 6, &al),
                     HDTW_E_ARG);
    assert_alignment_untouched(&al);
    hdtw_alignment_free(NULL);
}
END_TEST

START_TEST(align_refuses_matrix_larger_than_memory)
{
    /* 2^22 x 2^22 cells = 128 TiB: valid, finite inputs (they are read by
     * the NaN check), but a matrix no machine holds */
    size_t n = (size_t)1 << 22;
    double *big = calloc(n, sizeof *big);
    ck_assert_ptr_nonnull(big);
    hdtw_alignment al = untouched_alignment;
    ck_assert_int_eq(hdtw_align(ctx, NULL, big, n, big, n, &al), HDTW_E_NOMEM);
    assert_alignment_untouched(&al);
    free(big);
    /* the context is still usable */
    ck_assert_int_eq(hdtw_distance(ctx, NULL, good, 6, good, 6, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0));
}
END_TEST

/* ------------------------------------------- messages, version, cells */

/* hdtw_last_error names the function, the argument and its value. */
static void assert_error_says(const char *want)
{
    ck_assert_msg(strstr(hdtw_last_error(ctx), want) != NULL,
                  "last error \"%s\" lacks \"%s\"", hdtw_last_error(ctx),
                  want);
}

START_TEST(argument_errors_are_described)
{
    double a[3] = { 1, 2, 3 }, out[2] = { SENTINEL, SENTINEL };
    ck_assert_str_eq(hdtw_last_error(ctx), "");
    ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 0, a, 3, out), HDTW_E_ARG);
    assert_error_says("hdtw_distance: m is 0");
    ck_assert_int_eq(hdtw_batch(ctx, NULL, NULL, 3, a, 1, 3, out), HDTW_E_ARG);
    assert_error_says("hdtw_batch: pattern is NULL");
    hdtw_params bad_cost = { (hdtw_cost)7, -1, 0.0 };
    ck_assert_int_eq(hdtw_align(ctx, &bad_cost, a, 3, a, 3,
                                &(hdtw_alignment){ 0 }), HDTW_E_ARG);
    assert_error_says("hdtw_align: cost is 7");
    ck_assert_int_eq(hdtw_sliding(ctx, NULL, a, 1, a, 3, 5, 1, out),
                     HDTW_E_ARG);
    assert_error_says("hdtw_sliding: window (5) > len (3)");
    ck_assert_int_eq(hdtw_search(ctx, NULL, a, 3, a, 3, 0, NULL, NULL),
                     HDTW_E_ARG);
    assert_error_says("hdtw_search: out is NULL");
    ck_assert_int_eq(hdtw_set_threads(ctx, -1), HDTW_E_ARG);
    assert_error_says("hdtw_set_threads: n is -1");
    ck_assert_int_eq(hdtw_set_backend(ctx, (hdtw_backend)42), HDTW_E_ARG);
    assert_error_says("hdtw_set_backend: b is 42");
    ck_assert(same_bits(out[0], SENTINEL) && same_bits(out[1], SENTINEL));
    /* a successful call leaves the description of the last error */
    ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 3, a, 3, out), HDTW_OK);
    assert_error_says("hdtw_set_backend: b is 42");
}
END_TEST

START_TEST(version_is_the_headers)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", HDTW_VERSION_MAJOR,
             HDTW_VERSION_MINOR, HDTW_VERSION_PATCH);
    ck_assert_str_eq(hdtw_version(), want);
    ck_assert_ptr_eq(hdtw_version(), hdtw_version()); /* static storage */
}
END_TEST

/* hdtw_cells against counting the band's cells one by one. */
START_TEST(cells_count_the_band)
{
    static const size_t sizes[] = { 1, 2, 5, 17, 40 };
    static const long bands[] = { -1, 0, 1, 3, 16, 100 };
    for (size_t x = 0; x < 5; x++)
        for (size_t y = 0; y < 5; y++)
            for (size_t z = 0; z < 6; z++) {
                size_t m = sizes[x], n = sizes[y], skew = m > n ? m - n : n - m;
                long band = bands[z];
                size_t w = band < 0 || (size_t)band < skew ? skew
                                                          : (size_t)band;
                size_t want = 0;
                for (size_t i = 0; i < m; i++)
                    for (size_t j = 0; j < n; j++)
                        want += band < 0 || (i > j ? i - j : j - i) <= w;
                ck_assert_uint_eq(hdtw_cells(m, n, band), want);
            }
    ck_assert_uint_eq(hdtw_cells(0, 5, -1), 0);
    ck_assert_uint_eq(hdtw_cells(SIZE_MAX, 2, -1), SIZE_MAX);
}
END_TEST

START_TEST(calibrate_refuses_bad_arguments_at_once)
{
    ck_assert_int_eq(hdtw_calibrate(NULL, "/tmp/x", NULL, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_calibrate(ctx, "/proc/no-such-dir/hdtw/profile",
                                    NULL, NULL),
                     HDTW_E_ARG);
    assert_error_says("hdtw_calibrate: cannot write profile_path "
                      "'/proc/no-such-dir/hdtw/profile'");
}
END_TEST

START_TEST(opmix_bound_of_cpu_backends_only)
{
    double rate = SENTINEL;
    ck_assert_int_eq(hdtw_opmix_bound(NULL, HDTW_BACKEND_SCALAR, 0.01, &rate),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_opmix_bound(ctx, HDTW_BACKEND_SCALAR, 0.0, &rate),
                     HDTW_E_ARG);
    assert_error_says("hdtw_opmix_bound: seconds is 0");
    ck_assert_int_eq(hdtw_opmix_bound(ctx, HDTW_BACKEND_SCALAR, 0.01, NULL),
                     HDTW_E_ARG);
    ck_assert_int_eq(hdtw_opmix_bound(ctx, HDTW_BACKEND_AUTO, 0.01, &rate),
                     HDTW_E_UNSUPPORTED);
    ck_assert_int_eq(hdtw_opmix_bound(ctx, HDTW_BACKEND_OPENCL, 0.01, &rate),
                     HDTW_E_UNSUPPORTED);
    ck_assert(same_bits(rate, SENTINEL));
    for (int b = HDTW_BACKEND_SCALAR; b <= HDTW_BACKEND_AVX512; b++) {
        hdtw_status s = hdtw_opmix_bound(ctx, (hdtw_backend)b, 0.01, &rate);
        /* present exactly when it can be forced */
        ck_assert_int_eq(s, hdtw_set_backend(ctx, (hdtw_backend)b));
        if (s == HDTW_OK)
            ck_assert(rate > 1e6 && rate < 1e13); /* cells per second */
    }
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("context");
    tcase_add_checked_fixture(tc, setup, teardown);
    /* every_backend_settable_or_unsupported runs OpenCL: PoCL compiles its
     * kernels on a cold cache, seconds under ASan on a loaded machine */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, names_and_messages);
    tcase_add_test(tc, context_calls);
    tcase_add_test(tc, every_backend_settable_or_unsupported);
    tcase_add_test(tc, device_calls);
    tcase_add_test(tc, environment_values);
    tcase_add_test(tc, disabled_backend_cannot_be_forced);
    tcase_add_test(tc, version_is_the_headers);
    tcase_add_test(tc, cells_count_the_band);
    tcase_add_test(tc, opmix_bound_of_cpu_backends_only);
    suite_add_tcase(s, tc);

    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, distance_bad_input);
    tcase_add_test(bad, nonfinite_everywhere);
    tcase_add_test(bad, sliding_ignores_values_no_window_reads);
    tcase_add_test(bad, batch_bad_input);
    tcase_add_test(bad, sliding_bad_input);
    tcase_add_test(bad, align_bad_input);
    tcase_add_test(bad, align_refuses_matrix_larger_than_memory);
    tcase_add_test(bad, argument_errors_are_described);
    tcase_add_test(bad, calibrate_refuses_bad_arguments_at_once);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return test_run_suite(api_suite(), CK_FORK_GETENV);
}
