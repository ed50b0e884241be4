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

/* Test hook: at most `windows` windows per device chunk (0 = only the
 * device's memory limits), so tests reach the chunking path with small
 * batches. */
void hdtw_cl_set_chunk_limit(struct hdtw_opencl *cl, size_t windows);

/* Test hook: which kernel the next jobs use. */
typedef enum {
    HDTW_OPENCL_KERNEL_AUTO = 0,   /* local-memory wavefront when it fits */
    HDTW_OPENCL_KERNEL_GPU_SHAPE,  /* the same, shaped as on a GPU (a
                                      work-item per diagonal cell) even
                                      on a CPU device */
    HDTW_OPENCL_KERNEL_GLOBAL      /* always the global-memory wavefront */
} hdtw_opencl_kernel;
void hdtw_cl_force_kernel(struct hdtw_opencl *cl, hdtw_opencl_kernel kernel);

#endif
