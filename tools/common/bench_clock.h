/* SPDX-License-Identifier: MIT */
/* bench_clock.h — what the benchmark programs share to time calls: a
 * monotonic clock in seconds and the comparison that sorts samples for
 * their medians. */
#ifndef HDTW_TOOLS_BENCH_CLOCK_H
#define HDTW_TOOLS_BENCH_CLOCK_H

#include <time.h>

static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* qsort comparison of doubles, ascending */
static inline int bench_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

#endif
