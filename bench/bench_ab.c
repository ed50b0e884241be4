/* SPDX-License-Identifier: MIT */
/*
 * bench_ab — one call timed through two builds of libhdtw in one process:
 * a before/after comparison that the machine's drift moves alike on both
 * sides. The two libraries are loaded side by side (dlopen, each its own
 * namespace of symbols), their calls alternate sample by sample with the
 * order swapped every sample, and each call runs on one thread, timed by
 * the thread's CPU time, which a preempted call does not count. (Two
 * libraries' OpenMP calls in one process do not time alike: the one
 * loaded second ran 1.4 times slower against itself on two threads, so
 * there is no threads option.) bench/RESULTS.md's
 * in-process A/B rows come from this program (or its throwaway forerunners).
 *
 * usage: bench_ab LIB_A LIB_B CASE [backend=NAME] [samples=S]
 *   CASE: batch=COUNTxN [band=W]   hdtw_batch of COUNT windows of N values
 *         subsequence=M [len=L] [k=K]
 *                                  hdtw_subsequence of an M-value query
 *                                  over L values (200000), K picks (10)
 *   backend: a name hdtw_backend_name gives (default auto); samples: 31
 *   by default.
 * The inputs are the benchmarks' random walks (tools/common/walk.h). It
 * prints each side's best and median, their ratios (above 1: B faster) and
 * whether the two gave the same bytes; it exits 1 on bad arguments or when
 * a library cannot be loaded or a call fails. Uses the public API only.
 */
#include "hdtw.h"
#include "timing.h"
#include "tool_util.h"
#include "walk.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES 1001

/* The entry points used, from one library. */
typedef struct {
    const char *path;
    hdtw_status (*create)(hdtw_ctx **);
    void (*destroy)(hdtw_ctx *);
    hdtw_status (*set_backend)(hdtw_ctx *, hdtw_backend);
    hdtw_status (*set_threads)(hdtw_ctx *, int);
    const char *(*backend_name)(hdtw_backend);
    const char *(*strerror)(hdtw_status);
    hdtw_status (*batch)(hdtw_ctx *, const hdtw_params *, const double *,
                         size_t, const double *, size_t, size_t, double *);
    hdtw_status (*subsequence)(hdtw_ctx *, const hdtw_params *,
                               const double *, size_t, const double *,
                               size_t, size_t, hdtw_span *, size_t *);
    hdtw_ctx *ctx;
} library;

/* What is timed: the case's arguments and each side's outputs. */
typedef struct {
    hdtw_params params;
    size_t count, n;         /* batch */
    size_t m, len, k;        /* subsequence */
    double *pattern, *series;
    double *out[2];          /* batch: count distances a side */
    hdtw_span *spans[2];     /* subsequence: k spans a side */
    size_t found[2];
} workload;

/* dlsym into a function pointer the POSIX way; 0 when missing */
static int bind_symbol(void *handle, const char *name, void *fn_slot)
{
    void *p = dlsym(handle, name);
    memcpy(fn_slot, &p, sizeof p);
    if (!p)
        fprintf(stderr, "bench_ab: %s\n", dlerror());
    return p != NULL;
}

static int load(library *lib)
{
    void *h = dlopen(lib->path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "bench_ab: %s\n", dlerror());
        return 0;
    }
    return bind_symbol(h, "hdtw_create", &lib->create) &&
           bind_symbol(h, "hdtw_destroy", &lib->destroy) &&
           bind_symbol(h, "hdtw_set_backend", &lib->set_backend) &&
           bind_symbol(h, "hdtw_set_threads", &lib->set_threads) &&
           bind_symbol(h, "hdtw_backend_name", &lib->backend_name) &&
           bind_symbol(h, "hdtw_strerror", &lib->strerror) &&
           bind_symbol(h, "hdtw_batch", &lib->batch) &&
           bind_symbol(h, "hdtw_subsequence", &lib->subsequence);
}

/* The backend named `name` (as hdtw_backend_name spells it), or -1. */
static int backend_named(const library *lib, const char *name)
{
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++)
        if (strcmp(lib->backend_name((hdtw_backend)b), name) == 0)
            return b;
    return -1;
}

/* One call of side s; its CPU seconds, or -1 when it fails. */
static double timed_call(const library *lib, workload *w, int s)
{
    double t0 = timing_thread_cpu();
    hdtw_status st =
        w->count ? lib->batch(lib->ctx, &w->params, w->pattern, w->n,
                              w->series, w->count, w->n, w->out[s])
                 : lib->subsequence(lib->ctx, &w->params, w->pattern, w->m,
                                    w->series, w->len, w->k, w->spans[s],
                                    &w->found[s]);
    double took = timing_thread_cpu() - t0;
    if (st != HDTW_OK) {
        fprintf(stderr, "bench_ab: %s: %s\n", lib->path, lib->strerror(st));
        return -1;
    }
    return took;
}

static int same_outputs(const workload *w)
{
    if (w->count)
        return memcmp(w->out[0], w->out[1], w->count * sizeof(double)) == 0;
    return w->found[0] == w->found[1] &&
           memcmp(w->spans[0], w->spans[1],
                  w->found[0] * sizeof(hdtw_span)) == 0;
}

/* value of "key=value" in arg, or NULL */
static const char *value_of(const char *arg, const char *key)
{
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

typedef struct {
    const char *backend;
    size_t samples;
    long band;
    int band_given;
} settings;

static int parse_args(int argc, char **argv, workload *w, settings *s)
{
    *s = (settings){ "auto", 31, -1, 0 };
    w->len = 200000;
    w->k = 10;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v;
        size_t x;
        if ((v = value_of(a, "batch"))) {
            if (tool_parse_shape(v, 1, (size_t)1 << 27, &w->count, &w->n))
                return 0;
        } else if ((v = value_of(a, "subsequence"))) {
            if (tool_parse_size(v, 1, 100000, &w->m))
                return 0;
        } else if ((v = value_of(a, "band"))) {
            if (tool_parse_size(v, 0, 100000, &x))
                return 0;
            s->band = (long)x;
            s->band_given = 1;
        } else if ((v = value_of(a, "len"))) {
            if (tool_parse_size(v, 1, (size_t)1 << 27, &w->len))
                return 0;
        } else if ((v = value_of(a, "k"))) {
            if (tool_parse_size(v, 1, 1000, &w->k))
                return 0;
        } else if ((v = value_of(a, "samples"))) {
            if (tool_parse_size(v, 1, MAX_SAMPLES, &s->samples))
                return 0;
        } else if ((v = value_of(a, "backend"))) {
            s->backend = v;
        } else {
            return 0;
        }
    }
    /* exactly one case; a band only for a batch */
    return (w->count > 0) != (w->m > 0) && (w->count > 0 || !s->band_given);
}

/* The inputs: a pattern and the windows (batch) or the query and the
 * series (subsequence), and each side's outputs. */
static int make_inputs(workload *w, settings s)
{
    w->params = HDTW_PARAMS_DEFAULT;
    w->params.band = s.band;
    size_t pattern = w->count ? w->n : w->m;
    size_t values = w->count ? w->count * w->n : w->len;
    w->pattern = walk_alloc(pattern, 1);
    w->series = walk_alloc(values, 3);
    for (int side = 0; side < 2; side++) {
        if (w->count)
            w->out[side] = malloc(w->count * sizeof(double));
        else
            w->spans[side] = malloc(w->k * sizeof(hdtw_span));
    }
    return w->pattern && w->series &&
           (w->count ? w->out[0] && w->out[1] : w->spans[0] && w->spans[1]);
}

static void report(const workload *w, const settings *s, double *t[2],
                   char **argv)
{
    if (w->count)
        printf("batch %zux%zu, band %ld", w->count, w->n, s->band);
    else
        printf("subsequence m %zu over %zu values, k %zu", w->m, w->len,
               w->k);
    printf(", backend %s, one thread, %zu samples alternated, thread CPU "
           "time\n", s->backend, s->samples);
    double best[2], median[2];
    for (int side = 0; side < 2; side++) {
        median[side] = timing_median(t[side], (int)s->samples); /* sorts */
        best[side] = t[side][0];
        printf("  %c %-40s best %10.4f ms  median %10.4f ms\n", "AB"[side],
               argv[1 + side], 1e3 * best[side], 1e3 * median[side]);
    }
    printf("  A / B (above 1: B faster): best %.3f  median %.3f  same "
           "outputs: %s\n", best[0] / best[1], median[0] / median[1],
           same_outputs(w) ? "yes" : "NO");
}

int main(int argc, char **argv)
{
    library lib[2] = { { .path = argc > 1 ? argv[1] : "" },
                       { .path = argc > 2 ? argv[2] : "" } };
    workload w = { 0 };
    settings s;
    double *t[2] = { NULL, NULL };
    int rc = 1;
    if (argc < 4 || !parse_args(argc, argv, &w, &s)) {
        fprintf(stderr, "usage: bench_ab LIB_A LIB_B batch=COUNTxN [band=W] "
                        "| subsequence=M [len=L] [k=K]  [backend=NAME] "
                        "[samples=S]\n");
        return 1;
    }
    if (!load(&lib[0]) || !load(&lib[1]) || !make_inputs(&w, s))
        goto cleanup;
    for (int side = 0; side < 2; side++) {
        int b = backend_named(&lib[side], s.backend);
        if (b < 0 || lib[side].create(&lib[side].ctx) != HDTW_OK ||
            lib[side].set_backend(lib[side].ctx, (hdtw_backend)b) !=
                HDTW_OK ||
            lib[side].set_threads(lib[side].ctx, 1) != HDTW_OK) {
            fprintf(stderr, "bench_ab: %s: backend %s not available\n",
                    lib[side].path, s.backend);
            goto cleanup;
        }
        t[side] = malloc(s.samples * sizeof(double));
        if (!t[side] || timed_call(&lib[side], &w, side) < 0) /* warm-up */
            goto cleanup;
    }
    for (size_t i = 0; i < s.samples; i++)
        for (int j = 0; j < 2; j++) {
            int side = (int)(i % 2) ^ j; /* A first, then B first */
            double took = timed_call(&lib[side], &w, side);
            if (took < 0)
                goto cleanup;
            t[side][i] = took;
        }
    report(&w, &s, t, argv);
    rc = 0;
cleanup:
    for (int side = 0; side < 2; side++) {
        if (lib[side].ctx)
            lib[side].destroy(lib[side].ctx);
        free(t[side]);
        free(w.out[side]);
        free(w.spans[side]);
    }
    free(w.series);
    free(w.pattern);
    return rc;
}
