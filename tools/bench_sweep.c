/* SPDX-License-Identifier: MIT */
/*
 * bench_sweep.c — dtwbench --calibrate (through hdtw_calibrate: the tool
 * never sees the profile format) and --sweep.
 */
#include "bench_sweep.h"

#include "walk.h"
#include "bench_limit.h"
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
    char where[4096], limit[4200];
    if (!path) /* the library's default: the one HDTW_PROFILE etc. name */
        path = hdtw_profile_path(where, sizeof where) == 0 ? where : NULL;
    if (path) {
        print_file(path);
        printf("# profile written to %s\n", path);
    }
    /* the yardstick of the "% bound" columns, so later runs need not
     * measure it */
    if (bench_bounds_path(path, limit, sizeof limit) == 0 &&
        bench_bounds_save(limit) == 0)
        printf("# op-mix bound written to %s\n", limit);
    return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------- sweep */

/* AUTO may take this much longer than the fastest backend at any size. */
#define AUTO_SLACK 1.10

typedef struct {
    double cells;
    char name[64];
    size_t m, count;
    int threads;
    int ntargets;
    double ratio;  /* auto / fastest (NaN: no auto or no other target) */
    double choice; /* the backend AUTO ran, forced, / fastest: the routing
                      decision without AUTO's own call (NaN: not timed) */
    int retried;   /* --check measured the row a second time */
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

/* The target forcing the backend AUTO ran, or -1. */
static int chosen_target(const sweep_row *r, int autot)
{
    for (int t = 0; t < r->ntargets; t++)
        if (r->results[t].target->backend == r->results[autot].served &&
            r->results[t].target->device < 0)
            return t;
    return -1;
}

static void row_ratios(sweep_row *r)
{
    int best, autot;
    best_and_auto(r, &best, &autot);
    r->ratio = r->choice = NAN;
    if (autot < 0 || best < 0)
        return;
    r->ratio = paired_ratio(&r->results[autot], &r->results[best]);
    int chosen = chosen_target(r, autot);
    if (chosen >= 0)
        r->choice = chosen == best ? 1.0
                    : paired_ratio(&r->results[chosen], &r->results[best]);
}

/* What --check judges: the choice when its backend was timed forced (a
 * tiny call's time through AUTO also moves with where its context lies
 * in memory, by more than the router's few instructions), else AUTO's
 * own time. */
static double judged(const sweep_row *r)
{
    return isfinite(r->choice) ? r->choice : r->ratio;
}

static double row_pct(const sweep_row *r, const bench_result *x,
                      const bench_bounds *bounds)
{
    return bench_bound_pct(bounds, x->served, x->target->threads,
                           r->cells / x->median * 1e-9);
}

static void print_header(const bench_target *targets, int ntargets, int th)
{
    printf("%s%-12s %-20s %3s", th ? "\n" : "", "cells", "case", "thr");
    for (int t = 0; t < ntargets; t++)
        printf(" %11.11s", targets[t].label);
    for (int t = 0; t < ntargets; t++)
        printf(" %7.7s", targets[t].label);
    printf("  %-8s %-9s %6s %6s %s\n", "auto ran", "fastest", "auto/f",
           "ran/f", "<=1.10");
}

static void print_row(const sweep_row *r, const bench_bounds *bounds)
{
    int best, autot;
    char pct[16];
    best_and_auto(r, &best, &autot);
    printf("%-12.0e %-20s %3d", r->cells, r->name, r->threads);
    for (int t = 0; t < r->ntargets; t++)
        printf(" %11.4g", r->results[t].median * 1e6);
    for (int t = 0; t < r->ntargets; t++) {
        double p = row_pct(r, &r->results[t], bounds);
        snprintf(pct, sizeof pct, isfinite(p) ? "%.1f%%" : "-", p);
        printf(" %7s", pct);
    }
    if (!isfinite(r->ratio)) {
        printf("\n");
        return;
    }
    printf("  %-8s %-9s %6.3f %6.3f %s%s\n",
           hdtw_backend_name(r->results[autot].served),
           r->results[best].target->label, r->ratio, r->choice,
           judged(r) <= AUTO_SLACK ? "yes" : "NO",
           r->retried ? " (retried)" : "");
}

static void json_rows(FILE *to, const sweep_row *rows, int nrows,
                      const bench_bounds *bounds)
{
    fputs("{\"tool\": \"dtwbench --sweep\", \"bound_source\": ", to);
    report_json_string(to, bounds->source);
    fputs(", \"rows\": [\n", to);
    for (int k = 0; k < nrows; k++) {
        const sweep_row *r = &rows[k];
        fprintf(to, " {\"case\": \"%s\", \"cells\": %.0f, \"threads\": %d, "
                    "\"auto_over_fastest\": ", r->name, r->cells, r->threads);
        if (isfinite(r->ratio))
            fprintf(to, "%.4f", r->ratio);
        else
            fputs("null", to);
        fputs(", \"ran_over_fastest\": ", to);
        if (isfinite(r->choice))
            fprintf(to, "%.4f", r->choice);
        else
            fputs("null", to);
        fputs(", \"results\": [", to);
        for (int t = 0; t < r->ntargets; t++) {
            const bench_result *x = &r->results[t];
            double pct = row_pct(r, x, bounds);
            fprintf(to, "%s{\"backend\": \"%s\", \"median_s\": %.9g, "
                        "\"gcups\": %.6g, \"threads_used\": %d, "
                        "\"bound_gcups_per_core\": %.6g, \"pct_of_bound\": ",
                    t ? ", " : "", x->target->label, x->median,
                    r->cells / x->median * 1e-9,
                    bench_threads_used(x->served, x->target->threads),
                    bench_bound_of(bounds, x->served));
            if (isfinite(pct))
                fprintf(to, "%.4g", pct);
            else
                fputs("null", to);
            fprintf(to, ", \"served_by\": \"%s\", \"identical\": %s}",
                    hdtw_backend_name(x->served),
                    x->identical ? "true" : "false");
        }
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

/* Measures row r on the targets; under --check a row where AUTO is off is
 * measured once more and keeps the better of its two ratios (a backend
 * that AUTO wrongly passes over stays faster in both). -1 on a mismatch. */
static int measure_row(sweep_row *r, bench_target *targets, int ntargets,
                       const options *o)
{
    if (measure_shape(r->name, r->m, r->m, r->count, targets, ntargets,
                      &o->settings, r->results, &r->cells) != 0)
        return -1;
    row_ratios(r);
    if (!o->check || !(judged(r) > AUTO_SLACK))
        return 0;
    sweep_row first = *r;
    r->retried = 1;
    if (measure_shape(r->name, r->m, r->m, r->count, targets, ntargets,
                      &o->settings, r->results, &r->cells) != 0)
        return -1;
    row_ratios(r);
    if (judged(&first) < judged(r)) {
        *r = first;
        r->retried = 1;
    }
    return 0;
}

/* CPU backends among targets (not auto, not OpenCL). */
static int cpu_backends(const bench_target *targets, int ntargets)
{
    unsigned seen = 0;
    int count = 0;
    for (int t = 0; t < ntargets; t++) {
        hdtw_backend b = targets[t].backend;
        if (b != HDTW_BACKEND_AUTO && b != HDTW_BACKEND_OPENCL &&
            !(seen & (1u << b))) {
            seen |= 1u << b;
            count++;
        }
    }
    return count;
}

/* The sweep at one thread count into rows[*nrows..]; -1 on a mismatch. */
static int sweep_threads(const options *o, int th, sweep_row *rows,
                         int *nrows, int cap, const bench_bounds *bounds)
{
    bench_target targets[BENCH_MAX_TARGETS];
    int mismatch = 0;
    int ntargets = bench_make_targets(o->backends, &o->threads[th], 1,
                                      o->devices, targets, BENCH_MAX_TARGETS);
    if (ntargets <= 0)
        return 0;
    bench_progress_done(&o->settings);
    print_header(targets, ntargets, th);
    for (double cells = 100; cells <= o->sweep_max * 1.001; cells *= 10)
        for (int which = 0; which < 2 && *nrows < cap; which++) {
            sweep_row *r = &rows[*nrows];
            if (sweep_size(cells, which, &r->m, &r->count, r->name,
                           sizeof r->name) != 0)
                continue;
            r->threads = o->threads[th] ? o->threads[th] : bench_cores();
            r->ntargets = ntargets;
            if (measure_row(r, targets, ntargets, o) != 0)
                mismatch = 1;
            bench_progress_done(&o->settings);
            print_row(r, bounds);
            fflush(stdout);
            (*nrows)++;
        }
    bench_free_targets(targets, ntargets);
    return mismatch ? -1 : 0;
}

/* --check with a single CPU backend: AUTO has nothing to choose. */
static int nothing_to_route(void)
{
    bench_target targets[BENCH_MAX_TARGETS];
    int all = 0;
    int ntargets = bench_make_targets("scalar,avx2,avx512", &all, 1, NULL,
                                      targets, BENCH_MAX_TARGETS);
    int single = ntargets >= 0 && cpu_backends(targets, ntargets) < 2;
    if (ntargets > 0)
        bench_free_targets(targets, ntargets);
    if (single)
        printf("dtwbench --sweep --check: skipped: this machine has one CPU "
               "backend, AUTO has nothing to choose from\n");
    return single;
}

int bench_sweep(const options *o)
{
    int nrows = 0, cap = 2 * 16 * o->nthreads, mismatch = 0, within = 0,
        measured = 0;
    bench_bounds bounds;
    if (o->check && nothing_to_route())
        return EXIT_SUCCESS;
    sweep_row *rows = calloc((size_t)cap, sizeof *rows);
    if (!rows || bench_bounds_get(o->limit_json, &bounds) != 0) {
        free(rows);
        return EXIT_FAILURE;
    }
    for (int th = 0; th < o->nthreads; th++)
        if (sweep_threads(o, th, rows, &nrows, cap, &bounds) != 0)
            mismatch = 1;
    for (int k = 0; k < nrows; k++)
        if (isfinite(judged(&rows[k]))) {
            measured++;
            within += judged(&rows[k]) <= AUTO_SLACK;
        }
    printf("\nAUTO within 10%% of the fastest backend in %d of %d rows "
           "(times: microseconds per call, medians of %d; then GCUPS per "
           "thread as %% of the op-mix bound per core, bound: %s; auto/f: "
           "median of the per-round ratios; ran/f: the same for the backend "
           "AUTO ran, forced, which is what <=1.10 judges)\n",
           within, measured, o->settings.repeats, bounds.source);
    if (o->json) {
        FILE *f = fopen(o->json, "w");
        if (f) {
            json_rows(f, rows, nrows, &bounds);
            fclose(f);
        } else {
            perror(o->json);
        }
    }
    free(rows);
    if (mismatch)
        return EXIT_FAILURE;
    if (o->check && within < measured) {
        fprintf(stderr, "dtwbench: --check: AUTO was more than 10%% slower "
                        "than the fastest backend in %d of %d rows\n",
                measured - within, measured);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
