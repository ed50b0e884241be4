/* SPDX-License-Identifier: MIT */
/*
 * kernel_stripes.h — one pair without a band, in horizontal stripes of
 * STRIPE_ROWS = VEC_WIDTH * LANE_ROWS rows; included once per ISA after
 * kernel_lanes.h (same macros, plus VSHIFT_IN(x, s) = the vector
 * (s, x[0], ..., x[VEC_WIDTH - 2])).
 *
 * Within a stripe, lane l owns the LANE_ROWS rows base + l * LANE_ROWS + r
 * and runs STRIPE_SKEW columns behind lane l - 1: at step t it does column
 * t - l * STRIPE_SKEW. Its top row's "up" is lane l - 1's bottom row of
 * STRIPE_SKEW steps before (the same column), shifted one lane over; lane 0
 * takes the previous stripe's bottom row. So a step is one column of the
 * register block of kernel_lanes.h (the same cell arithmetic, the rows in
 * registers) and the only memory traffic is the skewed b value and the
 * bottom row, one vector each a step: the anti-diagonals' three loads of
 * neighbours and their L1-overflowing working set are gone. The skew keeps
 * the lane-to-lane dependency (a chain through all rows of the block plus
 * the shift) off the critical path of each step.
 *
 * Lanes outside the matrix (a column before 0 or after n - 1) see b = +inf:
 * every such cell is +inf (inf - x, its abs or square, and inf + min are
 * +inf), exactly the reference's column -1, and what they compute past
 * n - 1 is never read. Pattern rows past m - 1 repeat a[m - 1] (any
 * finite value would do): they feed only rows below them, which are never
 * read either.
 */

#include "core/alloc.h"

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Columns lane l + 1 runs behind lane l: the lane-to-lane chain of
 * LANE_ROWS cells plus the shift must fit in this many steps (the skews
 * measured: bench/RESULTS.md, "Measurements behind the code's constants"). */
#define STRIPE_SKEW 6
#define STRIPE_ROWS (VEC_WIDTH * LANE_ROWS)
/* steps lane VEC_WIDTH - 1 trails lane 0 */
#define STRIPE_SPAN ((VEC_WIDTH - 1) * STRIPE_SKEW)

/* count items of `size` bytes, vector-aligned, from the call's work area
 * (hdtw_scratch_take; *bytes = their size, for hdtw_scratch_give); NULL
 * when the size overflows or the allocation fails. kernel_run.h uses it
 * too. */
static void *FUNC(take_work)(hdtw_scratch *scratch, size_t count, size_t size,
                             size_t *bytes)
{
    if (count > SIZE_MAX / size)
        return NULL;
    *bytes = count * size;
    return hdtw_scratch_take(scratch, *bytes);
}

/* Vectors of one bottom-row buffer: bottom[-STRIPE_SKEW .. n + 2 *
 * STRIPE_SPAN - 1]. */
#define BOTTOM_VECTORS(n) (STRIPE_SKEW + (n) + 2 * STRIPE_SPAN)

/* Vectors of work area stripes_dp needs for an n-column pair with
 * `bottoms` bottom-row buffers (1, or 2 when stripes run in parallel). */
static size_t FUNC(stripes_work_vectors)(size_t n, size_t bottoms)
{
    return (n + STRIPE_SPAN) + bottoms * BOTTOM_VECTORS(n);
}

/* Steps ahead at which a stripe of the wavefront fetches the bottom row
 * another core wrote (see stripes_wavefront). */
#define REMOTE_AHEAD 64

/* A stripe's registers between two runs of its steps. */
typedef struct {
    VEC pat[LANE_ROWS], left[LANE_ROWS], diag;
} FUNC(stripe_regs);

/* The registers of the stripe from row base before its step 0. corner is
 * D(base - 1, -1). */
ALWAYS_INLINE void FUNC(stripe_begin)(const double *a, size_t m, size_t base,
                                      double corner, FUNC(stripe_regs) *s)
{
    for (int r = 0; r < LANE_ROWS; r++) {
        double lanes[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            size_t i = base + l * LANE_ROWS + (size_t)r;
            lanes[l] = a[i < m ? i : m - 1]; /* a select, not a branch */
        }
        s->pat[r] = VLOADU(lanes);
        s->left[r] = VSET1(INFINITY);
    }
    s->diag = VSHIFT_IN(VSET1(INFINITY), corner);
}

/* Steps t0 .. t1 - 1 of a stripe. own[t] receives the stripe's bottom row
 * at step t (own[-STRIPE_SKEW .. -1] are +inf); prev[t + STRIPE_SPAN] holds
 * the previous stripe's (its last lane did column t there). One stripe
 * after another may share the buffer (prev = own): index t + STRIPE_SPAN is
 * read before it is overwritten. On return s->left[r] holds each lane's
 * row r at its column of step t1 - 1. */
ALWAYS_INLINE void FUNC(stripe_steps)(int squared, int remote,
                                      FUNC(stripe_regs) *s,
                                      const VEC *skewed_b, const VEC *prev,
                                      VEC *own, size_t t0, size_t t1)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS], diag = s->diag;
    for (int r = 0; r < LANE_ROWS; r++) {
        pat[r] = s->pat[r];
        left[r] = s->left[r];
    }
    const VEC *lagged = own - STRIPE_SKEW;
    for (size_t t = t0; t < t1; t++) {
        const double *above = (const double *)&prev[t + STRIPE_SPAN];
        if (remote) /* see stripes_wavefront */
            __builtin_prefetch(&prev[t + STRIPE_SPAN + REMOTE_AHEAD], 0, 3);
        VEC cell = VSHIFT_IN(lagged[t], above[VEC_WIDTH - 1]);
        diag = FUNC(column)(squared, LANE_ROWS, 0, NULL, pat, left,
                            skewed_b[t], diag, &cell);
        own[t] = cell;
    }
    for (int r = 0; r < LANE_ROWS; r++)
        s->left[r] = left[r];
    s->diag = diag;
}

/* The work area (skewed b, then the bottom buffers from
 * bottom[-STRIPE_SKEW]) all +inf; then lane l of skewed_b[l * STRIPE_SKEW
 * + j] = b[j]: no per-element test. */
static void FUNC(stripes_setup)(const double *b, size_t n, VEC *work,
                                size_t vectors)
{
    const VEC inf = VSET1(INFINITY);
    for (size_t k = 0; k < vectors; k++)
        work[k] = inf;
    double *sb = (double *)work;
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        double *lane = sb + l * STRIPE_SKEW * VEC_WIDTH + l;
        for (size_t j = 0; j < n; j++)
            lane[j * VEC_WIDTH] = b[j];
    }
}

/* The shape of an m x n pair in stripes: how many, and the steps of
 * stripe s (the last stops when the lane of row m - 1, `lane`, has done
 * column n - 1; its row in that lane is `row`). */
typedef struct {
    size_t count, lane, row, n;
} FUNC(stripes_shape);

static FUNC(stripes_shape) FUNC(shape)(size_t m, size_t n)
{
    size_t count = (m + STRIPE_ROWS - 1) / STRIPE_ROWS;
    size_t in_last = m - 1 - (count - 1) * STRIPE_ROWS;
    return (FUNC(stripes_shape)){ count, in_last / LANE_ROWS,
                                  in_last % LANE_ROWS, n };
}

static size_t FUNC(stripe_step_count)(const FUNC(stripes_shape) *sh,
                                      size_t s)
{
    return sh->n + (s + 1 < sh->count ? STRIPE_SPAN
                                      : sh->lane * STRIPE_SKEW);
}

/* D(m - 1, n - 1) from the last stripe's registers. */
static double FUNC(stripes_result)(const FUNC(stripes_shape) *sh,
                                   const FUNC(stripe_regs) *s)
{
    return ((const double *)&s->left[sh->row])[sh->lane];
}

/* The stripes one after another, sharing one bottom buffer. */
ALWAYS_INLINE double FUNC(stripes_dp)(int squared, const double *a, size_t m,
                                      const double *b, size_t n, VEC *work)
{
    VEC *skewed_b = work, *bottom = work + n + STRIPE_SPAN + STRIPE_SKEW;
    FUNC(stripes_setup)(b, n, work, FUNC(stripes_work_vectors)(n, 1));
    FUNC(stripes_shape) sh = FUNC(shape)(m, n);
    FUNC(stripe_regs) regs;
    for (size_t s = 0; s < sh.count; s++) {
        FUNC(stripe_begin)(a, m, s * STRIPE_ROWS, s == 0 ? 0.0 : INFINITY,
                           &regs);
        FUNC(stripe_steps)(squared, 0, &regs, skewed_b, bottom, bottom, 0,
                           FUNC(stripe_step_count)(&sh, s));
    }
    return FUNC(stripes_result)(&sh, &regs);
}

static double FUNC(stripes_dp_abs)(const double *a, size_t m, const double *b,
                                   size_t n, VEC *work)
{
    return FUNC(stripes_dp)(0, a, m, b, n, work);
}

static double FUNC(stripes_dp_squared)(const double *a, size_t m,
                                       const double *b, size_t n, VEC *work)
{
    return FUNC(stripes_dp)(1, a, m, b, n, work);
}

#ifdef _OPENMP
/*
 * Long pairs on several threads: a wavefront of stripes, run in chunks of
 * STRIPE_CHUNK steps. Chunk [t0, t1) of stripe s may run once stripe s - 1
 * has published the steps whose bottom row it reads (t1 + STRIPE_SPAN, and
 * REMOTE_AHEAD more for the prefetch). A stripe's registers and progress
 * live in a shared slot; a thread claims the lowest stripe whose next
 * chunk may run, runs chunks while they may, publishes each, and lets the
 * stripe go when the next one may not. So no thread waits on another that
 * holds no chunk: a thread the system starts late, preempts while it
 * waits, or puts on the same CPU as another, holds nobody up for longer
 * than one chunk. No barrier, and every cell is computed exactly as on
 * one thread.
 *
 * Two bottom buffers, by the stripe's parity, suffice: stripe s + 2
 * overwrites index t of stripe s's buffer only once stripe s + 1, which
 * read it at its step t - STRIPE_SPAN, has done step t + STRIPE_SPAN, and
 * stripe s, which reads its own index t at step t + STRIPE_SKEW, has done
 * step t + 2 * STRIPE_SPAN.
 *
 * Both buffers pass between cores: a stripe reads the one another core
 * wrote, a miss to that core's cache a vector a step; the stripe fetches
 * it REMOTE_AHEAD steps ahead.
 */
#define STRIPE_CHUNK 256
/* Pauses before a thread with nothing to run yields its CPU: more than
 * the pipeline's start and end take, when one thread waits for the
 * first chunks or the last stripe's tail; longer means that whoever can
 * run lost its CPU, maybe to this thread. */
#define WAIT_SPINS 4096

typedef struct {
    FUNC(stripe_regs) regs; /* between chunks */
    atomic_size_t done;     /* steps published */
    atomic_int busy;        /* a thread runs it */
} FUNC(stripe_slot);

/* Whether the next chunk of stripe s may run now (and it has one). */
static int FUNC(chunk_ready)(const FUNC(stripes_shape) *sh,
                             FUNC(stripe_slot) *slot, size_t s)
{
    size_t steps = FUNC(stripe_step_count)(sh, s);
    size_t t0 = atomic_load_explicit(&slot[s].done, memory_order_acquire);
    if (t0 >= steps)
        return 0;
    if (s == 0)
        return 1;
    size_t t1 = t0 + STRIPE_CHUNK < steps ? t0 + STRIPE_CHUNK : steps;
    size_t need = t1 + STRIPE_SPAN + REMOTE_AHEAD;
    size_t full = sh->n + STRIPE_SPAN; /* stripe s - 1 is a full one */
    return atomic_load_explicit(&slot[s - 1].done, memory_order_acquire) >=
           (need < full ? need : full);
}

/* Chunks of stripe s (claimed) while they may run. */
ALWAYS_INLINE void FUNC(run_chunks)(int squared, const FUNC(stripes_shape) *sh,
                                    FUNC(stripe_slot) *slot, size_t s,
                                    VEC *const *bottoms, const VEC *skewed_b)
{
    size_t steps = FUNC(stripe_step_count)(sh, s);
    VEC *own = bottoms[s % 2];
    const VEC *prev = bottoms[(s + 1) % 2];
    while (FUNC(chunk_ready)(sh, slot, s)) {
        size_t t0 = atomic_load_explicit(&slot[s].done, memory_order_relaxed);
        size_t t1 = t0 + STRIPE_CHUNK < steps ? t0 + STRIPE_CHUNK : steps;
        FUNC(stripe_steps)(squared, 1, &slot[s].regs, skewed_b, prev, own, t0,
                           t1);
        atomic_store_explicit(&slot[s].done, t1, memory_order_release);
    }
}

/* A thread's part: claim and run stripes until all are done. */
ALWAYS_INLINE void FUNC(wavefront_thread)(int squared,
                                          const FUNC(stripes_shape) *sh,
                                          FUNC(stripe_slot) *slot,
                                          VEC *const *bottoms,
                                          const VEC *skewed_b)
{
    size_t first = 0; /* stripes before it are done */
    for (unsigned idle = 0; first < sh->count;) {
        size_t s = first;
        while (s < sh->count && !(FUNC(chunk_ready)(sh, slot, s) &&
                                  !atomic_exchange(&slot[s].busy, 1)))
            s++;
        if (s < sh->count) {
            FUNC(run_chunks)(squared, sh, slot, s, bottoms, skewed_b);
            atomic_store_explicit(&slot[s].busy, 0, memory_order_release);
            idle = 0;
        } else if (idle++ < WAIT_SPINS) {
            __builtin_ia32_pause();
        } else {
            sched_yield();
        }
        while (first < sh->count &&
               atomic_load_explicit(&slot[first].done, memory_order_acquire) ==
                   FUNC(stripe_step_count)(sh, first))
            first++;
    }
}

ALWAYS_INLINE double FUNC(stripes_wavefront)(int squared, int threads,
                                             const double *a, size_t m,
                                             const double *b, size_t n,
                                             VEC *work,
                                             FUNC(stripe_slot) *slot)
{
    VEC *skewed_b = work;
    VEC *bottoms[2] = { work + n + STRIPE_SPAN + STRIPE_SKEW,
                        work + n + STRIPE_SPAN + STRIPE_SKEW +
                            BOTTOM_VECTORS(n) };
    FUNC(stripes_setup)(b, n, work, FUNC(stripes_work_vectors)(n, 2));
    FUNC(stripes_shape) sh = FUNC(shape)(m, n);
    for (size_t s = 0; s < sh.count; s++) {
        FUNC(stripe_begin)(a, m, s * STRIPE_ROWS, s == 0 ? 0.0 : INFINITY,
                           &slot[s].regs);
        atomic_init(&slot[s].done, 0);
        atomic_init(&slot[s].busy, 0);
    }
#pragma omp parallel num_threads(threads)
    FUNC(wavefront_thread)(squared, &sh, slot, bottoms, skewed_b);
    return FUNC(stripes_result)(&sh, &slot[sh.count - 1].regs);
}

static double FUNC(wavefront_abs)(int threads, const double *a, size_t m,
                                  const double *b, size_t n, VEC *work,
                                  FUNC(stripe_slot) *slot)
{
    return FUNC(stripes_wavefront)(0, threads, a, m, b, n, work, slot);
}

static double FUNC(wavefront_squared)(int threads, const double *a, size_t m,
                                      const double *b, size_t n, VEC *work,
                                      FUNC(stripe_slot) *slot)
{
    return FUNC(stripes_wavefront)(1, threads, a, m, b, n, work, slot);
}

/* One pair on `threads` >= 2 threads, into out[0]. One work area holds
 * the bottom rows, then the stripes' slots (a whole number of vectors:
 * a slot is counted in vectors, rounded up). */
static hdtw_status FUNC(stripes_run_parallel)(hdtw_scratch *scratch,
                                              const hdtw_job *job,
                                              int threads, double *out)
{
    size_t stripes = FUNC(shape)(job->m, job->n).count;
    size_t rows = FUNC(stripes_work_vectors)(job->n, 2);
    size_t slot_vectors = (sizeof(FUNC(stripe_slot)) + sizeof(VEC) - 1) /
                          sizeof(VEC), bytes;
    if (stripes > (SIZE_MAX / sizeof(VEC) - rows) / slot_vectors)
        return HDTW_E_NOMEM;
    VEC *work = FUNC(take_work)(scratch, rows + stripes * slot_vectors,
                                sizeof(VEC), &bytes);
    if (!work)
        return HDTW_E_NOMEM;
    FUNC(stripe_slot) *slot = (FUNC(stripe_slot) *)(work + rows);
    if (job->cost == HDTW_COST_SQUARED)
        out[0] = FUNC(wavefront_squared)(threads, job->pattern, job->m,
                                         job->series, job->n, work, slot);
    else
        out[0] = FUNC(wavefront_abs)(threads, job->pattern, job->m,
                                     job->series, job->n, work, slot);
    hdtw_scratch_give(scratch, work, bytes, 1);
    return HDTW_OK;
}
#endif

/* Stripes of fewer rows than this run on one thread: every stripe's
 * bottom row crosses to another core, and at 16 rows (AVX2) that traffic
 * ate the second thread's gain (bench/RESULTS.md, issue 15's second
 * round). */
#define WAVEFRONT_MIN_ROWS 64

/* Threads worth a wavefront on an m-row pair of `cells` cells: the
 * caller's, at most one a stripe, and only as many as the work pays for
 * (min_cells a thread). */
static int FUNC(stripe_threads)(int threads, size_t m, double cells,
                                double min_cells)
{
#ifndef _OPENMP
    (void)threads, (void)m, (void)cells, (void)min_cells;
    return 1;
#else
    size_t stripes = FUNC(shape)(m, 1).count;
    if (STRIPE_ROWS < WAVEFRONT_MIN_ROWS)
        return 1;
    if ((size_t)threads > stripes)
        threads = (int)stripes;
    double useful = cells / min_cells;
    if (useful < threads)
        threads = useful < 1.0 ? 1 : (int)useful;
    return threads;
#endif
}

/* One pair whose band covers the whole matrix, into out[0]: a wavefront
 * where `threads` (see stripe_threads) is 2 or more. */
static hdtw_status FUNC(stripes_run)(hdtw_scratch *scratch,
                                     const hdtw_job *job, int threads,
                                     double *out)
{
#ifdef _OPENMP
    if (threads >= 2)
        return FUNC(stripes_run_parallel)(scratch, job, threads, out);
#endif
    (void)threads;
    size_t bytes;
    VEC *work = FUNC(take_work)(scratch, FUNC(stripes_work_vectors)(job->n, 1),
                                sizeof(VEC), &bytes);
    if (!work)
        return HDTW_E_NOMEM;
    if (job->cost == HDTW_COST_SQUARED)
        out[0] = FUNC(stripes_dp_squared)(job->pattern, job->m, job->series,
                                          job->n, work);
    else
        out[0] = FUNC(stripes_dp_abs)(job->pattern, job->m, job->series,
                                      job->n, work);
    hdtw_scratch_give(scratch, work, bytes, 1);
    return HDTW_OK;
}
