/* SPDX-License-Identifier: MIT */
/* subsequence.h — the free-start, free-end DTW pass of hdtw_subsequence,
 * one backend entry per instruction set (core/registry.c registers them;
 * validation, routing and the greedy pick are in core/). */
#ifndef HDTW_CPU_SUBSEQUENCE_H
#define HDTW_CPU_SUBSEQUENCE_H

#include "hdtw.h"
#include "core/backend.h"

#include "cpu/cell.h"

#include <stddef.h>

/* Working memory of one pass: costs and starts, HDTW_SUBSEQ_WORK(m)
 * entries each. */
typedef struct {
    double *cost;
    size_t *start;
} hdtw_subseq_column;

/* the column kernel needs m; the AVX-512 pass three diagonals of row -1,
 * m rows, and padding for its last vector of eight rows to be whole */
#define HDTW_SUBSEQ_DIAGONAL(m) ((((m) + 1 + 7) / 8) * 8 + 8)
#define HDTW_SUBSEQ_WORK(m) (3 * HDTW_SUBSEQ_DIAGONAL(m))

/* The tie rule of hdtw_align for one cell: the start of the predecessor
 * chosen among diagonal, up and left (ties in that order; <= keeps the
 * earlier of equal ones). The cell's value is the minimum either way. */
static inline size_t hdtw_subseq_pick(double diag, double up, double left,
                                      size_t diag_start, size_t up_start,
                                      size_t left_start)
{
    if (diag <= up && diag <= left)
        return diag_start;
    return up <= left ? up_start : left_start;
}

/* Where a pass writes its ends: end e's cost D(m-1, e) at cost[e] and
 * its start at start[e] (start NULL: costs only). */
typedef hdtw_subseq_column hdtw_subseq_ends;

/* One pass over series[0..len-1]: every end e's cost and start into
 * ends, with D and start as hdtw.h defines them for hdtw_subsequence,
 * column by column. col holds HDTW_SUBSEQ_WORK(m) entries in each array;
 * its contents on entry do not matter. Inputs are finite (costs may still
 * overflow to +inf, which is handled). */
void hdtw_subsequence_ends(hdtw_cost cost, const double *query, size_t m,
                           const double *series, size_t len,
                           hdtw_subseq_column col, hdtw_subseq_ends ends);

/* Columns first .. last - 1 of the same pass, their ends into entries
 * 0 .. last - first - 1 of ends (starts too unless ends.start is NULL):
 * col holds the m costs and starts of column first - 1 on entry (the
 * exact ones: the pass then continues exactly) and of column last - 1 on
 * return. */
void hdtw_subsequence_columns(hdtw_cost cost, const double *query, size_t m,
                              const double *series, size_t first,
                              size_t last, hdtw_subseq_column col,
                              hdtw_subseq_ends ends);

/* A kernel with hdtw_subsequence_columns' contract (the scalar one, or a
 * backend's vector one giving the same bits). */
typedef void (*hdtw_subseq_columns_fn)(hdtw_cost cost, const double *query,
                                       size_t m, const double *series,
                                       size_t first, size_t last,
                                       hdtw_subseq_column col,
                                       hdtw_subseq_ends ends);

/* Columns a tile of the costs-only chunks (cpu/subsequence_chunks.h): the
 * exact column before every tile is kept, so the start of any end can be
 * found later from the tile holding it (hdtw_subseq_tile_finder). */
#define HDTW_SUBSEQ_TILE HDTW_SUBSEQ_BLOCK /* a tile gives a block minimum */
/* tiles of a series of len values, and the m costs of the column before
 * each (tile t: columns t * HDTW_SUBSEQ_TILE - 1; tile 0: column -1,
 * +inf) that a costs-only pass keeps */
#define HDTW_SUBSEQ_TILES(len)                                                \
    (((len) + HDTW_SUBSEQ_TILE - 1) / HDTW_SUBSEQ_TILE)
/* Doubles from one kept column to the next: m rounded up to whole 64-byte
 * lines, so that in an array aligned to 64 bytes each column starts a
 * line and a pass stores it in whole lines (a store split over two lines
 * costs both; the padding is never read). */
#define HDTW_SUBSEQ_EDGE_STRIDE(m) (((m) + 7) / 8 * 8)

/* The kept column before tile t (its m costs) in a costs-only pass's
 * edges. */
static inline double *hdtw_subseq_kept_column(double *edges, size_t m,
                                              size_t t)
{
    return edges + t * HDTW_SUBSEQ_EDGE_STRIDE(m);
}

/* The smallest cost of each block of HDTW_SUBSEQ_BLOCK ends in
 * costs[first .. last - 1] (first a multiple of HDTW_SUBSEQ_BLOCK; the
 * last block may be cut short by last) into block_min[first /
 * HDTW_SUBSEQ_BLOCK ..] (hdtw_call.end_block_min). */
void hdtw_subseq_block_minima(const double *costs, size_t first, size_t last,
                              double *block_min);

/* Chunks the vector passes have computed again, in every call so far
 * (cpu/subsequence_chunks.h: a lane that missed the exact column before
 * its chunk). The ends are exact either way, so only this count tells a
 * test that a pass took its fast path. */
extern _Atomic size_t hdtw_subseq_recomputed_chunks;

/* The finder of a pass that computed every start: *starts = room for
 * len of them, which the finder reads. NULL when it cannot be had. */
hdtw_subseq_finder *hdtw_subseq_array_finder(size_t len, size_t **starts);

/* The finder of a costs-only pass, from its tile edges (the column before
 * tile t at hdtw_subseq_kept_column(edges, m, t); taken: the finder
 * frees them, also when it cannot be had; NULL then): the pass
 * with starts (`columns`, hdtw_subsequence_columns or a vector kernel
 * with its bits) run over an end's tile from the exact column before
 * it, the cells of that column labelled "the path crosses this column at
 * row i" (a label is len + i: every start is below len), a label resolved
 * in the tile before in the same way. Each column runs at most once: a
 * tile runs as far as the ends asked so far need, the whole tile when a
 * label of the next one needs its last column, and resumes from where it
 * stopped, so the work follows the stretches the asked paths cross. The
 * job is copied; its arrays must outlive the finder. */
hdtw_subseq_finder *hdtw_subseq_tile_finder(const hdtw_subseq_job *job,
                                            double *edges,
                                            hdtw_subseq_columns_fn columns);

/* The same ends, bit for bit, computed along anti-diagonals with AVX-512
 * (cpu/subsequence_avx512.c, built only with HDTW_HAVE_AVX512; call it
 * only where the CPU has AVX-512F/DQ). */
void hdtw_subsequence_ends_avx512(hdtw_cost cost, const double *query,
                                  size_t m, const double *series, size_t len,
                                  hdtw_subseq_column work,
                                  hdtw_subseq_ends ends);

/* A pass kernel, as the two above. */
typedef void (*hdtw_subseq_pass)(hdtw_cost cost, const double *query,
                                 size_t m, const double *series, size_t len,
                                 hdtw_subseq_column work,
                                 hdtw_subseq_ends ends);

/* Runs call->subseq through pass with work of `entries` costs and starts
 * (allocated here, HDTW_E_NOMEM when that fails or overflows): the costs
 * into call->end_costs, the starts into an array finder. The backends'
 * entries below are this with their kernel. */
hdtw_status hdtw_subsequence_run(const hdtw_call *call, size_t entries,
                                 hdtw_subseq_pass pass);

/* The backend entries (hdtw_backend_entry.subsequence): call->subseq's
 * ends into call->end_costs and *call->subseq_finder, the same bits on
 * each. */
hdtw_status hdtw_scalar_subsequence(const hdtw_call *call);
hdtw_status hdtw_avx2_subsequence(const hdtw_call *call);
hdtw_status hdtw_avx512_subsequence(const hdtw_call *call);

#endif
