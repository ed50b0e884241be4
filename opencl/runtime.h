/* SPDX-License-Identifier: MIT */
/*
 * runtime.h — the OpenCL backend's state (one per context, kept by the
 * core as an opaque pointer), shared by the files of opencl/ (devices.c:
 * discovery; runtime.c: context, queue, program and the buffers kept
 * between calls; backend.c: jobs).
 */
#ifndef HDTW_OPENCL_RUNTIME_H
#define HDTW_OPENCL_RUNTIME_H

#include "opencl/opencl.h"

#include <CL/cl.h>

/* HDTW_OPENCL_FAULT: a test aid that makes one OpenCL step fail, to prove
 * that every failure falls back to the CPU with identical results. */
typedef enum {
    HDTW_FAULT_NONE = 0,
    HDTW_FAULT_BUILD,   /* the program does not compile (a real build log) */
    HDTW_FAULT_ALLOC,   /* clCreateBuffer fails */
    HDTW_FAULT_ENQUEUE, /* clEnqueueNDRangeKernel fails */
    HDTW_FAULT_READ     /* reading the results back fails */
} hdtw_fault;

/* What the backend needs to know of its device to size work. */
typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    cl_ulong local_mem;   /* bytes of local memory per work-group */
    cl_ulong max_alloc;   /* largest single buffer */
    cl_ulong global_mem;
    size_t max_group;     /* work-items per work-group */
    int is_cpu;           /* CL_DEVICE_TYPE_CPU: shapes work differently */
    char name[128];       /* as hdtw_opencl_devices reports it; the router
                             looks the device's profile up by it */
} hdtw_cl_device;

/* A device buffer kept between calls and grown on demand. */
typedef struct {
    cl_mem mem;
    size_t bytes;
} hdtw_cl_buffer;

/* Host memory the device can reach directly (CL_MEM_ALLOC_HOST_PTR, pinned
 * by GPU drivers), mapped once for the buffer's life: transfers from and
 * to it run asynchronously at full speed. */
typedef struct {
    cl_mem mem;
    double *host;
    size_t bytes;
} hdtw_cl_pinned;

/* The series upload alternates between two staging halves, so the host
 * fills one while the device still reads the other. */
#define HDTW_CL_STAGES 2

struct hdtw_opencl {
    hdtw_cl_device dev;
    hdtw_fault fault;
    size_t chunk_limit;            /* test hook, 0 = none */
    hdtw_opencl_kernel kernel;     /* test hooks: kernel and shape */
    size_t forced_team, forced_group;
    /* built on first use, kept until the state is closed */
    cl_context context;
    cl_command_queue queue;
    cl_program program;
    cl_kernel rows_kernel, team_kernel;
    size_t rows_kernel_group;      /* CL_KERNEL_WORK_GROUP_SIZE */
    size_t team_kernel_group;
    size_t lanes;                  /* windows per work-item (DTW_LANES) */
    int build_as_gpu;              /* test hook */
    int broken;                    /* the build failed: do not retry */
    char *error;                   /* the current call's error buffer */
    size_t error_size;
    /* grown on demand, kept until the state is closed */
    hdtw_cl_buffer pattern, series, out, slots;
    hdtw_cl_pinned stage[HDTW_CL_STAGES];
};

/* devices.c: the device at `index` of hdtw_opencl_devices' order (all
 * platforms, all devices), with its sizes; HDTW_E_UNSUPPORTED if none or it
 * lacks fp64. */
hdtw_status hdtw_cl_device_at(size_t index, hdtw_cl_device *out);
/* devices.c: the device a HDTW_OPENCL_DEVICE value (or "") selects. */
hdtw_status hdtw_cl_choose_device(const char *wanted, hdtw_cl_device *out);

/* runtime.c: makes sure context, queue, program and kernels exist. */
hdtw_status hdtw_cl_prepare(struct hdtw_opencl *cl);
/* runtime.c: records "what: OpenCL error N (name)" in the call's error
 * buffer and returns HDTW_E_DEVICE. */
hdtw_status hdtw_cl_fail(struct hdtw_opencl *cl, const char *what,
                         cl_int err);
/* runtime.c: makes buf hold at least `bytes` (a new buffer, contents
 * lost, when it is smaller). */
hdtw_status hdtw_cl_buffer_fit(struct hdtw_opencl *cl, hdtw_cl_buffer *buf,
                               cl_mem_flags flags, size_t bytes);
/* runtime.c: the same for a pinned, mapped host buffer. */
hdtw_status hdtw_cl_pinned_fit(struct hdtw_opencl *cl, hdtw_cl_pinned *buf,
                               size_t bytes);

#endif
