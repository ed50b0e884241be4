/* SPDX-License-Identifier: MIT */
/*
 * backend.h — the whole interface between the core and a backend
 * (docs/DESIGN.md, "Layers"). A backend gets a validated job and a plain
 * call record, and returns a status. It knows nothing of contexts, of
 * routing or of other backends: everything it may use is in hdtw_call.
 *
 * A backend folder (cpu/, opencl/) includes this header, core/alloc.h and
 * its own headers, nothing else of core/. The core registers a backend with
 * one hdtw_backend_entry in core/registry.c.
 */
#ifndef HDTW_CORE_BACKEND_H
#define HDTW_CORE_BACKEND_H

#include "hdtw.h"
#include "core/alloc.h"

#include <stddef.h>

/* One validated piece of work: the pattern against `count` windows of
 * length n, window k being series[k*stride .. k*stride + n - 1]. A single
 * pair is count = 1; hdtw_batch is stride = n; hdtw_sliding any stride >= 1.
 * Every pattern value is finite, and m*n*count fits in size_t. So is every
 * value a window reads, unless series_unchecked says otherwise. */
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
    int series_unchecked;   /* 1: the core left the windows' values to the
                               backend (only when stride <= n, so that they
                               cover the span): it returns HDTW_E_NONFINITE,
                               writing no output, if any is NaN or +-Inf.
                               The SIMD lanes check them in the copy they
                               make anyway, instead of a separate pass over
                               memory; hdtw_job_finite serves the others */
} hdtw_job;

/* 1 when x[0..n-1] are all finite. No early exit: the loop vectorises, and
 * valid input is the common case. */
static inline int hdtw_values_finite(const double *x, size_t n)
{
    int finite = 1;
    for (size_t i = 0; i < n; i++)
        finite &= __builtin_isfinite(x[i]) != 0;
    return finite;
}

/* 1 unless the job's windows are unchecked and one of their values is not
 * finite: the up-front check of a backend that does not fuse it. */
static inline int hdtw_job_finite(const hdtw_job *job)
{
    return !job->series_unchecked ||
           hdtw_values_finite(job->series,
                              (job->count - 1) * job->stride + job->n);
}

/* A validated subsequence search: every value finite, 1 <= m <= len,
 * k >= 1. */
typedef struct {
    hdtw_cost cost;
    size_t band;      /* effective half width, hdtw_effective_band(b, m, m) */
    int znorm;
    size_t exclusion; /* resolved (HDTW_EXCLUSION_AUTO already m / 2) */
    const double *query;
    size_t m;
    const double *series;
    size_t len;
    size_t k;
    hdtw_bound_fn bound; /* hdtw_set_search_bound's, or NULL; asked by the */
    void *bound_user;    /* calling thread only (it may call MPI) */
} hdtw_search_job;

/* A validated subsequence pass (hdtw_subsequence): m >= 1, len >= 1, len
 * ends of 24 bytes fit in size_t, every query value finite. The series'
 * values are left to the pass, which reads them anyway: it returns
 * HDTW_E_NONFINITE, handing back no finder, if one is NaN or +-Inf. */
typedef struct {
    hdtw_cost cost;
    const double *query;
    size_t m;
    const double *series;
    size_t len;
} hdtw_subseq_job;

/* Ends a block: a subsequence pass also gives the smallest cost of each
 * block of this many ends (hdtw_call.end_block_min), so that the pick's
 * search for the cheapest ends skips the blocks that hold none. */
#define HDTW_SUBSEQ_BLOCK 128
#define HDTW_SUBSEQ_BLOCKS(len)                                               \
    (((len) + HDTW_SUBSEQ_BLOCK - 1) / HDTW_SUBSEQ_BLOCK)

/* The starts of a subsequence pass's ends, which the pass hands back with
 * their costs (hdtw_call.subseq_finder): a pass that computed them all
 * reads them from an array, one that computed costs only finds a start
 * when asked (cpu/subsequence.h). A backend's finder embeds this as its
 * first member. start_of writes the start of end e (e < job len), as
 * hdtw.h defines it, into *start; HDTW_E_NOMEM (*start untouched) when
 * the memory to find it cannot be had. close frees the finder and all it
 * holds. */
typedef struct hdtw_subseq_finder hdtw_subseq_finder;
struct hdtw_subseq_finder {
    hdtw_status (*start_of)(hdtw_subseq_finder *self, size_t end,
                            size_t *start);
    void (*close)(hdtw_subseq_finder *self);
};

/* Reserved slot: a progress report (fraction done in [0, 1]) a long call
 * may make; NULL today, and a backend must accept NULL. */
typedef struct {
    void (*report)(void *user, double fraction);
    void *user;
} hdtw_progress_hook;

/* Everything one call gives a backend. Exactly one of job/search/subseq
 * is set, matching the entry point called (run, search or subsequence). */
typedef struct {
    const hdtw_job *job;           /* run: the windows to compare */
    double *out;                   /* run: job->count distances */
    const hdtw_search_job *search; /* search: the search to make */
    hdtw_match *matches;           /* search: up to search->k matches */
    size_t *found;                 /* search: how many were written */
    const hdtw_subseq_job *subseq; /* subsequence: the pass to make */
    double *end_costs;             /* subsequence: subseq->len costs, end
                                      e's D(m-1, e) at end_costs[e] */
    double *end_block_min;         /* subsequence: HDTW_SUBSEQ_BLOCKS(len):
                                      block b's smallest cost (ends
                                      b * HDTW_SUBSEQ_BLOCK onwards) */
    hdtw_subseq_finder **subseq_finder; /* subsequence: where the pass
                                      puts the finder of its ends' starts
                                      (on HDTW_OK only; the caller closes
                                      it, and keeps subseq's arrays alive
                                      until then) */
    int subseq_all_starts;         /* subsequence: 1: compute every start
                                      in the pass (tests ask for both);
                                      0: the pass may leave them to its
                                      finder, which then finds only the
                                      ones asked for */
    int threads;                   /* CPU threads to use, >= 1 */
    void *state;                   /* the backend's own state (see open) */
    char *error;                   /* where a failure's reason goes, */
    size_t error_size;             /* NUL-terminated, at most this long */
    hdtw_scratch *scratch;         /* the context's work area (core/alloc.h:
                                      hdtw_scratch_take, _give), or NULL */
    const hdtw_progress_hook *progress; /* reserved, NULL */
} hdtw_call;

/* A backend's entry point. Contract: on HDTW_OK every output is written;
 * on any other status none is (a backend that can fail part-way, such as a
 * device, stages its results and copies them out at the end). Only
 * HDTW_E_DEVICE makes the core retry the call on the CPU. */
typedef hdtw_status (*hdtw_run_fn)(const hdtw_call *call);

/* What the core knows of a backend. Every function pointer but run may be
 * NULL. */
typedef struct {
    hdtw_backend id;
    /* the HDTW_DISABLE bit (HDTW_FEATURE_*) that switches it off */
    unsigned feature;
    /* HDTW_FEATURE_* bits the CPU must report (hdtw_cpu_features) */
    unsigned cpu_needs;
    /* stateful backends: attach to the device `device` names
     * (HDTW_OPENCL_DEVICE, "" for the default) or to the device at `index`
     * of the backend's list (device NULL). HDTW_E_UNSUPPORTED when there is
     * no usable device, HDTW_E_NOMEM. *state is written only on success. */
    hdtw_status (*open)(const char *device, size_t index, void **state);
    void (*close)(void *state);
    hdtw_run_fn run;
    hdtw_run_fn search;
    hdtw_run_fn subsequence; /* every end of a subsequence pass */
    /* CPU backends: the op-mix bound's kernel (hdtw_opmix_bound) */
    size_t (*opmix)(size_t iterations, const double *constants,
                    double *sink);
    /* devices: the list hdtw_opencl_devices reports, the state's device
     * and its name (the router looks its measured numbers up by name) */
    hdtw_status (*devices)(hdtw_device_info *out, size_t cap, size_t *count);
    hdtw_status (*device_info)(const void *state, hdtw_device_info *out);
    const char *(*device_name)(const void *state);
    /* the device's compiled program (see hdtw_opencl_program) */
    hdtw_status (*program)(const void *state, void *buf, size_t cap,
                           size_t *size);
} hdtw_backend_entry;

/* Bits of HDTW_DISABLE and of hdtw_cpu_features(). */
enum {
    HDTW_FEATURE_AVX2 = 1u << 0,
    HDTW_FEATURE_AVX512 = 1u << 1,
    HDTW_FEATURE_OPENCL = 1u << 2
};

#endif /* HDTW_CORE_BACKEND_H */
