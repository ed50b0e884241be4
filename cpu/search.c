/* SPDX-License-Identifier: MIT */
/*
 * search.c — exact top-k DTW subsequence search, UCR Suite style
 * (Rakthanmanon et al., KDD 2012), with two differences that make it exact
 * to the bit: window statistics are summed per window, never by running
 * sums (cpu/znorm.c), and every lower bound is compared against a
 * threshold widened for rounding (cpu/lower_bounds.h).
 *
 * The series is cut into chunks of CHUNK windows, shared among OpenMP
 * threads. For a chunk: the values checked, the mean and deviation of
 * each window, then the envelope of the raw series (or, when few windows
 * of the previous chunk reached test 3, each such window's own). For each
 * window, cheapest test first:
 *   1. LB_Kim: the first and last cells (4 normalised points);
 *   2. LB_Keogh of the window against the query's envelope, in query order
 *      by |q| descending (the big terms first), normalising the window as
 *      it goes;
 *   3. LB_Keogh of the query against the window's envelope (the raw
 *      envelope normalised: normalisation is monotone, so it is the
 *      envelope of the normalised points, widened at the window's edges);
 *   4. DTW abandoned when a row's minimum plus the remaining columns' bound
 *      (suffix sums of the larger of 2 and 3) exceeds the threshold.
 * The threshold comes from cpu/topk.c. Each thread keeps its own list of
 * computed windows; the threads publish their thresholds (any one is valid
 * for all), and the lists are merged at the end. Which thread saw which
 * window changes what is computed, never the result.
 */
#include "cpu/search.h"

#include "cpu/cell.h"
#include "cpu/cpu.h"
#include "cpu/lower_bounds.h"
#include "cpu/topk.h"
#include "cpu/znorm.h"
#include "core/alloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* windows per chunk: the chunk's statistics and envelope stay in L2 */
#define CHUNK 4096

typedef struct {
    const hdtw_search_job *job;
    hdtw_lb_query lq;
    const hdtw_lb_kernels *lb; /* the bound loops for this CPU */
    size_t count;         /* windows */
    size_t r;             /* envelope half width, min(band, m - 1) */
    size_t want;          /* witnesses, see topk.c */
    double flat_distance; /* query against a constant (all-zero) window */
} plan;

typedef struct {
    hdtw_topk top;
    double *mean, *sd, *kim; /* CHUNK: exact statistics, LB_Kim */
    double *kim_est;         /* CHUNK: LB_Kim before the statistics */
    double *env_lo, *env_hi; /* CHUNK + m - 1 */
    double *sum, *sumsq;     /* CHUNK + m: prefix sums for kim_est */
    int estimate;            /* use kim_est in the next chunk */
    int lazy_envelope;       /* envelope per window reaching LB_Keogh EC,
                                not for the whole chunk up front */
    size_t s0;               /* the chunk's first window */
    double *scratch;         /* 4 (CHUNK + m - 1 + 2r) */
    double *x;               /* the normalised window, m */
    double *cb_eq, *cb_ec;   /* per-index bound terms, m */
    double *cb;              /* suffix sums, m + 1 */
    double *rows;            /* DTW rows, 2 (m + 1) */
    hdtw_search_stats stats;
} worker;

/* --------------------------------------------------------------- DTW */

/*
 * The DTW of the query q against x with band w, both of length m: the
 * reference rows of cpu/cell.h that cpu/scalar.c runs (so a finished
 * value is its exact bits), plus a check after each row: the rest of any
 * path still visits every column beyond i + w, each costing at least
 * cb's term, so row minimum + cb[i + w + 1] > limit proves the distance
 * exceeds the threshold. Returns +inf when abandoned.
 */
static double dtw_abandoning(hdtw_cost cost, size_t w, const double *q,
                             const double *x, size_t m, const double *cb,
                             double limit, double *rows)
{
    double *prev = rows, *cur = rows + m + 1;
    hdtw_row_above_first(prev, m);
    for (size_t i = 0; i < m; i++) {
        double row_min = hdtw_row_step(cost, q[i], x, m, hdtw_row_lo(i, w),
                                       hdtw_row_hi(i, w, m), prev, cur);
        size_t ahead = i + w + 1 < m ? i + w + 1 : m;
        if (row_min + cb[ahead] > limit)
            return INFINITY;
        double *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* ------------------------------------------------------ one window */

static void suffix_sums(const double *terms, size_t m, double *cb)
{
    cb[m] = 0.0;
    for (size_t k = m; k-- > 0;)
        cb[k] = cb[k + 1] + terms[k];
}

/* The envelope of window xs's points, where the chunk's envelope would
 * hold them (the values are the same: min and max are exact). */
static void window_envelope(const plan *p, worker *wk, const double *xs)
{
    const hdtw_search_job *job = p->job;
    size_t s = (size_t)(xs - job->series), k = s - wk->s0;
    p->lb->envelope(job->series, job->len, p->r, s, s + job->m,
                    wk->env_lo + k, wk->env_hi + k, wk->scratch);
}

/* Windows that reached LB_Keogh EC so far. */
static size_t reached_ec(const worker *wk)
{
    return wk->stats.keogh_ec + wk->stats.abandoned + wk->stats.dtw;
}

/* The distance of window s when it may matter, +inf when pruned. xs and
 * the envelope point at the window's first value; kim is its LB_Kim. */
static double window_distance(const plan *p, worker *wk, const double *xs,
                              const double *elo, const double *ehi,
                              double mean, double sd, double kim,
                              double limit)
{
    const hdtw_search_job *job = p->job;
    size_t m = job->m;
    if (sd == 0.0) {
        wk->stats.flat++;
        return p->flat_distance;
    }
    if (kim > limit) {
        wk->stats.kim++;
        return INFINITY;
    }
    double eq, ec;
    if (p->lb->keogh_eq(&p->lq, xs, mean, sd, limit, wk->x, wk->cb_eq,
                        &eq) == HDTW_LB_PRUNED) {
        wk->stats.keogh_eq++;
        return INFINITY;
    }
    if (wk->lazy_envelope)
        window_envelope(p, wk, xs);
    if (p->lb->keogh_ec(&p->lq, elo, ehi, mean, sd, limit, wk->cb_ec,
                        &ec) == HDTW_LB_PRUNED) {
        wk->stats.keogh_ec++;
        return INFINITY;
    }
    suffix_sums(eq >= ec ? wk->cb_eq : wk->cb_ec, m, wk->cb);
    double d = dtw_abandoning(job->cost, job->band, p->lq.q, wk->x, m,
                              wk->cb, limit, wk->rows);
    if (d == INFINITY && limit != INFINITY) {
        wk->stats.abandoned++;
        return INFINITY;
    }
    wk->stats.dtw++;
    return d;
}

/* ------------------------------------------------------------ chunks */

/* The smallest threshold any thread has proved; each is valid for all. */
static double shared_threshold(const double *shared)
{
    double t;
#pragma omp atomic read
    t = *shared;
    return t;
}

/* A lock-free minimum. Not a named omp critical: its lock would be an
 * exported symbol of libhdtw.so (scripts/check-symbols). Only the value
 * matters, so relaxed order suffices; a failed exchange reloads seen. */
static void publish_threshold(double *shared, double mine)
{
    double seen = shared_threshold(shared);
    while (mine < seen &&
           !__atomic_compare_exchange(shared, &seen, &mine, 1,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        continue;
}

/* The caller's bound (hdtw_set_search_bound), asked by the calling thread
 * alone (OpenMP's thread 0), which may call MPI; any value is valid for
 * every thread, as a thread's own threshold is. */
static void outside_bound(const hdtw_search_job *job, double *shared)
{
#ifdef _OPENMP
    if (omp_get_thread_num() != 0)
        return;
#endif
    if (job->bound)
        publish_threshold(shared, job->bound(job->bound_user,
                                             shared_threshold(shared)));
}

/* Exact statistics and LB_Kim for windows k .. end - 1 of the chunk at xs
 * (n windows); returns end. A block at a time: cpu/znorm.c sums
 * HDTW_STATS_BLOCK adjacent windows at once. */
static size_t exact_stats(const plan *p, worker *wk, const double *xs,
                          size_t k, size_t n)
{
    size_t end = n - k < HDTW_STATS_BLOCK ? n : k + HDTW_STATS_BLOCK;
    hdtw_window_stats(xs + k, p->job->m, end - k, wk->mean + k, wk->sd + k);
    p->lb->kim(&p->lq, xs + k, wk->mean + k, wk->sd + k, end - k,
               wk->kim + k);
    return end;
}

/* The estimated LB_Kim of the chunk's n windows at xs (see
 * hdtw_kim_estimate): prefix sums of x and x^2, left to right; biggest is
 * max |x| over the chunk's points (scan_chunk). */
static void estimate_kim(const plan *p, worker *wk, const double *xs,
                         size_t n, double biggest)
{
    size_t m = p->job->m, span = n + m - 1;
    double sum = 0.0, sumsq = 0.0;
    wk->sum[0] = wk->sumsq[0] = 0.0;
    for (size_t t = 0; t < span; t++) {
        sum += xs[t];
        sumsq += xs[t] * xs[t];
        wk->sum[t + 1] = sum;
        wk->sumsq[t + 1] = sumsq;
    }
    hdtw_kim_estimate est = hdtw_kim_estimate_for(m, span, biggest);
    p->lb->kim_estimate(&p->lq, xs, wk->sum, wk->sumsq, n, &est,
                        wk->kim_est);
}

/*
 * The checks on the values, per chunk as the chunk comes into the cache
 * for the bounds, not as passes over the whole series before the workers
 * start (the chunks' points cover the series). A non-finite point fails
 * the search. With z-normalisation, a window overflowing its sums needs
 * |values| near 2^500 / m; below that no check is needed, above it every
 * window of the chunk is checked before any is searched. Either way the
 * search fails with HDTW_E_NONFINITE, whichever thread gets there, and
 * writes nothing (results are written only at the end). *biggest gets
 * max |x|.
 */
static hdtw_status scan_chunk(const plan *p, worker *wk, const double *xs,
                              size_t n, double *biggest)
{
    size_t m = p->job->m;
    *biggest = p->lb->max_abs(xs, n + m - 1);
    if (!(*biggest <= DBL_MAX))
        return HDTW_E_NONFINITE;
    if (!p->job->znorm || *biggest <= 0x1p500 / (double)m)
        return HDTW_OK;
    hdtw_window_stats(xs, m, n, wk->mean, wk->sd);
    for (size_t k = 0; k < n; k++)
        if (!isfinite(wk->mean[k]) || !isfinite(wk->sd[k]))
            return HDTW_E_NONFINITE;
    return HDTW_OK;
}

/* Windows s0 .. s1-1. With z-normalisation, either every window's
 * statistics up front, or (when LB_Kim pruned a quarter of the previous
 * chunk: the estimate costs about a sixth of the exact sums) the estimated
 * LB_Kim first and exact statistics only for the blocks of windows it
 * lets through. */
static hdtw_status run_chunk(const plan *p, worker *wk, size_t s0, size_t s1,
                             double *shared)
{
    const hdtw_search_job *job = p->job;
    const double *xs = job->series + s0;
    size_t n = s1 - s0, ready = n, kim_before = wk->stats.kim;
    int estimating = job->znorm && wk->estimate;
    double biggest;
    hdtw_status status = scan_chunk(p, wk, xs, n, &biggest);
    if (status != HDTW_OK)
        return status;
    outside_bound(job, shared);
    if (estimating) {
        estimate_kim(p, wk, xs, n, biggest);
        ready = 0;
    } else {
        if (job->znorm)
            hdtw_window_stats(xs, job->m, n, wk->mean, wk->sd);
        else
            for (size_t k = 0; k < n; k++) { /* raw: x = (x - 0) / 1 */
                wk->mean[k] = 0.0;
                wk->sd[k] = 1.0;
            }
        p->lb->kim(&p->lq, xs, wk->mean, wk->sd, n, wk->kim);
    }
    size_t ec_before = reached_ec(wk);
    wk->s0 = s0;
    if (!wk->lazy_envelope)
        p->lb->envelope(job->series, job->len, p->r, s0, s1 + job->m - 1,
                        wk->env_lo, wk->env_hi, wk->scratch);

    double threshold = INFINITY, limit = INFINITY;
    for (size_t k = 0; k < n; k++) {
        double now = hdtw_min2(wk->top.threshold, shared_threshold(shared));
        if (now != threshold) {
            threshold = now;
            limit = hdtw_lb_limit(threshold, job->m);
        }
        if (estimating && wk->kim_est[k] > limit) {
            wk->stats.kim++;
            continue;
        }
        if (k >= ready)
            ready = exact_stats(p, wk, xs, k, n);
        double d = window_distance(p, wk, xs + k, wk->env_lo + k,
                                   wk->env_hi + k, wk->mean[k], wk->sd[k],
                                   wk->kim[k], limit);
        if (d > threshold)
            continue;
        hdtw_status s = hdtw_topk_offer(&wk->top,
                                        (hdtw_match){ s0 + k, d });
        if (s != HDTW_OK)
            return s;
        publish_threshold(shared, wk->top.threshold);
    }
    wk->estimate = 4 * (wk->stats.kim - kim_before) >= n;
    /* per window, m + 2r points against n + m - 1 + 2r for the chunk */
    wk->lazy_envelope =
        (reached_ec(wk) - ec_before) * (job->m + 2 * p->r) < n;
    return HDTW_OK;
}

/* ------------------------------------------------ setup and teardown */

static void worker_free(worker *wk)
{
    hdtw_topk_free(&wk->top);
    hdtw_free(wk->mean);
    hdtw_free(wk->scratch);
    hdtw_free(wk->x);
}

/* One block per worker, carved into its arrays. */
static hdtw_status worker_init(const plan *p, worker *wk)
{
    size_t m = p->job->m, span = CHUNK + m - 1;
    *wk = (worker){ 0 };
    hdtw_status s = hdtw_topk_init(&wk->top, p->want, p->job->exclusion);
    wk->mean = hdtw_malloc((4 * CHUNK + 4 * span + 2) * sizeof(double));
    wk->scratch = hdtw_malloc(4 * (span + 2 * p->r) * sizeof(double));
    /* x, cb_eq, cb_ec: m each; cb: m + 1; rows: 2 (m + 1) */
    wk->x = hdtw_malloc((6 * m + 3) * sizeof(double));
    if (s != HDTW_OK || !wk->mean || !wk->scratch || !wk->x) {
        worker_free(wk);
        return HDTW_E_NOMEM;
    }
    wk->sd = wk->mean + CHUNK;
    wk->kim = wk->sd + CHUNK;
    wk->kim_est = wk->kim + CHUNK;
    wk->env_lo = wk->kim_est + CHUNK;
    wk->env_hi = wk->env_lo + span;
    wk->sum = wk->env_hi + span;
    wk->sumsq = wk->sum + span + 1;
    wk->estimate = 1;
    wk->cb_eq = wk->x + m;
    wk->cb_ec = wk->cb_eq + m;
    wk->cb = wk->cb_ec + m;
    wk->rows = wk->cb + m + 1;
    return HDTW_OK;
}

typedef struct {
    double magnitude;
    size_t index;
} ranked;

static int by_magnitude(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->magnitude != b->magnitude)
        return a->magnitude > b->magnitude ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* The first indices of the blocks of `width` points of q by the sum of
 * |q| over the block descending (ties by index, so the order is fixed):
 * the largest bound terms come first, so LB_Keogh abandons soonest. */
static hdtw_status magnitude_order(const double *q, size_t m, size_t width,
                                   size_t *order)
{
    size_t blocks = m / width;
    ranked *r = hdtw_malloc((blocks ? blocks : 1) * sizeof *r);
    if (!r)
        return HDTW_E_NOMEM;
    for (size_t b = 0; b < blocks; b++) {
        double sum = 0.0;
        for (size_t i = b * width; i < (b + 1) * width; i++)
            sum += fabs(q[i]);
        r[b] = (ranked){ sum, b * width };
    }
    qsort(r, blocks, sizeof *r, by_magnitude);
    for (size_t b = 0; b < blocks; b++)
        order[b] = r[b].index;
    hdtw_free(r);
    return HDTW_OK;
}

/* The normalised query (or a copy), its envelope and order, and the
 * distance of a constant window. q holds 3m doubles: q, lo, hi. */
static hdtw_status make_plan(const hdtw_search_job *job,
                             const hdtw_lb_kernels *lb, double *q,
                             size_t *order, double *scratch, double *rows,
                             plan *p)
{
    size_t m = job->m;
    double mean = 0.0, sd = 1.0;
    if (job->znorm) {
        hdtw_window_stats(job->query, m, 1, &mean, &sd);
        if (sd != 0.0 && (!isfinite(mean) || !isfinite(sd)))
            return HDTW_E_NONFINITE;
    }
    for (size_t i = 0; i < m; i++)
        q[i] = hdtw_normalise(job->query[i], mean, sd);
    *p = (plan){ .job = job, .count = job->len - m + 1 };
    p->r = job->band < m - 1 ? job->band : m - 1;
    p->want = hdtw_topk_witnesses(job->k, p->count, job->exclusion);
    hdtw_envelope(q, m, p->r, 0, m, q + m, q + 2 * m, scratch);
    p->lb = lb;
    if (magnitude_order(q, m, p->lb->width, order) != HDTW_OK)
        return HDTW_E_NOMEM;
    p->lq = (hdtw_lb_query){ .cost = job->cost, .m = m, .q = q,
                             .lo = q + m, .hi = q + 2 * m, .order = order,
                             .pad = hdtw_lb_envelope_pad(q + m, q + 2 * m,
                                                         m) };
    /* a constant window normalises to zeros: one DTW serves them all */
    double *zeros = scratch, *no_bound = scratch + m;
    for (size_t i = 0; i <= 2 * m; i++)
        scratch[i] = 0.0;
    p->flat_distance = dtw_abandoning(job->cost, job->band, q, zeros, m,
                                      no_bound, INFINITY, rows);
    return HDTW_OK;
}

/* ------------------------------------------------------------ search */

static hdtw_status run_workers(const plan *p, worker *workers, int threads)
{
    size_t chunks = (p->count + CHUNK - 1) / CHUNK;
    double shared = INFINITY;
    int status = HDTW_OK; /* an int: read and written atomically */
    outside_bound(p->job, &shared);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t c = 0; c < chunks; c++) {
#ifdef _OPENMP
        worker *wk = &workers[omp_get_thread_num()];
#else
        worker *wk = &workers[0];
#endif
        int failed;
#pragma omp atomic read
        failed = status;
        if (failed != HDTW_OK)
            continue;
        size_t s0 = c * CHUNK;
        size_t s1 = p->count - s0 < CHUNK ? p->count : s0 + CHUNK;
        hdtw_status s = run_chunk(p, wk, s0, s1, &shared);
        if (s != HDTW_OK) {
#pragma omp atomic write
            status = (int)s;
        }
    }
    return (hdtw_status)status;
}

static void add_stats(hdtw_search_stats *sum, const hdtw_search_stats *s)
{
    sum->flat += s->flat;
    sum->kim += s->kim;
    sum->keogh_eq += s->keogh_eq;
    sum->keogh_ec += s->keogh_ec;
    sum->abandoned += s->abandoned;
    sum->dtw += s->dtw;
}

/* Merges the threads' lists into the result. */
static hdtw_status finish(const plan *p, worker *workers, int threads,
                          hdtw_match *out, size_t *found,
                          hdtw_search_stats *stats)
{
    size_t total = 0, k = p->job->k;
    for (int t = 0; t < threads; t++)
        total += workers[t].top.len;
    size_t keep = k < total ? k : total;
    hdtw_match *all = hdtw_malloc((total ? total : 1) * sizeof *all);
    size_t *kept = hdtw_malloc((keep ? keep : 1) * sizeof *kept);
    hdtw_match *best = hdtw_malloc((keep ? keep : 1) * sizeof *best);
    hdtw_status status = HDTW_E_NOMEM;
    if (!all || !kept || !best)
        goto cleanup;
    total = 0;
    for (int t = 0; t < threads; t++) {
        memcpy(all + total, workers[t].top.list,
               workers[t].top.len * sizeof *all);
        total += workers[t].top.len;
    }
    size_t n = hdtw_topk_finish(all, total, p->job->exclusion, keep, kept,
                                best);
    memcpy(out, best, n * sizeof *best);
    *found = n;
    if (stats) {
        *stats = (hdtw_search_stats){ .windows = p->count };
        for (int t = 0; t < threads; t++)
            add_stats(stats, &workers[t].stats);
    }
    status = HDTW_OK;
cleanup:
    hdtw_free(best);
    hdtw_free(kept);
    hdtw_free(all);
    return status;
}

hdtw_status hdtw_search_run(const hdtw_search_job *job,
                            const hdtw_lb_kernels *lb, int threads,
                            hdtw_match *out, size_t *found,
                            hdtw_search_stats *stats)
{
    size_t m = job->m, count = job->len - m + 1;
    size_t chunks = (count + CHUNK - 1) / CHUNK;
    if (threads < 1)
        threads = 1;
    if ((size_t)threads > chunks)
        threads = (int)chunks;
    plan p;
    worker *workers = hdtw_calloc((size_t)threads, sizeof *workers);
    double *q = hdtw_malloc((3 * m + 2 * (m + 1)) * sizeof *q);
    double *scratch = hdtw_malloc(4 * (3 * m) * sizeof *scratch);
    size_t *order = hdtw_malloc(m * sizeof *order);
    int ready = 0;
    hdtw_status status = HDTW_E_NOMEM;
    if (!workers || !q || !scratch || !order)
        goto cleanup;
    status = make_plan(job, lb, q, order, scratch, q + 3 * m, &p);
    if (status != HDTW_OK)
        goto cleanup;
    for (; ready < threads; ready++) {
        status = worker_init(&p, &workers[ready]);
        if (status != HDTW_OK)
            goto cleanup;
    }
    status = run_workers(&p, workers, threads);
    if (status == HDTW_OK)
        status = finish(&p, workers, threads, out, found, stats);
cleanup:
    for (int t = 0; t < ready; t++)
        worker_free(&workers[t]);
    hdtw_free(order);
    hdtw_free(scratch);
    hdtw_free(q);
    hdtw_free(workers);
    return status;
}

hdtw_status hdtw_search_with(const hdtw_call *call, const hdtw_lb_kernels *lb)
{
    return hdtw_search_run(call->search, lb, call->threads, call->matches,
                           call->found, NULL);
}
