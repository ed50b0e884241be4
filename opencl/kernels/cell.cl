/* SPDX-License-Identifier: MIT */
/*
 * cell.cl -- what every hdtw kernel shares: the pragmas that keep each cell
 * bit-identical to cpu/scalar, and the cell itself. OpenCL C 1.2 (the level
 * NVIDIA's compiler accepts): no generic address space, no sub-groups.
 */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
/* without this the compiler may fuse d * d + best into an fma */
#pragma OPENCL FP_CONTRACT OFF

/* A work-item may run DTW_LANES windows side by side in the lanes of a
 * vector (the host sets it: 1 on GPUs, where the hardware vectorises
 * across work-items; the native double vector width on CPU devices, whose
 * compilers do not vectorise kernels with loops). */
#ifndef DTW_LANES
#define DTW_LANES 1
#endif
#if DTW_LANES == 1
typedef double dvec;
#define dtw_vload(p) (*(p))
#define dtw_vstore(v, p) (*(p) = (v))
#elif DTW_LANES == 2
typedef double2 dvec;
#define dtw_vload(p) vload2(0, (p))
#define dtw_vstore(v, p) vstore2((v), 0, (p))
#elif DTW_LANES == 4
typedef double4 dvec;
#define dtw_vload(p) vload4(0, (p))
#define dtw_vstore(v, p) vstore4((v), 0, (p))
#elif DTW_LANES == 8
typedef double8 dvec;
#define dtw_vload(p) vload8(0, (p))
#define dtw_vstore(v, p) vstore8((v), 0, (p))
#else
#error DTW_LANES must be 1, 2, 4 or 8
#endif
#define DTW_INF ((dvec)(INFINITY))

/* Every helper is inlined: the row cells must end up in one unrolled
 * straight line in registers, and a CPU device vectorises no calls. */
#define DTW_INLINE static inline __attribute__((always_inline))

/* Exactly cpu/cell.h, lane by lane: the built-in min() is undefined for
 * infinities; every value here is >= +0 (never -0: costs are fabs or
 * squares of finite differences) or +inf, never NaN, so the compare-select
 * and IEEE fmin give the same bits. DTW_HW_MIN (set for GPUs) takes fmin,
 * one min.f64 on NVIDIA instead of a compare and a select; CPU devices
 * keep the compare-select, one vminpd on x86 where fmin costs three. */
DTW_INLINE dvec dtw_min2(dvec x, dvec y)
{
#ifdef DTW_HW_MIN
    return fmin(x, y);
#else
    return y < x ? y : x;
#endif
}

/* One rounded subtraction, then fabs or one multiply, then one rounded
 * addition of the best predecessor: the cell of docs/DESIGN.md section 2. */
DTW_INLINE dvec dtw_cell(double x, dvec y, dvec best, int squared)
{
    dvec d = x - y;
    dvec cost = squared ? d * d : fabs(d);
    return cost + best;
}
