/*
 * avx2.c — the AVX2 backend: 4 doubles a vector. Compiled with -mavx2 only
 * (CMakeLists.txt) and called only when cpuid + xgetbv report AVX2. The
 * loops are the shared templates; this file only names the instructions.
 */
#include "cpu/cpu.h"

#include <immintrin.h>

#define VEC __m256d
#define VEC_WIDTH 4
/* 4 rows x (pattern + left value) + temporaries fit the 16 ymm registers */
#define LANE_ROWS 4
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTOREU(p, x) _mm256_storeu_pd((p), (x))
#define VSET1(x) _mm256_set1_pd(x)
#define VSUB(x, y) _mm256_sub_pd((x), (y))
#define VMUL(x, y) _mm256_mul_pd((x), (y))
#define VADD(x, y) _mm256_add_pd((x), (y))
#define VMIN(x, y) _mm256_min_pd((x), (y))
#define VABS(x) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (x))
#define VSHIFT_IN(x, s)                                                       \
    _mm256_blend_pd(_mm256_permute4x64_pd((x), 0x90), _mm256_set1_pd(s), 1)
#define FUNC(name) avx2_##name
#define KERNEL_ENTRY hdtw_avx2_run

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"

#define OPMIX_ENTRY hdtw_avx2_opmix
#include "cpu/opmix_template.h"
