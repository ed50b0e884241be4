/* SPDX-License-Identifier: MIT */
/*
 * bench_common.h — what the MPI benchmarks (bench_search.c,
 * bench_matrix.c) share: reductions of one time over the ranks, the
 * process's CPU clock, and a median.
 */
#ifndef HDTW_MPI_BENCH_COMMON_H
#define HDTW_MPI_BENCH_COMMON_H

#include <mpi.h>

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* MPI_Init, then this process's rank and the job's rank count */
static inline void bench_start(int *argc, char ***argv, int *rank, int *ranks)
{
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, ranks);
}

/* argv[i] as a number, or fallback when there are fewer arguments */
static inline size_t size_arg(int argc, char **argv, int i, size_t fallback)
{
    return argc > i ? (size_t)strtoull(argv[i], NULL, 10) : fallback;
}

static inline double reduce(double t, MPI_Op op)
{
    double r = 0.0;
    MPI_Allreduce(&t, &r, 1, MPI_DOUBLE, op, MPI_COMM_WORLD);
    return r;
}

/* CPU time of this process: what a computation costs, apart from the
 * other programs that share the machine's cores */
static inline double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* the middle of v[0..n-1], sorted in place (n is small) */
static inline double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

#endif
