/*
 * test_api.c — the context, the environment, and bad input for every public
 * function: the documented status, and the output left exactly as it was.
 */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
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
    for (int s = HDTW_OK; s <= HDTW_E_DEVICE; s++)
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

START_TEST(every_backend_settable_or_unsupported)
{
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++) {
        hdtw_status s = hdtw_set_backend(ctx, (hdtw_backend)b);
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
    setenv(name, value, 1);
    hdtw_status s = hdtw_create(&c);
    unsetenv(name);
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

START_TEST(disabled_backend_cannot_be_forced)
{
    static const char *const names[] = { "avx2", "avx512", "opencl" };
    for (int i = 0; i < 3; i++) {
        setenv("HDTW_DISABLE", names[i], 1);
        ck_assert_int_eq(create_with("HDTW_BACKEND", names[i]),
                         HDTW_E_UNSUPPORTED);
        hdtw_ctx *c;
        ck_assert_int_eq(hdtw_create(&c), HDTW_OK);
        ck_assert_int_eq(hdtw_set_backend(c, (hdtw_backend)(HDTW_BACKEND_AVX2 + i)),
                         HDTW_E_UNSUPPORTED);
        hdtw_destroy(c);
        unsetenv("HDTW_DISABLE");
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
            hdtw_alignment al = { SENTINEL, SENTINEL, 99, NULL };
            ck_assert_int_eq(hdtw_align(ctx, NULL, bad, 6, good, 6, &al),
                             HDTW_E_NONFINITE);
            ck_assert(same_bits(al.distance, SENTINEL));
            ck_assert_uint_eq(al.path_len, 99);
            ck_assert_ptr_null(al.path);
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
    hdtw_alignment al = { SENTINEL, SENTINEL, 99, NULL };
    ck_assert_int_eq(hdtw_align(NULL, NULL, g, 6, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, NULL, 6, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, NULL, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, g, 6, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 0, g, 6, &al), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_align(ctx, NULL, g, 6, g, 0, &al), HDTW_E_ARG);
    ck_assert(same_bits(al.distance, SENTINEL));
    ck_assert_uint_eq(al.path_len, 99);
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
    hdtw_alignment al = { SENTINEL, SENTINEL, 99, NULL };
    ck_assert_int_eq(hdtw_align(ctx, NULL, big, n, big, n, &al), HDTW_E_NOMEM);
    ck_assert(same_bits(al.distance, SENTINEL));
    ck_assert_ptr_null(al.path);
    free(big);
    /* the context is still usable */
    ck_assert_int_eq(hdtw_distance(ctx, NULL, good, 6, good, 6, out), HDTW_OK);
    ck_assert(same_bits(out[0], 0.0));
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("context");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, names_and_messages);
    tcase_add_test(tc, context_calls);
    tcase_add_test(tc, every_backend_settable_or_unsupported);
    tcase_add_test(tc, device_calls);
    tcase_add_test(tc, environment_values);
    tcase_add_test(tc, disabled_backend_cannot_be_forced);
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
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return test_run_suite(api_suite(), CK_FORK_GETENV);
}
