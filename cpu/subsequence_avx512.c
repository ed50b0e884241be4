/* SPDX-License-Identifier: MIT */
/*
 * subsequence_avx512.c — the pass of cpu/subsequence.c along
 * anti-diagonals, eight rows to a vector. Built with -mavx512f -mavx512dq
 * -mavx512vl (CMakeLists.txt).
 *
 * Step t computes diagonal t: the cell (i, t - i) of every row i whose
 * column lies in the series. A cell reads its up and left neighbours from
 * diagonal t - 1 and its diagonal neighbour from t - 2, so the cells of one
 * step are independent: eight rows go in one vector with no chain between
 * them (the column kernel waits on the cell above at every row).
 *
 * Diagonal arrays hold row r at index r + 1 (and padding up to a whole
 * last vector, see HDTW_SUBSEQ_DIAGONAL). Index 0 is row -1, cost 0
 * with start t + 2 on diagonal t: row 0 then takes, by the tie rule, the
 * diagonal neighbour (row -1, column t - 1), cost 0 and start t, which is
 * the free start D(0, t) = c(q0, s_t) from column t. Cells of columns < 0
 * are never written and stay +inf with start 0 (column -1 of the column
 * kernel); cells of columns >= len are never read.
 *
 * Every cell is the same rounded subtraction, abs or multiply, exact min
 * and rounded addition as cpu/subsequence.c, and the start the same tie
 * rule, so the ends are the column kernel's bit for bit.
 */
#include "cpu/subsequence.h"

#include <immintrin.h>
#include <math.h>
#include <stdint.h>

typedef struct {
    double *cost;
    size_t *start;
} diagonal;

/* One cell of row `row` on diagonal d0 (column t - row), in scalar. */
static inline void one_cell(hdtw_cost cost, double qi, double sj,
                            diagonal d2, diagonal d1, diagonal d0, size_t row)
{
    size_t r = row + 1;
    double diag = d2.cost[r - 1], up = d1.cost[r - 1], left = d1.cost[r];
    d0.start[r] = hdtw_subseq_pick(diag, up, left, d2.start[r - 1],
                                   d1.start[r - 1], d1.start[r]);
    d0.cost[r] = hdtw_cell_cost(cost, qi, sj) + hdtw_min3(diag, up, left);
}

/* The vectors of the previous eight rows on diagonals t - 1 and t - 2:
 * lane 7 of each is the neighbour lane 0 of the next eight needs. Taking it
 * from a register, not from memory one entry off, means every load here
 * reads exactly what one earlier store wrote (a load spanning two stores
 * still in flight cannot be forwarded and stalls). */
typedef struct {
    __m512d cost1, cost2;
    __m512i start1, start2;
} carry;

static inline carry first_carry(diagonal d2, diagonal d1)
{
    /* row -1: index 0 of both diagonals */
    return (carry){ _mm512_set1_pd(d1.cost[0]), _mm512_set1_pd(d2.cost[0]),
                    _mm512_set1_epi64((long long)d1.start[0]),
                    _mm512_set1_epi64((long long)d2.start[0]) };
}

/* lanes [prev7, cur0 .. cur6]: row - 1 + k for k = 0..7 */
static inline __m512i shift_in(__m512i cur, __m512i prev)
{
    return _mm512_alignr_epi64(cur, prev, 7);
}

static inline __m512d shift_in_pd(__m512d cur, __m512d prev)
{
    return _mm512_castsi512_pd(
        shift_in(_mm512_castpd_si512(cur), _mm512_castpd_si512(prev)));
}

/* Rows row + k of diagonal t, k = 0..7; the columns t - row - 7 .. t - row
 * must all lie in the series. `lanes` masks the query's rows (the low
 * ones): a last, partial vector computes rows past m - 1 too, into the
 * diagonals' padding, where no real row reads them. Full-width stores and
 * loads, never masked: a masked store is not forwarded to the next step's
 * load, which then waits for it. */
static inline __attribute__((always_inline)) void
eight_cells(hdtw_cost cost, const double *query, const double *series,
            size_t t, diagonal d2, diagonal d1, diagonal d0, size_t row,
            __mmask8 lanes, carry *prev)
{
    const __m512i reverse = _mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    size_t r = row + 1; /* index of row `row` */
    __m512d left = _mm512_loadu_pd(d1.cost + r);
    __m512d above2 = _mm512_loadu_pd(d2.cost + r);
    __m512i left_start = _mm512_loadu_si512(d1.start + r);
    __m512i above2_start = _mm512_loadu_si512(d2.start + r);
    __m512d up = shift_in_pd(left, prev->cost1);
    __m512d diag = shift_in_pd(above2, prev->cost2);
    __m512i up_start = shift_in(left_start, prev->start1);
    __m512i diag_start = shift_in(above2_start, prev->start2);
    *prev = (carry){ left, above2, left_start, above2_start };
    /* lane k is row + k, column t - row - k: the series read backwards */
    __m512d s = _mm512_permutexvar_pd(
        reverse, _mm512_loadu_pd(series + (t - row - 7)));
    __m512d d = _mm512_sub_pd(_mm512_maskz_loadu_pd(lanes, query + row), s);
    __m512d c = cost == HDTW_COST_SQUARED ? _mm512_mul_pd(d, d)
                                          : _mm512_abs_pd(d);
    __mmask8 up_wins = _mm512_cmp_pd_mask(up, left, _CMP_LE_OQ);
    __mmask8 diag_wins = _mm512_cmp_pd_mask(diag, up, _CMP_LE_OQ) &
                         _mm512_cmp_pd_mask(diag, left, _CMP_LE_OQ);
    __m512i start = _mm512_mask_blend_epi64(up_wins, left_start, up_start);
    start = _mm512_mask_blend_epi64(diag_wins, start, diag_start);
    __m512d best = _mm512_min_pd(_mm512_min_pd(up, left), diag);
    _mm512_storeu_pd(d0.cost + r, _mm512_add_pd(c, best));
    _mm512_storeu_si512(d0.start + r, start);
}

/* Rows lo .. hi of diagonal t (all with columns inside the series). */
static inline __attribute__((always_inline)) void
one_step(hdtw_cost cost, const double *query, size_t m, const double *series,
         size_t len, size_t t, diagonal d2, diagonal d1, diagonal d0)
{
    size_t lo = t >= len ? t - len + 1 : 0, hi = t < m - 1 ? t : m - 1;
    size_t row = lo;
    if (lo == 0 && hi == m - 1) { /* every row inside: vectors */
        carry prev = first_carry(d2, d1);
        for (; row + 8 <= m; row += 8)
            eight_cells(cost, query, series, t, d2, d1, d0, row, 0xff,
                        &prev);
        if (row < m && t >= row + 7) { /* the rest, if all 8 reads fit */
            eight_cells(cost, query, series, t, d2, d1, d0, row,
                        (__mmask8)((1u << (m - row)) - 1), &prev);
            row = m;
        }
    }
    for (; row <= hi; row++)
        one_cell(cost, query[row], series[t - row], d2, d1, d0, row);
}

static void init_diagonal(diagonal d, size_t m, size_t row_minus_1_start)
{
    d.cost[0] = 0.0;
    d.start[0] = row_minus_1_start;
    for (size_t r = 1; r < HDTW_SUBSEQ_DIAGONAL(m); r++) {
        d.cost[r] = INFINITY;
        d.start[r] = 0;
    }
}

static inline __attribute__((always_inline)) void
all_steps(hdtw_cost cost, const double *query, size_t m,
          const double *series, size_t len, hdtw_subseq_column work,
          hdtw_subseq_ends ends)
{
    size_t stride = HDTW_SUBSEQ_DIAGONAL(m);
    diagonal d2 = { work.cost, work.start };
    diagonal d1 = { work.cost + stride, work.start + stride };
    diagonal d0 = { work.cost + 2 * stride, work.start + 2 * stride };
    init_diagonal(d2, m, 0); /* diagonal -2 */
    init_diagonal(d1, m, 1); /* diagonal -1 */
    init_diagonal(d0, m, 2);
    for (size_t t = 0; t < len + m - 1; t++) {
        d0.cost[0] = 0.0;
        d0.start[0] = t + 2;
        one_step(cost, query, m, series, len, t, d2, d1, d0);
        if (t >= m - 1) {
            size_t e = t - (m - 1);
            ends.cost[e] = d0.cost[m];
            ends.start[e] = d0.start[m];
        }
        diagonal oldest = d2;
        d2 = d1;
        d1 = d0;
        d0 = oldest;
    }
}

void hdtw_subsequence_ends_avx512(hdtw_cost cost, const double *query,
                                  size_t m, const double *series, size_t len,
                                  hdtw_subseq_column work,
                                  hdtw_subseq_ends ends)
{
    if (cost == HDTW_COST_SQUARED)
        all_steps(HDTW_COST_SQUARED, query, m, series, len, work, ends);
    else
        all_steps(HDTW_COST_ABS, query, m, series, len, work, ends);
}

/* --------------------------- a long series: 8 chunks, one a lane */

#include "cpu/isa_avx512.h"
#define VMASK __mmask8
#define VLE(x, y) _mm512_cmp_pd_mask((x), (y), _CMP_LE_OQ)
#define VSELECT(k, a, b) _mm512_mask_blend_pd((k), (b), (a))
#define VIDX __m512i
#define VIDX_LOAD(p) _mm512_loadu_si512(p)
#define VGATHER(p, idx) _mm512_i64gather_pd((idx), (p), 8)
#define FUNC(name) avx512_##name
/* the stripes only lend their cell step; their own entry is not used */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "cpu/subsequence_stripes.h"
#pragma GCC diagnostic pop
#include "cpu/subsequence_wave.h"
/* two lane groups of 8 chunks swept together in the costs-only pass of a
 * short query (SUB_GROUPS_BELOW) */
#define SUB_CHUNK_GROUPS 2
#include "cpu/subsequence_chunks.h"

hdtw_status hdtw_avx512_subsequence(const hdtw_call *call)
{
    if (FUNC(chunks_fit)(call->subseq))
        return FUNC(chunks_run)(call);
    size_t m = call->subseq->m;
    if (m > SIZE_MAX / 3 - 32) /* HDTW_SUBSEQ_WORK(m) would overflow */
        return HDTW_E_NOMEM;
    return hdtw_subsequence_run(call, HDTW_SUBSEQ_WORK(m),
                                hdtw_subsequence_ends_avx512);
}
