/*
 * wavefront_local.cl -- batches and sliding windows: one work-group holds
 * `get_local_size(1)` windows, one row of work-items per window. The
 * pattern sits in local memory, shared by the group's windows; each window
 * has three rotating anti-diagonal buffers in local memory (indexed by
 * row), and the group advances one diagonal per barrier. A window is read
 * from the series buffer at its offset k * stride: no copy of windows.
 */
__kernel void dtw_wavefront_local(__global const double *pattern, int m,
                                  __global const double *series, int n,
                                  ulong stride, int count, int band,
                                  int squared, __global double *out,
                                  __local double *lpattern,
                                  __local double *ldiags)
{
    int lane = get_local_id(0), lanes = get_local_size(0);
    int flat = get_local_id(1) * lanes + lane;
    int group_items = lanes * get_local_size(1);
    for (int i = flat; i < m; i += group_items)
        lpattern[i] = pattern[i];

    int k = get_global_id(1);
    int active = k < count;
    __global const double *window = series + (active ? (ulong)k * stride : 0);
    __local double *diags = ldiags + get_local_id(1) * 3 * m;
    int last = m + n - 2;
    barrier(CLK_LOCAL_MEM_FENCE);

    for (int d = 0; d <= last; d++) {
        __local double *cur = diags + (d % 3) * m;
        __local double *prev1 = diags + ((d + 2) % 3) * m;
        __local double *prev2 = diags + ((d + 1) % 3) * m;
        dtw_rows rows = dtw_diag_rows(d, m, n, band);
        dtw_rows rows1 = dtw_diag_rows(d - 1, m, n, band);
        dtw_rows rows2 = dtw_diag_rows(d - 2, m, n, band);
        if (active) {
            for (int i = rows.lo + lane; i <= rows.hi; i += lanes)
                cur[i] = DTW_CELL_AT(prev1, rows1, prev2, rows2, i, d,
                                     lpattern[i], window[d - i], squared);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (active && lane == 0)
        out[k] = diags[(last % 3) * m + m - 1];
}
