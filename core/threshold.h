/* SPDX-License-Identifier: MIT */
/*
 * threshold.h — hdtw_params.max_dist, applied in one place for every call
 * that honours it. Kernels compute (or abandon) as they like; the core then
 * maps every result above the threshold to +inf, so the answer depends only
 * on the exact distance and every backend returns the same bits.
 */
#ifndef HDTW_CORE_THRESHOLD_H
#define HDTW_CORE_THRESHOLD_H

#include <math.h>
#include <stddef.h>

/* hdtw_params.max_dist is 0 (none), > 0, or +inf; not < 0, not NaN. */
static inline int hdtw_max_dist_valid(double max_dist)
{
    return max_dist >= 0.0;
}

/* Whether a distance survives the threshold (max_dist 0: no threshold). */
static inline int hdtw_within_max_dist(double distance, double max_dist)
{
    return max_dist == 0.0 || !(distance > max_dist);
}

/* out[k] > max_dist becomes +inf, k = 0..count-1 (max_dist 0: nothing). */
static inline void hdtw_apply_max_dist(double *out, size_t count,
                                       double max_dist)
{
    if (max_dist == 0.0)
        return;
    for (size_t k = 0; k < count; k++)
        if (out[k] > max_dist)
            out[k] = INFINITY;
}

#endif
