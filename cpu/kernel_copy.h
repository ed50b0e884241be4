/* SPDX-License-Identifier: MIT */
/*
 * kernel_copy.h — VEC_WIDTH windows of the series read into lane-major
 * vectors (value j of every window in one vector), and the finiteness
 * fold of the values read: the lanes kernel's copy (cpu/kernel_lanes.h)
 * and the subsequence chunks' tiles (cpu/subsequence_chunks.h). A
 * template, included by those headers, with their ISA's macros (VEC,
 * VEC_WIDTH, VLOADU, VADD, VSUB, VTRANSPOSE; optionally VFOLD_NONFINITE
 * and VLOAD_TRANSPOSED) and FUNC.
 */
#include "cpu/cell.h"

#include <stddef.h>

/* acc with the values of x folded in: +0 while every value is finite, NaN
 * from the first NaN or +-Inf on. By default x - x (+0 for a finite x, NaN
 * otherwise) added to acc; an ISA with a fused multiply-add defines
 * VFOLD_NONFINITE as x * 0 + acc, one instruction (+-0 or NaN, exact). */
#undef FOLD_NONFINITE
#ifdef VFOLD_NONFINITE
#define FOLD_NONFINITE(acc, x) VFOLD_NONFINITE((acc), (x))
#else
#define FOLD_NONFINITE(acc, x) VADD((acc), VSUB((x), (x)))
#endif

/* v[k] = value j + k of the VEC_WIDTH windows w (lane l from w[l]): by
 * default VEC_WIDTH loads and VTRANSPOSE; an ISA may fuse the two
 * (VLOAD_TRANSPOSED). */
ALWAYS_INLINE void FUNC(load_transposed)(VEC *v, const double *const *w,
                                         size_t j)
{
#ifdef VLOAD_TRANSPOSED
    VLOAD_TRANSPOSED(v, w, j);
#else
    for (size_t l = 0; l < VEC_WIDTH; l++)
        v[l] = VLOADU(w[l] + j);
    VTRANSPOSE(v);
#endif
}
