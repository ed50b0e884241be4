/* SPDX-License-Identifier: MIT */
/*
 * avx2.c — the AVX2 backend: 4 doubles a vector. Compiled with -mavx2 only
 * (CMakeLists.txt) and called only when cpuid + xgetbv report AVX2. The
 * loops (DTW kernels, the search's lower bounds, the op-mix bound) are the
 * shared templates; isa_avx2.h names the instructions they share with
 * avx512.c's short pairs, this file the search's extra ones.
 */
#include "cpu/cpu.h"
#include "cpu/search.h"
#include "cpu/znorm.h"

#include <immintrin.h>
#include <math.h>

static inline double avx2_hsum(__m256d x)
{
    __m128d pair = _mm_add_pd(_mm256_castpd256_pd128(x),
                              _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
}

#include "cpu/isa_avx2.h"
#define VDIV(x, y) _mm256_div_pd((x), (y))
#define VHSUM(x) avx2_hsum(x)
#define VSQRT(x) _mm256_sqrt_pd(x)
#define VKEEP_IF_GE(a, b, x) \
    _mm256_and_pd(_mm256_cmp_pd((a), (b), _CMP_GE_OQ), (x))
#define FUNC(name) avx2_##name
#define KERNEL_ENTRY hdtw_avx2_run
#define OPMIX_ENTRY hdtw_avx2_opmix
#define LB_KERNELS hdtw_lb_avx2
#define SEARCH_ENTRY hdtw_avx2_search

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"
#include "cpu/opmix_template.h"
#include "cpu/search_lb_template.h"
