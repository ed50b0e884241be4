/* SPDX-License-Identifier: MIT */
/*
 * avx512.c — the AVX-512 backend: 8 doubles a vector. Compiled with
 * -mavx512f -mavx512dq -mavx512vl (CMakeLists.txt) and called only when
 * cpuid reports those subsets and xgetbv shows the OS saves ZMM state. The
 * loops (DTW kernels, the search's lower bounds, the op-mix bound) are the
 * shared templates; this file only names the instructions.
 *
 * Short pairs run the stripes at AVX2's shape (4 lanes x 4 rows, 256-bit):
 * a 64-row stripe pads so many rows, and its skew (STRIPE_SPAN in
 * kernel_stripes.h) so many columns, on a short pair that there 512-bit
 * vectors lose to 256-bit ones. The crossing is at 256 rows on a CPU that
 * runs each 512-bit op as two 256-bit halves (AMD Zen 4) and at 64 rows
 * where they run at full width (Intel): below it the 256-bit shape is
 * 15-35% faster, from 64 to 80 rows the two tie, above the 64-row stripes
 * win (bench/RESULTS.md, "Short pairs on AVX-512, again").
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
#define SHORT_STRIPES_BELOW (avx512_split_datapath() ? 256u : 64u)

/* ------------------------------------------------- everything else */

#include "cpu/isa_avx512.h"
/* the last stripe of a pair when it holds few rows, which the 64-row
 * stripes below hand over to */
#define TAIL_STRIPE(name) avx512_tail_##name
#include "cpu/kernel_tail.h"
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
