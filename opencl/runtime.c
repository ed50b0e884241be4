/* SPDX-License-Identifier: MIT */
/*
 * runtime.c — the OpenCL objects a context keeps: its state (attached when
 * a device is chosen), and the context, queue, program and kernels built
 * on first use, once per context and device. Errors become HDTW_E_DEVICE
 * with a readable reason (the build log when the compiler fails) in the
 * call's error buffer (the context's last error).
 */
#include "opencl/runtime.h"

#include "core/alloc.h"
#include "opencl/kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Never -cl-fast-relaxed-math, -cl-mad-enable, -cl-unsafe-math-optimizations
 * or -cl-denorms-are-zero: each would change result bits (docs/DESIGN.md §2). */
static const char build_options[] = "-cl-std=CL1.2";

/* Appended to the source by HDTW_OPENCL_FAULT=build, so the real compiler
 * fails and the real build-log path runs. */
static const char build_fault_source[] =
    "\n#error hdtw fault injection (HDTW_OPENCL_FAULT=build)\n";

static const char *cl_error_name(cl_int err)
{
    switch (err) {
    case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
        return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_WORK_ITEM_SIZE: return "CL_INVALID_WORK_ITEM_SIZE";
    case CL_INVALID_COMMAND_QUEUE: return "CL_INVALID_COMMAND_QUEUE";
    default: return "OpenCL error";
    }
}

hdtw_status hdtw_cl_fail(struct hdtw_opencl *cl, const char *what, cl_int err)
{
    snprintf(cl->error, cl->error_size, "opencl: %s: %s (%d)",
             what, cl_error_name(err), (int)err);
    return HDTW_E_DEVICE;
}

static hdtw_fault fault_from_env(void)
{
    static const struct { const char *name; hdtw_fault fault; } faults[] = {
        { "build", HDTW_FAULT_BUILD }, { "alloc", HDTW_FAULT_ALLOC },
        { "enqueue", HDTW_FAULT_ENQUEUE }, { "read", HDTW_FAULT_READ },
    };
    const char *value = getenv("HDTW_OPENCL_FAULT");
    for (size_t f = 0; value && f < sizeof faults / sizeof *faults; f++)
        if (strcmp(value, faults[f].name) == 0)
            return faults[f].fault;
    return HDTW_FAULT_NONE; /* a test aid: unknown values inject nothing */
}

static void release_buffer(hdtw_cl_buffer *buf)
{
    if (buf->mem)
        clReleaseMemObject(buf->mem);
    *buf = (hdtw_cl_buffer){ 0 };
}

static void release_pinned(cl_command_queue queue, hdtw_cl_pinned *buf)
{
    if (buf->host)
        clEnqueueUnmapMemObject(queue, buf->mem, buf->host, 0, NULL, NULL);
    if (buf->mem) {
        clFinish(queue);
        clReleaseMemObject(buf->mem);
    }
    *buf = (hdtw_cl_pinned){ 0 };
}

static void release_buffers(struct hdtw_opencl *cl)
{
    hdtw_cl_buffer *device[] = { &cl->pattern, &cl->series, &cl->out,
                                 &cl->slots };
    for (size_t b = 0; b < sizeof device / sizeof *device; b++)
        release_buffer(device[b]);
    for (size_t s = 0; s < HDTW_CL_STAGES; s++)
        release_pinned(cl->queue, &cl->stage[s]);
}

static cl_int create_buffer(struct hdtw_opencl *cl, cl_mem_flags flags,
                            size_t bytes, cl_mem *mem)
{
    cl_int err = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    if (cl->fault != HDTW_FAULT_ALLOC)
        *mem = clCreateBuffer(cl->context, flags, bytes, NULL, &err);
    return err;
}

hdtw_status hdtw_cl_buffer_fit(struct hdtw_opencl *cl, hdtw_cl_buffer *buf,
                               cl_mem_flags flags, size_t bytes)
{
    if (buf->bytes >= bytes)
        return HDTW_OK;
    release_buffer(buf);
    cl_int err = create_buffer(cl, flags, bytes, &buf->mem);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clCreateBuffer", err);
    buf->bytes = bytes;
    return HDTW_OK;
}

hdtw_status hdtw_cl_pinned_fit(struct hdtw_opencl *cl, hdtw_cl_pinned *buf,
                               size_t bytes)
{
    if (buf->bytes >= bytes)
        return HDTW_OK;
    release_pinned(cl->queue, buf);
    cl_int err = create_buffer(cl, CL_MEM_ALLOC_HOST_PTR | CL_MEM_READ_WRITE,
                               bytes, &buf->mem);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clCreateBuffer (pinned)", err);
    buf->host = clEnqueueMapBuffer(cl->queue, buf->mem, CL_TRUE,
                                   CL_MAP_READ | CL_MAP_WRITE, 0, bytes, 0,
                                   NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        buf->host = NULL;
        release_pinned(cl->queue, buf);
        return hdtw_cl_fail(cl, "clEnqueueMapBuffer", err);
    }
    buf->bytes = bytes;
    return HDTW_OK;
}

static void release_objects(struct hdtw_opencl *cl)
{
    if (cl->queue)
        release_buffers(cl);
    if (cl->team_kernel)
        clReleaseKernel(cl->team_kernel);
    if (cl->rows_kernel)
        clReleaseKernel(cl->rows_kernel);
    if (cl->program)
        clReleaseProgram(cl->program);
    if (cl->queue)
        clReleaseCommandQueue(cl->queue);
    if (cl->context)
        clReleaseContext(cl->context);
    cl->team_kernel = cl->rows_kernel = NULL;
    cl->program = NULL;
    cl->queue = NULL;
    cl->context = NULL;
}

hdtw_status hdtw_opencl_open(const char *device, size_t index, void **state)
{
    hdtw_cl_device dev;
    hdtw_status status = device ? hdtw_cl_choose_device(device, &dev)
                                : hdtw_cl_device_at(index, &dev);
    if (status != HDTW_OK)
        return status;
    struct hdtw_opencl *cl = hdtw_calloc(1, sizeof *cl);
    if (!cl)
        return HDTW_E_NOMEM;
    cl->dev = dev;
    cl->fault = fault_from_env();
    *state = cl;
    return HDTW_OK;
}

void hdtw_opencl_close(void *state)
{
    if (!state)
        return;
    release_objects(state);
    hdtw_free(state);
}

/* The compiler's log into the error buffer, after a one-line reason. */
static hdtw_status build_failed(struct hdtw_opencl *cl, cl_int err)
{
    hdtw_cl_fail(cl, "program build failed", err);
    size_t used = strlen(cl->error);
    size_t room = cl->error_size - used - 1;
    if (room > 1) {
        cl->error[used++] = '\n';
        if (clGetProgramBuildInfo(cl->program, cl->dev.device,
                                  CL_PROGRAM_BUILD_LOG, room, 
                                  cl->error + used, NULL) != CL_SUCCESS)
            cl->error[used] = '\0'; /* longer than room: reason only */
        cl->error[cl->error_size - 1] = '\0';
    }
    return HDTW_E_DEVICE;
}

/* Windows per work-item (DTW_LANES of opencl/kernels/cell.cl): 1 on GPUs;
 * on CPU devices the native double vector width, since their compilers
 * vectorise across work-items only for kernels without loops. */
static size_t lanes_for(const hdtw_cl_device *dev, int as_gpu)
{
    cl_uint width = 1;
    if (!dev->is_cpu || as_gpu ||
        clGetDeviceInfo(dev->device, CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE,
                        sizeof width, &width, NULL) != CL_SUCCESS)
        return 1;
    size_t lanes = 1;
    while (lanes * 2 <= width && lanes < 8)
        lanes *= 2;
    return lanes;
}

static hdtw_status build_program(struct hdtw_opencl *cl)
{
    char options[sizeof build_options + 64];
    int gpu = !cl->dev.is_cpu || cl->build_as_gpu;
    cl->lanes = lanes_for(&cl->dev, cl->build_as_gpu);
    snprintf(options, sizeof options, "%s -DDTW_LANES=%zu%s", build_options,
             cl->lanes, gpu ? " -DDTW_HW_MIN" : "");
    const char *sources[] = { hdtw_opencl_source, build_fault_source };
    cl_uint nsources = cl->fault == HDTW_FAULT_BUILD ? 2 : 1;
    cl_int err;
    cl->program = clCreateProgramWithSource(cl->context, nsources, sources,
                                            NULL, &err);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clCreateProgramWithSource", err);
    err = clBuildProgram(cl->program, 1, &cl->dev.device, options, NULL,
                         NULL);
    if (err != CL_SUCCESS)
        return build_failed(cl, err);
    return HDTW_OK;
}

static hdtw_status make_kernel(struct hdtw_opencl *cl, const char *name,
                               cl_kernel *kernel, size_t *group)
{
    cl_int err;
    *kernel = clCreateKernel(cl->program, name, &err);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, name, err);
    err = clGetKernelWorkGroupInfo(*kernel, cl->dev.device,
                                   CL_KERNEL_WORK_GROUP_SIZE, sizeof *group,
                                   group, NULL);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clGetKernelWorkGroupInfo", err);
    return HDTW_OK;
}

static hdtw_status build_objects(struct hdtw_opencl *cl)
{
    cl_int err;
    cl_context_properties props[] = {
        CL_CONTEXT_PLATFORM, (cl_context_properties)cl->dev.platform, 0
    };
    cl->context = clCreateContext(props, 1, &cl->dev.device, NULL, NULL, &err);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clCreateContext", err);
    cl->queue = clCreateCommandQueue(cl->context, cl->dev.device, 0, &err);
    if (err != CL_SUCCESS)
        return hdtw_cl_fail(cl, "clCreateCommandQueue", err);
    hdtw_status status = build_program(cl);
    if (status == HDTW_OK)
        status = make_kernel(cl, HDTW_KERNEL_ROWS, &cl->rows_kernel,
                             &cl->rows_kernel_group);
    if (status == HDTW_OK)
        status = make_kernel(cl, HDTW_KERNEL_TEAM, &cl->team_kernel,
                             &cl->team_kernel_group);
    return status;
}

hdtw_status hdtw_cl_prepare(struct hdtw_opencl *cl)
{
    if (cl->broken)
        return HDTW_E_DEVICE; /* the reason is still in the last error */
    if (cl->team_kernel)
        return HDTW_OK;
    hdtw_status status = build_objects(cl);
    if (status != HDTW_OK) {
        /* a device that cannot build the program will not build it on the
         * next call either: every later call goes straight to the CPU */
        release_objects(cl);
        cl->broken = 1;
    }
    return status;
}

void hdtw_cl_set_chunk_limit(struct hdtw_opencl *cl, size_t windows)
{
    if (cl)
        cl->chunk_limit = windows;
}

hdtw_status hdtw_opencl_program_of(const void *state, void *buf, size_t cap,
                                   size_t *size)
{
    const struct hdtw_opencl *cl = state;
    size_t bytes = 0;
    if (!cl || !cl->program ||
        clGetProgramInfo(cl->program, CL_PROGRAM_BINARY_SIZES, sizeof bytes,
                         &bytes, NULL) != CL_SUCCESS || bytes == 0)
        return HDTW_E_UNSUPPORTED;
    if (buf && cap >= bytes &&
        clGetProgramInfo(cl->program, CL_PROGRAM_BINARIES, sizeof buf, &buf,
                         NULL) != CL_SUCCESS)
        return HDTW_E_DEVICE;
    *size = bytes;
    return HDTW_OK;
}

void hdtw_cl_build_as_gpu(struct hdtw_opencl *cl)
{
    if (cl)
        cl->build_as_gpu = 1;
}

void hdtw_cl_force_kernel(struct hdtw_opencl *cl, hdtw_opencl_kernel kernel,
                          size_t team, size_t group)
{
    if (cl) {
        cl->kernel = kernel;
        cl->forced_team = team;
        cl->forced_group = group;
    }
}
