/* SPDX-License-Identifier: MIT */
/*
 * bench_report.c — table, CSV, JSON and gnuplot output of dtwbench.
 */
#include "bench_report.h"

#include "bench_limit.h"
#include "tool_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double report_scalar_median(const bench_report_case *rc)
{
    for (int t = 0; t < rc->ntargets; t++)
        if (rc->results[t].target->backend == HDTW_BACKEND_SCALAR)
            return rc->results[t].median;
    return NAN;
}

int report_all_identical(const bench_report_case *cases, int ncases)
{
    for (int k = 0; k < ncases; k++) {
        if (cases[k].js_identical == 0)
            return 0;
        for (int t = 0; t < cases[k].ntargets; t++)
            if (cases[k].results[t].status == HDTW_OK &&
                !cases[k].results[t].identical)
                return 0;
    }
    return 1;
}

/* The numbers of one row, shared by the table, CSV and JSON. */
typedef struct {
    double ms, range_pct, gcups, vs_scalar, vs_js;
    double bound, pct_of_bound; /* per core of the ISA that ran; NaN: none */
} row_numbers;

static row_numbers numbers(const bench_report_case *rc,
                           const bench_result *r, const bench_bounds *bounds)
{
    double scalar = report_scalar_median(rc);
    double gcups = rc->cells / r->median * 1e-9;
    double bound = bench_bound_of(bounds, r->served);
    return (row_numbers){
        .ms = r->median * 1e3,
        .range_pct = (r->max - r->min) / r->median * 100,
        .gcups = gcups,
        .vs_scalar = scalar / r->median,
        .vs_js = rc->js_seconds / r->median,
        .bound = bound > 0 ? bound : NAN,
        .pct_of_bound = bench_bound_pct(bounds, r->served, r->target->threads,
                                        gcups),
    };
}

static const char *threads_text(const bench_target *t, char *buf, size_t cap)
{
    if (t->backend == HDTW_BACKEND_OPENCL)
        return "-";
    snprintf(buf, cap, "%d", t->threads ? t->threads : bench_cores());
    return buf;
}

/* "12.3" or "-" for a value that was not measured */
static const char *num(double v, const char *fmt, char *buf, size_t cap)
{
    if (!isfinite(v))
        return "-";
    snprintf(buf, cap, fmt, v);
    return buf;
}

void report_table(FILE *to, const bench_report_case *cases, int ncases,
                  const bench_bounds *bounds)
{
    fprintf(to, "%-25s %-10s %3s %11s %7s %8s %7s %8s %8s  %-9s %s\n",
            "case", "backend", "thr", "median ms", "range", "GCUPS",
            "% bound", "x scalar", "x JS", "identical", "served by");
    for (int k = 0; k < ncases; k++) {
        const bench_report_case *rc = &cases[k];
        for (int t = 0; t < rc->ntargets; t++) {
            const bench_result *r = &rc->results[t];
            char b[7][32];
            if (r->status != HDTW_OK) {
                fprintf(to, "%-25s %-10s %3s  failed: %s\n", rc->c.name,
                        r->target->label, threads_text(r->target, b[0], 32),
                        hdtw_strerror(r->status));
                continue;
            }
            row_numbers n = numbers(rc, r, bounds);
            fprintf(to, "%-25s %-10s %3s %11s %6s%% %8s %6s%% %8s %8s  %-9s "
                        "%s\n",
                    rc->c.name, r->target->label,
                    threads_text(r->target, b[0], 32),
                    num(n.ms, "%.4g", b[1], 32),
                    num(n.range_pct, "%.0f", b[2], 32),
                    num(n.gcups, "%.3g", b[3], 32),
                    num(n.pct_of_bound, "%.1f", b[6], 32),
                    num(n.vs_scalar, "%.2f", b[4], 32),
                    num(n.vs_js, "%.1f", b[5], 32),
                    r->identical ? "yes" : "NO", hdtw_backend_name(r->served));
        }
        char vs_scalar[32];
        if (rc->js_identical >= 0)
            fprintf(to, "%-25s %-10s %3s %11.4g %7s %8.3g %7s %8s %8.1f  "
                        "%-9s\n",
                    rc->c.name, "javascript", "1", rc->js_seconds * 1e3, "",
                    rc->cells / rc->js_seconds * 1e-9, "-",
                    num(report_scalar_median(rc) / rc->js_seconds, "%.2f",
                        vs_scalar, sizeof vs_scalar),
                    1.0, rc->js_identical ? "yes" : "NO");
    }
}

void report_csv(FILE *to, const bench_report_case *cases, int ncases,
                const bench_bounds *bounds)
{
    fprintf(to, "case,m,n,count,cells,backend,threads,median_s,min_s,max_s,"
                "gcups,speedup_vs_scalar,speedup_vs_js,identical,served_by,"
                "bound_gcups_per_core,pct_of_bound\n");
    for (int k = 0; k < ncases; k++) {
        const bench_report_case *rc = &cases[k];
        for (int t = 0; t < rc->ntargets; t++) {
            const bench_result *r = &rc->results[t];
            if (r->status != HDTW_OK)
                continue;
            row_numbers n = numbers(rc, r, bounds);
            char thr[16];
            fprintf(to, "%s,%zu,%zu,%zu,%.0f,%s,%s,%.9g,%.9g,%.9g,%.6g,%.6g,"
                        "%.6g,%s,%s,%.6g,%.6g\n",
                    rc->c.name, rc->c.m, rc->c.n, rc->c.count, rc->cells,
                    r->target->label, threads_text(r->target, thr, sizeof thr),
                    r->median, r->min, r->max, n.gcups, n.vs_scalar, n.vs_js,
                    r->identical ? "yes" : "no", hdtw_backend_name(r->served),
                    n.bound, n.pct_of_bound);
        }
    }
}

void report_cpu_model(char *buf, size_t cap)
{
    snprintf(buf, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            colon += 1 + strspn(colon + 1, " \t");
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, cap, "%s", colon);
            break;
        }
    }
    fclose(f);
}

void report_json_string(FILE *to, const char *s)
{
    fputc('"', to);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(to, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(to, "\\u%04x", ch);
        else
            fputc(ch, to);
    }
    fputc('"', to);
}

/* a JSON number, or null for NaN/inf */
static void json_number(FILE *to, double v)
{
    if (isfinite(v))
        fprintf(to, "%.9g", v);
    else
        fputs("null", to);
}

static void json_result(FILE *to, const bench_report_case *rc,
                        const bench_result *r, const bench_bounds *bounds)
{
    row_numbers n = numbers(rc, r, bounds);
    fprintf(to, "    {\"backend\": ");
    report_json_string(to, r->target->label);
    fprintf(to, ", \"threads\": %d, \"status\": ",
            r->target->backend == HDTW_BACKEND_OPENCL ? 0
            : r->target->threads ? r->target->threads : bench_cores());
    report_json_string(to, hdtw_strerror(r->status));
    fprintf(to, ", \"served_by\": \"%s\", \"identical\": %s,\n     ",
            hdtw_backend_name(r->served), r->identical ? "true" : "false");
    fprintf(to, "\"threads_used\": %d, ",
            bench_threads_used(r->served, r->target->threads));
    const char *keys[] = { "median_s", "min_s", "max_s", "gcups",
                           "speedup_vs_scalar", "speedup_vs_js",
                           "bound_gcups_per_core", "pct_of_bound" };
    double values[] = { r->median, r->min, r->max, n.gcups, n.vs_scalar,
                        n.vs_js, n.bound, n.pct_of_bound };
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        fprintf(to, "\"%s\": ", keys[k]);
        json_number(to, values[k]);
        fputs(", ", to);
    }
    fputs("\"samples_s\": [", to);
    for (int s = 0; s < r->repeats; s++) {
        fputs(s ? ", " : "", to);
        json_number(to, r->samples[s]);
    }
    fputs("]}", to);
}

/* "opmix_gcups_per_core": {...}, "bound_source": "..." */
static void json_bounds(FILE *to, const bench_bounds *bounds)
{
    const char *sep = "";
    fputs(" \"opmix_gcups_per_core\": {", to);
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++) {
        if (!(bounds->per_core[b] > 0))
            continue;
        fprintf(to, "%s\"%s\": %.6g", sep, hdtw_backend_name((hdtw_backend)b),
                bounds->per_core[b]);
        sep = ", ";
    }
    fputs("}, \"bound_source\": ", to);
    report_json_string(to, bounds->source);
    fputs(",\n", to);
}

int report_json(const char *path, const bench_report_case *cases, int ncases,
                int repeats, const char *js_runtime,
                const bench_bounds *bounds)
{
    FILE *to = fopen(path, "w");
    if (!to) {
        perror(path);
        return -1;
    }
    char cpu[256], when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    report_cpu_model(cpu, sizeof cpu);
    fprintf(to, "{\"tool\": \"dtwbench\", \"hdtw_version\": \"%d.%d.%d\", "
                "\"when\": \"%s\",\n \"machine\": {\"cpu\": ",
            HDTW_VERSION_MAJOR, HDTW_VERSION_MINOR, HDTW_VERSION_PATCH, when);
    report_json_string(to, cpu);
    fprintf(to, ", \"cores\": %d},\n \"repeats\": %d, \"javascript\": ",
            bench_cores(), repeats);
    if (js_runtime)
        report_json_string(to, js_runtime);
    else
        fputs("null", to);
    fputs(",\n", to);
    json_bounds(to, bounds);
    fputs(" \"cases\": [\n", to);
    for (int k = 0; k < ncases; k++) {
        const bench_report_case *rc = &cases[k];
        fprintf(to, "  {\"case\": ");
        report_json_string(to, rc->c.name);
        fprintf(to, ", \"m\": %zu, \"n\": %zu, \"count\": %zu, \"stride\": "
                    "%zu, \"cost\": \"%s\", \"band\": %ld, \"cells\": %.0f, "
                    "\"js_seconds\": ",
                rc->c.m, rc->c.n, rc->c.count, rc->c.stride,
                rc->c.params.cost == HDTW_COST_SQUARED ? "squared" : "abs",
                rc->c.params.band, rc->cells);
        json_number(to, rc->js_seconds);
        fprintf(to, ", \"js_identical\": %s, \"results\": [\n",
                rc->js_identical < 0 ? "null"
                : rc->js_identical   ? "true"
                                     : "false");
        for (int t = 0; t < rc->ntargets; t++) {
            json_result(to, rc, &rc->results[t], bounds);
            fputs(t + 1 < rc->ntargets ? ",\n" : "\n", to);
        }
        fprintf(to, "  ]}%s\n", k + 1 < ncases ? "," : "");
    }
    fputs(" ]\n}\n", to);
    if (fclose(to) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* ----------------------------------------------------------------- plot */

static int has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int report_plot_check(const char *path, char *err, size_t err_len)
{
    char shown[72];
    if (!has_suffix(path, ".svg") && !has_suffix(path, ".png"))
        snprintf(err, err_len, "--plot %s: the name must end in .png or "
                 ".svg", tool_excerpt(path, shown, sizeof shown));
    else if (strpbrk(path, "'\r\n")) /* it goes into gnuplot's script */
        snprintf(err, err_len, "--plot: the file name cannot hold a quote or "
                 "a line break");
    else if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        snprintf(err, err_len, "--plot needs gnuplot, which is not installed "
                 "(apt-get install gnuplot-nox)");
    else
        return 0;
    return -1;
}

int report_plot(const char *path, const bench_report_case *cases, int ncases)
{
    char err[160];
    if (report_plot_check(path, err, sizeof err) != 0) {
        fprintf(stderr, "dtwbench: %s\n", err);
        return -1;
    }
    const char *terminal = has_suffix(path, ".svg") ? "svg size 900,600"
                                                    : "png size 900,600";
    FILE *gp = popen("gnuplot", "w");
    if (!gp) {
        perror("gnuplot");
        return -1;
    }
    fprintf(gp, "set terminal %s\nset output '%s'\n", terminal, path);
    fputs("set title 'hdtw: one pair of n bars, GCUPS per backend'\n"
          "set xlabel 'length n (bars)'\nset ylabel 'GCUPS (10^9 cells/s)'\n"
          "set logscale xy\nset key left top\nset grid\n", gp);
    int ntargets = ncases > 0 ? cases[0].ntargets : 0;
    fputs("plot ", gp);
    for (int t = 0; t < ntargets; t++) {
        char thr[16];
        fprintf(gp, "%s'-' with linespoints title '%s x%s'", t ? ", " : "",
                cases[0].results[t].target->label,
                threads_text(cases[0].results[t].target, thr, sizeof thr));
    }
    fputc('\n', gp);
    for (int t = 0; t < ntargets; t++) {
        for (int k = 0; k < ncases; k++) {
            const bench_result *r = &cases[k].results[t];
            if (strncmp(cases[k].c.name, "pair", 4) == 0 &&
                r->status == HDTW_OK)
                fprintf(gp, "%zu %g\n", cases[k].c.length,
                        cases[k].cells / r->median * 1e-9);
        }
        fputs("e\n", gp);
    }
    if (pclose(gp) != 0) {
        fprintf(stderr, "dtwbench: gnuplot failed to draw %s\n", path);
        return -1;
    }
    return 0;
}
