/* SPDX-License-Identifier: MIT */
/*
 * bench_sweep.c — dtwbench --calibrate (through hdtw_calibrate: the tool
 * never sees the profile format) and --sweep.
 */
#include "bench_sweep.h"

#include "walk.h"
#include "bench_report.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- shapes */

/* Inputs for a case of m x n x count (stride n), owned by the caller. */
static int make_case(bench_case *c, const char *name, size_t m, size_t n,
                     size_t count, double **pattern, double **series)
{
    *pattern = malloc(m * sizeof **pattern);
    *series = malloc(n * count * sizeof **series);
    if (!*pattern || !*series) {
        free(*pattern);
        free(*series);
        fprintf(stderr, "dtwbench: out of memory for %s\n", name);
        return -1;
    }
    walk_fill(*pattern, m, 1);
    walk_fill(*series, n * count, count == 1 ? 2 : 3);
    *c = (bench_case){ .params = HDTW_PARAMS_DEFAULT, .pattern = *pattern,
                       .m = m, .series = *series, .n = n, .count = count,
                       .stride = n, .length = n };
    snprintf(c->name, sizeof c->name, "%s", name);
    return 0;
}

/* Measures one case on the targets; results[t] per target. */
static int measure_shape(const char *name, size_t m, size_t n, size_t count,
                         bench_target *targets, int ntargets,
                         const bench_settings *s, bench_result *results,
                         double *cells)
{
    bench_case c;
    double *pattern, *series;
    if (make_case(&c, name, m, n, count, &pattern, &series) != 0)
        return -1;
    *cells = bench_case_cells(&c);
    int rc = bench_measure(&c, targets, ntargets, s, results);
    for (int t = 0; rc == 0 && t < ntargets; t++)
        if (!results[t].identical) {
            fprintf(stderr, "dtwbench: %s on %s differs from scalar\n", name,
                    targets[t].label);
            rc = -1;
        }
    free(pattern);
    free(series);
    return rc;
}

/* ------------------------------------------------------------ calibrate */

static int calibrate_progress(void *user, size_t done, size_t total)
{
    bench_progress(user, "calibrating: %.0f%%",
                   100.0 * (double)done / (double)total);
    return 0;
}

/* Prints the profile file at path to stdout. */
static void print_file(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        fputs(line, stdout);
    fclose(f);
}

int bench_calibrate(const char *path, const char *devices,
                    const bench_settings *s)
{
    hdtw_ctx *ctx = NULL;
    hdtw_status st = hdtw_create(&ctx);
    /* a device list picks the device to measure: its first index */
    if (st == HDTW_OK && devices && *devices)
        st = hdtw_set_opencl_device(ctx, strtoul(devices, NULL, 10));
    if (st == HDTW_OK)
        st = hdtw_calibrate(ctx, path, calibrate_progress, (void *)s);
    bench_progress_done(s);
    if (st != HDTW_OK) {
        fprintf(stderr, "dtwbench: --calibrate: %s%s%s\n", hdtw_strerror(st),
                ctx && *hdtw_last_error(ctx) ? ": " : "",
                ctx ? hdtw_last_error(ctx) : "");
        hdtw_destroy(ctx);
        return EXIT_FAILURE;
    }
    hdtw_destroy(ctx);
    char where[4096];
    if (!path) /* the library's default: the one HDTW_PROFILE etc. name */
        path = hdtw_profile_path(where, sizeof where) == 0 ? where : NULL;
    if (path) {
        print_file(path);
        printf("# profile written to %s\n", path);
    }
    return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------- sweep */

typedef struct {
    double cells;
    char name[64];
    int threads;
    int ntargets;
    bench_result results[BENCH_MAX_TARGETS];
} sweep_row;

/* Index of the fastest non-auto target, and of auto (-1 when absent). */
static void best_and_auto(const sweep_row *r, int *best, int *autot)
{
    *best = *autot = -1;
    for (int t = 0; t < r->ntargets; t++) {
        const bench_result *x = &r->results[t];
        if (x->target->backend == HDTW_BACKEND_AUTO)
            *autot = t;
        else if (*best < 0 || x->median < r->results[*best].median)
            *best = t;
    }
}

/* The median over repeats of auto's sample divided by the fastest's sample
 * of the same round: the two were taken back to back, so load from other
 * programs, which drifts over seconds, largely cancels. */
static double paired_ratio(const bench_result *a, const bench_result *b)
{
    double ratios[BENCH_MAX_REPEATS];
    int n = a->repeats < b->repeats ? a->repeats : b->repeats;
    if (n == 0)
        return NAN;
    for (int k = 0; k < n; k++)
        ratios[k] = a->samples[k] / b->samples[k];
    return timing_median(ratios, n);
}

static void print_row(const sweep_row *r, int *within, int *rows)
{
    int best, autot;
    best_and_auto(r, &best, &autot);
    printf("%-12.0e %-20s %3d", r->cells, r->name, r->threads);
    for (int t = 0; t < r->ntargets; t++)
        printf(" %11.4g", r->results[t].median * 1e6);
    if (autot < 0 || best < 0) {
        printf("\n");
        return;
    }
    double ratio = paired_ratio(&r->results[autot], &r->results[best]);
    int ok = ratio <= 1.10;
    *within += ok;
    (*rows)++;
    printf("  %-8s %-9s %6.3f %s\n",
           hdtw_backend_name(r->results[autot].served),
           r->results[best].target->label, ratio, ok ? "yes" : "NO");
}

static void json_rows(FILE *to, const sweep_row *rows, int nrows)
{
    fputs("{\"tool\": \"dtwbench --sweep\", \"rows\": [\n", to);
    for (int k = 0; k < nrows; k++) {
        const sweep_row *r = &rows[k];
        fprintf(to, " {\"case\": \"%s\", \"cells\": %.0f, \"threads\": %d, "
                    "\"results\": [", r->name, r->cells, r->threads);
        for (int t = 0; t < r->ntargets; t++)
            fprintf(to, "%s{\"backend\": \"%s\", \"median_s\": %.9g, "
                        "\"served_by\": \"%s\", \"identical\": %s}",
                    t ? ", " : "", r->results[t].target->label,
                    r->results[t].median,
                    hdtw_backend_name(r->results[t].served),
                    r->results[t].identical ? "true" : "false");
        fprintf(to, "]}%s\n", k + 1 < nrows ? "," : "");
    }
    fputs("]}\n", to);
}

/* One size of the sweep: a pair of sqrt(cells) and a batch of windows of
 * 10 bars (up to 10^4 cells) or 100 bars (beyond). */
static int sweep_size(double cells, int which, size_t *m, size_t *count,
                      char *name, size_t cap)
{
    if (which == 0) {
        *m = (size_t)llround(sqrt(cells));
        *count = 1;
        snprintf(name, cap, "pair %zu", *m);
        return 0;
    }
    *m = cells <= 1e4 ? 10 : 100;
    *count = (size_t)llround(cells / (double)(*m * *m));
    if (*count < 2)
        return -1; /* a pair, already measured */
    snprintf(name, cap, "batch %zux%zu", *count, *m);
    return 0;
}

int bench_sweep(const char *backends, const int *threads, int nthreads,
                const char *devices, double max_cells, const char *json_path,
                const bench_settings *s)
{
    int nrows = 0, cap = 2 * 16 * nthreads, mismatch = 0, within = 0,
        measured = 0;
    sweep_row *rows = calloc((size_t)cap, sizeof *rows);
    if (!rows)
        return EXIT_FAILURE;
    for (int th = 0; th < nthreads; th++) {
        bench_target targets[BENCH_MAX_TARGETS];
        int ntargets = bench_make_targets(backends, &threads[th], 1, devices,
                                          targets, BENCH_MAX_TARGETS);
        if (ntargets <= 0)
            continue;
        bench_progress_done(s);
        printf("%s%-12s %-20s %3s", th ? "\n" : "", "cells", "case", "thr");
        for (int t = 0; t < ntargets; t++)
            printf(" %11.11s", targets[t].label);
        printf("  %-8s %-9s %6s %s\n", "auto ran", "fastest", "auto/f",
               "<=1.10");
        for (double cells = 100; cells <= max_cells * 1.001; cells *= 10)
            for (int which = 0; which < 2 && nrows < cap; which++) {
                sweep_row *r = &rows[nrows];
                size_t m, count;
                if (sweep_size(cells, which, &m, &count, r->name,
                               sizeof r->name) != 0)
                    continue;
                r->threads = threads[th] ? threads[th] : bench_cores();
                r->ntargets = ntargets;
                if (measure_shape(r->name, m, m, count, targets, ntargets, s,
                                  r->results, &r->cells) != 0)
                    mismatch = 1;
                bench_progress_done(s);
                print_row(r, &within, &measured);
                fflush(stdout);
                nrows++;
            }
        bench_free_targets(targets, ntargets);
    }
    printf("\nAUTO within 10%% of the fastest backend in %d of %d rows "
           "(times: microseconds per call, medians of %d; auto/f: median of "
           "the per-round ratios)\n",
           within, measured, s->repeats);
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (f) {
            json_rows(f, rows, nrows);
            fclose(f);
        } else {
            perror(json_path);
        }
    }
    free(rows);
    return mismatch ? EXIT_FAILURE : EXIT_SUCCESS;
}
