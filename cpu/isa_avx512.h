/* SPDX-License-Identifier: MIT */
/*
 * isa_avx512.h — the 512-bit macro set of the loop templates (kernel_*.h,
 * subsequence_*.h): 8 doubles a vector, 8 lane rows. Included by
 * cpu/avx512.c for its backend and by cpu/subsequence_avx512.c for its
 * subsequence passes, which add their own mask and gather macros; the
 * includer defines FUNC.
 */
#define VEC __m512d
#define VEC_WIDTH 8
/* 8 rows x (two values a row) + temporaries fit the 32 zmm registers */
#define LANE_ROWS 8
/* lane groups swept together by the lanes kernel (kernel_lanes.h) */
#undef LANE_GROUPS /* isa_avx2.h's, where both shapes share a file */
#define LANE_GROUPS 2
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTOREU(p, x) _mm512_storeu_pd((p), (x))
#define VSET1(x) _mm512_set1_pd(x)
#define VSUB(x, y) _mm512_sub_pd((x), (y))
#define VMUL(x, y) _mm512_mul_pd((x), (y))
#define VADD(x, y) _mm512_add_pd((x), (y))
#define VMIN(x, y) _mm512_min_pd((x), (y))
#define VMAX(x, y) _mm512_max_pd((x), (y))
#define VABS(x) _mm512_abs_pd(x)
#define VSHIFT_IN(x, s)                                                       \
    _mm512_castsi512_pd(_mm512_alignr_epi64(                                  \
        _mm512_castpd_si512(x), _mm512_castpd_si512(_mm512_set1_pd(s)), 7))
/* 8 x 8 transpose: interleave row pairs, then two rounds of 128-bit
 * block shuffles (0x88 takes blocks 0, 2 of each source, 0xdd 1, 3) */
#define VTRANSPOSE(v) avx512_transpose(v)
static inline void avx512_transpose(__m512d v[8])
{
    __m512d t[8], u[8];
    for (int k = 0; k < 4; k++) {
        t[2 * k] = _mm512_unpacklo_pd(v[2 * k], v[2 * k + 1]);
        t[2 * k + 1] = _mm512_unpackhi_pd(v[2 * k], v[2 * k + 1]);
    }
    for (int h = 0; h < 8; h += 4) { /* rows 0-3, then 4-7 */
        u[h] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0x88);     /* col 0, 4 */
        u[h + 1] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0xdd); /* 2, 6 */
        u[h + 2] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0x88); /* 1, 5 */
        u[h + 3] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0xdd); /* 3, 7 */
    }
    static const int col[4][2] = { { 0, 4 }, { 2, 6 }, { 1, 5 }, { 3, 7 } };
    for (int k = 0; k < 4; k++) {
        v[col[k][0]] = _mm512_shuffle_f64x2(u[k], u[k + 4], 0x88);
        v[col[k][1]] = _mm512_shuffle_f64x2(u[k], u[k + 4], 0xdd);
    }
}
