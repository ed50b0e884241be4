/* SPDX-License-Identifier: MIT */
/* timing.h — the clock and the median every tool and benchmark program
 * uses (tools/common). */
#ifndef HDTW_TOOLS_TIMING_H
#define HDTW_TOOLS_TIMING_H

/* Seconds on the monotonic clock (an arbitrary origin). */
double timing_now(void);

/* Seconds of CPU time the calling thread has used, which time the thread
 * spends preempted does not count: for in-process comparisons on a
 * machine shared with other work. */
double timing_thread_cpu(void);

/* The median of values[0..n) (n > 0; the mean of the middle two when n
 * is even). Sorts values. */
double timing_median(double *values, int n);

#endif
