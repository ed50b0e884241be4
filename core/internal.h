/*
 * internal.h — what the parts of hdtw share and users never see: the
 * validated unit of work every backend consumes, and the context.
 *
 * Data flows one way: a public call (api.c) validates its arguments and
 * builds an hdtw_job; the router (router.c) picks a backend from the
 * context's table and runs it; the backend writes `out`. Backends never call
 * each other; only the router falls back.
 */
#ifndef HDTW_INTERNAL_H
#define HDTW_INTERNAL_H

#include "hdtw.h"
#include "core/profile.h"

#include <stddef.h>

/* One validated piece of work: the pattern against `count` windows of
 * length n, window k being series[k*stride .. k*stride + n - 1]. A single
 * pair is count = 1; hdtw_batch is stride = n; hdtw_sliding any stride >= 1.
 * Every value a window reads is finite, and m*n*count fits in size_t. */
typedef struct {
    hdtw_cost cost;
    size_t band;            /* effective half width, see hdtw_effective_band */
    const double *pattern;
    size_t m;
    const double *series;
    size_t n;
    size_t count;
    size_t stride;
    double max_dist;        /* hdtw_params.max_dist, valid; 0: none. Kernels
                               may abandon a window past it (any value
                               above it); the core then writes +inf */
} hdtw_job;

/* A backend's entry point. Contract: on HDTW_OK all `count` outputs are
 * written; on any other status none is (a backend that can fail part-way,
 * such as a device, stages its results and copies them out at the end). */
typedef hdtw_status (*hdtw_run_fn)(hdtw_ctx *ctx, const hdtw_job *job,
                                   double *out);

/* Bits of ctx->disabled, parsed from HDTW_DISABLE. */
enum {
    HDTW_FEATURE_AVX2 = 1u << 0,
    HDTW_FEATURE_AVX512 = 1u << 1,
    HDTW_FEATURE_OPENCL = 1u << 2
};

#define HDTW_DEVICE_NAME_MAX 256
#define HDTW_ERROR_MAX 4096

struct hdtw_opencl; /* opencl/runtime.h: the OpenCL backend's state */

/* The router's last AUTO decision and the shape it was made for: a loop of
 * same-shaped calls (the common case) skips the cost model, whose ~40 ns
 * would be a sixth of a 10 x 10 pair. */
typedef struct {
    size_t m, n, count, stride, band;
    int threads;
    hdtw_backend backend; /* HDTW_BACKEND_AUTO: nothing remembered */
} hdtw_route_memo;

struct hdtw_ctx {
    hdtw_run_fn run[HDTW_BACKEND_COUNT]; /* NULL: absent or disabled;
                                            run[HDTW_BACKEND_AUTO] unused */
    hdtw_backend forced;                  /* HDTW_BACKEND_AUTO: route */
    hdtw_backend last;                    /* who served the last call */
    int threads;                          /* 0: all cores */
    int cores;                            /* counted once at hdtw_create:
                                             omp_get_num_procs is a system
                                             call (~0.5 us), too dear per call */
    hdtw_route_memo memo;                 /* the router's last AUTO choice */
    unsigned disabled;                    /* HDTW_FEATURE_* */
    char opencl_device[HDTW_DEVICE_NAME_MAX]; /* HDTW_OPENCL_DEVICE or "" */
    hdtw_profile profile;                 /* the router's numbers */
    struct hdtw_opencl *opencl;           /* NULL: no usable device */
    char last_error[HDTW_ERROR_MAX];      /* hdtw_last_error, "" if none */
};

/* Runs job on the backend the context is forced to, or the one the router
 * picks; completes on the CPU when a device fails. Records ctx->last. */
hdtw_status hdtw_route(hdtw_ctx *ctx, const hdtw_job *job, double *out);

/* The router's cost model as a pure function of its inputs (unit-tested
 * with synthetic profiles): estimated seconds of job on backend b
 * (INFINITY when b is absent, or is an OpenCL device never measured), and
 * the backend with the smallest estimate. */
typedef struct {
    const hdtw_profile *profile;
    const hdtw_device_profile *device; /* the OpenCL device's numbers or NULL */
    unsigned present;                  /* bit (1u << b): backend b available */
    int threads;                       /* CPU threads (hdtw_ctx_threads) */
} hdtw_cost_model;

double hdtw_cost_estimate(const hdtw_cost_model *cm, hdtw_backend b,
                          const hdtw_job *job);
hdtw_backend hdtw_cost_pick(const hdtw_cost_model *cm, const hdtw_job *job);

/* The backend a call on ctx goes to: the forced one, or hdtw_cost_pick. */
hdtw_backend hdtw_route_pick(hdtw_ctx *ctx, const hdtw_job *job);

/* The name of the OpenCL device ctx's OpenCL backend runs on, or NULL when
 * there is none (the router looks up the device's measured numbers by it).
 * Provided by opencl/ when built, else by context.c. */
const char *hdtw_opencl_device_name(const hdtw_ctx *ctx);

/* The fastest CPU backend present in ctx's table (never NULL: scalar is
 * always there). */
hdtw_backend hdtw_best_cpu_backend(const hdtw_ctx *ctx);

/* Number of threads a CPU backend should use for ctx (resolves 0). */
int hdtw_ctx_threads(const hdtw_ctx *ctx);

#endif /* HDTW_INTERNAL_H */
