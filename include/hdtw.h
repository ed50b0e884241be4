/* SPDX-License-Identifier: MIT */
/*
 * hdtw.h — Dynamic Time Warping on CPUs and GPUs, bit for bit the same.
 *
 * This is the only public header of hdtw. Every function is documented where
 * it is declared: what it computes, who owns memory, and each status it can
 * return.
 *
 * What is computed (for a[0..m-1], b[0..n-1], IEEE-754 doubles):
 *
 *     D(0,0) = c(a0, b0)
 *     D(i,j) = c(ai, bj) + min(D(i-1,j), D(i,j-1), D(i-1,j-1))  (outside = +inf)
 *     distance = D(m-1, n-1)
 *
 * with c(x,y) = fabs(x - y) (HDTW_COST_ABS) or (x - y) * (x - y)
 * (HDTW_COST_SQUARED; the accumulated cost, never square-rooted). With a
 * Sakoe–Chiba band (band >= 0) a cell (i,j) exists only where
 * |i - j| <= max(band, |m - n|), so the end cell is always reachable.
 *
 * Every backend (scalar, AVX2, AVX-512, OpenCL) returns exactly the bits of
 * the scalar reference: each cell is one rounded subtraction, one abs or
 * multiply, exact minima and one rounded addition, evaluated in that order.
 *
 * Errors: functions return an hdtw_status. When a call fails, nothing is
 * written to any of its output arguments. The library never prints, never
 * calls exit and never aborts.
 *
 * Threads: an hdtw_ctx is used by one thread at a time; separate contexts
 * are independent and may be used concurrently. Functions that take no
 * context (hdtw_strerror, hdtw_backend_name, hdtw_alignment_free,
 * hdtw_version) are thread-safe.
 */
#ifndef HDTW_H
#define HDTW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HDTW_STATIC_DEFINE)
#  define HDTW_API
#elif defined(_WIN32)
#  ifdef HDTW_BUILDING
#    define HDTW_API __declspec(dllexport)
#  else
#    define HDTW_API __declspec(dllimport)
#  endif
#else
#  define HDTW_API __attribute__((visibility("default")))
#endif

#define HDTW_VERSION_MAJOR 0
#define HDTW_VERSION_MINOR 1
#define HDTW_VERSION_PATCH 0

/* The version of the library that runs, "MAJOR.MINOR.PATCH" (the
 * HDTW_VERSION_* a program was compiled with may be older). Static
 * storage, never NULL; thread-safe. */
HDTW_API const char *hdtw_version(void);

/* ------------------------------------------------------------------ status */

typedef enum {
    HDTW_OK = 0,        /* success; outputs written */
    HDTW_E_ARG,         /* NULL pointer, zero length, impossible shape, a size
                           whose m*n*count or output size overflows size_t,
                           a length over SIZE_MAX / sizeof(double) values,
                           unknown environment value */
    HDTW_E_NONFINITE,   /* an input value that is read is NaN or +-Inf */
    HDTW_E_NOMEM,       /* an allocation failed, or a matrix would not fit in
                           this machine's memory */
    HDTW_E_UNSUPPORTED, /* the requested backend is not available here */
    HDTW_E_DEVICE,      /* an OpenCL device failed and no fallback was allowed */
    HDTW_E_CANCELLED    /* the progress callback (hdtw_set_progress) asked
                           to stop; nothing was written */
} hdtw_status;

/* A short English description of s ("success", "invalid argument", ...).
 * Never NULL; unknown values give "unknown status". Static storage. */
HDTW_API const char *hdtw_strerror(hdtw_status s);

/* ---------------------------------------------------------------- backends */

typedef enum {
    HDTW_BACKEND_AUTO = 0, /* let the router pick the fastest available */
    HDTW_BACKEND_SCALAR,   /* plain C, the ground truth; always present */
    HDTW_BACKEND_AVX2,     /* x86-64 AVX2 (+ OpenMP) */
    HDTW_BACKEND_AVX512,   /* x86-64 AVX-512F/DQ/VL (+ OpenMP) */
    HDTW_BACKEND_OPENCL    /* an OpenCL device with cl_khr_fp64 */
} hdtw_backend;

#define HDTW_BACKEND_COUNT 5

typedef enum {
    HDTW_COST_ABS = 0,  /* c(x,y) = fabs(x - y) (default) */
    HDTW_COST_SQUARED   /* c(x,y) = (x - y) * (x - y); distance not rooted */
} hdtw_cost;

/* DTW parameters. band < 0: unconstrained. band >= 0: Sakoe–Chiba half
 * width, widened to |m - n| when smaller. band = 0 with m = n is the
 * lock-step (Euclidean-style) sum of costs.
 *
 * max_dist is a threshold for callers who only need "too far" past it
 * (k-NN, pruning):
 *   > 0   a distance greater than max_dist is returned as +inf (a distance
 *         equal to it is returned as it is); kernels may stop a window as
 *         soon as every cell of a row exceeds it. The result is defined by
 *         the exact distance, so every backend returns the same bits:
 *         the exact distance or +inf. +inf as max_dist changes nothing.
 *   0     no threshold (what zero-initialisation gives).
 *   < 0 or NaN: HDTW_E_ARG.
 * It applies to hdtw_distance, hdtw_batch, hdtw_sliding and
 * hdtw_subsequence (matches that exceed it are not reported). hdtw_align
 * and hdtw_search ignore it (their value of it is never read). */
typedef struct {
    hdtw_cost cost;
    long band;
    double max_dist;
} hdtw_params;

#define HDTW_PARAMS_DEFAULT ((hdtw_params){ HDTW_COST_ABS, -1, 0.0 })

/* ----------------------------------------------------------------- context */

typedef struct hdtw_ctx hdtw_ctx; /* opaque */

/* Creates a context in *out. Reads the environment:
 *   HDTW_BACKEND=auto|scalar|avx2|avx512|opencl   force a backend
 *   HDTW_DISABLE=avx512,avx2,opencl               pretend features are absent
 *   HDTW_OPENCL_DEVICE=<index or name substring>  pick an OpenCL device
 *   HDTW_PROFILE=<file>                           the router's measured
 *       numbers (written by hdtw_calibrate); unset: hdtw_profile_path's
 *       default. A missing, unreadable or malformed file is ignored and
 *       the built-in numbers are used: routing, never results, changes
 * Returns HDTW_E_ARG if out is NULL or a variable holds an unknown value,
 * HDTW_E_UNSUPPORTED if HDTW_BACKEND names a backend absent here,
 * HDTW_E_NOMEM if allocation fails. *out is written only on success.
 * The caller owns the context and releases it with hdtw_destroy. A
 * context keeps the working memory of its last large call (at most 64 MiB,
 * reused by the next call instead of mapped afresh) until hdtw_destroy. */
HDTW_API hdtw_status hdtw_create(hdtw_ctx **out);

/* Releases ctx and everything it holds (device programs, buffers).
 * NULL is accepted and does nothing. */
HDTW_API void hdtw_destroy(hdtw_ctx *ctx);

/* Forces every later call on ctx to run on backend b (HDTW_BACKEND_AUTO
 * returns to automatic routing). HDTW_E_ARG for a NULL ctx or an unknown
 * value; HDTW_E_UNSUPPORTED if b is absent on this machine or disabled by
 * HDTW_DISABLE (the context keeps its previous setting). */
HDTW_API hdtw_status hdtw_set_backend(hdtw_ctx *ctx, hdtw_backend b);

/* Number of CPU threads the CPU backends may use; 0 = all cores (the
 * default). Results never depend on it. HDTW_E_ARG for a NULL ctx or n < 0. */
HDTW_API hdtw_status hdtw_set_threads(hdtw_ctx *ctx, int n);

/* The backend that served the last successful call on ctx
 * (HDTW_BACKEND_AUTO before any call, or for a NULL ctx). After a device
 * failure this names the CPU backend that completed the call. */
HDTW_API hdtw_backend hdtw_last_backend(const hdtw_ctx *ctx);

/* "auto", "scalar", "avx2", "avx512", "opencl"; "unknown" otherwise. */
HDTW_API const char *hdtw_backend_name(hdtw_backend b);

/* -------------------------------------------------------------- one pair */

/* DTW distance between a[0..m-1] and b[0..n-1] into *distance.
 * p may be NULL for HDTW_PARAMS_DEFAULT.
 * HDTW_E_ARG: ctx, a, b or distance NULL; m or n zero; m*n overflows;
 *             p->cost unknown; p->max_dist < 0 or NaN.
 * HDTW_E_NONFINITE: a NaN or +-Inf in a or b.
 * HDTW_E_NOMEM, HDTW_E_UNSUPPORTED, HDTW_E_DEVICE as described above. */
HDTW_API hdtw_status hdtw_distance(hdtw_ctx *ctx, const hdtw_params *p,
                                   const double *a, size_t m,
                                   const double *b, size_t n,
                                   double *distance);

/* An optimal alignment. path holds 2*path_len indices i0,j0,i1,j1,... from
 * (0,0) to (m-1,n-1); it is allocated by hdtw_align and owned by the caller,
 * who releases it with hdtw_alignment_free. */
typedef struct {
    double distance;   /* as hdtw_distance, the same bits */
    double similarity; /* 1 / (1 + distance / path_len), in (0, 1] */
    size_t path_len;   /* number of cells on the path, max(m,n)..m+n-1 */
    size_t *path;      /* 2 * path_len entries */
} hdtw_alignment;

/* Distance, path and similarity of a against b. The path is found by
 * walking back from (m-1,n-1), taking at each step the smallest of
 * diagonal (i-1,j-1), up (i-1,j) and left (i,j-1), ties preferring
 * diagonal, then up, then left. Uses O(m*n) memory (8 bytes per cell):
 * HDTW_E_NOMEM when that matrix would not fit in this machine's memory.
 * Always computed on the CPU. p->max_dist is ignored: the distance is
 * always the exact one (the path needs it). Other statuses as
 * hdtw_distance; *out is written only on success. */
HDTW_API hdtw_status hdtw_align(hdtw_ctx *ctx, const hdtw_params *p,
                                const double *a, size_t m,
                                const double *b, size_t n,
                                hdtw_alignment *out);

/* Frees al->path and sets it to NULL, path_len to 0. NULL is accepted. */
HDTW_API void hdtw_alignment_free(hdtw_alignment *al);

/* ------------------------------------------------------------------ batches */

/* out[k] = distance(pattern[0..m-1], windows[k*n .. k*n+n-1]) for
 * k = 0..count-1 (windows stored back to back).
 * HDTW_E_ARG: a NULL pointer; m, n or count zero; m*n*count or count*n
 *             overflows size_t.
 * HDTW_E_NONFINITE: a NaN or +-Inf in the pattern or the windows.
 * Other statuses as hdtw_distance. out (count doubles) is written only on
 * success, and entirely. */
HDTW_API hdtw_status hdtw_batch(hdtw_ctx *ctx, const hdtw_params *p,
                                const double *pattern, size_t m,
                                const double *windows, size_t count, size_t n,
                                double *out);

/* Number of cells (i, j) inside the band that a distance of an m-value
 * pattern against an n-value window computes: m * n without a band, fewer
 * with one. Benchmarks divide cells by seconds (GCUPS). 0 when m or n is
 * 0; saturates at SIZE_MAX. */
HDTW_API size_t hdtw_cells(size_t m, size_t n, long band);

/* Number of windows hdtw_sliding produces: (len - window) / stride + 1, or 0
 * when window is 0, stride is 0 or window > len. */
HDTW_API size_t hdtw_sliding_count(size_t len, size_t window, size_t stride);

/* out[k] = distance(pattern[0..m-1], series[k*stride .. k*stride+window-1])
 * for k = 0 .. hdtw_sliding_count(len, window, stride) - 1. The windows are
 * read in place; no copy is made.
 * HDTW_E_ARG: a NULL pointer; m, len, window or stride zero; window > len;
 *             m*window*count overflows.
 * HDTW_E_NONFINITE: a NaN or +-Inf in the pattern or in
 *             series[0 .. last window's end), the span the windows cover.
 * Other statuses as hdtw_batch. */
HDTW_API hdtw_status hdtw_sliding(hdtw_ctx *ctx, const hdtw_params *p,
                                  const double *pattern, size_t m,
                                  const double *series, size_t len,
                                  size_t window, size_t stride,
                                  double *out);

/* ------------------------------------------------- subsequence search */

/* Z-normalises x[0..n-1] into out[0..n-1] (out may equal x). The one
 * z-normalisation of the library, evaluated exactly so (every step one
 * IEEE-754 operation, correctly rounded, nothing fused or reordered):
 *
 *     sum  = ((0 + x[0]) + x[1]) + ... + x[n-1]      summed in index order
 *     mean = sum / n
 *     acc  = sum of (x[i] - mean) * (x[i] - mean)    in index order, from 0
 *     sd   = sqrt(acc / n)                          population deviation
 *     out[i] = (x[i] - mean) / sd                   a division, not a
 *                                                   multiplication by 1/sd
 *
 * When every value equals x[0] (compared with ==, so +0 and -0 are equal),
 * or sd computes to 0 (differences too small to square), out is all +0.0.
 * hdtw_search with znorm normalises the query and each window with exactly
 * this function, so its distances can be reproduced bit for bit by calling
 * hdtw_znorm and then hdtw_distance.
 * HDTW_E_ARG: x or out NULL, or n zero.
 * HDTW_E_NONFINITE: a NaN or +-Inf in x, or the sum or acc above overflows
 *                   (values beyond about 1e154 in magnitude).
 * out is written only on success. */
HDTW_API hdtw_status hdtw_znorm(const double *x, size_t n, double *out);

/* Exclusion zone of half a query: hdtw_search uses m / 2 (rounded down). */
#define HDTW_EXCLUSION_AUTO ((size_t)-1)

/* Parameters of hdtw_search.
 *   dtw        cost and Sakoe–Chiba band of each window's DTW (a band of
 *              about 5% of m is the usual choice and makes the search much
 *              faster; band < 0 is unconstrained)
 *   znorm      1: the query and every window are z-normalised with
 *              hdtw_znorm before the DTW (shape matching, independent of
 *              level and scale); 0: raw values
 *   exclusion  a window is not returned when its start is closer than
 *              `exclusion` to the start of a better one already returned;
 *              0 allows overlapping matches, HDTW_EXCLUSION_AUTO is m / 2 */
typedef struct {
    hdtw_params dtw;
    int znorm;
    size_t exclusion;
} hdtw_search_params;

/* unconstrained absolute-cost DTW, z-normalised, exclusion m / 2 */
#define HDTW_SEARCH_DEFAULT \
    ((hdtw_search_params){ { HDTW_COST_ABS, -1, 0.0 }, 1, HDTW_EXCLUSION_AUTO })

/* One match: the window series[start .. start+m-1] and its DTW distance to
 * the query (after z-normalisation of both when znorm is set). */
typedef struct {
    size_t start;
    double distance;
} hdtw_match;

/* The k windows of series[0..len-1] most similar to query[0..m-1], exactly.
 *
 * Definition (what the result always equals, bit for bit): every window
 * series[s .. s+m-1], s = 0 .. len-m, gets the distance
 * hdtw_distance(&sp->dtw, Q, m, W_s, m) where Q and W_s are the query and
 * the window, each passed through hdtw_znorm when sp->znorm is set. The
 * windows are ranked by (distance, start) ascending; walking that order, a
 * window is kept unless its start is closer than the exclusion to the start
 * of a window kept before it; the first k kept are written to
 * out[0 .. *found-1] in that order. *found = k, or fewer when the series
 * runs out of windows that the exclusion allows.
 *
 * The search prunes with lower bounds (LB_Kim, LB_Keogh on the query's and
 * on the window's envelope) and early-abandoning DTW, in the manner of the
 * UCR Suite; pruning only skips windows that provably cannot be among the
 * result, and every distance returned is computed in full. Results never
 * depend on the number of threads (hdtw_set_threads), nor on the backend.
 * The search runs on the CPU: on the backend forced with hdtw_set_backend
 * or HDTW_BACKEND when it is a CPU backend (scalar, avx2 and avx512 differ
 * only in the vector width of the lower bounds), else (auto, opencl) on
 * the fastest CPU backend present; hdtw_last_backend reports the one that
 * ran.
 *
 * sp may be NULL for HDTW_SEARCH_DEFAULT.
 * HDTW_E_ARG: ctx, query, series, out or found NULL; m or k zero; m > len;
 *             sp->dtw.cost unknown.
 * HDTW_E_NONFINITE: a NaN or +-Inf in the query or the series, or (znorm)
 *             the query or a window whose normalisation overflows (see
 *             hdtw_znorm).
 * HDTW_E_NOMEM: an allocation failed.
 * On success out[0 .. *found-1] and *found are written and out[*found ..
 * k-1] is left as it was; on failure neither out nor *found is touched. */
HDTW_API hdtw_status hdtw_search(hdtw_ctx *ctx, const hdtw_search_params *sp,
                                 const double *query, size_t m,
                                 const double *series, size_t len, size_t k,
                                 hdtw_match *out, size_t *found);

/* A pruning bound for hdtw_search from outside the call, for callers that
 * search parts of one series at once and know a bound from another part
 * (libhdtw_mpi shares one between its ranks; docs/SCALING.md). While fn is
 * set on ctx, hdtw_search calls fn(user, own) from the calling thread
 * before any window and then before each block of about 4096 windows
 * that thread examines; own is the search's current threshold (no result
 * can be worse; +inf before one is known; it includes what fn returned
 * before). The search may then skip any window whose distance
 * exceeds the value returned (a window at exactly that distance is
 * kept). So out[i] is what hdtw_search returns without fn for every i
 * whose distance is at most the smallest value fn returned; entries
 * beyond may be missing or be other windows, each with its exact
 * distance. Returning +inf or NaN changes nothing; a value below the true
 * k-th distance loses results. fn must not call hdtw functions on ctx.
 * Only hdtw_search uses it. fn NULL removes it. */
typedef double (*hdtw_bound_fn)(void *user, double own);
HDTW_API void hdtw_set_search_bound(hdtw_ctx *ctx, hdtw_bound_fn fn,
                                    void *user);

/* ------------------------------------------- free-end subsequence DTW */

/* One match of a subsequence search: series[start .. end] (end inclusive). */
typedef struct { size_t start, end; double distance; } hdtw_span;

/* Free-start, free-end subsequence DTW of the whole query against series.
   D(0, j) = c(q0, s_j) for every j (free start); D(i, j) = c(q_i, s_j) +
   min(D(i-1, j), D(i, j-1), D(i-1, j-1)) for i >= 1 (out of range = +inf);
   every end e has cost D(m-1, e), and its start is the column where the
   path that reaches (m-1, e) leaves row 0, with predecessors chosen by
   the same tie rule as hdtw_align (diagonal, then up, then left).
   Matches are picked greedily: the smallest cost first (ties: smaller
   end), then the next smallest whose span does not overlap any span
   already picked, until k are picked or none is left. *found = how many.
   p->band must be negative (a band has no meaning with a free start):
   otherwise HDTW_E_ARG.

   Every end e = 0 .. len-1 is a candidate, so a series of len values gives
   up to len matches (m may exceed len: the query then warps onto fewer
   values). With p->max_dist > 0 an end whose cost exceeds it is not a
   candidate. Costs that overflow are +inf and rank last. p may be NULL for
   HDTW_PARAMS_DEFAULT. One pass over the series with O(m) working memory
   plus 24 bytes per series value for the candidates, on one CPU thread:
   AVX-512 where the context may use it (AUTO or forced to AVX-512), else
   the scalar pass, the same bits either way; hdtw_last_backend reports
   which. See docs/SUBSEQUENCE.md.
   HDTW_E_ARG: ctx, query, series, out or found NULL; m, len or k zero;
               a length over SIZE_MAX / sizeof(hdtw_span); p->cost unknown;
               p->band >= 0; p->max_dist < 0 or NaN.
   HDTW_E_NONFINITE: a NaN or +-Inf in the query or the series.
   HDTW_E_NOMEM: an allocation failed.
   On success out[0 .. *found-1] (in the order picked) and *found are
   written and out[*found .. k-1] is left as it was; on failure neither out
   nor *found is touched. */
HDTW_API hdtw_status hdtw_subsequence(hdtw_ctx *ctx, const hdtw_params *p,
                                      const double *query, size_t m,
                                      const double *series, size_t len,
                                      size_t k, hdtw_span *out, size_t *found);

/* ---------------------------------------------------------- OpenCL devices */

/* An OpenCL device as hdtw sees it. */
typedef struct {
    char name[128];
    char vendor[128];
    char platform[128];
    unsigned compute_units;
    unsigned long long global_mem_bytes;
    int is_gpu; /* CL_DEVICE_TYPE_GPU */
    int fp64;   /* has cl_khr_fp64; devices without it are never used */
} hdtw_device_info;

/* Lists the OpenCL devices of every platform, in the order that
 * HDTW_OPENCL_DEVICE and hdtw_set_opencl_device index them. Writes
 * min(cap, total) entries to out (out may be NULL when cap is 0) and the
 * total to *count. A library built without OpenCL, or a machine without a
 * platform, reports 0 devices and HDTW_OK. HDTW_E_ARG for a NULL ctx or
 * count. */
HDTW_API hdtw_status hdtw_opencl_devices(hdtw_ctx *ctx, hdtw_device_info *out,
                                         size_t cap, size_t *count);

/* Makes the device at `index` of hdtw_opencl_devices the one ctx's OpenCL
 * backend uses. HDTW_E_UNSUPPORTED if there is no such device or it lacks
 * fp64; HDTW_E_ARG for a NULL ctx. */
HDTW_API hdtw_status hdtw_set_opencl_device(hdtw_ctx *ctx, size_t index);

/* The program ctx's OpenCL device compiled from hdtw's kernels
 * (CL_PROGRAM_BINARIES: PTX text on NVIDIA, where it shows whether the
 * device compiler contracted a multiply and an add into fma.rn.f64, which
 * would break bit identity). *size = its size in bytes; the bytes are copied
 * to buf when buf is not NULL and cap >= *size. The program exists once a
 * call has run on the device. HDTW_E_ARG for a NULL ctx or size;
 * HDTW_E_UNSUPPORTED when there is no OpenCL backend or no program yet;
 * HDTW_E_DEVICE when the device fails to hand it over. */
HDTW_API hdtw_status hdtw_opencl_program(hdtw_ctx *ctx, void *buf, size_t cap,
                                         size_t *size);

/* The device ctx's OpenCL backend uses (as hdtw_opencl_devices lists it)
 * into *out. HDTW_E_ARG for a NULL ctx or out; HDTW_E_UNSUPPORTED when ctx
 * has no OpenCL backend (none built, no usable device, or disabled). */
HDTW_API hdtw_status hdtw_opencl_current_device(hdtw_ctx *ctx,
                                                hdtw_device_info *out);

/* A description of the last error on ctx, or "" when there was none:
 * for a call refused with HDTW_E_ARG, the function, the argument and its
 * value ("hdtw_distance: m is 0", "hdtw_batch: pattern is NULL",
 * "hdtw_set_threads: n is -1, must be >= 0"); for a device problem, the
 * OpenCL step and error (with the program build log when the compiler
 * failed), also when the call then completed on the CPU. Successful calls
 * leave it as it was. Owned by ctx, valid until the next call on ctx. */
HDTW_API const char *hdtw_last_error(const hdtw_ctx *ctx);

/* ------------------------------------------------- progress and cancel */

/* Progress for long calls: called from the calling thread with the work
 * done so far and the total, in a unit of the call's choosing that only
 * grows (hdtw_batch and hdtw_sliding count windows, hdtw_cdist and
 * hdtw_pdist count pairs). Called once with done = 0 before any work, then
 * between pieces of work at most about every 10 ms and at least about every
 * 100 ms (the work is cut into pieces sized by their measured time; one
 * pair is never cut, so a single very long pair reports only at its ends),
 * and last with done = total. A non-zero return cancels the call: it
 * returns HDTW_E_CANCELLED and leaves its output untouched, whenever the
 * callback said so, the last call included.
 *
 * Memory: while a callback is set, hdtw_batch, hdtw_sliding, hdtw_cdist and
 * hdtw_pdist stage their results in a temporary buffer of the output's size
 * and copy it to the output at the end (so a cancelled call writes
 * nothing); without a callback they write the output in place. A staging
 * buffer that cannot be allocated gives HDTW_E_NOMEM.
 *
 * hdtw_distance, hdtw_align and hdtw_search do not report progress (yet).
 * The callback must not call hdtw functions on the same context. */

typedef int (*hdtw_progress_fn)(void *user, size_t done, size_t total);

/* Sets ctx's progress callback and the user pointer passed to it; fn NULL
 * removes it. A NULL ctx is ignored. */
HDTW_API void hdtw_set_progress(hdtw_ctx *ctx, hdtw_progress_fn fn,
                                void *user);

/* ------------------------------------------------------------- calibration */

/* Measures the backends present in ctx on this machine (each CPU backend
 * at 1 thread and at all cores, ctx's OpenCL device once) over a fixed set
 * of pair and batch shapes, fits each one's per-call overhead and cells per
 * second (and a device's bytes per second), writes them as the router's
 * profile to profile_path (NULL: the path hdtw_create reads, see there;
 * missing folders are made) and makes ctx route by them. Takes seconds
 * (more with a slow OpenCL device). progress (may be NULL; the type of
 * hdtw_set_progress, declared above) is called with user after each shape,
 * done shapes of total; a non-zero return stops the calibration with
 * HDTW_E_CANCELLED, and then nothing is written and ctx routes as before.
 * Other contexts read the file when they are created. Results of every
 * call stay the same bits; only the routing, so the speed, changes.
 * HDTW_E_ARG: ctx NULL, or the file cannot be written (hdtw_last_error
 *             says why); HDTW_E_NOMEM; HDTW_E_CANCELLED. */
HDTW_API hdtw_status hdtw_calibrate(hdtw_ctx *ctx, const char *profile_path,
                                    hdtw_progress_fn progress, void *user);

/* The op-mix bound of CPU backend b on one core: the cells per second that
 * b's instruction set could at best compute, measured as the throughput of
 * a cell's five operations (sub, abs, min, min, add) on 12 independent
 * vector chains in registers, no memory traffic, on the calling thread for
 * about `seconds` (in (0, 60]; the fastest run counts). A kernel's GCUPS
 * over this bound says how much of the arithmetic limit it reaches.
 * HDTW_E_ARG: ctx or cells_per_s NULL, seconds out of range;
 * HDTW_E_UNSUPPORTED: b is not a CPU backend present in ctx (auto, opencl,
 * or absent/disabled). *cells_per_s is written only on success. */
HDTW_API hdtw_status hdtw_opmix_bound(hdtw_ctx *ctx, hdtw_backend b,
                                      double seconds, double *cells_per_s);

/* The profile file hdtw_create reads and hdtw_calibrate writes by default:
 * $HDTW_PROFILE, else $XDG_CACHE_HOME/hdtw/profile, else
 * $HOME/.cache/hdtw/profile, into buf[0..cap) (NUL-terminated). Returns 0,
 * or -1 when none of those variables is set or buf is too small. */
HDTW_API int hdtw_profile_path(char *buf, size_t cap);

/* --------------------------------------------------- distance matrices */

/* A set of series, read in place (never copied whole).
 *   Fixed length (offsets NULL): count series of len values each, series i
 *     at values[i*len .. (i+1)*len).
 *   Ragged (offsets non-NULL): offsets holds count + 1 entries, strictly
 *     increasing (every series has at least one value), and series i is
 *     values[offsets[i] .. offsets[i+1]); len is ignored. offsets[0] need
 *     not be 0, so a block of a larger set is a pointer offset into offsets
 *     with the same values pointer.
 * A sub-set of series lo .. hi-1 of a fixed set is {values + lo*len, NULL,
 * hi - lo, len}; of a ragged set {values, offsets + lo, hi - lo, 0}. */
typedef struct {
    const double *values;
    const size_t *offsets;
    size_t count;
    size_t len;
} hdtw_set;

/* The full distance matrix: out[i*b->count + j] = DTW(a_i, b_j), row-major,
 * a->count * b->count doubles, each the same bits as hdtw_distance(ctx, p,
 * a_i, |a_i|, b_j, |b_j|) on every backend and at any thread count.
 *
 * p may be NULL for HDTW_PARAMS_DEFAULT.
 * HDTW_E_ARG: ctx, a, b, out or a set's values NULL; a count zero; a fixed
 *             set with len zero or count*len values beyond size_t; a
 *             ragged set whose offsets decrease or repeat (an empty
 *             series); a->count * b->count doubles overflow size_t; the
 *             longest series of a times the longest of b times b->count
 *             overflows size_t; p->cost unknown.
 * HDTW_E_NONFINITE: a NaN or +-Inf in any series of a or b.
 * HDTW_E_CANCELLED: the progress callback returned non-zero.
 * HDTW_E_NOMEM, HDTW_E_UNSUPPORTED, HDTW_E_DEVICE as hdtw_batch.
 * out is written entirely on success, and untouched on every refusal above
 * (they all come before any work) and on HDTW_E_CANCELLED. The one
 * exception to the library's rule: without a progress callback the matrix
 * is written in place, so an allocation that fails after the work began
 * (the kernels' per-thread rows) returns HDTW_E_NOMEM with some elements
 * already written. A progress callback (any, even one that always returns
 * 0) stages the results, and then out is untouched on every failure.
 *
 * Memory: the output, 8 * a->count * b->count bytes, plus scratch of
 * O(threads * longest series) (the kernels' rows, and a copy of the
 * context per thread) and, for a ragged b, 16 bytes per series of b (b's
 * order by length), a gather buffer of at most 2 MiB (or one series, if
 * longer) and, per thread and once more, 8 bytes per series of b up to
 * 2 MiB (a block's results before they are scattered); with a progress
 * callback, another buffer of the output's size (see hdtw_set_progress).
 *
 * A matrix larger than memory is computed in blocks: rows lo .. hi-1
 * against columns c0 .. c1-1 is hdtw_cdist on the sub-sets (see hdtw_set)
 * with an output of (hi - lo) * (c1 - c0) doubles; its element
 * [(i - lo) * (c1 - c0) + (j - c0)] is the full matrix's [i][j], with the
 * same bits. Stream the blocks one after another to disk or a reducer. */
HDTW_API hdtw_status hdtw_cdist(hdtw_ctx *ctx, const hdtw_params *p,
                                const hdtw_set *a, const hdtw_set *b,
                                double *out);

/* The condensed upper triangle of the distances within x, in the order of
 * scipy.spatial.distance.pdist: for i < j,
 *
 *     out[count*i - i*(i+1)/2 + (j - i - 1)] = DTW(x_i, x_j),
 *
 * count*(count-1)/2 doubles (none for count = 1), each the same bits as
 * hdtw_distance on the pair (x_i first). Statuses as hdtw_cdist (with
 * x for a and b; count*(count-1)/2 doubles must fit size_t). Memory as
 * hdtw_cdist with 8 * count*(count-1)/2 bytes of output.
 *
 * In blocks: the rows lo .. hi-1 of the triangle (j > i) against columns
 * c0 .. c1-1 with c0 >= hi is an off-diagonal block, hdtw_cdist(rows,
 * columns); a diagonal block (lo .. hi-1 with itself) is hdtw_pdist on that
 * sub-set, whose condensed order is the block's own. */
HDTW_API hdtw_status hdtw_pdist(hdtw_ctx *ctx, const hdtw_params *p,
                                const hdtw_set *x, double *out);

#ifdef __cplusplus
}
#endif

#endif /* HDTW_H */
