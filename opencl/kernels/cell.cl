/*
 * cell.cl -- what every hdtw kernel shares: the pragmas that keep each cell
 * bit-identical to cpu/scalar, and the cell itself. OpenCL C 1.2 (the level
 * NVIDIA's compiler accepts): no generic address space, no sub-groups.
 */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
/* without this the compiler may fuse d * d + best into an fma */
#pragma OPENCL FP_CONTRACT OFF

/* Exactly cpu/cell.h: the built-in min() is undefined for infinities, and
 * every value here is >= +0 or +inf, so this order-free form is exact. */
inline double dtw_min2(double x, double y)
{
    return y < x ? y : x;
}

/* One rounded subtraction, then fabs or one multiply, then one rounded
 * addition of the best predecessor: the cell of DESIGN.md section 1. */
inline double dtw_cell(double x, double y, double best, int squared)
{
    double d = x - y;
    double cost = squared ? d * d : fabs(d);
    return cost + best;
}
