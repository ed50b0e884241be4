/* SPDX-License-Identifier: MIT */
/*
 * bench_matrix.h — dtwbench --matrix CxN: hdtw_pdist of C random walks of N
 * values on every backend, checked against scalar by memcmp, in GCUPS and
 * as a share of the per-core op-mix bound (dtwbench --limit's JSON).
 */
#ifndef HDTW_TOOLS_BENCH_MATRIX_H
#define HDTW_TOOLS_BENCH_MATRIX_H

/* 1 when argv asks for the matrix case (holds --matrix). */
int bench_matrix_wanted(int argc, char **argv);

/* The whole --matrix run with its own options (see its usage); returns the
 * exit status: 0 all identical, 1 a mismatch or failed call, 2 usage. */
int bench_matrix_main(int argc, char **argv);

#endif
