/* SPDX-License-Identifier: MIT */
/*
 * candidates.c — best-window lists: their size, their merge, and the
 * exclusion walk that turns the global list into hdtw_search's result.
 */
#include "mpi/candidates.h"

#include <stdint.h>

size_t hdtw_mpi_candidate_count(size_t k, size_t exclusion, size_t windows)
{
    size_t count = k;
    if (exclusion > 1) {
        /* every kept window but the k-th suppresses at most the 2 (e - 1)
           other starts within e of its own */
        size_t per_kept = exclusion - 1;
        if (per_kept > SIZE_MAX / 2 || (k - 1) > SIZE_MAX / (2 * per_kept) ||
            k > SIZE_MAX - (k - 1) * 2 * per_kept)
            count = SIZE_MAX;
        else
            count = k + (k - 1) * 2 * per_kept;
    }
    return count < windows ? count : windows;
}

/* the order of hdtw_search: (distance, start) ascending */
static int before(hdtw_mpi_candidate a, hdtw_mpi_candidate b)
{
    return a.distance < b.distance ||
           (a.distance == b.distance && a.start < b.start);
}

void hdtw_mpi_keep_best(const hdtw_mpi_candidate *other,
                        hdtw_mpi_candidate *keep, size_t p)
{
    /* how many of each list the p first hold, then a merge from the back,
       which never overwrites an entry of keep that it has still to read */
    size_t i = 0, j = 0;
    while (i + j < p) {
        if (before(other[i], keep[j]))
            i++;
        else
            j++;
    }
    size_t w = p;
    while (i > 0) {
        if (j > 0 && before(other[i - 1], keep[j - 1]))
            keep[--w] = keep[--j];
        else
            keep[--w] = other[--i];
    }
}

void hdtw_mpi_pad(hdtw_mpi_candidate *list, size_t from, size_t p)
{
    for (size_t i = from; i < p; i++)
        list[i] = HDTW_MPI_PAD;
}

void hdtw_mpi_from_matches(const hdtw_match *matches, size_t n, size_t origin,
                           hdtw_mpi_candidate *list)
{
    for (size_t i = 0; i < n; i++)
        list[i] = (hdtw_mpi_candidate){ matches[i].distance,
                                        (uint64_t)(origin + matches[i].start) };
}

/* index of the first of kept[0..n-1] (ascending) that is >= start */
static size_t lower_bound(const uint64_t *kept, size_t n, uint64_t start)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (kept[mid] < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t hdtw_mpi_walk(const hdtw_mpi_candidate *list, size_t p,
                     size_t exclusion, size_t k, uint64_t *kept_starts,
                     hdtw_match *out)
{
    size_t n = 0;
    for (size_t i = 0; i < p && n < k && list[i].start != UINT64_MAX; i++) {
        uint64_t s = list[i].start;
        /* kept_starts stays sorted, so only the neighbours on either side
           of s can be closer than the exclusion */
        size_t at = lower_bound(kept_starts, n, s);
        if (at < n && kept_starts[at] - s < exclusion)
            continue;
        if (at > 0 && s - kept_starts[at - 1] < exclusion)
            continue;
        for (size_t j = n; j > at; j--)
            kept_starts[j] = kept_starts[j - 1];
        kept_starts[at] = s;
        out[n++] = (hdtw_match){ (size_t)s, list[i].distance };
    }
    return n;
}
