/* SPDX-License-Identifier: MIT */
/*
 * test_opencl.c — the OpenCL backend against cpu/scalar, bit for bit
 * (memcmp), over randomized batches, sliding windows and long pairs, both
 * kernels at two work-group sizes, chunked runs; every injected fault falls back to the CPU with
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

/* Scalar's bits against OpenCL's for one call of an entry point. */
typedef hdtw_status (*entry_fn)(hdtw_ctx *ctx, const void *args, double *out);

static void check_entry(hdtw_ctx *ctx, entry_fn call, const void *args,
                        size_t count)
{
    double *want = test_alloc(count * sizeof *want);
    double *got = test_alloc(count * sizeof *got);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(call(ctx, args, want), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL), HDTW_OK);
    ck_assert_int_eq(call(ctx, args, got), HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_OPENCL);
    ck_assert_msg(memcmp(want, got, count * sizeof *got) == 0,
                  "count %zu: OpenCL differs from scalar (%s)", count,
                  hdtw_last_error(ctx));
    free(want);
    free(got);
}

/* The backend's test hooks, on ctx's OpenCL state. */
static struct hdtw_opencl *opencl_state(hdtw_ctx *ctx)
{
    return ctx->state[HDTW_BACKEND_OPENCL];
}

static void hdtw_opencl_force_kernel(hdtw_ctx *ctx, hdtw_opencl_kernel k,
                                     size_t team, size_t group)
{
    hdtw_cl_force_kernel(opencl_state(ctx), k, team, group);
}

static void hdtw_opencl_set_chunk_limit(hdtw_ctx *ctx, size_t windows)
{
    hdtw_cl_set_chunk_limit(opencl_state(ctx), windows);
}

static void hdtw_opencl_build_as_gpu(hdtw_ctx *ctx)
{
    hdtw_cl_build_as_gpu(opencl_state(ctx));
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
                      random_band(r, m, n), 0.0 };
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

/* Kernel shapes the batch test runs: the device's own choice, then both
 * kernels at two work-group sizes each (no result may depend on them),
 * then the program a GPU gets, on whatever device this is. */
static const struct {
    hdtw_opencl_kernel kernel;
    size_t team, group;
    int as_gpu;
} shapes[] = {
    { HDTW_OPENCL_KERNEL_AUTO, 0, 0, 0 },  { HDTW_OPENCL_KERNEL_ROWS, 0, 5, 0 },
    { HDTW_OPENCL_KERNEL_ROWS, 0, 64, 0 }, { HDTW_OPENCL_KERNEL_TEAM, 3, 12, 0 },
    { HDTW_OPENCL_KERNEL_TEAM, 8, 64, 0 }, { HDTW_OPENCL_KERNEL_AUTO, 0, 0, 1 },
    { HDTW_OPENCL_KERNEL_TEAM, 5, 20, 1 },
};

START_TEST(batch_matches_scalar)
{
    test_rng r = { test_seed(0x0c1b47c4u + (uint64_t)_i) };
    hdtw_ctx *ctx = create_ctx();
    if (shapes[_i].as_gpu)
        hdtw_opencl_build_as_gpu(ctx);
    hdtw_opencl_force_kernel(ctx, shapes[_i].kernel, shapes[_i].team,
                             shapes[_i].group);
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
    test_rng r = { test_seed(0x511d1e6u + (uint64_t)_i) };
    hdtw_ctx *ctx = create_ctx();
    for (int job = 0; job < 30; job++) {
        shape s = random_batch_shape(&r, CELL_BUDGET / 40);
        s.stride = test_range(&r, 1, s.n + 5);
        check_random_data(ctx, &r, &s);
    }
    hdtw_destroy(ctx);
}
END_TEST

/* A value that is not finite anywhere in the windows: a GPU build checks
 * them in its stage copy (several pieces, on two threads), a CPU device
 * before it runs; either way HDTW_E_NONFINITE with the output untouched,
 * and the same context then computes scalar's bits. Batch and sliding
 * windows, the bad value first, last, at a piece's edge and inside. */
START_TEST(nonfinite_windows_are_refused)
{
    const size_t m = 24, n = 100, count = 1500; /* 150,000 values: 3 pieces */
    const double bad[] = { NAN, INFINITY, -INFINITY };
    const size_t at[] = { 0, 65535, 65536, 99999, count * n - 1 };
    test_rng r = { test_seed(0xbadf100du) };
    double *pattern = test_alloc(m * sizeof *pattern);
    double *series = test_alloc(count * n * sizeof *series);
    double *want = test_alloc(count * sizeof *want);
    double *got = test_alloc(2 * count * sizeof *got); /* sliding: 2,999 */
    test_fill_series(&r, pattern, m);
    test_fill_series(&r, series, count * n);
    hdtw_ctx *ctx = create_ctx();
    if (_i)
        hdtw_opencl_build_as_gpu(ctx);
    ck_assert_int_eq(hdtw_set_threads(ctx, 2), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, pattern, m, series, count, n,
                                want), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL), HDTW_OK);
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        for (size_t a = 0; a < sizeof at / sizeof *at; a++) {
            double kept = series[at[a]];
            series[at[a]] = bad[b];
            for (size_t k = 0; k < 2 * count; k++)
                got[k] = -1.5;
            ck_assert_int_eq(hdtw_batch(ctx, NULL, pattern, m, series, count,
                                        n, got), HDTW_E_NONFINITE);
            ck_assert_int_eq(hdtw_sliding(ctx, NULL, pattern, m, series,
                                          count * n, n, n / 2, got),
                             HDTW_E_NONFINITE);
            for (size_t k = 0; k < 2 * count; k++)
                ck_assert(same_bits(got[k], -1.5));
            series[at[a]] = kept;
        }
    }
    ck_assert_int_eq(hdtw_batch(ctx, NULL, pattern, m, series, count, n, got),
                     HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_OPENCL);
    ck_assert(memcmp(want, got, count * sizeof *got) == 0);
    hdtw_destroy(ctx);
    free(pattern);
    free(series);
    free(want);
    free(got);
}
END_TEST

/* The team kernel (few windows, long pairs) on batch shapes, with one
 * lane and with lanes that outnumber the rows' chunks. */
START_TEST(team_kernel_matches_scalar)
{
    test_rng r = { test_seed(0x910ba1u + (uint64_t)_i) };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_TEAM, _i ? 13 : 1, 0);
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
    test_rng r = { test_seed(0x10e9u) };
    hdtw_ctx *ctx = create_ctx();
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        shape s = { { pairs[p].cost, pairs[p].band, 0.0 }, pairs[p].m, pairs[p].n,
                    1, pairs[p].n };
        check_random_data(ctx, &r, &s);
        if (p < 2) { /* the same pairs through a team of 64 lanes */
            hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_TEAM, 64, 64);
            check_random_data(ctx, &r, &s);
            hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_AUTO, 0, 0);
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
    test_rng r = { test_seed(0xde9u) };
    hdtw_ctx *ctx = create_ctx();
    for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++) {
        for (long band = -1; band <= 2; band++) {
            shape s = { { band % 2 ? HDTW_COST_ABS : HDTW_COST_SQUARED, band, 0.0 },
                        lengths[l][0], lengths[l][1], 33, lengths[l][1] };
            check_random_data(ctx, &r, &s);
        }
    }
    hdtw_destroy(ctx);
}
END_TEST

/* Batches split into chunks give the same bits, in the right places; the
 * last chunk is mostly partial (1..90 windows in chunks of 1, 7, 13, 19). */
START_TEST(chunked_batches_match_scalar)
{
    test_rng r = { test_seed(0xc4u + (uint64_t)_i) };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_set_chunk_limit(ctx, 1 + (size_t)_i * 6);
    if (_i >= 2) /* a GPU's program and its pinned, double-buffered stages */
        hdtw_opencl_build_as_gpu(ctx);
    if (_i % 2)
        hdtw_opencl_force_kernel(ctx, HDTW_OPENCL_KERNEL_TEAM, 4, 0);
    for (int job = 0; job < 6; job++) {
        shape s = { random_params(&r, 40, 50), 40, 50, test_range(&r, 1, 90),
                    test_range(&r, 1, 60) };
        check_random_data(ctx, &r, &s);
    }
    hdtw_destroy(ctx);
}
END_TEST

/* hdtw_batch and hdtw_distance reach the device too, not only
 * hdtw_sliding: batches in chunks of 7 (the last one partial) and single
 * pairs of unequal lengths, both costs, with and without a band. */
typedef struct {
    hdtw_params params;
    const double *pattern, *series;
    size_t m, n, count;
} entry_args;

static hdtw_status call_batch(hdtw_ctx *ctx, const void *args, double *out)
{
    const entry_args *a = args;
    return hdtw_batch(ctx, &a->params, a->pattern, a->m, a->series, a->count,
                      a->n, out);
}

static hdtw_status call_distance(hdtw_ctx *ctx, const void *args, double *out)
{
    const entry_args *a = args;
    return hdtw_distance(ctx, &a->params, a->pattern, a->m, a->series, a->n,
                         out);
}

START_TEST(batch_and_distance_reach_the_device)
{
    test_rng r = { test_seed(0xba7c4u) };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_set_chunk_limit(ctx, 7);
    for (int job = 0; job < 12; job++) {
        size_t m = test_range(&r, 1, 200), n = test_range(&r, 1, 200);
        size_t count = test_range(&r, 1, 60);
        double *pattern = test_alloc(m * sizeof *pattern);
        double *series = test_alloc(count * n * sizeof *series);
        test_fill_series(&r, pattern, m);
        test_fill_series(&r, series, count * n);
        entry_args a = { random_params(&r, m, n), pattern, series, m, n,
                         count };
        check_entry(ctx, call_batch, &a, count);
        check_entry(ctx, call_distance, &a, 1);
        free(pattern);
        free(series);
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
    test_rng r = { test_seed(0xfa17u) };
    hdtw_ctx *ctx = create_ctx();
    hdtw_opencl_set_chunk_limit(ctx, 5); /* a read fails after a chunk */

    size_t m = 30, n = 40, count = 17;
    double pattern[30], series[17 * 40], out[17];
    test_fill_series(&r, pattern, m);
    test_fill_series(&r, series, n * count);
    for (size_t k = 0; k < count; k++)
        out[k] = -1.0;
    hdtw_job job = { HDTW_COST_SQUARED, hdtw_effective_band(-1, m, n),
                     pattern, m, series, n, count, n, 0.0, 0 };
    ck_assert_int_eq(hdtw_run_backend(ctx, HDTW_BACKEND_OPENCL, &job, out),
                     HDTW_E_DEVICE);
    for (size_t k = 0; k < count; k++)
        ck_assert(same_bits(out[k], -1.0));
    ck_assert_msg(strstr(hdtw_last_error(ctx), "opencl") != NULL, "%s",
                  hdtw_last_error(ctx));
    if (_i == 0) /* the compiler's own log names the injected #error */
        ck_assert_msg(strstr(hdtw_last_error(ctx), "fault injection"), "%s",
                      hdtw_last_error(ctx));

    shape s = { { HDTW_COST_SQUARED, -1, 0.0 }, m, n, count, n };
    for (int call = 0; call < 2; call++) /* a failed build is not retried */
        check_shape(ctx, &s, pattern, series, hdtw_best_cpu_backend(ctx));
    hdtw_destroy(ctx);
    unsetenv("HDTW_OPENCL_FAULT"); /* for CK_FORK=no runs */
}
END_TEST

/* An HDTW_OPENCL_FAULT value that names no fault injects nothing: the
 * device serves the call with scalar's bits. */
START_TEST(unknown_fault_injects_nothing)
{
    static const char *const values[] = { "", "Build", "alloc ", "bogus" };
    test_rng r = { test_seed(0xf00u) };
    double pattern[20], series[9 * 30];
    test_fill_series(&r, pattern, 20);
    test_fill_series(&r, series, 9 * 30);
    shape s = { { HDTW_COST_ABS, 3, 0.0 }, 20, 30, 9, 30 };
    for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
        ck_assert_int_eq(setenv("HDTW_OPENCL_FAULT", values[v], 1), 0);
        hdtw_ctx *ctx = create_ctx();
        check_shape(ctx, &s, pattern, series, HDTW_BACKEND_OPENCL);
        hdtw_destroy(ctx);
    }
    unsetenv("HDTW_OPENCL_FAULT");
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
        /* the device in use is the one asked for, not merely a device */
        hdtw_device_info now;
        ck_assert_int_eq(hdtw_opencl_current_device(ctx, &now), HDTW_OK);
        ck_assert_str_eq(now.name, info[usable].name);
        ck_assert_str_eq(now.platform, info[usable].platform);
        hdtw_destroy(ctx);
    }
    unsetenv("HDTW_OPENCL_DEVICE");
    unsetenv("HDTW_BACKEND");
}
END_TEST

/* A cap smaller than the device count: the count is still the whole
 * list, only cap entries are written, the rest of out is untouched. */
START_TEST(devices_with_small_cap)
{
    hdtw_ctx *ctx = create_ctx();
    size_t count = 0, again = 0;
    ck_assert_int_eq(hdtw_opencl_devices(ctx, NULL, 0, &count), HDTW_OK);
    ck_assert_uint_ge(count, 1);
    hdtw_device_info *info = test_alloc((count + 1) * sizeof *info);
    hdtw_device_info untouched;
    memset(&untouched, 0xa5, sizeof untouched);
    for (size_t cap = 0; cap < count; cap++) {
        for (size_t d = 0; d <= count; d++)
            info[d] = untouched;
        ck_assert_int_eq(hdtw_opencl_devices(ctx, info, cap, &again), HDTW_OK);
        ck_assert_uint_eq(again, count);
        for (size_t d = 0; d < cap; d++)
            ck_assert_msg(info[d].name[0] != (char)0xa5, "entry %zu", d);
        for (size_t d = cap; d <= count; d++)
            ck_assert_msg(memcmp(&info[d], &untouched, sizeof untouched) == 0,
                          "cap %zu wrote entry %zu", cap, d);
    }
    free(info);
    hdtw_destroy(ctx);
}
END_TEST

/* AUTO end to end: a profile (HDTW_PROFILE) that lists this device as fast
 * and the CPU backends as slow routes batches and pairs to OpenCL, with
 * scalar's bits. */
START_TEST(auto_routes_to_listed_device)
{
    hdtw_ctx *probe = create_ctx();
    char name[HDTW_DEVICE_NAME_MAX];
    snprintf(name, sizeof name, "%s", hdtw_opencl_device_name(probe));
    hdtw_destroy(probe);

    char path[] = "/tmp/hdtw-test-profile.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "hdtw-profile 1\n");
    static const char *const cpus[] = { "scalar", "avx2", "avx512" };
    static const char *const kinds[] = { "pair", "many" };
    for (size_t b = 0; b < 3; b++)
        for (size_t k = 0; k < 2; k++)
            for (int threads = 1; threads <= 2; threads++)
                fprintf(f, "rate %s %s %d 1000000 0.000001\n", cpus[b],
                        kinds[k], threads);
    for (size_t k = 0; k < 2; k++)
        fprintf(f, "device %s 0 1000 1000 %s\n", kinds[k], name);
    fclose(f);
    ck_assert_int_eq(setenv("HDTW_PROFILE", path, 1), 0);

    test_rng r = { test_seed(0xa070u) };
    hdtw_ctx *ctx = create_ctx();
    size_t m = 50, n = 70, count = 30;
    double pattern[50], series[30 * 70], want[30], got[30];
    test_fill_series(&r, pattern, m);
    test_fill_series(&r, series, count * n);
    hdtw_params params = { HDTW_COST_SQUARED, 10, 0.0 };
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, &params, pattern, m, series, count, n,
                                want), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, &params, pattern, m, series, count, n,
                                got), HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_OPENCL);
    ck_assert(memcmp(want, got, sizeof got) == 0);
    ck_assert_int_eq(hdtw_distance(ctx, &params, pattern, m, series, n, got),
                     HDTW_OK);
    ck_assert_int_eq(hdtw_last_backend(ctx), HDTW_BACKEND_OPENCL);
    ck_assert(same_bits(want[0], got[0]));
    hdtw_destroy(ctx);
    unsetenv("HDTW_PROFILE");
    remove(path);
}
END_TEST

static Suite *opencl_suite(void)
{
    Suite *s = suite_create("opencl");
    TCase *exact = tcase_create("bit-identical");
    tcase_set_timeout(exact, 300);
    tcase_add_loop_test(exact, batch_matches_scalar, 0,
                        sizeof shapes / sizeof *shapes);
    tcase_add_loop_test(exact, sliding_matches_scalar, 0, 2);
    tcase_add_loop_test(exact, team_kernel_matches_scalar, 0, 2);
    tcase_add_test(exact, long_pairs_match_scalar);
    tcase_add_test(exact, degenerate_lengths_match_scalar);
    tcase_add_loop_test(exact, chunked_batches_match_scalar, 0, 4);
    tcase_add_test(exact, batch_and_distance_reach_the_device);
    tcase_add_loop_test(exact, nonfinite_windows_are_refused, 0, 2);
    suite_add_tcase(s, exact);

    TCase *fallback = tcase_create("fallback");
    tcase_set_timeout(fallback, 120);
    tcase_add_loop_test(fallback, fault_falls_back_to_cpu, 0,
                        sizeof faults / sizeof *faults);
    tcase_add_test(fallback, forced_opencl_without_device_is_unsupported);
    tcase_add_test(fallback, device_selection);
    tcase_add_test(fallback, devices_with_small_cap);
    tcase_add_test(fallback, unknown_fault_injects_nothing);
    tcase_add_test(fallback, auto_routes_to_listed_device);
    suite_add_tcase(s, fallback);
    return s;
}

/* No usable device (no ICD, or none with fp64) is a skip, exit 77, which
 * ctest reports as skipped; HDTW_TEST_REQUIRE_OPENCL=1 (CI, where PoCL is
 * installed) makes it a failure. Probed in a child: OpenCL must not be
 * initialised before Check forks. */
static int device_present(void)
{
    pid_t child = fork();
    if (child == 0) {
        hdtw_ctx *ctx = NULL;
        int present = hdtw_create(&ctx) == HDTW_OK &&
                      ctx->run[HDTW_BACKEND_OPENCL] != NULL;
        hdtw_destroy(ctx);
        _exit(present ? 0 : 1);
    }
    int status = 0;
    return child > 0 && waitpid(child, &status, 0) == child &&
           WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
    const char *required = getenv("HDTW_TEST_REQUIRE_OPENCL");
    if (!device_present() && !(required && strcmp(required, "1") == 0)) {
        printf("test_opencl: skipped, no OpenCL device with fp64\n");
        return 77;
    }
    return test_run_suite(opencl_suite(), CK_FORK_GETENV);
}
