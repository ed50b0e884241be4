/* SPDX-License-Identifier: MIT */
/*
 * isa_avx2.h — the 256-bit macro set of the loop templates (kernel_*.h):
 * 4 doubles a vector, 4-row blocks. Included by cpu/avx2.c for its whole
 * backend and by cpu/avx512.c for its short-pair stripes (kernel_stripes.h
 * at this shape pads less, see there); the includer defines FUNC. The
 * instructions are all AVX2 (AVX-512VL compilers encode them as EVEX/VEX
 * as they like, with the same results).
 */
#define VEC __m256d
#define VEC_WIDTH 4
/* 4 rows x (pattern + left value) + temporaries fit the 16 ymm registers */
#define LANE_ROWS 4
/* lane groups swept together by the lanes kernel (kernel_lanes.h) */
#define LANE_GROUPS 2
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTOREU(p, x) _mm256_storeu_pd((p), (x))
#define VSET1(x) _mm256_set1_pd(x)
#define VSUB(x, y) _mm256_sub_pd((x), (y))
#define VMUL(x, y) _mm256_mul_pd((x), (y))
#define VADD(x, y) _mm256_add_pd((x), (y))
#define VMIN(x, y) _mm256_min_pd((x), (y))
#define VMAX(x, y) _mm256_max_pd((x), (y))
#define VABS(x) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (x))
#define VSHIFT_IN(x, s)                                                       \
    _mm256_blend_pd(_mm256_permute4x64_pd((x), 0x90), _mm256_set1_pd(s), 1)
/* 4 x 4 transpose: interleave row pairs within 128-bit halves, then
 * exchange the halves */
#define VTRANSPOSE(v)                                                         \
    do {                                                                      \
        __m256d t0_ = _mm256_unpacklo_pd((v)[0], (v)[1]);                     \
        __m256d t1_ = _mm256_unpackhi_pd((v)[0], (v)[1]);                     \
        __m256d t2_ = _mm256_unpacklo_pd((v)[2], (v)[3]);                     \
        __m256d t3_ = _mm256_unpackhi_pd((v)[2], (v)[3]);                     \
        (v)[0] = _mm256_permute2f128_pd(t0_, t2_, 0x20);                      \
        (v)[1] = _mm256_permute2f128_pd(t1_, t3_, 0x20);                      \
        (v)[2] = _mm256_permute2f128_pd(t0_, t2_, 0x31);                      \
        (v)[3] = _mm256_permute2f128_pd(t1_, t3_, 0x31);                      \
    } while (0)
