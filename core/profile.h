/* SPDX-License-Identifier: MIT */
/*
 * profile.h — the router's numbers: how long each backend takes for a call,
 * as a per-call overhead plus cells per second (plus bytes per second of
 * host<->device transfer for an OpenCL device). One place for every number
 * that steers routing.
 *
 * Where the numbers come from, in order:
 *   1. the file named by HDTW_PROFILE, else $XDG_CACHE_HOME/hdtw/profile,
 *      else $HOME/.cache/hdtw/profile — written by `dtwbench --calibrate`;
 *   2. the built-in defaults (profile.c) of this CPU's family (Zen 3, Zen 4,
 *      Zen 5, Intel; docs/ROUTER.md says where each number comes from).
 *      A file's entries replace the defaults of the same backend and
 *      job kind; a missing, unreadable, oversized or malformed file is
 *      ignored as a whole (the defaults stay), silently.
 *
 * The file format (version 1), one record per line, '#' starts a comment:
 *
 *     hdtw-profile 1
 *     rate   BACKEND KIND THREADS OVERHEAD_US GCUPS
 *     device KIND OVERHEAD_US GCUPS GBPS NAME...
 *
 * BACKEND is scalar, avx2 or avx512; KIND is pair (one window) or many (a
 * batch or sliding call); THREADS the hdtw_set_threads count it was measured
 * with (>= 1); OVERHEAD_US the fixed cost of a call in microseconds (>= 0);
 * GCUPS the throughput in 10^9 DTW cells per second (> 0); GBPS the
 * host<->device transfer rate in 10^9 bytes per second (> 0); NAME the OpenCL
 * device name as hdtw_opencl_devices reports it (the rest of the line).
 * The first record must be the version line; anything else is malformed.
 */
#ifndef HDTW_DISPATCH_PROFILE_H
#define HDTW_DISPATCH_PROFILE_H

#include "hdtw.h"

#include "core/cpu_features.h"

#include <stddef.h>

/* A job's kind: its throughput differs (one pair uses anti-diagonal
 * vectors; many windows use one lane per window). */
typedef enum { HDTW_KIND_PAIR = 0, HDTW_KIND_MANY, HDTW_KIND_COUNT } hdtw_kind;

#define HDTW_PROFILE_POINTS 4  /* thread counts measured per backend/kind */
#define HDTW_PROFILE_DEVICES 8 /* OpenCL devices remembered */
#define HDTW_PROFILE_NAME_MAX 128
#define HDTW_PROFILE_FILE_MAX (16 * 1024) /* larger files are ignored */

/* Time of a call = overhead_s + cells / cells_per_s, measured at `threads`. */
typedef struct {
    int threads;
    double overhead_s;
    double cells_per_s;
} hdtw_rate_point;

/* The measured points of one backend and kind, sorted by threads;
 * points == 0: not measured. */
typedef struct {
    int points;
    hdtw_rate_point at[HDTW_PROFILE_POINTS];
} hdtw_rate_curve;

typedef struct {
    char name[HDTW_PROFILE_NAME_MAX];
    hdtw_rate_curve kind[HDTW_KIND_COUNT]; /* one point each, threads 0 */
    double bytes_per_s[HDTW_KIND_COUNT];
} hdtw_device_profile;

typedef struct {
    hdtw_rate_curve cpu[HDTW_BACKEND_COUNT][HDTW_KIND_COUNT];
    size_t devices;
    hdtw_device_profile device[HDTW_PROFILE_DEVICES];
    int from_file; /* 1 when a file was read and merged */
} hdtw_profile;

/* The built-in numbers (no file) of this machine's CPU family
 * (hdtw_cpu_family_of_this). */
void hdtw_profile_defaults(hdtw_profile *p);

/* The built-in numbers of a given CPU family (an out-of-range family gives
 * HDTW_CPU_GENERIC's). */
void hdtw_profile_defaults_for(hdtw_profile *p, hdtw_cpu_family family);

/* Parses text[0..len) in the format above into *out (defaults first, then
 * the file's entries). Returns 0, or -1 for malformed text, in which case
 * *out holds exactly the defaults. */
int hdtw_profile_parse(const char *text, size_t len, hdtw_profile *out);

/* Applies text[0..len) on top of *p (each curve or device the text names
 * replaces p's). Returns 0, or -1 for malformed text, leaving *p as it was. */
int hdtw_profile_merge(hdtw_profile *p, const char *text, size_t len);

/* hdtw_profile_path (hdtw.h): HDTW_PROFILE, then the XDG rule above. */

/* Defaults merged with the file at hdtw_profile_path, if it is usable. */
void hdtw_profile_load(hdtw_profile *out);

/* Records one measurement (replacing a point at the same thread count).
 * Returns -1 when the curve is full or the numbers are not usable. */
int hdtw_curve_add(hdtw_rate_curve *c, int threads, double overhead_s,
                   double cells_per_s);

/* Estimated seconds for `cells` cells on c with `threads` threads:
 * overhead and time per cell interpolated linearly between the measured
 * thread counts, clamped at the ends. c must have points > 0. */
double hdtw_curve_seconds(const hdtw_rate_curve *c, int threads,
                          double cells);

/* The profile of the OpenCL device called `name`, or NULL. */
const hdtw_device_profile *hdtw_profile_device(const hdtw_profile *p,
                                               const char *name);

/* Writes p in the file format to buf (NUL-terminated, truncated to cap);
 * returns the length it needed, like snprintf. `comment` (may be NULL)
 * becomes a leading '#' line. */
size_t hdtw_profile_format(const hdtw_profile *p, const char *comment,
                           char *buf, size_t cap);

#endif /* HDTW_DISPATCH_PROFILE_H */
