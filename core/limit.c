/* SPDX-License-Identifier: MIT */
/*
 * limit.c — hdtw_opmix_bound: the arithmetic limit of a CPU backend on one
 * core, from its op-mix kernel (cpu/opmix_template.h, registered in
 * core/registry.c). The fastest of repeated runs is the bound: anything
 * else running on the core only makes a run slower.
 */
#include "core/internal.h"

#include <math.h>
#include <time.h>

double hdtw_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Cells per second of one run of `iterations` rounds; *took its seconds. */
static double one_run(const hdtw_backend_entry *e, size_t iterations,
                      double *took)
{
    /* read through a volatile, so the compiler cannot fold the chains */
    static volatile double constants[4] = { 0.75, 2.0, 3.0, 0.5 };
    double c[4] = { constants[0], constants[1], constants[2], constants[3] };
    double sink, t0 = hdtw_now_seconds();
    size_t cells = e->opmix(iterations, c, &sink);
    *took = hdtw_now_seconds() - t0;
    return *took > 0 && isfinite(sink) ? (double)cells / *took : 0.0;
}

hdtw_status hdtw_opmix_bound(hdtw_ctx *ctx, hdtw_backend b, double seconds,
                             double *cells_per_s)
{
    static const char fn[] = "hdtw_opmix_bound";
    if (!ctx)
        return HDTW_E_ARG;
    hdtw_status s = HDTW_CHECK_POINTERS(ctx, fn, { "cells_per_s", cells_per_s });
    if (s != HDTW_OK)
        return s;
    if (!(seconds > 0 && seconds <= 60))
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "%s: seconds is %g, must be in (0, 60]", fn, seconds);
    const hdtw_backend_entry *e = hdtw_backend_entry_of(b);
    if (b <= HDTW_BACKEND_AUTO || b >= HDTW_BACKEND_COUNT || !ctx->run[b] ||
        !e || !e->opmix)
        return hdtw_fail(ctx, HDTW_E_UNSUPPORTED,
                         "%s: b is %s, not a CPU backend present here", fn,
                         hdtw_backend_name(b));
    /* runs of about an eighth of the time, the first ones warming up */
    size_t iterations = 1024;
    double took, best = one_run(e, iterations, &took), spent = took;
    while (took < seconds / 8 && iterations < ((size_t)1 << 40)) {
        iterations *= 2;
        best = fmax(best, one_run(e, iterations, &took));
        spent += took;
    }
    while (spent < seconds) {
        best = fmax(best, one_run(e, iterations, &took));
        spent += took;
    }
    *cells_per_s = best;
    return HDTW_OK;
}
