/*
 * search_api.c — the public entry points of z-normalisation and
 * subsequence search: arguments checked here, once (shapes first, then
 * values), as core/api.c does for the distance calls.
 */
#include "core/internal.h"

#include "cpu/cell.h"
#include "cpu/znorm.h"

#include <math.h>

hdtw_status hdtw_znorm(const double *x, size_t n, double *out)
{
    if (!x || !out || n == 0)
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
    hdtw_search_params params = sp ? *sp : HDTW_SEARCH_DEFAULT;
    hdtw_cost cost = params.dtw.cost;
    if (!ctx || !query || !series || !out || !found || m == 0 || k == 0 ||
        m > len || (cost != HDTW_COST_ABS && cost != HDTW_COST_SQUARED))
        return HDTW_E_ARG;
    if (!hdtw_all_finite(query, m) || !hdtw_all_finite(series, len))
        return HDTW_E_NONFINITE;
    hdtw_search_job job = {
        .cost = cost,
        .band = hdtw_effective_band(params.dtw.band, m, m),
        .znorm = params.znorm != 0,
        .exclusion = params.exclusion == HDTW_EXCLUSION_AUTO
                         ? m / 2 : params.exclusion,
        .query = query, .m = m, .series = series, .len = len, .k = k,
    };
    return hdtw_route_search(ctx, &job, out, found);
}
