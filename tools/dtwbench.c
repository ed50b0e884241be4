/* SPDX-License-Identifier: MIT */
/*
 * dtwbench — compares every backend and device on the same DTW work and
 * checks every result against scalar with memcmp.
 *
 *   dtwbench              the standard cases on every backend (see usage)
 *   dtwbench --list       devices and CPU backends
 *   dtwbench --calibrate  measures the router's profile and writes it
 *   dtwbench --limit      the op-mix bound per instruction set (bench_limit.c)
 *   dtwbench --sweep      AUTO against every backend from 10^2 to 10^8 cells
 *
 * Exit status: 0 all identical, 1 a mismatch or a failed call, 2 usage.
 */
#include "bench.h"
#include "bench_options.h"
#include "tool_util.h"
#include "walk.h"
#include "bench_js.h"
#include "bench_limit.h"
#include "bench_matrix.h"
#include "bench_report.h"
#include "bench_sweep.h"
#include "csv.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CASES 64

/* ------------------------------------------------------ finding files */

/* The first existing file among: next to the build tree (the executable is
 * build/tools/dtwbench), the install prefix (bin/../share/hdtw/), the source
 * tree this was built from, and the current directory. */
static int find_file(const char *in_tree, const char *installed, char *out,
                     size_t cap)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
    if (slash)
        *slash = '\0';
    for (int k = 0; k < 4; k++) {
        int n = k == 0 && slash ? snprintf(out, cap, "%s/../../%s", exe,
                                           in_tree)
              : k == 1 && slash ? snprintf(out, cap, "%s/../share/hdtw/%s",
                                           exe, installed)
              : k == 2 ? snprintf(out, cap, "%s/%s", HDTW_SOURCE_DIR, in_tree)
              : k == 3 ? snprintf(out, cap, "%s", in_tree)
                       : -1;
        if (n > 0 && (size_t)n < cap && access(out, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ the cases */

typedef struct {
    bench_report_case *cases;
    int ncases;
    double *buffers[2 * MAX_CASES];
    int nbuffers;
    csv_series series;
} case_set;

static double *walk(case_set *set, size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x);
    if (!x) {
        fprintf(stderr, "dtwbench: out of memory for %zu values\n", n);
        return NULL;
    }
    walk_fill(x, n, seed);
    set->buffers[set->nbuffers++] = x;
    return x;
}

static bench_report_case *new_case(case_set *set, const options *o)
{
    if (set->ncases == MAX_CASES || set->nbuffers + 2 > 2 * MAX_CASES)
        return NULL;
    bench_report_case *rc = &set->cases[set->ncases++];
    memset(rc, 0, sizeof *rc);
    rc->c.params = o->params;
    rc->js_seconds = NAN;
    rc->js_identical = -1;
    return rc;
}

static int add_pairs(case_set *set, const options *o)
{
    if (strcmp(o->pairs, "none") == 0)
        return 0;
    for (const char *p = o->pairs; *p;) {
        char *end;
        unsigned long long n = strtoull(p, &end, 10);
        bench_report_case *rc = new_case(set, o);
        if (end == p || n == 0 || (*end && *end != ',') || !rc) {
            fprintf(stderr, "dtwbench: bad --pairs list: %s\n", o->pairs);
            return -1;
        }
        rc->c = (bench_case){ .params = o->params, .m = n, .n = n, .count = 1,
                              .stride = n, .length = n,
                              .pattern = walk(set, n, 1),
                              .series = walk(set, n, 2) };
        snprintf(rc->c.name, sizeof rc->c.name, "pair %llu", n);
        if (!rc->c.pattern || !rc->c.series)
            return -1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static int add_batch(case_set *set, const options *o)
{
    size_t count, n;
    if (strcmp(o->batch, "none") == 0)
        return 0;
    bench_report_case *rc = new_case(set, o);
    if (tool_parse_shape(o->batch, 1, SIZE_MAX / 8, &count, &n) != 0 || !rc) {
        fprintf(stderr, "dtwbench: bad --batch (COUNTxLEN): %s\n", o->batch);
        return -1;
    }
    rc->c = (bench_case){ .params = o->params, .m = n, .n = n,
                          .count = count, .stride = n, .length = n,
                          .pattern = walk(set, n, 1),
                          .series = walk(set, count * n, 3) };
    snprintf(rc->c.name, sizeof rc->c.name, "batch %zux%zu", count, n);
    return rc->c.pattern && rc->c.series ? 0 : -1;
}

/* The last pattern_len bars against every earlier window, as hdtw-match. */
static int add_sliding(case_set *set, const options *o)
{
    char path[PATH_MAX + 64], err[512];
    if (o->data && strcmp(o->data, "none") == 0)
        return 0;
    if (o->data)
        snprintf(path, sizeof path, "%s", o->data);
    else if (find_file("data/usdchf_30min.csv", "usdchf_30min.csv", path,
                       sizeof path) != 0) {
        fprintf(stderr, "dtwbench: data/usdchf_30min.csv not found, sliding "
                        "case skipped (give it with --data FILE)\n");
        return 0;
    }
    if (csv_read_column(path, o->column, &set->series, err, sizeof err)) {
        fprintf(stderr, "dtwbench: %s\n", err);
        return -1;
    }
    size_t p = o->pattern_len, len = set->series.len;
    bench_report_case *rc = new_case(set, o);
    if (len < 2 * p || !rc) {
        fprintf(stderr, "dtwbench: %s is too short for a %zu-bar pattern\n",
                path, p);
        return -1;
    }
    size_t history = len - p;
    rc->c = (bench_case){ .params = o->params, .pattern = set->series.values +
                          history, .m = p, .series = set->series.values,
                          .n = p, .stride = o->stride, .length = p,
                          .count = hdtw_sliding_count(history, p, o->stride) };
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(rc->c.name, sizeof rc->c.name, "sliding %.*s %zu",
             (int)strcspn(base, "."), base, p);
    return 0;
}

static void free_cases(case_set *set)
{
    for (int b = 0; b < set->nbuffers; b++)
        free(set->buffers[b]);
    csv_free(&set->series);
    free(set->cases);
}

/* --------------------------------------------------------- JavaScript */

/* Times the pair and batch cases in node; fills js_seconds/js_identical. */
static void run_js(case_set *set, const options *o, char *runtime,
                   size_t cap)
{
    char script[PATH_MAX + 64];
    int found = system("command -v node >/dev/null 2>&1") == 0 &&
                find_file("bench/js/baseline.js", "js/baseline.js", script,
                          sizeof script) == 0;
    if (!found) {
        if (o->js == 1)
            fprintf(stderr, "dtwbench: --js needs node and "
                            "bench/js/baseline.js; JavaScript not timed\n");
        return;
    }
    bench_js_result js[MAX_CASES];
    size_t count;
    const char *pairs = strcmp(o->pairs, "none") ? o->pairs : "";
    const char *batch = strcmp(o->batch, "none") ? o->batch : NULL;
    bench_progress(&o->settings, "timing JavaScript in node");
    if (bench_js_run(script, pairs, batch, o->settings.repeats, &o->params,
                     js, MAX_CASES, &count, runtime, cap) != 0) {
        fprintf(stderr, "dtwbench: node %s failed; JavaScript not timed\n",
                script);
        runtime[0] = '\0';
        return;
    }
    for (int k = 0; k < set->ncases; k++)
        for (size_t j = 0; j < count; j++) {
            bench_report_case *rc = &set->cases[k];
            if (strcmp(js[j].name, rc->c.name) != 0)
                continue;
            rc->js_seconds = js[j].seconds;
            /* against any result that has the scalar reference's bits: a
             * run without the scalar backend still checks JavaScript */
            for (int t = 0; t < rc->ntargets && rc->js_identical < 0; t++)
                if (rc->results[t].identical)
                    rc->js_identical = memcmp(&js[j].result,
                                              &rc->results[t].first_out,
                                              sizeof(double)) == 0;
        }
}

/* ------------------------------------------------------------- modes */

static int write_outputs(const options *o, case_set *set, const char *js,
                         const bench_bounds *bounds)
{
    int rc = 0;
    if (o->csv)
        report_csv(stdout, set->cases, set->ncases, bounds);
    else
        report_table(stdout, set->cases, set->ncases, bounds);
    if (o->json && report_json(o->json, set->cases, set->ncases,
                               o->settings.repeats, js[0] ? js : NULL,
                               bounds))
        rc = -1;
    if (o->plot && report_plot(o->plot, set->cases, set->ncases) != 0)
        rc = -1;
    return rc;
}

static int run_cases(const options *o)
{
    bench_target targets[BENCH_MAX_TARGETS];
    bench_bounds bounds;
    case_set set = { .cases = calloc(MAX_CASES, sizeof *set.cases) };
    char js_runtime[128] = "";
    int status = EXIT_FAILURE, failed = 0;
    int ntargets = bench_make_targets(o->backends, o->threads, o->nthreads,
                                      o->devices, targets, BENCH_MAX_TARGETS);
    if (ntargets <= 0 || !set.cases) {
        if (ntargets == 0)
            fprintf(stderr, "dtwbench: none of --backends is available\n");
        free(set.cases);
        return ntargets == 0 ? 2 : EXIT_FAILURE;
    }
    if (add_pairs(&set, o) || add_batch(&set, o) || add_sliding(&set, o) ||
        bench_bounds_get(o->limit_json, &bounds) != 0)
        goto cleanup;
    for (int k = 0; k < set.ncases; k++) {
        bench_report_case *rc = &set.cases[k];
        rc->cells = bench_case_cells(&rc->c);
        rc->ntargets = ntargets;
        if (bench_measure(&rc->c, targets, ntargets, &o->settings,
                          rc->results) != 0)
            failed = 1;
    }
    if (o->js != 0)
        run_js(&set, o, js_runtime, sizeof js_runtime);
    bench_progress_done(&o->settings);
    if (!o->csv)
        printf("hdtw %d.%d.%d, %d cores, %d repeats (median, range = "
               "(max-min)/median), JavaScript: %s\n%% bound: GCUPS per "
               "thread used as a share of the op-mix bound per core of the "
               "ISA that ran (bound: %s)\n\n",
               HDTW_VERSION_MAJOR, HDTW_VERSION_MINOR, HDTW_VERSION_PATCH,
               bench_cores(), o->settings.repeats,
               js_runtime[0] ? js_runtime : "not timed", bounds.source);
    if (write_outputs(o, &set, js_runtime, &bounds) != 0)
        failed = 1;
    if (!report_all_identical(set.cases, set.ncases)) {
        fprintf(stderr, "dtwbench: a result differs from scalar\n");
        failed = 1;
    }
    status = failed ? EXIT_FAILURE : EXIT_SUCCESS;
cleanup:
    bench_free_targets(targets, ntargets);
    free_cases(&set);
    return status;
}

static int list_devices(void)
{
    hdtw_ctx *ctx;
    char cpu[256];
    if (hdtw_create(&ctx) != HDTW_OK)
        return EXIT_FAILURE;
    report_cpu_model(cpu, sizeof cpu);
    printf("CPU: %s, %d cores\n", cpu, bench_cores());
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_OPENCL; b++)
        printf("  %-8s %s\n", hdtw_backend_name((hdtw_backend)b),
               hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK
                   ? "available" : "not available here");
    hdtw_device_info info[16];
    size_t total = 0;
    hdtw_opencl_devices(ctx, info, 16, &total);
    printf("OpenCL devices: %zu\n", total);
    for (size_t d = 0; d < total && d < 16; d++)
        printf("  opencl:%zu  %s | %s | %s | %u compute units | %s | fp64 "
               "%s | %.1f GiB%s\n", d, info[d].name, info[d].vendor,
               info[d].platform, info[d].compute_units,
               info[d].is_gpu ? "GPU" : "CPU/other",
               info[d].fp64 ? "yes" : "no (not used)",
               (double)info[d].global_mem_bytes / (1024.0 * 1024 * 1024),
               "");
    hdtw_destroy(ctx);
    return EXIT_SUCCESS;
}

/* Refusals that need the machine or the file system, made before a run
 * that can take minutes: OpenCL device indices that do not exist, a plot
 * that cannot be drawn, a run with no case. */
static int check_run(const options *o, char *err, size_t err_len)
{
    if (o->plot && report_plot_check(o->plot, err, err_len) != 0)
        return -1;
    if (o->mode == MODE_RUN && strcmp(o->pairs, "none") == 0 &&
        strcmp(o->batch, "none") == 0 && o->data &&
        strcmp(o->data, "none") == 0) {
        snprintf(err, err_len, "--pairs, --batch and --data are all none: no "
                 "case to run");
        return -1;
    }
    hdtw_ctx *ctx; /* also refuses a bad HDTW_BACKEND, with its values */
    size_t total = 0;
    if (tool_create(&ctx, err, err_len) != HDTW_OK)
        return -1;
    hdtw_opencl_devices(ctx, NULL, 0, &total);
    hdtw_destroy(ctx);
    for (const char *p = o->devices; p; p++) {
        char item[24], shown[72];
        size_t len = strcspn(p, ","), index;
        snprintf(item, sizeof item, "%.*s", (int)(len < 23 ? len : 23), p);
        if (len >= sizeof item ||
            tool_parse_size(item, 0, total ? total - 1 : 0, &index) != 0 ||
            total == 0) {
            snprintf(err, err_len, "--devices %s: this machine has %zu "
                     "OpenCL devices (dtwbench --list), counted from 0",
                     tool_excerpt(o->devices, shown, sizeof shown), total);
            return -1;
        }
        p += len;
        if (!*p)
            break;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (bench_matrix_wanted(argc, argv)) /* its own options */
        return bench_matrix_main(argc, argv);
    options o;
    char err[512];
    if (bench_parse_options(argc, argv, bench_cores(), &o, err,
                            sizeof err) != 0 ||
        check_run(&o, err, sizeof err) != 0) {
        fprintf(stderr, "dtwbench: %s (dtwbench --help for usage)\n", err);
        return 2;
    }
    if (o.help) {
        bench_usage(stdout);
        return EXIT_SUCCESS;
    }
    o.settings.progress = isatty(STDERR_FILENO);
    switch (o.mode) {
    case MODE_LIST:
        return list_devices();
    case MODE_CALIBRATE:
        return bench_calibrate(o.profile, o.devices, &o.settings);
    case MODE_SWEEP:
        return bench_sweep(&o);
    case MODE_LIMIT:
        return bench_limit(o.json);
    case MODE_RUN:
        break;
    }
    return run_cases(&o);
}
