/* SPDX-License-Identifier: MIT */
/*
 * rows.cl -- every job (batches, sliding windows, long pairs) as a
 * register-tiled sweep: the columns of a window are cut into blocks of
 * DTW_R columns; a work-item holds one block's window values and the
 * block's cells of the current pattern row in private registers, and walks
 * down the rows of the band, DTW_R cells per row. What crosses from one
 * block to the next is the block's last column, one value per row, kept in
 * a "slot" in global memory laid out [row][window] so that neighbouring
 * windows' work-items touch neighbouring addresses.
 *
 * dtw_rows: a work-item sweeps its window alone, block after block (many
 * windows: one work-item each, windows on NDRange dimension 0).
 * dtw_rows_team: a team of `team` work-items per window (few windows, long
 * pairs). Lane t takes blocks t, t + team, ...; the rows are cut into
 * chunks of DTW_C and the team runs as a skewed pipeline, lane t working
 * on chunk x of its block at step (round * period + t + x), with one
 * barrier per step: lane t reads the chunk its left neighbour finished the
 * step before. One launch per job.
 *
 * Cells outside the band are +inf. The band is handled per row, never per
 * cell: every row runs the same plain cells; a row that leaves the band on
 * the left first sets the window values of the columns outside it to +inf
 * (their cells become +inf), a row that leaves it on the right sets its
 * cells outside it to +inf afterwards.
 */
#ifndef DTW_R
#define DTW_R 6   /* columns per block: registers per work-item */
#endif
#ifndef DTW_C
#define DTW_C 16  /* rows per pipeline step of a team */
#endif

/* One row i of a block: col holds D(i-1, j0..j0+R-1) and becomes
 * D(i, j0..); left = D(i, j0-1), diag = D(i-1, j0-1). Returns D(i, j0+R-1).
 * The plain cell everywhere: the band edges are handled around it. */
DTW_INLINE dvec dtw_block_row(dvec col[DTW_R], const dvec y[DTW_R], double x,
                          dvec left, dvec diag, int squared)
{
#pragma unroll
    for (int r = 0; r < DTW_R; r++) {
        dvec up = col[r];
        dvec v = dtw_cell(x, y[r], dtw_min2(dtw_min2(up, left), diag),
                          squared);
        diag = up;
        col[r] = v;
        left = v;
    }
    return left;
}

/* Columns r < out of the block are left of the band from this row on:
 * their window value becomes +inf, so their cost and cell are +inf
 * (inf + anything here is inf) and the first cell in the band sees +inf
 * on its left. Once left of the band, a column stays so for later rows. */
DTW_INLINE void dtw_band_left(dvec y[DTW_R], int out)
{
#pragma unroll
    for (int r = 0; r < DTW_R; r++)
        if (r < out)
            y[r] = DTW_INF;
}

/* Columns r > in of the block are right of the band in this row: computed
 * from real values (they feed only each other), then set to +inf for the
 * rows below. Returns the block's last column. */
DTW_INLINE dvec dtw_band_right(dvec col[DTW_R], int in)
{
#pragma unroll
    for (int r = 0; r < DTW_R; r++)
        if (r > in)
            col[r] = DTW_INF;
    return col[DTW_R - 1];
}

/* Row i of the block at column j0: slot in[i * pitch] = D(i, j0-1) is read,
 * out[i * pitch] = D(i, j0+R-1) written; *diag goes from D(i-1, j0-1) to
 * D(i, j0-1). `edges`: the row may leave the band (a constant at each
 * call, so the plain rows' loop has no band code). */
#define DTW_DEFINE_ROW_STEP(NAME, SPACE)                                      \
DTW_INLINE void NAME(dvec col[DTW_R], dvec y[DTW_R], SPACE const double *pattern, \
                 __global double *in, __global double *out, ulong pitch,      \
                 int i, int j0, int w, int squared, int edges, dvec *diag)    \
{                                                                             \
    if (edges && i > j0 + w)                                                  \
        dtw_band_left(y, i - w - j0);                                         \
    dvec left = dtw_vload(in + i * pitch);                                    \
    dvec last = dtw_block_row(col, y, pattern[i], left, *diag, squared);      \
    if (edges && i + w - j0 < DTW_R - 1)                                      \
        last = dtw_band_right(col, i + w - j0);                               \
    dtw_vstore(last, out + i * pitch);                                        \
    *diag = left;                                                             \
}

/* Rows [ra, rb) of the block at column j0; the slot holds +inf where never
 * written. Rows before j0 + R - 1 - w leave the band on the right, rows
 * after j0 + w on the left; those between are plain. One definition per
 * address space of the pattern (OpenCL C 1.2 has no generic pointers). */
#define DTW_DEFINE_ROW_SPAN(NAME, STEP, SPACE)                                \
DTW_DEFINE_ROW_STEP(STEP, SPACE)                                              \
DTW_INLINE void NAME(dvec col[DTW_R], dvec y[DTW_R], SPACE const double *pattern, \
                 __global double *in, __global double *out, ulong pitch,      \
                 int ra, int rb, int j0, int w, int squared, dvec *diag)      \
{                                                                             \
    int plain_from = clamp(j0 + DTW_R - 1 - w, ra, rb);                       \
    int plain_to = clamp(j0 + w + 1, plain_from, rb);                         \
    int i = ra;                                                               \
    for (; i < plain_from; i++)                                               \
        STEP(col, y, pattern, in, out, pitch, i, j0, w, squared, 1, diag);    \
    for (; i < plain_to; i++)                                                 \
        STEP(col, y, pattern, in, out, pitch, i, j0, w, squared, 0, diag);    \
    for (; i < rb; i++)                                                       \
        STEP(col, y, pattern, in, out, pitch, i, j0, w, squared, 1, diag);    \
}
DTW_DEFINE_ROW_SPAN(dtw_row_span_local, dtw_row_step_local, __local)
DTW_DEFINE_ROW_SPAN(dtw_row_span_global, dtw_row_step_global, __global)

/* Rows of the band that meet columns j0 .. j0+R-1. */
DTW_INLINE int dtw_block_first_row(int j0, int w)
{
    return max(0, j0 - w);
}

DTW_INLINE int dtw_block_last_row(int j0, int m, int w)
{
    return min(m - 1, j0 + DTW_R - 1 + w);
}

/* The work-item's windows: DTW_LANES consecutive ones from k0, the last
 * real one repeated past count (computed, never stored). */
typedef struct {
    __global const double *series;
    ulong stride, k0;
    int count;
} dtw_windows;

/* Column j of every lane's window. */
DTW_INLINE dvec dtw_column(dtw_windows w, int j)
{
#if DTW_LANES == 1
    return w.series[w.k0 * w.stride + j];
#else
    double v[DTW_LANES];
    for (int l = 0; l < DTW_LANES; l++)
        v[l] = w.series[min(w.k0 + l, (ulong)w.count - 1) * w.stride + j];
    return dtw_vload(v);
#endif
}

/* Loads the block's window values (the last column repeated past n: those
 * cells are computed but never read) and sets the row above to +inf. */
DTW_INLINE void dtw_block_start(dvec col[DTW_R], dvec y[DTW_R], dtw_windows win,
                            int j0, int n)
{
#pragma unroll
    for (int r = 0; r < DTW_R; r++) {
        y[r] = dtw_column(win, min(j0 + r, n - 1));
        col[r] = DTW_INF;
    }
}

/* Each lane's distance into out, for the lanes that are real windows. */
DTW_INLINE void dtw_store_result(__global double *out, dtw_windows win,
                             dvec result)
{
#if DTW_LANES == 1
    out[win.k0] = result;
#else
    double v[DTW_LANES];
    dtw_vstore(result, v);
    for (int l = 0; l < DTW_LANES; l++)
        if (win.k0 + l < (ulong)win.count)
            out[win.k0 + l] = v[l];
#endif
}

/* D(first - 1, j0 - 1): the slot's row, or the origin's predecessor 0. */
DTW_INLINE dvec dtw_block_diag(__global const double *in, ulong pitch,
                           int first, int j0)
{
    if (first > 0)
        return dtw_vload(in + (first - 1) * pitch);
    return (dvec)(j0 == 0 ? 0.0 : INFINITY);
}

/* D(m-1, n-1) from the registers of the block holding column n-1, after
 * its last row: a select per register, no indexed private array. */
DTW_INLINE dvec dtw_block_result(const dvec col[DTW_R], int j0, int n)
{
    dvec result = DTW_INF;
#pragma unroll
    for (int r = 0; r < DTW_R; r++)
        result = j0 + r == n - 1 ? col[r] : result;
    return result;
}

DTW_INLINE void dtw_fill_inf(__global double *slot, ulong pitch, int m)
{
    for (int i = 0; i < m; i++)
        dtw_vstore(DTW_INF, slot + i * pitch);
}

/* One work-item sweeps its window block by block; its slot is updated in
 * place (each row is read before it is written). */
DTW_INLINE dvec dtw_sweep(__local const double *pattern, int m, dtw_windows win,
                      int n, int w, int squared, __global double *slot,
                      ulong pitch)
{
    dvec col[DTW_R], y[DTW_R];
    int j0 = 0;
    for (; j0 < n; j0 += DTW_R) {
        int first = dtw_block_first_row(j0, w);
        int last = dtw_block_last_row(j0, m, w);
        dvec diag = dtw_block_diag(slot, pitch, first, j0);
        dtw_block_start(col, y, win, j0, n);
        dtw_row_span_local(col, y, pattern, slot, slot, pitch, first,
                           last + 1, j0, w, squared, &diag);
    }
    return dtw_block_result(col, j0 - DTW_R, n);
}

/* The slots' pitch: windows rounded up to whole work-items. */
DTW_INLINE ulong dtw_pitch(int count)
{
    return (ulong)((count + DTW_LANES - 1) / DTW_LANES) * DTW_LANES;
}

/* Global arguments 0..8 are those of every hdtw kernel; work-item g runs
 * windows g * DTW_LANES ..; slots holds m doubles per window, [row][window];
 * lpattern m doubles. */
__kernel void dtw_rows(__global const double *pattern, int m,
                       __global const double *series, int n, ulong stride,
                       int count, int band, int squared,
                       __global double *out, __global double *slots,
                       __local double *lpattern)
{
    for (int i = get_local_id(0); i < m; i += get_local_size(0))
        lpattern[i] = pattern[i];
    barrier(CLK_LOCAL_MEM_FENCE);
    dtw_windows win = { series, stride, (ulong)get_global_id(0) * DTW_LANES,
                        count };
    if (win.k0 >= (ulong)count)
        return;
    __global double *slot = slots + win.k0;
    ulong pitch = dtw_pitch(count);
    dtw_fill_inf(slot, pitch, m);
    /* two copies of the sweep, each with the cost fixed */
    dtw_store_result(out, win,
                     squared ? dtw_sweep(lpattern, m, win, n, band, 1, slot,
                                         pitch)
                             : dtw_sweep(lpattern, m, win, n, band, 0, slot,
                                         pitch));
}

/* The state of one lane of a team between pipeline steps. */
typedef struct {
    dvec col[DTW_R], y[DTW_R];
    dvec diag;
} dtw_lane;

/* Chunk x of block c for one lane: starts the block on its first chunk,
 * then runs the chunk's rows of the band. */
DTW_INLINE void dtw_team_chunk(dtw_lane *s, __global const double *pattern, int m,
                           dtw_windows win, int n, int w, int squared,
                           __global double *in, __global double *out,
                           ulong pitch, int c, int x)
{
    int j0 = c * DTW_R;
    int first = dtw_block_first_row(j0, w);
    int last = dtw_block_last_row(j0, m, w);
    int ra = max(first, x * DTW_C), rb = min(last + 1, (x + 1) * DTW_C);
    if (x == 0)
        dtw_block_start(s->col, s->y, win, j0, n);
    if (ra >= rb)
        return;
    if (ra == first)
        s->diag = dtw_block_diag(in, pitch, first, j0);
    dtw_row_span_global(s->col, s->y, pattern, in, out, pitch, ra, rb, j0, w,
                        squared, &s->diag);
}

/* Work-item g is lane g % team of the windows (g / team) * DTW_LANES ..; a
 * work-group holds whole teams. slots: 2 * team slots of m doubles per
 * window (a lane's slot alternates between rounds, so a lane never
 * overwrites what its right neighbour has yet to read),
 * [slot][row][window]. */
__kernel void dtw_rows_team(__global const double *pattern, int m,
                            __global const double *series, int n,
                            ulong stride, int count, int band, int squared,
                            __global double *out, __global double *slots,
                            int team)
{
    int g = get_global_id(0);
    int lane = g % team;
    dtw_windows win = { series, stride, (ulong)(g / team) * DTW_LANES, count };
    int active = win.k0 < (ulong)count;
    ulong pitch = dtw_pitch(count);
    __global double *base = slots + (active ? win.k0 : 0);
    if (active) {
        dtw_fill_inf(base + (ulong)(2 * lane) * m * pitch, pitch, m);
        dtw_fill_inf(base + (ulong)(2 * lane + 1) * m * pitch, pitch, m);
    }
    barrier(CLK_GLOBAL_MEM_FENCE);

    int chunks = (m + DTW_C - 1) / DTW_C;
    int period = max(chunks, team);
    int blocks = (n + DTW_R - 1) / DTW_R;
    int last_block = blocks - 1;
    int steps = (last_block / team) * period + last_block % team + chunks;
    dtw_lane s;
    for (int step = 0; step < steps; step++) {
        int rel = step - lane;
        int round = rel / period, x = rel % period;
        int c = lane + round * team;
        if (active && rel >= 0 && x < chunks && c < blocks) {
            /* lane t reads lane t-1's slot of this round; lane 0 reads the
             * last lane's slot of the round before */
            int from = lane > 0 ? 2 * (lane - 1) + (round & 1)
                                : 2 * (team - 1) + ((round + 1) & 1);
            __global double *in = base + (ulong)from * m * pitch;
            __global double *out_slot =
                base + (ulong)(2 * lane + (round & 1)) * m * pitch;
            if (squared) /* a copy of the chunk per cost */
                dtw_team_chunk(&s, pattern, m, win, n, band, 1, in, out_slot,
                               pitch, c, x);
            else
                dtw_team_chunk(&s, pattern, m, win, n, band, 0, in, out_slot,
                               pitch, c, x);
            if (c == last_block && x == chunks - 1)
                dtw_store_result(out, win,
                                 dtw_block_result(s.col, c * DTW_R, n));
        }
        barrier(CLK_GLOBAL_MEM_FENCE);
    }
}
