/*
 * cell.cl -- what every hdtw kernel shares: the pragmas that keep each cell
 * bit-identical to cpu/scalar, the cell itself, and the geometry of one
 * anti-diagonal inside the matrix and the band. OpenCL C 1.2 (the level
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
 * addition of the best predecessor: the cell of docs/DESIGN.md section 2. */
inline double dtw_cell(double x, double y, double best, int squared)
{
    double d = x - y;
    double cost = squared ? d * d : fabs(d);
    return cost + best;
}

/* Rows i of anti-diagonal d = i + j that exist: 0 <= i < m, 0 <= j < n and
 * |i - j| <= w (the effective band). Empty (lo > hi) for d < 0. */
typedef struct {
    int lo, hi;
} dtw_rows;

inline dtw_rows dtw_diag_rows(int d, int m, int n, int w)
{
    dtw_rows r;
    r.lo = max(0, d - (n - 1));
    if (d > w)
        r.lo = max(r.lo, (d - w + 1) / 2); /* i - j >= -w, j = d - i */
    r.hi = min(d, m - 1);
    if (d + w >= 0)
        r.hi = min(r.hi, (d + w) / 2);     /* i - j <= w */
    return r;
}

inline int dtw_has_row(dtw_rows r, int i)
{
    return i >= r.lo && i <= r.hi;
}

/* D(i, j) on diagonal d from the two diagonals before it, each indexed by
 * row: up = D(i-1, j) and left = D(i, j-1) on d - 1, diag = D(i-1, j-1) on
 * d - 2; a cell outside the matrix or the band reads as +inf, and the
 * origin's diagonal predecessor is 0 so that D(0,0) = cost. A macro because
 * OpenCL C 1.2 functions cannot take pointers of either address space. */
#define DTW_CELL_AT(prev1, rows1, prev2, rows2, i, d, x, y, squared)          \
    dtw_cell((x), (y),                                                      \
             dtw_min2(dtw_min2(dtw_has_row((rows1), (i) - 1)                \
                                   ? (prev1)[(i) - 1] : INFINITY,           \
                               dtw_has_row((rows1), (i))                    \
                                   ? (prev1)[(i)] : INFINITY),              \
                      (d) == 0 ? 0.0                                        \
                      : dtw_has_row((rows2), (i) - 1) ? (prev2)[(i) - 1]    \
                                                      : INFINITY),          \
             (squared))
