/* SPDX-License-Identifier: MIT */
/*
 * subsequence.c — hdtw_subsequence: arguments checked here (shapes first,
 * then values, as core/api.c does), the one pass of the backend the
 * router picks (hdtw_route_subsequence: the forced one, else the fastest
 * CPU backend; cpu/subsequence*.c) gives every end's cost and start, then
 * the greedy pick of hdtw.h:
 * candidates taken in (cost, end) order from a heap, each kept unless its
 * span overlaps one kept before it.
 *
 * Kept spans are disjoint, so sorted by start they are sorted by end too:
 * a candidate [s, e] overlaps one of them exactly when the last kept span
 * starting at or before e ends at or after s. A binary search finds it.
 */
#include "core/internal.h"

#include "core/alloc.h"
#include "core/threshold.h"
#include "cpu/subsequence.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The longest series or query: its candidates (one span per value) must
 * fit in size_t bytes. */
#define MAX_SPANS (SIZE_MAX / sizeof(hdtw_span))

/* ... and a pass's working memory (a few entries a row, cpu/subsequence.h)
 * a size_t */
#define MAX_QUERY (MAX_SPANS / 3 - 24)

static int finite_values(const double *x, size_t n)
{
    size_t bad = 0; /* counted, not returned early: the loop vectorises */
    for (size_t i = 0; i < n; i++)
        bad += !isfinite(x[i]);
    return bad == 0;
}

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
    if (!finite_values(query, m) || !finite_values(series, len))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

/* Ranking of candidates: cost ascending, then end ascending. Costs are
 * never NaN (finite inputs; only +inf from overflow). */
static int ranks_before(hdtw_span a, hdtw_span b)
{
    return a.distance < b.distance ||
           (a.distance == b.distance && a.end < b.end);
}

/* Min-heap of candidates in rank order: built in O(len), popped only as
 * far as the picks need (a pick rejects little more than its neighbours),
 * instead of sorting every end. */
static void sift_down(hdtw_span *heap, size_t count, size_t at)
{
    for (;;) {
        size_t first = at, child = 2 * at + 1;
        if (child < count && ranks_before(heap[child], heap[first]))
            first = child;
        if (child + 1 < count && ranks_before(heap[child + 1], heap[first]))
            first = child + 1;
        if (first == at)
            return;
        hdtw_span t = heap[at];
        heap[at] = heap[first];
        heap[first] = t;
        at = first;
    }
}

static void make_heap(hdtw_span *heap, size_t count)
{
    for (size_t at = count / 2; at-- > 0;)
        sift_down(heap, count, at);
}

/* Removes and returns the best candidate of a non-empty heap. */
static hdtw_span pop_best(hdtw_span *heap, size_t *count)
{
    hdtw_span best = heap[0];
    heap[0] = heap[--*count];
    sift_down(heap, *count, 0);
    return best;
}

/* Drops the candidates above the threshold; returns how many remain. */
static size_t keep_within(hdtw_span *spans, size_t count, double max_dist)
{
    if (max_dist == 0.0)
        return count; /* no threshold */
    size_t kept = 0;
    for (size_t e = 0; e < count; e++)
        if (hdtw_within_max_dist(spans[e].distance, max_dist))
            spans[kept++] = spans[e];
    return kept;
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
 * order, copied to the caller's only when the pick succeeds) and where the
 * candidates' starts come from: NULL when the spans carry them, else found
 * on demand. */
typedef struct {
    size_t found;
    hdtw_span *by_start, *out;
    hdtw_subseq_starts *starts;
} picks;

/* Pops the candidates of heap[0..count) in rank order after the picks
 * made already, until there are k. A candidate whose end lies inside a
 * picked span overlaps it whatever its start, so only the others need
 * their start (HDTW_E_NOMEM when finding it fails). */
static hdtw_status pick_from(hdtw_span *heap, size_t count, size_t k,
                             picks *p)
{
    hdtw_span *by_start = p->by_start;
    size_t found = p->found;
    make_heap(heap, count);
    while (count > 0 && found < k) {
        hdtw_span span = pop_best(heap, &count);
        size_t at = count_starting_by(by_start, found, span.end);
        if (at > 0 && by_start[at - 1].end >= span.end)
            continue; /* its end is inside a span picked before */
        if (p->starts &&
            hdtw_subseq_start_of(p->starts, span.end, &span.start) != HDTW_OK)
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

static int by_cost(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Costs sampled to choose split_best's cut: enough that the cut lands
 * near the wanted share, few enough that sorting them is cheap next to
 * one pass over the candidates. Chosen, not tuned. */
#define SAMPLE 1024

/* Moves the candidates whose cost is at most a cut to the front, and
 * returns how many they are (count when it would not pay). Every
 * candidate behind them costs more than every one in front, so it ranks
 * after them all: the front is a prefix of the rank order. The cut is
 * chosen from a sample so that about 32 (k + 16) candidates fall below
 * it, a generous allowance for the overlapping neighbours each pick
 * rejects (chosen, not tuned); too few only costs a second heap. This
 * spares heaping all `len` ends. */
static size_t split_best(hdtw_span *spans, size_t count, size_t k)
{
    size_t want = 32 * (k < count ? k + 16 : count);
    if (count / 8 < want || count < 8 * SAMPLE)
        return count;
    double sample[SAMPLE];
    for (size_t i = 0; i < SAMPLE; i++)
        sample[i] = spans[i * (count / SAMPLE)].distance;
    qsort(sample, SAMPLE, sizeof *sample, by_cost);
    double cut = sample[want / (count / SAMPLE) + 1];
    size_t front = 0;
    for (size_t e = 0; e < count; e++)
        if (spans[e].distance <= cut) {
            hdtw_span t = spans[front];
            spans[front++] = spans[e];
            spans[e] = t;
        }
    return front;
}

/* The greedy pick of hdtw.h over candidates[0..count): the best part of
 * them first (split_best), the rest only if k picks are not made yet. */
static hdtw_status pick_greedy(hdtw_span *candidates, size_t count, size_t k,
                               picks *p)
{
    size_t front = split_best(candidates, count, k);
    hdtw_status status = pick_from(candidates, front, k, p);
    if (status == HDTW_OK && p->found < k && front < count)
        status = pick_from(candidates + front, count - front, k, p);
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
    double *edges = NULL;
    hdtw_subseq_starts starts;
    picks picked = { 0, NULL, NULL, NULL };
    hdtw_span *ends = hdtw_malloc(len * sizeof *ends);
    /* room picks sorted by start, then room in pick order */
    hdtw_span *by_start = room <= MAX_SPANS / 2
                              ? hdtw_malloc(2 * room * sizeof *by_start)
                              : NULL;
    status = HDTW_E_NOMEM;
    if (!ends || !by_start)
        goto cleanup;

    hdtw_subseq_job job = { params.cost, query, m, series, len };
    status = hdtw_route_subsequence(ctx, &job, ends, &edges);
    if (status != HDTW_OK)
        goto cleanup;
    picked = (picks){ 0, by_start, by_start + room, NULL };
    if (edges) { /* a costs-only pass: starts found for the pops */
        status = hdtw_subseq_starts_open(&starts, &job, edges);
        if (status != HDTW_OK)
            goto cleanup;
        picked.starts = &starts;
    }
    size_t count = keep_within(ends, len, params.max_dist);
    status = pick_greedy(ends, count, k, &picked);
    if (status != HDTW_OK)
        goto cleanup;
    memcpy(out, picked.out, picked.found * sizeof *out);
    *found = picked.found;
cleanup:
    if (picked.starts)
        hdtw_subseq_starts_close(picked.starts);
    hdtw_free(edges);
    hdtw_free(by_start);
    hdtw_free(ends);
    return status;
}
