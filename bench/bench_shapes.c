/* SPDX-License-Identifier: MIT */
/*
 * bench_shapes — the SIMD backends against each other on the shapes where
 * their kernels differ (issue 15): short and long pairs, and batches with
 * narrow and no bands. The backends run interleaved sample by sample, so a
 * burst of load from other processes hits all of them alike; each case
 * prints the best and the median time of each backend, their ratio to the
 * first backend's in the same run, and whether all results are identical
 * (memcmp). On a loaded machine the best sample is the better estimate of
 * what the kernel can do; the ratios are the numbers to compare. With
 * --clock cpu the samples are the process's CPU time instead of the wall
 * clock: time the machine gave to other processes is not counted (on
 * several threads it is the sum over them, so compare at 1 thread).
 *
 *   bench_shapes [--samples S] [--threads T] [--pairs N,...] [--batch CxN]
 *                [--bands B,...] [--clock wall|cpu]
 */
#include "hdtw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"
#include "walk.h"

#define MAX_LIST 32
#define MAX_SAMPLES 501
#define MAX_BACKENDS 3

typedef struct {
    int samples, threads, cpu_clock;
    size_t pairs[MAX_LIST], pair_count;
    long bands[MAX_LIST];
    size_t band_count, batch_count, batch_n;
} options;

typedef struct {
    hdtw_ctx *ctx[MAX_BACKENDS];
    hdtw_backend backend[MAX_BACKENDS];
    size_t count;
} backends;

/* "a,b,c" into at most MAX_LIST longs; 0 on a malformed list */
static size_t parse_list(const char *text, long *out)
{
    size_t count = 0;
    char *end;
    while (count < MAX_LIST) {
        out[count++] = strtol(text, &end, 10);
        if (end == text || (*end != ',' && *end != '\0'))
            return 0;
        if (*end == '\0')
            return count;
        text = end + 1;
    }
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const long pairs[] = { 50, 100, 200, 255, 256, 500, 2000 };
    static const long bands[] = { 0, 3, 8, 13, 32, 64, -1 };
    long list[MAX_LIST];
    *o = (options){ .samples = 41, .threads = 1, .batch_count = 1000,
                    .batch_n = 128 };
    o->pair_count = sizeof pairs / sizeof *pairs;
    for (size_t k = 0; k < o->pair_count; k++)
        o->pairs[k] = (size_t)pairs[k];
    o->band_count = sizeof bands / sizeof *bands;
    memcpy(o->bands, bands, sizeof bands);
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *value = argv[i + 1];
        size_t got = 0;
        if (!strcmp(argv[i], "--samples")) {
            o->samples = atoi(value);
            if (o->samples < 1 || o->samples > MAX_SAMPLES)
                return 0;
        } else if (!strcmp(argv[i], "--threads")) {
            o->threads = atoi(value);
            if (o->threads < 1 || o->threads > 1024)
                return 0;
        } else if (!strcmp(argv[i], "--pairs") &&
                   (got = parse_list(value, list)) > 0) {
            o->pair_count = got;
            for (size_t k = 0; k < got; k++) {
                if (list[k] < 1)
                    return 0;
                o->pairs[k] = (size_t)list[k];
            }
        } else if (!strcmp(argv[i], "--bands") &&
                   (got = parse_list(value, list)) > 0) {
            o->band_count = got;
            memcpy(o->bands, list, got * sizeof *list);
        } else if (!strcmp(argv[i], "--clock") &&
                   (!strcmp(value, "cpu") || !strcmp(value, "wall"))) {
            o->cpu_clock = !strcmp(value, "cpu");
        } else if (!strcmp(argv[i], "--batch")) {
            if (sscanf(value, "%zux%zu", &o->batch_count, &o->batch_n) != 2 ||
                o->batch_count == 0 || o->batch_n == 0)
                return 0;
        } else {
            return 0;
        }
    }
    return argc % 2 == 1;
}

/* avx2 and avx512 where this machine has them, `threads` threads each */
static int open_backends(backends *b, int threads)
{
    static const hdtw_backend wanted[] = { HDTW_BACKEND_AVX2,
                                           HDTW_BACKEND_AVX512 };
    b->count = 0;
    for (size_t k = 0; k < 2; k++) {
        hdtw_ctx *ctx;
        if (hdtw_create(&ctx) != HDTW_OK)
            return 0;
        if (hdtw_set_backend(ctx, wanted[k]) != HDTW_OK ||
            hdtw_set_threads(ctx, threads) != HDTW_OK) {
            hdtw_destroy(ctx);
            continue;
        }
        b->ctx[b->count] = ctx;
        b->backend[b->count++] = wanted[k];
    }
    return b->count > 0;
}

/* One call of a case: a pair when count == 0, else a batch. */
typedef struct {
    hdtw_params params;
    const double *pattern, *series;
    size_t m, n, count, cells;
} shape;

static hdtw_status run_shape(hdtw_ctx *ctx, const shape *s, double *out)
{
    if (s->count == 0)
        return hdtw_distance(ctx, &s->params, s->pattern, s->m, s->series,
                             s->n, out);
    return hdtw_batch(ctx, &s->params, s->pattern, s->m, s->series, s->count,
                      s->n, out);
}

/* Seconds on the clock the options chose (see the top of the file). */
static double clock_now(int cpu_clock)
{
    struct timespec t;
    if (!cpu_clock || clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) != 0)
        return timing_now();
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Samples of every backend interleaved; one line per backend. Short calls
 * are repeated within a sample so that one lasts about 50 us or more. */
static int time_shape(const backends *b, const shape *s, const options *o,
                      const char *name)
{
    size_t outputs = s->count ? s->count : 1;
    size_t reps = 1 + 50000 / (s->cells / 1000 + 1);
    static double t[MAX_BACKENDS][MAX_SAMPLES];
    double *out[MAX_BACKENDS] = { 0 };
    int ok = 1;
    for (size_t k = 0; k < b->count && ok; k++)
        ok = (out[k] = malloc(outputs * sizeof(double))) != NULL;
    int samples = o->samples;
    for (int q = 0; q < samples && ok; q++)
        for (size_t k = 0; k < b->count && ok; k++) {
            double start = clock_now(o->cpu_clock);
            for (size_t r = 0; r < reps && ok; r++)
                ok = run_shape(b->ctx[k], s, out[k]) == HDTW_OK;
            t[k][q] = (clock_now(o->cpu_clock) - start) / (double)reps;
        }
    double median[MAX_BACKENDS] = { 0 };
    for (size_t k = 0; k < b->count && ok; k++)
        median[k] = timing_median(t[k], samples); /* sorts: t[k][0] is best */
    for (size_t k = 0; k < b->count && ok; k++) {
        int same = !memcmp(out[0], out[k], outputs * sizeof(double));
        printf("%-24s %-7s %11.3f %11.3f %7.2f %7.2f %7.2f  %s\n", name,
               hdtw_backend_name(b->backend[k]), t[k][0] * 1e6,
               median[k] * 1e6, (double)s->cells / t[k][0] * 1e-9,
               t[k][0] / t[0][0], median[k] / median[0],
               same ? "yes" : "NO");
        ok = same;
    }
    for (size_t k = 0; k < b->count; k++)
        free(out[k]);
    return ok;
}

/* cells inside a band of half width w (w < 0: none) of an n x n matrix */
static size_t band_cells(size_t n, long w)
{
    size_t cells = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = w < 0 || i <= (size_t)w ? 0 : i - (size_t)w;
        size_t hi = w < 0 || i + (size_t)w >= n ? n - 1 : i + (size_t)w;
        cells += hi - lo + 1;
    }
    return cells;
}

static int run_cases(const backends *b, const options *o)
{
    char name[64];
    int ok = 1;
    for (size_t k = 0; k < o->pair_count && ok; k++) {
        size_t n = o->pairs[k];
        double *x = walk_alloc(n, 1), *y = walk_alloc(n, 2);
        shape s = { HDTW_PARAMS_DEFAULT, x, y, n, n, 0, n * n };
        snprintf(name, sizeof name, "pair %zu", n);
        ok = x && y && time_shape(b, &s, o, name);
        free(x);
        free(y);
    }
    size_t count = o->batch_count, n = o->batch_n;
    double *pattern = walk_alloc(n, 1), *windows = walk_alloc(count * n, 3);
    ok = ok && pattern && windows;
    for (size_t k = 0; k < o->band_count && ok; k++) {
        shape s = { { HDTW_COST_ABS, o->bands[k], 0.0 }, pattern, windows, n, n,
                    count, band_cells(n, o->bands[k]) * count };
        snprintf(name, sizeof name, "batch %zux%zu band %ld", count, n,
                 o->bands[k]);
        ok = time_shape(b, &s, o, name);
    }
    free(pattern);
    free(windows);
    return ok;
}

int main(int argc, char **argv)
{
    options o;
    backends b;
    if (!parse_options(argc, argv, &o)) {
        fprintf(stderr, "usage: bench_shapes [--samples S] [--threads T] "
                        "[--pairs N,...] [--batch CxN] [--bands B,...] "
                        "[--clock wall|cpu]\n");
        return 2;
    }
    if (!open_backends(&b, o.threads)) {
        fprintf(stderr, "bench_shapes: no SIMD backend on this machine\n");
        return 1;
    }
    printf("%-24s %-7s %11s %11s %7s %7s %7s  %s\n", "case", "backend",
           "best us", "median us", "GCUPS", "x best", "x med", "same");
    int ok = run_cases(&b, &o);
    for (size_t k = 0; k < b.count; k++)
        hdtw_destroy(b.ctx[k]);
    if (!ok)
        fprintf(stderr, "bench_shapes: a call failed or results differ\n");
    return ok ? 0 : 1;
}
