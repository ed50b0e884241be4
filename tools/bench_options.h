/* SPDX-License-Identifier: MIT */
/* bench_options.h — dtwbench's command line, parsed without printing or
 * exiting so that tests/fuzz/fuzz_options.c can drive it. */
#ifndef HDTW_TOOLS_BENCH_OPTIONS_H
#define HDTW_TOOLS_BENCH_OPTIONS_H

#include "bench.h"

#include <stdio.h>

/* Most pair lengths in --pairs (dtwbench keeps room for the other cases). */
#define BENCH_MAX_PAIRS 32
/* the most thread counts a --threads list holds */
#define BENCH_MAX_THREAD_COUNTS 8

typedef enum { MODE_RUN, MODE_LIST, MODE_CALIBRATE, MODE_SWEEP,
               MODE_LIMIT } run_mode;

typedef struct {
    run_mode mode;
    const char *pairs, *batch, *data, *column, *backends, *devices;
    const char *json, *plot, *profile;
    const char *limit_json; /* op-mix bounds from this file (--limit-json) */
    int check;              /* --sweep --check: exit 1 when AUTO is off */
    int csv, js; /* js: 1 on, 0 off, -1 when node and the script are found */
    int help;    /* -h given: print usage, nothing else */
    size_t pattern_len, stride;
    int threads[BENCH_MAX_THREAD_COUNTS], nthreads;
    hdtw_params params;
    bench_settings settings;
    double sweep_max;
} options;

/* Parses argv (getopt_long; resets its state first); cores is the default
 * second thread count. Returns 0, or -1 with a one-line message in err. */
int bench_parse_options(int argc, char **argv, int cores, options *o,
                        char *err, size_t err_len);

void bench_usage(FILE *to);

/* A comma-separated list of whole thread counts in 0..4096 (0 = all
 * cores) into threads[0..*count), at most cap of them; nonzero when the
 * list is refused. dtwbench's --threads, and --matrix's. */
int bench_parse_threads(const char *text, int *threads, int cap, int *count);

#endif
