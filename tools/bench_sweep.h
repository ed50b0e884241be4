/* SPDX-License-Identifier: MIT */
/* bench_sweep.h — dtwbench --calibrate (the router's profile) and --sweep
 * (AUTO against every backend over sizes). */
#ifndef HDTW_TOOLS_BENCH_SWEEP_H
#define HDTW_TOOLS_BENCH_SWEEP_H

#include "bench.h"

/* Measures every backend (CPU at 1 and all threads, each OpenCL device in
 * `devices`, NULL = all) over sizes, fits overhead + cells/throughput (+
 * bytes/bandwidth for devices) and writes the profile to `path` (NULL: the
 * library's default path). Exit status. */
int bench_calibrate(const char *path, const char *devices,
                    const bench_settings *s);

/* Pairs and batches from 10^2 cells to max_cells by decades, on every
 * backend and AUTO at each thread count; prints the table and whether AUTO
 * was within 10% of the fastest; JSON to json_path when given. Exit status
 * (1 when a result differs from scalar). */
int bench_sweep(const char *backends, const int *threads, int nthreads,
                const char *devices, double max_cells, const char *json_path,
                const bench_settings *s);

#endif
