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

/* One band: the rows i0 .. i0 + VEC_WIDTH - 1 (those below m) of a
 * round, as it goes. */
typedef struct {
    VEC pat, kept, kept_s;            /* query rows; the column before */
    VEC prev, prev_s, prev2, prev2_s; /* the last two steps */
    VEC up, up_s; /* the last step's up: this step's diagonal */
    size_t end_lane;                  /* the lane of row m - 1, if ends */
    const hdtw_subseq_ends *ends;     /* NULL unless it holds row m - 1 */
    double kept_cost[VEC_WIDTH], kept_start[VEC_WIDTH];
    double last_cost[VEC_WIDTH], last_start[VEC_WIDTH];
} FUNC(wave_band);

ALWAYS_INLINE void FUNC(band_open)(FUNC(wave_band) *b, const double *query,
                                   size_t m, size_t i0,
                                   hdtw_subseq_column col,
                                   const hdtw_subseq_ends *ends)
{
    double q[VEC_WIDTH];
    for (size_t r = 0; r < VEC_WIDTH; r++) {
        size_t i = i0 + r, row = i < m ? i : m - 1; /* rows past m: unread */
        q[r] = query[row];
        b->kept_cost[r] = col.cost[row];
        b->kept_start[r] = FUNC(bits_of)(col.start[row]);
    }
    b->pat = VLOADU(q);
    b->kept = b->prev = b->prev2 = b->up = VLOADU(b->kept_cost);
    b->kept_s = b->prev_s = b->prev2_s = b->up_s = VLOADU(b->kept_start);
    b->ends = ends;
    b->end_lane = ends ? m - 1 - i0 : 0;
}

/* Step t of band b over the round's `width` columns: lane r computes
 * column t - r; its bottom lane's cell goes into the row above the band
 * below (w->above, behind what this band reads); the ends and the last
 * column are picked out as they pass. lanes: 0, 1, ..., VEC_WIDTH - 1. */
ALWAYS_INLINE void FUNC(band_step)(int squared, FUNC(wave_band) *b, size_t t,
                                   size_t width, FUNC(wave_work) *w,
                                   VEC lanes)
{
    VEC up = VSHIFT_IN(b->prev, w->above_cost[t + 1]);
    VEC up_s = VSHIFT_IN(b->prev_s, w->above_start[t + 1]);
    /* the diagonal is the last step's up (prev2 was its prev, and the row
     * above's column t is not written in between), shifted again only at
     * step 0 */
    VEC diag = t ? b->up : VSHIFT_IN(b->prev2, w->above_cost[0]);
    VEC diag_s = t ? b->up_s : VSHIFT_IN(b->prev2_s, w->above_start[0]);
    b->up = up;
    b->up_s = up_s;
    VEC up_or_left = VMIN(up, b->prev);
    VEC start = VSELECT(VLE(up, b->prev), up_s, b->prev_s);
    start = VSELECT(VLE(diag, up_or_left), diag_s, start);
    VEC d = VSUB(b->pat, w->values[t]);
    VEC c = squared ? VMUL(d, d) : VABS(d);
    /* the same minimum, with up (one shift further down the chain from
     * prev than left) entering last */
    VEC cell = VADD(c, VMIN(VMIN(diag, b->prev), up));
    if (t + 1 < VEC_WIDTH) { /* lanes r > t: before the round */
        VMASK before = VLE(VSET1((double)(t + 1)), lanes);
        cell = VSELECT(before, b->kept, cell);
        start = VSELECT(before, b->kept_s, start);
    }
    if (t + 1 >= VEC_WIDTH) { /* the bottom lane's column, for below */
        w->above_cost[t + 2 - VEC_WIDTH] = FUNC(lane)(cell, VEC_WIDTH - 1);
        w->above_start[t + 2 - VEC_WIDTH] = FUNC(lane)(start, VEC_WIDTH - 1);
    }
    size_t e = b->end_lane;
    if (b->ends && t >= e && t - e < width) {
        b->ends->cost[t - e] = FUNC(lane)(cell, e);
        if (b->ends->start)
            b->ends->start[t - e] = FUNC(start_of)(FUNC(lane)(start, e));
    }
    if (t + 1 >= width) { /* lane t - (width - 1): the last column */
        size_t r = t + 1 - width;
        b->last_cost[r] = FUNC(lane)(cell, r);
        b->last_start[r] = FUNC(lane)(start, r);
    }
    b->prev2 = b->prev;
    b->prev2_s = b->prev_s;
    b->prev = cell;
    b->prev_s = start;
}

/* The band below b reads b's bottom row in the column before the round
 * (its corner) at its step 0. */
ALWAYS_INLINE void FUNC(band_corner)(const FUNC(wave_band) *b,
                                     FUNC(wave_work) *w)
{
    w->above_cost[0] = b->kept_cost[VEC_WIDTH - 1];
    w->above_start[0] = b->kept_start[VEC_WIDTH - 1];
}

/* Band b's rows of the last column into col. */
ALWAYS_INLINE void FUNC(band_close)(const FUNC(wave_band) *b, size_t m,
                                    size_t i0, hdtw_subseq_column col)
{
    for (size_t r = 0; r < VEC_WIDTH && i0 + r < m; r++) {
        col.cost[i0 + r] = b->last_cost[r];
        col.start[i0 + r] = FUNC(start_of)(b->last_start[r]);
    }
}

/* Bands two at a time, the second VEC_WIDTH steps behind the first: its
 * lane 0 then reads the first's bottom row one and two steps after the
 * first wrote it, and the two bands' chains (a shift, two mins and an add
 * a step) overlap. Alone, a band waits on its own chain every step. */
ALWAYS_INLINE void FUNC(wave_bands)(int squared, const double *query,
                                    size_t m, size_t width,
                                    FUNC(wave_work) *w,
                                    hdtw_subseq_column col,
                                    const hdtw_subseq_ends *ends)
{
    double index[VEC_WIDTH];
    for (size_t r = 0; r < VEC_WIDTH; r++)
        index[r] = (double)r;
    const VEC lanes = VLOADU(index);
    size_t steps = width + VEC_WIDTH - 1;
    for (size_t i0 = 0; i0 < m; i0 += 2 * VEC_WIDTH) {
        size_t i1 = i0 + VEC_WIDTH;
        FUNC(wave_band) a, b;
        FUNC(band_open)(&a, query, m, i0, col, i1 >= m ? ends : NULL);
        if (i1 >= m) { /* one band left */
            for (size_t t = 0; t < steps; t++)
                FUNC(band_step)(squared, &a, t, width, w, lanes);
            FUNC(band_close)(&a, m, i0, col);
            break;
        }
        FUNC(band_open)(&b, query, m, i1, col,
                        i1 + VEC_WIDTH >= m ? ends : NULL);
        FUNC(band_step)(squared, &a, 0, width, w, lanes);
        FUNC(band_corner)(&a, w); /* read by b's step 0 */
        for (size_t t = 1; t < VEC_WIDTH; t++)
            FUNC(band_step)(squared, &a, t, width, w, lanes);
        for (size_t t = VEC_WIDTH; t < steps; t++) {
            FUNC(band_step)(squared, &a, t, width, w, lanes);
            FUNC(band_step)(squared, &b, t - VEC_WIDTH, width, w, lanes);
        }
        for (size_t t = steps; t < steps + VEC_WIDTH; t++)
            FUNC(band_step)(squared, &b, t - VEC_WIDTH, width, w, lanes);
        FUNC(band_corner)(&b, w); /* for the next pair */
        FUNC(band_close)(&a, m, i0, col);
        FUNC(band_close)(&b, m, i1, col);
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
    FUNC(wave_bands)(squared, query, m, width, &w, col, &ends);
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
