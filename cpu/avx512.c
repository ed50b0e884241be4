/* SPDX-License-Identifier: MIT */
/*
 * avx512.c — the AVX-512 backend: 8 doubles a vector. Compiled with
 * -mavx512f -mavx512dq -mavx512vl (CMakeLists.txt) and called only when
 * cpuid reports those subsets and xgetbv shows the OS saves ZMM state. The
 * loops (DTW kernels, the search's lower bounds, the op-mix bound) are the
 * shared templates; this file only names the instructions.
 *
 * On a CPU that runs each 512-bit op as two 256-bit halves (AMD Zen 4),
 * pairs of fewer than 256 rows run the stripes at AVX2's shape (4 lanes x
 * 4 rows, 256-bit): a 64-row stripe with a 42-column skew pads so many
 * slots on a short pair that there 512-bit vectors lose to 256-bit ones.
 * Where 512-bit ops run at full width (Intel) the 64-row stripes win from
 * 50 rows up (bench/RESULTS.md, "Short pairs on AVX-512").
 */
#include "cpu/cpu.h"
#include "cpu/search.h"
#include "cpu/znorm.h"

#include <cpuid.h>
#include <immintrin.h>
#include <math.h>
#include <stdatomic.h>

/* 1 on AMD family 19h, the one family with AVX-512 on split 256-bit
 * datapaths (Zen 3, also 19h, has no AVX-512 and never gets here). cpuid
 * traps to the hypervisor in a VM, so it is read once; threads that race
 * on the first call all store the same value. */
static int avx512_split_datapath(void)
{
    static atomic_int known = -1;
    int split = atomic_load_explicit(&known, memory_order_relaxed);
    if (split >= 0)
        return split;
    unsigned eax, ebx, ecx, edx;
    split = 0;
    if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) && ebx == signature_AMD_ebx &&
        ecx == signature_AMD_ecx && edx == signature_AMD_edx &&
        __get_cpuid(1, &eax, &ebx, &ecx, &edx))
        split = ((eax >> 8) & 0xfu) + ((eax >> 20) & 0xffu) == 0x19u;
    atomic_store_explicit(&known, split, memory_order_relaxed);
    return split;
}

/* ------------------------------------- short pairs: the 256-bit shape */

#include "cpu/isa_avx2.h"
#define FUNC(name) avx512_short_##name
/* only the stripes of this instantiation are called; the lane and
 * anti-diagonal functions that come with the templates are not */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "cpu/kernel_lanes.h"
#include "cpu/kernel_stripes.h"
#pragma GCC diagnostic pop
#undef VEC
#undef VEC_WIDTH
#undef LANE_ROWS
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VSUB
#undef VMUL
#undef VADD
#undef VMIN
#undef VMAX
#undef VABS
#undef VSHIFT_IN
#undef VTRANSPOSE
#undef FUNC

#define SHORT_STRIPES_RUN avx512_short_stripes_run
#define SHORT_STRIPES_BELOW (avx512_split_datapath() ? 256u : 0u)

/* ------------------------------------------------- everything else */

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
#define VDIV(x, y) _mm512_div_pd((x), (y))
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
