/*
 * bench_sweep.c — dtwbench --calibrate and --sweep.
 *
 * Calibration times every backend on a ladder of shapes for each job kind
 * (one pair; many windows) and fits  t = overhead + cells * s [+ bytes * b]
 * by least squares on relative errors (so a 1 us call weighs as much as a
 * 1 s call: the router must be right at every size). The fitted numbers are
 * written in the profile format of core/profile.h.
 */
#include "bench_sweep.h"

#include "walk.h"
#include "bench_report.h"
#include "core/profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---------------------------------------------------------------- shapes */

typedef struct {
    hdtw_kind kind;
    size_t m, n, count;
} shape;

/* Pairs 16 to 9e6 cells; many windows: short (10) and seed-like (100)
 * windows, and short patterns against long windows, whose bytes per cell
 * differ 10-fold, so a device's transfer rate can be told from its compute
 * rate. Largest ~2e7 cells keeps calibration near half a minute. */
static const shape calibration_shapes[] = {
    { HDTW_KIND_PAIR, 4, 4, 1 },       { HDTW_KIND_PAIR, 16, 16, 1 },
    { HDTW_KIND_PAIR, 64, 64, 1 },     { HDTW_KIND_PAIR, 256, 256, 1 },
    { HDTW_KIND_PAIR, 1024, 1024, 1 }, { HDTW_KIND_PAIR, 3000, 3000, 1 },
    { HDTW_KIND_MANY, 10, 10, 10 },    { HDTW_KIND_MANY, 10, 10, 1000 },
    { HDTW_KIND_MANY, 100, 100, 2 },   { HDTW_KIND_MANY, 100, 100, 20 },
    { HDTW_KIND_MANY, 100, 100, 200 }, { HDTW_KIND_MANY, 100, 100, 2000 },
    { HDTW_KIND_MANY, 10, 100, 2000 }, { HDTW_KIND_MANY, 10, 100, 20000 },
};

#define NSHAPES (sizeof calibration_shapes / sizeof *calibration_shapes)

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

/* ------------------------------------------------------------------ fit */

/* Solves the k x k system a x = b (k <= 3) by Gaussian elimination with
 * partial pivoting; -1 when singular. */
static int solve(double a[3][3], double b[3], int k, double x[3])
{
    for (int col = 0; col < k; col++) {
        int pivot = col;
        for (int r = col + 1; r < k; r++)
            if (fabs(a[r][col]) > fabs(a[pivot][col]))
                pivot = r;
        if (fabs(a[pivot][col]) < 1e-300)
            return -1;
        for (int j = 0; j < k; j++) {
            double t = a[col][j];
            a[col][j] = a[pivot][j];
            a[pivot][j] = t;
        }
        double t = b[col];
        b[col] = b[pivot];
        b[pivot] = t;
        for (int r = col + 1; r < k; r++) {
            double f = a[r][col] / a[col][col];
            for (int j = col; j < k; j++)
                a[r][j] -= f * a[col][j];
            b[r] -= f * b[col];
        }
    }
    for (int r = k - 1; r >= 0; r--) {
        double sum = b[r];
        for (int j = r + 1; j < k; j++)
            sum -= a[r][j] * x[j];
        x[r] = sum / a[r][r];
    }
    return 0;
}

/* Fits t_i = p0 + p1 * cells_i + p2 * bytes_i minimising the relative
 * errors, over the terms in `use` (bit j: term j); terms that come out
 * negative are dropped and the rest refitted. p[1] must stay > 0. */
static int fit(const double *cells, const double *bytes, const double *secs,
               int npoints, unsigned use, double p[3])
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int idx[3], k = 0;
        for (int j = 0; j < 3; j++)
            if (use & (1u << j))
                idx[k++] = j;
        double a[3][3] = { { 0 } }, b[3] = { 0 }, x[3] = { 0 };
        for (int i = 0; i < npoints; i++) {
            double row[3] = { 1 / secs[i], cells[i] / secs[i],
                              bytes[i] / secs[i] };
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++)
                    a[r][c] += row[idx[r]] * row[idx[c]];
                b[r] += row[idx[r]];
            }
        }
        if (solve(a, b, k, x) != 0)
            return -1;
        unsigned negative = 0;
        for (int j = 0; j < 3; j++)
            p[j] = 0;
        for (int r = 0; r < k; r++) {
            p[idx[r]] = x[r];
            if (x[r] < 0 && idx[r] != 1)
                negative |= 1u << idx[r];
        }
        if (!negative)
            return p[1] > 0 ? 0 : -1;
        use &= ~negative;
    }
    return -1;
}

/* ------------------------------------------------------------ calibrate */

static int make_dirs_for(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Fits the points of one target and kind into the profile. */
static void record(hdtw_profile *prof, const bench_target *t, hdtw_kind kind,
                   const double *cells, const double *bytes,
                   const double *secs, int npoints)
{
    double p[3];
    int device = t->backend == HDTW_BACKEND_OPENCL;
    if (fit(cells, bytes, secs, npoints, device ? 7u : 3u, p) != 0) {
        fprintf(stderr, "dtwbench: no usable fit for %s\n", t->label);
        return;
    }
    if (!device) {
        hdtw_curve_add(&prof->cpu[t->backend][kind],
                       t->threads ? t->threads : bench_cores(), p[0],
                       1 / p[1]);
        return;
    }
    hdtw_device_info info[HDTW_PROFILE_DEVICES];
    size_t total = 0;
    hdtw_opencl_devices(t->ctx, info, HDTW_PROFILE_DEVICES, &total);
    if (t->device >= (int)total || t->device >= HDTW_PROFILE_DEVICES)
        return;
    hdtw_device_profile *d =
        (hdtw_device_profile *)hdtw_profile_device(prof, info[t->device].name);
    if (!d && prof->devices < HDTW_PROFILE_DEVICES) {
        d = &prof->device[prof->devices++];
        snprintf(d->name, sizeof d->name, "%s", info[t->device].name);
    }
    if (!d)
        return;
    /* no measurable transfer term: a bandwidth too high to matter */
    d->bytes_per_s[kind] = p[2] > 0 ? 1 / p[2] : 1e15;
    hdtw_curve_add(&d->kind[kind], 0, p[0], 1 / p[1]);
}

int bench_calibrate(const char *path, const char *devices,
                    const bench_settings *s)
{
    char default_path[4096];
    if (!path) {
        if (hdtw_profile_path(default_path, sizeof default_path) != 0) {
            fprintf(stderr, "dtwbench: no profile path (set HDTW_PROFILE "
                            "or HOME, or give --profile)\n");
            return 2;
        }
        path = default_path;
    }
    int threads[2] = { 1, bench_cores() };
    bench_target targets[BENCH_MAX_TARGETS];
    int ntargets = bench_make_targets("scalar,avx2,avx512,opencl", threads,
                                      threads[1] > 1 ? 2 : 1, devices,
                                      targets, BENCH_MAX_TARGETS);
    if (ntargets <= 0)
        return EXIT_FAILURE;
    static double secs[BENCH_MAX_TARGETS][NSHAPES];
    double cells[NSHAPES], bytes[NSHAPES];
    static bench_result results[BENCH_MAX_TARGETS];
    int rc = EXIT_FAILURE;
    for (size_t k = 0; k < NSHAPES; k++) {
        const shape *sh = &calibration_shapes[k];
        char name[64];
        snprintf(name, sizeof name, "calibrate %zux%zu x%zu", sh->m, sh->n,
                 sh->count);
        if (measure_shape(name, sh->m, sh->n, sh->count, targets, ntargets,
                          s, results, &cells[k]) != 0)
            goto cleanup;
        bytes[k] = 8.0 * (double)(sh->m + sh->n * sh->count + sh->count);
        for (int t = 0; t < ntargets; t++)
            secs[t][k] = results[t].median;
    }
    hdtw_profile prof;
    memset(&prof, 0, sizeof prof);
    for (int t = 0; t < ntargets; t++)
        for (int kind = 0; kind < HDTW_KIND_COUNT; kind++) {
            double c[NSHAPES], b[NSHAPES], y[NSHAPES];
            int n = 0;
            for (size_t k = 0; k < NSHAPES; k++)
                if (calibration_shapes[k].kind == (hdtw_kind)kind) {
                    c[n] = cells[k];
                    b[n] = bytes[k];
                    y[n++] = secs[t][k];
                }
            record(&prof, &targets[t], (hdtw_kind)kind, c, b, y, n);
        }
    bench_progress_done(s);

    char cpu[256], when[32], comment[512], text[HDTW_PROFILE_FILE_MAX];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    report_cpu_model(cpu, sizeof cpu);
    snprintf(comment, sizeof comment,
             "written by dtwbench --calibrate on %s, %s, %d cores", when, cpu,
             bench_cores());
    size_t len = hdtw_profile_format(&prof, comment, text, sizeof text);
    FILE *f = NULL;
    if (len >= sizeof text || make_dirs_for(path) != 0 ||
        !(f = fopen(path, "w")) || fwrite(text, 1, len, f) != len) {
        fprintf(stderr, "dtwbench: cannot write %s: %s\n", path,
                strerror(errno));
        if (f)
            fclose(f);
        goto cleanup;
    }
    if (fclose(f) == 0) {
        printf("%s", text);
        printf("# profile written to %s\n", path);
        rc = EXIT_SUCCESS;
    }
cleanup:
    bench_progress_done(s);
    bench_free_targets(targets, ntargets);
    return rc;
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
    return bench_median(ratios, n);
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
