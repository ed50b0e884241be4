/* SPDX-License-Identifier: MIT */
/*
 * fuzz_distance.c — hdtw_distance on every backend against the scalar
 * backend, and the scalar backend against the literal definition
 * (naive_dtw, tests/testutil.c).
 */
#include "fuzz_common.h"
#include "testutil.h"

#include <string.h>

static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const fuzz_pair *x = args;
    return hdtw_distance(x->null == FUZZ_NULL_CTX ? NULL : ctx, x->p,
                         x->null == FUZZ_NULL_FIRST ? NULL : x->a, x->m,
                         x->null == FUZZ_NULL_SECOND ? NULL : x->b, x->n,
                         x->null == FUZZ_NULL_OUT ? NULL : out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    fuzz_pair pair;
    fuzz_read_pair(&in, 200, &pair);
    hdtw_status expected = fuzz_pair_expected(&pair);
    double distance;
    fuzz_check_backends(&in, call, &pair, 1, expected, &distance,
                        HDTW_BACKEND_AUTO);
    if (expected == HDTW_OK) {
        hdtw_params e = fuzz_effective(pair.p);
        double naive = naive_dtw(e.cost, e.band, pair.a, pair.m, pair.b,
                                 pair.n);
        FUZZ_ASSERT(same_bits(distance, naive),
                    "scalar %a, definition %a", distance, naive);
    }
    fuzz_free_pair(&pair);
    return 0;
}
