/* SPDX-License-Identifier: MIT */
/* timing.c — see timing.h. */
#include "timing.h"

#include <stdlib.h>
#include <time.h>

static double seconds_on(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double timing_now(void)
{
    return seconds_on(CLOCK_MONOTONIC);
}

double timing_thread_cpu(void)
{
    return seconds_on(CLOCK_THREAD_CPUTIME_ID);
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double timing_median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof *values, by_value);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
