/* SPDX-License-Identifier: MIT */
/* bench_limit.h — dtwbench --limit: the op-mix bound per instruction set. */
#ifndef HDTW_TOOLS_BENCH_LIMIT_H
#define HDTW_TOOLS_BENCH_LIMIT_H

/* Measures hdtw_opmix_bound for scalar, avx2 and avx512 (those present),
 * about a second in all, prints a table and, when json_path is given,
 * writes {"machine": ..., "opmix_gcups_per_core": {...}} there. Exit
 * status. */
int bench_limit(const char *json_path);

#endif
