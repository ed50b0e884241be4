/* SPDX-License-Identifier: MIT */
/*
 * bench.c — targets, inputs and the measuring loop of dtwbench.
 */
#include "bench.h"

#include "timing.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int bench_cores(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (int)cores : 1;
}

/* -------------------------------------------------------------- targets */

/* Is `name` an item of the comma list (NULL: every name is)? */
static int listed(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        size_t item = strcspn(p, ",");
        if (item == len && strncmp(p, name, len) == 0)
            return 1;
        p += item + (p[item] == ',');
    }
    return 0;
}

static int add_target(bench_target *targets, int *count, int cap,
                      hdtw_backend b, int threads, int device)
{
    if (*count == cap) {
        fprintf(stderr, "dtwbench: more than %d targets\n", cap);
        return -1;
    }
    bench_target *t = &targets[*count];
    *t = (bench_target){ .backend = b, .threads = threads, .device = device };
    hdtw_status s = hdtw_create(&t->ctx);
    if (s != HDTW_OK) {
        fprintf(stderr, "dtwbench: hdtw_create: %s\n", hdtw_strerror(s));
        return -1;
    }
    s = hdtw_set_backend(t->ctx, b);
    if (s == HDTW_OK)
        s = hdtw_set_threads(t->ctx, threads);
    if (s == HDTW_OK && device >= 0)
        s = hdtw_set_opencl_device(t->ctx, (size_t)device);
    if (s != HDTW_OK) { /* absent here: skipped, not an error */
        hdtw_destroy(t->ctx);
        return 0;
    }
    if (device >= 0)
        snprintf(t->label, sizeof t->label, "opencl:%d", device);
    else
        snprintf(t->label, sizeof t->label, "%s", hdtw_backend_name(b));
    (*count)++;
    return 0;
}

static int add_devices(const char *devices, bench_target *targets,
                       int *count, int cap)
{
    hdtw_ctx *ctx;
    size_t total = 0;
    if (hdtw_create(&ctx) != HDTW_OK)
        return -1;
    hdtw_opencl_devices(ctx, NULL, 0, &total);
    hdtw_destroy(ctx);
    for (size_t d = 0; d < total; d++) {
        char index[24];
        snprintf(index, sizeof index, "%zu", d);
        if (listed(devices, index) &&
            add_target(targets, count, cap, HDTW_BACKEND_OPENCL, 0,
                       (int)d) != 0)
            return -1;
    }
    return 0;
}

int bench_make_targets(const char *backends, const int *threads,
                       int nthreads, const char *devices,
                       bench_target *targets, int cap)
{
    static const hdtw_backend order[] = {
        HDTW_BACKEND_SCALAR, HDTW_BACKEND_AVX2, HDTW_BACKEND_AVX512,
        HDTW_BACKEND_OPENCL, HDTW_BACKEND_AUTO,
    };
    int count = 0;
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        hdtw_backend b = order[k];
        if (!listed(backends, hdtw_backend_name(b)))
            continue;
        int rc = 0;
        if (b == HDTW_BACKEND_OPENCL) /* host threads do not matter */
            rc = add_devices(devices, targets, &count, cap);
        else if (b == HDTW_BACKEND_SCALAR) /* single-threaded */
            rc = add_target(targets, &count, cap, b, 1, -1);
        else
            for (int t = 0; t < nthreads && rc == 0; t++)
                rc = add_target(targets, &count, cap, b, threads[t], -1);
        if (rc != 0) {
            bench_free_targets(targets, count);
            return -1;
        }
    }
    return count;
}

void bench_free_targets(bench_target *targets, int count)
{
    for (int t = 0; t < count; t++)
        hdtw_destroy(targets[t].ctx);
}

/* --------------------------------------------------------------- inputs */

double bench_case_cells(const bench_case *c)
{
    return (double)c->count *
           (double)hdtw_cells(c->m, c->n, c->params.band);
}

/* ------------------------------------------------------------ measuring */

static hdtw_status run_case(hdtw_ctx *ctx, const bench_case *c, double *out)
{
    if (c->count == 1)
        return hdtw_distance(ctx, &c->params, c->pattern, c->m, c->series,
                             c->n, out);
    if (c->stride == c->n)
        return hdtw_batch(ctx, &c->params, c->pattern, c->m, c->series,
                          c->count, c->n, out);
    size_t len = (c->count - 1) * c->stride + c->n;
    return hdtw_sliding(ctx, &c->params, c->pattern, c->m, c->series, len,
                        c->n, c->stride, out);
}

/* Seconds for `calls` calls, or a negative value when a call failed. */
static double time_calls(const bench_case *c, hdtw_ctx *ctx, long calls,
                         double *out, hdtw_status *status)
{
    double t0 = timing_now();
    for (long k = 0; k < calls; k++) {
        *status = run_case(ctx, c, out);
        if (*status != HDTW_OK)
            return -1;
    }
    return timing_now() - t0;
}

static void summarise(bench_result *r)
{
    double sorted[BENCH_MAX_REPEATS];
    memcpy(sorted, r->samples, (size_t)r->repeats * sizeof *sorted);
    r->median = timing_median(sorted, r->repeats);
    r->min = sorted[0];
    r->max = sorted[r->repeats - 1];
}

/* The warm-up: one call checked against the reference, then the number of
 * calls that makes a sample last about min_sample_s. */
static long warm_up(const bench_case *c, bench_target *t, const double *want,
                    double *out, const bench_settings *s, bench_result *r)
{
    double took = time_calls(c, t->ctx, 1, out, &r->status);
    if (took < 0)
        return 0;
    r->served = hdtw_last_backend(t->ctx);
    r->identical = memcmp(out, want, c->count * sizeof *out) == 0;
    r->first_out = out[0];
    long calls = 1;
    for (int round = 0; round < 3 && took < s->min_sample_s / 2; round++) {
        double per = fmax(took / (double)calls, 1e-9);
        calls = (long)fmin(ceil(s->min_sample_s / per), 1e7);
        took = time_calls(c, t->ctx, calls, out, &r->status);
        if (took < 0)
            return 0;
    }
    return calls;
}

int bench_measure(const bench_case *c, bench_target *targets, int ntargets,
                  const bench_settings *s, bench_result *results)
{
    int rc = -1;
    long calls[BENCH_MAX_TARGETS] = { 0 };
    hdtw_ctx *ref = NULL;
    double *want = malloc(c->count * sizeof *want);
    double *out = malloc(c->count * sizeof *out);
    for (int t = 0; t < ntargets; t++)
        results[t] = (bench_result){ .target = &targets[t],
                                     .median = NAN, .min = NAN, .max = NAN };
    hdtw_status st = want && out ? hdtw_create(&ref) : HDTW_E_NOMEM;
    if (st == HDTW_OK)
        st = hdtw_set_backend(ref, HDTW_BACKEND_SCALAR);
    if (st == HDTW_OK)
        st = run_case(ref, c, want);
    if (st != HDTW_OK) {
        fprintf(stderr, "dtwbench: %s on scalar: %s\n", c->name,
                hdtw_strerror(st));
        for (int t = 0; t < ntargets; t++) /* every row reports the failure */
            results[t].status = st;
        goto cleanup;
    }
    for (int t = 0; t < ntargets; t++) {
        bench_progress(s, "%s: warming up %s", c->name, targets[t].label);
        calls[t] = warm_up(c, &targets[t], want, out, s, &results[t]);
    }
    for (int r = 0; r < s->repeats; r++) {
        bench_progress(s, "%s: repeat %d of %d", c->name, r + 1, s->repeats);
        for (int t = 0; t < ntargets; t++) {
            if (calls[t] == 0)
                continue;
            double took = time_calls(c, targets[t].ctx, calls[t], out,
                                     &results[t].status);
            if (took < 0) {
                calls[t] = 0;
                continue;
            }
            results[t].samples[results[t].repeats++] = took / (double)calls[t];
        }
    }
    rc = 0;
    for (int t = 0; t < ntargets; t++) {
        if (results[t].status != HDTW_OK) {
            fprintf(stderr, "dtwbench: %s on %s: %s\n", c->name,
                    targets[t].label, hdtw_strerror(results[t].status));
            rc = -1;
        } else {
            summarise(&results[t]);
        }
    }
cleanup:
    hdtw_destroy(ref);
    free(want);
    free(out);
    return rc;
}

/* ------------------------------------------------------------- progress */

static double progress_start = -1;
static int progress_shown;

void bench_progress(const bench_settings *s, const char *fmt, ...)
{
    if (!s->progress)
        return;
    double now = timing_now();
    if (progress_start < 0)
        progress_start = now;
    if (now - progress_start < 1.0)
        return;
    char line[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\r\033[K[%5.1f s] %s", now - progress_start, line);
    progress_shown = 1;
}

void bench_progress_done(const bench_settings *s)
{
    if (s->progress && progress_shown)
        fprintf(stderr, "\r\033[K");
    progress_shown = 0;
}
