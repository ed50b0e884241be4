/* SPDX-License-Identifier: MIT */
/*
 * opencl.h — what the rest of hdtw knows of the OpenCL backend: the
 * functions of its hdtw_backend_entry (core/registry.c). Everything else
 * (devices, programs, buffers) stays inside opencl/. Only built with
 * HDTW_HAVE_OPENCL.
 */
#ifndef HDTW_OPENCL_H
#define HDTW_OPENCL_H

#include "core/backend.h"


struct hdtw_opencl; /* opencl/runtime.h: the backend's state */

/* Attaches to the device `device` names (a HDTW_OPENCL_DEVICE value; "" is
 * the default: the first GPU with cl_khr_fp64, else the first other fp64
 * device), or with device NULL to the device at `index` of
 * hdtw_opencl_list. Cheap: nothing is built until the first job.
 * HDTW_E_UNSUPPORTED when no usable device matches, HDTW_E_NOMEM. */
hdtw_status hdtw_opencl_open(const char *device, size_t index, void **state);

/* Releases a state from hdtw_opencl_open and every OpenCL object it
 * holds. */
void hdtw_opencl_close(void *state);

/* The backend's hdtw_run_fn. Builds the program on first use (once per
 * state). Any OpenCL failure returns HDTW_E_DEVICE with nothing written to
 * out and the reason in call->error. */
hdtw_status hdtw_opencl_run(const hdtw_call *call);

/* Every OpenCL device of every platform (hdtw_opencl_devices' list). */
hdtw_status hdtw_opencl_list(hdtw_device_info *out, size_t cap,
                             size_t *count);

/* The state's device, as hdtw_opencl_list reports it. */
hdtw_status hdtw_opencl_info(const void *state, hdtw_device_info *out);

/* The name of the state's device, as hdtw_opencl_list reports it. */
const char *hdtw_opencl_name(const void *state);

/* The state's compiled program (CL_PROGRAM_BINARIES), as
 * hdtw_opencl_program documents it. */
hdtw_status hdtw_opencl_program_of(const void *state, void *buf, size_t cap,
                                   size_t *size);

/* Test hook: at most `windows` windows per device chunk (0 = only the
 * device's memory limits), so tests reach the chunking path with small
 * batches. */
void hdtw_cl_set_chunk_limit(struct hdtw_opencl *cl, size_t windows);

/* Test hook, before the first job: build the program with the options a
 * GPU gets (one window per work-item, fmin) whatever the device. */
void hdtw_cl_build_as_gpu(struct hdtw_opencl *cl);

/* Test hook: which kernel the next jobs use, and its shape. */
typedef enum {
    HDTW_OPENCL_KERNEL_AUTO = 0,   /* chosen by device and job */
    HDTW_OPENCL_KERNEL_ROWS,       /* one work-item per window (dtw_rows) */
    HDTW_OPENCL_KERNEL_TEAM        /* a team per window (dtw_rows_team) */
} hdtw_opencl_kernel;
/* team: work-items per window for the team kernel; group: work-items per
 * work-group (a multiple of team); 0 = as the backend would choose. */
void hdtw_cl_force_kernel(struct hdtw_opencl *cl, hdtw_opencl_kernel kernel,
                          size_t team, size_t group);

#endif
