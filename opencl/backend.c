/* SPDX-License-Identifier: MIT */
/*
 * backend.c — one hdtw_job on the OpenCL device: choose the kernel (a
 * work-item per window, or a team per window when windows are few) and its
 * work-group shape, split the windows into chunks that fit the device,
 * upload each chunk's span of the series once (windows are read by offset)
 * through pinned staging, run one launch per chunk, and read the distances
 * into pinned host memory. Buffers stay in the backend's state for the
 * next call. `out` is written only after every chunk succeeded, so a
 * failure anywhere leaves it untouched and the router completes the call on
 * the CPU.
 */
#include "opencl/runtime.h"

#include "core/alloc.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

/* DTW_R of opencl/kernels/rows.cl: columns per block. */
#define BLOCK_COLUMNS 6
/* Work-items per work-group on a GPU: four warps or two wavefronts. */
#define GPU_GROUP 128
/* CPU devices (PoCL) run a work-group as a loop over its work-items and
 * vectorise across them: one work-item per window, this many per group. */
#define CPU_GROUP 16
/* A GPU wants at least this many work-items in flight; fewer windows get
 * a team each (up to MAX_TEAM lanes, or a whole group for a lone pair). */
#define GPU_ITEMS 65536
#define MAX_TEAM 32
#define PAIR_WINDOWS 4
/* The kernels index rows and columns with int: m + n + band < INT_MAX. */
#define MAX_LENGTH (INT_MAX / 4)
/* Share of the device's global memory one call may hold. */
#define MEMORY_SHARE 2

typedef struct {
    int team_kernel;    /* dtw_rows_team, else dtw_rows */
    size_t team;        /* work-items per window */
    size_t group;       /* work-items per work-group, a multiple of team */
    size_t slot_doubles; /* boundary memory per window */
    size_t chunk;       /* windows per device chunk */
    int threads;        /* host threads for the stage copy */
} plan;

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* A GPU, or a device a test has asked to treat as one: a GPU's program,
 * kernel shapes and pinned staging. */
static int as_gpu(const struct hdtw_opencl *cl)
{
    return !cl->dev.is_cpu || cl->build_as_gpu;
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

/* Lanes per window for the team kernel on a GPU: enough windows x lanes
 * to fill the device, never more lanes than column blocks. */
static size_t gpu_team(const struct hdtw_opencl *cl, const hdtw_job *job)
{
    size_t blocks = (job->n + BLOCK_COLUMNS - 1) / BLOCK_COLUMNS;
    size_t most = job->count <= PAIR_WINDOWS
                      ? min_size(cl->team_kernel_group, GPU_GROUP)
                      : MAX_TEAM;
    return max_size(1, min_size(min_size(blocks, most),
                                GPU_ITEMS / job->count));
}

static void plan_shape(const struct hdtw_opencl *cl, const hdtw_job *job,
                       plan *p)
{
    size_t local_doubles = (size_t)(cl->dev.local_mem / sizeof(double));
    int pattern_fits = local_doubles >= job->m;
    size_t team = as_gpu(cl) ? gpu_team(cl, job) : 1;
    p->team_kernel = !pattern_fits || team > 1;
    if (cl->kernel != HDTW_OPENCL_KERNEL_AUTO)
        p->team_kernel = cl->kernel == HDTW_OPENCL_KERNEL_TEAM || !pattern_fits;
    if (cl->forced_team)
        team = cl->forced_team;
    p->team = p->team_kernel ? team : 1;
    size_t kernel_group = p->team_kernel ? cl->team_kernel_group
                                         : cl->rows_kernel_group;
    size_t group = cl->forced_group ? cl->forced_group
                   : as_gpu(cl) ? GPU_GROUP : CPU_GROUP;
    group = min_size(max_size(group, p->team), kernel_group);
    p->team = min_size(p->team, group);
    p->group = group / p->team * p->team;
    p->slot_doubles = (p->team_kernel ? 2 * p->team : 1) * job->m;
}

/* Windows per chunk: every buffer within the device's largest allocation,
 * all of them within its share of device memory. 0: not even one fits. */
static size_t chunk_windows(const struct hdtw_opencl *cl, const hdtw_job *job,
                            const plan *p)
{
    size_t max_doubles = (size_t)(cl->dev.max_alloc / sizeof(double));
    size_t budget = (size_t)(cl->dev.global_mem / MEMORY_SHARE / sizeof(double));
    /* a lone window reads no stride, and its stride may be anything:
     * SIZE_MAX + 1 would wrap to a zero divisor below */
    size_t step = job->count > 1 ? job->stride : 1;
    size_t per_window = step + 1 + p->slot_doubles;
    size_t fixed = job->m + job->n + cl->lanes * p->slot_doubles;
    if (job->n > max_doubles || p->slot_doubles > max_doubles ||
        fixed >= budget)
        return 0;
    size_t chunk = min_size(job->count, (size_t)INT_MAX / p->team);
    chunk = min_size(chunk, (max_doubles - job->n) / step + 1);
    chunk = min_size(chunk, max_doubles / p->slot_doubles);
    chunk = min_size(chunk, (budget - fixed) / per_window);
    if (cl->chunk_limit)
        chunk = min_size(chunk, cl->chunk_limit);
    return chunk;
}

static size_t chunk_span(const hdtw_job *job, size_t count)
{
    return (count - 1) * job->stride + job->n;
}

/* Device buffers for chunks of p->chunk windows and, for a GPU, pinned
 * staging for the series; all kept in the state for later calls. A CPU
 * device reads host memory anyway: there the staging copy would only cost
 * time, and the series is uploaded from the caller's memory. */
static hdtw_status fit_buffers(struct hdtw_opencl *cl, const hdtw_job *job,
                               const plan *p)
{
    size_t d = sizeof(double), span = chunk_span(job, p->chunk);
    hdtw_status s = hdtw_cl_buffer_fit(cl, &cl->pattern, CL_MEM_READ_ONLY,
                                       job->m * d);
    if (s == HDTW_OK)
        s = hdtw_cl_buffer_fit(cl, &cl->series, CL_MEM_READ_ONLY, span * d);
    if (s == HDTW_OK)
        s = hdtw_cl_buffer_fit(cl, &cl->out, CL_MEM_WRITE_ONLY, p->chunk * d);
    if (s == HDTW_OK)
        s = hdtw_cl_buffer_fit(cl, &cl->slots, CL_MEM_READ_WRITE,
                               p->slot_doubles *
                                   round_up(p->chunk, cl->lanes) * d);
    for (size_t h = 0; h < HDTW_CL_STAGES && s == HDTW_OK && as_gpu(cl); h++)
        s = hdtw_cl_pinned_fit(cl, &cl->stage[h], span * d);
    return s;
}

/* Arguments 0..9, the same for both kernels. */
static cl_int set_common_args(cl_kernel k, const hdtw_job *job,
                              const struct hdtw_opencl *cl, size_t count)
{
    cl_int m = (cl_int)job->m, n = (cl_int)job->n, cnt = (cl_int)count;
    cl_int band = (cl_int)min_size(job->band, (size_t)MAX_LENGTH);
    cl_int squared = job->cost == HDTW_COST_SQUARED;
    cl_ulong stride = job->stride;
    cl_int err = clSetKernelArg(k, 0, sizeof(cl_mem), &cl->pattern.mem);
    err |= clSetKernelArg(k, 1, sizeof m, &m);
    err |= clSetKernelArg(k, 2, sizeof(cl_mem), &cl->series.mem);
    err |= clSetKernelArg(k, 3, sizeof n, &n);
    err |= clSetKernelArg(k, 4, sizeof stride, &stride);
    err |= clSetKernelArg(k, 5, sizeof cnt, &cnt);
    err |= clSetKernelArg(k, 6, sizeof band, &band);
    err |= clSetKernelArg(k, 7, sizeof squared, &squared);
    err |= clSetKernelArg(k, 8, sizeof(cl_mem), &cl->out.mem);
    err |= clSetKernelArg(k, 9, sizeof(cl_mem), &cl->slots.mem);
    return err; /* CL_SUCCESS is 0: any failure leaves bits set */
}

/* One launch for the chunk's windows, whatever their length. */
static hdtw_status launch(struct hdtw_opencl *cl, const hdtw_job *job,
                          const plan *p, size_t count)
{
    cl_kernel k = p->team_kernel ? cl->team_kernel : cl->rows_kernel;
    cl_int err = set_common_args(k, job, cl, count);
    cl_int team = (cl_int)p->team;
    if (p->team_kernel)
        err |= clSetKernelArg(k, 10, sizeof team, &team);
    else
        err |= clSetKernelArg(k, 10, job->m * sizeof(double), NULL);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clSetKernelArg", err);
    size_t local = p->group;
    size_t items = (count + cl->lanes - 1) / cl->lanes * p->team;
    size_t global = round_up(items, local);
    err = cl->fault == HDTW_FAULT_ENQUEUE
              ? CL_OUT_OF_RESOURCES
              : clEnqueueNDRangeKernel(cl->queue, k, 1, NULL, &global, &local,
                                       0, NULL, NULL);
    return err == CL_SUCCESS ? HDTW_OK
                             : hdtw_cl_fail(cl, "clEnqueueNDRangeKernel", err);
}

/* Doubles a piece of the stage copy: copied, then checked while it is in
 * cache. */
#define STAGE_PIECE 65536

/* dst = src[0..n) on up to `threads` threads: a batch's stage is a pass
 * over all its windows, which one core would make the call's bound on a
 * GPU. 0 when `check` is set and a value is not finite. */
static int stage_copy(double *dst, const double *src, size_t n, int check,
                      int threads)
{
    ptrdiff_t pieces = (ptrdiff_t)((n + STAGE_PIECE - 1) / STAGE_PIECE);
    int finite = 1;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static) \
    reduction(&& : finite) if (pieces > 1)
#endif
    for (ptrdiff_t k = 0; k < pieces; k++) {
        size_t lo = (size_t)k * STAGE_PIECE;
        size_t len = n - lo < STAGE_PIECE ? n - lo : STAGE_PIECE;
        memcpy(dst + lo, src + lo, len * sizeof *dst);
        finite = (!check || hdtw_values_finite(dst + lo, len)) && finite;
    }
    (void)threads;
    return finite;
}

/* The chunk's span of the series, ready to upload: copied into a pinned
 * stage on a GPU (once the upload that last used the stage is done), and
 * checked there when the core left the windows' values to the backend;
 * the caller's memory on a CPU device (checked before the chunks). */
static hdtw_status stage_span(struct hdtw_opencl *cl, const hdtw_job *job,
                              const plan *p, size_t first, size_t span,
                              cl_event *stage_done, const double **src)
{
    *src = job->series + first * job->stride;
    if (!as_gpu(cl))
        return HDTW_OK;
    if (*stage_done) {
        cl_int err = clWaitForEvents(1, stage_done);
        clReleaseEvent(*stage_done);
        *stage_done = NULL;
        if (err != CL_SUCCESS)
            return hdtw_cl_fail(cl, "clWaitForEvents", err);
    }
    double *stage = cl->stage[(first / p->chunk) % HDTW_CL_STAGES].host;
    if (!stage_copy(stage, *src, span, job->series_unchecked, p->threads))
        return HDTW_E_NONFINITE;
    *src = stage;
    return HDTW_OK;
}

/* Windows first .. first + count - 1: stage their span, upload it without
 * blocking, run, and queue the read of the distances into results. The
 * in-order queue orders upload, kernel and read; meanwhile the host fills
 * the other stage for the next chunk. */
static hdtw_status run_chunk(struct hdtw_opencl *cl, const hdtw_job *job,
                             const plan *p, size_t first, size_t count,
                             cl_event *stage_done, double *results)
{
    size_t span = chunk_span(job, count), d = sizeof(double);
    const double *src;
    hdtw_status s = stage_span(cl, job, p, first, span, stage_done, &src);
    if (s != HDTW_OK)
        return s;
    cl_int err = clEnqueueWriteBuffer(cl->queue, cl->series.mem, CL_FALSE, 0,
                                      span * d, src, 0, NULL,
                                      as_gpu(cl) ? stage_done : NULL);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clEnqueueWriteBuffer", err);
    s = launch(cl, job, p, count);
    if (s != HDTW_OK)
        return s;
    err = cl->fault == HDTW_FAULT_READ
              ? CL_OUT_OF_RESOURCES
              : clEnqueueReadBuffer(cl->queue, cl->out.mem, CL_FALSE, 0,
                                    count * d, results + first, 0, NULL,
                                    NULL);
    return err == CL_SUCCESS ? HDTW_OK
                             : hdtw_cl_fail(cl, "clEnqueueReadBuffer", err);
}

/* Every chunk into results; returns once the device is idle. */
static hdtw_status run_chunks(struct hdtw_opencl *cl, const hdtw_job *job,
                              const plan *p, double *results)
{
    cl_event stage_done[HDTW_CL_STAGES] = { NULL };
    hdtw_status s = fit_buffers(cl, job, p);
    cl_int err = CL_SUCCESS;
    if (s == HDTW_OK)
        err = clEnqueueWriteBuffer(cl->queue, cl->pattern.mem, CL_FALSE, 0,
                                   job->m * sizeof(double), job->pattern, 0,
                                   NULL, NULL);
    if (err != CL_SUCCESS)
        s = hdtw_cl_fail(cl, "clEnqueueWriteBuffer", err);
    for (size_t first = 0, c = 0; first < job->count && s == HDTW_OK;
         first += p->chunk, c++)
        s = run_chunk(cl, job, p, first,
                      min_size(p->chunk, job->count - first),
                      &stage_done[c % HDTW_CL_STAGES], results);
    /* the caller's memory, every stage and results must be idle before we
     * return */
    err = clFinish(cl->queue);
    if (s == HDTW_OK && err != CL_SUCCESS)
        s = hdtw_cl_fail(cl, "clFinish", err);
    for (size_t h = 0; h < HDTW_CL_STAGES; h++)
        if (stage_done[h])
            clReleaseEvent(stage_done[h]);
    return s;
}

hdtw_status hdtw_opencl_run(const hdtw_call *call)
{
    struct hdtw_opencl *cl = call->state;
    const hdtw_job *job = call->job;
    double *out = call->out;
    cl->error = call->error;
    cl->error_size = call->error_size;
    if (!as_gpu(cl) && !hdtw_job_finite(job))
        return HDTW_E_NONFINITE; /* a GPU's stage copy checks them */
    if (job->m > MAX_LENGTH || job->n > MAX_LENGTH)
        return hdtw_cl_fail(cl, "series longer than the kernels index",
                            CL_INVALID_VALUE);
    hdtw_status s = hdtw_cl_prepare(cl);
    if (s != HDTW_OK)
        return s;

    plan p = { .threads = call->threads };
    plan_shape(cl, job, &p);
    p.chunk = chunk_windows(cl, job, &p);
    if (p.chunk == 0)
        return hdtw_cl_fail(cl, "a window does not fit in device memory",
                            CL_INVALID_BUFFER_SIZE);
    /* out is written only once every chunk has succeeded */
    double *results = hdtw_malloc(job->count * sizeof *results);
    if (!results)
        return HDTW_E_NOMEM;
    s = run_chunks(cl, job, &p, results);
    if (s == HDTW_OK)
        memcpy(out, results, job->count * sizeof *out);
    hdtw_free(results);
    return s;
}
