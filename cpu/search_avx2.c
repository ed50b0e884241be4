/*
 * search_avx2.c — the search's lower bounds (cpu/search_lb_template.h) with
 * AVX2, 4 doubles a vector, and the AVX2 backend's search entry. Compiled
 * with -mavx2 only (CMakeLists.txt) and registered only when
 * hdtw_cpu_features() reports AVX2 (core/registry.c).
 */
#include "cpu/search_lb.h"

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

#define VEC __m256d
#define VEC_WIDTH 4
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTOREU(p, x) _mm256_storeu_pd((p), (x))
#define VSET1(x) _mm256_set1_pd(x)
#define VADD(x, y) _mm256_add_pd((x), (y))
#define VSUB(x, y) _mm256_sub_pd((x), (y))
#define VMUL(x, y) _mm256_mul_pd((x), (y))
#define VDIV(x, y) _mm256_div_pd((x), (y))
#define VMAX(x, y) _mm256_max_pd((x), (y))
#define VMIN(x, y) _mm256_min_pd((x), (y))
#define VABS(x) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (x))
#define VHSUM(x) avx2_hsum(x)
#define VSQRT(x) _mm256_sqrt_pd(x)
#define VKEEP_IF_GE(a, b, x) \
    _mm256_and_pd(_mm256_cmp_pd((a), (b), _CMP_GE_OQ), (x))
#define FUNC(name) avx2_lb_##name
#define LB_KERNELS hdtw_lb_avx2

#include "cpu/search_lb_template.h"

hdtw_status hdtw_avx2_search(const hdtw_call *call)
{
    return hdtw_search_with(call, &hdtw_lb_avx2);
}
