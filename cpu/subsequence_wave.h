/* SPDX-License-Identifier: MIT */
/*
 * subsequence_wave.h — hdtw_subsequence_columns (cpu/subsequence.h) in
 * vectors: the pass with starts over a few columns from a known column,
 * which is what the tile finder runs for the starts the pick asks about
 * (cpu/subsequence_starts.c). Included after cpu/subsequence_stripes.h
 * (same macros; its bits_of, start_of and lane) by the AVX2 and AVX-512
 * files.
 *
 * The rows go in bands of VEC_WIDTH, one row a lane, and lane r runs one
 * column behind lane r - 1: at step t lane r computes column t - r of the
 * round. Its up neighbour (row above, same column) is lane r - 1 of step
 * t - 1, its diagonal neighbour lane r - 1 of step t - 2, its left
 * neighbour itself at step t - 1: so the cells of a step are independent,
 * and the neighbours come from two vectors shifted by one lane, lane 0's
 * from the row above the band (row -1 for the first band: cost 0, start
 * one past the column, as in cpu/subsequence_stripes.h, so that row 0
 * takes its free start by the tie rule). A lane whose column is before
 * the round holds the kept column (col on entry, the exact one): lane r's
 * column -1 is then its left neighbour at column 0 and lane r + 1's
 * diagonal neighbour. Each band writes its bottom row over the row above,
 * behind the steps that read it.
 *
 * Every cell is the scalar pass's sub, abs or mul, exact min and add, and
 * its start the same tie rule (diagonal when diag <= min(up, left), else
 * up when up <= left, else left), so the starts, labels and costs are the
 * scalar pass's bit for bit.
 */

/* Columns of one round: the columns a finder runs at once are within a
 * tile. */
#define SUB_WAVE_COLUMNS HDTW_SUBSEQ_TILE

/* A round's working memory (on the stack: a few kilobytes). */
typedef struct {
    /* step t: lane r holds the series value of column t - r of the round
     * (+inf outside it) */
    VEC values[SUB_WAVE_COLUMNS + VEC_WIDTH];
    /* the row above the band: [0] the column before the round, [c + 1]
     * column c; cost and start bits */
    double above_cost[SUB_WAVE_COLUMNS + VEC_WIDTH + 1];
    double above_start[SUB_WAVE_COLUMNS + VEC_WIDTH + 1];
} FUNC(wave_work);

/* The rows i0 .. i0 + VEC_WIDTH - 1 (those below m) of the round's
 * `width` columns: col holds the column before the round on entry and
 * these rows of its last column on return; `ends` (NULL unless the band
 * holds row m - 1) gets row m - 1 of every column. */
ALWAYS_INLINE void FUNC(wave_band)(int squared, const double *query,
                                   size_t m, size_t i0, size_t width,
                                   FUNC(wave_work) *w, hdtw_subseq_column col,
                                   const hdtw_subseq_ends *ends)
{
    double q[VEC_WIDTH], kept_cost[VEC_WIDTH], kept_start[VEC_WIDTH];
    double index[VEC_WIDTH], last_cost[VEC_WIDTH], last_start[VEC_WIDTH];
    for (size_t r = 0; r < VEC_WIDTH; r++) {
        size_t i = i0 + r, row = i < m ? i : m - 1; /* rows past m: unread */
        q[r] = query[row];
        kept_cost[r] = col.cost[row];
        kept_start[r] = FUNC(bits_of)(col.start[row]);
        index[r] = (double)r;
    }
    const VEC pat = VLOADU(q), lanes = VLOADU(index);
    const VEC kept = VLOADU(kept_cost), kept_s = VLOADU(kept_start);
    VEC prev = kept, prev_s = kept_s, prev2 = kept, prev2_s = kept_s;
    size_t end_lane = ends ? m - 1 - i0 : 0;
    for (size_t t = 0; t + 1 < width + VEC_WIDTH; t++) {
        VEC up = VSHIFT_IN(prev, w->above_cost[t + 1]);
        VEC up_s = VSHIFT_IN(prev_s, w->above_start[t + 1]);
        VEC diag = VSHIFT_IN(prev2, w->above_cost[t]);
        VEC diag_s = VSHIFT_IN(prev2_s, w->above_start[t]);
        VEC up_or_left = VMIN(up, prev);
        VEC start = VSELECT(VLE(up, prev), up_s, prev_s);
        start = VSELECT(VLE(diag, up_or_left), diag_s, start);
        VEC d = VSUB(pat, w->values[t]);
        VEC c = squared ? VMUL(d, d) : VABS(d);
        /* the same minimum, with up (one shift further down the chain
         * from prev than left) entering last */
        VEC cell = VADD(c, VMIN(VMIN(diag, prev), up));
        if (t + 1 < VEC_WIDTH) { /* lanes r > t: before the round */
            VMASK before = VLE(VSET1((double)(t + 1)), lanes);
            cell = VSELECT(before, kept, cell);
            start = VSELECT(before, kept_s, start);
        }
        if (t + 1 >= VEC_WIDTH) { /* the bottom lane's column, for below */
            w->above_cost[t + 2 - VEC_WIDTH] = FUNC(lane)(cell, VEC_WIDTH - 1);
            w->above_start[t + 2 - VEC_WIDTH] =
                FUNC(lane)(start, VEC_WIDTH - 1);
        }
        if (ends && t >= end_lane && t - end_lane < width) {
            ends->cost[t - end_lane] = FUNC(lane)(cell, end_lane);
            if (ends->start)
                ends->start[t - end_lane] =
                    FUNC(start_of)(FUNC(lane)(start, end_lane));
        }
        if (t + 1 >= width) { /* lane t - (width - 1): the last column */
            size_t r = t + 1 - width;
            last_cost[r] = FUNC(lane)(cell, r);
            last_start[r] = FUNC(lane)(start, r);
        }
        prev2 = prev;
        prev2_s = prev_s;
        prev = cell;
        prev_s = start;
    }
    /* the band below reads this band's bottom row before the round */
    w->above_cost[0] = kept_cost[VEC_WIDTH - 1];
    w->above_start[0] = kept_start[VEC_WIDTH - 1];
    for (size_t r = 0; r < VEC_WIDTH && i0 + r < m; r++) {
        col.cost[i0 + r] = last_cost[r];
        col.start[i0 + r] = FUNC(start_of)(last_start[r]);
    }
}

/* Columns first .. first + width - 1 (width <= SUB_WAVE_COLUMNS), every
 * band; as hdtw_subsequence_columns. */
ALWAYS_INLINE void FUNC(wave_round)(int squared, const double *query,
                                    size_t m, const double *series,
                                    size_t first, size_t width,
                                    hdtw_subseq_column col,
                                    hdtw_subseq_ends ends)
{
    FUNC(wave_work) w;
    for (size_t t = 0; t + 1 < width + VEC_WIDTH; t++) {
        double lanes[VEC_WIDTH];
        for (size_t r = 0; r < VEC_WIDTH; r++)
            lanes[r] = t >= r && t - r < width ? series[first + t - r]
                                               : INFINITY;
        w.values[t] = VLOADU(lanes);
    }
    /* row -1: cost 0, start one past the column (first at column -1) */
    for (size_t c = 0; c < width + VEC_WIDTH; c++) {
        w.above_cost[c] = 0.0;
        w.above_start[c] = FUNC(bits_of)(first + c);
    }
    for (size_t i0 = 0; i0 < m; i0 += VEC_WIDTH)
        FUNC(wave_band)(squared, query, m, i0, width, &w, col,
                        i0 + VEC_WIDTH >= m ? &ends : NULL);
}

ALWAYS_INLINE void FUNC(wave)(int squared, const double *query, size_t m,
                              const double *series, size_t first,
                              size_t last, hdtw_subseq_column col,
                              hdtw_subseq_ends ends)
{
    for (size_t f = first; f < last; f += SUB_WAVE_COLUMNS) {
        size_t width = last - f < SUB_WAVE_COLUMNS ? last - f
                                                   : SUB_WAVE_COLUMNS;
        hdtw_subseq_ends from_f = { ends.cost + (f - first),
                                    ends.start ? ends.start + (f - first)
                                               : NULL };
        FUNC(wave_round)(squared, query, m, series, f, width, col, from_f);
    }
}

/* hdtw_subsequence_columns, bit for bit (the tile finder's kernel). */
static void FUNC(wave_columns)(hdtw_cost cost, const double *query, size_t m,
                               const double *series, size_t first,
                               size_t last, hdtw_subseq_column col,
                               hdtw_subseq_ends ends)
{
    if (cost == HDTW_COST_SQUARED)
        FUNC(wave)(1, query, m, series, first, last, col, ends);
    else
        FUNC(wave)(0, query, m, series, first, last, col, ends);
}
