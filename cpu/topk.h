/* SPDX-License-Identifier: MIT */
/*
 * topk.h — the ranking of hdtw_search (best by (distance, start), then an
 * exclusion zone) and the pruning threshold it allows (cpu/topk.c).
 */
#ifndef HDTW_CPU_TOPK_H
#define HDTW_CPU_TOPK_H

#include "hdtw.h"

#include <stddef.h>

/* (distance, start) order: the ranking of the definition. */
static inline int hdtw_match_before(hdtw_match a, hdtw_match b)
{
    return a.distance < b.distance ||
           (a.distance == b.distance && a.start < b.start);
}

/* Walks sorted[0 .. len-1] (in hdtw_match_before order) keeping an entry
 * unless its start is closer than `exclusion` to one kept before; stops
 * after `want` kept. Writes their indices to kept and returns how many. */
size_t hdtw_topk_greedy(const hdtw_match *sorted, size_t len,
                        size_t exclusion, size_t want, size_t *kept);

/* How many windows, pairwise at least `exclusion` apart, prove that the
 * k-th result is no worse than the worst of them (see topk.c for the
 * proof); 0 when no such set can exist among `count` windows. */
size_t hdtw_topk_witnesses(size_t k, size_t count, size_t exclusion);

/* The windows one thread has computed in full that may still matter
 * (list[0 .. sorted-1] in order, then those offered since), and the
 * threshold they prove. */
typedef struct {
    hdtw_match *list;
    size_t len, cap, sorted;
    size_t want;      /* hdtw_topk_witnesses(...) */
    size_t exclusion;
    size_t *kept;     /* want indices, scratch of the greedy walk */
    int bounded;      /* a witness set exists: bound and threshold valid */
    hdtw_match bound; /* the worst witness: the k-th result is not after it */
    double threshold; /* bound.distance, +inf while unbounded */
} hdtw_topk;

/* HDTW_E_NOMEM or HDTW_OK; hdtw_topk_free releases (safe after failure). */
hdtw_status hdtw_topk_init(hdtw_topk *t, size_t want, size_t exclusion);
void hdtw_topk_free(hdtw_topk *t);

/* Records a computed window; drops it (and anything later in the order)
 * once a witness set shows it cannot be in the result. HDTW_E_NOMEM when
 * the list cannot grow. */
hdtw_status hdtw_topk_offer(hdtw_topk *t, hdtw_match candidate);

/* Sorts all[0 .. len-1] and writes the first k kept by the exclusion walk
 * to out; returns how many (<= k). kept: scratch of min(k, len) entries. */
size_t hdtw_topk_finish(hdtw_match *all, size_t len, size_t exclusion,
                        size_t k, size_t *kept, hdtw_match *out);

#endif
