/* SPDX-License-Identifier: MIT */
/* znorm.h — per-window mean and deviation, the one source of z-normalised
 * values (cpu/znorm.c). hdtw_znorm and hdtw_search both consume it. */
#ifndef HDTW_CPU_ZNORM_H
#define HDTW_CPU_ZNORM_H

#include <stddef.h>

/* For each window w = 0 .. count-1 of x (window w is x[w .. w+m-1]):
 *     mean[w] = (((0 + x[w]) + x[w+1]) + ... + x[w+m-1]) / m
 *     sd[w]   = sqrt((sum over i in index order of d_i * d_i) / m),
 *               d_i = x[w+i] - mean[w]
 * except that a window whose values all compare equal gets sd[w] = 0 (and
 * mean[w] = 0). sd[w] = 0 means "normalises to all zeros". Non-finite
 * mean/sd mean the sums overflowed; the caller rejects them. Every window
 * gets the same operations in the same order whatever count is, so the
 * values are the same bits as a count = 1 call on that window. */
void hdtw_window_stats(const double *x, size_t m, size_t count, double *mean,
                       double *sd);

/* hdtw_window_stats sums this many adjacent windows at once (vectorised);
 * a call for fewer windows falls back to one window at a time. */
#define HDTW_STATS_BLOCK 24

/* The normalised value of one point, (x - mean) / sd, as hdtw_znorm writes
 * it; 0 when sd is 0. Subtraction and division are each monotone under
 * round-to-nearest, so normalising an envelope bound gives the bound of the
 * normalised values. */
static inline double hdtw_normalise(double x, double mean, double sd)
{
    return sd == 0.0 ? 0.0 : (x - mean) / sd;
}

#endif
