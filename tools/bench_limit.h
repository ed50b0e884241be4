/* SPDX-License-Identifier: MIT */
/* bench_limit.h — the op-mix bound per instruction set: dtwbench --limit,
 * and the yardstick every other dtwbench table and JSON states its GCUPS
 * against (as a percentage of the bound per core). */
#ifndef HDTW_TOOLS_BENCH_LIMIT_H
#define HDTW_TOOLS_BENCH_LIMIT_H

#include "hdtw.h"

/* GCUPS per core of each CPU instruction set, indexed by hdtw_backend
 * (scalar, avx2, avx512; 0 where absent), and where the numbers came from
 * ("measured", or the file they were read from). */
typedef struct {
    double per_core[HDTW_BACKEND_COUNT];
    char source[256];
} bench_bounds;

/* Measures hdtw_opmix_bound for scalar, avx2 and avx512 (those present),
 * about a second in all, prints a table and, when json_path is given,
 * writes {"machine": ..., "opmix_gcups_per_core": {...}} there. Exit
 * status. */
int bench_limit(const char *json_path);

/* The bounds for one dtwbench run: read from limit_json (a file `dtwbench
 * --limit --json` wrote) when given, else from the one `dtwbench
 * --calibrate` saved beside the profile when it names this machine's CPU,
 * else measured (about a second). 0, or -1 with a message on stderr. */
int bench_bounds_get(const char *limit_json, bench_bounds *b);

/* Where --calibrate saves the bounds: the profile's path + ".limit.json"
 * (profile NULL: the library's default path). 0, or -1 when there is none. */
int bench_bounds_path(const char *profile, char *buf, size_t cap);

/* Measures the bounds and writes them as --limit JSON to path; 0 or -1. */
int bench_bounds_save(const char *path);

/* The bound per core of the instruction set `served` ran, or 0 (OpenCL,
 * not measured). */
double bench_bound_of(const bench_bounds *b, hdtw_backend served);

/* The threads a call on a target of `threads` (0: all cores) used when
 * `served` ran it: scalar is single-threaded, the others use them all. */
int bench_threads_used(hdtw_backend served, int threads);

/* 100 * gcups / threads / bound: the share of the per-core bound a call
 * reached (threads as bench_threads_used); NaN when there is no bound. */
double bench_bound_pct(const bench_bounds *b, hdtw_backend served,
                       int threads, double gcups);

#endif
