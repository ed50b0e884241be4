/* SPDX-License-Identifier: MIT */
/*
 * fuzz_search.c — hdtw_search on every backend setting and thread count
 * against the brute-force definition (tests/testutil.c
 * brute_force_search: z-normalise, scalar distance, rank, exclude): any
 * query and series the bytes describe (NaN, Inf, huge values whose
 * normalisation overflows, flat stretches), any k, exclusion and band.
 * Lengths are always the real lengths of the arrays: hdtw_search has no
 * "impossible length" rule to test.
 */
#include "fuzz_common.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define MAX_M 40
#define MAX_LEN 200
#define MAX_K 12

typedef struct {
    hdtw_search_params params;
    const hdtw_search_params *sp; /* &params or NULL */
    size_t m, len, k;
    double *query, *series;
    fuzz_null null;
    int null_found;
} search_args;

/* What a failed call, and the slots past *found, must still hold */
static const hdtw_match untouched_match = { 0xdeadbeef, -7.5 };
static const size_t untouched_found = 0xfeedface;

static int matches_untouched(const hdtw_match *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&x[i], &untouched_match, sizeof *x) != 0)
            return 0;
    return 1;
}

/* out: found, then start and distance of each of the k slots (0 past
 * found). On failure nothing is written to out. */
static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const search_args *x = args;
    hdtw_match matches[MAX_K];
    size_t found = untouched_found;
    for (size_t i = 0; i < MAX_K; i++)
        matches[i] = untouched_match;
    hdtw_status s = hdtw_search(
        x->null == FUZZ_NULL_CTX ? NULL : ctx, x->sp,
        x->null == FUZZ_NULL_FIRST ? NULL : x->query, x->m,
        x->null == FUZZ_NULL_SECOND ? NULL : x->series, x->len, x->k,
        x->null == FUZZ_NULL_OUT ? NULL : matches,
        x->null_found ? NULL : &found);
    if (s != HDTW_OK) {
        FUZZ_ASSERT(found == untouched_found &&
                        matches_untouched(matches, MAX_K),
                    "search wrote its outputs on failure");
        return s;
    }
    FUZZ_ASSERT(found <= x->k, "found %zu of k %zu", found, x->k);
    FUZZ_ASSERT(matches_untouched(matches + found, MAX_K - found),
                "search wrote past *found");
    out[0] = (double)found;
    for (size_t i = 0; i < x->k; i++) {
        out[1 + 2 * i] = i < found ? (double)matches[i].start : 0.0;
        out[2 + 2 * i] = i < found ? matches[i].distance : 0.0;
    }
    return s;
}

static hdtw_status shape_status(const search_args *x)
{
    hdtw_search_params e = x->sp ? *x->sp : HDTW_SEARCH_DEFAULT;
    if (x->null != FUZZ_NULL_NONE || x->null_found || x->m == 0 ||
        x->k == 0 || x->m > x->len || !fuzz_cost_valid(&e.dtw))
        return HDTW_E_ARG;
    if (!fuzz_all_finite(x->query, x->m) ||
        !fuzz_all_finite(x->series, x->len))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

static void read_args(fuzz_input *in, search_args *x)
{
    x->null = fuzz_pick_null(in);
    x->null_found = fuzz_u8(in) >= 250;
    uint8_t pick = fuzz_u8(in);
    hdtw_params dtw;
    x->params.dtw = fuzz_effective(fuzz_params(in, &dtw));
    x->params.znorm = pick % 3 == 2 ? (int)fuzz_u8(in) - 128 : pick % 3;
    x->params.exclusion = pick & 0x80 ? HDTW_EXCLUSION_AUTO
                                      : fuzz_any_size(in, MAX_M / 2);
    x->sp = pick >> 3 == 0 ? NULL : &x->params; /* 1 in 32: the defaults */
    x->m = fuzz_u8(in) % (MAX_M + 1);
    x->len = ((size_t)fuzz_u8(in) << 8 | fuzz_u8(in)) % (MAX_LEN + 1);
    x->k = fuzz_u8(in) % (MAX_K + 1);
    x->query = fuzz_values(in, x->m);
    x->series = fuzz_values(in, x->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    search_args x;
    read_args(&in, &x);
    hdtw_status expected = shape_status(&x);
    hdtw_match want[MAX_K];
    size_t want_found = 0;
    if (expected == HDTW_OK) /* the normalisation may still overflow */
        expected = brute_force_search(fuzz_scalar_ctx(), x.sp, x.query, x.m,
                                      x.series, x.len, x.k, want,
                                      &want_found);
    size_t out_len = 1 + 2 * x.k;
    double got[1 + 2 * MAX_K];
    fuzz_check_backends(&in, call, &x, out_len, expected, got,
                        HDTW_BACKEND_AUTO); /* the forced backend ran */
    if (expected == HDTW_OK) {
        FUZZ_ASSERT(got[0] == (double)want_found, "found %g, definition %zu",
                    got[0], want_found);
        for (size_t i = 0; i < want_found; i++)
            FUZZ_ASSERT(got[1 + 2 * i] == (double)want[i].start &&
                            same_bits(got[2 + 2 * i], want[i].distance),
                        "match %zu: start %g distance %a, definition %zu %a",
                        i, got[1 + 2 * i], got[2 + 2 * i], want[i].start,
                        want[i].distance);
    }
    free(x.query);
    free(x.series);
    return 0;
}
