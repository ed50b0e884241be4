/* SPDX-License-Identifier: MIT */
/*
 * fuzz_align.c — hdtw_align: the same result through every backend setting
 * (align always runs on the CPU), its distance equal to the literal
 * definition's, and a path that is valid, inside the band, and whose costs
 * summed along it give back the distance bit for bit. A failed call leaves
 * the hdtw_alignment exactly as it was.
 */
#include "fuzz_common.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* out: distance, similarity, path_len, then the path (2 * (m + n - 1)
 * slots, zeros after the path) */
static size_t out_length(const fuzz_pair *x)
{
    return x->m <= 64 && x->n <= 64 && x->m && x->n
               ? 3 + 2 * (x->m + x->n - 1) : 3;
}

static hdtw_status call(hdtw_ctx *ctx, const void *args, double *out)
{
    const fuzz_pair *x = args;
    const hdtw_alignment before = { -1.5, -2.5, 77, (size_t *)&before };
    hdtw_alignment al = before;
    hdtw_status s = hdtw_align(x->null == FUZZ_NULL_CTX ? NULL : ctx, x->p,
                               x->null == FUZZ_NULL_FIRST ? NULL : x->a, x->m,
                               x->null == FUZZ_NULL_SECOND ? NULL : x->b, x->n,
                               x->null == FUZZ_NULL_OUT ? NULL : &al);
    if (s != HDTW_OK) {
        FUZZ_ASSERT(memcmp(&al, &before, sizeof al) == 0,
                    "alignment written on failure");
        return s;
    }
    size_t len = out_length(x);
    FUZZ_ASSERT(al.path && 3 + 2 * al.path_len <= len, "path length %zu",
                al.path_len);
    out[0] = al.distance;
    out[1] = al.similarity;
    out[2] = (double)al.path_len;
    for (size_t k = 3; k < len; k++)
        out[k] = k - 3 < 2 * al.path_len ? (double)al.path[k - 3] : 0.0;
    hdtw_alignment_free(&al);
    FUZZ_ASSERT(!al.path && al.path_len == 0, "alignment_free left a path");
    return s;
}

/* Steps of one cell right, down or diagonal from (0,0) to (m-1,n-1), inside
 * the band, whose costs accumulated in path order give the distance. */
static void check_path(const fuzz_pair *x, const double *out)
{
    hdtw_params e = fuzz_effective(x->p);
    size_t len = (size_t)out[2], m = x->m, n = x->n;
    size_t skew = m > n ? m - n : n - m;
    const double *path = out + 3;
    FUZZ_ASSERT(len >= (m > n ? m : n) && len <= m + n - 1, "path_len %zu",
                len);
    FUZZ_ASSERT(path[0] == 0 && path[1] == 0, "path does not start at 0,0");
    FUZZ_ASSERT(path[2 * len - 2] == m - 1 && path[2 * len - 1] == n - 1,
                "path does not end at m-1,n-1");
    double acc = 0.0;
    for (size_t k = 0; k < len; k++) {
        size_t i = (size_t)path[2 * k], j = (size_t)path[2 * k + 1];
        if (k > 0) {
            size_t di = i - (size_t)path[2 * k - 2];
            size_t dj = j - (size_t)path[2 * k - 1];
            FUZZ_ASSERT(di <= 1 && dj <= 1 && di + dj >= 1, "bad step %zu", k);
        }
        size_t off = i > j ? i - j : j - i;
        FUZZ_ASSERT(e.band < 0 || off <= skew || off <= (size_t)e.band,
                    "cell %zu,%zu outside the band", i, j);
        double d = x->a[i] - x->b[j];
        double c = e.cost == HDTW_COST_SQUARED ? d * d : fabs(d);
        acc = k == 0 ? c : c + acc;
    }
    FUZZ_ASSERT(same_bits(acc, out[0]), "path sums to %a, distance %a", acc,
                out[0]);
    double similarity = 1.0 / (1.0 + out[0] / (double)len);
    FUZZ_ASSERT(same_bits(similarity, out[1]), "similarity %a, expected %a",
                out[1], similarity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    fuzz_pair pair;
    fuzz_read_pair(&in, 64, &pair);
    hdtw_status expected = fuzz_pair_expected(&pair);
    size_t len = out_length(&pair);
    double *out = fuzz_output(len);
    fuzz_check_backends(&in, call, &pair, len, expected, out,
                        HDTW_BACKEND_SCALAR);
    if (expected == HDTW_OK) {
        hdtw_params e = fuzz_effective(pair.p);
        double naive = naive_dtw(e.cost, e.band, pair.a, pair.m, pair.b,
                                 pair.n);
        FUZZ_ASSERT(same_bits(out[0], naive), "align %a, definition %a",
                    out[0], naive);
        check_path(&pair, out);
    }
    free(out);
    fuzz_free_pair(&pair);
    return 0;
}
