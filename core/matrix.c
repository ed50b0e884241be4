/* SPDX-License-Identifier: MIT */
/*
 * matrix.c — hdtw_cdist and hdtw_pdist: distance matrices as batch jobs.
 *
 * A row of the matrix (series a_i against many columns b_j of one length)
 * is exactly a batch job: a_i is the pattern, the columns are windows back
 * to back with stride = their length. Every piece of work is such a job,
 * routed like hdtw_batch's, so every element has hdtw_distance's bits
 * (every kernel does) on any backend and thread count.
 *
 * The columns are walked in blocks of one length:
 *   - a fixed-length set is one block, read in place, and a row's results
 *     land directly in the output (they are contiguous there);
 *   - a ragged set is sorted by (length, index), and each run of one length
 *     is gathered, at most GATHER_DOUBLES values at a time, into a buffer;
 *     a row's results are then scattered to their places.
 * For pdist a row i takes only the columns j > i of a block; the block's
 * columns are in index order, so those are a suffix of it.
 *
 * On a CPU backend the threads share one parallel region per block and take
 * tasks (a row and a piece of the block's columns) from a counter, each on
 * its own one-thread copy of the context: forking once per row cost
 * milliseconds a row on a loaded machine (docs/MATRIX.md). On a device the
 * rows run one after another, a row being one launch.
 */
#include "core/internal.h"

#include "cpu/cell.h"
#include "core/alloc.h"
#include "core/threshold.h"
#include "core/progress.h"

#include <math.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

/* the most values a ragged block gathers at once: 2 MiB */
#define GATHER_DOUBLES ((size_t)1 << 18)

#define MAX_VALUES (SIZE_MAX / sizeof(double))

/* The most cells a CPU task holds: the unit of progress and cancellation,
 * a few ms of work on one core. */
#define TASK_CELLS 4194304.0

/* Tasks per thread at least, so that the last ones are small enough for
 * the threads to finish together. */
#define TASKS_PER_THREAD 16

/* Cells that pay for one more thread: the kernels' value
 * (cpu/kernel_run.h), for the same fork. */
#define MIN_CELLS_PER_THREAD 250000.0

/* ------------------------------------------------------------ the sets */

static size_t series_len(const hdtw_set *s, size_t i)
{
    return s->offsets ? s->offsets[i + 1] - s->offsets[i] : s->len;
}

static const double *series_at(const hdtw_set *s, size_t i)
{
    return s->values + (s->offsets ? s->offsets[i] : i * s->len);
}

/* HDTW_E_ARG unless s describes count >= 1 non-empty series whose values
 * an array can hold; *longest = the longest series' length. */
static hdtw_status check_shape(const hdtw_set *s, size_t *longest)
{
    size_t values;
    if (!s || !s->values || s->count == 0)
        return HDTW_E_ARG;
    if (!s->offsets) {
        if (s->len == 0 || __builtin_mul_overflow(s->count, s->len, &values) ||
            values > MAX_VALUES)
            return HDTW_E_ARG;
        *longest = s->len;
        return HDTW_OK;
    }
    size_t most = 0;
    for (size_t i = 0; i < s->count; i++) {
        if (s->offsets[i + 1] <= s->offsets[i])
            return HDTW_E_ARG; /* empty or out of order */
        size_t len = s->offsets[i + 1] - s->offsets[i];
        most = len > most ? len : most;
    }
    if (s->offsets[s->count] > MAX_VALUES)
        return HDTW_E_ARG;
    *longest = most;
    return HDTW_OK;
}

/* 1 when every value of every series of s is finite (s checked). */
static int set_finite(const hdtw_set *s)
{
    const double *x = series_at(s, 0);
    size_t n = s->offsets ? s->offsets[s->count] - s->offsets[0]
                          : s->count * s->len;
    return hdtw_all_finite(x, n);
}

/* ------------------------------------------------------------ the call */

/* One matrix call: rows against columns, all validated. */
typedef struct {
    hdtw_ctx *ctx;
    hdtw_params params;
    const hdtw_set *rows, *columns;
    int triangle;      /* pdist: only j > i, condensed order */
    double *out;       /* the output, or the staging buffer */
    hdtw_progress progress;
    /* the CPU path (see run_block_cpu) */
    hdtw_ctx *lanes;   /* per thread: a copy of ctx on one thread */
    double *results;   /* per thread: a ragged task's row, before scatter */
    size_t results_cap;
    int threads;
    hdtw_backend backend;
    size_t done;       /* pairs finished, all threads (atomic) */
    int failed;        /* set once status is (atomic) */
    hdtw_status status;
} matrix_call;

/* A block of columns of one length: member k is values + k*len and is
 * column index[k] (index NULL: column first + k). Index order ascends. */
typedef struct {
    const double *values;
    size_t len;
    const size_t *index;
    size_t first, count;
} column_block;

static size_t column_of(const column_block *cb, size_t k)
{
    return cb->index ? cb->index[k] : cb->first + k;
}

/* pdist: the first member of the block whose column exceeds i (the
 * members' columns ascend); cdist: 0. */
static size_t first_member(const matrix_call *mc, const column_block *cb,
                           size_t i)
{
    size_t lo = 0, hi = cb->count;
    while (mc->triangle && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (column_of(cb, mid) <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Where (i, j) goes: row-major, or pdist's condensed order
 * count*i - i*(i+1)/2 + (j-i-1). The products may wrap, the result never
 * does (it is an index of the output), and unsigned arithmetic wraps
 * exactly; only the halving must be done before the product. */
static size_t out_index(const matrix_call *mc, size_t i, size_t j)
{
    size_t count = mc->columns->count;
    if (!mc->triangle)
        return i * count + j;
    size_t half = i % 2 ? i * ((i + 1) / 2) : (i / 2) * (i + 1);
    return count * i - half + (j - i - 1);
}

/* Row i against the block's members lo..hi-1 on ctx (a thread's copy, or
 * the caller's own for a device), through `scratch` when the block is
 * gathered. */
static hdtw_status run_task(matrix_call *mc, hdtw_ctx *ctx,
                            const column_block *cb, size_t i, size_t lo,
                            size_t hi, double *scratch)
{
    size_t m = series_len(mc->rows, i), n = cb->len;
    hdtw_job job = {
        .cost = mc->params.cost,
        .band = hdtw_effective_band(mc->params.band, m, n),
        .pattern = series_at(mc->rows, i), .m = m,
        .series = cb->values + lo * n, .n = n,
        .count = hi - lo, .stride = n,
    };
    double *dst = cb->index ? scratch
                            : mc->out + out_index(mc, i, column_of(cb, lo));
    hdtw_status s = ctx == mc->ctx
                        ? hdtw_progress_route(&mc->progress, &job, dst)
                        : hdtw_route(ctx, &job, dst);
    if (s != HDTW_OK || !cb->index)
        return s;
    for (size_t k = lo; k < hi; k++)
        mc->out[out_index(mc, i, cb->index[k])] = scratch[k - lo];
    return HDTW_OK;
}

/* A device: row after row on the calling thread; the device runs a row's
 * pairs in parallel, and the progress pieces rows that are long. */
static hdtw_status run_block_device(matrix_call *mc, const column_block *cb)
{
    for (size_t i = 0; i < mc->rows->count; i++) {
        size_t from = first_member(mc, cb, i);
        if (from == cb->count)
            continue;
        hdtw_status s =
            run_task(mc, mc->ctx, cb, i, from, cb->count, mc->results);
        if (s != HDTW_OK)
            return s;
    }
    return HDTW_OK;
}

/* Columns per task: at most TASK_CELLS cells (a task is the unit of
 * progress and cancellation), enough tasks to balance the threads, and a
 * multiple of 8 (whole lane groups) when above 8. */
static size_t task_columns(const matrix_call *mc, const column_block *cb,
                           size_t row_longest)
{
    double row_cells = (double)row_longest * (double)cb->len;
    double by_cells = TASK_CELLS / row_cells;
    size_t piece = by_cells < 1.0 ? 1
                 : by_cells < (double)cb->count ? (size_t)by_cells
                                                : cb->count;
    size_t wanted = (size_t)mc->threads * TASKS_PER_THREAD;
    if (mc->rows->count < wanted) {
        size_t per_row = (wanted + mc->rows->count - 1) / mc->rows->count;
        size_t balanced = (cb->count + per_row - 1) / per_row;
        piece = balanced < piece ? balanced : piece;
    }
    if (piece > 8)
        piece = (piece + 7) / 8 * 8;
    return piece;
}

/* Records a failure (the first one wins); every thread then stops. */
static void fail(matrix_call *mc, hdtw_status s)
{
    /* a compare-and-swap, not a named critical section: that would export
     * a .gomp_critical_user_* symbol from libhdtw. status is read only
     * after the parallel region ends. */
    int unset = 0;
    if (__atomic_compare_exchange_n(&mc->failed, &unset, 1, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        mc->status = s;
}

static int failed(matrix_call *mc)
{
    int f;
#ifdef _OPENMP
#pragma omp atomic read
#endif
    f = mc->failed;
    return f;
}

/* The CPU: tasks (row i, members of one piece of the block) taken by the
 * threads from a shared counter, largest rows first, so a triangle's
 * threads finish together. Each thread routes its tasks on its own copy of
 * the context (one thread, the backend picked once), and the calling
 * thread reports progress between its tasks. */
static void cpu_tasks(matrix_call *mc, const column_block *cb, size_t piece,
                      size_t *next)
{
#ifdef _OPENMP
    int tid = omp_get_thread_num();
#else
    int tid = 0;
#endif
    size_t per_row = (cb->count + piece - 1) / piece;
    size_t tasks = mc->rows->count * per_row;
    double *scratch = mc->results + (size_t)tid * mc->results_cap;
    for (;;) {
        size_t t;
#ifdef _OPENMP
#pragma omp atomic capture
#endif
        t = (*next)++;
        if (t >= tasks || failed(mc))
            return;
        size_t i = t / per_row, from = first_member(mc, cb, i);
        size_t lo = t % per_row * piece, hi = lo + piece;
        lo = lo > from ? lo : from;
        hi = hi < cb->count ? hi : cb->count;
        if (lo >= hi)
            continue;
        hdtw_status s = run_task(mc, &mc->lanes[tid], cb, i, lo, hi, scratch);
        size_t done;
#ifdef _OPENMP
#pragma omp atomic capture
#endif
        done = mc->done += hi - lo;
        if (s == HDTW_OK && tid == 0)
            s = hdtw_progress_tick(&mc->progress, done);
        if (s != HDTW_OK)
            fail(mc, s);
    }
}

static hdtw_status run_block_cpu(matrix_call *mc, const column_block *cb,
                                 size_t row_longest)
{
    size_t piece = task_columns(mc, cb, row_longest), next = 0;
    mc->failed = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(mc->threads)
#endif
    cpu_tasks(mc, cb, piece, &next);
    return mc->failed ? mc->status : HDTW_OK;
}

static hdtw_status run_block(matrix_call *mc, const column_block *cb,
                             size_t row_longest)
{
    if (mc->backend == HDTW_BACKEND_OPENCL)
        return run_block_device(mc, cb);
    return run_block_cpu(mc, cb, row_longest);
}

/* A ragged set's series in (length, index) order. */
typedef struct {
    size_t len, index;
} by_length;

static int compare_by_length(const void *x, const void *y)
{
    const by_length *p = x, *q = y;
    if (p->len != q->len)
        return p->len < q->len ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/* Members of the run of one length starting at order[k], at most what the
 * gather buffer holds (at least one). */
static size_t block_members(const by_length *order, size_t count, size_t k)
{
    size_t len = order[k].len, most = GATHER_DOUBLES / len, members = 1;
    while (k + members < count && order[k + members].len == len &&
           members < most)
        members++;
    return members;
}

/* Gathers each block of a ragged column set and runs it. */
static hdtw_status run_ragged(matrix_call *mc, by_length *order,
                              size_t row_longest, size_t col_longest)
{
    const hdtw_set *cols = mc->columns;
    size_t cap = GATHER_DOUBLES > col_longest ? GATHER_DOUBLES : col_longest;
    hdtw_status s = HDTW_E_NOMEM;
    double *gathered = hdtw_malloc(cap * sizeof *gathered);
    size_t *index = hdtw_malloc(mc->results_cap * sizeof *index);
    if (!gathered || !index)
        goto cleanup;
    for (size_t i = 0; i < cols->count; i++)
        order[i] = (by_length){ series_len(cols, i), i };
    qsort(order, cols->count, sizeof *order, compare_by_length);
    s = HDTW_OK;
    for (size_t k = 0; k < cols->count && s == HDTW_OK;) {
        column_block cb = { .values = gathered, .len = order[k].len,
                            .index = index,
                            .count = block_members(order, cols->count, k) };
        for (size_t t = 0; t < cb.count; t++) {
            index[t] = order[k + t].index;
            memcpy(gathered + t * cb.len, series_at(cols, index[t]),
                   cb.len * sizeof *gathered);
        }
        s = run_block(mc, &cb, row_longest);
        k += cb.count;
    }
cleanup:
    hdtw_free(gathered);
    hdtw_free(index);
    return s;
}

/* Runs every block into mc->out. */
static hdtw_status run_blocks(matrix_call *mc, size_t row_longest,
                              size_t col_longest)
{
    const hdtw_set *cols = mc->columns;
    if (!cols->offsets) {
        column_block cb = { .values = cols->values, .len = cols->len,
                            .count = cols->count };
        return run_block(mc, &cb, row_longest);
    }
    by_length *order = hdtw_malloc(cols->count * sizeof *order);
    if (!order)
        return HDTW_E_NOMEM;
    hdtw_status s = run_ragged(mc, order, row_longest, col_longest);
    hdtw_free(order);
    return s;
}

/* The backend for the whole call: the router's pick for a row of the
 * longest series against every column. */
static hdtw_backend pick_backend(matrix_call *mc, size_t row_longest,
                                 size_t col_longest)
{
    hdtw_job row = {
        .cost = mc->params.cost,
        .band = hdtw_effective_band(mc->params.band, row_longest,
                                    col_longest),
        .pattern = mc->rows->values, .m = row_longest,
        .series = mc->columns->values, .n = col_longest,
        .count = mc->columns->count - (size_t)mc->triangle,
        .stride = col_longest,
    };
    return hdtw_route_pick(mc->ctx, &row);
}

/* Threads for the CPU path: the context's, no more than the work pays for
 * (about one per MIN_CELLS_PER_THREAD cells, the kernels' rule). */
static int cpu_threads(const matrix_call *mc, size_t row_longest,
                       size_t col_longest, size_t pairs)
{
    int threads = hdtw_ctx_threads(mc->ctx);
    double useful = (double)row_longest * (double)col_longest *
                    (double)pairs / MIN_CELLS_PER_THREAD;
    if (useful < threads)
        threads = useful < 1.0 ? 1 : (int)useful;
    return threads;
}

/* Sets up the threads' contexts and scratch, runs, releases. */
static hdtw_status run_matrix(matrix_call *mc, size_t row_longest,
                              size_t col_longest, size_t pairs)
{
    const hdtw_set *cols = mc->columns;
    mc->backend = pick_backend(mc, row_longest, col_longest);
    mc->threads = mc->backend == HDTW_BACKEND_OPENCL
                      ? 1
                      : cpu_threads(mc, row_longest, col_longest, pairs);
    mc->results_cap = !cols->offsets ? 0
                    : GATHER_DOUBLES < cols->count ? GATHER_DOUBLES
                                                   : cols->count;
    hdtw_status s = HDTW_E_NOMEM;
    size_t threads = (size_t)mc->threads;
    mc->lanes = hdtw_malloc(threads * sizeof *mc->lanes);
    mc->results = hdtw_malloc(threads * mc->results_cap * sizeof(double));
    if (!mc->lanes || !mc->results)
        goto cleanup;
    for (size_t t = 0; t < threads; t++) {
        mc->lanes[t] = *mc->ctx;
        mc->lanes[t].threads = 1;
        mc->lanes[t].forced = mc->backend;
        mc->lanes[t].progress = NULL;
        /* a block's working memory is small and comes from the heap: a
         * work area per thread would make the call's allocations depend
         * on how the blocks fall to the threads */
        mc->lanes[t].scratch = (hdtw_scratch){ 0 };
        mc->lanes[t].scratch_unused = 1;
    }
    s = run_blocks(mc, row_longest, col_longest);
    if (s == HDTW_OK && mc->backend != HDTW_BACKEND_OPENCL)
        mc->ctx->last = mc->backend;
cleanup:
    hdtw_free(mc->lanes);
    hdtw_free(mc->results);
    return s;
}

/* count * (count - 1) / 2 into *out; 1 when it overflows size_t. */
static int triangle_size(size_t count, size_t *out)
{
    size_t even = count, odd = count - 1; /* one of them is even */
    if (even % 2)
        odd /= 2;
    else
        even /= 2;
    return __builtin_mul_overflow(even, odd, out);
}

/* Validates, then runs the matrix of `outputs` doubles into out: in place,
 * or through a staging buffer when a progress callback is set. */
static hdtw_status matrix(hdtw_ctx *ctx, const hdtw_params *p,
                          const hdtw_set *rows, const hdtw_set *cols,
                          int triangle, double *out)
{
    hdtw_params params = p ? *p : HDTW_PARAMS_DEFAULT;
    size_t row_longest, col_longest, outputs, bytes, cells;
    if (!ctx || !out)
        return HDTW_E_ARG;
    if (hdtw_check_params(ctx, triangle ? "hdtw_pdist" : "hdtw_cdist",
                          &params) != HDTW_OK)
        return HDTW_E_ARG;
    hdtw_status s = check_shape(rows, &row_longest);
    if (s == HDTW_OK)
        s = check_shape(cols, &col_longest);
    if (s != HDTW_OK)
        return s;
    if ((triangle ? triangle_size(rows->count, &outputs)
                  : __builtin_mul_overflow(rows->count, cols->count,
                                           &outputs)) ||
        __builtin_mul_overflow(outputs, sizeof(double), &bytes) ||
        __builtin_mul_overflow(row_longest, col_longest, &cells) ||
        __builtin_mul_overflow(cells, cols->count, &cells))
        return HDTW_E_ARG;
    if (!set_finite(rows) || !set_finite(cols))
        return HDTW_E_NONFINITE;
    if (outputs == 0)
        return HDTW_OK;

    matrix_call mc = { .ctx = ctx, .params = params, .rows = rows,
                       .columns = cols, .triangle = triangle, .out = out };
    if (ctx->progress && !(mc.out = hdtw_malloc(bytes)))
        return HDTW_E_NOMEM;
    s = hdtw_progress_begin(&mc.progress, ctx, outputs);
    if (s == HDTW_OK)
        s = run_matrix(&mc, row_longest, col_longest, outputs);
    if (s == HDTW_OK)
        s = hdtw_progress_end(&mc.progress);
    if (s == HDTW_OK)
        hdtw_apply_max_dist(mc.out, outputs, params.max_dist);
    if (mc.out != out) {
        if (s == HDTW_OK)
            memcpy(out, mc.out, bytes);
        hdtw_free(mc.out);
    }
    return s;
}

hdtw_status hdtw_cdist(hdtw_ctx *ctx, const hdtw_params *p,
                       const hdtw_set *a, const hdtw_set *b, double *out)
{
    return matrix(ctx, p, a, b, 0, out);
}

hdtw_status hdtw_pdist(hdtw_ctx *ctx, const hdtw_params *p,
                       const hdtw_set *x, double *out)
{
    return matrix(ctx, p, x, x, 1, out);
}
