/* SPDX-License-Identifier: MIT */
/*
 * bench_subsequence — the two measurements of issue 19, each a ratio
 * taken in one run (the machine may be shared):
 *
 *  1. early abandoning: the seed batch (pattern = walk(100, 1), 1,000
 *     windows of 100 from walk(100000, 3), as bench_cpu) with max_dist at
 *     the 10th-smallest distance, against no threshold, on every CPU
 *     backend, one thread; the results are checked against the exact ones
 *     (exact bits when <= max_dist, +inf above);
 *  2. throughput: hdtw_subsequence of a 100-value query over a series of
 *     `len` values against hdtw_sliding (window 100, stride 1) of the same
 *     query over the same series, in cells per second (GCUPS).
 *
 * usage: bench_subsequence [len] [repeats]   (defaults 200000 and 5)
 * Uses the public API only.
 */
#include "hdtw.h"
#include "walk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* the CPU backends timed against each other */
static const hdtw_backend cpu[] = { HDTW_BACKEND_SCALAR, HDTW_BACKEND_AVX2,
                                    HDTW_BACKEND_AVX512 };

/* One timed call: what it reads and where it writes. */
typedef struct {
    hdtw_ctx *ctx;
    hdtw_params params;
    const double *pattern, *series;
    size_t m, n, count, len, k;
    double *out;
    hdtw_span *spans;
    int subsequence; /* 1: hdtw_subsequence; 0: batch (stride n) or sliding */
    size_t stride;
} call;

static hdtw_status run_call(const call *c)
{
    size_t found;
    if (c->subsequence)
        return hdtw_subsequence(c->ctx, &c->params, c->pattern, c->m,
                                c->series, c->len, c->k, c->spans, &found);
    if (c->stride == c->n)
        return hdtw_batch(c->ctx, &c->params, c->pattern, c->m, c->series,
                          c->count, c->n, c->out);
    return hdtw_sliding(c->ctx, &c->params, c->pattern, c->m, c->series,
                        c->len, c->n, c->stride, c->out);
}

/* best of `repeats` wall times, or -1 when a call fails */
static double best_seconds(const call *c, int repeats)
{
    double best = INFINITY;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        if (run_call(c) != HDTW_OK)
            return -1.0;
        double t = now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

/* thresholded[w] is exact[w] when <= max_dist, else +inf */
static int threshold_holds(const double *exact, const double *thresholded,
                           size_t count, double max_dist)
{
    for (size_t w = 0; w < count; w++) {
        double want = exact[w] > max_dist ? INFINITY : exact[w];
        if (memcmp(&want, &thresholded[w], sizeof want) != 0)
            return 0;
    }
    return 1;
}

static int early_abandoning(hdtw_ctx *ctx, int repeats)
{
    size_t m = 100, count = 1000;
    double *pattern = walk_alloc(m, 1), *windows = walk_alloc(m * count, 3);
    double *exact = malloc(count * sizeof *exact);
    double *cut = malloc(count * sizeof *cut);
    int rc = 1;
    if (!pattern || !windows || !exact || !cut)
        goto cleanup;
    call c = { .ctx = ctx, .params = HDTW_PARAMS_DEFAULT, .pattern = pattern,
               .series = windows, .m = m, .n = m, .count = count,
               .stride = m, .out = exact };
    if (run_call(&c) != HDTW_OK)
        goto cleanup;
    memcpy(cut, exact, count * sizeof *cut);
    qsort(cut, count, sizeof *cut, cmp_double);
    double max_dist = cut[9];
    printf("early abandoning: batch %zux%zu, max_dist = 10th smallest = "
           "%.17g, 1 thread, best of %d\n", count, m, max_dist, repeats);
    for (size_t b = 0; b < sizeof cpu / sizeof *cpu; b++) {
        if (hdtw_set_backend(ctx, cpu[b]) != HDTW_OK)
            continue;
        c.params.max_dist = 0.0;
        c.out = cut;
        double none = best_seconds(&c, repeats);
        c.params.max_dist = max_dist;
        double with = best_seconds(&c, repeats);
        if (none < 0 || with < 0 || !threshold_holds(exact, cut, count,
                                                      max_dist))
            goto cleanup;
        printf("  %-7s none %.3f ms  max_dist %.3f ms  speedup %.2fx\n",
               hdtw_backend_name(cpu[b]), 1e3 * none, 1e3 * with,
               none / with);
    }
    rc = 0;
cleanup:
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
    free(cut);
    free(exact);
    free(windows);
    free(pattern);
    return rc;
}

static int throughput(hdtw_ctx *ctx, size_t len, int repeats)
{
    size_t m = 100, count = hdtw_sliding_count(len, m, 1);
    double *query = walk_alloc(m, 1), *series = walk_alloc(len, 5);
    double *out = malloc(count * sizeof *out);
    hdtw_span spans[10];
    int rc = 1;
    if (!query || !series || !out || count == 0)
        goto cleanup;
    call sub = { .ctx = ctx, .params = HDTW_PARAMS_DEFAULT, .pattern = query,
                 .series = series, .m = m, .len = len, .k = 10,
                 .spans = spans, .subsequence = 1 };
    call sliding = { .ctx = ctx, .params = HDTW_PARAMS_DEFAULT,
                     .pattern = query, .series = series, .m = m, .n = m,
                     .count = count, .len = len, .stride = 1, .out = out };
    double sub_s = best_seconds(&sub, repeats);
    double sub_cells = (double)m * (double)len;
    double slide_cells = (double)m * (double)m * (double)count;
    printf("throughput: query %zu, series %zu, 1 thread, best of %d\n", m,
           len, repeats);
    if (sub_s < 0)
        goto cleanup;
    printf("  subsequence        %.3f GCUPS\n", sub_cells / sub_s * 1e-9);
    for (size_t b = 0; b < sizeof cpu / sizeof *cpu; b++) {
        if (hdtw_set_backend(ctx, cpu[b]) != HDTW_OK)
            continue;
        double s = best_seconds(&sliding, repeats);
        if (s < 0)
            goto cleanup;
        printf("  sliding %-7s    %.3f GCUPS  (subsequence / sliding "
               "%.2f)\n", hdtw_backend_name(cpu[b]), slide_cells / s * 1e-9,
               (sub_cells / sub_s) / (slide_cells / s));
    }
    rc = 0;
cleanup:
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
    free(out);
    free(series);
    free(query);
    return rc;
}

int main(int argc, char **argv)
{
    size_t len = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 200000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    hdtw_ctx *ctx = NULL;
    if (len < 100 || repeats < 1 || hdtw_create(&ctx) != HDTW_OK) {
        fprintf(stderr, "usage: bench_subsequence [len >= 100] "
                        "[repeats >= 1]\n");
        return 2;
    }
    hdtw_set_threads(ctx, 1);
    int rc = early_abandoning(ctx, repeats) || throughput(ctx, len, repeats);
    if (rc)
        fprintf(stderr, "bench_subsequence: a call failed or a thresholded "
                        "result differs from the exact one\n");
    hdtw_destroy(ctx);
    return rc;
}
