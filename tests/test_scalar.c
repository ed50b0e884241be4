/* SPDX-License-Identifier: MIT */
/*
 * test_scalar.c — the scalar reference against golden values from peer
 * libraries, against an independent naive implementation (memcmp), and
 * against the properties DTW must have. Runs on whatever backend the
 * environment selects (HDTW_BACKEND / HDTW_DISABLE), so the suite also
 * checks the other backends when CI runs it under each setting.
 */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dist(hdtw_cost cost, long band, const double *a, size_t m,
                   const double *b, size_t n)
{
    hdtw_params p = { cost, band, 0.0 };
    double d = NAN;
    ck_assert_int_eq(hdtw_distance(test_ctx, &p, a, m, b, n, &d), HDTW_OK);
    return d;
}

/* ------------------------------------------------------------ golden values */

START_TEST(golden_dtaidistance)
{
    /* dtaidistance docs: dtw.distance(s1, s2) = 1.4142135623730951 = sqrt(2) */
    const double s1[] = { 0, 0, 1, 2, 1, 0, 1, 0, 0 };
    const double s2[] = { 0, 1, 2, 0, 0, 0, 0, 0, 0 };
    double sq = dist(HDTW_COST_SQUARED, -1, s1, 9, s2, 9);
    ck_assert(same_bits(sq, 2.0));
    ck_assert(same_bits(sqrt(sq), 1.4142135623730951));
    ck_assert(same_bits(dist(HDTW_COST_ABS, -1, s1, 9, s2, 9), 2.0));
}
END_TEST

START_TEST(golden_tslearn)
{
    /* tslearn docs: dtw([1,2,3], [1,2,2,3]) = 0, dtw([1,2,3], [1,2,2,3,4]) = 1 */
    const double a[] = { 1, 2, 3 };
    const double b[] = { 1, 2, 2, 3 };
    const double c[] = { 1, 2, 2, 3, 4 };
    ck_assert(same_bits(dist(HDTW_COST_SQUARED, -1, a, 3, b, 4), 0.0));
    ck_assert(same_bits(dist(HDTW_COST_SQUARED, -1, a, 3, c, 5), 1.0));
}
END_TEST

/* Peer goldens with a Sakoe–Chiba band on equal lengths. Computed once
 * (not at test time) with dtaidistance 2.5.1 and tslearn 0.10.0 from PyPI,
 * numpy 2.4.6, in a throwaway venv:
 *   python3 -m venv /tmp/venv-peers
 *   /tmp/venv-peers/bin/pip install dtaidistance tslearn
 *   /tmp/venv-peers/bin/python - <<'PY'
 *   import random, numpy as np
 *   from dtaidistance import dtw
 *   from tslearn.metrics import dtw as ts_dtw
 *   random.seed(21)
 *   def walk(n):
 *       x = [0.0]
 *       for _ in range(n - 1):
 *           x.append(x[-1] + random.choice([-3, -2, -1, 0, 1, 2, 3]) * 0.125)
 *       return x
 *   a = np.array(walk(16)); b = np.array(walk(16)) + 0.5
 *   for w in (1, 2, 3, 5, 16): print(w, dtw.distance(a, b, window=w).hex())
 *   for r in (0, 1, 2, 4, 15): print(r, ts_dtw(a, b,
 *       global_constraint="sakoe_chiba", sakoe_chiba_radius=r).hex())
 *   PY
 * Both return the square root of the accumulated squared cost. The values
 * are multiples of 1/8, so every sum is exact and the peers' bits must be
 * ours. dtaidistance's window w keeps |i - j| < w. */
static const double peer_a[16] = { 0.0, -0.25, -0.25, 0.0, 0.0, 0.25, 0.125,
                                   0.125, 0.5, 0.25, 0.625, 0.625, 1.0, 1.125,
                                   0.875, 1.0 };
static const double peer_b[16] = { 0.5, 0.625, 0.375, 0.75, 0.375, 0.0,
                                   -0.125, 0.0, 0.0, -0.375, -0.625, -0.25,
                                   0.125, -0.125, -0.375, -0.125 };

/* tslearn's radius r is band r; dtaidistance's window w is band w - 1 */
static const struct { const char *peer; long band; double distance; }
peer_banded[] = {
    { "tslearn sakoe_chiba_radius 0", 0, 0x1.9c4a8969b7077p+1 },
    { "tslearn sakoe_chiba_radius 1", 1, 0x1.90a3b58a0599cp+1 },
    { "tslearn sakoe_chiba_radius 2", 2, 0x1.879774abeb0dep+1 },
    { "tslearn sakoe_chiba_radius 4", 4, 0x1.72c5acc093bb4p+1 },
    { "tslearn sakoe_chiba_radius 15", 15, 0x1.5ee84b0d1f876p+1 },
    { "dtaidistance window 1", 1 - 1, 0x1.9c4a8969b7077p+1 },
    { "dtaidistance window 2", 2 - 1, 0x1.90a3b58a0599cp+1 },
    { "dtaidistance window 3", 3 - 1, 0x1.879774abeb0dep+1 },
    { "dtaidistance window 5", 5 - 1, 0x1.72c5acc093bb4p+1 },
    { "dtaidistance window 16", 16 - 1, 0x1.5ee84b0d1f876p+1 },
};

START_TEST(golden_peers_with_a_band)
{
    const size_t k = (size_t)_i;
    double sq = dist(HDTW_COST_SQUARED, peer_banded[k].band, peer_a, 16,
                     peer_b, 16);
    ck_assert_msg(same_bits(sqrt(sq), peer_banded[k].distance),
                  "%s: %a, peer %a", peer_banded[k].peer, sqrt(sq),
                  peer_banded[k].distance);
}
END_TEST

START_TEST(golden_aeon)
{
    /* aeon docs: dtw_distance(1..10, 11..20) = 768.0 */
    double x[10], y[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1;
        y[i] = i + 11;
    }
    ck_assert(same_bits(dist(HDTW_COST_SQUARED, -1, x, 10, y, 10), 768.0));
}
END_TEST

/* ------------------------------------------------- naive full-matrix twin */

static long random_band(test_rng *r, size_t m, size_t n)
{
    size_t longest = m > n ? m : n;
    switch (test_next(r) % 5) {
    case 0: return -1;
    case 1: return 0;
    case 2: return (long)test_range(r, longest, 2 * longest + 5); /* beyond */
    default: return (long)test_range(r, 0, longest);
    }
}

static void check_against_naive(test_rng *r, size_t m, size_t n)
{
    double *a = test_alloc(m * sizeof *a), *b = test_alloc(n * sizeof *b);
    test_fill_series(r, a, m);
    test_fill_series(r, b, n);
    hdtw_cost cost = test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    long band = random_band(r, m, n);
    double want = naive_dtw(cost, band, a, m, b, n);
    double got = dist(cost, band, a, m, b, n);
    ck_assert_msg(same_bits(got, want),
                  "m=%zu n=%zu cost=%d band=%ld: got %.17g want %.17g", m, n,
                  (int)cost, band, got, want);
    free(a);
    free(b);
}

START_TEST(random_vs_naive)
{
    test_rng r = { test_seed(1000u + (uint64_t)_i) };
    for (int c = 0; c < 100; c++) {
        size_t m = test_range(&r, 1, 300);
        size_t n = test_next(&r) % 3 ? test_range(&r, 1, 300) : m;
        check_against_naive(&r, m, n);
    }
}
END_TEST

START_TEST(long_vs_naive)
{
    test_rng r = { test_seed(77u + (uint64_t)_i) };
    size_t m = test_range(&r, 1500, 2100), n = test_range(&r, 1000, 2100);
    check_against_naive(&r, m, n);
}
END_TEST

/* --------------------------------------------------------------- properties */

START_TEST(self_distance_is_zero)
{
    test_rng r = { test_seed(5u + (uint64_t)_i) };
    size_t n = test_range(&r, 1, 500);
    double *a = test_alloc(n * sizeof *a);
    test_fill_series(&r, a, n);
    for (int cost = 0; cost < 2; cost++)
        ck_assert(same_bits(dist((hdtw_cost)cost, random_band(&r, n, n), a,
                                 n, a, n), 0.0));
    free(a);
}
END_TEST

START_TEST(band_zero_is_lockstep)
{
    test_rng r = { test_seed(11u + (uint64_t)_i) };
    size_t n = test_range(&r, 1, 400);
    double *a = test_alloc(n * sizeof *a), *b = test_alloc(n * sizeof *b);
    test_fill_series(&r, a, n);
    test_fill_series(&r, b, n);
    for (int cost = 0; cost < 2; cost++) {
        double sum = 0.0; /* left to right: the order D(i,i) accumulates in */
        for (size_t i = 0; i < n; i++) {
            double d = a[i] - b[i];
            sum = (cost ? d * d : fabs(d)) + sum;
        }
        ck_assert(same_bits(dist((hdtw_cost)cost, 0, a, n, b, n), sum));
    }
    free(a);
    free(b);
}
END_TEST

START_TEST(wide_band_is_unconstrained)
{
    test_rng r = { test_seed(23u + (uint64_t)_i) };
    size_t m = test_range(&r, 1, 300), n = test_range(&r, 1, 300);
    double *a = test_alloc(m * sizeof *a), *b = test_alloc(n * sizeof *b);
    test_fill_series(&r, a, m);
    test_fill_series(&r, b, n);
    long longest = (long)(m > n ? m : n);
    for (int cost = 0; cost < 2; cost++) {
        double free_dist = dist((hdtw_cost)cost, -1, a, m, b, n);
        ck_assert(same_bits(dist((hdtw_cost)cost, longest, a, m, b, n),
                            free_dist));
        ck_assert(same_bits(dist((hdtw_cost)cost, 1L << 40, a, m, b, n),
                            free_dist));
    }
    free(a);
    free(b);
}
END_TEST

START_TEST(band_narrower_than_skew_is_widened)
{
    /* |m - n| = 7: bands 0..7 all mean width 7 */
    test_rng r = { test_seed(31u + (uint64_t)_i) };
    size_t m = test_range(&r, 8, 200), n = m - 7;
    double *a = test_alloc(m * sizeof *a), *b = test_alloc(n * sizeof *b);
    test_fill_series(&r, a, m);
    test_fill_series(&r, b, n);
    double at_skew = dist(HDTW_COST_ABS, 7, a, m, b, n);
    for (long band = 0; band < 7; band++)
        ck_assert(same_bits(dist(HDTW_COST_ABS, band, a, m, b, n), at_skew));
    free(a);
    free(b);
}
END_TEST

START_TEST(batch_and_sliding_equal_distance)
{
    test_rng r = { test_seed(41u + (uint64_t)_i) };
    size_t m = test_range(&r, 1, 120), n = test_range(&r, 1, 120);
    size_t count = test_range(&r, 1, 60), stride = test_range(&r, 1, 9);
    size_t len = (count - 1) * stride + n + test_range(&r, 0, stride - 1);
    hdtw_params p = { test_next(&r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS,
                      random_band(&r, m, n), 0.0 };
    double *pat = test_alloc(m * sizeof *pat);
    double *series = test_alloc(len * sizeof *series);
    double *windows = test_alloc(count * n * sizeof *windows);
    double *by_batch = test_alloc(count * sizeof *by_batch);
    double *by_sliding = test_alloc(count * sizeof *by_sliding);
    test_fill_series(&r, pat, m);
    test_fill_series(&r, series, len);
    for (size_t k = 0; k < count; k++)
        memcpy(windows + k * n, series + k * stride, n * sizeof *windows);

    ck_assert_uint_eq(hdtw_sliding_count(len, n, stride), count);
    ck_assert_int_eq(hdtw_sliding(test_ctx, &p, pat, m, series, len, n, stride,
                                  by_sliding), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(test_ctx, &p, pat, m, windows, count, n,
                                by_batch),
                     HDTW_OK);
    for (size_t k = 0; k < count; k++) {
        double one = dist(p.cost, p.band, pat, m, windows + k * n, n);
        ck_assert(same_bits(by_batch[k], one));
        ck_assert(same_bits(by_sliding[k], one));
    }
    free(pat);
    free(series);
    free(windows);
    free(by_batch);
    free(by_sliding);
}
END_TEST

/* ---------------------------------------------------------------- alignment */

/* The documented walk evaluated on the literal matrix: from (m-1, n-1),
 * the smallest of diagonal, up (i-1, j) and left (i, j-1), ties in that
 * order; one way back along the first row and column. Writes the path
 * first cell first; returns its length. */
static size_t reference_path(hdtw_cost cost, long band, const double *a,
                             size_t m, const double *b, size_t n,
                             size_t *path)
{
    /* the moves back, in the documented order of preference */
    static const struct { size_t di, dj; } move[3] = {
        { 1, 1 }, /* diagonal */
        { 1, 0 }, /* up */
        { 0, 1 }, /* left */
    };
    double *D = naive_dtw_matrix(cost, band, a, m, b, n);
    size_t steps = m + n - 1, len = 0, i = m - 1, j = n - 1;
    for (;; len++) {
        path[2 * (steps - 1 - len)] = i;
        path[2 * (steps - 1 - len) + 1] = j;
        if (i == 0 && j == 0)
            break;
        int best = -1; /* the first move inside the matrix with the least D */
        for (int k = 0; k < 3; k++) {
            if (move[k].di > i || move[k].dj > j)
                continue;
            double here = D[(i - move[k].di) * n + j - move[k].dj];
            if (best < 0 ||
                here < D[(i - move[best].di) * n + j - move[best].dj])
                best = k;
        }
        i -= move[best].di;
        j -= move[best].dj;
    }
    len++;
    memmove(path, path + 2 * (steps - len), 2 * len * sizeof *path);
    free(D);
    return len;
}

static void check_alignment(test_rng *r, size_t m, size_t n)
{
    double *a = test_alloc(m * sizeof *a), *b = test_alloc(n * sizeof *b);
    test_fill_series(r, a, m);
    test_fill_series(r, b, n);
    hdtw_params p = { test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS,
                      random_band(r, m, n), 0.0 };
    hdtw_alignment al;
    ck_assert_int_eq(hdtw_align(test_ctx, &p, a, m, b, n, &al), HDTW_OK);
    ck_assert(same_bits(al.distance, dist(p.cost, p.band, a, m, b, n)));

    size_t *path = al.path, len = al.path_len;
    ck_assert_uint_ge(len, m > n ? m : n);
    ck_assert_uint_le(len, m + n - 1);
    ck_assert_uint_eq(path[0], 0);
    ck_assert_uint_eq(path[1], 0);
    ck_assert_uint_eq(path[2 * len - 2], m - 1);
    ck_assert_uint_eq(path[2 * len - 1], n - 1);
    double sum = 0.0;
    for (size_t k = 0; k < len; k++) {
        size_t i = path[2 * k], j = path[2 * k + 1];
        if (k > 0) {
            size_t di = i - path[2 * k - 2], dj = j - path[2 * k - 1];
            ck_assert(di <= 1 && dj <= 1 && di + dj >= 1);
        }
        double d = a[i] - b[j];
        sum = (p.cost == HDTW_COST_SQUARED ? d * d : fabs(d)) + sum;
    }
    ck_assert_msg(same_bits(sum, al.distance), "path sum %.17g vs %.17g", sum,
                  al.distance);
    /* every cell inside the band, and the documented walk exactly */
    long width = p.band < 0 ? -1 : p.band > labs((long)m - (long)n)
                                        ? p.band
                                        : labs((long)m - (long)n);
    for (size_t k = 0; width >= 0 && k < len; k++)
        ck_assert_msg(labs((long)path[2 * k] - (long)path[2 * k + 1]) <= width,
                      "path cell (%zu,%zu) outside the band %ld", path[2 * k],
                      path[2 * k + 1], width);
    size_t *want = test_alloc(2 * (m + n - 1) * sizeof *want);
    ck_assert_uint_eq(reference_path(p.cost, p.band, a, m, b, n, want), len);
    ck_assert_mem_eq(path, want, 2 * len * sizeof *want);
    free(want);
    ck_assert(same_bits(al.similarity,
                        1.0 / (1.0 + al.distance / (double)len)));
    ck_assert(al.similarity > 0.0 && al.similarity <= 1.0);
    hdtw_alignment_free(&al);
    ck_assert_ptr_null(al.path);
    ck_assert_uint_eq(al.path_len, 0);
    free(a);
    free(b);
}

START_TEST(alignment_paths)
{
    test_rng r = { test_seed(300u + (uint64_t)_i) };
    for (int c = 0; c < 20; c++)
        check_alignment(&r, test_range(&r, 1, 200), test_range(&r, 1, 200));
}
END_TEST

START_TEST(alignment_prefers_diagonal_on_ties)
{
    /* all costs zero: every path sums to 0, the tie rule makes it diagonal
     * first, then up along the longer side */
    double a[6] = { 0 }, b[4] = { 0 };
    hdtw_alignment al;
    ck_assert_int_eq(hdtw_align(test_ctx, NULL, a, 6, b, 4, &al), HDTW_OK);
    const size_t want[] = { 0, 0, 1, 0, 2, 0, 3, 1, 4, 2, 5, 3 };
    ck_assert_uint_eq(al.path_len, 6);
    ck_assert_mem_eq(al.path, want, sizeof want);
    ck_assert(same_bits(al.similarity, 1.0));
    hdtw_alignment_free(&al);
}
END_TEST

/* An up/left tie below a larger diagonal, on the walk's way back from
 * (2,2): up gives the path below, left would give (0,0) (1,0) (2,1) (2,2).
 * Paths from a separate Python evaluation of the documented walk. */
START_TEST(alignment_prefers_up_to_left_on_ties)
{
    const double a[3] = { 0, 1, 0 }, b[3] = { 1, 0, 1 };
    const size_t want[] = { 0, 0, 0, 1, 1, 2, 2, 2 };
    hdtw_alignment al;
    ck_assert_int_eq(hdtw_align(test_ctx, NULL, a, 3, b, 3, &al), HDTW_OK);
    ck_assert(same_bits(al.distance, 2.0));
    ck_assert_uint_eq(al.path_len, 4);
    ck_assert_mem_eq(al.path, want, sizeof want);
    hdtw_alignment_free(&al);
    /* the series swapped: the same cells */
    ck_assert_int_eq(hdtw_align(test_ctx, NULL, b, 3, a, 3, &al), HDTW_OK);
    ck_assert_uint_eq(al.path_len, 4);
    ck_assert_mem_eq(al.path, want, sizeof want);
    hdtw_alignment_free(&al);
}
END_TEST

static Suite *scalar_suite(void)
{
    Suite *s = suite_create("scalar");
    TCase *golden = tcase_create("golden");
    tcase_add_checked_fixture(golden, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(golden, golden_dtaidistance);
    tcase_add_test(golden, golden_tslearn);
    tcase_add_loop_test(golden, golden_peers_with_a_band, 0,
                        sizeof peer_banded / sizeof *peer_banded);
    tcase_add_test(golden, golden_aeon);
    suite_add_tcase(s, golden);

    TCase *naive = tcase_create("naive");
    tcase_add_checked_fixture(naive, test_ctx_setup, test_ctx_teardown);
    tcase_set_timeout(naive, 120);
    tcase_add_loop_test(naive, random_vs_naive, 0, 40);
    tcase_add_loop_test(naive, long_vs_naive, 0, 4);
    suite_add_tcase(s, naive);

    TCase *props = tcase_create("properties");
    tcase_add_checked_fixture(props, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(props, self_distance_is_zero, 0, 20);
    tcase_add_loop_test(props, band_zero_is_lockstep, 0, 20);
    tcase_add_loop_test(props, wide_band_is_unconstrained, 0, 20);
    tcase_add_loop_test(props, band_narrower_than_skew_is_widened, 0, 10);
    tcase_add_loop_test(props, batch_and_sliding_equal_distance, 0, 40);
    suite_add_tcase(s, props);

    TCase *align = tcase_create("alignment");
    tcase_add_checked_fixture(align, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(align, alignment_paths, 0, 20);
    tcase_add_test(align, alignment_prefers_diagonal_on_ties);
    tcase_add_test(align, alignment_prefers_up_to_left_on_ties);
    suite_add_tcase(s, align);
    return s;
}

int main(void)
{
    return test_run_suite(scalar_suite(), CK_FORK_GETENV);
}
