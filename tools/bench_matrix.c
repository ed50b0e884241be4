/* SPDX-License-Identifier: MIT */
/*
 * bench_matrix.c — dtwbench --matrix CxN (see bench_matrix.h).
 *
 * Every target computes the same pdist; the first scalar target's output
 * (else the first target's) is the reference every other output must match
 * bit for bit. Samples alternate across the targets so that load on the
 * machine affects all alike. The bound of a CPU target is the op-mix
 * throughput of its instruction set per core (--bound, else as
 * bench_bounds_get finds it: --limit-json, the file `dtwbench --limit
 * --json` writes, the one --calibrate saved, or measured) times the cores
 * it uses.
 */
#include "bench_matrix.h"

#include "bench.h"
#include "bench_limit.h"
#include "bench_options.h"
#include "timing.h"
#include "tool_util.h"
#include "walk.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t count, len;
    const char *backends, *limit_json, *json;
    int threads[BENCH_MAX_THREAD_COUNTS], nthreads, repeats;
    double bound; /* GCUPS per core for every ISA, 0: from limit_json */
    hdtw_params params;
} matrix_options;

static void usage(FILE *to)
{
    fprintf(to,
"usage: dtwbench --matrix CxN [options]   pdist of C random walks of N values\n"
"  --backends LIST     of scalar,avx2,avx512,opencl,auto (default: all here)\n"
"  --threads LIST      thread counts, 0 = all cores (default 1,<cores>)\n"
"  --repeats R         samples per target (default 3)\n"
"  --cost abs|squared  cell cost (default abs)\n"
"  --band B            Sakoe-Chiba band (default: none)\n"
"  --limit-json FILE   op-mix bound per core, as dtwbench --limit --json\n"
"                      writes it: {\"opmix_gcups_per_core\": {\"avx2\": ...}}\n"
"                      (default: saved by --calibrate, else measured)\n"
"  --bound GCUPS       op-mix bound per core for every ISA (overrides)\n"
"  --json FILE         every number\n");
}

int bench_matrix_wanted(int argc, char **argv)
{
    for (int k = 1; k < argc; k++)
        if (strcmp(argv[k], "--matrix") == 0 ||
            strncmp(argv[k], "--matrix=", 9) == 0)
            return 1;
    return 0;
}

/* COUNTxLEN: at least two series, the values within what a size_t counts
 * in bytes */
static int parse_shape(const char *text, matrix_options *o)
{
    return tool_parse_shape(text, 2, SIZE_MAX / 8, &o->count, &o->len);
}

static int parse_options(int argc, char **argv, matrix_options *o)
{
    static const struct option longs[] = {
        { "matrix", 1, 0, 'm' }, { "backends", 1, 0, 'b' },
        { "threads", 1, 0, 't' }, { "repeats", 1, 0, 'r' },
        { "cost", 1, 0, 'c' }, { "band", 1, 0, 'w' },
        { "limit-json", 1, 0, 'l' }, { "bound", 1, 0, 'B' },
        { "json", 1, 0, 'j' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    int cores = bench_cores();
    *o = (matrix_options){ .threads = { 1, cores },
                           .nthreads = cores > 1 ? 2 : 1, .repeats = 3,
                           .params = HDTW_PARAMS_DEFAULT };
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        char *end = NULL;
        int bad = 0;
        switch (c) {
        case 'm': bad = parse_shape(optarg, o); break;
        case 'b': o->backends = optarg; break;
        case 't':
            bad = bench_parse_threads(optarg, o->threads,
                                      BENCH_MAX_THREAD_COUNTS, &o->nthreads);
            break;
        case 'r':
            o->repeats = (int)strtol(optarg, &end, 10);
            bad = !*optarg || *end || o->repeats < 1 ||
                  o->repeats > BENCH_MAX_REPEATS;
            break;
        case 'c':
            bad = strcmp(optarg, "abs") != 0 && strcmp(optarg, "squared");
            o->params.cost = strcmp(optarg, "squared") == 0
                                 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
            break;
        case 'w':
            o->params.band = strtol(optarg, &end, 10);
            bad = !*optarg || *end;
            break;
        case 'l': o->limit_json = optarg; break;
        case 'B':
            o->bound = strtod(optarg, &end);
            bad = !*optarg || *end || !(o->bound > 0);
            break;
        case 'j': o->json = optarg; break;
        case 'h': usage(stdout); exit(EXIT_SUCCESS);
        default: return -1;
        }
        if (bad) {
            fprintf(stderr, "dtwbench: bad value for --matrix option: %s\n",
                    optarg);
            return -1;
        }
    }
    return optind == argc && o->count > 0 ? 0 : -1;
}

/* ------------------------------------------------------------ the run */

typedef struct {
    double samples[BENCH_MAX_REPEATS];
    double median, gcups, bound;
    hdtw_backend served;
    int identical;
    double *out;
} matrix_result;

static double pdist_cells(const matrix_options *o)
{
    return (double)o->count * (double)(o->count - 1) / 2.0 * (double)o->len *
           (double)o->len; /* unbanded; a band's cells are fewer */
}

/* One timed call; -1 with a message when it fails. */
static int sample(bench_target *t, const matrix_options *o,
                  const hdtw_set *x, matrix_result *r, int k)
{
    double start = timing_now();
    hdtw_status s = hdtw_pdist(t->ctx, &o->params, x, r->out);
    r->samples[k] = timing_now() - start;
    if (s != HDTW_OK) {
        fprintf(stderr, "dtwbench: pdist on %s: %s\n", t->label,
                hdtw_strerror(s));
        return -1;
    }
    r->served = hdtw_last_backend(t->ctx);
    return 0;
}

static void finish(matrix_result *r, const bench_target *t,
                   const matrix_options *o, const bench_bounds *bounds)
{
    r->median = timing_median(r->samples, o->repeats);
    r->gcups = pdist_cells(o) / r->median * 1e-9;
    double per_core = bench_bound_of(bounds, r->served);
    if (o->bound > 0 && per_core > 0)
        per_core = o->bound;
    r->bound = per_core * bench_threads_used(r->served, t->threads);
}

static void print_table(const bench_target *targets, int ntargets,
                        const matrix_result *results, const matrix_options *o)
{
    printf("pdist %zux%zu (%zu pairs, %.3g cells), %s cost, %d repeats "
           "(median)\n\n", o->count, o->len, o->count * (o->count - 1) / 2,
           pdist_cells(o), o->params.cost == HDTW_COST_SQUARED ? "squared"
                                                                 : "abs",
           o->repeats);
    printf("%-10s %7s %-7s %10s %8s %8s %9s\n", "target", "threads", "ran",
           "seconds", "GCUPS", "bound", "of bound");
    for (int k = 0; k < ntargets; k++) {
        const matrix_result *r = &results[k];
        char share[16] = "-";
        if (r->bound > 0)
            snprintf(share, sizeof share, "%.0f%%", 100 * r->gcups / r->bound);
        printf("%-10s %7d %-7s %10.3f %8.2f %8.2f %9s%s\n", targets[k].label,
               targets[k].threads, hdtw_backend_name(r->served), r->median,
               r->gcups, r->bound, share, r->identical ? "" : "  DIFFERS");
    }
}

static int write_json(const char *path, const bench_target *targets,
                      int ntargets, const matrix_result *results,
                      const matrix_options *o)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "dtwbench: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "{\"case\": \"pdist\", \"count\": %zu, \"len\": %zu, "
               "\"cost\": \"%s\", \"band\": %ld, \"cells\": %.0f, "
               "\"cores\": %d, \"results\": [",
            o->count, o->len,
            o->params.cost == HDTW_COST_SQUARED ? "squared" : "abs",
            o->params.band, pdist_cells(o), bench_cores());
    for (int k = 0; k < ntargets; k++) {
        const matrix_result *r = &results[k];
        fprintf(f, "%s\n  {\"target\": \"%s\", \"threads\": %d, \"ran\": "
                   "\"%s\", \"median_s\": %.6g, \"gcups\": %.4g, "
                   "\"bound_gcups\": %.4g, \"pct_of_bound\": %.4g, "
                   "\"identical\": %s, \"samples\": [",
                k ? "," : "", targets[k].label, targets[k].threads,
                hdtw_backend_name(r->served), r->median, r->gcups, r->bound,
                r->bound > 0 ? 100 * r->gcups / r->bound : 0,
                r->identical ? "true" : "false");
        for (int s = 0; s < o->repeats; s++)
            fprintf(f, "%s%.6g", s ? ", " : "", r->samples[s]);
        fprintf(f, "]}");
    }
    fprintf(f, "\n]}\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* The reference: the first scalar target, else the first. */
static int reference_of(const bench_target *targets, int ntargets)
{
    for (int k = 0; k < ntargets; k++)
        if (targets[k].backend == HDTW_BACKEND_SCALAR)
            return k;
    return 0;
}

static int measure(bench_target *targets, int ntargets,
                   const matrix_options *o, const hdtw_set *x,
                   matrix_result *results, size_t outputs)
{
    for (int k = 0; k < ntargets; k++)
        if (!(results[k].out = malloc(outputs * sizeof(double))))
            return -1;
    for (int s = 0; s < o->repeats; s++)
        for (int k = 0; k < ntargets; k++)
            if (sample(&targets[k], o, x, &results[k], s) != 0)
                return -1;
    const double *ref = results[reference_of(targets, ntargets)].out;
    for (int k = 0; k < ntargets; k++)
        results[k].identical =
            memcmp(results[k].out, ref, outputs * sizeof(double)) == 0;
    return 0;
}

int bench_matrix_main(int argc, char **argv)
{
    matrix_options o;
    if (parse_options(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    bench_target targets[BENCH_MAX_TARGETS];
    matrix_result results[BENCH_MAX_TARGETS] = { 0 };
    int ntargets = bench_make_targets(o.backends, o.threads, o.nthreads, NULL,
                                      targets, BENCH_MAX_TARGETS);
    if (ntargets <= 0) {
        if (ntargets == 0)
            fprintf(stderr, "dtwbench: none of --backends is available\n");
        return ntargets == 0 ? 2 : EXIT_FAILURE;
    }
    int status = EXIT_FAILURE, identical = 1;
    bench_bounds bounds;
    double *values = walk_alloc(o.count * o.len, 7);
    hdtw_set x = { values, NULL, o.count, o.len };
    if (!values) {
        fprintf(stderr, "dtwbench: out of memory\n");
        goto cleanup;
    }
    if (bench_bounds_get(o.limit_json, &bounds) != 0)
        goto cleanup;
    if (measure(targets, ntargets, &o, &x, results,
                o.count * (o.count - 1) / 2) != 0)
        goto cleanup;
    for (int k = 0; k < ntargets; k++) {
        finish(&results[k], &targets[k], &o, &bounds);
        identical &= results[k].identical;
    }
    print_table(targets, ntargets, results, &o);
    if (!identical)
        fprintf(stderr, "dtwbench: a result differs from the reference\n");
    status = identical && !(o.json && write_json(o.json, targets, ntargets,
                                                 results, &o))
                 ? EXIT_SUCCESS : EXIT_FAILURE;
cleanup:
    for (int k = 0; k < ntargets; k++)
        free(results[k].out);
    bench_free_targets(targets, ntargets);
    free(values);
    return status;
}
