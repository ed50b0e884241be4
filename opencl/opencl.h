/*
 * opencl.h — what the rest of hdtw knows of the OpenCL backend: open it on
 * a context, run a job, close it. Everything else (devices, programs,
 * buffers) stays inside opencl/. Only built with HDTW_HAVE_OPENCL.
 */
#ifndef HDTW_OPENCL_H
#define HDTW_OPENCL_H

#include "core/internal.h"

#include <stdio.h>

/* Finds the device ctx->opencl_device names (or the default: the first GPU
 * with cl_khr_fp64, else the first other fp64 device) and attaches the
 * backend's state to ctx->opencl. Cheap: nothing is built until the first
 * job. HDTW_E_UNSUPPORTED when no usable device matches, HDTW_E_NOMEM. */
hdtw_status hdtw_opencl_open(hdtw_ctx *ctx);

/* Releases ctx->opencl and every OpenCL object it holds; NULL state is
 * fine. */
void hdtw_opencl_close(hdtw_ctx *ctx);

/* The backend's hdtw_run_fn. Builds the program on first use (once per
 * context and device). Any OpenCL failure returns HDTW_E_DEVICE with
 * nothing written to out and the reason in hdtw_last_error(ctx). */
hdtw_status hdtw_opencl_run(hdtw_ctx *ctx, const hdtw_job *job, double *out);

/* The device ctx's OpenCL backend uses (benchmarks report it);
 * HDTW_E_UNSUPPORTED when the backend is absent. */
hdtw_status hdtw_opencl_current_device(const hdtw_ctx *ctx,
                                       hdtw_device_info *out);

/* Writes the device's compiled program (CL_PROGRAM_BINARIES: PTX text on
 * NVIDIA) to `to`, for bench/gpu/run.sh to check for fma.rn.f64. Only
 * after a job has built it: HDTW_E_UNSUPPORTED before. */
hdtw_status hdtw_opencl_write_binary(const hdtw_ctx *ctx, FILE *to);

/* Test hook: at most `windows` windows per device chunk (0 = only the
 * device's memory limits), so tests reach the chunking path with small
 * batches. */
void hdtw_opencl_set_chunk_limit(hdtw_ctx *ctx, size_t windows);

/* Test hook, before the first job: build the program with the options a
 * GPU gets (one window per work-item, fmin) whatever the device. */
void hdtw_opencl_build_as_gpu(hdtw_ctx *ctx);

/* Test hook: which kernel the next jobs use, and its shape. */
typedef enum {
    HDTW_OPENCL_KERNEL_AUTO = 0,   /* chosen by device and job */
    HDTW_OPENCL_KERNEL_ROWS,       /* one work-item per window (dtw_rows) */
    HDTW_OPENCL_KERNEL_TEAM        /* a team per window (dtw_rows_team) */
} hdtw_opencl_kernel;
/* team: work-items per window for the team kernel; group: work-items per
 * work-group (a multiple of team); 0 = as the backend would choose. */
void hdtw_opencl_force_kernel(hdtw_ctx *ctx, hdtw_opencl_kernel kernel,
                              size_t team, size_t group);

#endif
