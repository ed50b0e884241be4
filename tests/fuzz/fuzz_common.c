/* SPDX-License-Identifier: MIT */
#include "fuzz_common.h"
#include "testutil.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

uint8_t fuzz_u8(fuzz_input *in)
{
    if (in->size == 0)
        return 0;
    in->size--;
    return *in->data++;
}

uint64_t fuzz_u64(fuzz_input *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | fuzz_u8(in);
    return v;
}

/* Lengths no array can have: the library must refuse them unread. */
static const size_t impossible[] = {
    FUZZ_MAX_VALUES + 1, SIZE_MAX / 2, SIZE_MAX - 1, SIZE_MAX,
};
#define IMPOSSIBLE_COUNT (sizeof impossible / sizeof *impossible)

size_t fuzz_length(fuzz_input *in, size_t max)
{
    uint8_t pick = fuzz_u8(in);
    if (pick >= 252)
        return impossible[pick - 252];
    if (max < 252)
        return pick % (max + 1);
    return ((size_t)pick << 8 | fuzz_u8(in)) % (max + 1);
}

size_t fuzz_any_size(fuzz_input *in, size_t near)
{
    static const size_t huge[] = {
        SIZE_MAX, SIZE_MAX / 2, FUZZ_MAX_VALUES + 1, (size_t)1 << 40,
        (size_t)1 << 20, 65535, 257, 256,
    };
    uint8_t pick = fuzz_u8(in);
    if (pick < 200)
        return pick;
    if (pick < 240) /* near - 4 .. near + 3, wrapping as size_t does */
        return near + (size_t)(pick % 8) - 4;
    return huge[pick % 8];
}

static long fuzz_band(fuzz_input *in, uint8_t pick)
{
    switch (pick % 8) {
    case 0: return -1;
    case 1: return LONG_MIN;
    case 2: return LONG_MAX;
    case 3: return 0;
    case 4: return fuzz_u8(in);
    case 5: return -(long)fuzz_u8(in) - 1;
    case 6: return (long)fuzz_u64(in);
    default: return 1;
    }
}

const hdtw_params *fuzz_params(fuzz_input *in, hdtw_params *p)
{
    uint8_t pick = fuzz_u8(in);
    switch (pick % 4) {
    case 0: p->cost = HDTW_COST_ABS; break;
    case 1: p->cost = HDTW_COST_SQUARED; break;
    case 2: p->cost = (hdtw_cost)(2 + fuzz_u8(in)); break;
    default: p->cost = (hdtw_cost)(-1 - (int)fuzz_u8(in)); break;
    }
    p->band = fuzz_band(in, pick >> 2);
    p->max_dist = 0.0; /* no threshold: the harnesses check exact results */
    return pick >> 5 == 7 ? NULL : p; /* 1 in 8: the defaults */
}

hdtw_params fuzz_effective(const hdtw_params *p)
{
    return p ? *p : HDTW_PARAMS_DEFAULT;
}

int fuzz_cost_valid(const hdtw_params *p)
{
    hdtw_params e = fuzz_effective(p);
    return e.cost == HDTW_COST_ABS || e.cost == HDTW_COST_SQUARED;
}

fuzz_null fuzz_pick_null(fuzz_input *in)
{
    uint8_t pick = fuzz_u8(in);
    return pick < 240 ? FUZZ_NULL_NONE : (fuzz_null)(1 + pick % 4);
}

double *fuzz_values(fuzz_input *in, size_t n)
{
    static const double scales[] = { 1, 0.25, 1e-3, 3, 1e150, 1e-310, 1e300,
                                     1e-30 };
    double *x = fuzz_output(n);
    double scale = scales[fuzz_u8(in) % 8];
    for (size_t i = 0; i < n; i++) {
        uint8_t code = fuzz_u8(in);
        uint64_t bits;
        switch (code) {
        case 0xF0: x[i] = NAN; break;
        case 0xF1: x[i] = INFINITY; break;
        case 0xF2: x[i] = -INFINITY; break;
        case 0xF3: x[i] = -0.0; break;
        case 0xF4: x[i] = DBL_MAX; break;
        case 0xF5: x[i] = -DBL_MAX; break;
        case 0xF6: x[i] = 4.9406564584124654e-324; break; /* smallest */
        case 0xF7:
            bits = fuzz_u64(in);
            memcpy(&x[i], &bits, sizeof bits);
            break;
        default:
            if (code > 0xF7) /* repeat: flat stretches, ties in the DP */
                x[i] = i > 0 ? x[i - 1] : 0.0;
            else
                x[i] = ((int)code - 120) * scale;
        }
    }
    return x;
}

double *fuzz_array(fuzz_input *in, size_t n)
{
    return fuzz_values(in, n > FUZZ_MAX_VALUES ? 0 : n);
}

void fuzz_read_pair(fuzz_input *in, size_t max_len, fuzz_pair *pair)
{
    pair->null = fuzz_pick_null(in);
    pair->p = fuzz_params(in, &pair->params);
    pair->m = fuzz_length(in, max_len);
    pair->n = fuzz_length(in, max_len);
    pair->a = fuzz_array(in, pair->m);
    pair->b = fuzz_array(in, pair->n);
}

hdtw_status fuzz_pair_expected(const fuzz_pair *pair)
{
    if (pair->null != FUZZ_NULL_NONE || pair->m == 0 || pair->n == 0 ||
        !fuzz_cost_valid(pair->p) || pair->m > FUZZ_MAX_VALUES ||
        pair->n > FUZZ_MAX_VALUES ||
        fuzz_product_overflows(pair->m, pair->n, 1))
        return HDTW_E_ARG;
    if (!fuzz_all_finite(pair->a, pair->m) ||
        !fuzz_all_finite(pair->b, pair->n))
        return HDTW_E_NONFINITE;
    return HDTW_OK;
}

void fuzz_free_pair(fuzz_pair *pair)
{
    free(pair->a);
    free(pair->b);
}

int fuzz_all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

int fuzz_product_overflows(size_t a, size_t b, size_t c)
{
    size_t r;
    return __builtin_mul_overflow(a, b, &r) || __builtin_mul_overflow(r, c, &r);
}

double *fuzz_output(size_t n)
{
    double *out = malloc((n ? n : 1) * sizeof *out);
    if (!out)
        abort();
    return out;
}

void fuzz_check_windows(const hdtw_params *p, const double *pattern,
                        size_t m, const double *series, size_t window,
                        size_t stride, size_t count, const double *out)
{
    hdtw_params e = fuzz_effective(p);
    size_t last = count - 1;
    double first = naive_dtw(e.cost, e.band, pattern, m, series, window);
    double final = naive_dtw(e.cost, e.band, pattern, m,
                             series + last * stride, window);
    FUZZ_ASSERT(same_bits(out[0], first), "window 0: %a, definition %a",
                out[0], first);
    FUZZ_ASSERT(same_bits(out[last], final), "window %zu: %a, definition %a",
                last, out[last], final);
}

/* ------------------------------------------------------------ contexts */

static hdtw_ctx *make_ctx(void)
{
    hdtw_ctx *ctx = NULL;
    hdtw_status s = hdtw_create(&ctx);
    FUZZ_ASSERT(s == HDTW_OK, "hdtw_create: %s", hdtw_strerror(s));
    return ctx;
}

hdtw_ctx *fuzz_scalar_ctx(void)
{
    static hdtw_ctx *ctx;
    if (!ctx) {
        ctx = make_ctx();
        FUZZ_ASSERT(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR) == HDTW_OK,
                    "scalar backend refused");
    }
    return ctx;
}

static hdtw_ctx *tested_ctx(void)
{
    static hdtw_ctx *ctx;
    if (!ctx)
        ctx = make_ctx();
    return ctx;
}

/* A NaN whose payload no computation produces */
static const uint64_t sentinel_bits = 0x7ff8dead0000beefull;

static void fill_sentinel(double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(&out[i], &sentinel_bits, sizeof sentinel_bits);
}

static int untouched(const double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&out[i], &sentinel_bits, sizeof sentinel_bits) != 0)
            return 0;
    return 1;
}

/* One run on ctx, checked against expected and (on success) reference. */
static void run_and_compare(hdtw_ctx *ctx, const char *who, fuzz_call_fn call,
                            const void *args, size_t out_len,
                            hdtw_status expected, const double *reference,
                            double *out)
{
    fill_sentinel(out, out_len);
    hdtw_status s = call(ctx, args, out);
    FUZZ_ASSERT(s == expected, "%s: status '%s', expected '%s'", who,
                hdtw_strerror(s), hdtw_strerror(expected));
    if (s != HDTW_OK)
        FUZZ_ASSERT(untouched(out, out_len), "%s: output written on failure",
                    who);
    else if (reference)
        FUZZ_ASSERT(memcmp(out, reference, out_len * sizeof *out) == 0,
                    "%s: bits differ from the scalar backend", who);
}

void fuzz_check_backends(fuzz_input *in, fuzz_call_fn call, const void *args,
                         size_t out_len, hdtw_status expected,
                         double *reference, hdtw_backend served_by)
{
    double *out = fuzz_output(out_len);
    run_and_compare(fuzz_scalar_ctx(), "scalar", call, args, out_len,
                    expected, NULL, out);
    if (expected == HDTW_OK)
        memcpy(reference, out, out_len * sizeof *out);

    hdtw_ctx *ctx = tested_ctx();
    uint8_t pick = fuzz_u8(in);
    FUZZ_ASSERT(hdtw_set_threads(ctx, pick % 4) == HDTW_OK, "set_threads");
    hdtw_backend invalid = pick & 0x80 ? (hdtw_backend)(-1 - (pick & 3))
                                       : (hdtw_backend)(HDTW_BACKEND_COUNT +
                                                        (pick & 3));
    FUZZ_ASSERT(hdtw_set_backend(ctx, invalid) == HDTW_E_ARG,
                "backend %d accepted", (int)invalid);
    for (int b = HDTW_BACKEND_AUTO; b < HDTW_BACKEND_COUNT; b++) {
        hdtw_status s = hdtw_set_backend(ctx, (hdtw_backend)b);
        FUZZ_ASSERT(s == HDTW_OK || s == HDTW_E_UNSUPPORTED,
                    "set_backend(%s): %s", hdtw_backend_name((hdtw_backend)b),
                    hdtw_strerror(s));
        if (s != HDTW_OK)
            continue;
        run_and_compare(ctx, hdtw_backend_name((hdtw_backend)b), call, args,
                        out_len, expected,
                        expected == HDTW_OK ? reference : NULL, out);
        hdtw_backend want = served_by != HDTW_BACKEND_AUTO ? served_by
                                                           : (hdtw_backend)b;
        if (expected == HDTW_OK && want != HDTW_BACKEND_AUTO &&
            want != HDTW_BACKEND_OPENCL)
            FUZZ_ASSERT(hdtw_last_backend(ctx) == want, "%s served by %s",
                        hdtw_backend_name((hdtw_backend)b),
                        hdtw_backend_name(hdtw_last_backend(ctx)));
    }
    free(out);
}
