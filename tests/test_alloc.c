/* SPDX-License-Identifier: MIT */
/*
 * test_alloc.c — every allocation of every entry point made to fail, one
 * budget at a time (built only with -DHDTW_ALLOC_HOOKS=ON).
 *
 * For each entry point, backend and shape: a clean call counts the
 * allocations it needs (`needed`); then for every k < needed the call runs
 * with only k allocations allowed and must return HDTW_E_NOMEM, leave its
 * outputs untouched and hold no block afterwards; with k = needed it must
 * succeed with the clean call's exact bits. After each failure the same
 * context must still compute the right answer. Each budget is tried on a
 * fresh context (cold caches) and on one that has already run (warm).
 * LSan (the CI build also has -DHDTW_SANITIZE=ON) checks the process
 * leaks nothing; the suite runs without fork so that LSan sees it.
 */
#include "testutil.h"

#include "core/alloc.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL (-777.25)

/* One shape of work, with its inputs. */
typedef struct {
    hdtw_params params;
    size_t m, n, count, len, window, stride;
    double *pattern, *series;
} shape;

/* One entry point: writes its results as doubles into out[0..out_len) and
 * returns the status; on failure must leave out untouched. */
typedef struct {
    const char *name;
    hdtw_status (*call)(hdtw_ctx *ctx, const shape *s, double *out);
    size_t (*out_len)(const shape *s);
} entry;

static hdtw_status call_distance(hdtw_ctx *ctx, const shape *s, double *out)
{
    return hdtw_distance(ctx, &s->params, s->pattern, s->m, s->series, s->n,
                         out);
}

static hdtw_status call_batch(hdtw_ctx *ctx, const shape *s, double *out)
{
    return hdtw_batch(ctx, &s->params, s->pattern, s->m, s->series, s->count,
                      s->n, out);
}

static hdtw_status call_sliding(hdtw_ctx *ctx, const shape *s, double *out)
{
    return hdtw_sliding(ctx, &s->params, s->pattern, s->m, s->series, s->len,
                        s->window, s->stride, out);
}

/* align's outputs flattened: distance, similarity, path_len, the path. The
 * hdtw_alignment itself must be untouched on failure. */
static hdtw_status call_align(hdtw_ctx *ctx, const shape *s, double *out)
{
    const hdtw_alignment before = { SENTINEL, SENTINEL, 12345, NULL };
    hdtw_alignment al = before;
    hdtw_status st = hdtw_align(ctx, &s->params, s->pattern, s->m, s->series,
                                s->n, &al);
    if (st != HDTW_OK) {
        ck_assert(memcmp(&al, &before, sizeof al) == 0);
        return st;
    }
    ck_assert_uint_le(al.path_len, s->m + s->n - 1);
    out[0] = al.distance;
    out[1] = al.similarity;
    out[2] = (double)al.path_len;
    for (size_t i = 0; i < 2 * al.path_len; i++)
        out[3 + i] = (double)al.path[i];
    for (size_t i = 3 + 2 * al.path_len; i < 3 + 2 * (s->m + s->n - 1); i++)
        out[i] = 0.0;
    hdtw_alignment_free(&al);
    return st;
}

/* The matrices: the shape's first `count` windows of n values as a set;
 * the ragged one moves every odd offset back one value (lengths n - 1 and
 * n + 1 alternate). */
static hdtw_set fixed_set(const shape *s)
{
    return (hdtw_set){ s->series, NULL, s->count, s->n };
}

/* A matrix writes in place unless a progress callback is set (hdtw.h):
 * the matrices are called with one that never cancels, so that a failed
 * allocation must leave out untouched; in-place matrices are checked by
 * matrix_in_place_fails_cleanly. */
static int keep_going(void *user, size_t done, size_t total)
{
    (void)user;
    (void)done;
    (void)total;
    return 0;
}

static hdtw_status staged_cdist(hdtw_ctx *ctx, const shape *s,
                                const hdtw_set *a, const hdtw_set *b,
                                double *out)
{
    hdtw_set_progress(ctx, keep_going, NULL);
    hdtw_status st = b ? hdtw_cdist(ctx, &s->params, a, b, out)
                       : hdtw_pdist(ctx, &s->params, a, out);
    hdtw_set_progress(ctx, NULL, NULL);
    return st;
}

static hdtw_status call_cdist(hdtw_ctx *ctx, const shape *s, double *out)
{
    hdtw_set x = fixed_set(s);
    return staged_cdist(ctx, s, &x, &x, out);
}

static hdtw_status call_pdist(hdtw_ctx *ctx, const shape *s, double *out)
{
    hdtw_set x = fixed_set(s);
    return staged_cdist(ctx, s, &x, NULL, out);
}

static hdtw_status call_ragged(hdtw_ctx *ctx, const shape *s, double *out)
{
    size_t offsets[64];
    ck_assert_uint_lt(s->count, 64);
    for (size_t i = 0; i <= s->count; i++)
        offsets[i] = i * s->n - (i % 2 && i < s->count && s->n > 1);
    hdtw_set x = { s->series, offsets, s->count, 0 }, y = fixed_set(s);
    return staged_cdist(ctx, s, &x, &y, out);
}

static size_t square_out(const shape *s) { return s->count * s->count; }
static size_t triangle_out(const shape *s)
{
    return s->count * (s->count - 1) / 2;
}

/* search's outputs flattened: found, then start and distance of each of
 * the k = count matches (the unfound ones as the sentinels left there).
 * The matches and *found must be untouched on failure. */
static hdtw_status call_search(hdtw_ctx *ctx, const shape *s, double *out)
{
    enum { K_MAX = 32 };
    ck_assert_uint_le(s->count, K_MAX);
    hdtw_match before[K_MAX], matches[K_MAX];
    for (size_t i = 0; i < K_MAX; i++)
        before[i] = (hdtw_match){ 12345, SENTINEL };
    memcpy(matches, before, sizeof matches);
    size_t found = 54321;
    /* z-normalised for the absolute cost, raw values for the squared */
    hdtw_search_params sp = { s->params, s->params.cost == HDTW_COST_ABS,
                              HDTW_EXCLUSION_AUTO };
    hdtw_status st = hdtw_search(ctx, &sp, s->pattern, s->m, s->series,
                                 s->len, s->count, matches, &found);
    if (st != HDTW_OK) {
        ck_assert(memcmp(matches, before, sizeof matches) == 0);
        ck_assert_uint_eq(found, 54321);
        return st;
    }
    out[0] = (double)found;
    for (size_t i = 0; i < s->count; i++) {
        out[1 + 2 * i] = (double)matches[i].start;
        out[2 + 2 * i] = matches[i].distance;
    }
    return st;
}

/* subsequence's outputs flattened: found, then start, end and distance of
 * each of the k = count spans (the unfound ones as the sentinels left
 * there). The spans and *found must be untouched on failure. The shape's
 * band is dropped: a subsequence has none. */
static hdtw_status call_subsequence(hdtw_ctx *ctx, const shape *s,
                                    double *out)
{
    enum { K_MAX = 32 };
    static const hdtw_span untouched = { 12345, 23456, SENTINEL };
    hdtw_span spans[K_MAX];
    size_t found = 54321;
    hdtw_params p = s->params;
    p.band = -1;
    ck_assert_uint_le(s->count, K_MAX);
    for (size_t i = 0; i < K_MAX; i++)
        spans[i] = untouched;
    hdtw_status st = hdtw_subsequence(ctx, &p, s->pattern, s->m, s->series,
                                      s->len, s->count, spans, &found);
    for (size_t i = 0; i < K_MAX && st != HDTW_OK; i++)
        ck_assert(memcmp(&spans[i], &untouched, sizeof untouched) == 0);
    ck_assert(st == HDTW_OK || found == 54321);
    for (size_t i = 0; i < s->count && st == HDTW_OK; i++) {
        out[1 + 3 * i] = (double)spans[i].start;
        out[2 + 3 * i] = (double)spans[i].end;
        out[3 + 3 * i] = spans[i].distance;
    }
    if (st == HDTW_OK)
        out[0] = (double)found;
    return st;
}

static hdtw_status call_znorm(hdtw_ctx *ctx, const shape *s, double *out)
{
    (void)ctx;
    return hdtw_znorm(s->series, s->len, out);
}

static size_t one(const shape *s) { (void)s; return 1; }
static size_t search_out(const shape *s) { return 1 + 2 * s->count; }
static size_t spans_out(const shape *s) { return 1 + 3 * s->count; }
static size_t len_out(const shape *s) { return s->len; }
static size_t count_out(const shape *s) { return s->count; }
static size_t align_out(const shape *s) { return 3 + 2 * (s->m + s->n - 1); }

static size_t sliding_out(const shape *s)
{
    return hdtw_sliding_count(s->len, s->window, s->stride);
}

static const entry entries[] = {
    { "distance", call_distance, one },
    { "align", call_align, align_out },
    { "batch", call_batch, count_out },
    { "sliding", call_sliding, sliding_out },
    { "cdist", call_cdist, square_out },
    { "pdist", call_pdist, triangle_out },
    { "cdist ragged", call_ragged, square_out },
    { "search", call_search, search_out },
    { "subsequence", call_subsequence, spans_out },
    { "znorm", call_znorm, len_out },
};
#define ENTRY_COUNT (sizeof entries / sizeof *entries)

static shape make_shape(uint64_t seed, hdtw_cost cost, long band, size_t m,
                        size_t n, size_t count, size_t stride)
{
    test_rng rng = { test_seed(seed) };
    shape s = { { cost, band, 0.0 }, m, n, count, 0, n, stride, NULL, NULL };
    s.len = (count - 1) * stride + n;
    if (s.len < count * n)
        s.len = count * n; /* room for the batch's windows too */
    s.pattern = test_alloc(m * sizeof *s.pattern);
    s.series = test_alloc(s.len * sizeof *s.series);
    test_fill_series(&rng, s.pattern, m);
    test_fill_series(&rng, s.series, s.len);
    return s;
}

static void free_shape(shape *s)
{
    free(s->pattern);
    free(s->series);
}

/* A context on backend b with `threads` threads, made while allocation
 * works; 0 when b is not available here. */
static hdtw_ctx *context_on(hdtw_backend b, int threads)
{
    hdtw_ctx *ctx;
    hdtw_alloc_fail_after(-1);
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
    if (hdtw_set_backend(ctx, b) != HDTW_OK) {
        hdtw_destroy(ctx);
        return NULL;
    }
    return ctx;
}

static void fill(double *x, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        x[i] = v;
}

static int all_sentinel(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_bits(x[i], SENTINEL))
            return 0;
    return 1;
}

/* The call with `budget` allocations allowed, checked as the file header
 * says. */
static void call_with_budget(hdtw_ctx *ctx, const entry *e, const shape *s,
                             long budget, long needed, const double *expected,
                             double *got)
{
    size_t len = e->out_len(s);
    long live = hdtw_alloc_live();
    fill(got, len, SENTINEL);
    hdtw_alloc_fail_after(budget);
    hdtw_status st = e->call(ctx, s, got);
    hdtw_alloc_fail_after(-1);
    if (budget < needed) {
        ck_assert_msg(st == HDTW_E_NOMEM, "%s: budget %ld of %ld gave %s",
                      e->name, budget, needed, hdtw_strerror(st));
        ck_assert_msg(all_sentinel(got, len), "%s: output written on failure",
                      e->name);
        ck_assert_msg(hdtw_alloc_live() == live, "%s: leak at budget %ld",
                      e->name, budget);
    } else {
        ck_assert_msg(st == HDTW_OK, "%s: budget %ld of %ld gave %s", e->name,
                      budget, needed, hdtw_strerror(st));
        ck_assert(memcmp(got, expected, len * sizeof *got) == 0);
    }
    /* the context survives the failure */
    fill(got, len, SENTINEL);
    ck_assert_int_eq(e->call(ctx, s, got), HDTW_OK);
    ck_assert(memcmp(got, expected, len * sizeof *got) == 0);
}

static void sweep(hdtw_backend b, int threads, const entry *e, const shape *s)
{
    long live = hdtw_alloc_live();
    hdtw_ctx *ctx = context_on(b, threads);
    if (!ctx)
        return; /* backend absent here */
    size_t len = e->out_len(s);
    double *expected = test_alloc(len * sizeof *expected);
    double *got = test_alloc(len * sizeof *got);

    hdtw_alloc_fail_after(-1);
    ck_assert_int_eq(e->call(ctx, s, expected), HDTW_OK);
    long needed_cold = hdtw_alloc_count();
    hdtw_alloc_fail_after(-1);
    ck_assert_int_eq(e->call(ctx, s, got), HDTW_OK);
    long needed_warm = hdtw_alloc_count();
    hdtw_destroy(ctx);
    ck_assert_int_eq(hdtw_alloc_live(), live);

    for (long budget = 0; budget <= needed_cold; budget++) {
        ctx = context_on(b, threads);
        call_with_budget(ctx, e, s, budget, needed_cold, expected, got);
        hdtw_destroy(ctx);
        ck_assert_msg(hdtw_alloc_live() == live, "%s: context leaked",
                      e->name);
    }
    ctx = context_on(b, threads);
    ck_assert_int_eq(e->call(ctx, s, got), HDTW_OK);
    for (long budget = 0; budget <= needed_warm; budget++)
        call_with_budget(ctx, e, s, budget, needed_warm, expected, got);
    hdtw_destroy(ctx);
    ck_assert_int_eq(hdtw_alloc_live(), live);
    free(expected);
    free(got);
}

/* Shapes: tiny, unequal with a band and squared cost, long enough that a
 * vector kernel runs full lanes and a remainder, and pattern length 1. */
static void sweep_backend(hdtw_backend b)
{
    shape shapes[] = {
        make_shape(1, HDTW_COST_ABS, -1, 5, 7, 3, 2),
        make_shape(2, HDTW_COST_SQUARED, 3, 40, 33, 11, 5),
        make_shape(3, HDTW_COST_ABS, 0, 1, 64, 19, 1),
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        for (size_t e = 0; e < ENTRY_COUNT; e++) {
            sweep(b, 1, &entries[e], &shapes[i]);
            sweep(b, 2, &entries[e], &shapes[i]);
        }
        free_shape(&shapes[i]);
    }
}

START_TEST(entry_points_on_each_backend)
{
    sweep_backend((hdtw_backend)_i);
}
END_TEST

/* A series long enough for the vector subsequence passes' chunks (their
 * own working memory and the exact column they check lanes against). */
START_TEST(subsequence_long_series)
{
    shape s = make_shape(4, HDTW_COST_ABS, -1, 10, 4400, 3, 1);
    for (size_t e = 0; e < ENTRY_COUNT; e++)
        if (entries[e].call == call_subsequence)
            sweep((hdtw_backend)_i, 1, &entries[e], &s);
    free_shape(&s);
}
END_TEST

/* The vector kernels borrow the context's work area (core/alloc.h,
 * hdtw_scratch): once a call has run, the same call again allocates
 * nothing, and gives the same bits. Shapes: a full pair (stripes; on two
 * threads a wavefront, which needs a pair that pays for two), a narrow
 * band (anti-diagonals), a wide band (lanes), a batch and sliding windows
 * (lanes). */
START_TEST(warm_vector_calls_allocate_nothing)
{
    hdtw_backend vector[] = { HDTW_BACKEND_AVX2, HDTW_BACKEND_AVX512 };
    shape shapes[] = {
        make_shape(5, HDTW_COST_ABS, -1, 300, 280, 1, 1),
        make_shape(6, HDTW_COST_SQUARED, -1, 1100, 1000, 1, 1),
        make_shape(7, HDTW_COST_ABS, 12, 200, 190, 1, 1),
        make_shape(8, HDTW_COST_ABS, 3, 90, 100, 1, 1),
        make_shape(9, HDTW_COST_SQUARED, 5, 40, 33, 37, 3),
    };
    const entry *runs[] = { &entries[0], &entries[2], &entries[3] };
    for (int threads = 1; threads <= 2; threads++) {
        hdtw_ctx *ctx = context_on(vector[_i], threads);
        if (!ctx)
            break; /* backend absent here */
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
            for (size_t e = 0; e < sizeof runs / sizeof *runs; e++) {
                size_t len = runs[e]->out_len(&shapes[i]);
                double *cold = test_alloc(len * sizeof *cold);
                double *warm = test_alloc(len * sizeof *warm);
                ck_assert_int_eq(runs[e]->call(ctx, &shapes[i], cold),
                                 HDTW_OK);
                hdtw_alloc_fail_after(-1);
                ck_assert_int_eq(runs[e]->call(ctx, &shapes[i], warm),
                                 HDTW_OK);
                ck_assert_msg(hdtw_alloc_count() == 0,
                              "%s, shape %zu, %d threads: %ld allocations",
                              runs[e]->name, i, threads, hdtw_alloc_count());
                ck_assert(memcmp(cold, warm, len * sizeof *cold) == 0);
                free(cold);
                free(warm);
            }
        }
        hdtw_destroy(ctx);
    }
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        free_shape(&shapes[i]);
}
END_TEST

START_TEST(create_fails_cleanly)
{
    long live = hdtw_alloc_live();
    hdtw_ctx *ctx;
    hdtw_alloc_fail_after(-1);
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    long needed = hdtw_alloc_count();
    hdtw_destroy(ctx);
    ck_assert_int_ge(needed, 1); /* the context itself */
    ck_assert_int_eq(hdtw_alloc_live(), live);

    for (long budget = 0; budget < needed; budget++) {
        hdtw_ctx *untouched = (hdtw_ctx *)&live;
        ctx = untouched;
        hdtw_alloc_fail_after(budget);
        hdtw_status st = hdtw_create(&ctx);
        hdtw_alloc_fail_after(-1);
        if (st == HDTW_OK) {
            /* the one tolerated case: OpenCL discovery reads that a device
             * lacks fp64 when it cannot allocate its extension list
             * (opencl/devices.c has_fp64), so the context is made without
             * the OpenCL backend; it must still be whole and exact */
            double a[3] = { 1, 2, 4 }, d = -1.0;
            ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL),
                             HDTW_E_UNSUPPORTED);
            ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 3, a, 2, &d), HDTW_OK);
            ck_assert(same_bits(d, 2.0));
            hdtw_destroy(ctx);
        } else {
            ck_assert_int_eq(st, HDTW_E_NOMEM);
            ck_assert_ptr_eq(ctx, untouched);
        }
        ck_assert_int_eq(hdtw_alloc_live(), live);
    }
}
END_TEST

/* Matrices without a progress callback write in place (hdtw.h): every
 * budget gives HDTW_E_NOMEM or the exact matrix, and nothing leaks. */
START_TEST(matrix_in_place_fails_cleanly)
{
    shape sh = make_shape(4, HDTW_COST_ABS, -1, 9, 9, 13, 9);
    hdtw_set x = fixed_set(&sh);
    double expected[13 * 13], got[13 * 13];
    long live = hdtw_alloc_live();
    for (int threads = 1; threads <= 2; threads++) {
        hdtw_ctx *ctx = context_on(HDTW_BACKEND_AUTO, threads);
        hdtw_alloc_fail_after(-1);
        ck_assert_int_eq(hdtw_cdist(ctx, NULL, &x, &x, expected), HDTW_OK);
        long needed = hdtw_alloc_count(), held = hdtw_alloc_live();
        for (long budget = 0; budget <= needed; budget++) {
            hdtw_alloc_fail_after(budget);
            hdtw_status st = hdtw_cdist(ctx, NULL, &x, &x, got);
            hdtw_alloc_fail_after(-1);
            ck_assert_int_eq(st, budget < needed ? HDTW_E_NOMEM : HDTW_OK);
            ck_assert_int_eq(hdtw_alloc_live(), held);
        }
        ck_assert(memcmp(got, expected, sizeof got) == 0);
        hdtw_destroy(ctx);
    }
    ck_assert_int_eq(hdtw_alloc_live(), live);
    free_shape(&sh);
}
END_TEST

START_TEST(hook_counts_and_fails)
{
    /* the hook itself: a budget of 0 fails the first allocation, and a
     * failed call allocates nothing it keeps */
    double a[3] = { 1, 2, 3 }, d = SENTINEL;
    hdtw_ctx *ctx = context_on(HDTW_BACKEND_SCALAR, 1);
    hdtw_alloc_fail_after(0);
    ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 3, a, 3, &d), HDTW_E_NOMEM);
    ck_assert_int_ge(hdtw_alloc_count(), 1);
    hdtw_alloc_fail_after(-1);
    ck_assert(same_bits(d, SENTINEL));
    ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 3, a, 3, &d), HDTW_OK);
    ck_assert_int_ge(hdtw_alloc_count(), 1);
    ck_assert(same_bits(d, 0.0));
    hdtw_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, hook_counts_and_fails);
    tcase_add_test(tc, create_fails_cleanly);
    tcase_add_test(tc, matrix_in_place_fails_cleanly);
    tcase_add_loop_test(tc, warm_vector_calls_allocate_nothing, 0, 2);
    tcase_add_loop_test(tc, subsequence_long_series, HDTW_BACKEND_AUTO,
                        HDTW_BACKEND_COUNT);
    tcase_add_loop_test(tc, entry_points_on_each_backend, HDTW_BACKEND_AUTO,
                        HDTW_BACKEND_COUNT);
    suite_add_tcase(s, tc);
    /* not forked: LSan checks this process */
    return test_run_suite(s, CK_NOFORK);
}
