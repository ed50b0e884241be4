/* SPDX-License-Identifier: MIT */
/*
 * router.c — picks the backend for a call and falls back when a device
 * fails. Routing never changes a result bit: every backend computes the
 * scalar reference's exact values, so the choice is only about time.
 *
 * The cost model (numbers in ctx->profile, see profile.h): a backend takes
 *
 *     overhead(threads) + cells / throughput(threads)   [+ bytes / bandwidth]
 *
 * for a call, where cells = the band's cells summed over the windows, the
 * curve is the one measured for the job's kind (one pair, or many windows),
 * and the bytes term (pattern, windows, results over the bus) applies to an
 * OpenCL device only. AUTO runs the backend with the smallest estimate.
 */
#include "core/internal.h"

#include "cpu/cell.h"

#include <math.h>

hdtw_backend hdtw_best_cpu_backend(const hdtw_ctx *ctx)
{
    if (ctx->run[HDTW_BACKEND_AVX512])
        return HDTW_BACKEND_AVX512;
    if (ctx->run[HDTW_BACKEND_AVX2])
        return HDTW_BACKEND_AVX2;
    return HDTW_BACKEND_SCALAR;
}

static hdtw_kind job_kind(const hdtw_job *job)
{
    return job->count == 1 ? HDTW_KIND_PAIR : HDTW_KIND_MANY;
}

static double job_cells(const hdtw_job *job)
{
    size_t longest = job->m > job->n ? job->m : job->n;
    double per_window = job->band >= longest /* no band: skip the loop */
                            ? (double)job->m * (double)job->n
                            : (double)hdtw_band_cells(job->m, job->n, job->band);
    return (double)job->count * per_window;
}

/* Threads a CPU backend can keep busy: windows are the unit of parallel
 * work for many-window calls, so 3 windows never use 16 threads. */
static int useful_threads(int threads, const hdtw_job *job)
{
    if (job->count > 1 && job->count < (size_t)threads)
        threads = (int)job->count;
    return threads;
}

/* Bytes an OpenCL call moves: the pattern, the span of the series the
 * windows cover, and one result per window. */
static double job_bytes(const hdtw_job *job)
{
    double span = (double)(job->count - 1) * (double)job->stride +
                  (double)job->n;
    return (double)sizeof(double) *
           ((double)job->m + span + (double)job->count);
}

static double estimate(const hdtw_cost_model *cm, hdtw_backend b,
                       const hdtw_job *job, double cells)
{
    if (!(cm->present & (1u << b)))
        return INFINITY;
    hdtw_kind kind = job_kind(job);
    if (b == HDTW_BACKEND_OPENCL) {
        /* a device never measured here is never picked (PoCL would
         * otherwise win by assumption) */
        const hdtw_device_profile *d = cm->device;
        if (!d || d->kind[kind].points == 0 || !(d->bytes_per_s[kind] > 0))
            return INFINITY;
        return hdtw_curve_seconds(&d->kind[kind], 0, cells) +
               job_bytes(job) / d->bytes_per_s[kind];
    }
    /* a CPU backend without numbers of its own borrows scalar's; the tie
     * then goes to the wider instruction set (see hdtw_cost_pick) */
    const hdtw_rate_curve *c = &cm->profile->cpu[b][kind];
    if (c->points == 0)
        c = &cm->profile->cpu[HDTW_BACKEND_SCALAR][kind];
    if (c->points == 0)
        return INFINITY;
    return hdtw_curve_seconds(c, useful_threads(cm->threads, job), cells);
}

double hdtw_cost_estimate(const hdtw_cost_model *cm, hdtw_backend b,
                          const hdtw_job *job)
{
    if (b <= HDTW_BACKEND_AUTO || b >= HDTW_BACKEND_COUNT)
        return INFINITY;
    return estimate(cm, b, job, job_cells(job));
}

hdtw_backend hdtw_cost_pick(const hdtw_cost_model *cm, const hdtw_job *job)
{
    /* CPU kernels from the widest down (ties go to the wider), then the
     * device, which must be strictly faster to be chosen */
    static const hdtw_backend order[] = { HDTW_BACKEND_AVX512,
                                          HDTW_BACKEND_AVX2,
                                          HDTW_BACKEND_SCALAR,
                                          HDTW_BACKEND_OPENCL };
    double cells = job_cells(job), best_s = INFINITY;
    hdtw_backend best = HDTW_BACKEND_SCALAR; /* always present */
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        double s = estimate(cm, order[k], job, cells);
        if (s < best_s) {
            best = order[k];
            best_s = s;
        }
    }
    return best;
}

/* The cost model over the backends present in ctx (and its OpenCL
 * device's measured numbers, if any). */
static hdtw_backend pick_by_cost(const hdtw_ctx *ctx, const hdtw_job *job,
                                 int threads)
{
    hdtw_cost_model cm = { .profile = &ctx->profile };
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++)
        if (ctx->run[b])
            cm.present |= 1u << b;
    if (cm.present == 1u << HDTW_BACKEND_SCALAR)
        return HDTW_BACKEND_SCALAR; /* nothing to choose from */
    cm.threads = threads;
    if (ctx->run[HDTW_BACKEND_OPENCL] && ctx->profile.devices > 0) {
        const char *name = hdtw_opencl_device_name(ctx);
        cm.device = name ? hdtw_profile_device(&ctx->profile, name) : NULL;
    }
    return hdtw_cost_pick(&cm, job);
}

static int same_shape(const hdtw_route_memo *x, const hdtw_route_memo *y)
{
    return x->m == y->m && x->n == y->n && x->count == y->count &&
           x->stride == y->stride && x->band == y->band &&
           x->threads == y->threads;
}

hdtw_backend hdtw_route_pick(hdtw_ctx *ctx, const hdtw_job *job)
{
    if (ctx->forced != HDTW_BACKEND_AUTO)
        return ctx->forced;
    hdtw_route_memo shape = { job->m, job->n, job->count, job->stride,
                              job->band, hdtw_ctx_threads(ctx),
                              HDTW_BACKEND_AUTO };
    if (ctx->memo.backend != HDTW_BACKEND_AUTO &&
        same_shape(&ctx->memo, &shape))
        return ctx->memo.backend;
    shape.backend = pick_by_cost(ctx, job, shape.threads);
    ctx->memo = shape;
    return shape.backend;
}

/* The call record every backend gets from ctx. A backend writes the
 * reason of a failure into ctx's last error (kept until the next one). */
static hdtw_call make_call(hdtw_ctx *ctx, hdtw_backend b)
{
    return (hdtw_call){ .threads = hdtw_ctx_threads(ctx),
                        .state = ctx->state[b],
                        .error = ctx->last_error,
                        .error_size = sizeof ctx->last_error,
                        .scratch = hdtw_ctx_scratch(ctx) };
}

hdtw_status hdtw_run_backend(hdtw_ctx *ctx, hdtw_backend b,
                             const hdtw_job *job, double *out)
{
    hdtw_call call = make_call(ctx, b);
    call.job = job;
    call.out = out;
    return ctx->run[b](&call);
}

hdtw_status hdtw_route(hdtw_ctx *ctx, const hdtw_job *job, double *out)
{
    hdtw_backend b = hdtw_route_pick(ctx, job);
    hdtw_status s = hdtw_run_backend(ctx, b, job, out);
    if (s == HDTW_E_DEVICE) {
        /* a device failed and wrote nothing: the CPU completes the call
         * (the device's reason stays in the last error) */
        b = hdtw_best_cpu_backend(ctx);
        s = hdtw_run_backend(ctx, b, job, out);
    }
    if (s == HDTW_OK)
        ctx->last = b;
    return s;
}

hdtw_status hdtw_route_search(hdtw_ctx *ctx, const hdtw_search_job *job,
                              hdtw_match *out, size_t *found)
{
    hdtw_backend b = ctx->forced;
    if (b == HDTW_BACKEND_AUTO || !ctx->search[b])
        b = hdtw_best_cpu_backend(ctx);
    hdtw_call call = make_call(ctx, b);
    call.search = job;
    call.matches = out;
    call.found = found;
    hdtw_status s = ctx->search[b](&call);
    if (s == HDTW_OK)
        ctx->last = b;
    return s;
}

/* Backend b's subsequence pass when ctx has b (present, not disabled),
 * else NULL. */
static hdtw_run_fn subsequence_of(const hdtw_ctx *ctx, hdtw_backend b)
{
    const hdtw_backend_entry *e = hdtw_backend_entry_of(b);
    return ctx->run[b] && e ? e->subsequence : NULL;
}

hdtw_status hdtw_route_subsequence(hdtw_ctx *ctx, const hdtw_subseq_job *job,
                                   double *costs, double *block_min,
                                   hdtw_subseq_finder **finder)
{
    hdtw_backend b = ctx->forced;
    if (b == HDTW_BACKEND_AUTO || !subsequence_of(ctx, b))
        b = hdtw_best_cpu_backend(ctx);
    if (!subsequence_of(ctx, b))
        b = HDTW_BACKEND_SCALAR;
    hdtw_call call = make_call(ctx, b);
    call.subseq = job;
    call.end_costs = costs;
    call.end_block_min = block_min;
    call.subseq_finder = finder;
    hdtw_status s = subsequence_of(ctx, b)(&call);
    if (s == HDTW_OK)
        ctx->last = b;
    return s;
}
