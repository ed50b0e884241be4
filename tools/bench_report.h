/* SPDX-License-Identifier: MIT */
/*
 * bench_report.h — dtwbench's outputs: the comparison table, CSV, JSON and
 * the gnuplot chart, from the measured cases.
 */
#ifndef HDTW_TOOLS_BENCH_REPORT_H
#define HDTW_TOOLS_BENCH_REPORT_H

#include "bench.h"
#include "bench_limit.h"

#include <stdio.h>

/* A case and its results on every target, plus the JavaScript baseline's
 * time for the same inputs when it ran (NaN otherwise). */
typedef struct {
    bench_case c;
    double cells;
    double js_seconds;
    int js_identical; /* -1: no JS result */
    int ntargets;
    bench_result results[BENCH_MAX_TARGETS];
} bench_report_case;

/* The scalar target's median of rc, or NaN when scalar did not run. */
double report_scalar_median(const bench_report_case *rc);

/* 1 when every result is identical to scalar (and the JS result, if any). */
int report_all_identical(const bench_report_case *cases, int ncases);

/* The table and CSV: every result's GCUPS also as a percentage of the
 * op-mix bound per core of the instruction set that ran it (bounds), the
 * GCUPS divided by the threads it used. */
void report_table(FILE *to, const bench_report_case *cases, int ncases,
                  const bench_bounds *bounds);
void report_csv(FILE *to, const bench_report_case *cases, int ncases,
                const bench_bounds *bounds);

/* Writes the JSON document to path (the bounds and each result's
 * threads_used, bound_gcups_per_core and pct_of_bound included); 0, or -1
 * with a message on stderr. */
int report_json(const char *path, const bench_report_case *cases, int ncases,
                int repeats, const char *js_runtime,
                const bench_bounds *bounds);

/* GCUPS against length for every target over the cases whose name starts
 * with "pair", drawn by gnuplot into path (.png or .svg). 0, or -1 with a
 * message (gnuplot missing included). */
int report_plot(const char *path, const bench_report_case *cases, int ncases);

/* 0 when report_plot can draw into path (a .png or .svg name without a
 * quote or line break, gnuplot installed), else -1 and a message in err:
 * dtwbench asks before the run, not after it. */
int report_plot_check(const char *path, char *err, size_t err_len);

/* "AMD EPYC ..." from /proc/cpuinfo, or "unknown CPU". */
void report_cpu_model(char *buf, size_t cap);

/* Writes s as a JSON string literal. */
void report_json_string(FILE *to, const char *s);

#endif
