/* SPDX-License-Identifier: MIT */
/* bench_sweep.h — dtwbench --calibrate (the router's profile) and --sweep
 * (AUTO against every backend over sizes). */
#ifndef HDTW_TOOLS_BENCH_SWEEP_H
#define HDTW_TOOLS_BENCH_SWEEP_H

#include "bench.h"
#include "bench_options.h"

/* Measures every backend (CPU at 1 and all threads, each OpenCL device in
 * `devices`, NULL = all) over sizes, fits overhead + cells/throughput (+
 * bytes/bandwidth for devices) and writes the profile to `path` (NULL: the
 * library's default path). Exit status. */
int bench_calibrate(const char *path, const char *devices,
                    const bench_settings *s);

/* Pairs and batches from 10^2 cells to o->sweep_max by decades, on every
 * backend and AUTO at each thread count; prints the table (times, and each
 * target's GCUPS per thread as a share of the op-mix bound) and whether
 * AUTO was within 10% of the fastest; JSON to o->json when given. Exit
 * status: 1 when a result differs from scalar, or under o->check when AUTO
 * was more than 10% slower than the fastest at a size (a row that fails is
 * measured once more first); --check with one CPU backend is skipped with
 * a message (exit 0). */
int bench_sweep(const options *o);

#endif
