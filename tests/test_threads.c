/* SPDX-License-Identifier: MIT */
/*
 * test_threads.c — separate contexts used at the same time from 8 threads,
 * on mixed work (every computing entry point, hdtw_search and hdtw_znorm
 * included, every available backend, several
 * thread counts), give exactly the bits of the same work run sequentially.
 * All threads read the same input arrays. CI also runs this program under
 * ThreadSanitizer (-DHDTW_TSAN=ON), which reports any data race between
 * the contexts or inside a backend.
 */
#include "testutil.h"

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define JOBS 48
#define ROUNDS 2
#define PATH_MAX_CELLS 512 /* m + n - 1 for the largest align job */

typedef enum { KIND_DISTANCE, KIND_ALIGN, KIND_BATCH, KIND_SLIDING,
               KIND_SEARCH, KIND_ZNORM, KIND_COUNT } job_kind;

/* One piece of work and the result it must give. */
typedef struct {
    job_kind kind;
    hdtw_backend backend;
    int threads;
    hdtw_params params;
    int znorm;       /* search */
    size_t exclusion; /* search */
    size_t m, n, count, stride; /* sliding: n is the window; search: n is
                                   the series' length, count is k */
    size_t pattern_at, series_at; /* offsets into the shared inputs */
    size_t out_len;
    double expected[2 + 2 * PATH_MAX_CELLS];
} job;

#define SHARED_LEN 4096
static double shared[SHARED_LEN];
static job jobs[JOBS];

/* The search's matches as doubles: how many were found, then start and
 * distance of each, zeros up to out_len. */
static hdtw_status run_search(hdtw_ctx *ctx, const job *j,
                              const double *query, const double *series,
                              double *out)
{
    hdtw_search_params sp = { j->params, j->znorm, j->exclusion };
    hdtw_match found[16];
    size_t count;
    hdtw_status s = hdtw_search(ctx, &sp, query, j->m, series, j->n,
                                j->count, found, &count);
    if (s != HDTW_OK)
        return s;
    out[0] = (double)count;
    for (size_t i = 1; i < j->out_len; i++) {
        const hdtw_match *match = &found[(i - 1) / 2];
        out[i] = (i - 1) / 2 >= count ? 0.0
                 : i % 2             ? (double)match->start
                                     : match->distance;
    }
    return s;
}

/* Runs j on ctx into out (out_len doubles). */
static hdtw_status run_job(hdtw_ctx *ctx, const job *j, double *out)
{
    const double *pattern = shared + j->pattern_at;
    const double *series = shared + j->series_at;
    hdtw_status s = hdtw_set_backend(ctx, j->backend);
    if (s == HDTW_OK)
        s = hdtw_set_threads(ctx, j->threads);
    if (s != HDTW_OK)
        return s;
    switch (j->kind) {
    case KIND_DISTANCE:
        return hdtw_distance(ctx, &j->params, pattern, j->m, series, j->n,
                             out);
    case KIND_BATCH:
        return hdtw_batch(ctx, &j->params, pattern, j->m, series, j->count,
                          j->n, out);
    case KIND_SLIDING:
        return hdtw_sliding(ctx, &j->params, pattern, j->m, series,
                            (j->count - 1) * j->stride + j->n, j->n,
                            j->stride, out);
    case KIND_SEARCH:
        return run_search(ctx, j, pattern, series, out);
    case KIND_ZNORM:
        return hdtw_znorm(pattern, j->m, out);
    case KIND_ALIGN: {
        hdtw_alignment al;
        s = hdtw_align(ctx, &j->params, pattern, j->m, series, j->n, &al);
        if (s != HDTW_OK)
            return s;
        /* distance, similarity, the path, zeros up to out_len */
        out[0] = al.distance;
        out[1] = al.similarity;
        for (size_t i = 2; i < j->out_len; i++)
            out[i] = i - 2 < 2 * al.path_len ? (double)al.path[i - 2] : 0.0;
        hdtw_alignment_free(&al);
        return s;
    }
    default:
        return HDTW_E_ARG;
    }
}

static size_t output_length(const job *j)
{
    switch (j->kind) {
    case KIND_BATCH:
    case KIND_SLIDING:
        return j->count;
    case KIND_ALIGN:
        return 2 + 2 * (j->m + j->n - 1);
    case KIND_SEARCH:
        return 1 + 2 * j->count;
    case KIND_ZNORM:
        return j->m;
    default:
        return 1;
    }
}

/* Backends this machine has, AUTO first. */
static int available_backends(hdtw_backend *list)
{
    hdtw_ctx *ctx;
    int count = 0;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++)
        if (hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK)
            list[count++] = (hdtw_backend)b;
    hdtw_destroy(ctx);
    return count;
}

/* A search: a query of up to 64 values in a series of up to 1500, k up
 * to 10, with or without z-normalisation, exclusion from none to past
 * the query. */
static void search_shape(test_rng *rng, job *j)
{
    j->m = test_range(rng, 1, 64);
    j->n = test_range(rng, j->m, 1500);
    j->count = test_range(rng, 1, 10);
    j->znorm = (int)(test_next(rng) % 2);
    j->exclusion = test_next(rng) % 3 ? HDTW_EXCLUSION_AUTO
                                      : test_range(rng, 0, 80);
    j->pattern_at = test_range(rng, 0, SHARED_LEN - j->m);
    j->series_at = test_range(rng, 0, SHARED_LEN - j->n);
}

/* Random jobs over every kind and backend; expected results computed here,
 * sequentially, on one context. */
static void make_jobs(void)
{
    test_rng rng = { test_seed(2024) };
    hdtw_backend backends[HDTW_BACKEND_COUNT];
    int nb = available_backends(backends);
    test_fill_series(&rng, shared, SHARED_LEN);
    for (int i = 0; i < JOBS; i++) {
        job *j = &jobs[i];
        j->kind = (job_kind)(i % KIND_COUNT);
        j->backend = backends[(i / KIND_COUNT) % nb];
        j->threads = (int)test_range(&rng, 0, 3);
        j->params = (hdtw_params){
            test_next(&rng) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS,
            test_next(&rng) % 3 ? -1 : (long)test_range(&rng, 0, 20), 0.0 };
        j->m = test_range(&rng, 1, 200);
        j->n = test_range(&rng, 1, PATH_MAX_CELLS - j->m);
        j->count = j->kind == KIND_BATCH || j->kind == KIND_SLIDING
                       ? test_range(&rng, 1, 13) : 1;
        j->stride = j->kind == KIND_SLIDING ? test_range(&rng, 1, 40) : j->n;
        /* the windows must fit in the shared input (13 batch windows of
         * up to 511 values do not) */
        size_t room = (SHARED_LEN - j->n) / j->stride + 1;
        if (j->count > room)
            j->count = room;
        j->pattern_at = test_range(&rng, 0, SHARED_LEN - j->m);
        size_t span = (j->count - 1) * j->stride + j->n;
        j->series_at = test_range(&rng, 0, SHARED_LEN - span);
        if (j->kind == KIND_SEARCH)
            search_shape(&rng, j);
        j->out_len = output_length(j);
    }
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int i = 0; i < JOBS; i++)
        ck_assert_int_eq(run_job(ctx, &jobs[i], jobs[i].expected), HDTW_OK);
    hdtw_destroy(ctx);
}

typedef struct {
    int index;
    int failures; /* written by the thread, read after join */
} worker;

/* Each thread: its own context, every job, starting at a different job so
 * that different kinds and backends overlap in time. No Check assertion
 * here: failures are counted and asserted in the main thread. */
static void *work(void *arg)
{
    worker *w = arg;
    hdtw_ctx *ctx;
    if (hdtw_create(&ctx) != HDTW_OK) {
        w->failures = JOBS * ROUNDS;
        return NULL;
    }
    double out[2 + 2 * PATH_MAX_CELLS];
    for (int r = 0; r < ROUNDS; r++) {
        for (int k = 0; k < JOBS; k++) {
            const job *j = &jobs[(k + w->index * 5) % JOBS];
            if (run_job(ctx, j, out) != HDTW_OK ||
                memcmp(out, j->expected, j->out_len * sizeof *out) != 0)
                w->failures++;
        }
    }
    hdtw_destroy(ctx);
    return NULL;
}

START_TEST(concurrent_contexts_match_sequential)
{
    make_jobs();
    pthread_t ids[THREADS];
    worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (worker){ t, 0 };
        ck_assert_int_eq(pthread_create(&ids[t], NULL, work, &workers[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        ck_assert_int_eq(pthread_join(ids[t], NULL), 0);
    for (int t = 0; t < THREADS; t++)
        ck_assert_msg(workers[t].failures == 0,
                      "thread %d: %d results differ from the sequential run",
                      t, workers[t].failures);
}
END_TEST

/* One long pair on 1 to 4 OpenMP threads (the stripes' wavefront of
 * cpu/kernel_stripes.h, threads waiting on each other's counters; one
 * thread runs the stripes back to back): the scalar backend's bits, on
 * every vector backend, both costs, five shapes: 18 stripes with the last
 * part-full (12 rows: on one thread, avx512's tail shape); 11 (60 rows in
 * the last) over 1217 columns, whose full stripes run exactly five
 * 256-step chunks; 2 stripes over 8200 columns, where the threads share
 * one copy of skewed b; the 2000 x 2000 (16 rows in the last);
 * and 2049 x 1000 (1 row in the last, m > n). Under ThreadSanitizer this
 * is the wavefront's race check. */
START_TEST(wavefront_pair_matches_scalar)
{
    static const size_t shapes[][2] = { { 1100, 1029 },
                                        { 700, 1217 },
                                        { 65, 8200 },
                                        { 2000, 2000 },
                                        { 2049, 1000 } };
    hdtw_backend backends[HDTW_BACKEND_COUNT];
    int nb = available_backends(backends);
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int k = 0; k < 2 * (int)(sizeof shapes / sizeof *shapes); k++) {
        size_t m = shapes[k / 2][0], n = shapes[k / 2][1];
        double *a = test_alloc((m + n) * sizeof *a), *b = a + m;
        test_fill_series(&(test_rng){ test_seed(77 + (uint64_t)k) }, a, m + n);
        hdtw_params p = HDTW_PARAMS_DEFAULT;
        p.cost = k % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
        double want, got;
        ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
        ck_assert_int_eq(hdtw_distance(ctx, &p, a, m, b, n, &want), HDTW_OK);
        for (int c = 0; c < nb; c++) {
            if (backends[c] != HDTW_BACKEND_AVX2 &&
                backends[c] != HDTW_BACKEND_AVX512)
                continue;
            ck_assert_int_eq(hdtw_set_backend(ctx, backends[c]), HDTW_OK);
            for (int threads = 1; threads <= 4; threads++) {
                ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
                ck_assert_int_eq(hdtw_distance(ctx, &p, a, m, b, n, &got),
                                 HDTW_OK);
                ck_assert_msg(memcmp(&want, &got, sizeof got) == 0,
                              "%s, %zu x %zu, %d threads: %.17g, scalar "
                              "%.17g",
                              hdtw_backend_name(backends[c]), m, n, threads,
                              got, want);
            }
        }
        free(a);
    }
    hdtw_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("contexts");
    tcase_set_timeout(tc, 120); /* ThreadSanitizer is slow */
    tcase_add_test(tc, concurrent_contexts_match_sequential);
    tcase_add_test(tc, wavefront_pair_matches_scalar);
    suite_add_tcase(s, tc);
    return test_run_suite(s, CK_FORK_GETENV);
}
