/* SPDX-License-Identifier: MIT */
/*
 * calibrate.c — hdtw_calibrate: the router's numbers measured on this
 * machine and written as a profile file (format: core/profile.h), so that
 * no tool ever needs the format.
 *
 * Every backend present in the context is timed on a ladder of shapes for
 * each job kind (one pair; many windows): CPU backends at 1 thread and at
 * all cores, the context's OpenCL device once. Then
 *     t = overhead + cells * s [+ bytes * b]
 * is fitted by least squares on relative errors (so a 1 us call weighs as
 * much as a 1 s call: the router must be right at every size).
 */
#include "core/internal.h"

#include "core/alloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- shapes */

typedef struct {
    hdtw_kind kind;
    size_t m, n, count;
} shape;

/* Pairs 16 to 9e6 cells; many windows: short (10) and seed-like (100)
 * windows, and short patterns against long windows, whose bytes per cell
 * differ 10-fold, so a device's transfer rate can be told from its compute
 * rate. The largest shapes bound calibration to seconds. */
static const shape shapes[] = {
    { HDTW_KIND_PAIR, 4, 4, 1 },       { HDTW_KIND_PAIR, 16, 16, 1 },
    { HDTW_KIND_PAIR, 24, 24, 1 },     { HDTW_KIND_PAIR, 32, 32, 1 },
    { HDTW_KIND_PAIR, 48, 48, 1 },     { HDTW_KIND_PAIR, 64, 64, 1 },
    { HDTW_KIND_PAIR, 100, 100, 1 },   { HDTW_KIND_PAIR, 256, 256, 1 },
    { HDTW_KIND_PAIR, 1024, 1024, 1 }, { HDTW_KIND_PAIR, 3000, 3000, 1 },
    { HDTW_KIND_MANY, 10, 10, 10 },    { HDTW_KIND_MANY, 10, 10, 1000 },
    { HDTW_KIND_MANY, 100, 100, 2 },   { HDTW_KIND_MANY, 100, 100, 20 },
    { HDTW_KIND_MANY, 100, 100, 200 }, { HDTW_KIND_MANY, 100, 100, 2000 },
    { HDTW_KIND_MANY, 10, 100, 2000 }, { HDTW_KIND_MANY, 10, 100, 20000 },
};

#define NSHAPES (sizeof shapes / sizeof *shapes)
/* a measurement: the median of at least MIN_RUNS runs, more until
 * MIN_SECONDS have passed, at most MAX_RUNS */
#define MIN_RUNS 3
#define MAX_RUNS 25
#define MIN_SECONDS 0.05

/* What one pass measures: a backend at a thread count. */
typedef struct {
    hdtw_backend backend;
    int threads;
    double secs[NSHAPES];
} target;

#define MAX_TARGETS (2 * HDTW_BACKEND_COUNT)

/* A random walk with unit steps in [-0.5, 0.5) from a fixed seed: the
 * inputs are the same on every run. */
static void fill_walk(double *x, size_t n, unsigned long long seed)
{
    double level = 0.0;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        level += (double)(seed >> 11) * 0x1p-53 - 0.5;
        x[i] = level;
    }
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median seconds of job on t (threads set on ctx); -1 when it fails. */
static double time_job(hdtw_ctx *ctx, const target *t, const hdtw_job *job,
                       double *out)
{
    double runs[MAX_RUNS], spent = 0.0;
    int n = 0;
    ctx->threads = t->threads;
    if (hdtw_run_backend(ctx, t->backend, job, out) != HDTW_OK) /* warm */
        return -1.0;
    while (n < MIN_RUNS || (spent < MIN_SECONDS && n < MAX_RUNS)) {
        double t0 = hdtw_now_seconds();
        if (hdtw_run_backend(ctx, t->backend, job, out) != HDTW_OK)
            return -1.0;
        runs[n] = hdtw_now_seconds() - t0;
        spent += runs[n++];
    }
    qsort(runs, (size_t)n, sizeof *runs, by_value);
    return runs[n / 2];
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

/* ------------------------------------------------------------- measuring */

/* The backends of ctx at 1 thread and at all cores (CPU), once (device). */
static int make_targets(const hdtw_ctx *ctx, target *targets)
{
    int n = 0, cores = ctx->cores > 0 ? ctx->cores : 1;
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++) {
        if (!ctx->run[b])
            continue;
        targets[n++] = (target){ .backend = (hdtw_backend)b, .threads = 1 };
        if (b != HDTW_BACKEND_OPENCL && cores > 1)
            targets[n++] = (target){ .backend = (hdtw_backend)b,
                                     .threads = cores };
    }
    return n;
}

/* Times every target on shape k (no band); a target that fails gets -1. */
static void measure_shape(hdtw_ctx *ctx, const shape *sh, target *targets,
                          int ntargets, const double *x, double *out,
                          size_t k)
{
    hdtw_job job = { .cost = HDTW_COST_ABS,
                     .band = sh->m > sh->n ? sh->m : sh->n,
                     .pattern = x, .m = sh->m, .series = x + sh->m,
                     .n = sh->n, .count = sh->count, .stride = sh->n };
    for (int t = 0; t < ntargets; t++)
        targets[t].secs[k] = time_job(ctx, &targets[t], &job, out);
}

/* Fits the points of target t and kind into prof. */
static void record(hdtw_ctx *ctx, hdtw_profile *prof, const target *t,
                   hdtw_kind kind)
{
    double cells[NSHAPES], bytes[NSHAPES], secs[NSHAPES], p[3];
    int n = 0;
    for (size_t k = 0; k < NSHAPES; k++) {
        const shape *sh = &shapes[k];
        if (sh->kind != kind || !(t->secs[k] > 0))
            continue;
        cells[n] = (double)sh->m * (double)sh->n * (double)sh->count;
        bytes[n] = 8.0 * (double)(sh->m + sh->n * sh->count + sh->count);
        secs[n++] = t->secs[k];
    }
    int device = t->backend == HDTW_BACKEND_OPENCL;
    if (n < 3 || fit(cells, bytes, secs, n, device ? 7u : 3u, p) != 0)
        return; /* too few usable points: the defaults stay */
    if (!device) {
        hdtw_curve_add(&prof->cpu[t->backend][kind], t->threads, p[0],
                       1 / p[1]);
        return;
    }
    const char *name = hdtw_opencl_device_name(ctx);
    hdtw_device_profile *d =
        (hdtw_device_profile *)hdtw_profile_device(prof, name);
    if (!d && prof->devices < HDTW_PROFILE_DEVICES) {
        d = &prof->device[prof->devices++];
        snprintf(d->name, sizeof d->name, "%s", name);
    }
    if (!d)
        return;
    /* no measurable transfer term: a bandwidth too high to matter */
    d->bytes_per_s[kind] = p[2] > 0 ? 1 / p[2] : 1e15;
    hdtw_curve_add(&d->kind[kind], 0, p[0], 1 / p[1]);
}

/* A calibration's working state (too large for the stack). */
typedef struct {
    target targets[MAX_TARGETS];
    hdtw_profile prof;
    char text[HDTW_PROFILE_FILE_MAX];
    double *x;   /* the pattern, then the windows: the most any shape reads */
    double *out; /* the most windows of any shape */
} calibration;

/* The values (pattern and windows) and the results the largest shapes
 * need, so the buffers follow the table. */
static void shape_needs(size_t *values, size_t *results)
{
    *values = *results = 0;
    for (size_t k = 0; k < NSHAPES; k++) {
        size_t v = shapes[k].m + shapes[k].n * shapes[k].count;
        *values = v > *values ? v : *values;
        *results = shapes[k].count > *results ? shapes[k].count : *results;
    }
}

/* Measures every target on every shape into cal->prof; HDTW_E_CANCELLED
 * when progress asks to stop. */
static hdtw_status measure(hdtw_ctx *ctx, calibration *cal,
                           hdtw_progress_fn progress, void *user)
{
    int ntargets = make_targets(ctx, cal->targets);
    size_t values, results;
    shape_needs(&values, &results);
    fill_walk(cal->x, values, 20240229);
    for (size_t k = 0; k < NSHAPES; k++) {
        measure_shape(ctx, &shapes[k], cal->targets, ntargets, cal->x,
                      cal->out, k);
        if (progress && progress(user, k + 1, NSHAPES) != 0)
            return HDTW_E_CANCELLED;
    }
    for (int t = 0; t < ntargets; t++)
        for (int kind = 0; kind < HDTW_KIND_COUNT; kind++)
            record(ctx, &cal->prof, &cal->targets[t], (hdtw_kind)kind);
    return HDTW_OK;
}

/* --------------------------------------------------------------- writing */

static int make_dirs_for(const char *path)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
        return -1;
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

/* 0 when path's folder exists (made if need be) and may be written. */
static int writable(const char *path)
{
    char dir[4096];
    if (make_dirs_for(path) != 0 ||
        snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (!slash)
        return access(".", W_OK);
    slash[slash == dir] = '\0'; /* "/profile": the root folder */
    return access(dir, W_OK);
}

/* Writes text[0..len) to path (its folders made); 0 or -1. */
static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = NULL;
    if (make_dirs_for(path) != 0 || !(f = fopen(path, "w")))
        return -1;
    int ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The profile text of cal->prof into cal->text, written to path, then
 * ctx's numbers. */
static hdtw_status save(hdtw_ctx *ctx, calibration *cal, const char *path)
{
    char when[32], comment[128];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    snprintf(comment, sizeof comment,
             "written by hdtw_calibrate on %s, %d cores", when, ctx->cores);
    size_t len = hdtw_profile_format(&cal->prof, comment, cal->text,
                                     sizeof cal->text);
    if (len >= sizeof cal->text || write_file(path, cal->text, len) != 0)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "hdtw_calibrate: cannot write profile_path '%s': %s",
                         path, strerror(errno));
    /* the context routes by the new numbers from now on */
    hdtw_profile_parse(cal->text, len, &ctx->profile);
    ctx->memo.backend = HDTW_BACKEND_AUTO;
    return HDTW_OK;
}

hdtw_status hdtw_calibrate(hdtw_ctx *ctx, const char *profile_path,
                           hdtw_progress_fn progress, void *user)
{
    char path[4096];
    if (!ctx)
        return HDTW_E_ARG;
    if (!profile_path) {
        if (hdtw_profile_path(path, sizeof path) != 0)
            return hdtw_fail(ctx, HDTW_E_ARG,
                             "hdtw_calibrate: profile_path is NULL and no "
                             "default path exists (set HDTW_PROFILE or HOME)");
        profile_path = path;
    }
    /* refused before the half minute of measuring, not after */
    if (writable(profile_path) != 0)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "hdtw_calibrate: cannot write profile_path '%s': %s",
                         profile_path, strerror(errno));
    size_t values, results;
    shape_needs(&values, &results);
    hdtw_status s = HDTW_E_NOMEM;
    calibration *cal = hdtw_calloc(1, sizeof *cal);
    if (!cal)
        return HDTW_E_NOMEM;
    cal->x = hdtw_calloc(values, sizeof *cal->x);
    cal->out = hdtw_calloc(results, sizeof *cal->out);
    if (!cal->x || !cal->out)
        goto cleanup;
    int threads = ctx->threads;
    s = measure(ctx, cal, progress, user);
    ctx->threads = threads;
    if (s == HDTW_OK)
        s = save(ctx, cal, profile_path);
cleanup:
    hdtw_free(cal->out);
    hdtw_free(cal->x);
    hdtw_free(cal);
    return s;
}
