/*
 * backend.c — one hdtw_job on the OpenCL device: choose the kernel and its
 * work-group shape, split the windows into chunks that fit the device,
 * upload each chunk's span of the series once (windows are read by offset),
 * run the wavefront, and read the distances into a host staging buffer.
 * `out` is written only after every chunk succeeded, so a failure anywhere
 * leaves it untouched and the router completes the call on the CPU.
 */
#include "opencl/runtime.h"

#include "core/alloc.h"

#include <limits.h>
#include <string.h>

/* Work-items per work-group the local kernel aims for: 128 keeps four
 * warps of an NVIDIA SM busy per window of length >= 128 and packs several
 * short windows into one group; PoCL runs any size. */
#define LOCAL_GROUP_TARGET 128
/* CPU devices (PoCL) run a work-group as a loop over its work-items, so
 * every barrier costs a pass over the group: there one work-item walks a
 * whole window (PoCL vectorises across the group's windows, like the AVX
 * lanes) and a group holds this many windows (the shapes measured:
 * bench/RESULTS.md, "Measurements behind the code's constants"). */
#define CPU_WINDOWS_PER_GROUP 32
/* Work-items per group of the global kernel (one row each). */
#define GLOBAL_GROUP_TARGET 64
/* The kernels index rows and diagonals with int: m + n + band < INT_MAX. */
#define MAX_LENGTH (INT_MAX / 4)
/* Share of the device's global memory one call may hold. */
#define MEMORY_SHARE 2

typedef struct {
    int use_local;
    size_t lanes;       /* work-items per window (dimension 0) */
    size_t per_group;   /* windows per work-group (local kernel) */
    size_t chunk;       /* windows per device chunk */
} plan;

typedef struct {
    cl_mem pattern, series, out, diags;
} buffers;

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

static size_t pow2_at_least(size_t x)
{
    size_t p = 1;
    while (p < x)
        p *= 2;
    return p;
}

/* The most cells one anti-diagonal of the band holds. */
static size_t diagonal_cells(const hdtw_job *job)
{
    return min_size(min_size(job->m, job->n), job->band + 1);
}

/* The local kernel: pattern + three diagonals per window in local memory. */
static void plan_local(const struct hdtw_opencl *cl, const hdtw_job *job,
                       plan *p)
{
    size_t group_max = min_size(cl->local_kernel_group, LOCAL_GROUP_TARGET);
    size_t local_doubles = (size_t)(cl->dev.local_mem / sizeof(double));
    p->use_local = cl->kernel != HDTW_OPENCL_KERNEL_GLOBAL &&
                   local_doubles >= 4 * job->m && group_max > 0;
    if (!p->use_local)
        return;
    p->lanes = min_size(pow2_at_least(diagonal_cells(job)), group_max);
    if (cl->dev.is_cpu && cl->kernel == HDTW_OPENCL_KERNEL_AUTO &&
        job->count >= CPU_WINDOWS_PER_GROUP) {
        p->lanes = 1;
        group_max = min_size(cl->local_kernel_group, CPU_WINDOWS_PER_GROUP);
    }
    size_t fit = (local_doubles - job->m) / (3 * job->m);
    p->per_group = min_size(min_size(group_max / p->lanes, fit), job->count);
    if (p->per_group == 0)
        p->per_group = 1;
}

/* Windows per chunk: every buffer within the device's largest allocation,
 * all of them within its share of device memory. 0: not even one fits. */
static size_t chunk_windows(const struct hdtw_opencl *cl, const hdtw_job *job,
                            const plan *p)
{
    size_t max_doubles = (size_t)(cl->dev.max_alloc / sizeof(double));
    size_t budget = (size_t)(cl->dev.global_mem / MEMORY_SHARE / sizeof(double));
    size_t diag_doubles = p->use_local ? 0 : 3 * job->m;
    /* a lone window reads no stride, and its stride may be anything:
     * SIZE_MAX + 1 would wrap to a zero divisor below */
    size_t step = job->count > 1 ? job->stride : 0;
    size_t per_window = step + 1 + diag_doubles;
    size_t fixed = job->m + job->n;
    if (job->n > max_doubles || job->m > max_doubles || fixed >= budget)
        return 0;
    size_t chunk = min_size(job->count, (size_t)INT_MAX);
    chunk = min_size(chunk, (max_doubles - job->n) / job->stride + 1);
    chunk = min_size(chunk, max_doubles);
    if (diag_doubles)
        chunk = min_size(chunk, max_doubles / diag_doubles);
    chunk = min_size(chunk, (budget - fixed) / per_window);
    if (cl->chunk_limit)
        chunk = min_size(chunk, cl->chunk_limit);
    return chunk;
}

static hdtw_status make_buffer(struct hdtw_opencl *cl, cl_mem_flags flags,
                               size_t doubles, cl_mem *buf)
{
    cl_int err = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    if (cl->fault != HDTW_FAULT_ALLOC)
        *buf = clCreateBuffer(cl->context, flags, doubles * sizeof(double),
                              NULL, &err);
    return err == CL_SUCCESS ? HDTW_OK : hdtw_cl_fail(cl, "clCreateBuffer", err);
}

static hdtw_status make_buffers(struct hdtw_opencl *cl, const hdtw_job *job,
                                const plan *p, buffers *b)
{
    size_t span = (p->chunk - 1) * job->stride + job->n;
    hdtw_status s = make_buffer(cl, CL_MEM_READ_ONLY, job->m, &b->pattern);
    if (s == HDTW_OK)
        s = make_buffer(cl, CL_MEM_READ_ONLY, span, &b->series);
    if (s == HDTW_OK)
        s = make_buffer(cl, CL_MEM_WRITE_ONLY, p->chunk, &b->out);
    if (s == HDTW_OK && !p->use_local)
        s = make_buffer(cl, CL_MEM_READ_WRITE, 3 * job->m * p->chunk,
                        &b->diags);
    return s;
}

static void release_buffers(buffers *b)
{
    cl_mem *all[] = { &b->diags, &b->out, &b->series, &b->pattern };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (*all[i])
            clReleaseMemObject(*all[i]);
}

/* Arguments 0..8, the same for both kernels. */
static cl_int set_common_args(cl_kernel k, const hdtw_job *job,
                              const buffers *b, size_t count)
{
    cl_int m = (cl_int)job->m, n = (cl_int)job->n, cnt = (cl_int)count;
    cl_int band = (cl_int)min_size(job->band, (size_t)MAX_LENGTH);
    cl_int squared = job->cost == HDTW_COST_SQUARED;
    cl_ulong stride = job->stride;
    cl_int err = clSetKernelArg(k, 0, sizeof(cl_mem), &b->pattern);
    err |= clSetKernelArg(k, 1, sizeof m, &m);
    err |= clSetKernelArg(k, 2, sizeof(cl_mem), &b->series);
    err |= clSetKernelArg(k, 3, sizeof n, &n);
    err |= clSetKernelArg(k, 4, sizeof stride, &stride);
    err |= clSetKernelArg(k, 5, sizeof cnt, &cnt);
    err |= clSetKernelArg(k, 6, sizeof band, &band);
    err |= clSetKernelArg(k, 7, sizeof squared, &squared);
    err |= clSetKernelArg(k, 8, sizeof(cl_mem), &b->out);
    return err; /* CL_SUCCESS is 0: any failure leaves bits set */
}

static cl_int enqueue(const struct hdtw_opencl *cl, cl_kernel k,
                      const size_t global[2], const size_t local[2])
{
    if (cl->fault == HDTW_FAULT_ENQUEUE)
        return CL_OUT_OF_RESOURCES;
    return clEnqueueNDRangeKernel(cl->queue, k, 2, NULL, global, local, 0,
                                  NULL, NULL);
}

static hdtw_status run_local(struct hdtw_opencl *cl, const hdtw_job *job,
                             const plan *p, const buffers *b, size_t count)
{
    cl_kernel k = cl->local_kernel;
    cl_int err = set_common_args(k, job, b, count);
    err |= clSetKernelArg(k, 9, job->m * sizeof(double), NULL);
    err |= clSetKernelArg(k, 10, p->per_group * 3 * job->m * sizeof(double),
                          NULL);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clSetKernelArg", err);
    size_t local[2] = { p->lanes, p->per_group };
    size_t global[2] = { p->lanes, round_up(count, p->per_group) };
    err = enqueue(cl, k, global, local);
    return err == CL_SUCCESS ? HDTW_OK
                             : hdtw_cl_fail(cl, "clEnqueueNDRangeKernel", err);
}

/* One launch per anti-diagonal; the in-order queue orders them. */
static hdtw_status run_global(struct hdtw_opencl *cl, const hdtw_job *job,
                              const buffers *b, size_t count)
{
    cl_kernel k = cl->global_kernel;
    cl_int err = set_common_args(k, job, b, count);
    err |= clSetKernelArg(k, 9, sizeof(cl_mem), &b->diags);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clSetKernelArg", err);
    size_t lanes = min_size(cl->global_kernel_group, GLOBAL_GROUP_TARGET);
    size_t local[2] = { lanes, 1 };
    size_t global[2] = { round_up(diagonal_cells(job), lanes), count };
    cl_int last = (cl_int)(job->m + job->n - 2);
    for (cl_int d = 0; d <= last; d++) {
        err = clSetKernelArg(k, 10, sizeof d, &d);
        if (err == CL_SUCCESS)
            err = enqueue(cl, k, global, local);
        if (err != CL_SUCCESS)
            return hdtw_cl_fail(cl, "clEnqueueNDRangeKernel", err);
    }
    return HDTW_OK;
}

static hdtw_status read_results(struct hdtw_opencl *cl, const buffers *b,
                                size_t count, double *dst)
{
    cl_int err = CL_OUT_OF_RESOURCES;
    if (cl->fault != HDTW_FAULT_READ)
        err = clEnqueueReadBuffer(cl->queue, b->out, CL_TRUE, 0,
                                  count * sizeof(double), dst, 0, NULL, NULL);
    return err == CL_SUCCESS ? HDTW_OK
                             : hdtw_cl_fail(cl, "clEnqueueReadBuffer", err);
}

/* Windows first .. first + count - 1: upload their span, run, read back. */
static hdtw_status run_chunk(struct hdtw_opencl *cl, const hdtw_job *job,
                             const plan *p, const buffers *b, size_t first,
                             size_t count, double *stage)
{
    size_t span = (count - 1) * job->stride + job->n;
    /* blocking: the caller's series may be freed as soon as we return */
    cl_int err = clEnqueueWriteBuffer(cl->queue, b->series, CL_TRUE, 0,
                                      span * sizeof(double),
                                      job->series + first * job->stride, 0,
                                      NULL, NULL);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clEnqueueWriteBuffer", err);
    hdtw_status s = p->use_local ? run_local(cl, job, p, b, count)
                                 : run_global(cl, job, b, count);
    return s != HDTW_OK ? s : read_results(cl, b, count, stage + first);
}

static hdtw_status run_chunks(struct hdtw_opencl *cl, const hdtw_job *job,
                              const plan *p, double *stage)
{
    buffers b = { 0 };
    hdtw_status s = make_buffers(cl, job, p, &b);
    if (s != HDTW_OK)
        goto cleanup;
    cl_int err = clEnqueueWriteBuffer(cl->queue, b.pattern, CL_TRUE, 0,
                                      job->m * sizeof(double), job->pattern,
                                      0, NULL, NULL);
    if (err != CL_SUCCESS) {
        s = hdtw_cl_fail(cl, "clEnqueueWriteBuffer", err);
        goto cleanup;
    }
    for (size_t first = 0; first < job->count && s == HDTW_OK;
         first += p->chunk)
        s = run_chunk(cl, job, p, &b, first,
                      min_size(p->chunk, job->count - first), stage);
cleanup:
    if (s != HDTW_OK)
        clFinish(cl->queue); /* nothing of this call still runs */
    release_buffers(&b);
    return s;
}

hdtw_status hdtw_opencl_run(const hdtw_call *call)
{
    struct hdtw_opencl *cl = call->state;
    const hdtw_job *job = call->job;
    double *out = call->out;
    cl->error = call->error;
    cl->error_size = call->error_size;
    if (job->m > MAX_LENGTH || job->n > MAX_LENGTH)
        return hdtw_cl_fail(cl, "series longer than the kernels index",
                            CL_INVALID_VALUE);
    hdtw_status s = hdtw_cl_prepare(cl);
    if (s != HDTW_OK)
        return s;

    plan p = { 0 };
    plan_local(cl, job, &p);
    p.chunk = chunk_windows(cl, job, &p);
    if (p.chunk == 0)
        return hdtw_cl_fail(cl, "a window does not fit in device memory",
                            CL_INVALID_BUFFER_SIZE);
    double *stage = hdtw_malloc(job->count * sizeof *stage);
    if (!stage)
        return HDTW_E_NOMEM;
    s = run_chunks(cl, job, &p, stage);
    if (s == HDTW_OK)
        memcpy(out, stage, job->count * sizeof *out);
    hdtw_free(stage);
    return s;
}
