/* SPDX-License-Identifier: MIT */
/*
 * fuzz_batch.c — hdtw_batch on every backend against the scalar backend,
 * and windows of the scalar result against the literal definition.
 */
#include "fuzz_common.h"

#include <stdlib.h>

#define MAX_M 80
#define MAX_N 80
#define MAX_COUNT 24

typedef struct {
    hdtw_params params;
    const hdtw_params *p;
    size_t m, n, count;
    double *pattern, *windows;
    fuzz_null null;
} batch_args;

static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const batch_args *x = args;
    return hdtw_batch(x->null == FUZZ_NULL_CTX ? NULL : ctx, x->p,
                      x->null == FUZZ_NULL_FIRST ? NULL : x->pattern, x->m,
                      x->null == FUZZ_NULL_SECOND ? NULL : x->windows,
                      x->count, x->n, x->null == FUZZ_NULL_OUT ? NULL : out);
}

static hdtw_status expected_status(const batch_args *x)
{
    size_t values;
    if (x->null != FUZZ_NULL_NONE || x->m == 0 || x->n == 0 ||
        x->count == 0 || !fuzz_cost_valid(x->p) || x->m > FUZZ_MAX_VALUES ||
        __builtin_mul_overflow(x->count, x->n, &values) ||
        values > FUZZ_MAX_VALUES ||
        fuzz_product_overflows(x->m, x->n, x->count))
        return HDTW_E_ARG;
    if (!fuzz_all_finite(x->pattern, x->m) ||
        !fuzz_all_finite(x->windows, values))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    batch_args x;
    x.null = fuzz_pick_null(&in);
    x.p = fuzz_params(&in, &x.params);
    x.m = fuzz_length(&in, MAX_M);
    x.n = fuzz_length(&in, MAX_N);
    x.count = fuzz_length(&in, MAX_COUNT);
    int real = x.n <= MAX_N && x.count <= MAX_COUNT;
    x.pattern = fuzz_array(&in, x.m);
    x.windows = fuzz_values(&in, real ? x.count * x.n : 0);
    hdtw_status expected = expected_status(&x);
    size_t out_len = expected == HDTW_OK ? x.count : 1;
    double *out = fuzz_output(out_len);
    fuzz_check_backends(&in, call, &x, out_len, expected, out,
                        HDTW_BACKEND_AUTO);
    if (expected == HDTW_OK)
        fuzz_check_windows(x.p, x.pattern, x.m, x.windows, x.n, x.n,
                           x.count, out);
    free(out);
    free(x.pattern);
    free(x.windows);
    return 0;
}
