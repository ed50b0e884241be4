/* SPDX-License-Identifier: MIT */
/*
 * subsequence.c — hdtw_subsequence: arguments checked here (shapes first,
 * then values, as core/api.c does), the one pass of the backend the
 * router picks (hdtw_route_subsequence: the forced one, else the fastest
 * CPU backend; cpu/subsequence*.c) gives every end's cost and a finder of
 * their starts, then the greedy pick of hdtw.h: candidates taken in
 * (cost, end) order from a heap, each kept unless its span overlaps one
 * kept before it, a start found only for the candidates popped.
 *
 * Kept spans are disjoint, so sorted by start they are sorted by end too:
 * a candidate [s, e] overlaps one of them exactly when the last kept span
 * starting at or before e ends at or after s. A binary search finds it.
 */
#include "core/internal.h"

#include "core/alloc.h"
#include "core/threshold.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The longest series or query: its candidates (one span per value) must
 * fit in size_t bytes. */
#define MAX_SPANS (SIZE_MAX / sizeof(hdtw_span))

/* ... and a pass's working memory (a few entries a row, cpu/subsequence.h)
 * a size_t */
#define MAX_QUERY (MAX_SPANS / 3 - 24)

static hdtw_status check_arguments(const hdtw_ctx *ctx,
                                   const hdtw_params *params,
                                   const double *query, size_t m,
                                   const double *series, size_t len,
                                   size_t k, const hdtw_span *out,
                                   const size_t *found)
{
    if (!ctx || !query || !series || !out || !found || m == 0 || len == 0 ||
        k == 0 || m > MAX_QUERY || len > MAX_SPANS)
        return HDTW_E_ARG;
    if ((params->cost != HDTW_COST_ABS &&
         params->cost != HDTW_COST_SQUARED) ||
        params->band >= 0 || !hdtw_max_dist_valid(params->max_dist))
        return HDTW_E_ARG;
    if (!hdtw_values_finite(query, m))
        return HDTW_E_NONFINITE; /* the series: checked by the pass */
    return HDTW_OK;
}

/* A candidate: an end and its cost. */
typedef struct {
    double cost;
    size_t end;
} candidate;

/* Ranking of candidates: cost ascending, then end ascending. Costs are
 * never NaN (finite inputs; only +inf from overflow). */
static int ranks_before(candidate a, candidate b)
{
    return a.cost < b.cost || (a.cost == b.cost && a.end < b.end);
}

/* Min-heap of candidates in rank order: built in O(count), popped only as
 * far as the picks need (a pick rejects little more than its neighbours),
 * instead of sorting every end. */
static void sift_down(candidate *heap, size_t count, size_t at)
{
    for (;;) {
        size_t first = at, child = 2 * at + 1;
        if (child < count && ranks_before(heap[child], heap[first]))
            first = child;
        if (child + 1 < count && ranks_before(heap[child + 1], heap[first]))
            first = child + 1;
        if (first == at)
            return;
        candidate t = heap[at];
        heap[at] = heap[first];
        heap[first] = t;
        at = first;
    }
}

static void make_heap(candidate *heap, size_t count)
{
    for (size_t at = count / 2; at-- > 0;)
        sift_down(heap, count, at);
}

/* Removes and returns the best candidate of a non-empty heap. */
static candidate pop_best(candidate *heap, size_t *count)
{
    candidate best = heap[0];
    heap[0] = heap[--*count];
    sift_down(heap, *count, 0);
    return best;
}

/* Number of kept spans (sorted by start) whose start is <= end. */
static size_t count_starting_by(const hdtw_span *kept, size_t count,
                                size_t end)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (kept[mid].start <= end)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The picks so far (by_start, room for k, sorted by start; out, in pick
 * order, copied to the caller's only when the pick succeeds) and the
 * finder of the candidates' starts. */
typedef struct {
    size_t found;
    hdtw_span *by_start, *out;
    hdtw_subseq_finder *finder;
} picks;

/* Pops the candidates of heap[0..count) in rank order after the picks
 * made already, until there are k. A candidate whose end lies inside a
 * picked span overlaps it whatever its start, so only the others need
 * their start (HDTW_E_NOMEM when finding it fails). */
static hdtw_status pick_from(candidate *heap, size_t count, size_t k,
                             picks *p)
{
    hdtw_span *by_start = p->by_start;
    size_t found = p->found;
    make_heap(heap, count);
    while (count > 0 && found < k) {
        candidate best = pop_best(heap, &count);
        hdtw_span span = { 0, best.end, best.cost };
        size_t at = count_starting_by(by_start, found, span.end);
        if (at > 0 && by_start[at - 1].end >= span.end)
            continue; /* its end is inside a span picked before */
        if (p->finder->start_of(p->finder, span.end, &span.start) != HDTW_OK)
            return HDTW_E_NOMEM;
        if (at > 0 && by_start[at - 1].end >= span.start)
            continue; /* overlaps a span picked before */
        memmove(by_start + at + 1, by_start + at,
                (found - at) * sizeof *by_start);
        by_start[at] = span;
        p->out[found++] = span;
        p->found = found;
    }
    return HDTW_OK;
}

/* The ends' costs: len of them, and the smallest of each block of
 * HDTW_SUBSEQ_BLOCK (core/backend.h). */
typedef struct {
    const double *cost, *block_min;
    size_t len;
} end_costs;

/* The ends whose cost c has lo < c <= hi into a heap of at most `room`
 * (in one pass, which goes on counting past it, and skips the blocks
 * whose smallest cost is above hi), the count into *count; NULL when it
 * cannot be had or holds too few (count > room). */
static candidate *gather(end_costs ends, double lo, double hi, size_t room,
                         size_t *count)
{
    candidate *heap = hdtw_malloc(room * sizeof *heap);
    size_t n = 0;
    for (size_t b = 0; heap && b < HDTW_SUBSEQ_BLOCKS(ends.len); b++) {
        if (!(ends.block_min[b] <= hi))
            continue;
        size_t e = b * HDTW_SUBSEQ_BLOCK, stop = e + HDTW_SUBSEQ_BLOCK;
        for (stop = stop < ends.len ? stop : ends.len; e < stop; e++)
            if (ends.cost[e] <= hi && ends.cost[e] > lo) {
                if (n < room)
                    heap[n] = (candidate){ ends.cost[e], e };
                n++;
            }
    }
    *count = n;
    if (n <= room)
        return heap;
    hdtw_free(heap);
    return NULL;
}

/* Picks from the ends whose cost c has lo < c <= hi (hi already at most
 * the threshold), gathered into a heap of `room` (expected), or, when
 * more are there, of exactly as many. */
static hdtw_status pick_between(end_costs ends, double lo, double hi,
                                size_t room, size_t k, picks *p)
{
    size_t count;
    candidate *heap = gather(ends, lo, hi, room, &count);
    if (!heap && count > room) /* the room was too small: now known */
        heap = gather(ends, lo, hi, count, &count);
    if (!heap)
        return HDTW_E_NOMEM;
    hdtw_status status = pick_from(heap, count, k, p);
    hdtw_free(heap);
    return status;
}

/* Costs sampled to choose best_cut: enough that the cut lands near the
 * wanted share, few enough that sorting them is cheap next to one pass
 * over the costs. Chosen, not tuned. */
#define SAMPLE 1024

/* A cut such that about `want` ends cost at most it, taken from a sorted
 * sample of the costs, or +inf when a cut would not pay. Every end above
 * the cut costs more than every one at or below it, so it ranks after
 * them all: the ends at or below it are a prefix of the rank order, and
 * the picks need the others only when they run past it (too few only
 * costs a second heap). This spares heaping all `len` ends. */
static double best_cut(const double *costs, size_t len, size_t want)
{
    if (len / 8 < want || len < 8 * SAMPLE)
        return INFINITY;
    /* the sample's rank-th smallest: the rank + 1 smallest kept sorted
     * (rank is small: want <= len / 8 makes it at most SAMPLE / 8 + 1) */
    size_t rank = want / (len / SAMPLE) + 1, kept = 0;
    double low[SAMPLE];
    for (size_t i = 0; i < SAMPLE; i++) {
        double x = costs[i * (len / SAMPLE)];
        if (kept == rank + 1 && !(x < low[rank]))
            continue;
        size_t at = kept < rank + 1 ? kept++ : rank;
        for (; at > 0 && x < low[at - 1]; at--)
            low[at] = low[at - 1];
        low[at] = x;
    }
    return low[rank];
}

/* The greedy pick of hdtw.h over the ends' costs, in stages of cost: the
 * ends at or below a cut first (best_cut, about 32 (k + 16) of them: a
 * generous allowance for the overlapping neighbours each pick rejects;
 * chosen, not tuned), then, while fewer than k are picked, those up to a
 * cut four times as far, and so on until a cut would not pay and the last
 * stage takes all the rest; none above the threshold (max_dist > 0; costs
 * are never NaN). A stage's ends cost more than every end of the stages
 * before it, so the stages pop the ends in rank order. A match's
 * neighbours cost nearly what it costs and are rejected one by one, so k
 * matches can take many times 32 (k + 16) ends: a single second stage of
 * every end above the first cut heaped the whole series for them. */
static hdtw_status pick_greedy(end_costs ends, size_t k, double max_dist,
                               picks *p)
{
    size_t len = ends.len, want = k < len / 32 ? 32 * (k + 16) : len;
    double low = -INFINITY, most = max_dist > 0.0 ? max_dist : INFINITY;
    hdtw_status status = HDTW_OK;
    while (status == HDTW_OK && p->found < k && low < most) {
        double cut = best_cut(ends.cost, len, want);
        double high = cut < most ? cut : most;
        /* a stage's heap: twice what the sample promises, else all */
        size_t room = cut < INFINITY ? 2 * want : len;
        status = pick_between(ends, low, high, room, k, p);
        low = high;
        want = want <= len / 4 ? 4 * want : len;
    }
    return status;
}

hdtw_status hdtw_subsequence(hdtw_ctx *ctx, const hdtw_params *p,
                             const double *query, size_t m,
                             const double *series, size_t len, size_t k,
                             hdtw_span *out, size_t *found)
{
    hdtw_params params = p ? *p : HDTW_PARAMS_DEFAULT;
    hdtw_status status =
        check_arguments(ctx, &params, query, m, series, len, k, out, found);
    if (status != HDTW_OK)
        return status;

    size_t room = k < len ? k : len; /* no more picks than ends */
    picks picked = { 0, NULL, NULL, NULL };
    /* len costs, then the blocks' minima, in the context's work area:
     * repeated calls map no fresh pages */
    hdtw_scratch *scratch = hdtw_ctx_scratch(ctx);
    size_t cost_bytes = (len + HDTW_SUBSEQ_BLOCKS(len)) * sizeof(double);
    double *costs = hdtw_scratch_take(scratch, cost_bytes);
    /* room picks sorted by start, then room in pick order */
    hdtw_span *by_start = room <= MAX_SPANS / 2
                              ? hdtw_malloc(2 * room * sizeof *by_start)
                              : NULL;
    status = HDTW_E_NOMEM;
    if (!costs || !by_start)
        goto cleanup;

    hdtw_subseq_job job = { params.cost, query, m, series, len };
    picked = (picks){ 0, by_start, by_start + room, NULL };
    end_costs ends = { costs, costs + len, len };
    status = hdtw_route_subsequence(ctx, &job, costs, costs + len,
                                    &picked.finder);
    if (status != HDTW_OK)
        goto cleanup;
    status = pick_greedy(ends, k, params.max_dist, &picked);
    if (status != HDTW_OK)
        goto cleanup;
    memcpy(out, picked.out, picked.found * sizeof *out);
    *found = picked.found;
cleanup:
    if (picked.finder)
        picked.finder->close(picked.finder);
    hdtw_free(by_start);
    hdtw_scratch_give(scratch, costs, cost_bytes, status == HDTW_OK);
    return status;
}
