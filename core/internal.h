/* SPDX-License-Identifier: MIT */
/*
 * internal.h — what the files of core/ share and users never see: the
 * context and the router. Backends never include it (core/backend.h is
 * theirs).
 *
 * Data flows one way: a public call (api.c) validates its arguments and
 * builds an hdtw_job; the router (router.c) picks a backend from the
 * context's table and runs it; the backend writes `out`. Backends never call
 * each other; only the router falls back.
 */
#ifndef HDTW_INTERNAL_H
#define HDTW_INTERNAL_H

#include "hdtw.h"
#include "core/backend.h"
#include "core/profile.h"

#include <stddef.h>

#define HDTW_DEVICE_NAME_MAX 256
#define HDTW_ERROR_MAX 4096

/* The router's last AUTO decision and the shape it was made for: a loop of
 * same-shaped calls (the common case) skips the cost model, whose time is
 * a noticeable share of a small pair's. */
typedef struct {
    size_t m, n, count, stride, band;
    int threads;
    hdtw_backend backend; /* HDTW_BACKEND_AUTO: nothing remembered */
} hdtw_route_memo;

struct hdtw_ctx {
    hdtw_run_fn run[HDTW_BACKEND_COUNT]; /* NULL: absent or disabled;
                                            run[HDTW_BACKEND_AUTO] unused */
    hdtw_run_fn search[HDTW_BACKEND_COUNT]; /* NULL: no search there */
    void *state[HDTW_BACKEND_COUNT];     /* a stateful backend's, from open */
    hdtw_backend forced;                  /* HDTW_BACKEND_AUTO: route */
    hdtw_backend last;                    /* who served the last call */
    int threads;                          /* 0: all cores */
    int cores;                            /* counted once at hdtw_create:
                                             omp_get_num_procs is a system
                                             call, too dear per call */
    hdtw_route_memo memo;                 /* the router's last AUTO choice */
    unsigned disabled;                    /* HDTW_FEATURE_* */
    char opencl_device[HDTW_DEVICE_NAME_MAX]; /* HDTW_OPENCL_DEVICE or "" */
    hdtw_profile profile;                 /* the router's numbers */
    char last_error[HDTW_ERROR_MAX];      /* hdtw_last_error, "" if none */
    hdtw_progress_fn progress;            /* hdtw_set_progress; NULL: none */
    void *progress_user;                  /* its user pointer */
    hdtw_bound_fn search_bound;           /* hdtw_set_search_bound; NULL */
    void *search_bound_user;
    hdtw_scratch scratch;                 /* the backends' work area, kept
                                             between calls (core/alloc.h) */
    int scratch_unused;                   /* 1: calls get none (a matrix's
                                             per-thread copies) */
};

/* The work area calls on ctx borrow (hdtw_call.scratch), or NULL. */
static inline hdtw_scratch *hdtw_ctx_scratch(hdtw_ctx *ctx)
{
    return ctx->scratch_unused ? NULL : &ctx->scratch;
}

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

/* Runs a search on the forced backend when it has a search, else on the
 * fastest CPU backend; records ctx->last. */
hdtw_status hdtw_route_search(hdtw_ctx *ctx, const hdtw_search_job *job,
                              hdtw_match *out, size_t *found);

/* Runs a subsequence pass on the forced backend when it has one, else on
 * the fastest CPU backend that has one; records ctx->last. costs: job->len
 * costs; block_min: their blocks' minima (hdtw_call.end_block_min);
 * *finder: the finder of their starts (hdtw_call.subseq_finder; on
 * HDTW_OK only, the caller closes it). */
hdtw_status hdtw_route_subsequence(hdtw_ctx *ctx, const hdtw_subseq_job *job,
                                   double *costs, double *block_min,
                                   hdtw_subseq_finder **finder);

/* Records a printf-style message as ctx's last error and returns s (the
 * argument errors of the entry points name the argument and its value). */
hdtw_status hdtw_fail(hdtw_ctx *ctx, hdtw_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Argument checks of the entry points: HDTW_E_ARG with ctx's last error
 * naming the function, the first offending argument and its value
 * ("hdtw_batch: pattern is NULL", "hdtw_distance: m is 0"); HDTW_OK when
 * every pointer is set / every length is nonzero. ctx must not be NULL. */
typedef struct {
    const char *name;
    const void *pointer;
} hdtw_arg_pointer;
typedef struct {
    const char *name;
    size_t value;
} hdtw_arg_length;
hdtw_status hdtw_check_pointers(hdtw_ctx *ctx, const char *fn,
                                const hdtw_arg_pointer *args, size_t n);
hdtw_status hdtw_check_lengths(hdtw_ctx *ctx, const char *fn,
                               const hdtw_arg_length *args, size_t n);
/* the same, with the arguments listed in place: {"a", a}, {"b", b} */
#define HDTW_CHECK_POINTERS(ctx, fn, ...)                                     \
    hdtw_check_pointers((ctx), (fn), (const hdtw_arg_pointer[]){ __VA_ARGS__ }, \
                        sizeof((const hdtw_arg_pointer[]){ __VA_ARGS__ }) /   \
                            sizeof(hdtw_arg_pointer))
#define HDTW_CHECK_LENGTHS(ctx, fn, ...)                                      \
    hdtw_check_lengths((ctx), (fn), (const hdtw_arg_length[]){ __VA_ARGS__ }, \
                       sizeof((const hdtw_arg_length[]){ __VA_ARGS__ }) /     \
                           sizeof(hdtw_arg_length))

/* HDTW_E_ARG naming an array of more doubles than memory can hold
 * (count > SIZE_MAX / sizeof(double)), else HDTW_OK. */
hdtw_status hdtw_check_doubles(hdtw_ctx *ctx, const char *fn, const char *name,
                               size_t count);

/* HDTW_E_ARG naming a cost that is not a hdtw_cost, else HDTW_OK. */
hdtw_status hdtw_check_cost(hdtw_ctx *ctx, const char *fn, hdtw_cost cost);

/* hdtw_check_cost, and max_dist 0, > 0 or +inf (not < 0, not NaN). */
hdtw_status hdtw_check_params(hdtw_ctx *ctx, const char *fn,
                              const hdtw_params *params);

/* Seconds on the monotonic clock (core/limit.c; calibration uses it too). */
double hdtw_now_seconds(void);

/* 1 when every x[0..n-1] is finite (the one check of the entry points). */
int hdtw_all_finite(const double *x, size_t n);

/* Runs job on backend b alone (no routing, no fallback); a failure's
 * reason lands in ctx's last error. Records nothing else. */
hdtw_status hdtw_run_backend(hdtw_ctx *ctx, hdtw_backend b,
                             const hdtw_job *job, double *out);

/* The registered backend b (core/registry.c), or NULL when this build has
 * none. */
const hdtw_backend_entry *hdtw_backend_entry_of(hdtw_backend b);

/* The name of the OpenCL device ctx's OpenCL backend runs on, or NULL when
 * there is none (the router looks up the device's measured numbers by it). */
const char *hdtw_opencl_device_name(const hdtw_ctx *ctx);

/* The fastest CPU backend present in ctx's table (never NULL: scalar is
 * always there). */
hdtw_backend hdtw_best_cpu_backend(const hdtw_ctx *ctx);

/* Number of threads a CPU backend should use for ctx (resolves 0). */
int hdtw_ctx_threads(const hdtw_ctx *ctx);

#endif /* HDTW_INTERNAL_H */
