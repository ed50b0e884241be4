/* SPDX-License-Identifier: MIT */
/*
 * kernel_run.h — the backend entry (an hdtw_run_fn named KERNEL_ENTRY),
 * included once per ISA after kernel_lanes.h and kernel_diag.h.
 *
 * Several windows: inter-sequence lanes, lane groups spread over OpenMP
 * threads in static blocks. Every window's bits come from its own lane
 * alone, so they never depend on the grouping or the thread count.
 * One pair: stripes when the band covers the whole matrix (faster than
 * anti-diagonals from 8 x 8 up but for a few padded sizes), anti-diagonals
 * when a band is wide enough for the vectors to fill (DIAG_MIN_BAND), else
 * one lane group whose spare lanes repeat the pair. The measurements behind
 * these choices and the constants below: bench/RESULTS.md, "Measurements
 * behind the code's constants".
 */
#include "core/alloc.h"
#include "core/backend.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#define THREAD_ID() omp_get_thread_num()
#else
#define THREAD_ID() 0
#endif

/* Band half width from which one pair runs faster by anti-diagonals than
 * as one lane group of copies: below it a diagonal holds under a vector of
 * cells. */
#define DIAG_MIN_BAND 8

/* FUNC(take_work), the work areas' allocator: kernel_stripes.h, which
 * every instantiation includes before this file (a short-stripes one
 * includes it without this file). */
static hdtw_status FUNC(run_diagonals)(hdtw_scratch *scratch,
                                       const hdtw_job *job, double *out)
{
    size_t m = job->m, n = job->n, bytes;
    double *work = FUNC(take_work)(scratch, FUNC(diag_work_doubles)(m, n),
                                   sizeof(double), &bytes);
    if (!work)
        return HDTW_E_NOMEM;
    if (job->cost == HDTW_COST_SQUARED)
        out[0] = FUNC(diag_dp_squared)(job->pattern, m, job->series, n,
                                       job->band, work);
    else
        out[0] = FUNC(diag_dp_abs)(job->pattern, m, job->series, n,
                                   job->band, work);
    hdtw_scratch_give(scratch, work, bytes, 1);
    return HDTW_OK;
}

/* Cells a thread must get before a call forks one more: enough AVX2 work
 * to pay for the fork on an idle machine. On a loaded machine a second
 * thread can cost more than it saves: hdtw_set_threads(ctx, 1) is then
 * the better choice. */
#define MIN_CELLS_PER_THREAD 250000.0

/* One pair whose band covers the whole matrix: stripes (kernel_stripes.h;
 * a wavefront of them on several threads when the pair pays for them),
 * or, where the includer names a narrower instantiation (SHORT_STRIPES_RUN)
 * and the pair has under SHORT_STRIPES_BELOW rows (an expression the
 * includer defines), that one on one thread: its stripes pad fewer rows
 * and skew fewer columns. */
static hdtw_status FUNC(run_stripes)(hdtw_scratch *scratch, int threads,
                                     const hdtw_job *job, double *out)
{
#ifdef SHORT_STRIPES_RUN
    if (job->m < SHORT_STRIPES_BELOW)
        return SHORT_STRIPES_RUN(scratch, job, 1, out);
#endif
    threads = FUNC(stripe_threads)(threads, job->m,
                                   (double)job->m * (double)job->n,
                                   MIN_CELLS_PER_THREAD);
    return FUNC(stripes_run)(scratch, job, threads, out);
}

/* Threads for a lanes call: the caller's, but no more than lane groups
 * and no more than the work pays for. */
static int FUNC(lanes_threads)(int threads, const hdtw_job *job,
                               size_t groups)
{
    if ((size_t)threads > groups)
        threads = (int)groups;
    double cells = (double)hdtw_band_cells(job->m, job->n, job->band) *
                   (double)job->count;
    double useful = cells / MIN_CELLS_PER_THREAD;
    if (useful < threads)
        threads = useful < 1.0 ? 1 : (int)useful;
    return threads;
}

/* Every lane group on `threads` threads into out; 0 when a window
 * value is not finite (the groups after it that no thread had begun are
 * skipped). */
static int FUNC(lane_groups)(int threads, const hdtw_job *job, size_t groups,
                             VEC *work, size_t per_thread, double *out)
{
    atomic_int finite = 1;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static)
#endif
    for (ptrdiff_t g = 0; g < (ptrdiff_t)groups; g++) {
        if (!atomic_load_explicit(&finite, memory_order_relaxed))
            continue;
        size_t k0 = (size_t)g * VEC_WIDTH, left = job->count - k0;
        if (!FUNC(lane_group)(job, k0, left < VEC_WIDTH ? left : VEC_WIDTH,
                              work + (size_t)THREAD_ID() * per_thread, out))
            atomic_store_explicit(&finite, 0, memory_order_relaxed);
    }
    (void)threads;
    return atomic_load(&finite);
}

/* Windows whose values the core left to the kernel (series_unchecked) are
 * checked in the lane copy, so the results wait in work until the last
 * group is known good: out is written only on success. */
static hdtw_status FUNC(run_lanes)(hdtw_scratch *scratch, int threads,
                                   const hdtw_job *job, double *out)
{
    size_t groups = job->count / VEC_WIDTH + (job->count % VEC_WIDTH != 0);
    threads = FUNC(lanes_threads)(threads, job, groups);
    /* n values of a window exist in memory, so 2n + 1 cannot overflow;
     * neither can count results, which the core's output holds */
    size_t per_thread = 2 * job->n + 1, bytes; /* vectors, see lane_group */
    size_t staged = job->series_unchecked ? job->count : 0;
    if (__builtin_mul_overflow(per_thread, (size_t)threads * sizeof(VEC),
                               &bytes) ||
        __builtin_add_overflow(bytes, staged * sizeof(double), &bytes))
        return HDTW_E_NOMEM;
    VEC *work = hdtw_scratch_take(scratch, bytes);
    if (!work)
        return HDTW_E_NOMEM;
    double *results = staged ? (double *)(work + per_thread * (size_t)threads)
                             : out;
    hdtw_status s = HDTW_E_NONFINITE;
    if (FUNC(lane_groups)(threads, job, groups, work, per_thread, results)) {
        if (staged)
            memcpy(out, results, staged * sizeof(double));
        s = HDTW_OK;
    }
    hdtw_scratch_give(scratch, work, bytes, s == HDTW_OK);
    return s;
}

hdtw_status KERNEL_ENTRY(const hdtw_call *call)
{
    const hdtw_job *job = call->job;
    double *out = call->out;
    size_t longest = job->m > job->n ? job->m : job->n;
    if (job->count == 1 && !hdtw_job_finite(job))
        return HDTW_E_NONFINITE; /* the paths below read b in place */
    if (job->count == 1 && job->band + 1 >= longest && longest >= 2)
        return FUNC(run_stripes)(call->scratch, call->threads, job, out);
    if (job->count == 1 && job->band >= DIAG_MIN_BAND)
        return FUNC(run_diagonals)(call->scratch, job, out);
    return FUNC(run_lanes)(call->scratch, call->threads, job, out);
}
