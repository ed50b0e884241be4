/* SPDX-License-Identifier: MIT */
/*
 * test_matrix.c — hdtw_cdist and hdtw_pdist against hdtw_distance on every
 * pair (scalar, its own context), with memcmp: randomized fixed and ragged
 * sets, both costs, bands, every backend present (OpenCL included when a
 * device is, in the unmasked run only: PoCL's compiles are slow), 1..3
 * threads; blocks of a matrix against the whole; bad input with the output
 * untouched; the progress callback (hdtw_set_progress) on matrices, batch
 * and sliding: its calls, and cancellation with the output untouched.
 * The scalar reference itself is checked against the naive DP of
 * testutil.c on a small set, so the oracle is independent.
 */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- sets */

/* A random set: fixed length `len` when ragged is 0, else lengths in
 * [1, len], stored after `lead` unused values (offsets[0] = lead), so that
 * offsets need not start at 0. Owns values and offsets. */
typedef struct {
    hdtw_set set;
    double *values;
    size_t *offsets;
} test_set;

static test_set make_set(test_rng *r, size_t count, size_t len, int ragged)
{
    test_set t = { { NULL, NULL, count, len }, NULL, NULL };
    size_t lead = ragged ? test_range(r, 0, 3) : 0, total = lead;
    if (ragged) {
        t.offsets = test_alloc((count + 1) * sizeof *t.offsets);
        t.offsets[0] = lead;
        for (size_t i = 0; i < count; i++) {
            total += test_range(r, 1, len);
            t.offsets[i + 1] = total;
        }
    } else {
        total = count * len;
    }
    t.values = test_alloc(total * sizeof *t.values);
    for (size_t i = 0; i < lead; i++)
        t.values[i] = NAN; /* never read */
    test_fill_series(r, t.values + lead, total - lead);
    t.set.values = t.values;
    t.set.offsets = t.offsets;
    return t;
}

static void free_set(test_set *t)
{
    free(t->values);
    free(t->offsets);
}

static size_t len_of(const hdtw_set *s, size_t i)
{
    return s->offsets ? s->offsets[i + 1] - s->offsets[i] : s->len;
}

static const double *at(const hdtw_set *s, size_t i)
{
    return s->values + (s->offsets ? s->offsets[i] : i * s->len);
}

/* ------------------------------------------------------------ oracles */

static hdtw_ctx *reference(void)
{
    hdtw_ctx *ref;
    ck_assert_int_eq(hdtw_create(&ref), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ref, HDTW_BACKEND_SCALAR), HDTW_OK);
    return ref;
}

static double pair(hdtw_ctx *ref, const hdtw_params *p, const hdtw_set *a,
                   size_t i, const hdtw_set *b, size_t j)
{
    double d = -1.0;
    ck_assert_int_eq(hdtw_distance(ref, p, at(a, i), len_of(a, i), at(b, j),
                                   len_of(b, j), &d),
                     HDTW_OK);
    return d;
}

/* The full row-major matrix, pair by pair. */
static double *expected_cdist(const hdtw_params *p, const hdtw_set *a,
                              const hdtw_set *b)
{
    hdtw_ctx *ref = reference();
    double *e = test_alloc(a->count * b->count * sizeof *e);
    for (size_t i = 0; i < a->count; i++)
        for (size_t j = 0; j < b->count; j++)
            e[i * b->count + j] = pair(ref, p, a, i, b, j);
    hdtw_destroy(ref);
    return e;
}

/* The condensed triangle, walked in scipy's order (not by the formula). */
static double *expected_pdist(const hdtw_params *p, const hdtw_set *x)
{
    hdtw_ctx *ref = reference();
    double *e = test_alloc((x->count * (x->count - 1) / 2 + 1) * sizeof *e);
    size_t k = 0;
    for (size_t i = 0; i < x->count; i++)
        for (size_t j = i + 1; j < x->count; j++)
            e[k++] = pair(ref, p, x, i, x, j);
    hdtw_destroy(ref);
    return e;
}

static void assert_same(const double *got, const double *want, size_t n,
                        const char *what, int backend, int threads)
{
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(same_bits(got[k], want[k]),
                      "%s backend %d threads %d: element %zu is %.17g, "
                      "pairwise %.17g", what, backend, threads, k, got[k],
                      want[k]);
}

/* The backends to try: every CPU one; OpenCL when `device` is set, and
 * only in the unmasked run (PoCL is slow, under ASan most of all). */
static int wanted(hdtw_ctx *ctx, int b, int device)
{
    const char *masked = getenv("HDTW_DISABLE");
    if (b == HDTW_BACKEND_OPENCL && (!device || (masked && *masked)))
        return 0;
    return hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK;
}

static hdtw_params random_params(test_rng *r, size_t len)
{
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = test_next(r) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    p.band = test_next(r) % 3 == 0 ? (long)test_range(r, 0, len) : -1;
    return p;
}

/* ----------------------------------------------------- bit identity */

/* One random cdist and pdist on every backend and thread count. */
static void check_random(hdtw_ctx *ctx, uint64_t seed, int a_ragged,
                         int b_ragged, int device)
{
    test_rng r = { test_seed(seed) };
    size_t len = test_range(&r, 1, 40);
    test_set a = make_set(&r, test_range(&r, 1, 13), len, a_ragged);
    test_set b = make_set(&r, test_range(&r, 1, 29), len, b_ragged);
    hdtw_params p = random_params(&r, len);
    double *want_c = expected_cdist(&p, &a.set, &b.set);
    double *want_p = expected_pdist(&p, &b.set);
    size_t nc = a.set.count * b.set.count;
    size_t np = b.set.count * (b.set.count - 1) / 2;
    double *got = test_alloc((nc > np ? nc : np) * sizeof *got + 1);

    for (int be = HDTW_BACKEND_AUTO; be < HDTW_BACKEND_COUNT; be++) {
        if (!wanted(ctx, be, device))
            continue;
        /* a device's results cannot depend on CPU threads: tried once */
        int most = be == HDTW_BACKEND_OPENCL ? 1 : 3;
        for (int threads = 1; threads <= most; threads++) {
            ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
            memset(got, 0xff, nc * sizeof *got);
            ck_assert_int_eq(hdtw_cdist(ctx, &p, &a.set, &b.set, got),
                             HDTW_OK);
            assert_same(got, want_c, nc, "cdist", be, threads);
            memset(got, 0xff, np * sizeof *got + 1);
            ck_assert_int_eq(hdtw_pdist(ctx, &p, &b.set, got), HDTW_OK);
            assert_same(got, want_p, np, "pdist", be, threads);
        }
    }
    free(got);
    free(want_c);
    free(want_p);
    free_set(&a);
    free_set(&b);
}

/* Seeds of each test that also run on OpenCL. */
#define DEVICE_SEEDS 3

/* `seeds` random sets; a_ragged < 0: rows ragged for odd seeds. */
static void check_seeds(uint64_t step, uint64_t seeds, int a_ragged,
                        int b_ragged)
{
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (uint64_t seed = 1; seed <= seeds; seed++)
        check_random(ctx, seed * step,
                     a_ragged < 0 ? (int)(seed % 2) : a_ragged, b_ragged,
                     seed <= DEVICE_SEEDS);
    hdtw_destroy(ctx);
}

START_TEST(fixed_sets) { check_seeds(7919, 12, 0, 0); }
END_TEST

START_TEST(ragged_sets) { check_seeds(104729, 12, -1, 1); }
END_TEST

START_TEST(ragged_rows_fixed_columns) { check_seeds(1299709, 6, 1, 0); }
END_TEST

/* Rows long enough for many lane groups and threads: pdist 70 x 33. */
START_TEST(wide_rows)
{
    test_rng r = { test_seed(42) };
    test_set x = make_set(&r, 70, 33, 0);
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    double *want = expected_pdist(&p, &x.set);
    size_t np = 70 * 69 / 2;
    double *got = test_alloc(np * sizeof *got);
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (int be = HDTW_BACKEND_AUTO; be < HDTW_BACKEND_COUNT; be++) {
        if (!wanted(ctx, be, 1))
            continue;
        for (int threads = 1; threads <= 3; threads += 2) {
            ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
            memset(got, 0, np * sizeof *got);
            ck_assert_int_eq(hdtw_pdist(ctx, &p, &x.set, got), HDTW_OK);
            assert_same(got, want, np, "pdist 70", be, threads);
        }
    }
    hdtw_destroy(ctx);
    free(got);
    free(want);
    free_set(&x);
}
END_TEST

/* The reference against the naive DP, so the pairwise oracle is not the
 * library checking itself. */
START_TEST(reference_is_naive_dtw)
{
    test_rng r = { test_seed(5) };
    test_set x = make_set(&r, 9, 17, 1);
    for (int cost = 0; cost < 2; cost++) {
        hdtw_params p = { (hdtw_cost)cost, cost ? 3 : -1, 0.0 };
        double *want = expected_pdist(&p, &x.set);
        size_t k = 0;
        for (size_t i = 0; i < 9; i++)
            for (size_t j = i + 1; j < 9; j++, k++)
                ck_assert(same_bits(
                    want[k], naive_dtw(p.cost, p.band, at(&x.set, i),
                                       len_of(&x.set, i), at(&x.set, j),
                                       len_of(&x.set, j))));
        free(want);
    }
    free_set(&x);
}
END_TEST

/* Blocks of a matrix (sub-sets by pointer offset) are the matrix's own
 * elements: the streaming recipe of hdtw.h. */
START_TEST(blocks)
{
    test_rng r = { test_seed(77) };
    for (int ragged = 0; ragged < 2; ragged++) {
        test_set x = make_set(&r, 11, 12, ragged);
        const hdtw_set *s = &x.set;
        hdtw_params p = HDTW_PARAMS_DEFAULT;
        double *full = expected_cdist(&p, s, s);
        double *tri = expected_pdist(&p, s);
        hdtw_ctx *ctx;
        ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
        size_t lo = 2, hi = 6, c0 = 6, c1 = 10;
        hdtw_set rows = ragged ? (hdtw_set){ s->values, s->offsets + lo,
                                             hi - lo, 0 }
                               : (hdtw_set){ s->values + lo * s->len, NULL,
                                             hi - lo, s->len };
        hdtw_set cols = ragged ? (hdtw_set){ s->values, s->offsets + c0,
                                             c1 - c0, 0 }
                               : (hdtw_set){ s->values + c0 * s->len, NULL,
                                             c1 - c0, s->len };
        double block[16], diag[6];
        ck_assert_int_eq(hdtw_cdist(ctx, &p, &rows, &cols, block), HDTW_OK);
        for (size_t i = lo; i < hi; i++)
            for (size_t j = c0; j < c1; j++)
                ck_assert(same_bits(block[(i - lo) * (c1 - c0) + (j - c0)],
                                    full[i * 11 + j]));
        ck_assert_int_eq(hdtw_pdist(ctx, &p, &rows, diag), HDTW_OK);
        size_t k = 0;
        for (size_t i = lo; i < hi; i++)
            for (size_t j = i + 1; j < hi; j++)
                ck_assert(same_bits(diag[k++],
                                    tri[11 * i - i * (i + 1) / 2 + j - i - 1]));
        hdtw_destroy(ctx);
        free(full);
        free(tri);
        free_set(&x);
    }
}
END_TEST

/* ------------------------------------------------------------ bad input */

#define SENTINEL 12345.5

static void fill(double *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[k] = SENTINEL;
}

static int untouched(const double *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!same_bits(out[k], SENTINEL))
            return 0;
    return 1;
}

/* cdist(a, good) and cdist(good, a) and pdist(a) all give `want`, with the
 * output untouched. */
static void expect_bad(hdtw_ctx *ctx, const hdtw_set *bad, hdtw_status want)
{
    static const double ok_values[4] = { 1, 2, 3, 4 };
    hdtw_set good = { ok_values, NULL, 2, 2 };
    double out[64];
    fill(out, 64);
    ck_assert_int_eq(hdtw_cdist(ctx, NULL, bad, &good, out), want);
    ck_assert_int_eq(hdtw_cdist(ctx, NULL, &good, bad, out), want);
    ck_assert_int_eq(hdtw_pdist(ctx, NULL, bad, out), want);
    ck_assert(untouched(out, 64));
}

START_TEST(bad_input)
{
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    double v[6] = { 1, 2, 3, 4, 5, 6 };
    size_t empty[4] = { 0, 2, 2, 6 }, backwards[4] = { 0, 3, 2, 6 };
    size_t ok_offsets[4] = { 0, 1, 3, 6 };
    hdtw_set null_values = { NULL, NULL, 2, 3 };
    hdtw_set zero_count = { v, NULL, 0, 3 };
    hdtw_set zero_len = { v, NULL, 2, 0 };
    hdtw_set huge = { v, NULL, SIZE_MAX / 2, 4 };
    hdtw_set with_empty = { v, empty, 3, 0 };
    hdtw_set non_monotone = { v, backwards, 3, 0 };
    expect_bad(ctx, NULL, HDTW_E_ARG);
    expect_bad(ctx, &null_values, HDTW_E_ARG);
    expect_bad(ctx, &zero_count, HDTW_E_ARG);
    expect_bad(ctx, &zero_len, HDTW_E_ARG);
    expect_bad(ctx, &huge, HDTW_E_ARG);
    expect_bad(ctx, &with_empty, HDTW_E_ARG);
    expect_bad(ctx, &non_monotone, HDTW_E_ARG);

    /* count*count overflows although the values fit */
    hdtw_set many = { v, NULL, (size_t)1 << 33, 1 };
    double out[4];
    fill(out, 4);
    hdtw_set one = { v, NULL, 1, 1 };
    ck_assert_int_eq(hdtw_cdist(ctx, NULL, &many, &many, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_pdist(ctx, NULL, &many, out), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_cdist(ctx, NULL, &one, &one, NULL), HDTW_E_ARG);
    ck_assert_int_eq(hdtw_cdist(NULL, NULL, &one, &one, out), HDTW_E_ARG);
    hdtw_params bad_cost = { (hdtw_cost)7, -1, 0.0 };
    ck_assert_int_eq(hdtw_cdist(ctx, &bad_cost, &one, &one, out), HDTW_E_ARG);
    ck_assert(untouched(out, 4));

    /* a non-finite value anywhere, in a fixed and in a ragged set */
    static const double specials[3] = { NAN, INFINITY, -INFINITY };
    for (int k = 0; k < 3; k++) {
        for (size_t where = 0; where < 6; where++) {
            double w[6] = { 1, 2, 3, 4, 5, 6 };
            w[where] = specials[k];
            hdtw_set fixed = { w, NULL, 3, 2 };
            hdtw_set ragged = { w, ok_offsets, 3, 0 };
            expect_bad(ctx, &fixed, HDTW_E_NONFINITE);
            expect_bad(ctx, &ragged, HDTW_E_NONFINITE);
        }
    }

    /* one series: an empty triangle, nothing written */
    ck_assert_int_eq(hdtw_pdist(ctx, NULL, &one, out), HDTW_OK);
    ck_assert(untouched(out, 4));
    hdtw_set_progress(NULL, NULL, NULL); /* ignored */
    hdtw_destroy(ctx);
}
END_TEST

/* ------------------------------------------------------------- progress */

typedef struct {
    size_t calls, last_done, total;
    int cancel_first;      /* cancel on the first call (done = 0) */
    int cancel_last;       /* cancel on the last call (done = total) */
    int cancel_midway;     /* cancel on the first call with 0 < done < total */
    int saw_midway;
    int monotone;
} hook_state;

static int hook(void *user, size_t done, size_t total)
{
    hook_state *h = user;
    h->calls++;
    if (h->calls == 1)
        h->monotone = done == 0;
    else if (done < h->last_done || total != h->total)
        h->monotone = 0;
    h->last_done = done;
    h->total = total;
    if (h->cancel_midway && done > 0 && done < total) {
        h->saw_midway = 1;
        return 1;
    }
    return (h->cancel_first && h->calls == 1) ||
           (h->cancel_last && done == total);
}

/* Every call kind the callback covers, on a set large enough for pieces. */
typedef enum { CALL_CDIST, CALL_PDIST, CALL_BATCH, CALL_SLIDING } call_kind;

static hdtw_status call(hdtw_ctx *ctx, call_kind kind, const test_set *x,
                        double *out, size_t *outputs)
{
    const hdtw_set *s = &x->set;
    switch (kind) {
    case CALL_CDIST:
        *outputs = s->count * s->count;
        return hdtw_cdist(ctx, NULL, s, s, out);
    case CALL_PDIST:
        *outputs = s->count * (s->count - 1) / 2;
        return hdtw_pdist(ctx, NULL, s, out);
    case CALL_BATCH:
        *outputs = s->count - 1;
        return hdtw_batch(ctx, NULL, s->values, s->len, s->values + s->len,
                          s->count - 1, s->len, out);
    case CALL_SLIDING:
        *outputs = hdtw_sliding_count(s->count * s->len, s->len, 1);
        return hdtw_sliding(ctx, NULL, s->values, s->len, s->values,
                            s->count * s->len, s->len, 1, out);
    }
    return HDTW_E_ARG;
}

START_TEST(progress_reports_and_cancels)
{
    test_rng r = { test_seed(9) };
    test_set x = make_set(&r, 60, 24, 0);
    size_t cap = 60 * 60 + 60 * 24;
    double *want = test_alloc(cap * sizeof *want);
    double *got = test_alloc(cap * sizeof *got);
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    for (call_kind kind = CALL_CDIST; kind <= CALL_SLIDING; kind++) {
        size_t n;
        ck_assert_int_eq(call(ctx, kind, &x, want, &n), HDTW_OK);

        hook_state h = { 0 };
        hdtw_set_progress(ctx, hook, &h);
        fill(got, cap);
        ck_assert_int_eq(call(ctx, kind, &x, got, &n), HDTW_OK);
        ck_assert(memcmp(got, want, n * sizeof *got) == 0);
        ck_assert_uint_ge(h.calls, 2);
        ck_assert(h.monotone);
        ck_assert_uint_eq(h.last_done, h.total);
        ck_assert_uint_eq(h.total, n);

        /* cancelled before any work, and at the very end */
        for (int k = 0; k < 2; k++) {
            hook_state c = { .cancel_first = k == 0, .cancel_last = k == 1 };
            hdtw_set_progress(ctx, hook, &c);
            fill(got, cap);
            ck_assert_int_eq(call(ctx, kind, &x, got, &n), HDTW_E_CANCELLED);
            ck_assert(untouched(got, cap));
            ck_assert_uint_eq(c.last_done, k == 0 ? 0 : n);
            if (k == 0)
                ck_assert_uint_eq(c.calls, 1);
        }
        hdtw_set_progress(ctx, NULL, NULL);
    }
    hdtw_destroy(ctx);
    free(want);
    free(got);
    free_set(&x);
}
END_TEST

/* A call of a few hundred ms on scalar reports between pieces; cancelled
 * there, it stops early and writes nothing. */
START_TEST(progress_cancels_midway)
{
    test_rng r = { test_seed(11) };
    test_set x = make_set(&r, 120, 96, 0);
    size_t n = 120 * 119 / 2;
    double *got = test_alloc(n * sizeof *got);
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    hook_state h = { .cancel_midway = 1 };
    hdtw_set_progress(ctx, hook, &h);
    fill(got, n);
    hdtw_status s = hdtw_pdist(ctx, NULL, &x.set, got);
    /* the work takes well over the 10 ms between reports */
    ck_assert(h.saw_midway);
    ck_assert_int_eq(s, HDTW_E_CANCELLED);
    ck_assert_uint_lt(h.last_done, h.total);
    ck_assert(untouched(got, n));
    hdtw_destroy(ctx);
    free(got);
    free_set(&x);
}
END_TEST

static Suite *matrix_suite(void)
{
    Suite *s = suite_create("matrix");
    TCase *exact = tcase_create("exact");
    tcase_add_test(exact, fixed_sets);
    tcase_add_test(exact, ragged_sets);
    tcase_add_test(exact, ragged_rows_fixed_columns);
    tcase_add_test(exact, wide_rows);
    tcase_add_test(exact, reference_is_naive_dtw);
    tcase_add_test(exact, blocks);
    tcase_set_timeout(exact, 300);
    suite_add_tcase(s, exact);
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, bad_input);
    suite_add_tcase(s, bad);
    TCase *progress = tcase_create("progress");
    tcase_add_test(progress, progress_reports_and_cancels);
    tcase_add_test(progress, progress_cancels_midway);
    tcase_set_timeout(progress, 120);
    suite_add_tcase(s, progress);
    return s;
}

int main(void)
{
    return test_run_suite(matrix_suite(), CK_FORK_GETENV);
}
