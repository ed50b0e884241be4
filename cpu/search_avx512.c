/*
 * search_avx512.c — the search's lower bounds (cpu/search_lb_template.h)
 * with AVX-512, 8 doubles a vector, and the AVX-512 backend's search entry.
 * Compiled with the AVX-512 flags only (CMakeLists.txt) and registered only
 * when hdtw_cpu_features() reports AVX-512 (core/registry.c).
 */
#include "cpu/search_lb.h"

#include "cpu/cpu.h"
#include "cpu/search.h"
#include "cpu/znorm.h"

#include <immintrin.h>
#include <math.h>

#define VEC __m512d
#define VEC_WIDTH 8
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTOREU(p, x) _mm512_storeu_pd((p), (x))
#define VSET1(x) _mm512_set1_pd(x)
#define VADD(x, y) _mm512_add_pd((x), (y))
#define VSUB(x, y) _mm512_sub_pd((x), (y))
#define VMUL(x, y) _mm512_mul_pd((x), (y))
#define VDIV(x, y) _mm512_div_pd((x), (y))
#define VMAX(x, y) _mm512_max_pd((x), (y))
#define VMIN(x, y) _mm512_min_pd((x), (y))
#define VABS(x) _mm512_abs_pd(x)
#define VHSUM(x) _mm512_reduce_add_pd(x)
#define VSQRT(x) _mm512_sqrt_pd(x)
#define VKEEP_IF_GE(a, b, x) \
    _mm512_maskz_mov_pd(_mm512_cmp_pd_mask((a), (b), _CMP_GE_OQ), (x))
#define FUNC(name) avx512_lb_##name
#define LB_KERNELS hdtw_lb_avx512

#include "cpu/search_lb_template.h"

hdtw_status hdtw_avx512_search(const hdtw_call *call)
{
    return hdtw_search_with(call, &hdtw_lb_avx512);
}
