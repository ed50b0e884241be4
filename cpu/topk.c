/* SPDX-License-Identifier: MIT */
/*
 * topk.c — which computed windows can still be in the result.
 *
 * The result is the exclusion walk over all windows in (distance, start)
 * order, stopped at the k-th kept window, K. It depends only on the windows
 * up to K in that order: a window after K is never looked at. So a search
 * may skip any window it can prove comes after K, and it must compute every
 * window up to K. "After the k-th best distance seen so far" is not such a
 * proof: a better window found later may suppress two of those seen.
 *
 * The proof used instead. Let W be `want` computed windows whose starts are
 * pairwise at least `exclusion` apart, and B the last of them in the order.
 * Walk the full order up to and including B: every member of W is either
 * kept or suppressed by a window kept before it (so also before B). A kept
 * window at start t accounts for the members with start in (t - e, t + e),
 * e = exclusion: members are >= e apart, so at most two fit in that open
 * interval of length 2e, and at most one when e <= 1 (starts are integers).
 * With c that per-window capacity, j windows kept up to B cover all |W|
 * members only if c j >= |W|; with |W| = c (k - 1) + 1 that forces j >= k.
 * So K is not after B: every window after B in the order, in particular
 * every window with distance > B.distance, may be skipped.
 *
 * When fewer than k windows can be kept at all (ceil(count / e) of them),
 * the result is the same with k lowered to that number, which keeps the
 * witness count reachable.
 */
#include "cpu/topk.h"

#include "core/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int too_close(size_t a, size_t b, size_t exclusion)
{
    return (a > b ? a - b : b - a) < exclusion;
}

size_t hdtw_topk_greedy(const hdtw_match *sorted, size_t len,
                        size_t exclusion, size_t want, size_t *kept)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < want; i++) {
        int clash = 0;
        for (size_t j = 0; j < n && !clash; j++)
            clash = too_close(sorted[i].start, sorted[kept[j]].start,
                              exclusion);
        if (!clash)
            kept[n++] = i;
    }
    return n;
}

size_t hdtw_topk_witnesses(size_t k, size_t count, size_t exclusion)
{
    if (exclusion <= 1)
        return k < count ? k : count;
    size_t most = (count - 1) / exclusion + 1; /* starts 0, e, 2e, ... */
    size_t reach = k < most ? k : most;
    size_t want = 2 * reach - 1;
    return want <= most ? want : 0;
}

hdtw_status hdtw_topk_init(hdtw_topk *t, size_t want, size_t exclusion)
{
    *t = (hdtw_topk){ .want = want, .exclusion = exclusion,
                      .threshold = INFINITY, .cap = 64 };
    t->list = hdtw_malloc(t->cap * sizeof *t->list);
    t->kept = hdtw_malloc((want ? want : 1) * sizeof *t->kept);
    return t->list && t->kept ? HDTW_OK : HDTW_E_NOMEM;
}

void hdtw_topk_free(hdtw_topk *t)
{
    hdtw_free(t->list);
    hdtw_free(t->kept);
    t->list = NULL;
    t->kept = NULL;
}

static hdtw_status grow(hdtw_topk *t)
{
    hdtw_match *bigger = hdtw_malloc(2 * t->cap * sizeof *bigger);
    if (!bigger)
        return HDTW_E_NOMEM;
    memcpy(bigger, t->list, t->len * sizeof *bigger);
    hdtw_free(t->list);
    t->list = bigger;
    t->cap *= 2;
    return HDTW_OK;
}

static int by_rank(const void *x, const void *y)
{
    hdtw_match a = *(const hdtw_match *)x, b = *(const hdtw_match *)y;
    return hdtw_match_before(a, b) ? -1 : hdtw_match_before(b, a);
}

/* Sorts the list, finds a witness set by the exclusion walk and, when there
 * is one, drops everything after its last member. (Starts are unique, so
 * qsort's instability cannot reorder anything.) */
static void tighten(hdtw_topk *t)
{
    qsort(t->list, t->len, sizeof *t->list, by_rank);
    t->sorted = t->len;
    if (hdtw_topk_greedy(t->list, t->len, t->exclusion, t->want, t->kept) <
        t->want)
        return;
    size_t last = t->kept[t->want - 1];
    t->bounded = 1;
    t->bound = t->list[last];
    t->threshold = t->bound.distance;
    t->len = t->sorted = last + 1;
}

/* Entries are appended and the walk rerun only when the unsorted tail has
 * grown by an eighth (always while the list is short, where a quick bound
 * pays most): amortised O(log len + want) per offer instead of O(len).
 * A bound found earlier stays valid meanwhile, only less tight. */
hdtw_status hdtw_topk_offer(hdtw_topk *t, hdtw_match c)
{
    if (t->bounded && hdtw_match_before(t->bound, c))
        return HDTW_OK;
    if (t->len == t->cap && grow(t) != HDTW_OK)
        return HDTW_E_NOMEM;
    t->list[t->len++] = c;
    size_t pending = t->len - t->sorted;
    if (t->want > 0 && (t->len <= 64 || pending >= t->sorted / 8))
        tighten(t);
    return HDTW_OK;
}

size_t hdtw_topk_finish(hdtw_match *all, size_t len, size_t exclusion,
                        size_t k, size_t *kept, hdtw_match *out)
{
    qsort(all, len, sizeof *all, by_rank);
    size_t n = hdtw_topk_greedy(all, len, exclusion, k, kept);
    for (size_t i = 0; i < n; i++)
        out[i] = all[kept[i]];
    return n;
}
