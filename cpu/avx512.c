/*
 * avx512.c — the AVX-512 backend: 8 doubles a vector. Compiled with
 * -mavx512f -mavx512dq -mavx512vl (CMakeLists.txt) and called only when
 * cpuid reports those subsets and xgetbv shows the OS saves ZMM state. The
 * loops are the shared templates; this file only names the instructions.
 */
#include "cpu/cpu.h"

#include <immintrin.h>

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
#define FUNC(name) avx512_##name
#define KERNEL_ENTRY hdtw_avx512_run

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"

#define OPMIX_ENTRY hdtw_avx512_opmix
#include "cpu/opmix_template.h"
