/* SPDX-License-Identifier: MIT */
/*
 * test_cpu.c — every vector CPU backend present on this machine against the
 * scalar reference, with memcmp, over thousands of random shapes: pairs,
 * batches (counts around the vector widths), sliding windows (strides
 * 1..7), long pairs (the anti-diagonal path), bands from 0 to beyond the
 * lengths, both costs, 1..3 threads. Also: run-time dispatch (a backend is
 * in the table iff the CPU has it and HDTW_DISABLE does not mask it).
 *
 * The loop templates are also instantiated here with GCC generic 8-wide
 * vectors ("generic8"), so that AVX-512's shapes (8 lanes, 8-row blocks,
 * 8-wide diagonal tails) are checked even on a CPU without AVX-512.
 */
#include "testutil.h"

#include "cpu/cell.h"
#include "cpu/cpu.h"
#include "core/cpu_features.h"
#include "cpu/scalar.h"
#include "core/internal.h"

#include <check.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------- the templates at width 8 */

/* 64-byte vectors without -mavx512f: gcc notes the ABI of passing them
 * differs from AVX-512's; they never cross this file. */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef double gv8 __attribute__((vector_size(64), may_alias));
typedef long long gv8_bits __attribute__((vector_size(64)));

static inline gv8 gv8_set1(double x)
{
    return (gv8){ x, x, x, x, x, x, x, x };
}

static inline gv8 gv8_min(gv8 x, gv8 y)
{
    gv8_bits take_y = y < x; /* as hdtw_min2 */
    return (gv8)(((gv8_bits)y & take_y) | ((gv8_bits)x & ~take_y));
}

static inline gv8 gv8_max(gv8 x, gv8 y)
{
    gv8_bits take_y = y > x;
    return (gv8)(((gv8_bits)y & take_y) | ((gv8_bits)x & ~take_y));
}

static inline gv8 gv8_abs(gv8 x)
{
    return (gv8)((gv8_bits)x & ~(gv8_bits)gv8_set1(-0.0));
}

static inline gv8 gv8_loadu(const double *p)
{
    gv8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void gv8_storeu(double *p, gv8 v)
{
    memcpy(p, &v, sizeof v);
}

/* lane l of v[k] <-> lane k of v[l] */
static inline void gv8_transpose(gv8 v[8])
{
    double m[8][8];
    for (int k = 0; k < 8; k++)
        gv8_storeu(m[k], v[k]);
    for (int l = 0; l < 8; l++)
        for (int k = 0; k < 8; k++)
            v[l][k] = m[k][l];
}

#define VEC gv8
#define VEC_WIDTH 8
#define LANE_ROWS 8
#define LANE_GROUPS 2
#define VLOADU(p) gv8_loadu(p)
#define VSTOREU(p, x) gv8_storeu((p), (x))
#define VSET1(x) gv8_set1(x)
#define VSUB(x, y) ((x) - (y))
#define VMUL(x, y) ((x) * (y))
#define VADD(x, y) ((x) + (y))
#define VMIN(x, y) gv8_min((x), (y))
#define VMAX(x, y) gv8_max((x), (y))
#define VABS(x) gv8_abs(x)
#define VSHIFT_IN(x, s)                                                       \
    __builtin_shuffle((x), gv8_set1(s), (gv8_bits){ 8, 0, 1, 2, 3, 4, 5, 6 })
#define VTRANSPOSE(v) gv8_transpose(v)
#define TAIL_STRIPE(name) generic8_tail_##name /* as cpu/avx512.c */
#include "cpu/kernel_tail.h"
#define FUNC(name) generic8_##name
#define KERNEL_ENTRY generic8_run
hdtw_status generic8_run(const hdtw_call *call);

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"

/* ----------------------------------------------------------- candidates */

typedef struct {
    const char *name;
    hdtw_backend backend; /* AUTO for generic8, not a backend */
    hdtw_run_fn run;
} candidate;

static hdtw_ctx *ctx;
static candidate candidates[HDTW_BACKEND_COUNT + 1];
static size_t candidate_count;

/* The vector backends this context's table holds, plus generic8. */
static void setup(void)
{
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    candidate_count = 0;
    const hdtw_backend vector[] = { HDTW_BACKEND_AVX2, HDTW_BACKEND_AVX512 };
    for (size_t v = 0; v < 2; v++)
        if (ctx->run[vector[v]])
            candidates[candidate_count++] = (candidate){
                hdtw_backend_name(vector[v]), vector[v], ctx->run[vector[v]] };
    candidates[candidate_count++] = (candidate){ "generic8", HDTW_BACKEND_AUTO,
                                                 generic8_run };
}

static void teardown(void)
{
    hdtw_destroy(ctx);
    ctx = NULL;
}

/* A random band: none, 0, narrow, around |m - n|, or beyond the lengths. */
static long random_band(test_rng *r, size_t m, size_t n)
{
    size_t longest = m > n ? m : n, skew = m > n ? m - n : n - m;
    switch (test_next(r) % 6) {
    case 0: return -1;
    case 1: return 0;
    case 2: return (long)test_range(r, 0, 8);
    case 3: return (long)(skew + test_range(r, 0, 3));
    case 4: return (long)test_range(r, 0, longest);
    default: return (long)(longest + test_range(r, 0, 5));
    }
}

static hdtw_job make_job(test_rng *r, const double *pattern, size_t m,
                         const double *series, size_t n, size_t count,
                         size_t stride)
{
    long band = random_band(r, m, n);
    return (hdtw_job){
        .cost = test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS,
        .band = hdtw_effective_band(band, m, n),
        .pattern = pattern, .m = m, .series = series, .n = n,
        .count = count, .stride = stride,
        /* half the jobs leave the finiteness to the backend, as hdtw_batch
         * and hdtw_sliding do: the staged lanes path */
        .series_unchecked = stride <= n && test_next(r) % 2,
    };
}

/* run on job at `threads` threads, as the router would call it */
static hdtw_status run_job(hdtw_run_fn run, const hdtw_job *job, int threads,
                           double *out)
{
    hdtw_call call = { .job = job, .out = out, .threads = threads };
    return run(&call);
}

/* Every candidate at `threads` threads gives the scalar bits for job. */
static void check_job(const hdtw_job *job, int threads)
{
    double *want = test_alloc(job->count * sizeof *want);
    double *got = test_alloc(job->count * sizeof *got);
    ck_assert_int_eq(run_job(hdtw_scalar_run, job, 1, want), HDTW_OK);
    for (size_t c = 0; c < candidate_count; c++) {
        memset(got, 0xff, job->count * sizeof *got);
        ck_assert_int_eq(run_job(candidates[c].run, job, threads, got),
                         HDTW_OK);
        if (candidates[c].backend != HDTW_BACKEND_AUTO)
            test_note_backend(candidates[c].backend);
        ck_assert_msg(memcmp(want, got, job->count * sizeof *got) == 0,
                      "%s differs from scalar: m=%zu n=%zu count=%zu "
                      "stride=%zu band=%zu cost=%d threads=%d",
                      candidates[c].name, job->m, job->n, job->count,
                      job->stride, job->band, (int)job->cost, threads);
    }
    free(want);
    free(got);
}

/* A pattern of m values and a series of len values, random walks. */
static void random_series(test_rng *r, double **pattern, size_t m,
                          double **series, size_t len)
{
    *pattern = test_alloc(m * sizeof **pattern);
    *series = test_alloc(len * sizeof **series);
    test_fill_series(r, *pattern, m);
    test_fill_series(r, *series, len);
}

static void check_random(test_rng *r, size_t m, size_t n, size_t count,
                         size_t stride, int threads)
{
    double *pattern, *series;
    random_series(r, &pattern, m, &series, (count - 1) * stride + n);
    hdtw_job job = make_job(r, pattern, m, series, n, count, stride);
    check_job(&job, threads);
    free(pattern);
    free(series);
}

/* --------------------------------------------------------------- shapes */

/* Seeds per random test. Sanitizer builds (Debug, -O0, instrumented) run
 * about 20 times slower; they check memory safety on a quarter of the
 * shapes while the Release run covers them all. */
#ifdef __SANITIZE_ADDRESS__
enum { SEEDS = 2 };
#else
enum { SEEDS = 8 };
#endif

START_TEST(random_pairs)
{
    test_rng r = { test_seed(1000 + (uint64_t)_i) };
    for (int s = 0; s < 250; s++) {
        size_t m = test_range(&r, 1, 300), n = test_range(&r, 1, 300);
        if (s % 5 == 0)
            n = m; /* equal lengths: band 0 is the lock-step sum */
        check_random(&r, m, n, 1, n, 1);
    }
}
END_TEST

START_TEST(long_pairs)
{
    test_rng r = { test_seed(2000 + (uint64_t)_i) };
    size_t m = test_range(&r, 300, 2100), n = test_range(&r, 300, 2100);
    check_random(&r, m, n, 1, n, 1 + _i % 2);
    check_random(&r, m, m, 1, m, 1);
}
END_TEST

/* Counts around the vector widths (4 and 8) and random ones up to 1000. */
START_TEST(random_batches)
{
    static const size_t counts[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
                                     23, 24, 25, 31, 32, 33, 63, 65 };
    const size_t listed = sizeof counts / sizeof *counts;
    test_rng r = { test_seed(3000 + (uint64_t)_i) };
    for (size_t s = 0; s < 60; s++) {
        size_t count = s < listed ? counts[s] : test_range(&r, 1, 1000);
        size_t longest = count > 100 ? 40 : 300;
        size_t m = test_range(&r, 1, longest), n = test_range(&r, 1, longest);
        check_random(&r, m, n, count, n, 1 + (int)(s % 3));
    }
}
END_TEST

START_TEST(random_sliding)
{
    test_rng r = { test_seed(4000 + (uint64_t)_i) };
    for (size_t s = 0; s < 60; s++) {
        size_t stride = 1 + s % 7, count = test_range(&r, 1, 300);
        size_t m = test_range(&r, 1, 80), n = test_range(&r, 1, 80);
        check_random(&r, m, n, count, stride, 1 + (int)(s % 3));
    }
}
END_TEST

/* Unbanded pairs (the stripes) with row counts at every shape switch:
 * stripe heights 16 and 64, AVX-512's short-pair limits of 64 rows (full
 * width) and 256 rows (split datapath, cpu/avx512.c), and the single-row
 * and single-stripe extremes. */
START_TEST(stripe_boundaries)
{
    static const size_t rows[] = { 1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64,
                                   65, 127, 128, 129, 191, 192, 193, 254,
                                   255, 256, 257, 258, 319, 320, 321 };
    test_rng r = { 7000 + (uint64_t)_i };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        size_t m = rows[k], n = test_range(&r, 1, 300);
        double *pattern, *series;
        random_series(&r, &pattern, m, &series, m > n ? m : n);
        hdtw_job job = make_job(&r, pattern, m, series, n, 1, n);
        job.band = hdtw_effective_band(-1, m, n);
        check_job(&job, 1);
        job.n = job.stride = m; /* square too */
        job.band = hdtw_effective_band(-1, m, m);
        check_job(&job, 1);
        free(pattern);
        free(series);
    }
}
END_TEST

/* One unbanded m x n pair of random values and cost on `threads`
 * threads against scalar. */
static void check_unbanded_pair(test_rng *r, size_t m, size_t n,
                                int threads)
{
    double *pattern, *series;
    random_series(r, &pattern, m, &series, n);
    hdtw_job job = make_job(r, pattern, m, series, n, 1, n);
    job.band = hdtw_effective_band(-1, m, n);
    check_job(&job, threads);
    free(pattern);
    free(series);
}

/* One unbanded pair of each row count in rows[0..nrows), on one thread,
 * each with a column count drawn from columns[0..ncolumns). */
static void check_rows_at_columns(test_rng *r, const size_t *rows,
                                  size_t nrows, const size_t *columns,
                                  size_t ncolumns)
{
    for (size_t k = 0; k < nrows; k++)
        check_unbanded_pair(r, rows[k],
                            columns[test_range(r, 0, ncolumns - 1)], 1);
}

/* Unbanded pairs whose stripes follow each other on one thread every
 * max(n + LANE_LAG, ROW_LAG * STRIPE_ROWS) steps (kernel_stripes.h's
 * stripes_dp): column counts around that switch (24 on AVX2's 16-row
 * stripes, 56 on 64-row ones), the gap of LANE_LAG (8) columns, and
 * rows that end a stripe in every lane. */
START_TEST(stripe_periods)
{
    static const size_t rows[] = { 2, 5, 16, 17, 20, 48, 63, 64, 65, 71, 120,
                                   128, 129, 136, 191, 200 };
    static const size_t columns[] = { 1,  2,  3,  7,  8,  9,  15, 16,
                                      17, 23, 24, 25, 31, 32, 33, 55,
                                      56, 57, 63, 64, 65 };
    test_rng r = { test_seed(7500 + (uint64_t)_i) };
    check_rows_at_columns(&r, rows, sizeof rows / sizeof *rows, columns,
                          sizeof columns / sizeof *columns);
}
END_TEST

/* Unbanded pairs whose last stripe holds 1 to 16 rows below full 64-row
 * ones, which one thread runs in the tail's shape (cpu/kernel_tail.h,
 * generic8 and avx512) after the last full stripe's n + 63 steps, and
 * the row counts on either side (0 and 17 rows left: no tail). Columns
 * around the one-thread period's switch (56) and long ones, so that m < n
 * and m > n both come up. */
START_TEST(stripe_tails)
{
    static const size_t rows[] = { 64,  65,  66,  72,  79,  80,  81,  128,
                                   129, 136, 143, 144, 145, 200, 2000 };
    static const size_t columns[] = { 1,  2,  7,  8,   9,   55,  56,
                                      57, 63, 64, 65, 300, 640, 2047 };
    test_rng r = { test_seed(7700 + (uint64_t)_i) };
    check_rows_at_columns(&r, rows, sizeof rows / sizeof *rows, columns,
                          sizeof columns / sizeof *columns);
}
END_TEST

/* Batches at every band width from 0 to 20 and around 32, where
 * kernel_lanes.h switches block heights (rows <= 2w + 2, half-height
 * blocks below TALL_BLOCK_MIN_BAND), with row counts that leave every
 * remainder of 8, 4 and 2 rows. */
START_TEST(band_block_heights)
{
    test_rng r = { 8000 + (uint64_t)_i };
    for (long band = 0; band <= 40; band++) {
        if (band > 20 && band < 28)
            continue;
        size_t m = test_range(&r, 1, 150), n = test_range(&r, 1, 150);
        size_t count = test_range(&r, 1, 20);
        double *pattern, *series;
        random_series(&r, &pattern, m, &series, count * n);
        hdtw_job job = make_job(&r, pattern, m, series, n, count, n);
        job.band = hdtw_effective_band(band, m, n);
        check_job(&job, 1);
        free(pattern);
        free(series);
    }
}
END_TEST

/* Lane blocks at the band widths where their shape changes (kernel_lanes.h:
 * rows <= 2w + 2, edge columns of 1 .. rows - 1 rows, columns cut by the
 * matrix's sides) and windows shorter than a block, with counts around one
 * lane group and one unit of two groups (8 / 16 windows on AVX-512, 4 / 8
 * on AVX2), equal and unequal lengths. */
START_TEST(band_edges)
{
    static const size_t counts[] = { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33 };
    test_rng r = { test_seed(8500 + (uint64_t)_i) };
    for (size_t s = 0; s < 24; s++) {
        size_t n = s % 3 == 0 ? test_range(&r, 1, 6) : test_range(&r, 7, 140);
        size_t m = s % 2 ? n : test_range(&r, n > 3 ? n - 3 : 1, n + 3);
        const long bands[] = { 0, 1, 2, 3, 13, 64, (long)n - 1, (long)n };
        size_t count = counts[test_range(&r, 0, 10)];
        double *pattern, *series;
        random_series(&r, &pattern, m, &series, count * n);
        for (size_t b = 0; b < sizeof bands / sizeof *bands; b++) {
            hdtw_job job = make_job(&r, pattern, m, series, n, count, n);
            job.band = hdtw_effective_band(bands[b], m, n);
            check_job(&job, 1);
        }
        free(pattern);
        free(series);
    }
}
END_TEST

/* Early abandoning (hdtw_job.max_dist): a kernel returns, per window, the
 * scalar reference's exact bits or, for a distance above max_dist, +inf.
 * max_dist is taken among the exact distances so that some windows are
 * above it and some below; the test fails unless some lane group was
 * really abandoned (+inf returned for a finite distance). */
static size_t check_abandoning(test_rng *r, size_t m, size_t n, size_t count)
{
    double *pattern, *series;
    random_series(r, &pattern, m, &series, count * n);
    hdtw_job job = make_job(r, pattern, m, series, n, count, n);
    double *exact = test_alloc(count * sizeof *exact);
    double *got = test_alloc(count * sizeof *got);
    ck_assert_int_eq(run_job(hdtw_scalar_run, &job, 1, exact), HDTW_OK);
    double low = exact[0];
    for (size_t k = 1; k < count; k++)
        low = exact[k] < low ? exact[k] : low;
    job.max_dist = low * (double)test_range(r, 1, 8) / 4.0 + 1e-9;
    size_t abandoned = 0;
    for (size_t c = 0; c < candidate_count; c++) {
        ck_assert_int_eq(run_job(candidates[c].run, &job, 1, got), HDTW_OK);
        for (size_t k = 0; k < count; k++) {
            int same = memcmp(&got[k], &exact[k], sizeof *got) == 0;
            int dropped = exact[k] > job.max_dist && got[k] == INFINITY;
            ck_assert_msg(same || dropped,
                          "%s window %zu: %.17g, exact %.17g, max_dist %g "
                          "(m=%zu n=%zu count=%zu band=%zu)",
                          candidates[c].name, k, got[k], exact[k],
                          job.max_dist, m, n, count, job.band);
            abandoned += !same;
        }
    }
    free(exact);
    free(got);
    free(pattern);
    free(series);
    return abandoned;
}

START_TEST(abandoned_lanes)
{
    test_rng r = { test_seed(8700 + (uint64_t)_i) };
    size_t abandoned = 0;
    for (size_t s = 0; s < 20; s++) {
        size_t n = test_range(&r, 1, 120);
        size_t m = test_range(&r, n > 5 ? n - 5 : 1, n + 5);
        abandoned += check_abandoning(&r, m, n, test_range(&r, 1, 40));
    }
    ck_assert_uint_gt(abandoned, 0);
}
END_TEST

/* ------------------------------------------------------------- threads */

/* unbanded: no band, so that the call has the cells to really use 3
 * threads (kernel_run.h forks one per MIN_CELLS_PER_THREAD cells); the
 * width-8 instance of the same policy confirms it forks them, so the
 * comparison cannot pass merely because everything ran on one thread.
 * A single pair is never split across threads (kernel_run.h), so only
 * batches are checked here. */
static void check_thread_counts(size_t m, size_t n, size_t count,
                                int unbanded)
{
    test_rng r = { test_seed(5000 + m + n + count) };
    double *pattern, *series;
    random_series(&r, &pattern, m, &series, count * n);
    hdtw_job job = make_job(&r, pattern, m, series, n, count, n);
    if (unbanded)
        job.band = hdtw_effective_band(-1, m, n);
    for (int threads = 1; threads <= 3; threads++) {
        check_job(&job, threads);
        if (unbanded)
            ck_assert_int_eq(generic8_lanes_threads(threads, &job,
                                                    (count + 15) / 16),
                             threads);
    }
    free(pattern);
    free(series);
}

START_TEST(threads_batch)
{
    check_thread_counts(64, 64, 1000, 0);
    check_thread_counts(33, 47, 37, 0);
    check_thread_counts(100, 100, 3000, 1); /* 3e7 cells: 3 threads */
}
END_TEST

/* Long unbanded pairs on 2 to 4 threads: the stripes' wavefront
 * (kernel_stripes.h), with row counts around the 64-row stripes and
 * column counts around its 256-step chunks (a full stripe runs n + 63
 * steps: 1217 columns make 5 chunks). Enough cells for every thread
 * (250,000 a thread). */
START_TEST(wavefront_pairs)
{
    static const size_t rows[] = { 640, 641, 703, 704, 705, 767, 1000 };
    static const size_t columns[] = { 1000, 1110, 1111, 1216, 1217,
                                      1218, 1238, 1239, 1240 };
    test_rng r = { test_seed(8000 + (uint64_t)_i) };
    size_t m = rows[test_range(&r, 0, 6)], n = columns[test_range(&r, 0, 8)];
    check_unbanded_pair(&r, m, n, 2 + _i % 3);
}
END_TEST

/* Wide pairs on 2 and 3 threads, past the width (PRIVATE_SKEWED_BYTES of
 * skewed b, about 8,100 columns) from which the wavefront's threads share
 * one copy of skewed b instead of building one each. */
START_TEST(wavefront_wide_pairs)
{
    static const size_t rows[] = { 65, 130 };
    test_rng r = { test_seed(8500 + (uint64_t)_i) };
    check_unbanded_pair(&r, rows[_i % 2], test_range(&r, 8100, 8300),
                        2 + _i % 2);
}
END_TEST

/* Unchecked windows (hdtw_job.series_unchecked) with one NaN or +-Inf
 * anywhere in their span: in any lane group, the first or last value of a
 * window, the n % 8 tail the lane copy reads one at a time. Every
 * candidate and scalar refuse the job and leave every output byte as it
 * was, at 1 and 2 threads. */
START_TEST(unchecked_nonfinite_refused)
{
    const double specials[] = { NAN, INFINITY, -INFINITY };
    test_rng r = { test_seed(9000 + (uint64_t)_i) };
    for (size_t s = 0; s < 40; s++) {
        size_t n = test_range(&r, 1, 40), stride = test_range(&r, 1, n);
        size_t count = test_range(&r, 1, 60), m = test_range(&r, 1, 40);
        size_t span = (count - 1) * stride + n;
        double *pattern, *series;
        random_series(&r, &pattern, m, &series, span);
        size_t at = s % 3 == 0   ? span - 1
                    : s % 3 == 1 ? (count - 1) * stride
                                 : test_range(&r, 0, span - 1);
        series[at] = specials[s % 3];
        hdtw_job job = make_job(&r, pattern, m, series, n, count, stride);
        job.series_unchecked = 1;
        double *out = test_alloc(count * sizeof *out);
        double *before = test_alloc(count * sizeof *before);
        memset(before, 0x5a, count * sizeof *before);
        for (size_t c = 0; c <= candidate_count; c++) {
            hdtw_run_fn run =
                c < candidate_count ? candidates[c].run : hdtw_scalar_run;
            memcpy(out, before, count * sizeof *out);
            ck_assert_int_eq(run_job(run, &job, 1 + (int)(s % 2), out),
                             HDTW_E_NONFINITE);
            ck_assert_msg(memcmp(out, before, count * sizeof *out) == 0,
                          "output written: m=%zu n=%zu count=%zu stride=%zu "
                          "at=%zu", m, n, count, stride, at);
        }
        free(out);
        free(before);
        free(pattern);
        free(series);
    }
}
END_TEST

/* ------------------------------------------------------------- dispatch */

/* ---------------------------------------------- an independent oracle */

/* XCR0, the state components the OS saves on a context switch. */
static unsigned long long os_saved_state(void)
{
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

/* Whether this machine runs the backend, decided without the library:
 * the compiler's CPU model (__builtin_cpu_supports), plus for AVX-512 the
 * OS's XCR0 (opmask, ZMM upper halves, ZMM16-31 saved). */
static int machine_runs(hdtw_backend b)
{
    __builtin_cpu_init();
    if (b == HDTW_BACKEND_AVX2)
        return __builtin_cpu_supports("avx2") &&
               (os_saved_state() & 0x06) == 0x06;
    if (b == HDTW_BACKEND_AVX512)
        return __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl") &&
               (os_saved_state() & 0xe6) == 0xe6;
    return b == HDTW_BACKEND_SCALAR;
}

/* Whether HDTW_DISABLE, read here from the environment, names the backend */
static int disabled_here(hdtw_backend b)
{
    const char *list = getenv("HDTW_DISABLE");
    const char *name = hdtw_backend_name(b);
    size_t len = strlen(name);
    for (const char *at = list; at && *at;) {
        size_t item = strcspn(at, ",");
        if (item == len && strncmp(at, name, len) == 0)
            return 1;
        at += item + (at[item] == ',');
    }
    return 0;
}

/* A vector backend is in the table iff it was compiled, the oracle above
 * says the machine runs it, and HDTW_DISABLE does not mask it; absent ones
 * are refused. The best CPU backend is the widest present. */
START_TEST(table_follows_cpu_and_disable)
{
    static const struct { hdtw_backend backend; int built; } vector[] = {
#ifdef HDTW_HAVE_AVX2
        { HDTW_BACKEND_AVX2, 1 },
#else
        { HDTW_BACKEND_AVX2, 0 },
#endif
#ifdef HDTW_HAVE_AVX512
        { HDTW_BACKEND_AVX512, 1 },
#else
        { HDTW_BACKEND_AVX512, 0 },
#endif
    };
    hdtw_backend best = HDTW_BACKEND_SCALAR;
    for (size_t v = 0; v < 2; v++) {
        hdtw_backend b = vector[v].backend;
        int present = vector[v].built && machine_runs(b) && !disabled_here(b);
        ck_assert_msg(hdtw_set_backend(ctx, b) ==
                          (present ? HDTW_OK : HDTW_E_UNSUPPORTED),
                      "%s: expected %s", hdtw_backend_name(b),
                      present ? "present" : "absent");
        ck_assert_int_eq(ctx->run[b] != NULL, present);
        if (present)
            best = b;
    }
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    ck_assert_int_eq(hdtw_best_cpu_backend(ctx), best);
}
END_TEST

/* Through the public API: a forced vector backend serves the call, says
 * so, and agrees with scalar. */
START_TEST(public_api_uses_the_backend)
{
    test_rng r = { test_seed(6000) };
    double pattern[50], series[400], want[8], got[8];
    test_fill_series(&r, pattern, 50);
    test_fill_series(&r, series, 400);
    hdtw_params p = { HDTW_COST_ABS, 5, 0.0 };
    const hdtw_backend vector[] = { HDTW_BACKEND_AVX2, HDTW_BACKEND_AVX512 };
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, &p, pattern, 50, series, 8, 50, want),
                     HDTW_OK);
    for (size_t v = 0; v < 2; v++) {
        if (hdtw_set_backend(ctx, vector[v]) != HDTW_OK)
            continue;
        ck_assert_int_eq(hdtw_batch(ctx, &p, pattern, 50, series, 8, 50, got),
                         HDTW_OK);
        ck_assert_int_eq(hdtw_last_backend(ctx), vector[v]);
        ck_assert_mem_eq(want, got, sizeof got);
    }
}
END_TEST

static Suite *cpu_suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *shapes = tcase_create("shapes");
    tcase_add_checked_fixture(shapes, setup, teardown);
    tcase_set_timeout(shapes, 120);
    tcase_add_loop_test(shapes, random_pairs, 0, SEEDS);
    tcase_add_loop_test(shapes, long_pairs, 0, SEEDS);
    tcase_add_loop_test(shapes, random_batches, 0, SEEDS);
    tcase_add_loop_test(shapes, random_sliding, 0, SEEDS);
    tcase_add_loop_test(shapes, stripe_boundaries, 0, SEEDS);
    tcase_add_loop_test(shapes, stripe_periods, 0, 4 * SEEDS);
    tcase_add_loop_test(shapes, stripe_tails, 0, 2 * SEEDS);
    tcase_add_loop_test(shapes, band_block_heights, 0, 4 * SEEDS);
    tcase_add_loop_test(shapes, band_edges, 0, SEEDS);
    tcase_add_loop_test(shapes, abandoned_lanes, 0, SEEDS);
    tcase_add_test(shapes, threads_batch);
    tcase_add_loop_test(shapes, unchecked_nonfinite_refused, 0, SEEDS);
    tcase_add_loop_test(shapes, wavefront_pairs, 0, SEEDS);
    tcase_add_loop_test(shapes, wavefront_wide_pairs, 0, 4);
    suite_add_tcase(s, shapes);

    TCase *dispatch = tcase_create("dispatch");
    tcase_add_checked_fixture(dispatch, setup, teardown);
    tcase_add_test(dispatch, table_follows_cpu_and_disable);
    tcase_add_test(dispatch, public_api_uses_the_backend);
    suite_add_tcase(s, dispatch);
    return s;
}

int main(void)
{
    printf("test_cpu: the machine runs%s%s; HDTW_DISABLE=%s\n",
           machine_runs(HDTW_BACKEND_AVX2) ? " avx2" : "",
           machine_runs(HDTW_BACKEND_AVX512) ? " avx512" : " (no avx512)",
           getenv("HDTW_DISABLE") ? getenv("HDTW_DISABLE") : "");
    return test_run_suite(cpu_suite(), CK_FORK_GETENV);
}
