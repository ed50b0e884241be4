/* SPDX-License-Identifier: MIT */
/*
 * scalar.c — the ground truth. Every other backend is tested against these
 * functions with memcmp, so they are written to be read, not to be fast.
 *
 * distance/batch/sliding: two rolling rows of n + 1 doubles, visiting only
 * the cells inside the band; with a threshold (job->max_dist > 0) a window
 * is abandoned after the first row whose every cell exceeds it. align: the same rows kept for every i (an
 * (m + 1) x (n + 1) matrix), then a walk back.
 */
#include "cpu/scalar.h"

#include "cpu/cell.h"
#include "cpu/cpu.h"
#include "core/alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether every cell of the row (columns lo..hi, in the layout of
 * cpu/cell.h) exceeds max_dist. Costs are >= 0, so every path through the
 * row, and D(m-1, n-1), then does too: the caller may stop (the core maps
 * the result to +inf). */
static int row_beyond(const double *row, size_t lo, size_t hi,
                      double max_dist)
{
    int beyond = 1; /* no early exit: the loop vectorises */
    for (size_t j = lo; j <= hi; j++)
        beyond &= row[j + 1] > max_dist;
    return beyond;
}

/* The rows follow the layout of cpu/cell.h (hdtw_row_step). */
static double pair_distance(hdtw_cost cost, size_t w, double max_dist,
                            const double *a, size_t m,
                            const double *b, size_t n, double *rows)
{
    double *prev = rows, *cur = rows + n + 1;
    hdtw_row_above_first(prev, n);
    for (size_t i = 0; i < m; i++) {
        size_t lo = hdtw_row_lo(i, w), hi = hdtw_row_hi(i, w, n);
        hdtw_row_step(cost, a[i], b, n, lo, hi, prev, cur);
        if (max_dist > 0 && row_beyond(cur, lo, hi, max_dist))
            return INFINITY; /* abandoned: above the threshold */
        double *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[n];
}

hdtw_status hdtw_scalar_run(const hdtw_call *call)
{
    const hdtw_job *job = call->job;
    double *out = call->out;
    if (!hdtw_job_finite(job))
        return HDTW_E_NONFINITE;
    double *rows = hdtw_malloc(2 * (job->n + 1) * sizeof *rows);
    if (!rows)
        return HDTW_E_NOMEM;
    for (size_t k = 0; k < job->count; k++)
        out[k] = pair_distance(job->cost, job->band, job->max_dist,
                               job->pattern, job->m,
                               job->series + k * job->stride, job->n, rows);
    hdtw_free(rows);
    return HDTW_OK;
}

/* The matrix must fit in this machine's memory, not merely in size_t:
 * with overcommit a huge malloc can succeed and fail later, on first touch. */
static int matrix_fits(size_t rows, size_t cols)
{
    size_t cells, bytes;
    if (__builtin_mul_overflow(rows, cols, &cells) ||
        __builtin_mul_overflow(cells, sizeof(double), &bytes))
        return 0;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return 1; /* unknown: let malloc decide */
    return bytes / (size_t)page < (size_t)pages / 2;
}

/*
 * align keeps every row: P is (m + 1) x (n + 1), row r holding D(r - 1, *)
 * in the layout above (row 0 is row -1). Cells outside the band are never
 * written except the +inf fences next to it, and the walk back only reads
 * cells in the band or on a fence.
 */
static void fill_matrix(hdtw_cost cost, size_t w, const double *a, size_t m,
                        const double *b, size_t n, double *P)
{
    hdtw_row_above_first(P, n);
    for (size_t i = 0; i < m; i++)
        hdtw_row_step(cost, a[i], b, n, hdtw_row_lo(i, w),
                      hdtw_row_hi(i, w, n), P + i * (n + 1),
                      P + (i + 1) * (n + 1));
}

/* Walks back from (m-1, n-1) into path (room for m + n - 1 cells), last cell
 * first; returns the number of cells. Ties prefer diagonal, up, then left. */
static size_t walk_back(const double *P, size_t m, size_t n, size_t *path)
{
    size_t i = m - 1, j = n - 1, len = 0, cols = n + 1;
    for (;;) {
        path[2 * len] = i;
        path[2 * len + 1] = j;
        len++;
        if (i == 0 && j == 0)
            break;
        /* on the first row or column there is one way back: the fences
         * alone do not keep the walk inside when D is +inf (costs that
         * overflow), since diag <= up then holds for +inf == +inf */
        if (i == 0 || j == 0) {
            i -= i > 0;
            j -= j > 0;
            continue;
        }
        /* D(i-1, j-1), D(i-1, j), D(i, j-1) sit at P[i][j], P[i][j+1],
         * P[i+1][j] */
        double diag = P[i * cols + j];
        double up = P[i * cols + j + 1];
        double left = P[(i + 1) * cols + j];
        if (diag <= up && diag <= left) {
            i--;
            j--;
        } else if (up <= left) {
            i--;
        } else {
            j--;
        }
    }
    return len;
}

static void reverse_pairs(size_t *path, size_t len)
{
    for (size_t lo = 0, hi = len - 1; lo < hi; lo++, hi--) {
        size_t i = path[2 * lo], j = path[2 * lo + 1];
        path[2 * lo] = path[2 * hi];
        path[2 * lo + 1] = path[2 * hi + 1];
        path[2 * hi] = i;
        path[2 * hi + 1] = j;
    }
}

hdtw_status hdtw_scalar_align(const hdtw_job *job, hdtw_alignment *out)
{
    size_t m = job->m, n = job->n;
    hdtw_status status = HDTW_E_NOMEM;
    double *D = NULL;
    size_t *path = NULL;

    if (!matrix_fits(m + 1, n + 1))
        goto cleanup;
    D = hdtw_malloc((m + 1) * (n + 1) * sizeof *D);
    path = hdtw_malloc(2 * (m + n - 1) * sizeof *path);
    if (!D || !path)
        goto cleanup;

    fill_matrix(job->cost, job->band, job->pattern, m, job->series, n, D);
    size_t len = walk_back(D, m, n, path);
    reverse_pairs(path, len);

    double distance = D[(m + 1) * (n + 1) - 1];
    out->distance = distance;
    out->similarity = 1.0 / (1.0 + distance / (double)len);
    out->path_len = len;
    out->path = path;
    path = NULL; /* now the caller's */
    status = HDTW_OK;
cleanup:
    hdtw_free(path);
    hdtw_free(D);
    return status;
}
