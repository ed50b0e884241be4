/* SPDX-License-Identifier: MIT */
/*
 * fuzz_matrix.c — hdtw_cdist and hdtw_pdist on every backend against the
 * scalar backend, the status against a model of the rules in hdtw.h, and
 * the first and last elements of the scalar result against the literal
 * definition.
 *
 * Sets are fixed-length or ragged. A ragged set's offsets come from the
 * input (steps of 0..MAX_LEN, so empty series and, through an occasional
 * step back, decreasing offsets occur); its values array holds exactly up
 * to the largest offset. A fixed set's count or length may be one no array
 * can have, which the library must refuse unread; a ragged set's count is
 * always its offsets array's real length minus one.
 */
#include "fuzz_common.h"
#include "testutil.h"

#include <stdlib.h>

#define MAX_COUNT 12
#define MAX_LEN 16

typedef struct {
    hdtw_set set;
    double *values;
    size_t *offsets;
    int valid_shape;  /* the model: a set the library must accept */
    size_t span;      /* values the library reads when valid_shape */
} fuzz_set;

typedef struct {
    hdtw_params params;
    const hdtw_params *p;
    int pdist;
    fuzz_set a, b;
    fuzz_null null;
} matrix_args;

static void read_ragged(fuzz_input *in, fuzz_set *s)
{
    size_t count = fuzz_u8(in) % (MAX_COUNT + 1), at = fuzz_u8(in) % 4;
    s->offsets = malloc((count + 1) * sizeof *s->offsets);
    if (!s->offsets)
        abort();
    s->offsets[0] = at;
    s->valid_shape = count > 0;
    size_t top = at;
    for (size_t i = 0; i < count; i++) {
        uint8_t step = fuzz_u8(in);
        if (step == 255 && at > 0) { /* rarely: one back */
            at--;
        } else {
            at += step % (MAX_LEN + 1);
        }
        s->valid_shape &= at > s->offsets[i];
        s->offsets[i + 1] = at;
        top = at > top ? at : top;
    }
    s->values = fuzz_values(in, top);
    s->span = s->valid_shape ? at - s->offsets[0] : 0;
    s->set = (hdtw_set){ s->values, s->offsets, count, fuzz_u8(in) };
}

static void read_fixed(fuzz_input *in, fuzz_set *s)
{
    size_t count = fuzz_length(in, MAX_COUNT), len = fuzz_length(in, MAX_LEN);
    size_t values;
    int real = !__builtin_mul_overflow(count, len, &values) &&
               values <= FUZZ_MAX_VALUES;
    s->valid_shape = real && count > 0 && len > 0;
    real &= count <= MAX_COUNT && len <= MAX_LEN;
    s->offsets = NULL;
    s->values = fuzz_values(in, real ? values : 0);
    s->span = s->valid_shape ? values : 0;
    s->set = (hdtw_set){ s->values, NULL, count, len };
}

static void read_set(fuzz_input *in, fuzz_set *s)
{
    if (fuzz_u8(in) % 2)
        read_ragged(in, s);
    else
        read_fixed(in, s);
}

static size_t longest(const fuzz_set *s)
{
    size_t most = s->set.len;
    if (s->set.offsets) {
        most = 0;
        for (size_t i = 0; i < s->set.count; i++) {
            size_t len = s->offsets[i + 1] - s->offsets[i];
            most = len > most ? len : most;
        }
    }
    return most;
}

static size_t outputs(const matrix_args *x)
{
    size_t n = x->a.set.count;
    return x->pdist ? n * (n - 1) / 2 : n * x->b.set.count;
}

static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const matrix_args *x = args;
    hdtw_set values_null = x->a.set;
    values_null.values = NULL;
    const hdtw_set *a = x->null == FUZZ_NULL_FIRST ? &values_null : &x->a.set;
    hdtw_ctx *c = x->null == FUZZ_NULL_CTX ? NULL : ctx;
    double *o = x->null == FUZZ_NULL_OUT ? NULL : out;
    if (x->pdist)
        return hdtw_pdist(c, x->p, x->null == FUZZ_NULL_SECOND ? NULL : a, o);
    return hdtw_cdist(c, x->p, a, x->null == FUZZ_NULL_SECOND ? NULL
                                                               : &x->b.set, o);
}

static hdtw_status expected_status(const matrix_args *x)
{
    const fuzz_set *b = x->pdist ? &x->a : &x->b;
    if (x->null != FUZZ_NULL_NONE || !fuzz_cost_valid(x->p) ||
        !x->a.valid_shape || !b->valid_shape ||
        fuzz_product_overflows(longest(&x->a), longest(b), b->set.count))
        return HDTW_E_ARG;
    if (!fuzz_all_finite(x->a.set.values + (x->a.offsets ? x->a.offsets[0]
                                                          : 0), x->a.span) ||
        !fuzz_all_finite(b->set.values + (b->offsets ? b->offsets[0] : 0),
                         b->span))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

static const double *series(const fuzz_set *s, size_t i, size_t *len)
{
    *len = s->offsets ? s->offsets[i + 1] - s->offsets[i] : s->set.len;
    return s->set.values + (s->offsets ? s->offsets[i] : i * s->set.len);
}

/* The first and last elements against the definition. */
static void check_corners(const matrix_args *x, const double *out)
{
    const fuzz_set *b = x->pdist ? &x->a : &x->b;
    size_t n = outputs(x), i_last = x->a.set.count - 1 - (size_t)x->pdist;
    size_t pairs[2][3] = { { 0, (size_t)x->pdist, 0 },
                           { i_last, b->set.count - 1, n - 1 } };
    hdtw_params e = fuzz_effective(x->p);
    for (int k = 0; k < 2; k++) {
        size_t m, len;
        const double *s = series(&x->a, pairs[k][0], &m);
        const double *t = series(b, pairs[k][1], &len);
        double want = naive_dtw(e.cost, e.band, s, m, t, len);
        FUZZ_ASSERT(same_bits(out[pairs[k][2]], want),
                    "element %zu: %a, definition %a", pairs[k][2],
                    out[pairs[k][2]], want);
    }
}

static void free_set(fuzz_set *s)
{
    free(s->values);
    free(s->offsets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    matrix_args x;
    x.null = fuzz_pick_null(&in);
    x.p = fuzz_params(&in, &x.params);
    x.pdist = fuzz_u8(&in) % 2;
    read_set(&in, &x.a);
    if (x.pdist) {
        x.b = (fuzz_set){ .values = NULL };
        if (x.a.valid_shape && x.a.set.count == 1)
            x.null = FUZZ_NULL_NONE; /* an empty triangle: see below */
    } else {
        read_set(&in, &x.b);
    }
    hdtw_status expected = expected_status(&x);
    /* pdist of one series is HDTW_OK with nothing computed, which names no
     * backend: checked here once, not by fuzz_check_backends */
    if (x.pdist && expected == HDTW_OK && x.a.set.count == 1) {
        double untouched = 1.5;
        FUZZ_ASSERT(hdtw_pdist(fuzz_scalar_ctx(), x.p, &x.a.set, &untouched)
                        == HDTW_OK && untouched == 1.5, "pdist of one");
        free_set(&x.a);
        return 0;
    }
    size_t out_len = expected == HDTW_OK ? outputs(&x) : 1;
    double *out = fuzz_output(out_len);
    fuzz_check_backends(&in, call, &x, out_len, expected, out,
                        HDTW_BACKEND_AUTO);
    if (expected == HDTW_OK)
        check_corners(&x, out);
    free(out);
    free_set(&x.a);
    free_set(&x.b);
    return 0;
}
