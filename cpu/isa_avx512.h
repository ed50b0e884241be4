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
/* acc + x * 0 in one instruction: +-0 for a finite x, NaN for NaN or
 * +-Inf (the lane copy's finiteness check, kernel_lanes.h) */
#define VFOLD_NONFINITE(acc, x)                                               \
    _mm512_fmadd_pd((x), _mm512_setzero_pd(), (acc))
#define VSHIFT_IN(x, s)                                                       \
    _mm512_castsi512_pd(_mm512_alignr_epi64(                                  \
        _mm512_castpd_si512(x), _mm512_castpd_si512(_mm512_set1_pd(s)), 7))
/* fetches p's cache line for writing (PREFETCHW, which every CPU with
 * AVX-512 has; gcc emits it for __builtin_prefetch only with -mprfchw) */
#define VPREFETCH_WRITE(p)                                                    \
    __asm__("prefetchw %0" : : "m"(*(const char *)(p)))
/* stores lane 7 of x alone at p (the 7 doubles before p are not written) */
#define VSTORE_LAST(p, x) _mm512_mask_storeu_pd((p) - 7, 0x80, (x))
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
/* v[k], k < 8, gets value j + k of the 8 windows w[0..7] (lane l from
 * w[l]): the transpose of 8 rows read in place, with its first round in
 * the loads (each vector the same 4 values of rows r and r + 4, joined by
 * a 256-bit insert that may run on either vector port) and two rounds of
 * shuffles instead of three (the lane copy, kernel_lanes.h). */
#define VLOAD_TRANSPOSED(v, w, j) avx512_rows_transposed((v), (w), (j))
static inline void avx512_rows_transposed(__m512d *v,
                                          const double *const *w, size_t j)
{
    __m512d t[8];
    for (int r = 0; r < 4; r++) /* t[r]: values j.., t[r + 4]: j + 4.. */
        for (int h = 0; h < 8; h += 4)
            t[r + h] = _mm512_insertf64x4(
                _mm512_castpd256_pd512(_mm256_loadu_pd(w[r] + j + h)),
                _mm256_loadu_pd(w[r + 4] + j + h), 1);
    /* t[h + r], r < 4: values j + h .. + 3 of row r in lanes 0-3, of row
     * r + 4 in lanes 4-7. An unpack of rows (r, r + 1) holds, in its
     * 128-bit blocks, their values 0 | 2 | 0 (rows + 4) | 2 (rows + 4)
     * (lo) or 1 | 3 | 1 | 3 (hi), so value 0 of rows 0-7 is blocks 0 and 2
     * of lo01 and lo23 interleaved (first), value 2 blocks 1 and 3
     * (second); likewise 1 and 3 from hi01, hi23. */
    const __m512i first = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i second = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    for (int h = 0; h < 8; h += 4) {
        __m512d lo01 = _mm512_unpacklo_pd(t[h], t[h + 1]);
        __m512d hi01 = _mm512_unpackhi_pd(t[h], t[h + 1]);
        __m512d lo23 = _mm512_unpacklo_pd(t[h + 2], t[h + 3]);
        __m512d hi23 = _mm512_unpackhi_pd(t[h + 2], t[h + 3]);
        v[h] = _mm512_permutex2var_pd(lo01, first, lo23);
        v[h + 1] = _mm512_permutex2var_pd(hi01, first, hi23);
        v[h + 2] = _mm512_permutex2var_pd(lo01, second, lo23);
        v[h + 3] = _mm512_permutex2var_pd(hi01, second, hi23);
    }
}
