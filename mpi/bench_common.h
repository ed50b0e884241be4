/*
 * bench_common.h — what the MPI benchmarks (bench_search.c,
 * bench_matrix.c) share: reductions of one time over the ranks, the
 * process's CPU clock, and a median.
 */
#ifndef HDTW_MPI_BENCH_COMMON_H
#define HDTW_MPI_BENCH_COMMON_H

#include <mpi.h>

#include <time.h>

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
