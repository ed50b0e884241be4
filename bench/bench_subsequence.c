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
 *  2. throughput, on every CPU backend: hdtw_subsequence of a 100-value
 *     query (or `query=N` values) over a series of `len` values against
 *     hdtw_sliding (window as long as the query, stride 1) of the same
 *     query over the same series, in cells per second (GCUPS).
 *
 * Every time is the median of `repeats` calls; GCUPS are also given as
 * shares of the op-mix bound (hdtw_opmix_bound) of the same backend.
 *
 * usage: bench_subsequence [len] [repeats] [json file|-] [cpu] [warm]
 *        [query=N]
 *        (defaults 200000 and 5, no JSON, wall-clock time; `query=N`: the
 *        throughput's query and window length, 100 by default; `cpu`: the
 *        calling thread's CPU time instead, which a call preempted on a
 *        shared machine does not count, every call being one thread;
 *        `warm`: an untimed subsequence call before each timed one, see
 *        throughput_of)
 * Uses the public API only.
 */
#include "hdtw.h"
#include "timing.h"
#include "tool_util.h"
#include "walk.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* wall time, or the thread's CPU time with the `cpu` argument */
static int cpu_clock;
static int warm; /* the `warm` argument */
static size_t query_len = 100; /* the `query=N` argument */

static double now(void)
{
    return cpu_clock ? timing_thread_cpu() : timing_now();
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

/* the time of one call on the clock chosen (now), or -1 when it fails */
static double seconds_of(const call *c)
{
    double t0 = now();
    return run_call(c) == HDTW_OK ? now() - t0 : -1.0;
}

/* median of `repeats` such times, or -1 when a call fails */
static double median_seconds(const call *c, int repeats)
{
    double *t = malloc((size_t)repeats * sizeof *t);
    double result = t ? 0.0 : -1.0;
    for (int r = 0; t && r < repeats && result == 0.0; r++) {
        t[r] = seconds_of(c);
        result = t[r] < 0 ? -1.0 : 0.0;
    }
    if (result == 0.0)
        result = timing_median(t, repeats);
    free(t);
    return result;
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

static int early_abandoning(hdtw_ctx *ctx, int repeats, FILE *json)
{
    int rows = 0;
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
           "%.17g, 1 thread, median of %d\n", count, m, max_dist, repeats);
    for (size_t b = 0; b < sizeof cpu / sizeof *cpu; b++) {
        if (hdtw_set_backend(ctx, cpu[b]) != HDTW_OK)
            continue;
        c.params.max_dist = 0.0;
        c.out = cut;
        double none = median_seconds(&c, repeats);
        c.params.max_dist = max_dist;
        double with = median_seconds(&c, repeats);
        if (none < 0 || with < 0 || !threshold_holds(exact, cut, count,
                                                      max_dist))
            goto cleanup;
        printf("  %-7s none %.3f ms  max_dist %.3f ms  speedup %.2fx\n",
               hdtw_backend_name(cpu[b]), 1e3 * none, 1e3 * with,
               none / with);
        if (json)
            fprintf(json, "%s\n    {\"backend\": \"%s\", \"batch\": %zu, "
                    "\"m\": %zu, \"none_ms\": %.4f, \"max_dist_ms\": %.4f}",
                    rows++ ? "," : "", hdtw_backend_name(cpu[b]), count, m,
                    1e3 * none, 1e3 * with);
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

/* subsequence and sliding GCUPS of one backend, medians of `repeats`
 * calls alternating between the two (load on a shared machine hits both
 * alike); 1 when a call fails. With `warm`, each timed subsequence call
 * follows an untimed one: the first short call after a long sliding call
 * runs up to 2.5x slower (what it inherits from sliding: not page faults,
 * not a flushed cache alone), which a sliding call, 100 times longer,
 * does not notice. */
static int throughput_of(hdtw_ctx *ctx, hdtw_backend b, const call *sub,
                         const call *sliding, int repeats, double *sub_gcups,
                         double *slide_gcups)
{
    double *t = malloc(2 * (size_t)repeats * sizeof *t);
    int rc = 1;
    if (!t || hdtw_set_backend(ctx, b) != HDTW_OK)
        goto cleanup;
    for (int r = 0; r < repeats; r++) {
        if (warm && seconds_of(sub) < 0)
            goto cleanup;
        t[r] = seconds_of(sub);
        t[repeats + r] = seconds_of(sliding);
        if (t[r] < 0 || t[repeats + r] < 0)
            goto cleanup;
    }
    double sub_cells = (double)sub->m * (double)sub->len;
    double slide_cells = (double)sliding->m * (double)sliding->n *
                         (double)sliding->count;
    *sub_gcups = sub_cells / timing_median(t, repeats) * 1e-9;
    *slide_gcups = slide_cells / timing_median(t + repeats, repeats) * 1e-9;
    rc = 0;
cleanup:
    free(t);
    return rc;
}

/* Per CPU backend: subsequence of a query of query_len values over `len`
 * values and sliding (window query_len, stride 1) of the same query over
 * the same series, in cells per second, both as shares of the op-mix
 * bound (opmix: GCUPS of dtwbench --limit per backend, 0 when not
 * given). One JSON row each. */
static int throughput(hdtw_ctx *ctx, size_t len, int repeats,
                      const double *opmix, FILE *json)
{
    size_t m = query_len, count = hdtw_sliding_count(len, m, 1);
    double *query = walk_alloc(m, 1), *series = walk_alloc(len, 5);
    double *out = malloc(count * sizeof *out);
    hdtw_span spans[10];
    int rc = 1, rows = 0;
    if (!query || !series || !out || count == 0)
        goto cleanup;
    call sub = { .ctx = ctx, .params = HDTW_PARAMS_DEFAULT, .pattern = query,
                 .series = series, .m = m, .len = len, .k = 10,
                 .spans = spans, .subsequence = 1 };
    call sliding = { .ctx = ctx, .params = HDTW_PARAMS_DEFAULT,
                     .pattern = query, .series = series, .m = m, .n = m,
                     .count = count, .len = len, .stride = 1, .out = out };
    printf("throughput: query %zu, series %zu, 1 thread, median of %d, %s "
           "time%s\n", m, len, repeats,
           cpu_clock ? "thread CPU" : "wall",
           warm ? ", subsequence warmed" : "");
    for (size_t b = 0; b < sizeof cpu / sizeof *cpu; b++) {
        double sub_g, slide_g;
        if (hdtw_set_backend(ctx, cpu[b]) != HDTW_OK)
            continue;
        if (throughput_of(ctx, cpu[b], &sub, &sliding, repeats, &sub_g,
                          &slide_g))
            goto cleanup;
        double bound = opmix[b] > 0 ? opmix[b] : NAN;
        printf("  %-7s subsequence %.3f GCUPS (%.0f%% of bound)  sliding "
               "%.3f GCUPS (%.0f%%)  subsequence / sliding %.2f\n",
               hdtw_backend_name(cpu[b]), sub_g, 100 * sub_g / bound,
               slide_g, 100 * slide_g / bound, sub_g / slide_g);
        if (json)
            fprintf(json, "%s\n    {\"backend\": \"%s\", \"query\": %zu, "
                    "\"series\": %zu, \"subsequence_gcups\": %.4f, "
                    "\"sliding_gcups\": %.4f, \"opmix_gcups\": %.4f}",
                    rows++ ? "," : "", hdtw_backend_name(cpu[b]), m, len,
                    sub_g, slide_g, opmix[b]);
    }
    rc = 0;
cleanup:
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
    free(out);
    free(series);
    free(query);
    return rc;
}

/* the op-mix bound of each backend in cpu[] (0 where absent) */
static void opmix_bounds(hdtw_ctx *ctx, double *gcups)
{
    for (size_t b = 0; b < sizeof cpu / sizeof *cpu; b++) {
        double cells = 0.0;
        gcups[b] = hdtw_opmix_bound(ctx, cpu[b], 1.0, &cells) == HDTW_OK
                       ? cells * 1e-9
                       : 0.0;
    }
}

int main(int argc, char **argv)
{
    size_t len = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 200000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    const char *json_path =
        argc > 3 && strcmp(argv[3], "-") != 0 ? argv[3] : NULL;
    for (int a = 4; a < argc; a++) {
        cpu_clock |= strcmp(argv[a], "cpu") == 0;
        warm |= strcmp(argv[a], "warm") == 0;
        if (strncmp(argv[a], "query=", 6) == 0 &&
            tool_parse_size(argv[a] + 6, 1, SIZE_MAX, &query_len) != 0)
            query_len = 0; /* refused below: not a whole number */
    }
    hdtw_ctx *ctx = NULL;
    if (len < 100 || repeats < 1 || query_len < 1 || query_len > len ||
        hdtw_create(&ctx) != HDTW_OK) {
        fprintf(stderr, "usage: bench_subsequence [len >= 100] "
                        "[repeats >= 1] [json file|-] [cpu] [warm] "
                        "[query=1..len]\n");
        return 2;
    }
    FILE *json = json_path ? fopen(json_path, "w") : NULL;
    if (json_path && !json) {
        fprintf(stderr, "bench_subsequence: cannot write %s\n", json_path);
        hdtw_destroy(ctx);
        return 2;
    }
    hdtw_set_threads(ctx, 1);
    double opmix[sizeof cpu / sizeof *cpu];
    opmix_bounds(ctx, opmix);
    if (json)
        fprintf(json, "{\"early_abandoning\": [");
    int rc = early_abandoning(ctx, repeats, json);
    if (json)
        fprintf(json, "\n  ],\n  \"throughput\": [");
    rc = rc || throughput(ctx, len, repeats, opmix, json);
    if (json) {
        fprintf(json, "\n  ]}\n");
        fclose(json);
    }
    if (rc)
        fprintf(stderr, "bench_subsequence: a call failed or a thresholded "
                        "result differs from the exact one\n");
    hdtw_destroy(ctx);
    return rc;
}
