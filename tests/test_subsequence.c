/* SPDX-License-Identifier: MIT */
/*
 * test_subsequence.c — hdtw_subsequence against a naive full-matrix
 * implementation of include/hdtw.h's definition, written here from the
 * text alone: the whole matrix D, a literal walk back from every end with
 * the tie rule diagonal > up > left, and the greedy pick done by repeated
 * linear scans. Starts, ends, found and distance bits must match exactly,
 * on every backend a context can be set to. Also small cases worked out by
 * hand (so the oracle itself is checked), bad input, and the max_dist
 * threshold of hdtw_distance, hdtw_batch and hdtw_sliding against the
 * exact distance of testutil's naive_dtw.
 */
#include "testutil.h"

#include "core/alloc.h"
#include "core/cpu_features.h"
#include "core/internal.h"
#include "cpu/subsequence.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- the oracle */

static double cell_cost(hdtw_cost cost, double x, double y)
{
    double d = x - y;
    return cost == HDTW_COST_SQUARED ? d * d : fabs(d);
}

/* D(i, j) of the definition, +inf out of range */
static double at(const double *D, size_t len, long i, long j)
{
    return i < 0 || j < 0 ? INFINITY : D[(size_t)i * len + (size_t)j];
}

static double *full_matrix(hdtw_cost cost, const double *q, size_t m,
                           const double *s, size_t len)
{
    double *D = test_alloc(m * len * sizeof *D);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < len; j++) {
            long li = (long)i, lj = (long)j;
            double best = 0.0; /* row 0: free start, no predecessor */
            if (i > 0) {
                double up = at(D, len, li - 1, lj);
                double left = at(D, len, li, lj - 1);
                double diag = at(D, len, li - 1, lj - 1);
                best = fmin(fmin(up, left), diag);
            }
            D[i * len + j] = cell_cost(cost, q[i], s[j]) + best;
        }
    return D;
}

/* The column where the walk back from (m - 1, e) reaches row 0. */
static size_t walk_to_start(const double *D, size_t m, size_t len, size_t e)
{
    long i = (long)m - 1, j = (long)e;
    while (i > 0) {
        if (j == 0) { /* column 0: up is the only cell in range */
            i--;
            continue;
        }
        double diag = at(D, len, i - 1, j - 1), up = at(D, len, i - 1, j);
        double left = at(D, len, i, j - 1);
        if (diag <= up && diag <= left) {
            i--;
            j--;
        } else if (up <= left) {
            i--;
        } else {
            j--;
        }
    }
    return (size_t)j;
}

static int overlaps(hdtw_span a, hdtw_span b)
{
    return a.start <= b.end && b.start <= a.end;
}

/* Every end e as { its start, e, D(m - 1, e) } (malloc'd). */
static hdtw_span *naive_ends(hdtw_cost cost, const double *q, size_t m,
                             const double *s, size_t len)
{
    double *D = full_matrix(cost, q, m, s, len);
    hdtw_span *cand = test_alloc(len * sizeof *cand);
    for (size_t e = 0; e < len; e++)
        cand[e] = (hdtw_span){ walk_to_start(D, m, len, e), e,
                               D[(m - 1) * len + e] };
    free(D);
    return cand;
}

/* The definition: every end a candidate (unless above max_dist), then the
 * smallest remaining (cost, end) first, skipping overlaps. */
static size_t naive_subsequence(const hdtw_params *p, const double *q,
                                size_t m, const double *s, size_t len,
                                size_t k, hdtw_span *out)
{
    hdtw_span *cand = naive_ends(p->cost, q, m, s, len);
    int *used = test_alloc(len * sizeof *used);
    for (size_t e = 0; e < len; e++)
        used[e] = p->max_dist > 0 && cand[e].distance > p->max_dist;
    size_t found = 0;
    for (;;) {
        size_t best = len;
        for (size_t e = 0; e < len; e++)
            if (!used[e] &&
                (best == len || cand[e].distance < cand[best].distance))
                best = e; /* strict <: the smaller end wins ties */
        if (best == len || found == k)
            break;
        used[best] = 1;
        int clear = 1;
        for (size_t f = 0; f < found; f++)
            clear &= !overlaps(out[f], cand[best]);
        if (clear)
            out[found++] = cand[best];
    }
    free(used);
    free(cand);
    return found;
}

/* ------------------------------------------------------------- checking */

#define SENTINEL ((hdtw_span){ 777, 778, -1.5 })

static int same_span(hdtw_span a, hdtw_span b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* hdtw_subsequence on test_ctx's current backend equals the oracle, and leaves
 * out[found .. k-1] alone. got: room for k spans, the picks on return. */
static void check_into(const hdtw_params *p, const double *q,
                                 size_t m, const double *s, size_t len,
                                 size_t k, hdtw_span *got)
{
    hdtw_span *want = test_alloc(k * sizeof *want);
    for (size_t i = 0; i < k; i++)
        got[i] = SENTINEL;
    size_t want_found = naive_subsequence(p, q, m, s, len, k, want);
    size_t found = 12345;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, p, q, m, s, len, k, got,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, want_found);
    for (size_t i = 0; i < found; i++)
        ck_assert_msg(same_span(got[i], want[i]),
                      "m=%zu len=%zu k=%zu pick %zu: got [%zu,%zu] %.17g, "
                      "want [%zu,%zu] %.17g", m, len, k, i, got[i].start,
                      got[i].end, got[i].distance, want[i].start,
                      want[i].end, want[i].distance);
    for (size_t i = found; i < k; i++)
        ck_assert(same_span(got[i], SENTINEL));
    free(want);
}

static void check_against_oracle(const hdtw_params *p, const double *q,
                                 size_t m, const double *s, size_t len,
                                 size_t k)
{
    hdtw_span *got = test_alloc(k * sizeof *got);
    check_into(p, q, m, s, len, k, got);
    free(got);
}

/* The backends hdtw_set_backend accepts here, AUTO first. */
static size_t usable_backends(hdtw_backend *out)
{
    size_t count = 0;
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++)
        if (hdtw_set_backend(test_ctx, (hdtw_backend)b) == HDTW_OK)
            out[count++] = (hdtw_backend)b;
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    return count;
}

/* What hdtw_last_backend must say after a call forced to b: b itself on
 * the CPU backends (each has a pass), else (AUTO, OpenCL) the fastest CPU
 * backend usable. */
static hdtw_backend expected_report(hdtw_backend b, const hdtw_backend *usable,
                                    size_t count)
{
    if (b == HDTW_BACKEND_SCALAR || b == HDTW_BACKEND_AVX2 ||
        b == HDTW_BACKEND_AVX512)
        return b;
    hdtw_backend fastest = HDTW_BACKEND_SCALAR;
    for (size_t i = 0; i < count; i++)
        if (usable[i] == HDTW_BACKEND_AVX512 ||
            (usable[i] == HDTW_BACKEND_AVX2 &&
             fastest != HDTW_BACKEND_AVX512))
            fastest = usable[i];
    return fastest;
}

/* Every backend the context can be forced to: the oracle's picks, the
 * scalar backend's bytes, and the report names the pass that ran. */
static void check_every_backend(const hdtw_params *p, const double *q,
                                size_t m, const double *s, size_t len,
                                size_t k)
{
    hdtw_backend backends[HDTW_BACKEND_COUNT];
    size_t count = usable_backends(backends);
    hdtw_span *scalar = test_alloc(k * sizeof *scalar);
    hdtw_span *got = test_alloc(k * sizeof *got);
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    check_into(p, q, m, s, len, k, scalar);
    for (size_t b = 0; b < count; b++) {
        ck_assert_int_eq(hdtw_set_backend(test_ctx, backends[b]), HDTW_OK);
        check_into(p, q, m, s, len, k, got);
        ck_assert(memcmp(got, scalar, k * sizeof *got) == 0);
        ck_assert_int_eq(hdtw_last_backend(test_ctx),
                         expected_report(backends[b], backends, count));
    }
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    free(got);
    free(scalar);
}

static void check_passes_and_picks(const hdtw_params *p, const double *q,
                                   size_t m, const double *s, size_t len,
                                   size_t k);

/* How many passes check_every_pass saw compute costs only: the cases
 * meant for that pass check that it ran. */
static int costs_only_passes;

/* got[e] against want[e] for every end, byte for byte. */
static void check_ends(const hdtw_span *got, const hdtw_span *want,
                       size_t m, size_t len, int backend, const char *mode)
{
    for (size_t i = 0; i < len; i++)
        ck_assert_msg(same_span(got[i], want[i]),
                      "backend %d (%s) m=%zu len=%zu end %zu: got [%zu,%zu] "
                      "%.17g, want [%zu,%zu] %.17g", backend, mode, m, len, i,
                      got[i].start, got[i].end, got[i].distance,
                      want[i].start, want[i].end, want[i].distance);
}

/* 1 when finder is not an array finder (hdtw_subseq_array_finder): the
 * pass that handed it back left its starts to be found on demand. */
static int finds_on_demand(const hdtw_subseq_finder *finder)
{
    size_t *unused;
    hdtw_subseq_finder *array = hdtw_subseq_array_finder(1, &unused);
    ck_assert_ptr_nonnull(array);
    int on_demand = finder->start_of != array->start_of;
    array->close(array);
    return on_demand;
}

/* The smallest stride from 37 up that shares no factor with len, so that
 * n * stride % len visits every end once (37 alone skips ends whenever 37
 * divides len). */
static size_t coprime_stride(size_t len)
{
    for (size_t stride = 37;; stride++) {
        size_t a = stride, b = len;
        while (b) {
            size_t r = a % b;
            a = b;
            b = r;
        }
        if (a == 1)
            return stride;
    }
}

/* One direct call of a backend's pass: every end's cost and, through
 * the finder it hands back, its start, asked in the order `order` gives
 * (0 first to last, 1 last to first: a chain of labels through tiles not
 * run yet, 2 every 37th end first, or the next stride coprime with len),
 * into got. all_starts as
 * hdtw_call.subseq_all_starts. Returns 1 when the pass left the starts
 * to its finder (finds_on_demand). */
static int run_pass(const hdtw_backend_entry *e, const hdtw_subseq_job *job,
                    int all_starts, int order, hdtw_span *got)
{
    size_t len = job->len, blocks = HDTW_SUBSEQ_BLOCKS(len);
    double *costs = test_alloc(len * sizeof *costs);
    double *block_min = test_alloc(blocks * sizeof *block_min);
    memset(costs, 0xa5, len * sizeof *costs);
    memset(block_min, 0xa5, blocks * sizeof *block_min);
    memset(got, 0xa5, len * sizeof *got);
    hdtw_subseq_finder *finder = NULL;
    char error[128] = "";
    hdtw_call call = { .subseq = job, .end_costs = costs,
                       .end_block_min = block_min,
                       .subseq_finder = &finder,
                       .subseq_all_starts = all_starts, .threads = 1,
                       .error = error, .error_size = sizeof error };
    ck_assert_int_eq(e->subsequence(&call), HDTW_OK);
    ck_assert_ptr_nonnull(finder);
    size_t stride = coprime_stride(len);
    for (size_t n = 0; n < len; n++) {
        size_t end = order == 0   ? n
                     : order == 1 ? len - 1 - n
                                  : n * stride % len;
        got[end].end = end;
        got[end].distance = costs[end];
        ck_assert_int_eq(finder->start_of(finder, end, &got[end].start),
                         HDTW_OK);
    }
    int on_demand = finds_on_demand(finder);
    finder->close(finder);
    for (size_t b = 0; b < blocks; b++) { /* each block's smallest cost */
        double low = INFINITY;
        for (size_t e = b * HDTW_SUBSEQ_BLOCK;
             e < len && e < (b + 1) * HDTW_SUBSEQ_BLOCK; e++)
            low = fmin(low, costs[e]);
        ck_assert_msg(same_bits(block_min[b], low),
                      "backend %d block %zu: minimum %.17g, want %.17g",
                      (int)e->id, b, block_min[b], low);
    }
    free(block_min);
    free(costs);
    return on_demand;
}

/* Every end, not only the picks: the pass of each registered backend this
 * CPU can run, called directly, against the oracle's ends, byte for byte;
 * each twice, with every start in the pass and with the starts left to
 * its finder (costs only, where the backend has that mode). Returns how
 * many passes ran. */
static int check_every_pass(hdtw_cost cost, const double *q, size_t m,
                            const double *s, size_t len)
{
    hdtw_span *want = naive_ends(cost, q, m, s, len);
    hdtw_span *got = test_alloc(len * sizeof *got);
    hdtw_subseq_job job = { cost, q, m, s, len };
    int passes = 0;
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++) {
        const hdtw_backend_entry *e = hdtw_backend_entry_of((hdtw_backend)b);
        if (!e || !e->subsequence ||
            (hdtw_cpu_features() & e->cpu_needs) != e->cpu_needs)
            continue;
        ck_assert(!run_pass(e, &job, 1, 0, got));
        check_ends(got, want, m, len, b, "with starts");
        int lazy = run_pass(e, &job, 0, (int)(len % 3), got);
        costs_only_passes += lazy;
        check_ends(got, want, m, len, b, lazy ? "costs only" : "no edges");
        passes++;
    }
    free(got);
    free(want);
    return passes;
}

/* small integers: exact arithmetic, so ties everywhere in D */
static void fill_small_integers(test_rng *r, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (double)test_range(r, 0, 3);
}

/* A query and a series: small integers (ties everywhere) when `ties`,
 * else random walks. */
static void fill_case(test_rng *r, double *q, size_t m, double *s,
                      size_t len, int ties)
{
    if (ties) {
        fill_small_integers(r, q, m);
        fill_small_integers(r, s, len);
    } else {
        test_fill_series(r, q, m);
        test_fill_series(r, s, len);
    }
}

static hdtw_params random_params(test_rng *r)
{
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    return p;
}

/* ------------------------------------------------------- by hand first */

/* Each expected answer below is worked out from the definition by hand. */
START_TEST(exact_motifs_found_in_end_order)
{
    const double q[] = { 1, 2, 3 };
    const double s[] = { 0, 1, 2, 3, 0, 0, 1, 2, 3, 9 };
    hdtw_span out[2];
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, NULL, q, 3, s, 10, 2, out,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, 2);
    /* both cost 0: the smaller end first */
    ck_assert(same_span(out[0], (hdtw_span){ 1, 3, 0.0 }));
    ck_assert(same_span(out[1], (hdtw_span){ 6, 8, 0.0 }));
}
END_TEST

START_TEST(constant_series_ties)
{
    /* D(0, j) = 0; D(1, 0) = 0 by up; for j >= 1 all three predecessors
     * are 0 and the diagonal wins: ends 0..3 start at 0, 0, 1, 2. The
     * pick: [0,0], then [0,1] overlaps, [1,2] fits, [2,3] overlaps. */
    const double q[] = { 5, 5 }, s[] = { 5, 5, 5, 5 };
    hdtw_span out[4] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, NULL, q, 2, s, 4, 4, out,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, 2);
    ck_assert(same_span(out[0], (hdtw_span){ 0, 0, 0.0 }));
    ck_assert(same_span(out[1], (hdtw_span){ 1, 2, 0.0 }));
    ck_assert(same_span(out[2], SENTINEL));
    check_every_backend(&HDTW_PARAMS_DEFAULT, q, 2, s, 4, 4);
}
END_TEST

START_TEST(warped_match_longer_than_query)
{
    /* q = 0 4 0 against 0 4 4 4 0: the path stays on q1 = 4 for three
     * values, cost 0, span [2,6]; abs cost */
    const double q[] = { 0, 4, 0 };
    const double s[] = { 9, 9, 0, 4, 4, 4, 0, 9 };
    hdtw_span out[1];
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, NULL, q, 3, s, 8, 1, out,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, 1);
    ck_assert(same_span(out[0], (hdtw_span){ 2, 6, 0.0 }));
}
END_TEST

START_TEST(query_of_one_value)
{
    /* m = 1: every end is its own start, cost |q0 - s_e| */
    const double q[] = { 2 }, s[] = { 5, 2.5, 1, 2.5 };
    hdtw_span out[4];
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, NULL, q, 1, s, 4, 4, out,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, 4);
    ck_assert(same_span(out[0], (hdtw_span){ 1, 1, 0.5 }));
    ck_assert(same_span(out[1], (hdtw_span){ 3, 3, 0.5 }));
    ck_assert(same_span(out[2], (hdtw_span){ 2, 2, 1.0 }));
    ck_assert(same_span(out[3], (hdtw_span){ 0, 0, 3.0 }));
}
END_TEST

/* ------------------------------------------------------ against oracle */

static void random_cases_vs_oracle_one(uint64_t seed)
{
    test_rng r = { test_seed(seed) };
    size_t m = test_range(&r, 1, 24), len = test_range(&r, 1, 90);
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, seed % 2);
    hdtw_params p = random_params(&r);
    size_t k = test_range(&r, 1, len + 4); /* sometimes more than possible */
    check_against_oracle(&p, q, m, s, len, k);
    free(s);
    free(q);
}

START_TEST(random_cases_vs_oracle)
{
    for (uint64_t c = 0; c < 20; c++)
        random_cases_vs_oracle_one(9100u + (uint64_t)_i * 20 + c);
}
END_TEST

/* a motif planted several times, sometimes stretched, in small noise */
static void repeated_motifs_vs_oracle_one(uint64_t seed)
{
    test_rng r = { test_seed(seed) };
    size_t m = test_range(&r, 2, 12), len = 0, cap = 400;
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(cap * sizeof *s);
    fill_small_integers(&r, q, m);
    while (len + 3 * m + 5 < cap) {
        size_t gap = test_range(&r, 0, 5);
        for (size_t g = 0; g < gap; g++)
            s[len++] = (double)test_range(&r, 0, 3);
        for (size_t i = 0; i < m; i++) {
            size_t repeat = test_range(&r, 1, 3); /* warped copies */
            for (size_t t = 0; t < repeat; t++)
                s[len++] = q[i];
        }
    }
    hdtw_params p = random_params(&r);
    check_against_oracle(&p, q, m, s, len, test_range(&r, 1, 40));
    free(s);
    free(q);
}

START_TEST(repeated_motifs_vs_oracle)
{
    for (uint64_t c = 0; c < 10; c++)
        repeated_motifs_vs_oracle_one(7300u + (uint64_t)_i * 10 + c);
}
END_TEST

/* One random case: a query of 1..max_m values, a series of min_len..max_len
 * (small integers when ties), every end of every pass against the oracle,
 * then the picks of every backend for k in 1..max_k. */
static void check_random_case(test_rng *r, size_t max_m, size_t min_len,
                              size_t max_len, int ties, size_t max_k)
{
    size_t m = test_range(r, 1, max_m), len = test_range(r, min_len, max_len);
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(r, q, m, s, len, ties);
    hdtw_params p = random_params(r);
    ck_assert_int_ge(check_every_pass(p.cost, q, m, s, len), 1);
    check_every_backend(&p, q, m, s, len, test_range(r, 1, max_k));
    free(s);
    free(q);
}

/* queries long enough for whole vectors of rows and for several stripes
 * of them in the vector passes, series shorter and longer than them (their
 * ramps); every end of every pass, then the picks of every backend */
START_TEST(every_backend_same_bits)
{
    test_rng r = { test_seed(5150u + (uint64_t)_i) };
    check_random_case(&r, 150, 1, 300, _i % 4 == 3, 10);
}
END_TEST

/* Series long enough for the vector passes' chunks (one a lane, each with
 * a halo, checked against the exact column before it): every end of every
 * pass against the oracle. */
START_TEST(long_series_every_pass)
{
    test_rng r = { test_seed(8800u + (uint64_t)_i) };
    check_random_case(&r, 32, 4200, 6000, _i % 2, 20);
}
END_TEST

/* Series long enough that the pick heaps only the best candidates first
 * (a sample's cut) and the rest only when the picks run past them (long
 * queries reject many neighbours each): the picks against the oracle. */
/* The picks of one random case (walks, or small integers when `ties`)
 * with m, len and k drawn from the ranges, against the oracle: on test_ctx's
 * backend, or on every backend. */
typedef struct {
    size_t m_lo, m_hi, len_lo, len_hi, k_lo, k_hi;
} case_ranges;

static void random_picks(uint64_t seed, int ties, case_ranges c,
                         int every_backend)
{
    test_rng r = { test_seed(seed) };
    size_t m = test_range(&r, c.m_lo, c.m_hi);
    size_t len = test_range(&r, c.len_lo, c.len_hi);
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, ties);
    hdtw_params p = random_params(&r);
    size_t k = test_range(&r, c.k_lo, c.k_hi);
    if (every_backend)
        check_every_backend(&p, q, m, s, len, k);
    else
        check_against_oracle(&p, q, m, s, len, k);
    free(s);
    free(q);
}

START_TEST(long_series_picks)
{
    const case_ranges c = { 1, 80, 20000, 24000, 1, 12 };
    random_picks(9900u + (uint64_t)_i, _i % 2, c, 0);
}
END_TEST

/* A query of 200 values from the middle of a walk of len values (plus
 * 0.3), its k picks against the oracle. */
static void picks_on_a_walk(size_t len, size_t k)
{
    size_t m = 200;
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    uint64_t state = 7;
    double x = 0;
    for (size_t j = 0; j < len; j++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        x += (double)(state >> 11) / 9007199254740992.0 - 0.5;
        s[j] = x;
    }
    for (size_t i = 0; i < m; i++)
        q[i] = s[len / 2 + i] + 0.3;
    check_against_oracle(&HDTW_PARAMS_DEFAULT, q, m, s, len, k);
    free(s);
    free(q);
}

/* k = 20 over 30,000 values: the picks run past the first stage of the
 * pick (18 picks in it, seen with a probe when this case was written),
 * and the second, the last one at this length, takes all the rest. */
START_TEST(picks_past_the_best_front)
{
    picks_on_a_walk(30000, 20);
}
END_TEST

/* k = 25 over 140,000 values: 20 picks in the first stage, the other 5 in
 * a second one bounded by its own cut (seen with a probe), whose ends
 * rank after the first's and before the rest. */
START_TEST(picks_through_a_bounded_stage)
{
    picks_on_a_walk(140000, 25);
}
END_TEST

/* A best path longer than any halo: row 1 (100) rides a run of 100s from
 * the 0 before it, so the chunks inside the run start from a column their
 * lanes cannot have (they start fresh inside it) and are computed again
 * from the exact one; the chunks after the run meet it again. */
START_TEST(path_longer_than_a_halo)
{
    const double q[] = { 0, 100, 0 };
    size_t len = 5200;
    double *s = test_alloc(len * sizeof *s);
    s[0] = 0;
    for (size_t j = 1; j < len; j++)
        s[j] = j <= 4000 ? 100 : (double)(j % 7);
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    ck_assert_int_ge(check_every_pass(p.cost, q, 3, s, len), 1);
    check_every_backend(&p, q, 3, s, len, 5);
    free(s);
}
END_TEST

static void max_dist_drops_matches_one(uint64_t seed)
{
    test_rng r = { test_seed(seed) };
    size_t m = test_range(&r, 1, 16), len = test_range(&r, 1, 80);
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    test_fill_series(&r, q, m);
    test_fill_series(&r, s, len);
    hdtw_params p = random_params(&r);
    /* the threshold at a real cost (kept: not greater), just below it
     * (dropped), or +inf (everything kept) */
    hdtw_span all[1];
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, &p, q, m, s, len, 1, all,
                                      &found),
                     HDTW_OK);
    double cut = all[0].distance * (double)test_range(&r, 1, 4);
    double choices[] = { cut, nextafter(cut, 0.0), INFINITY };
    p.max_dist = choices[seed % 3];
    if (p.max_dist > 0)
        check_against_oracle(&p, q, m, s, len, test_range(&r, 1, len + 2));
    free(s);
    free(q);
}

START_TEST(max_dist_drops_matches)
{
    for (uint64_t c = 0; c < 10; c++)
        max_dist_drops_matches_one(6400u + (uint64_t)_i * 10 + c);
}
END_TEST

START_TEST(overflowing_costs)
{
    /* squared differences of 2e300 overflow to +inf: only paths that meet
     * each huge value with its equal stay finite (ends 2 and 3) */
    const double q[] = { 1e300, -1e300, 0 };
    const double s[] = { 1e300, -1e300, 0, 1, -1e300, 1e300, 2 };
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = HDTW_COST_SQUARED;
    check_every_backend(&p, q, 3, s, 7, 7);
    check_every_pass(p.cost, q, 3, s, 7);
    p.max_dist = 1e308; /* the +inf matches are dropped */
    check_against_oracle(&p, q, 3, s, 7, 7);
}
END_TEST

/* The same values over a series long enough for the chunks: in column 0
 * every path of row 1 and below is +inf, so the tie rule takes the
 * out-of-range diagonal, column -1, whose start is 0 (in the costs-only
 * pass, a label of the column before tile 0). */
START_TEST(overflowing_costs_long_series)
{
    const double q[] = { 1e300, -1e300, 0 };
    const double values[] = { 1e300, -1e300, 0, 1, -1e300, 1e300, 2 };
    size_t len = 4500;
    double *s = test_alloc(len * sizeof *s);
    for (size_t j = 0; j < len; j++)
        s[j] = values[(j * j + 3 * j) % 7];
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = HDTW_COST_SQUARED;
    check_passes_and_picks(&p, q, 3, s, len, 40);
    free(s);
}
END_TEST

/* ------------------------------------------------------------ bad input */

static void expect_refused(hdtw_status want, const hdtw_params *p,
                           const double *q, size_t m, const double *s,
                           size_t len, size_t k, hdtw_span *out,
                           size_t *found)
{
    hdtw_span before = out ? out[0] : SENTINEL;
    size_t found_before = found ? *found : 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, p, q, m, s, len, k, out,
                                      found),
                     want);
    if (out)
        ck_assert(same_span(out[0], before));
    if (found)
        ck_assert_uint_eq(*found, found_before);
}

START_TEST(subsequence_bad_input)
{
    double q[] = { 1, 2 }, s[] = { 1, 2, 3 };
    hdtw_span out[2] = { SENTINEL, SENTINEL };
    size_t found = 99;
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    expect_refused(HDTW_E_ARG, &p, NULL, 2, s, 3, 2, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, NULL, 3, 2, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, NULL, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, NULL);
    expect_refused(HDTW_E_ARG, &p, q, 0, s, 3, 2, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 0, 2, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 0, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, SIZE_MAX / 2, s, 3, 2, out, &found);
    expect_refused(HDTW_E_ARG, &p, q, 2, s, SIZE_MAX / 2, 2, out, &found);
    ck_assert_int_eq(hdtw_subsequence(NULL, &p, q, 2, s, 3, 2, out, &found),
                     HDTW_E_ARG);
    p.band = 0; /* a band has no meaning with a free start */
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p.band = 5;
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p = HDTW_PARAMS_DEFAULT;
    p.cost = (hdtw_cost)9;
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p = HDTW_PARAMS_DEFAULT;
    p.max_dist = -1.0;
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p.max_dist = NAN;
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p.max_dist = -INFINITY;
    expect_refused(HDTW_E_ARG, &p, q, 2, s, 3, 2, out, &found);
    p = HDTW_PARAMS_DEFAULT;
    q[1] = NAN;
    expect_refused(HDTW_E_NONFINITE, &p, q, 2, s, 3, 2, out, &found);
    q[1] = 2;
    s[2] = -INFINITY;
    expect_refused(HDTW_E_NONFINITE, &p, q, 2, s, 3, 2, out, &found);
    s[2] = INFINITY;
    expect_refused(HDTW_E_NONFINITE, NULL, q, 2, s, 3, 2, out, &found);
}
END_TEST

/* ------------------------------------------ max_dist of the other calls */

/* The threshold's definition applied to an exact distance. */
static double thresholded(double exact, double max_dist)
{
    return max_dist > 0 && exact > max_dist ? INFINITY : exact;
}

/* distance, batch (windows back to back) and sliding (stride 1) of one
 * pattern, with p->max_dist, against naive_dtw; out[w] for each window */
static void check_threshold_calls(const hdtw_params *p, const double *pat,
                                  size_t m, const double *s, size_t len,
                                  size_t n)
{
    size_t count = len - n + 1;
    double *want = test_alloc(count * sizeof *want);
    double *got = test_alloc(count * sizeof *got);
    double *windows = test_alloc(count * n * sizeof *windows);
    for (size_t w = 0; w < count; w++) {
        memcpy(windows + w * n, s + w, n * sizeof *windows);
        want[w] = thresholded(naive_dtw(p->cost, p->band, pat, m, s + w, n),
                              p->max_dist);
    }
    double one;
    ck_assert_int_eq(hdtw_distance(test_ctx, p, pat, m, s, n, &one), HDTW_OK);
    ck_assert(same_bits(one, want[0]));
    ck_assert_int_eq(hdtw_batch(test_ctx, p, pat, m, windows, count, n, got),
                     HDTW_OK);
    for (size_t w = 0; w < count; w++)
        ck_assert_msg(same_bits(got[w], want[w]), "batch %zu: %.17g vs %.17g",
                      w, got[w], want[w]);
    ck_assert_int_eq(hdtw_sliding(test_ctx, p, pat, m, s, len, n, 1, got),
                     HDTW_OK);
    for (size_t w = 0; w < count; w++)
        ck_assert(same_bits(got[w], want[w]));
    free(windows);
    free(got);
    free(want);
}

static void threshold_on_every_backend(const hdtw_params *p,
                                       const double *pat, size_t m,
                                       const double *s, size_t len, size_t n)
{
    hdtw_backend backends[HDTW_BACKEND_COUNT];
    size_t nb = usable_backends(backends);
    for (size_t b = 0; b < nb; b++) {
        ck_assert_int_eq(hdtw_set_backend(test_ctx, backends[b]), HDTW_OK);
        check_threshold_calls(p, pat, m, s, len, n);
    }
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_AUTO), HDTW_OK);
}

START_TEST(max_dist_every_backend)
{
    test_rng r = { 3300u + (uint64_t)_i };
    size_t m = test_range(&r, 1, 40), n = test_range(&r, 1, 40);
    size_t len = n + test_range(&r, 0, 30);
    double *pat = test_alloc(m * sizeof *pat), *s = test_alloc(len * sizeof *s);
    test_fill_series(&r, pat, m);
    test_fill_series(&r, s, len);
    hdtw_params p = random_params(&r);
    p.band = test_next(&r) % 2 ? -1 : (long)test_range(&r, 0, 8);
    double exact = naive_dtw(p.cost, p.band, pat, m, s, n);
    /* exactly equal (finite), just below (+inf), +inf (exact), none, and
     * the window's median-ish scale so that some windows pass */
    double choices[] = { exact, nextafter(exact, 0.0), INFINITY, 0.0,
                         exact * 1.5 };
    p.max_dist = choices[_i % 5];
    if (p.max_dist == 0.0 && _i % 5 != 3)
        p.max_dist = 0.5; /* exact was 0: nextafter gives 0, which is none */
    threshold_on_every_backend(&p, pat, m, s, len, n);
    free(s);
    free(pat);
}
END_TEST

static int compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Many windows, so the vector backends' lane groups are abandoned (every
 * lane past the threshold) next to groups that are not: the threshold is
 * the 3rd-smallest exact distance (kept, finite), just below it (+inf), or
 * +inf (everything exact), on every backend, against naive_dtw. */
START_TEST(max_dist_abandons_lane_groups)
{
    test_rng r = { test_seed(4400u + (uint64_t)_i) };
    size_t m = test_range(&r, 8, 60), n = test_range(&r, 8, 60);
    size_t len = n + 40; /* 41 windows: whole groups and a remainder */
    double *pat = test_alloc(m * sizeof *pat), *s = test_alloc(len * sizeof *s);
    double *exact = test_alloc((len - n + 1) * sizeof *exact);
    /* ties: a row's minimum often equals the distance */
    fill_case(&r, pat, m, s, len, _i % 2);
    hdtw_params p = random_params(&r);
    p.band = test_next(&r) % 2 ? -1 : (long)test_range(&r, 0, 8);
    for (size_t w = 0; w + n <= len; w++)
        exact[w] = naive_dtw(p.cost, p.band, pat, m, s + w, n);
    qsort(exact, len - n + 1, sizeof *exact, compare_doubles);
    size_t c = 2; /* 0 would mean no threshold: the first positive */
    while (c + 1 < len - n + 1 && exact[c] == 0)
        c++;
    double cut = exact[c] > 0 ? exact[c] : 1.0;
    double choices[] = { cut, nextafter(cut, 0.0), INFINITY };
    p.max_dist = choices[_i / 2 % 3];
    threshold_on_every_backend(&p, pat, m, s, len, n);
    free(exact);
    free(s);
    free(pat);
}
END_TEST

START_TEST(max_dist_edges)
{
    const double a[] = { 0, 1, 3 }, b[] = { 0, 2, 3, 3 };
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    double exact = 1.0, d = -1.0; /* by hand: one step of 1 on the path */
    p.max_dist = 1.0;
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, 3, b, 4, &d), HDTW_OK);
    ck_assert(same_bits(d, exact)); /* equal: returned finite */
    p.max_dist = nextafter(1.0, 0.0);
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, 3, b, 4, &d), HDTW_OK);
    ck_assert(same_bits(d, INFINITY));
    p.max_dist = INFINITY;
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, 3, b, 4, &d), HDTW_OK);
    ck_assert(same_bits(d, exact));
    p.max_dist = DBL_MIN; /* the smallest normal threshold */
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, 3, b, 4, &d), HDTW_OK);
    ck_assert(same_bits(d, INFINITY));

    /* overflowing costs are +inf, above any finite threshold */
    const double big[] = { 1e300, -1e300 }, small[] = { -1e300, 1e300 };
    p.cost = HDTW_COST_SQUARED;
    p.max_dist = DBL_MAX;
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, big, 2, small, 2, &d),
                     HDTW_OK);
    ck_assert(same_bits(d, INFINITY));

    /* align ignores the threshold, even an invalid one */
    hdtw_alignment al;
    p = HDTW_PARAMS_DEFAULT;
    p.max_dist = 1e-9;
    ck_assert_int_eq(hdtw_align(test_ctx, &p, a, 3, b, 4, &al), HDTW_OK);
    ck_assert(same_bits(al.distance, exact));
    hdtw_alignment_free(&al);
    p.max_dist = -1.0;
    ck_assert_int_eq(hdtw_align(test_ctx, &p, a, 3, b, 4, &al), HDTW_OK);
    hdtw_alignment_free(&al);
}
END_TEST

START_TEST(max_dist_bad_values)
{
    const double a[] = { 0, 1 }, w[] = { 0, 1, 2, 3 };
    double out[3] = { -7, -7, -7 };
    const double refused[] = { -1.0, -DBL_MIN, NAN, -INFINITY };
    for (size_t v = 0; v < sizeof refused / sizeof *refused; v++) {
        hdtw_params p = HDTW_PARAMS_DEFAULT;
        p.max_dist = refused[v];
        ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, 2, w, 2, out),
                         HDTW_E_ARG);
        ck_assert_int_eq(hdtw_batch(test_ctx, &p, a, 2, w, 2, 2, out),
                         HDTW_E_ARG);
        ck_assert_int_eq(hdtw_sliding(test_ctx, &p, a, 2, w, 4, 2, 1, out),
                         HDTW_E_ARG);
        for (size_t k = 0; k < 3; k++)
            ck_assert(same_bits(out[k], -7));
    }
}
END_TEST

/* A value that is not finite anywhere in a long series (the core leaves
 * the series' check to the pass, the chunks fuse it into their copy):
 * first value, inside the chunks' first tiles, at chunk boundaries (each
 * lane's halo reads the one before), in the middle, the last value; on
 * every backend, through the API (outputs untouched) and every pass
 * called directly (no finder handed back). */
static void refused_at_each(size_t m, size_t len, const size_t *at,
                            size_t places)
{
    const double bad[] = { NAN, INFINITY, -INFINITY };
    test_rng r = { test_seed(5353u + m) };
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, 0);
    hdtw_backend usable[HDTW_BACKEND_COUNT + 1];
    size_t backends = usable_backends(usable);
    hdtw_subseq_job job = { HDTW_COST_ABS, q, m, s, len };
    double *costs = test_alloc(len * sizeof *costs);
    double *block_min = test_alloc(HDTW_SUBSEQ_BLOCKS(len) * sizeof *costs);
    for (size_t a = 0; a < places; a++) {
        double keep = s[at[a]];
        s[at[a]] = bad[a % 3];
        hdtw_span out[3] = { SENTINEL, SENTINEL, SENTINEL };
        size_t found = 99;
        for (size_t b = 0; b < backends; b++) {
            ck_assert_int_eq(hdtw_set_backend(test_ctx, usable[b]), HDTW_OK);
            expect_refused(HDTW_E_NONFINITE, NULL, q, m, s, len, 3, out,
                           &found);
        }
        for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++) {
            const hdtw_backend_entry *e =
                hdtw_backend_entry_of((hdtw_backend)b);
            if (!e || !e->subsequence ||
                (hdtw_cpu_features() & e->cpu_needs) != e->cpu_needs)
                continue;
            for (int all = 0; all < 2; all++) {
                hdtw_subseq_finder *finder = NULL;
                hdtw_call call = { .subseq = &job, .end_costs = costs,
                                   .end_block_min = block_min,
                                   .subseq_finder = &finder,
                                   .subseq_all_starts = all, .threads = 1 };
                ck_assert_int_eq(e->subsequence(&call), HDTW_E_NONFINITE);
                ck_assert_ptr_null(finder);
            }
        }
        s[at[a]] = keep;
    }
    ck_assert_int_eq(hdtw_set_backend(test_ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    free(block_min);
    free(costs);
    free(s);
    free(q);
}

START_TEST(nonfinite_anywhere_in_a_long_series)
{
    size_t len = 9001;
    /* m = 20, 4 and 8 lanes: chunks of 2,304 and 1,152 values (whole
     * tiles) */
    const size_t at[] = { 0, 5, 127, 128, 1151, 1152, 2303, 2304, 4500,
                          8063, 8064, len - 1 };
    refused_at_each(20, len, at, sizeof at / sizeof *at);
    /* m = 5, two lane groups: AVX-512's 16 chunks of 640 (group 1's
     * first chunk from 5,120, its halo from 4,992; its last chunk partly
     * past the series), AVX2's 8 of 1,152 (group 1 from 4,608, its halo
     * from 4,480) */
    const size_t at_groups[] = { 0,    639,  640,  4479, 4480, 4607,
                                 4608, 4991, 4992, 5119, 5120, 5759,
                                 5760, 8959, 8960, len - 1 };
    refused_at_each(5, len, at_groups, sizeof at_groups / sizeof *at_groups);
}
END_TEST

/* 1 when this CPU has a backend with the costs-only chunks (AVX2). */
static int has_costs_only_pass(void)
{
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_AVX2);
    return e && (hdtw_cpu_features() & e->cpu_needs) == e->cpu_needs;
}

/* Every end of every pass and every backend's picks, and (where the CPU
 * has a vector backend) the costs-only pass ran. */
static void check_passes_and_picks(const hdtw_params *p, const double *q,
                                   size_t m, const double *s, size_t len,
                                   size_t k)
{
    int before = costs_only_passes;
    ck_assert_int_ge(check_every_pass(p->cost, q, m, s, len), 1);
    if (has_costs_only_pass())
        ck_assert_int_gt(costs_only_passes, before);
    check_every_backend(p, q, m, s, len, k);
}

/* q = { 0, 100, 0 } over a series of 40 + j % period with n runs of
 * 100s, run r at first[r] + 1 .. first[r] + run[r] between two 0s: every
 * pass and pick against the oracle, and the worked answer: the n best
 * are the runs, zero-cost, in end order. */
static void zero_cost_runs(hdtw_cost cost, size_t len, size_t period,
                           const size_t *first, const size_t *run, size_t n)
{
    const double q[] = { 0, 100, 0 };
    double *s = test_alloc(len * sizeof *s);
    for (size_t j = 0; j < len; j++)
        s[j] = 40 + (double)(j % period);
    for (size_t r = 0; r < n; r++) {
        s[first[r]] = 0;
        for (size_t j = 1; j <= run[r]; j++)
            s[first[r] + j] = 100;
        s[first[r] + run[r] + 1] = 0;
    }
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = cost;
    check_passes_and_picks(&p, q, 3, s, len, 5);
    hdtw_span best[3];
    size_t found = 0;
    ck_assert_int_eq(hdtw_subsequence(test_ctx, &p, q, 3, s, len, n, best,
                                      &found),
                     HDTW_OK);
    ck_assert_uint_eq(found, n);
    for (size_t r = 0; r < n; r++) {
        ck_assert_uint_eq(best[r].start, first[r]);
        ck_assert_uint_eq(best[r].end, first[r] + run[r] + 1);
        ck_assert(best[r].distance == 0.0);
    }
    free(s);
}

/* Zero-cost matches whose row 1 rides a run of 100s across 1, 2 and many
 * tile edges (HDTW_SUBSEQ_TILE = 128 columns: the runs cover 1,000-1,131,
 * 2,400-2,661 and 3,100-3,701), inside the lanes' chunks (boundaries at
 * multiples of 768 here): the starts of the costs-only pass come through
 * one, two and many labels. */
START_TEST(starts_cross_tile_edges)
{
    const size_t first[] = { 1000, 2400, 3100 }, run[] = { 130, 260, 600 };
    zero_cost_runs(_i ? HDTW_COST_SQUARED : HDTW_COST_ABS, 6000, 5, first,
                   run, 3);
}
END_TEST

/* Ties everywhere, with paths longer than a tile (m = 100 > 128 - the
 * column inside the tile): a constant query on a constant series (every
 * cost 0, every path the diagonal) and small integers; long enough for
 * the chunks. */
START_TEST(ties_at_tile_edges)
{
    test_rng r = { test_seed(4242u + (uint64_t)_i) };
    size_t m = 100, len = 16400;
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    if (_i == 0) {
        for (size_t i = 0; i < m; i++)
            q[i] = 3;
        for (size_t j = 0; j < len; j++)
            s[j] = 3;
    } else {
        fill_case(&r, q, m, s, len, 1);
    }
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    check_passes_and_picks(&p, q, m, s, len, 8);
    free(s);
    free(q);
}
END_TEST

/* Queries of every length around the finder's vector bands (4 and 8
 * rows: a partial last band, one band, one row past it, m = 1), on a
 * series long enough for the costs-only chunks: every start they find is
 * the oracle's. */
START_TEST(finder_bands_of_every_height)
{
    const size_t heights[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17 };
    size_t m = heights[_i], len = 4400 + 37 * (size_t)_i;
    test_rng r = { test_seed(7272u + (uint64_t)_i) };
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, _i % 2);
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = _i % 3 ? HDTW_COST_ABS : HDTW_COST_SQUARED;
    check_passes_and_picks(&p, q, m, s, len, 6);
    free(s);
    free(q);
}
END_TEST

/* The shortest series on which AVX-512's costs-only pass sweeps two lane
 * groups of 8 chunks for a query under 12 rows: 16 chunks of four halos
 * (one tile each at m <= 32); AVX2's two groups of 4 from half that.
 * Shorter series run one group. */
#define TWO_GROUPS_LEN (16 * 4 * HDTW_SUBSEQ_TILE)

/* Two lane groups: queries of 1-11 rows (shorter and longer than a 4-row
 * block) over series just below, at and above TWO_GROUPS_LEN and half of
 * it (AVX-512's and AVX2's thresholds; the last chunks partly or wholly
 * past the series), walks and small integers (ties), both costs, and
 * max_dist at a real cost, just below it or +inf: every end of every pass
 * and every backend's picks against the oracle. */
START_TEST(two_lane_groups_every_pass)
{
    const size_t lens[] = { TWO_GROUPS_LEN / 2 - 1, TWO_GROUPS_LEN / 2,
                            TWO_GROUPS_LEN - 1,     TWO_GROUPS_LEN,
                            TWO_GROUPS_LEN + 1,     TWO_GROUPS_LEN + 2477 };
    test_rng r = { test_seed(6464u + (uint64_t)_i) };
    size_t m = 1 + (size_t)_i % 11, len = lens[_i % 6];
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, _i % 2);
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = _i % 3 ? HDTW_COST_ABS : HDTW_COST_SQUARED;
    if (_i % 5 == 4) { /* a threshold at the best cost or just below it */
        hdtw_span best[1];
        size_t found = 0;
        ck_assert_int_eq(hdtw_subsequence(test_ctx, &p, q, m, s, len, 1,
                                          best, &found),
                         HDTW_OK);
        p.max_dist = _i % 2 ? best[0].distance
                            : nextafter(best[0].distance, 0.0);
        p.max_dist = p.max_dist > 0 ? p.max_dist : INFINITY;
    }
    size_t recomputed = hdtw_subseq_recomputed_chunks;
    check_passes_and_picks(&p, q, m, s, len, 12);
    /* every lane met the exact column: the groups' ends came from their
     * own lanes, not from the scalar pass's recomputation */
    ck_assert_uint_eq(hdtw_subseq_recomputed_chunks, recomputed);
    free(s);
    free(q);
}
END_TEST

/* Two lane groups, a best path longer than any halo (as
 * path_longer_than_a_halo): the run of 100s covers chunks on both sides
 * of the groups' boundary (16 chunks of 640 here: group 1 from 5,120), so
 * chunks of both groups are computed again and the ones after the run
 * meet the exact column again; the worked best match is the run itself. */
START_TEST(two_groups_path_longer_than_a_halo)
{
    const size_t first[] = { 0 }, run[] = { 6000 };
    size_t recomputed = hdtw_subseq_recomputed_chunks;
    zero_cost_runs(HDTW_COST_ABS, 9000, 7, first, run, 1);
    ck_assert_uint_gt(hdtw_subseq_recomputed_chunks, recomputed);
}
END_TEST

/* k in the hundreds on a long series: many pops, each asking for a start,
 * over many tiles, in rank order rather than tile order. */
START_TEST(many_picks_many_tiles)
{
    const case_ranges c = { 4, 40, 4500, 5200, 200, 600 };
    random_picks(6161u + (uint64_t)_i, _i % 2, c, 1);
}
END_TEST

/* A query longer than three tiles (m > 384): the chunks keep the starts
 * (their edges would outgrow the ends), so a caller offering to take
 * edges gets none, and the ends equal the scalar pass's bytes. The series
 * is just long enough for AVX2's chunks (four lanes, four halos each). */
START_TEST(long_query_keeps_starts)
{
    size_t m = 3 * HDTW_SUBSEQ_TILE + 1;
    size_t halo = (4 * m + HDTW_SUBSEQ_TILE - 1) / HDTW_SUBSEQ_TILE *
                  HDTW_SUBSEQ_TILE;
    size_t len = 16 * halo + 50;
    test_rng r = { test_seed(3131u) };
    double *q = test_alloc(m * sizeof *q), *s = test_alloc(len * sizeof *s);
    fill_case(&r, q, m, s, len, 0);
    hdtw_span *want = test_alloc(len * sizeof *want);
    hdtw_span *got = test_alloc(len * sizeof *got);
    hdtw_subseq_job job = { HDTW_COST_ABS, q, m, s, len };
    run_pass(hdtw_backend_entry_of(HDTW_BACKEND_SCALAR), &job, 1, 0, want);
    for (int b = HDTW_BACKEND_AVX2; b <= HDTW_BACKEND_AVX512; b++) {
        const hdtw_backend_entry *e = hdtw_backend_entry_of((hdtw_backend)b);
        if (!e || (hdtw_cpu_features() & e->cpu_needs) != e->cpu_needs)
            continue;
        ck_assert(!run_pass(e, &job, 0, 1, got));
        check_ends(got, want, m, len, b, "long query");
    }
    free(got);
    free(want);
    free(s);
    free(q);
}
END_TEST

static Suite *subsequence_suite(void)
{
    Suite *s = suite_create("subsequence");
    TCase *hand = tcase_create("by_hand");
    tcase_add_checked_fixture(hand, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(hand, exact_motifs_found_in_end_order);
    tcase_add_test(hand, constant_series_ties);
    tcase_add_test(hand, warped_match_longer_than_query);
    tcase_add_test(hand, query_of_one_value);
    suite_add_tcase(s, hand);

    TCase *oracle = tcase_create("oracle");
    tcase_add_checked_fixture(oracle, test_ctx_setup, test_ctx_teardown);
    tcase_set_timeout(oracle, 120);
    tcase_add_loop_test(oracle, random_cases_vs_oracle, 0, 20);
    tcase_add_loop_test(oracle, repeated_motifs_vs_oracle, 0, 6);
    tcase_add_loop_test(oracle, every_backend_same_bits, 0, 40);
    tcase_add_loop_test(oracle, max_dist_drops_matches, 0, 6);
    tcase_add_test(oracle, overflowing_costs);
    tcase_add_test(oracle, overflowing_costs_long_series);
    tcase_add_loop_test(oracle, long_series_every_pass, 0, 6);
    tcase_add_test(oracle, path_longer_than_a_halo);
    tcase_add_loop_test(oracle, long_series_picks, 0, 8);
    tcase_add_test(oracle, picks_past_the_best_front);
    tcase_add_test(oracle, picks_through_a_bounded_stage);
    tcase_add_loop_test(oracle, starts_cross_tile_edges, 0, 2);
    tcase_add_loop_test(oracle, ties_at_tile_edges, 0, 2);
    tcase_add_loop_test(oracle, many_picks_many_tiles, 0, 4);
    tcase_add_loop_test(oracle, finder_bands_of_every_height, 0, 11);
    tcase_add_test(oracle, long_query_keeps_starts);
    tcase_add_loop_test(oracle, two_lane_groups_every_pass, 0, 12);
    tcase_add_test(oracle, two_groups_path_longer_than_a_halo);
    suite_add_tcase(s, oracle);

    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(bad, subsequence_bad_input);
    tcase_add_test(bad, nonfinite_anywhere_in_a_long_series);
    suite_add_tcase(s, bad);

    TCase *threshold = tcase_create("max_dist");
    tcase_add_checked_fixture(threshold, test_ctx_setup, test_ctx_teardown);
    tcase_set_timeout(threshold, 120);
    tcase_add_loop_test(threshold, max_dist_every_backend, 0, 20);
    tcase_add_loop_test(threshold, max_dist_abandons_lane_groups, 0, 24);
    tcase_add_test(threshold, max_dist_edges);
    tcase_add_test(threshold, max_dist_bad_values);
    suite_add_tcase(s, threshold);
    return s;
}

int main(void)
{
    return test_run_suite(subsequence_suite(), CK_FORK_GETENV);
}
