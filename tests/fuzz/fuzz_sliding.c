/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sliding.c — hdtw_sliding (and hdtw_sliding_count) on every backend
 * against the scalar backend: windows and strides of any size, NaN and Inf
 * inside and outside the span the windows read.
 */
#include "fuzz_common.h"

#include <stdlib.h>

#define MAX_M 80
#define MAX_LEN 160

typedef struct {
    hdtw_params params;
    const hdtw_params *p;
    size_t m, len, window, stride, count;
    double *pattern, *series;
    fuzz_null null;
} sliding_args;

static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const sliding_args *x = args;
    return hdtw_sliding(x->null == FUZZ_NULL_CTX ? NULL : ctx, x->p,
                        x->null == FUZZ_NULL_FIRST ? NULL : x->pattern, x->m,
                        x->null == FUZZ_NULL_SECOND ? NULL : x->series, x->len,
                        x->window, x->stride,
                        x->null == FUZZ_NULL_OUT ? NULL : out);
}

static size_t model_count(const sliding_args *x)
{
    if (x->window == 0 || x->stride == 0 || x->window > x->len)
        return 0;
    return (x->len - x->window) / x->stride + 1;
}

static hdtw_status expected_status(const sliding_args *x)
{
    if (x->null != FUZZ_NULL_NONE || x->m == 0 || x->count == 0 ||
        !fuzz_cost_valid(x->p) || x->m > FUZZ_MAX_VALUES ||
        x->len > FUZZ_MAX_VALUES ||
        fuzz_product_overflows(x->m, x->window, x->count))
        return HDTW_E_ARG;
    size_t span = (x->count - 1) * x->stride + x->window;
    if (!fuzz_all_finite(x->pattern, x->m) ||
        !fuzz_all_finite(x->series, span))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    sliding_args x;
    x.null = fuzz_pick_null(&in);
    x.p = fuzz_params(&in, &x.params);
    x.m = fuzz_length(&in, MAX_M);
    x.len = fuzz_length(&in, MAX_LEN);
    x.window = fuzz_any_size(&in, x.m);
    x.stride = fuzz_any_size(&in, 1);
    x.count = model_count(&x);
    FUZZ_ASSERT(hdtw_sliding_count(x.len, x.window, x.stride) == x.count,
                "sliding_count(%zu, %zu, %zu)", x.len, x.window, x.stride);
    x.pattern = fuzz_array(&in, x.m);
    x.series = fuzz_array(&in, x.len);
    hdtw_status expected = expected_status(&x);
    size_t out_len = expected == HDTW_OK ? x.count : 1;
    double *out = fuzz_output(out_len);
    fuzz_check_backends(&in, call, &x, out_len, expected, out,
                        HDTW_BACKEND_AUTO);
    if (expected == HDTW_OK)
        fuzz_check_windows(x.p, x.pattern, x.m, x.series, x.window, x.stride,
                           x.count, out);
    free(out);
    free(x.pattern);
    free(x.series);
    return 0;
}
