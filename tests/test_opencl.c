/*
 * test_opencl.c — the OpenCL backend against cpu/scalar, bit for bit
 * (memcmp), over randomized batches, sliding windows and long pairs, both
 * kernels, chunked runs; every injected fault falls back to the CPU with
 * the same bits; device selection. Needs an OpenCL device with fp64 (PoCL
 * in CI: scripts/install-deps installs pocl-opencl-icd).
 *
 * Check forks every test, and OpenCL must not be initialised before a
 * fork: each test creates its own contexts. PoCL compiles the program once
 * per process (seconds; later processes hit PoCL's kernel cache), so each
 * test covers many shapes with one context.
 */
#include "testutil.h"

#include "cpu/cell.h"
#include "core/internal.h"
#include "opencl/opencl.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Cells (m * n * count) one randomized test may ask of both backends: the
 * suite runs again under ASan, where the scalar reference is slow. */
#define CELL_BUDGET 12000000u

typedef struct {
    hdtw_params params;
    size_t m, n, count, stride;
} shape;

static hdtw_ctx *create_ctx(void)
{
    hdtw_ctx *ctx = NULL;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_msg(ctx->run[HDTW_BACKEND_OPENCL] != NULL,
                  "no OpenCL device with fp64 (install pocl-opencl-icd)");
    return ctx;
}

static long random_band(test_rng *r, size_t m, size_t n)
{
    switch (test_next(r) % 4) {
    case 0: return -1;
    case 1: return 0;
    default: return (long)test_range(r, 0, (m > n ? m : n) + 2);
    }
}

static hdtw_params random_params(test_rng *r, size_t m, size_t n)
{
    hdtw_params p = { test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS,
                      random_band(r, m, n) };
    return p;
}

/* Runs the job the shape describes on scalar, then on OpenCL (forced on
 * the same context), and compares every output bit. */
static void check_shape(hdtw_ctx *ctx, const shape *s, const double *pattern,
                        const double *series, hdtw_backend expect)
{
    double *want = test_alloc(s->count * sizeof *want);
    double *got = test_alloc(s->count * sizeof *got);
    size_t len = (s->count - 1) * s->stride + s->n;
    for (int pass = 0; pass < 2; pass++) {
        hdtw_backend b = pass == 0 ? HDTW_BACKEND_SCALAR : HDTW_BACKEND_OPENCL;
        double *out = pass == 0 ? want : got;
        ck_assert_int_eq(hdtw_set_backend(ctx, b), HDTW_OK);
        ck_assert_int_eq(hdtw_sliding(ctx, &s->params, pattern, s->m, series,
                                      len, s->n, s->stride, out),
                         HDTW_OK);
    }
    ck_assert_int_eq(hdtw_last_backend(ctx), expect);
    for (size_t k = 0; k < s->count; k++)
        ck_assert_msg(same_bits(want[k], got[k]),
                      "m=%zu n=%zu count=%zu stride=%zu cost=%d band=%ld "
                      "window %zu: scalar %a opencl %a (%s)",
                      s->m, s->n, s->count, s->stride, (int)s->params.cost,
                      s->params.band, k, want[k], got[k],
                      hdtw_last_error(ctx));
    free(want);
    free(got);
}

/* Random data for the shape, then check_shape. */
static void check_random_data(hdtw_ctx *ctx, test_rng *r, const shape *s)
{
    size_t len = (s->count - 1) * s->stride + s->n;
    double *pattern = test_alloc(s->m * sizeof *pattern);
    double *series = test_alloc(len * sizeof *series);
    test_fill_series(r, pattern, s->m);
    test_fill_series(r, series, len);
    check_shape(ctx, s, pattern, series, HDTW_BACKEND_OPENCL);
    free(pattern);
    free(series);
}

/* count 1..5000 (mostly small), lengths 1..300, within the cell budget. */
static shape random_batch_shape(test_rng *r, size_t budget)
{
    shape s;
    s.count = test_next(r) % 3 == 0 ? test_range(r, 1, 5000)
                                    : test_range(r, 1, 40);
    size_t cap = budget / s.count;
    s.m = test_range(r, 1, 300);
    s.n = test_range(r, 1, 300);
    while (s.m * s.n > cap && (s.m > 1 || s.n > 1)) {
        s.m = (s.m + 1) / 2;
        s.n = (s.n + 1) / 2;
    }
    s.stride = s.n;
    s.params = random_params(r, s.m, s.n);
    return s;
}

START_TEST(batch_matches_scalar)
{
    test_rng r = { 0x0c1b47c4u + (uint64_t)_i };
    hdtw_ctx *ctx = create_ctx();
    if (_i == 2) /* a GPU's work-group shape, on whatever device this is */
        hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_GPU_SHAPE);
    for (size_t used = 0, job = 0; used < CELL_BUDGET && job < 60; job++) {
        shape s = random_batch_shape(&r, CELL_BUDGET / 8);
        check_random_data(ctx, &r, &s);
        used += s.m * s.n * s.count;
    }
    hdtw_destroy(ctx);
}
END_TEST

START_TEST(sliding_matches_scalar)
{
    test_rng r = { 0x511d1e6u + (uint64_t)_i };
    hdtw_ctx *ctx = create_ctx();
    for (int job = 0; job < 30; job++) {
        shape s = random_batch_shape(&r, CELL_BUDGET / 40);
        s.stride = test_range(&r, 1, s.n + 5);
        check_random_data(ctx, &r, &s);
    }
    hdtw_destroy(ctx);
}
END_TEST

/* The global-memory wavefront (long windows and pairs) on batch shapes. */
START_TEST(global_kernel_matches_scalar)
{
    test_rng r = { 0x910ba1u + (uint64_t)_i };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_GLOBAL);
    for (int job = 0; job < 25; job++) {
        shape s = random_batch_shape(&r, CELL_BUDGET / 60);
        s.count = s.count > 64 ? 64 : s.count;
        s.stride = test_range(&r, 1, s.n + 3);
        check_random_data(ctx, &r, &s);
    }
    hdtw_destroy(ctx);
}
END_TEST

/* Long pairs: the local kernel while the diagonals fit in local memory,
 * the global one beyond; lengths up to 20,000 with a narrow band. */
START_TEST(long_pairs_match_scalar)
{
    static const struct { size_t m, n; long band; hdtw_cost cost; } pairs[] = {
        { 2000, 2000, -1, HDTW_COST_ABS },
        { 4000, 3100, 1200, HDTW_COST_SQUARED },
        { 3000, 4000, -1, HDTW_COST_SQUARED },
        { 20000, 20000, 40, HDTW_COST_ABS },
        { 19950, 20000, 10, HDTW_COST_SQUARED },
    };
    test_rng r = { 0x10e9u };
    hdtw_ctx *ctx = create_ctx();
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        shape s = { { pairs[p].cost, pairs[p].band }, pairs[p].m, pairs[p].n,
                    1, pairs[p].n };
        check_random_data(ctx, &r, &s);
        if (p < 2) { /* the same pairs through the global kernel */
            hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_GLOBAL);
            check_random_data(ctx, &r, &s);
            hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_AUTO);
        }
    }
    hdtw_destroy(ctx);
}
END_TEST

/* Lengths 1 and extreme skews, where diagonals hold a single cell. */
START_TEST(degenerate_lengths_match_scalar)
{
    static const size_t lengths[][2] = { { 1, 1 }, { 1, 300 }, { 300, 1 },
                                         { 2, 257 }, { 257, 3 }, { 64, 65 } };
    test_rng r = { 0xde9u };
    hdtw_ctx *ctx = create_ctx();
    for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++) {
        for (long band = -1; band <= 2; band++) {
            shape s = { { band % 2 ? HDTW_COST_ABS : HDTW_COST_SQUARED, band },
                        lengths[l][0], lengths[l][1], 33, lengths[l][1] };
            check_random_data(ctx, &r, &s);
        }
    }
    hdtw_destroy(ctx);
}
END_TEST

/* Batches split into chunks give the same bits, in the right places. */
START_TEST(chunked_batches_match_scalar)
{
    test_rng r = { 0xc4u + (uint64_t)_i };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_set_chunk_limit(ctx, 1 + (size_t)_i * 6);
    if (_i % 2)
        hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_GLOBAL);
    for (int job = 0; job < 6; job++) {
        shape s = { random_params(&r, 40, 50), 40, 50, test_range(&r, 1, 90),
                    test_range(&r, 1, 60) };
        check_random_data(ctx, &r, &s);
    }
    hdtw_destroy(ctx);
}
END_TEST

/* ------------------------------------------------------------------ faults */

static const char *const faults[] = { "build", "alloc", "enqueue", "read" };

/* Every injected failure: the backend itself returns HDTW_E_DEVICE and
 * leaves out untouched; through the API the call completes on the best CPU
 * backend with the scalar bits, and hdtw_last_backend says so. */
START_TEST(fault_falls_back_to_cpu)
{
    ck_assert_int_eq(setenv("HDTW_OPENCL_FAULT", faults[_i], 1), 0);
    test_rng r = { 0xfa17u };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_set_chunk_limit(ctx, 5); /* a read fails after a chunk */

    size_t m = 30, n = 40, count = 17;
    double pattern[30], series[17 * 40], out[17];
    test_fill_series(&r, pattern, m);
    test_fill_series(&r, series, n * count);
    for (size_t k = 0; k < count; k++)
        out[k] = -1.0;
    hdtw_job job = { HDTW_COST_SQUARED, hdtw_effective_band(-1, m, n),
                     pattern, m, series, n, count, n };
    ck_assert_int_eq(hdtw_opencl_run(ctx, &job, out), HDTW_E_DEVICE);
    for (size_t k = 0; k < count; k++)
        ck_assert(same_bits(out[k], -1.0));
    ck_assert_msg(strstr(hdtw_last_error(ctx), "opencl") != NULL, "%s",
                  hdtw_last_error(ctx));
    if (_i == 0) /* the compiler's own log names the injected #error */
        ck_assert_msg(strstr(hdtw_last_error(ctx), "fault injection"), "%s",
                      hdtw_last_error(ctx));

    shape s = { { HDTW_COST_SQUARED, -1 }, m, n, count, n };
    for (int call = 0; call < 2; call++) /* a failed build is not retried */
        check_shape(ctx, &s, pattern, series, hdtw_best_cpu_backend(ctx));
    hdtw_destroy(ctx);
    unsetenv("HDTW_OPENCL_FAULT"); /* for CK_FORK=no runs */
}
END_TEST

/* -------------------------------------------------------------- devices */

START_TEST(forced_opencl_without_device_is_unsupported)
{
    hdtw_ctx *ctx = NULL;
    ck_assert_int_eq(setenv("HDTW_OPENCL_DEVICE", "no such device", 1), 0);
    ck_assert_int_eq(setenv("HDTW_BACKEND", "opencl", 1), 0);
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_E_UNSUPPORTED);
    ck_assert_ptr_null(ctx);

    ck_assert_int_eq(unsetenv("HDTW_BACKEND"), 0);
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL),
                     HDTW_E_UNSUPPORTED);
    hdtw_destroy(ctx);

    ck_assert_int_eq(unsetenv("HDTW_OPENCL_DEVICE"), 0);
    ck_assert_int_eq(setenv("HDTW_DISABLE", "opencl", 1), 0);
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL),
                     HDTW_E_UNSUPPORTED);
    ck_assert_int_eq(hdtw_set_opencl_device(ctx, 0), HDTW_E_UNSUPPORTED);
    hdtw_destroy(ctx);
    unsetenv("HDTW_DISABLE");
}
END_TEST

/* The listed device is selectable by index, by a piece of its name, and
 * through hdtw_set_opencl_device; an index past the list is not. */
START_TEST(device_selection)
{
    hdtw_ctx *ctx = create_ctx();
    hdtw_device_info info[16];
    size_t count = 0;
    ck_assert_int_eq(hdtw_opencl_devices(ctx, info, 16, &count), HDTW_OK);
    ck_assert_uint_ge(count, 1);
    size_t usable = count;
    for (size_t d = 0; d < count && d < 16; d++)
        if (info[d].fp64 && usable == count)
            usable = d;
    ck_assert_uint_lt(usable, count);
    ck_assert_int_eq(hdtw_set_opencl_device(ctx, count), HDTW_E_UNSUPPORTED);
    ck_assert_int_eq(hdtw_set_opencl_device(ctx, usable), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL), HDTW_OK);
    hdtw_destroy(ctx);

    char index[32], piece[8];
    snprintf(index, sizeof index, "%zu", usable);
    snprintf(piece, sizeof piece, "%s", info[usable].name + 1);
    const char *const wanted[] = { index, piece };
    for (size_t w = 0; w < 2; w++) {
        ck_assert_int_eq(setenv("HDTW_OPENCL_DEVICE", wanted[w], 1), 0);
        ck_assert_int_eq(setenv("HDTW_BACKEND", "opencl", 1), 0);
        ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
        hdtw_destroy(ctx);
    }
    unsetenv("HDTW_OPENCL_DEVICE");
    unsetenv("HDTW_BACKEND");
}
END_TEST

static Suite *opencl_suite(void)
{
    Suite *s = suite_create("opencl");
    TCase *exact = tcase_create("bit-identical");
    tcase_set_timeout(exact, 300);
    tcase_add_loop_test(exact, batch_matches_scalar, 0, 3);
    tcase_add_loop_test(exact, sliding_matches_scalar, 0, 2);
    tcase_add_loop_test(exact, global_kernel_matches_scalar, 0, 2);
    tcase_add_test(exact, long_pairs_match_scalar);
    tcase_add_test(exact, degenerate_lengths_match_scalar);
    tcase_add_loop_test(exact, chunked_batches_match_scalar, 0, 2);
    suite_add_tcase(s, exact);

    TCase *fallback = tcase_create("fallback");
    tcase_set_timeout(fallback, 120);
    tcase_add_loop_test(fallback, fault_falls_back_to_cpu, 0,
                        sizeof faults / sizeof *faults);
    tcase_add_test(fallback, forced_opencl_without_device_is_unsupported);
    tcase_add_test(fallback, device_selection);
    suite_add_tcase(s, fallback);
    return s;
}

/* Whether an OpenCL device with fp64 is here, asked in a child process:
 * OpenCL must not be initialised in this one before Check forks. */
static int fp64_device_present(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        hdtw_ctx *ctx = NULL;
        _exit(hdtw_create(&ctx) == HDTW_OK &&
              hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL) == HDTW_OK ? 0 : 1);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid &&
           WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
    /* 77: ctest's "skipped" (tests/CMakeLists.txt); CI sets
     * HDTW_TEST_REQUIRE_OPENCL so that a missing device fails there */
    if (!getenv("HDTW_TEST_REQUIRE_OPENCL") && !fp64_device_present()) {
        puts("test_opencl: no OpenCL device with fp64: skipped");
        return 77;
    }
    return test_run_suite(opencl_suite(), CK_FORK_GETENV);
}
