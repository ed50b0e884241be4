/* SPDX-License-Identifier: MIT */
/*
 * bench.h — what dtwbench's parts share: the targets (a backend, a thread
 * count, an OpenCL device), the cases (one call's work), and measuring a
 * case on every target with the result checked against scalar by memcmp.
 */
#ifndef HDTW_TOOLS_BENCH_H
#define HDTW_TOOLS_BENCH_H

#include "hdtw.h"

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_TARGETS 32
#define BENCH_MAX_REPEATS 101

/* One way of running a call: its own context, forced to a backend (or
 * AUTO), with a thread count and, for OpenCL, a device. */
typedef struct {
    char label[64];       /* "scalar", "avx2", "opencl:0", "auto" */
    hdtw_backend backend; /* HDTW_BACKEND_AUTO for auto */
    int threads;          /* as given to hdtw_set_threads (0 = all) */
    int device;           /* OpenCL device index, -1 otherwise */
    hdtw_ctx *ctx;
} bench_target;

/* One call's work: pattern[0..m) against count windows of n values, window
 * k at series + k*stride. */
typedef struct {
    char name[64];
    hdtw_params params;
    const double *pattern;
    size_t m;
    const double *series;
    size_t n, count, stride;
    size_t length; /* the x value of plots: the pair/window length */
} bench_case;

/* A case measured on one target. */
typedef struct {
    const bench_target *target;
    double samples[BENCH_MAX_REPEATS]; /* seconds per call */
    int repeats;
    double median, min, max;
    int identical;        /* same bits as scalar */
    double first_out;     /* the call's first output (for the JS check) */
    hdtw_backend served;  /* hdtw_last_backend after the call */
    hdtw_status status;
} bench_result;

typedef struct {
    int repeats;          /* samples per target */
    double min_sample_s;  /* a sample loops calls until it lasts this long */
    int progress;         /* show progress on stderr (a TTY) */
} bench_settings;

/* The number of cores hdtw's "all threads" means here. */
int bench_cores(void);

/* Fills targets[] for `backends` (a comma list of scalar, avx2, avx512,
 * opencl, auto; NULL: all) at each count in threads[0..nthreads) where the
 * thread count matters, OpenCL once per usable device in `devices` (a comma
 * list of indices; NULL: every device). Absent backends are skipped
 * silently. Returns the number of targets, or -1 with a message on stderr. */
int bench_make_targets(const char *backends, const int *threads,
                       int nthreads, const char *devices,
                       bench_target *targets, int cap);
void bench_free_targets(bench_target *targets, int count);

/* Cells a case computes (band cells summed over its windows). */
double bench_case_cells(const bench_case *c);

/* Runs case c on every target: a scalar reference first, then per target a
 * warm-up call (compared by memcmp with the reference), then `repeats`
 * samples taken round-robin across the targets so that load on the machine
 * affects all of them alike. results[t] belongs to targets[t]. Returns 0, or
 * -1 when a call failed (message on stderr). */
int bench_measure(const bench_case *c, bench_target *targets, int ntargets,
                  const bench_settings *s, bench_result *results);

/* Progress on stderr: shown only on a TTY, and only once the run has taken
 * a second. bench_progress_done clears the line. */
void bench_progress(const bench_settings *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void bench_progress_done(const bench_settings *s);

double bench_now(void);


#endif
