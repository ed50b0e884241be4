/* SPDX-License-Identifier: MIT */
/*
 * subsequence_chunks.h — hdtw_subsequence's pass over a long series: the
 * series cut into VEC_WIDTH chunks, one a lane, every lane the whole query
 * against its chunk, in row blocks (the shape of cpu/kernel_lanes.h, with
 * the start carried as in cpu/subsequence_stripes.h, whose sub_column it
 * runs; included after it and cpu/subsequence_wave.h, whose kernel its
 * finder runs; same macros).
 *
 * Lane l computes the columns from SUB_HALO before its chunk to its end
 * with a fresh start: column -1 of its window is +inf, so its cells hold
 * the subsequence DP of the paths that start inside the window. Those are
 * the exact cells as soon as one whole column (every cost, every start)
 * equals the exact one: the DP from a column on depends on that column
 * alone. So after the vector pass, lane l's column just before its chunk is
 * compared with lane l - 1's last column, the same series column, exact by
 * induction (lane 0's window starts before the series, so it is the exact
 * pass). Equal: lane l's ends are the exact ones. Not equal (a best path
 * reaches further back than the halo): the chunk is computed again by the
 * scalar pass (hdtw_subsequence_columns) from the exact column. Either way
 * every end is the scalar pass's, bit for bit.
 *
 * Two modes (chunks_run): with starts, or costs only (cost_column, the
 * five operations of a sliding cell), in which the halo check compares
 * costs only (they alone decide the DP from a column on) and every lane
 * keeps its last column of every tile in the edges its finder keeps
 * (hdtw_subseq_tile_finder, cpu/subsequence_starts.c), from which it
 * finds the starts the pick asks for. Chunks and halo are whole tiles,
 * so a lane's tile edges are the series' tile edges (HDTW_SUBSEQ_TILE).
 *
 * The columns run in tiles of SUB_TILE, each tile row block by row block,
 * so the working set (a tile's series values, the row between two blocks,
 * every row's last cell) stays in the first cache levels. The blocks are
 * LANE_ROWS rows (with starts; costs only starts at 4, as
 * cpu/kernel_lanes.h, which measured faster), then 4, 2 and 1 so that the
 * last block ends at row m - 1, whose cells are the ends.
 *
 * Lane groups (costs only): the includer may define SUB_CHUNK_GROUPS, the
 * groups of VEC_WIDTH chunks swept together (1 when undefined). Each group
 * keeps its own view (FUNC(chunks): its series values, rows and edges) and
 * its own bookkeeping; only the row blocks interleave the groups, each
 * column's cells of every group in one loop, so that a column holds
 * SUB_CHUNK_GROUPS times the independent row chains (as cpu/kernel_lanes.h
 * sweeps its LANE_GROUPS). Only a short query runs them, on a series long
 * enough for that many chunks of four halos each (chunk_groups).
 */
#include "cpu/subsequence.h"

#include "core/alloc.h"
#include "cpu/kernel_copy.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* Columns a tile: its series values and the row between two blocks (cost
 * and start) are 3 vectors a column, so a tile's working set stays within
 * the first-level cache with room for every row's last cell. Chosen for
 * that, not tuned. */
#define SUB_TILE HDTW_SUBSEQ_TILE
/* The halo: columns a lane computes before its chunk, a whole number of
 * tiles. A best path reaches little further back than the query is long
 * unless a row rides a long run (then the chunk is recomputed, which is
 * exact, only slower); 4m was chosen, not tuned. */
#define SUB_HALO(m) ((4 * (m) + SUB_TILE - 1) / SUB_TILE * SUB_TILE)

#ifndef SUB_CHUNK_GROUPS
#define SUB_CHUNK_GROUPS 1
#endif

/* A lane group's view of the work: its lanes run chunks lane0 ..
 * lane0 + VEC_WIDTH - 1. */
typedef struct {
    size_t len, chunk, halo; /* chunk: series columns a lane owns */
    size_t lane0;
    VEC *cols;               /* SUB_TILE series values a lane */
    VEC *top, *top_start;    /* SUB_TILE + 1: the row above a block */
    VEC *edge, *edge_start;  /* m: every row's cell in the last column (edge:
                                HDTW_SUBSEQ_EDGE_STRIDE(m), the rows past
                                m +inf) */
    VEC *halo_edge, *halo_start; /* m: the same, after the halo */
    double *edges; /* NULL: starts carried; else costs only, and the
                      column before every tile kept (HDTW_SUBSEQ_TILES,
                      HDTW_SUBSEQ_EDGE_STRIDE(m) doubles apart) */
    double *block_min; /* a tile's smallest end (hdtw_call.end_block_min) */
} FUNC(chunks);

/* series column of lane l's local column j (may be < 0) */
ALWAYS_INLINE long long FUNC(global)(const FUNC(chunks) *c, size_t l,
                                     size_t j)
{
    return (long long)((c->lane0 + l) * c->chunk + j) - (long long)c->halo;
}

/* sub_column without the starts, for `groups` lane groups: the five
 * operations of a cell (sub, abs or mul, two exact mins, add), the same
 * costs bit for bit. Group g's series value is s[g], its row r's cell of
 * the column before left[r * SUB_CHUNK_GROUPS + g] (replaced by this
 * column's), diag[g] the cell above that (clobbered), up[g] the cell above
 * this column's first row on entry and its last row's on return. */
ALWAYS_INLINE void FUNC(cost_column)(int squared, int groups, int rows,
                                     const VEC *pat, VEC *left, const VEC *s,
                                     VEC *diag, VEC *up)
{
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++)
#pragma GCC unroll 4
        for (int g = 0; g < groups; g++) {
            VEC *cell = &left[r * SUB_CHUNK_GROUPS + g], l = *cell;
            VEC d = VSUB(pat[r], s[g]);
            VEC c = squared ? VMUL(d, d) : VABS(d);
            /* the row's own chain (left) enters the min last, as in
             * cpu/kernel_lanes.h; min is exact, so the order does not
             * change the bits */
            *cell = VADD(c, VMIN(VMIN(diag[g], up[g]), l));
            diag[g] = l;
            up[g] = *cell;
        }
}

/* Costs only: rows i0 .. i0 + rows - 1 (rows <= 4) of the `groups` lane
 * groups c[0 .. groups - 1] over the tile's `width` columns, as
 * chunk_block. Row -1 is cost 0 in every column, so in the first block
 * row 0 is its cost alone (min(0, 0, left) is 0: no cell is below 0, and
 * c + 0 is c) and top is only written. */
ALWAYS_INLINE void FUNC(cost_block)(int squared, int groups, int rows,
                                    const double *query, size_t i0,
                                    size_t width, const FUNC(chunks) *c)
{
    enum { G = SUB_CHUNK_GROUPS };
    VEC pat[4], left[4 * G], corner[G], diag[G];
    VEC *top[G]; /* locals: the stores into top alias nothing here */
    const VEC *cols[G];
    for (int r = 0; r < rows; r++)
        pat[r] = VSET1(query[i0 + (size_t)r]);
    for (int g = 0; g < groups; g++) {
        for (int r = 0; r < rows; r++)
            left[r * G + g] = c[g].edge[i0 + (size_t)r];
        /* the next block's corner: this block's bottom row before the
         * tile */
        corner[g] = left[(rows - 1) * G + g];
        diag[g] = c[g].top[0];
        top[g] = c[g].top;
        cols[g] = c[g].cols;
    }
    for (size_t j = 0; i0 == 0 && j < width; j++) {
        VEC s[G], up[G], row0_before[G];
        for (int g = 0; g < groups; g++) {
            s[g] = cols[g][j];
            row0_before[g] = left[g]; /* row 1's diagonal */
            VEC d = VSUB(pat[0], s[g]);
            left[g] = up[g] = squared ? VMUL(d, d) : VABS(d);
        }
        FUNC(cost_column)(squared, groups, rows - 1, pat + 1, left + G, s,
                          row0_before, up);
        for (int g = 0; g < groups; g++)
            top[g][j + 1] = up[g];
    }
    for (size_t j = 0; i0 > 0 && j < width; j++) {
        VEC s[G], up[G], next_diag[G];
        for (int g = 0; g < groups; g++) {
            s[g] = cols[g][j];
            up[g] = next_diag[g] = top[g][j + 1];
        }
        FUNC(cost_column)(squared, groups, rows, pat, left, s, diag, up);
        for (int g = 0; g < groups; g++) {
            top[g][j + 1] = up[g];
            diag[g] = next_diag[g];
        }
    }
    for (int g = 0; g < groups; g++) {
        for (int r = 0; r < rows; r++)
            c[g].edge[i0 + (size_t)r] = left[r * G + g];
        c[g].top[0] = corner[g];
    }
}

/* With starts (one lane group): rows i0 .. i0 + rows - 1 over the
 * tile's `width` columns; top holds row i0 - 1 on entry (top[0]: the
 * column before the tile) and row i0 + rows - 1 on return; the edges
 * carry each row's last cell from tile to tile. */
ALWAYS_INLINE void FUNC(chunk_block)(int squared, int rows,
                                     const double *query, size_t i0,
                                     size_t width, const FUNC(chunks) *c)
{
    VEC pat[LANE_ROWS], left[LANE_ROWS], left_start[LANE_ROWS];
    for (int r = 0; r < rows; r++) {
        pat[r] = VSET1(query[i0 + (size_t)r]);
        left[r] = c->edge[i0 + (size_t)r];
        left_start[r] = c->edge_start[i0 + (size_t)r];
    }
    /* the next block's corner: this block's bottom row before the tile */
    VEC corner = left[rows - 1], corner_start = left_start[rows - 1];
    VEC diag = c->top[0], diag_start = c->top_start[0];
    for (size_t j = 0; j < width; j++) {
        VEC up = c->top[j + 1], up_start = c->top_start[j + 1];
        VEC next_diag = up, next_diag_start = up_start;
        FUNC(sub_column)(squared, rows, pat, left, left_start, c->cols[j],
                         diag, diag_start, &up, &up_start);
        c->top[j + 1] = up;
        c->top_start[j + 1] = up_start;
        diag = next_diag;
        diag_start = next_diag_start;
    }
    for (int r = 0; r < rows; r++) {
        c->edge[i0 + (size_t)r] = left[r];
        c->edge_start[i0 + (size_t)r] = left_start[r];
    }
    c->top[0] = corner;
    c->top_start[0] = corner_start;
}

/* Blocks of `rows` rows from *i0 while they fit in m: with starts
 * (chunk_block, one group) or costs only (cost_block, `groups` groups). */
ALWAYS_INLINE void FUNC(chunk_blocks)(int squared, int starts, int groups,
                                      int rows, const double *query,
                                      size_t m, size_t *i0, size_t width,
                                      const FUNC(chunks) *c)
{
    for (; *i0 + (size_t)rows <= m; *i0 += (size_t)rows)
        if (starts)
            FUNC(chunk_block)(squared, rows, query, *i0, width, c);
        else
            FUNC(cost_block)(squared, groups, rows, query, *i0, width, c);
}

/* The series values of the tile of local columns j0 .. j0 + width - 1 of
 * every lane into c->cols (lane l: column g of the series, +inf where g
 * lies outside it). Where every lane's columns lie inside, VEC_WIDTH
 * columns at a time, read as the lanes kernel reads its windows
 * (cpu/kernel_copy.h). Returns 1 when every series value read is finite
 * (the core leaves that check to the pass, which reads every value
 * here; FOLD_NONFINITE). */
ALWAYS_INLINE int FUNC(tile_values)(const double *series, size_t j0,
                                    size_t width, const FUNC(chunks) *c)
{
    VEC nonfinite = VSET1(0.0);
    int finite = 1;
    long long first = FUNC(global)(c, 0, j0);
    long long last = FUNC(global)(c, VEC_WIDTH - 1, j0) + (long long)width;
    size_t j = 0;
    if (first >= 0 && (size_t)last <= c->len) {
        const double *window[VEC_WIDTH]; /* each lane's columns */
        for (size_t l = 0; l < VEC_WIDTH; l++)
            window[l] = series + (size_t)first + l * c->chunk;
        for (; j + VEC_WIDTH <= width; j += VEC_WIDTH) {
            VEC block[VEC_WIDTH];
            FUNC(load_transposed)(block, window, j);
            for (size_t l = 0; l < VEC_WIDTH; l++)
                nonfinite = FOLD_NONFINITE(nonfinite, block[l]);
            for (size_t l = 0; l < VEC_WIDTH; l++)
                c->cols[j + l] = block[l];
        }
    }
    double *values = (double *)c->cols;
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        long long g0 = FUNC(global)(c, l, j0);
        for (size_t jl = j; jl < width; jl++) {
            long long g = g0 + (long long)jl;
            int inside = g >= 0 && (size_t)g < c->len;
            values[jl * VEC_WIDTH + l] = inside ? series[g] : INFINITY;
            finite &= !inside || isfinite(series[g]);
        }
    }
    double sums[VEC_WIDTH];
    VSTOREU(sums, nonfinite);
    for (size_t l = 0; l < VEC_WIDTH; l++)
        finite &= sums[l] == 0.0;
    return finite;
}

/* Lane l of src[0 .. count - 1] into out[l][0 .. count - 1], for every
 * lane whose out[l] is not NULL: VEC_WIDTH vectors at a time turned by
 * one in-register transpose, the rest one double at a time. */
ALWAYS_INLINE void FUNC(lanes_out)(const VEC *src, size_t count,
                                   double *const *out)
{
    size_t j = 0;
    for (; j + VEC_WIDTH <= count; j += VEC_WIDTH) {
        VEC block[VEC_WIDTH];
        for (size_t k = 0; k < VEC_WIDTH; k++)
            block[k] = src[j + k];
        VTRANSPOSE(block);
        for (size_t l = 0; l < VEC_WIDTH; l++)
            if (out[l])
                VSTOREU(out[l] + j, block[l]);
    }
    const double *values = (const double *)src;
    for (size_t l = 0; l < VEC_WIDTH; l++)
        for (size_t jl = j; out[l] && jl < count; jl++)
            out[l][jl] = values[jl * VEC_WIDTH + l];
}

/* A lane group's ends of the tile of local columns j0 .. j0 + width - 1
 * (a tile of its chunks, not of its halo), from its last row: their costs
 * (and starts), and each lane's smallest end of the tile. */
ALWAYS_INLINE void FUNC(tile_ends)(int starts, size_t j0, size_t width,
                                   const FUNC(chunks) *c,
                                   hdtw_subseq_ends ends)
{
    const double *row = (const double *)c->top;
    const double *start = (const double *)c->top_start;
    /* each lane's smallest end of the tile: past the series they are +inf
     * (its values there are), so the whole tile can be taken; four
     * minima in flight, not one chain (named, not an array indexed by
     * j % 4, which gcc kept on the stack) */
    VEC low0 = c->top[1], low1 = low0, low2 = low0, low3 = low0;
    size_t j = 1;
    for (; j + 4 <= width; j += 4) {
        low0 = VMIN(low0, c->top[j + 1]);
        low1 = VMIN(low1, c->top[j + 2]);
        low2 = VMIN(low2, c->top[j + 3]);
        low3 = VMIN(low3, c->top[j + 4]);
    }
    for (; j < width; j++)
        low0 = VMIN(low0, c->top[j + 1]);
    VEC low = VMIN(VMIN(low0, low1), VMIN(low2, low3));
    double *whole[VEC_WIDTH]; /* lanes whose tile is all in the series */
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        size_t g0 = (size_t)FUNC(global)(c, l, j0);
        size_t n = g0 < c->len ? c->len - g0 : 0;
        n = n < width ? n : width;
        if (n > 0)
            c->block_min[g0 / SUB_TILE] = FUNC(lane)(low, l);
        whole[l] = n == width ? ends.cost + g0 : NULL;
        for (size_t j = 0; n < width && j < n; j++)
            ends.cost[g0 + j] = row[(j + 1) * VEC_WIDTH + l];
        for (size_t j = 0; starts && j < n; j++)
            ends.start[g0 + j] =
                FUNC(start_of)(start[(j + 1) * VEC_WIDTH + l]);
    }
    FUNC(lanes_out)(c->top + 1, width, whole);
}

/* With starts: row -1 of the tile (cost 0, start one past the column, 0
 * before the series); costs only leaves it to cost_block's constants. */
ALWAYS_INLINE void FUNC(starts_row)(size_t j0, size_t width,
                                    const FUNC(chunks) *c)
{
    double *start = (double *)c->top_start;
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        long long g0 = FUNC(global)(c, l, j0);
        for (size_t j = 0; j <= width; j++) {
            long long g = g0 + (long long)j; /* top[j]: column j0 + j - 1 */
            start[j * VEC_WIDTH + l] = FUNC(bits_of)(g > 0 ? (size_t)g : 0);
        }
    }
    for (size_t j = 0; j <= width; j++)
        c->top[j] = VSET1(0.0);
}

/* The tile of local columns j0 .. j0 + width - 1 of every lane of the
 * `groups` groups c[0 ..] (one with starts): its series values, row -1,
 * the blocks, and the ends of the columns inside the chunks. */
ALWAYS_INLINE int FUNC(chunk_tile)(int squared, int starts, int groups,
                                   const double *query, size_t m,
                                   const double *series, size_t j0,
                                   size_t width, const FUNC(chunks) *c,
                                   hdtw_subseq_ends ends)
{
    int finite = 1;
    for (int g = 0; g < groups; g++)
        finite &= FUNC(tile_values)(series, j0, width, &c[g]);
    if (starts)
        FUNC(starts_row)(j0, width, c);
    size_t i0 = 0;
    if (starts)
        FUNC(chunk_blocks)(squared, 1, 1, LANE_ROWS, query, m, &i0, width,
                           c);
    FUNC(chunk_blocks)(squared, starts, groups, 4, query, m, &i0, width, c);
    FUNC(chunk_blocks)(squared, starts, groups, 2, query, m, &i0, width, c);
    FUNC(chunk_blocks)(squared, starts, groups, 1, query, m, &i0, width, c);
    /* the chunks and the halo are whole tiles: a tile is in a lane's chunk
     * or in its halo */
    for (int g = 0; j0 >= c->halo && g < groups; g++)
        FUNC(tile_ends)(starts, j0, width, &c[g], ends);
    return finite;
}

/* Costs only: each lane's last column of the tile that ends at local
 * column `next` - 1, when it lies in the lane's chunk and a tile of the
 * series follows it, into the edges (the chunks and the halo are whole
 * tiles, so it is the column before a tile). Checked (and a lane's chunk
 * computed again) in chunks_check. The padded column goes out whole:
 * aligned whole-line stores, no row one double at a time. */
ALWAYS_INLINE void FUNC(keep_edges)(size_t m, size_t next,
                                    const FUNC(chunks) *c)
{
    double *kept[VEC_WIDTH];
    for (size_t l = 0; l < VEC_WIDTH; l++) {
        long long g = FUNC(global)(c, l, next);
        kept[l] = next > c->halo && g > 0 && (size_t)g < c->len
                      ? hdtw_subseq_kept_column(c->edges, m,
                                                (size_t)g / SUB_TILE)
                      : NULL;
    }
    FUNC(lanes_out)(c->edge, HDTW_SUBSEQ_EDGE_STRIDE(m), kept);
}

/* One lane group's column -1 of every window (+inf, start 0), and the
 * padding rows of its edge (+inf). */
static void FUNC(edge_init)(size_t m, const FUNC(chunks) *c)
{
    const VEC inf = VSET1(INFINITY), zero = VSET1(FUNC(bits_of)(0));
    for (size_t i = 0; i < m; i++) {
        c->edge[i] = inf;
        c->edge_start[i] = zero;
    }
    for (size_t i = m; i < HDTW_SUBSEQ_EDGE_STRIDE(m); i++)
        c->edge[i] = inf;
}

/* One lane group's column at the end of its halo, for chunks_check. */
static void FUNC(keep_halo)(size_t m, const FUNC(chunks) *c)
{
    memcpy(c->halo_edge, c->edge, m * sizeof(VEC));
    memcpy(c->halo_start, c->edge_start, m * sizeof(VEC));
}

/* The pass over every tile of the `groups` groups c[0 ..]; 1 when every
 * series value is finite. */
ALWAYS_INLINE int FUNC(chunks_pass)(int squared, int starts, int groups,
                                    const double *query, size_t m,
                                    const double *series,
                                    const FUNC(chunks) *c,
                                    hdtw_subseq_ends ends)
{
    int finite = 1;
    for (int g = 0; g < groups; g++)
        FUNC(edge_init)(m, &c[g]);
    for (size_t j0 = 0; j0 < c->halo + c->chunk; j0 += SUB_TILE) {
        size_t width = c->halo + c->chunk - j0;
        width = width < SUB_TILE ? width : SUB_TILE;
        finite &= FUNC(chunk_tile)(squared, starts, groups, query, m, series,
                                   j0, width, c, ends);
        for (int g = 0; g < groups; g++) {
            if (!starts)
                FUNC(keep_edges)(m, j0 + width, &c[g]);
            if (j0 + width == c->halo)
                FUNC(keep_halo)(m, &c[g]);
        }
    }
    return finite;
}

/* One function per cost, mode and group count, each with its own inlined
 * pass; passes[mode][squared], mode 0 with starts, 1 costs only, 2 costs
 * only in SUB_CHUNK_GROUPS groups. */
#define SUB_CHUNKS_ENTRY(name, squared, starts, groups)                       \
    static int FUNC(name)(const double *query, size_t m,                     \
                          const double *series, const FUNC(chunks) *c,       \
                          hdtw_subseq_ends ends)                              \
    {                                                                         \
        return FUNC(chunks_pass)(squared, starts, groups, query, m, series,  \
                                 c, ends);                                    \
    }
SUB_CHUNKS_ENTRY(chunks_abs, 0, 1, 1)
SUB_CHUNKS_ENTRY(chunks_squared, 1, 1, 1)
SUB_CHUNKS_ENTRY(chunks_abs_costs, 0, 0, 1)
SUB_CHUNKS_ENTRY(chunks_squared_costs, 1, 0, 1)
SUB_CHUNKS_ENTRY(chunks_abs_groups, 0, 0, SUB_CHUNK_GROUPS)
SUB_CHUNKS_ENTRY(chunks_squared_groups, 1, 0, SUB_CHUNK_GROUPS)
#undef SUB_CHUNKS_ENTRY

typedef int (*FUNC(pass_fn))(const double *, size_t, const double *,
                             const FUNC(chunks) *, hdtw_subseq_ends);
static const FUNC(pass_fn) FUNC(passes)[3][2] = {
    { FUNC(chunks_abs), FUNC(chunks_squared) },
    { FUNC(chunks_abs_costs), FUNC(chunks_squared_costs) },
    { FUNC(chunks_abs_groups), FUNC(chunks_squared_groups) },
};

/* 1 when lane l of (cost, start) equals the column `exact` in every row
 * (every cost; every start too when exact.start is not NULL) */
static int FUNC(same_column)(const VEC *cost, const VEC *start, size_t l,
                             size_t m, hdtw_subseq_column exact)
{
    const double *costs = (const double *)cost;
    const double *starts = (const double *)start;
    for (size_t i = 0; i < m; i++) {
        double c = costs[i * VEC_WIDTH + l];
        if (memcmp(&c, &exact.cost[i], sizeof c) != 0 ||
            (exact.start &&
             FUNC(start_of)(starts[i * VEC_WIDTH + l]) != exact.start[i]))
            return 0;
    }
    return 1;
}

/* Lane l's last column into exact. */
static void FUNC(take_column)(const FUNC(chunks) *c, size_t l, size_t m,
                              hdtw_subseq_column exact)
{
    const double *costs = (const double *)c->edge;
    const double *starts = (const double *)c->edge_start;
    for (size_t i = 0; i < m; i++) {
        exact.cost[i] = costs[i * VEC_WIDTH + l];
        exact.start[i] = FUNC(start_of)(starts[i * VEC_WIDTH + l]);
    }
}

/* Series columns first .. last - 1 again, by the scalar pass from the
 * exact column before them (in exact; it holds column last - 1 on
 * return), keeping the column before every tile in the edges when there
 * are edges. */
static void FUNC(recompute)(const hdtw_subseq_job *job,
                            const FUNC(chunks) *c, size_t first, size_t last,
                            hdtw_subseq_column exact, hdtw_subseq_ends ends)
{
    size_t m = job->m;
    for (size_t j = first; j < last; j += SUB_TILE) {
        size_t stop = last - j < SUB_TILE ? last : j + SUB_TILE;
        hdtw_subseq_ends from_j = { ends.cost + j,
                                    ends.start ? ends.start + j : NULL };
        hdtw_subsequence_columns(job->cost, job->query, m, job->series, j,
                                 stop, exact, from_j);
        hdtw_subseq_block_minima(ends.cost, j, stop, c->block_min);
        if (c->edges && stop < job->len)
            memcpy(hdtw_subseq_kept_column(c->edges, m, stop / SUB_TILE),
                   exact.cost, m * sizeof *exact.cost);
    }
}

/* The lanes of chunks 1 .. groups * VEC_WIDTH - 1 (chunk n: lane
 * n % VEC_WIDTH of group n / VEC_WIDTH) checked against the exact column
 * before their chunk, in order; a chunk whose lane did not meet it is
 * computed again. Costs only: that column is in the edges (kept by the
 * lane before, or by its recomputation), and costs alone decide the DP
 * from it on. */
static void FUNC(chunks_check)(const hdtw_subseq_job *job, size_t groups,
                               const FUNC(chunks) *groups_c,
                               hdtw_subseq_column exact,
                               hdtw_subseq_ends ends)
{
    const FUNC(chunks) *c = groups_c;
    if (!c->edges)
        FUNC(take_column)(c, 0, job->m, exact);
    for (size_t n = 1; n < groups * VEC_WIDTH && n * c->chunk < c->len;
         n++) {
        size_t l = n % VEC_WIDTH;
        c = &groups_c[n / VEC_WIDTH];
        size_t first = n * c->chunk, last = first + c->chunk;
        last = last < c->len ? last : c->len;
        hdtw_subseq_column want = exact;
        if (c->edges)
            want = (hdtw_subseq_column){
                hdtw_subseq_kept_column(c->edges, job->m, first / SUB_TILE),
                NULL };
        if (FUNC(same_column)(c->halo_edge, c->halo_start, l, job->m, want)) {
            if (!c->edges)
                FUNC(take_column)(c, l, job->m, exact);
            continue;
        }
        if (c->edges) { /* the starts it carries are not used */
            memcpy(exact.cost, want.cost, job->m * sizeof *exact.cost);
            memset(exact.start, 0, job->m * sizeof *exact.start);
        }
        atomic_fetch_add_explicit(&hdtw_subseq_recomputed_chunks, 1,
                                  memory_order_relaxed);
        FUNC(recompute)(job, c, first, last, exact, ends);
    }
}

/* 1 when the series is long enough for the chunks to pay: each chunk at
 * least four halos long. */
static int FUNC(chunks_fit)(const hdtw_subseq_job *job)
{
    size_t m = job->m;
    return m < SIZE_MAX / 64 &&
           job->len / VEC_WIDTH / 4 >= SUB_HALO(m);
}

/* 1 for the costs-only pass: when the caller lets the starts wait for
 * the finder and the edges are no larger than the starts would be (m at
 * most 3 tiles; a longer query keeps the starts in the pass instead). */
static int FUNC(costs_only)(const hdtw_call *call)
{
    return !call->subseq_all_starts && call->subseq->m <= 3 * SUB_TILE;
}

/* Lane groups of the pass: SUB_CHUNK_GROUPS for the costs-only pass of a
 * query shorter than SUB_GROUPS_BELOW rows, when that many groups' chunks
 * are each still four halos long (chunks_fit), else one. A short query's
 * blocks are mostly its 2- and 1-row ones, whose row chains wait on the
 * min + add latency, and its bookkeeping weighs more per cell: a second
 * group's chains fill that wait. From three 4-row blocks on, one group's
 * 4-row blocks already keep the ports busy (cpu/kernel_lanes.h), and a
 * second group only doubles the halo columns (bench/RESULTS.md, "fourth
 * pass"). */
#define SUB_GROUPS_BELOW 12

static size_t FUNC(chunk_groups)(const hdtw_call *call)
{
    const hdtw_subseq_job *job = call->subseq;
    return FUNC(costs_only)(call) && job->m < SUB_GROUPS_BELOW &&
                   job->len / (SUB_CHUNK_GROUPS * VEC_WIDTH) / 4 >=
                       SUB_HALO(job->m)
               ? SUB_CHUNK_GROUPS
               : 1;
}

/* The edges of the costs-only pass, aligned to a line; tile 0's,
 * column -1, is +inf. NULL when they cannot be had. */
static double *FUNC(edges_for)(const hdtw_subseq_job *job)
{
    double *edges = hdtw_malloc_aligned(
        64, HDTW_SUBSEQ_TILES(job->len) * HDTW_SUBSEQ_EDGE_STRIDE(job->m) *
                sizeof *edges);
    for (size_t i = 0; edges && i < job->m; i++)
        edges[i] = INFINITY;
    return edges;
}

/* The backend entry's long-series pass (chunks_fit): call->subseq's costs
 * into call->end_costs, and the finder of their starts: an array the pass
 * fills, or (costs_only) a tile finder over the edges. */
static hdtw_status FUNC(chunks_run)(const hdtw_call *call)
{
    const hdtw_subseq_job *job = call->subseq;
    size_t m = job->m, tile = SUB_TILE + 1;
    size_t stride = HDTW_SUBSEQ_EDGE_STRIDE(m);
    size_t per_group = 3 * tile + 4 * stride;
    size_t groups = FUNC(chunk_groups)(call), lanes = groups * VEC_WIDTH;
    /* whole tiles a chunk: every tile edge of a lane is one of the series */
    size_t chunk = (job->len + lanes - 1) / lanes;
    chunk = (chunk + SUB_TILE - 1) / SUB_TILE * SUB_TILE;
    VEC *work = hdtw_malloc_aligned(sizeof(VEC),
                                    groups * per_group * sizeof(VEC));
    hdtw_subseq_column exact = { hdtw_malloc(m * sizeof(double)),
                                 hdtw_malloc(m * sizeof(size_t)) };
    hdtw_subseq_ends ends = { call->end_costs, NULL };
    double *edges = NULL;
    hdtw_subseq_finder *finder = NULL;
    if (FUNC(costs_only)(call))
        edges = FUNC(edges_for)(job);
    else
        finder = hdtw_subseq_array_finder(job->len, &ends.start);
    hdtw_status status = HDTW_E_NOMEM;
    if (!work || !exact.cost || !exact.start || (!edges && !finder))
        goto cleanup;
    FUNC(chunks) c[SUB_CHUNK_GROUPS];
    for (size_t g = 0; g < groups; g++) {
        VEC *w = work + g * per_group;
        VEC *col = w + 3 * tile; /* edge, its starts, the halo's: padded */
        c[g] = (FUNC(chunks)){ job->len, chunk, SUB_HALO(m), g * VEC_WIDTH,
                               w, w + tile, w + 2 * tile, col,
                               col + stride, col + 2 * stride,
                               col + 3 * stride, edges,
                               call->end_block_min };
    }
    int squared = job->cost == HDTW_COST_SQUARED;
    int mode = !edges ? 0 : groups == 1 ? 1 : 2;
    status = HDTW_E_NONFINITE;
    if (!FUNC(passes)[mode][squared](job->query, m, job->series, c, ends))
        goto cleanup;
    FUNC(chunks_check)(job, groups, c, exact, ends);
    status = HDTW_E_NOMEM;
    if (edges)
        finder = hdtw_subseq_tile_finder(job, edges, FUNC(wave_columns));
    edges = NULL;
    if (finder) {
        *call->subseq_finder = finder;
        finder = NULL;
        status = HDTW_OK;
    }
cleanup:
    if (finder)
        finder->close(finder);
    hdtw_free(edges);
    hdtw_free(exact.start);
    hdtw_free(exact.cost);
    hdtw_free(work);
    return status;
}
