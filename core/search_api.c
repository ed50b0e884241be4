/* SPDX-License-Identifier: MIT */
/*
 * search_api.c — the public entry points of z-normalisation and
 * subsequence search: arguments checked here, once (shapes first, then
 * values), as core/api.c does for the distance calls.
 */
#include "core/internal.h"

#include "cpu/cell.h"
#include "cpu/znorm.h"

#include <math.h>
#include <stdint.h>

hdtw_status hdtw_znorm(const double *x, size_t n, double *out)
{
    if (!x || !out || n == 0 || n > SIZE_MAX / sizeof(double))
        return HDTW_E_ARG;
    if (!hdtw_all_finite(x, n))
        return HDTW_E_NONFINITE;
    double mean, sd;
    hdtw_window_stats(x, n, 1, &mean, &sd);
    if (!isfinite(mean) || !isfinite(sd))
        return HDTW_E_NONFINITE;
    for (size_t i = 0; i < n; i++)
        out[i] = hdtw_normalise(x[i], mean, sd);
    return HDTW_OK;
}

hdtw_status hdtw_search(hdtw_ctx *ctx, const hdtw_search_params *sp,
                        const double *query, size_t m, const double *series,
                        size_t len, size_t k, hdtw_match *out, size_t *found)
{
    static const char fn[] = "hdtw_search";
    hdtw_search_params params = sp ? *sp : HDTW_SEARCH_DEFAULT;
    if (!ctx)
        return HDTW_E_ARG;
    hdtw_status s = HDTW_CHECK_POINTERS(ctx, fn, { "query", query },
                                        { "series", series }, { "out", out },
                                        { "found", found });
    if (s == HDTW_OK)
        s = HDTW_CHECK_LENGTHS(ctx, fn, { "m", m }, { "k", k });
    if (s == HDTW_OK)
        s = hdtw_check_doubles(ctx, fn, "len", len);
    if (s == HDTW_OK && m > len)
        s = hdtw_fail(ctx, HDTW_E_ARG, "%s: m (%zu) > len (%zu)", fn, m, len);
    if (s == HDTW_OK)
        s = hdtw_check_cost(ctx, fn, params.dtw.cost);
    if (s != HDTW_OK)
        return s;
    /* the series' values are checked by the workers, chunk by chunk
     * (cpu/search.c), with the same status and nothing written */
    if (!hdtw_all_finite(query, m))
        return HDTW_E_NONFINITE;
    hdtw_search_job job = {
        .cost = params.dtw.cost,
        .band = hdtw_effective_band(params.dtw.band, m, m),
        .znorm = params.znorm != 0,
        .exclusion = params.exclusion == HDTW_EXCLUSION_AUTO
                         ? m / 2 : params.exclusion,
        .query = query, .m = m, .series = series, .len = len, .k = k,
        .bound = ctx->search_bound, .bound_user = ctx->search_bound_user,
    };
    return hdtw_route_search(ctx, &job, out, found);
}
