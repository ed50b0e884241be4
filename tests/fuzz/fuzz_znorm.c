/* SPDX-License-Identifier: MIT */
/*
 * fuzz_znorm.c — hdtw_znorm against its definition written out literally
 * (tests/testutil.c naive_znorm), bit for bit: any values the bytes
 * describe (NaN, Inf, -0, subnormals, magnitudes whose sums overflow,
 * constant runs), into a separate array or in place; the status hdtw.h
 * documents, and nothing written when it fails.
 */
#include "fuzz_common.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_N 300

/* The documented status: E_ARG for NULL or n = 0, E_NONFINITE for a
 * non-finite value or a sum that overflows (non-finite mean or sd). */
static hdtw_status model(const double *x, size_t n, fuzz_null null)
{
    if (null == FUZZ_NULL_FIRST || null == FUZZ_NULL_OUT || n == 0)
        return HDTW_E_ARG;
    if (!fuzz_all_finite(x, n))
        return HDTW_E_NONFINITE;
    double mean, sd;
    naive_window_stats(x, n, &mean, &sd);
    return isfinite(mean) && isfinite(sd) ? HDTW_OK : HDTW_E_NONFINITE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    fuzz_null null = fuzz_pick_null(&in);
    int in_place = fuzz_u8(&in) & 1;
    size_t n = ((size_t)fuzz_u8(&in) << 8 | fuzz_u8(&in)) % (MAX_N + 1);
    double *x = fuzz_values(&in, n);
    double *before = fuzz_output(n), *want = fuzz_output(n);
    double *out = in_place ? x : fuzz_output(n);
    memcpy(before, x, n * sizeof *x);
    if (!in_place)
        memcpy(out, x, n * sizeof *x); /* "untouched" = the input's bits */
    hdtw_status expected = model(x, n, null);
    if (expected == HDTW_OK)
        naive_znorm(x, n, want);
    hdtw_status s = hdtw_znorm(null == FUZZ_NULL_FIRST ? NULL : x, n,
                               null == FUZZ_NULL_OUT ? NULL : out);
    FUZZ_ASSERT(s == expected, "status '%s', expected '%s'", hdtw_strerror(s),
                hdtw_strerror(expected));
    if (s == HDTW_OK)
        FUZZ_ASSERT(memcmp(out, want, n * sizeof *out) == 0,
                    "bits differ from the definition (n %zu, in place %d)", n,
                    in_place);
    else
        FUZZ_ASSERT(memcmp(out, before, n * sizeof *out) == 0,
                    "output written on failure");
    if (!in_place)
        FUZZ_ASSERT(memcmp(x, before, n * sizeof *x) == 0, "input changed");
    free(x);
    free(before);
    free(want);
    if (!in_place)
        free(out);
    return 0;
}
