/*
 * avx512.c — the AVX-512 backend: 8 doubles a vector. Compiled with
 * -mavx512f -mavx512dq -mavx512vl (CMakeLists.txt) and called only when
 * cpuid reports those subsets and xgetbv shows the OS saves ZMM state. The
 * loops (DTW kernels, the search's lower bounds, the op-mix bound) are the
 * shared templates; this file only names the instructions.
 */
#include "cpu/cpu.h"
#include "cpu/search.h"
#include "cpu/znorm.h"

#include <immintrin.h>
#include <math.h>

#define VEC __m512d
#define VEC_WIDTH 8
/* 8 rows x (pattern + left value) + temporaries fit the 32 zmm registers */
#define LANE_ROWS 8
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTOREU(p, x) _mm512_storeu_pd((p), (x))
#define VSET1(x) _mm512_set1_pd(x)
#define VSUB(x, y) _mm512_sub_pd((x), (y))
#define VMUL(x, y) _mm512_mul_pd((x), (y))
#define VADD(x, y) _mm512_add_pd((x), (y))
#define VMIN(x, y) _mm512_min_pd((x), (y))
#define VABS(x) _mm512_abs_pd(x)
#define VSHIFT_IN(x, s)                                                       \
    _mm512_castsi512_pd(_mm512_alignr_epi64(                                  \
        _mm512_castpd_si512(x), _mm512_castpd_si512(_mm512_set1_pd(s)), 7))
#define VDIV(x, y) _mm512_div_pd((x), (y))
#define VMAX(x, y) _mm512_max_pd((x), (y))
#define VHSUM(x) _mm512_reduce_add_pd(x)
#define VSQRT(x) _mm512_sqrt_pd(x)
#define VKEEP_IF_GE(a, b, x) \
    _mm512_maskz_mov_pd(_mm512_cmp_pd_mask((a), (b), _CMP_GE_OQ), (x))
#define FUNC(name) avx512_##name
#define KERNEL_ENTRY hdtw_avx512_run
#define OPMIX_ENTRY hdtw_avx512_opmix
#define LB_KERNELS hdtw_lb_avx512
#define SEARCH_ENTRY hdtw_avx512_search

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"
#include "cpu/opmix_template.h"
#include "cpu/search_lb_template.h"
