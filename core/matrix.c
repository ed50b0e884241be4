/*
 * matrix.c — hdtw_cdist and hdtw_pdist: distance matrices as batch jobs.
 *
 * A row of the matrix (series a_i against many columns b_j of one length)
 * is exactly a batch job: a_i is the pattern, the columns are windows back
 * to back with stride = their length. Each row goes through the router, so
 * the vector lanes, the threads (lane groups split evenly, so a triangle's
 * short rows balance as well as its long ones) and the device all apply,
 * and every element has hdtw_distance's bits (every kernel does).
 *
 * The columns are walked in blocks of one length:
 *   - a fixed-length set is one block, read in place, and a row's results
 *     land directly in the output (they are contiguous there);
 *   - a ragged set is sorted by (length, index), and each run of one length
 *     is gathered, at most GATHER_DOUBLES values at a time, into a buffer;
 *     a row's results are then scattered to their places.
 * For pdist a row i takes only the columns j > i of a block; the block's
 * columns are in index order, so those are a suffix of it.
 */
#include "core/internal.h"

#include "cpu/cell.h"
#include "core/alloc.h"
#include "core/progress.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the most values a ragged block gathers at once: 2 MiB */
#define GATHER_DOUBLES ((size_t)1 << 18)

#define MAX_VALUES (SIZE_MAX / sizeof(double))

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
    int finite = 1; /* no early exit: the loop vectorises */
    for (size_t i = 0; i < n; i++)
        finite &= isfinite(x[i]) != 0;
    return finite;
}

/* ------------------------------------------------------------ the call */

/* One matrix call: rows against columns, all validated. */
typedef struct {
    hdtw_params params;
    const hdtw_set *rows, *columns;
    int triangle;     /* pdist: only j > i, condensed order */
    double *out;      /* the output, or the staging buffer */
    double *results;  /* a ragged block's row, before the scatter */
    hdtw_progress progress;
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

/* Where (i, j) goes: row-major, or pdist's condensed order, given the
 * index of (i, i + 1) in the latter. */
static size_t out_index(const matrix_call *mc, size_t i, size_t j,
                        size_t row_start)
{
    return mc->triangle ? row_start + (j - i - 1)
                        : i * mc->columns->count + j;
}

/* Row i against the block's members from..count-1, results to out. */
static hdtw_status run_row(matrix_call *mc, const column_block *cb, size_t i,
                           size_t from, size_t row_start)
{
    size_t m = series_len(mc->rows, i), n = cb->len;
    hdtw_job job = {
        .cost = mc->params.cost,
        .band = hdtw_effective_band(mc->params.band, m, n),
        .pattern = series_at(mc->rows, i), .m = m,
        .series = cb->values + from * n, .n = n,
        .count = cb->count - from, .stride = n,
    };
    double *dst = cb->index ? mc->results
                            : mc->out + out_index(mc, i, column_of(cb, from),
                                                  row_start);
    hdtw_status s = hdtw_progress_route(&mc->progress, &job, dst);
    if (s != HDTW_OK || !cb->index)
        return s;
    for (size_t k = from; k < cb->count; k++)
        mc->out[out_index(mc, i, cb->index[k], row_start)] =
            mc->results[k - from];
    return HDTW_OK;
}

/* Every row against one block of columns. */
static hdtw_status run_block(matrix_call *mc, const column_block *cb)
{
    size_t from = 0, row_start = 0;
    for (size_t i = 0; i < mc->rows->count; i++) {
        if (mc->triangle)
            while (from < cb->count && column_of(cb, from) <= i)
                from++;
        if (from < cb->count) {
            hdtw_status s = run_row(mc, cb, i, from, row_start);
            if (s != HDTW_OK)
                return s;
        }
        row_start += mc->columns->count - i - 1; /* used by pdist only */
    }
    return HDTW_OK;
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
                              size_t longest)
{
    const hdtw_set *cols = mc->columns;
    size_t cap = GATHER_DOUBLES > longest ? GATHER_DOUBLES : longest;
    size_t members_cap = GATHER_DOUBLES < cols->count ? GATHER_DOUBLES
                                                       : cols->count;
    hdtw_status s = HDTW_E_NOMEM;
    double *gathered = hdtw_malloc(cap * sizeof *gathered);
    size_t *index = hdtw_malloc(members_cap * sizeof *index);
    mc->results = hdtw_malloc(members_cap * sizeof *mc->results);
    if (!gathered || !index || !mc->results)
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
        s = run_block(mc, &cb);
        k += cb.count;
    }
cleanup:
    hdtw_free(gathered);
    hdtw_free(index);
    hdtw_free(mc->results);
    return s;
}

/* Runs every block into mc->out. */
static hdtw_status run_matrix(matrix_call *mc, size_t longest)
{
    const hdtw_set *cols = mc->columns;
    if (!cols->offsets) {
        column_block cb = { .values = cols->values, .len = cols->len,
                            .count = cols->count };
        return run_block(mc, &cb);
    }
    by_length *order = hdtw_malloc(cols->count * sizeof *order);
    if (!order)
        return HDTW_E_NOMEM;
    hdtw_status s = run_ragged(mc, order, longest);
    hdtw_free(order);
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
    if (!ctx || !out ||
        (params.cost != HDTW_COST_ABS && params.cost != HDTW_COST_SQUARED))
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

    matrix_call mc = { .params = params, .rows = rows, .columns = cols,
                       .triangle = triangle, .out = out };
    if (ctx->progress && !(mc.out = hdtw_malloc(bytes)))
        return HDTW_E_NOMEM;
    s = hdtw_progress_begin(&mc.progress, ctx, outputs);
    if (s == HDTW_OK)
        s = run_matrix(&mc, col_longest);
    if (s == HDTW_OK)
        s = hdtw_progress_end(&mc.progress);
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
