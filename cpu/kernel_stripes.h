/* SPDX-License-Identifier: MIT */
/*
 * kernel_stripes.h — one pair without a band, in horizontal stripes of
 * STRIPE_ROWS = VEC_WIDTH * LANE_ROWS rows; included once per ISA after
 * kernel_lanes.h (same macros, plus VSHIFT_IN(x, s) = the vector
 * (s, x[0], ..., x[VEC_WIDTH - 2])). Optional: VSTORE_LAST (see
 * BOTTOM_STRIDE), VPREFETCH_WRITE(p) (see stripes_wavefront),
 * STRIPE_ROW_LAG (ROW_LAG's value, for kernel_tail.h) and TAIL_STRIPE(name)
 * (the names of a kernel_tail.h instantiation that runs a short last
 * stripe: see tail_rows).
 *
 * Within a stripe, lane l owns the LANE_ROWS rows base + l * LANE_ROWS + r,
 * one register each, and every row runs ROW_LAG columns behind the row
 * above it: at step t, row r of lane l does column t - ROW_LAG * k, k = l *
 * LANE_ROWS + r (the row's place in the stripe). So a cell's neighbours up
 * and diagonal are values the row above finished at earlier steps: each
 * step is LANE_ROWS independent row updates, with no chain down the
 * column inside it (a block of rows at the same column had one of
 * LANE_ROWS min + add, which kept too few steps in flight to fill the
 * vector ports; bench/RESULTS.md, issue 15's third round). A row keeps
 * left (its last cell) and pair = min(its last two cells) of its last
 * ROW_LAG steps, the row below's min(up, diag): five operations a cell,
 * the op-mix bound's (sub, abs, min, min, add). Lane l's top row takes
 * lane l - 1's bottom row's pair, shifted one lane over; lane 0 the
 * previous stripe's, which the stripe stores a step (its bottom row's
 * pair, lane VEC_WIDTH - 1 at column t at step t + STRIPE_SPAN).
 *
 * Cells outside the matrix (a column before 0 or after n - 1) see b = +inf:
 * every such cell is +inf (inf - x, its abs or square, and inf + min are
 * +inf), exactly the reference's column -1, and what they compute past
 * n - 1 is never read. Pattern rows past m - 1 repeat a[m - 1] (any
 * finite value would do): they feed only rows below them, which are never
 * read either. Row -1 is +inf but for D(-1, -1) = 0: in the first stripe's
 * "previous" pairs, min(D(-1, 0), D(-1, -1)) = 0 and every other +inf.
 */

#include "core/alloc.h"

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define STRIPE_ROWS (VEC_WIDTH * LANE_ROWS)
/* Columns a row trails the row above. A row's cell waits on the row
 * above's pair of ROW_LAG steps before (min + add + min): one step where
 * a step has 8 rows of work (AVX-512), two where it has 4 (AVX2), whose
 * step is shorter than that chain. */
#undef ROW_LAG
#ifdef STRIPE_ROW_LAG /* an instantiation for few rows (stripe_last) */
#define ROW_LAG STRIPE_ROW_LAG
#else
#define ROW_LAG (LANE_ROWS >= 8 ? 1 : 2)
#endif
/* columns lane l trails lane l - 1 */
#define LANE_LAG (ROW_LAG * LANE_ROWS)
/* steps the stripe's bottom row trails its top row */
#define STRIPE_SPAN (ROW_LAG * (STRIPE_ROWS - 1))
/* skewed b vectors before column 0's: row r reads skewed_b[t - ROW_LAG *
 * r] */
#define SKEWED_FRONT (ROW_LAG * (LANE_ROWS - 1))

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

/* Vectors of skewed b: skewed_b[-SKEWED_FRONT .. n + STRIPE_SPAN - 1], a
 * stripe's most steps. */
#define SKEWED_VECTORS(n) (SKEWED_FRONT + (n) + STRIPE_SPAN)
/* A stripe's bottom row for the next stripe: one double a step, the last
 * lane of its last row's pair, at row[t * BOTTOM_STRIDE] for step t, t <
 * 2 * (n + STRIPE_SPAN) (a stripe reads index t + STRIPE_SPAN at its step
 * t, and on one thread also stores index t + period). Where the ISA has a
 * masked store (VSTORE_LAST) that lane is stored alone, so a cache line
 * holds VEC_WIDTH steps: the next stripe, on another core in a wavefront,
 * misses once every VEC_WIDTH steps, and on one core the row stays in L1.
 * Else the whole vector is stored (its last lane at the row's index). The
 * buffer starts VEC_WIDTH - 1 doubles before row[0], which the masked
 * store addresses. */
#ifdef VSTORE_LAST
#define BOTTOM_STRIDE 1
#define STORE_BOTTOM(p, x) VSTORE_LAST(p, x)
#else
#define BOTTOM_STRIDE VEC_WIDTH
#define STORE_BOTTOM(p, x) VSTOREU((p) - (VEC_WIDTH - 1), x)
#endif
#define BOTTOM_VECTORS(n)                                                     \
    (2 * ((n) + STRIPE_SPAN) * BOTTOM_STRIDE / VEC_WIDTH + 2)
/* row[0] of the bottom buffer at vector v */
#define BOTTOM_ROW(v) ((double *)(v) + VEC_WIDTH - 1)

/* Vectors of work area stripes_dp needs for an n-column pair: skewed b,
 * then a bottom buffer. */
static size_t FUNC(stripes_work_vectors)(size_t n)
{
    return SKEWED_VECTORS(n) + BOTTOM_VECTORS(n);
}

/* Steps ahead at which a stripe of the wavefront fetches the bottom row
 * another core wrote, and takes back for writing the line of its own that
 * the other core read (see stripes_wavefront). */
#define REMOTE_AHEAD 64
#undef PREFETCH_OWN
#ifdef VPREFETCH_WRITE
#define PREFETCH_OWN(p) VPREFETCH_WRITE(p)
#else
#define PREFETCH_OWN(p) ((void)(p))
#endif

/* A stripe's registers between two runs of its steps: pair[j][r] is row
 * r's pair of j steps before the last. */
typedef struct {
    VEC pat[LANE_ROWS], left[LANE_ROWS], pair[ROW_LAG][LANE_ROWS];
} FUNC(stripe_regs);

/* The registers of the stripe from row base before its step 0: every row
 * at column -1, +inf. */
ALWAYS_INLINE void FUNC(stripe_begin)(const double *a, size_t m, size_t base,
                                      FUNC(stripe_regs) *s)
{
    for (int r = 0; r < LANE_ROWS; r++) {
        double lanes[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++) {
            size_t i = base + l * LANE_ROWS + (size_t)r;
            lanes[l] = a[i < m ? i : m - 1]; /* a select, not a branch */
        }
        s->pat[r] = VLOADU(lanes);
        s->left[r] = VSET1(INFINITY);
        for (int j = 0; j < ROW_LAG; j++)
            s->pair[j][r] = VSET1(INFINITY);
    }
}

/* A row's last cell and its pairs of the last ROW_LAG steps rotate
 * through ROW_LAG + 1 registers, h[0..ROW_LAG]: at phase k, left is h[k]
 * and pair[j] (j steps before the last) is h[(k + 1 + j) % (ROW_LAG + 1)].
 * A step writes the new pair into left's register and the new cell into
 * the oldest pair's, the phase goes one back, and after ROW_LAG + 1 steps
 * the roles are where they started: no register copies in the loop (with
 * fixed roles gcc copied each row's left a step, 8 moves in 49 ops). */
#define HISTORY (ROW_LAG + 1)
#define H_LEFT(k) ((k) % HISTORY)
#define H_PAIR(k, j) (((k) + 1 + (j)) % HISTORY)

/* Step t of a stripe at phase k (a constant once inlined); returns the
 * step's bottom row pair (see stripe_steps). */
ALWAYS_INLINE VEC FUNC(stripe_step)(int squared, int remote, int k,
                                    const VEC *pat,
                                    VEC h[HISTORY][LANE_ROWS],
                                    const VEC *skewed_b, const double *prev,
                                    size_t t)
{
    const double *above = &prev[(t + STRIPE_SPAN) * BOTTOM_STRIDE];
    if (remote) /* see stripes_wavefront */
        __builtin_prefetch(above + REMOTE_AHEAD * BOTTOM_STRIDE, 0, 3);
    int oldest = H_PAIR(k, ROW_LAG - 1);
    /* min(up, diag) of every lane's top row */
    VEC top = VSHIFT_IN(h[oldest][LANE_ROWS - 1], *above);
#pragma GCC unroll 16
    for (int r = LANE_ROWS - 1; r >= 0; r--) { /* row r - 1 still old */
        VEC c = FUNC(cost)(squared, pat[r],
                           skewed_b[(ptrdiff_t)t - ROW_LAG * r]);
        VEC left = h[H_LEFT(k)][r];
        VEC d = VADD(c, VMIN(left, r > 0 ? h[oldest][r - 1] : top));
        h[H_LEFT(k)][r] = VMIN(d, left); /* the new pair[0] */
        h[oldest][r] = d;                /* the new left */
    }
    return h[H_LEFT(k)][LANE_ROWS - 1];
}

/* Steps t0 .. t1 - 1 of a stripe (mirror: see stripes_dp). own receives the
 * stripe's bottom row (see BOTTOM_STRIDE); prev holds the previous stripe's,
 * whose index t + STRIPE_SPAN its last lane did at column t. One stripe after
 * another may share the buffer (prev = own): index t + STRIPE_SPAN is read
 * before it is overwritten. On return s->left[r] holds each lane's row r at
 * its column of step t1 - 1. */
ALWAYS_INLINE void FUNC(stripe_steps)(int squared, int remote, size_t mirror,
                                      FUNC(stripe_regs) *s,
                                      const VEC *skewed_b, const double *prev,
                                      double *own, size_t t0, size_t t1)
{
    VEC pat[LANE_ROWS], h[HISTORY][LANE_ROWS]; /* at phase 0 */
    for (int r = 0; r < LANE_ROWS; r++) {
        pat[r] = s->pat[r];
        h[H_LEFT(0)][r] = s->left[r];
        for (int j = 0; j < ROW_LAG; j++)
            h[H_PAIR(0, j)][r] = s->pair[j][r];
    }
#define STRIPE_STEP_STORE(k, t)                                               \
    do {                                                                      \
        VEC bottom_pair = FUNC(stripe_step)(squared, remote, (k), pat, h,     \
                                            skewed_b, prev, (t));             \
        STORE_BOTTOM(&own[(t) * BOTTOM_STRIDE], bottom_pair);                 \
        if (remote)                                                           \
            PREFETCH_OWN(&own[((t) + REMOTE_AHEAD) * BOTTOM_STRIDE]);         \
        if (mirror)                                                           \
            STORE_BOTTOM(&own[((t) + mirror) * BOTTOM_STRIDE], bottom_pair);  \
    } while (0)
    size_t t = t0;
    for (; t1 - t >= HISTORY; t += HISTORY) {
        /* phases 0, ROW_LAG, ..., 1: back to 0 */
#pragma GCC unroll 8
        for (int u = 0; u < HISTORY; u++)
            STRIPE_STEP_STORE((HISTORY - u) % HISTORY, t + (size_t)u);
    }
    for (; t < t1; t++) { /* the rest at phase 0, roles put back a step */
        STRIPE_STEP_STORE(0, t);
        for (int r = 0; r < LANE_ROWS; r++) {
            VEC left = h[HISTORY - 1][r];
            for (int j = HISTORY - 1; j > 0; j--)
                h[j][r] = h[j - 1][r];
            h[0][r] = left;
        }
    }
#undef STRIPE_STEP_STORE
    for (int r = 0; r < LANE_ROWS; r++) {
        s->left[r] = h[H_LEFT(0)][r];
        for (int j = 0; j < ROW_LAG; j++)
            s->pair[j][r] = h[H_PAIR(0, j)][r];
    }
}

/* Value of b in column c of a stripe `period` columns wide, c >= -period:
 * b[c], +inf in the columns past n - 1 that separate the stripes, and a
 * negative c is the previous stripe's column c + period. */
static double FUNC(b_column)(const double *b, size_t n, size_t period,
                             ptrdiff_t c)
{
    size_t j = c >= 0 ? (size_t)c : (size_t)(c + (ptrdiff_t)period);
    return j < n ? b[j] : INFINITY;
}

/* skewed[0 .. SKEWED_VECTORS(n) - 1], which is skewed_b from
 * skewed_b[-SKEWED_FRONT]. Lane l of skewed_b[t] is b's column t - l *
 * LANE_LAG, taken modulo `period` (b_column): the columns of stripes
 * that follow each other every `period` (more than STRIPE_SPAN) steps;
 * row r reads skewed_b[t - ROW_LAG * r]. From t = LANE_LAG that is
 * skewed_b[t - LANE_LAG] shifted one lane over with column t in lane 0:
 * a shift a vector. */
static void FUNC(skewed_setup)(const double *b, size_t n, size_t period,
                               VEC *skewed)
{
    size_t end = SKEWED_VECTORS(n), t = 0;
    for (; t < LANE_LAG; t++) {
        double lanes[VEC_WIDTH];
        for (size_t l = 0; l < VEC_WIDTH; l++)
            lanes[l] = FUNC(b_column)(b, n, period,
                                      (ptrdiff_t)(t - l * LANE_LAG) -
                                          SKEWED_FRONT);
        skewed[t] = VLOADU(lanes);
    }
    for (; t < end; t++) { /* period > STRIPE_SPAN: t < 2 * period */
        size_t j = t - SKEWED_FRONT < period ? t - SKEWED_FRONT
                                             : t - SKEWED_FRONT - period;
        skewed[t] = VSHIFT_IN(skewed[t - LANE_LAG], j < n ? b[j] : INFINITY);
    }
}

/* Vectors from..to - 1 of a bottom buffer (from its first vector) as row
 * -1's pairs: +inf, but min(D(-1, 0), D(-1, -1)) = 0 at index STRIPE_SPAN
 * (when the range holds it). */
static void FUNC(bottom_setup)(VEC *bottom, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        bottom[k] = VSET1(INFINITY);
    double *zero = &BOTTOM_ROW(bottom)[STRIPE_SPAN * BOTTOM_STRIDE];
    if (zero >= (double *)(bottom + from) && zero < (double *)(bottom + to))
        *zero = 0.0; /* D(-1, -1) */
}

/* The shape of an m x n pair in stripes: how many, and the steps of
 * stripe s (the last stops when row m - 1, row `row` of lane `lane`, has
 * done column n - 1). */
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
    return sh->n + (s + 1 < sh->count
                        ? STRIPE_SPAN
                        : ROW_LAG * (sh->lane * LANE_ROWS + sh->row));
}

/* D(m - 1, n - 1) from the last stripe's registers. */
static double FUNC(stripes_result)(const FUNC(stripes_shape) *sh,
                                   const FUNC(stripe_regs) *s)
{
    return ((const double *)&s->left[sh->row])[sh->lane];
}

/* What an instantiation that runs the last stripe of another's pairs
 * (stripe_last) must share with it, for a _Static_assert there. */
enum {
    FUNC(stripe_rows) = STRIPE_ROWS,
    FUNC(lane_lag) = LANE_LAG,
    FUNC(stripe_span) = STRIPE_SPAN,
    FUNC(skewed_front) = SKEWED_FRONT,
    FUNC(bottom_stride) = BOTTOM_STRIDE
};

/* The last stripe of a pair whose stripes above it ran in another
 * instantiation's shape, one that reads the same skewed b (same LANE_LAG;
 * its SKEWED_FRONT and STRIPE_SPAN no smaller) and stores its bottom rows
 * at the same BOTTOM_STRIDE: rows base .. m - 1, at most STRIPE_ROWS of
 * them. above[c * BOTTOM_STRIDE] holds row base - 1's pair at column c,
 * for c < n + STRIPE_SPAN; own, which may be the same buffer at or before
 * above, receives this stripe's bottom row (never read). D(m - 1, n - 1).
 * Few rows run in a stripe of their height, with lanes of fewer rows and
 * a longer ROW_LAG, instead of padding a tall stripe. */
static inline double FUNC(stripe_last)(int squared, const double *a,
                                       size_t m, size_t base, size_t n,
                                       const VEC *skewed_b,
                                       const double *above, double *own)
{
    FUNC(stripes_shape) sh = FUNC(shape)(m - base, n);
    FUNC(stripe_regs) regs;
    FUNC(stripe_begin)(a, m, base, &regs);
    const double *prev = above - STRIPE_SPAN * BOTTOM_STRIDE;
    size_t steps = FUNC(stripe_step_count)(&sh, 0);
    if (squared)
        FUNC(stripe_steps)(1, 0, 0, &regs, skewed_b, prev, own, 0, steps);
    else
        FUNC(stripe_steps)(0, 0, 0, &regs, skewed_b, prev, own, 0, steps);
    return FUNC(stripes_result)(&sh, &regs);
}

/* Columns of +inf b between one stripe's columns and the next's on one
 * thread: at least ROW_LAG * (LANE_ROWS - 1), so that all rows of a lane
 * are past column n - 1 when the lane takes the next stripe's pattern
 * values. */
#define STRIPE_GAP LANE_LAG

/* Lane l of the stripe from row base takes its pattern values. */
static void FUNC(stripe_lane_pattern)(const double *a, size_t m, size_t base,
                                      size_t l, FUNC(stripe_regs) *s)
{
    for (size_t r = 0; r < LANE_ROWS; r++) {
        size_t i = base + l * LANE_ROWS + r;
        ((double *)&s->pat[r])[l] = a[i < m ? i : m - 1];
    }
}

/* Rows of an m-row pair that the stripes on one thread leave to the
 * includer's instantiation for few rows (TAIL_STRIPE(stripe_last)): a last
 * stripe of at most TAIL_STRIPE(stripe_rows) rows below a full one, which
 * would pad the rest of its STRIPE_ROWS; 0 where there is none. */
static size_t FUNC(tail_rows)(size_t m)
{
#ifdef TAIL_STRIPE
    _Static_assert(TAIL_STRIPE(lane_lag) == LANE_LAG &&
                       TAIL_STRIPE(skewed_front) <= SKEWED_FRONT &&
                       TAIL_STRIPE(stripe_span) <= STRIPE_SPAN &&
                       TAIL_STRIPE(bottom_stride) == BOTTOM_STRIDE,
                   "the tail stripe reads this shape's skewed b and rows");
    size_t tail = m % STRIPE_ROWS;
    if (m > STRIPE_ROWS && tail <= (size_t)TAIL_STRIPE(stripe_rows))
        return tail;
#endif
    (void)m;
    return 0;
}

/*
 * The stripes on one thread, each starting `period` steps after the one
 * before instead of after its whole STRIPE_SPAN-step skew: a row of lane l
 * that is done with a stripe's columns goes on to the next stripe's, so
 * the steps in which the rows below are still at the previous stripe are
 * not spent on columns before 0. Lane l takes the next stripe's pattern
 * values at step l * LANE_LAG of the period, when its rows are in the
 * STRIPE_GAP columns of +inf b between the stripes, which set each row's
 * left to +inf (column -1); before the first stripe every row computes
 * +inf (inf b or +inf neighbours only). The previous stripe's bottom row
 * at column t, read at step t, was stored STRIPE_SPAN steps later in the
 * previous period or, for t + STRIPE_SPAN >= period, in this one: each
 * step stores its value at index t and t + period, and reads t +
 * STRIPE_SPAN.
 */
ALWAYS_INLINE double FUNC(stripes_dp)(int squared, const double *a, size_t m,
                                      const double *b, size_t n, VEC *work)
{
    size_t period = n + STRIPE_GAP > ROW_LAG * STRIPE_ROWS
                        ? n + STRIPE_GAP
                        : ROW_LAG * STRIPE_ROWS;
    VEC *skewed_b = work + SKEWED_FRONT;
    double *bottom = BOTTOM_ROW(work + SKEWED_VECTORS(n));
    FUNC(skewed_setup)(b, n, period, work);
    FUNC(bottom_setup)(work + SKEWED_VECTORS(n), 0, BOTTOM_VECTORS(n));
    size_t tail = FUNC(tail_rows)(m);
    FUNC(stripes_shape) sh = FUNC(shape)(m - tail, n);
    FUNC(stripe_regs) regs;
    FUNC(stripe_begin)(a, m, 0, &regs);
    for (size_t s = 0; s < sh.count; s++) {
        size_t steps = s + 1 < sh.count ? period
                                        : FUNC(stripe_step_count)(&sh, s);
        size_t t = 0;
        for (size_t l = 0; s > 0 && l < VEC_WIDTH; l++) {
            FUNC(stripe_lane_pattern)(a, m, s * STRIPE_ROWS, l, &regs);
            size_t next = t + LANE_LAG < steps ? t + LANE_LAG : steps;
            FUNC(stripe_steps)(squared, 0, period, &regs, skewed_b, bottom,
                               bottom, t, next);
            t = next;
        }
        FUNC(stripe_steps)(squared, 0, period, &regs, skewed_b, bottom,
                           bottom, t, steps);
    }
#ifdef TAIL_STRIPE
    /* the last full stripe ran all its n + STRIPE_SPAN steps (sh's last):
     * its pair at column c is at index c + STRIPE_SPAN */
    if (tail)
        return TAIL_STRIPE(stripe_last)(squared, a, m, m - tail, n, skewed_b,
                                        &bottom[STRIPE_SPAN * BOTTOM_STRIDE],
                                        bottom);
#endif
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
 * overwrites index t of stripe s's buffer at its step t, only once stripe
 * s + 1, which read it at its step t - STRIPE_SPAN, has done step t +
 * STRIPE_SPAN; a stripe never reads its own.
 *
 * Both buffers pass between cores: a stripe reads the one another core
 * wrote, a miss to that core's cache every 64 / (8 * BOTTOM_STRIDE)
 * steps; the stripe fetches it REMOTE_AHEAD steps ahead. The lines it
 * writes were read by the other core (the stripe below the one that
 * wrote them before): it takes them back for writing as far ahead
 * (VPREFETCH_WRITE, where the ISA has it), instead of at the store,
 * whose wait cost the two threads about as much as reading the other
 * core's lines (bench/RESULTS.md, issue 15's fourth round).
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

/* Steps of stripe s that may have run once stripe s - 1 has published
 * above_done steps: those whose bottom rows above (to t + STRIPE_SPAN)
 * and prefetches (REMOTE_AHEAD more) it has written, or all once it is
 * done (stripe s - 1 is a full one). */
static size_t FUNC(steps_allowed)(const FUNC(stripes_shape) *sh, size_t s,
                                  size_t above_done)
{
    size_t steps = FUNC(stripe_step_count)(sh, s);
    if (s == 0 || above_done >= sh->n + STRIPE_SPAN)
        return steps;
    size_t lead = STRIPE_SPAN + REMOTE_AHEAD;
    size_t t = above_done > lead ? above_done - lead : 0;
    return t < steps ? t : steps;
}

/* Steps stripe s of `steps` may run now from t0: its next chunk, once
 * allowed (steps_allowed); 0 when it may not or has none left. */
static size_t FUNC(chunk_end)(const FUNC(stripes_shape) *sh, size_t s,
                              size_t steps, size_t t0, size_t above_done)
{
    size_t t1 = t0 + STRIPE_CHUNK < steps ? t0 + STRIPE_CHUNK : steps;
    return t0 < steps && FUNC(steps_allowed)(sh, s, above_done) >= t1 ? t1
                                                                     : 0;
}

/* Whether the next chunk of stripe s may run now (and it has one). */
static int FUNC(chunk_ready)(const FUNC(stripes_shape) *sh,
                             FUNC(stripe_slot) *slot, size_t s)
{
    size_t t0 = atomic_load_explicit(&slot[s].done, memory_order_acquire);
    size_t above = s > 0 ? atomic_load_explicit(&slot[s - 1].done,
                                                memory_order_acquire)
                         : 0;
    return FUNC(chunk_end)(sh, s, FUNC(stripe_step_count)(sh, s), t0,
                           above) != 0;
}

/* What the threads of a wavefront share. */
typedef struct {
    FUNC(stripes_shape) sh;
    FUNC(stripe_slot) *slot;
    VEC *bottoms[2];      /* from their first vectors */
    VEC *skewed;          /* skewed_copies(n, threads) copies */
    const double *a, *b;
    size_t m;
} FUNC(wavefront);

/* Bytes of skewed b up to which each thread of a wavefront keeps its own
 * copy (see wavefront_setup): a share of a core's L2, and a bound on
 * what the copies add to the work area. */
#define PRIVATE_SKEWED_BYTES (512 * 1024)

/* Copies of skewed b a wavefront on `threads` threads keeps. */
static size_t FUNC(skewed_copies)(size_t n, int threads)
{
    return SKEWED_VECTORS(n) <= PRIVATE_SKEWED_BYTES / sizeof(VEC)
               ? (size_t)threads
               : 1;
}

/* Vectors of work area a wavefront on `threads` threads needs for an
 * n-column pair, before its stripe slots: two bottom buffers, then the
 * copies of skewed b. */
static size_t FUNC(wavefront_work_vectors)(size_t n, int threads)
{
    return 2 * BOTTOM_VECTORS(n) +
           FUNC(skewed_copies)(n, threads) * SKEWED_VECTORS(n);
}

/* Chunks of stripe s (claimed) while they may run, its registers held
 * in registers between them. The thread that runs a stripe's first chunk
 * sets its registers up, so that no thread gathers every stripe's pattern
 * values before the others may start. Stripe s - 1's progress is read
 * before a chunk and used after it: that read misses (the other core
 * wrote it) and would stall the core for longer than the chunk takes to
 * issue if the next step waited on it; it is read afresh only when the
 * stale value says stop. */
ALWAYS_INLINE void FUNC(run_chunks)(int squared, const FUNC(wavefront) *w,
                                    size_t s, const VEC *skewed_b)
{
    FUNC(stripe_slot) *slot = w->slot;
    size_t steps = FUNC(stripe_step_count)(&w->sh, s);
    double *own = BOTTOM_ROW(w->bottoms[s % 2]);
    const double *prev = BOTTOM_ROW(w->bottoms[(s + 1) % 2]);
    atomic_size_t *above = s > 0 ? &slot[s - 1].done : NULL;
    size_t t0 = atomic_load_explicit(&slot[s].done, memory_order_relaxed);
    FUNC(stripe_regs) regs;
    if (t0 == 0)
        FUNC(stripe_begin)(w->a, w->m, s * STRIPE_ROWS, &regs);
    else
        regs = slot[s].regs;
    size_t above_done =
        above ? atomic_load_explicit(above, memory_order_acquire) : 0;
    for (;;) {
        size_t t1 = FUNC(chunk_end)(&w->sh, s, steps, t0, above_done);
        if (!t1 && above && t0 < steps) {
            above_done = atomic_load_explicit(above, memory_order_acquire);
            t1 = FUNC(chunk_end)(&w->sh, s, steps, t0, above_done);
        }
        if (!t1)
            break;
        if (above)
            above_done = atomic_load_explicit(above, memory_order_acquire);
        FUNC(stripe_steps)(squared, 1, 0, &regs, skewed_b, prev, own, t0,
                           t1);
        atomic_store_explicit(&slot[s].done, t1, memory_order_release);
        t0 = t1;
    }
    slot[s].regs = regs;
}

/* Each thread builds its own copy of skewed b, which stays in its core's
 * cache: one copy that both cores read had to be taken back from the other
 * core's cache line by line when the next call rebuilt it, which made the
 * setup several times longer than on one thread. Past PRIVATE_SKEWED_BYTES,
 * where the copy outgrows the caches and the setup is small next to the
 * pair, thread 0 builds one for all. Thread 0, which runs stripe 0 first,
 * fills what is read before written: all of stripe 0's previous row (row -1)
 * and the tail of the other buffer, which no stripe writes (a stripe writes
 * indices below n + STRIPE_SPAN and reads up to n + 2 * STRIPE_SPAN - 1). */
ALWAYS_INLINE const VEC *FUNC(wavefront_setup)(const FUNC(wavefront) *w)
{
    size_t n = w->sh.n, copy = (size_t)omp_get_thread_num();
    if (FUNC(skewed_copies)(n, omp_get_num_threads()) == 1)
        copy = 0;
    VEC *mine = w->skewed + copy * SKEWED_VECTORS(n);
    if (copy > 0 || omp_get_thread_num() == 0)
        FUNC(skewed_setup)(w->b, n, n + STRIPE_SPAN, mine);
    if (omp_get_thread_num() == 0) {
        FUNC(bottom_setup)(w->bottoms[1], 0, BOTTOM_VECTORS(n));
        FUNC(bottom_setup)(w->bottoms[0],
                           (n + STRIPE_SPAN) * BOTTOM_STRIDE / VEC_WIDTH,
                           BOTTOM_VECTORS(n));
    }
#pragma omp barrier
    return mine + SKEWED_FRONT;
}

/* A thread's part: claim and run stripes until all are done. */
ALWAYS_INLINE void FUNC(wavefront_thread)(int squared,
                                          const FUNC(wavefront) *w)
{
    const VEC *skewed_b = FUNC(wavefront_setup)(w);
    const FUNC(stripes_shape) *sh = &w->sh;
    FUNC(stripe_slot) *slot = w->slot;
    size_t first = 0; /* stripes before it are done */
    for (unsigned idle = 0; first < sh->count;) {
        size_t s = first;
        while (s < sh->count && !(FUNC(chunk_ready)(sh, slot, s) &&
                                  !atomic_exchange(&slot[s].busy, 1)))
            s++;
        if (s < sh->count) {
            FUNC(run_chunks)(squared, w, s, skewed_b);
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
    FUNC(wavefront) w = {
        .sh = FUNC(shape)(m, n),
        .slot = slot,
        .bottoms = { work, work + BOTTOM_VECTORS(n) },
        .skewed = work + 2 * BOTTOM_VECTORS(n),
        .a = a,
        .b = b,
        .m = m,
    };
    for (size_t s = 0; s < w.sh.count; s++) {
        atomic_init(&slot[s].done, 0);
        atomic_init(&slot[s].busy, 0);
    }
#pragma omp parallel num_threads(threads)
    FUNC(wavefront_thread)(squared, &w);
    return FUNC(stripes_result)(&w.sh, &slot[w.sh.count - 1].regs);
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
 * the bottom rows and the threads' skewed b (wavefront_work_vectors),
 * then the stripes' slots (a whole number of vectors: a slot is counted
 * in vectors, rounded up). */
static hdtw_status FUNC(stripes_run_parallel)(hdtw_scratch *scratch,
                                              const hdtw_job *job,
                                              int threads, double *out)
{
    size_t stripes = FUNC(shape)(job->m, job->n).count;
    size_t rows = FUNC(wavefront_work_vectors)(job->n, threads);
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
    VEC *work = FUNC(take_work)(scratch, FUNC(stripes_work_vectors)(job->n),
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

/* the next instantiation may store its bottom rows otherwise */
#undef BOTTOM_STRIDE
#undef STORE_BOTTOM
