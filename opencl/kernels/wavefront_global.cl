/*
 * wavefront_global.cl -- windows too long for local memory, and long pairs
 * (20,000 x 20,000): the same anti-diagonal wavefront with the three
 * rotating diagonals of every window in global memory. The host launches
 * this kernel once per diagonal d (in-order queue: launch d + 1 sees every
 * cell of d); work-item (x, k) computes row lo(d) + x of window k.
 */
__kernel void dtw_wavefront_global(__global const double *pattern, int m,
                                   __global const double *series, int n,
                                   ulong stride, int count, int band,
                                   int squared, __global double *out,
                                   __global double *gdiags, int d)
{
    int k = get_global_id(1);
    dtw_rows rows = dtw_diag_rows(d, m, n, band);
    int i = rows.lo + (int)get_global_id(0);
    if (k >= count || i > rows.hi)
        return;

    __global double *diags = gdiags + (ulong)k * 3 * m;
    __global double *cur = diags + (d % 3) * m;
    __global double *prev1 = diags + ((d + 2) % 3) * m;
    __global double *prev2 = diags + ((d + 1) % 3) * m;
    dtw_rows rows1 = dtw_diag_rows(d - 1, m, n, band);
    dtw_rows rows2 = dtw_diag_rows(d - 2, m, n, band);
    __global const double *window = series + (ulong)k * stride;
    double value = DTW_CELL_AT(prev1, rows1, prev2, rows2, i, d, pattern[i],
                               window[d - i], squared);
    cur[i] = value;
    if (d == m + n - 2)
        out[k] = value; /* the last diagonal is the single cell (m-1, n-1) */
}
