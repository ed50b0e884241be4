/* SPDX-License-Identifier: MIT */
/*
 * kernel_diag.h — one long pair by anti-diagonals, included once per ISA
 * after kernel_lanes.h (same macros). The cells of anti-diagonal d = i + j
 * depend only on diagonals d - 1 and d - 2, so VEC_WIDTH consecutive i of
 * one diagonal are computed at once, with the scalar reference's cell
 * arithmetic.
 *
 * Diagonal buffers are indexed by i + 1 (index 0 is i = -1). b is stored
 * reversed so that b[d - i] is contiguous in i. The pattern and reversed b
 * are padded by VEC_WIDTH zeros and the diagonals by VEC_WIDTH cells, so the
 * last vector of a diagonal may run past its last cell: what it computes
 * there is never read, because after each diagonal the one cell on either
 * side of its range is set to +inf, and the next two diagonals read no
 * further (their ranges start no earlier and end at most one cell later).
 */

/* First and last i of diagonal d inside the matrix and the band w. */
static void FUNC(diag_range)(size_t d, size_t m, size_t n, size_t w,
                             size_t *ilo, size_t *ihi)
{
    size_t lo = d >= n ? d - (n - 1) : 0, hi = d < m - 1 ? d : m - 1;
    size_t band_lo = d > w ? (d - w + 1) / 2 : 0, band_hi = (d + w) / 2;
    *ilo = lo > band_lo ? lo : band_lo;
    *ihi = hi < band_hi ? hi : band_hi;
}

/* Doubles of work area diag_dp needs for an m x n pair. */
static size_t FUNC(diag_work_doubles)(size_t m, size_t n)
{
    return (m + VEC_WIDTH) + (n + VEC_WIDTH) + 3 * (m + 1 + VEC_WIDTH);
}

ALWAYS_INLINE double FUNC(diag_dp)(int squared, const double *a, size_t m,
                                   const double *b, size_t n, size_t w,
                                   double *work)
{
    double *pa = work, *rb = pa + m + VEC_WIDTH;
    double *diag[3];
    diag[0] = rb + n + VEC_WIDTH;
    diag[1] = diag[0] + m + 1 + VEC_WIDTH;
    diag[2] = diag[1] + m + 1 + VEC_WIDTH;
    for (size_t i = 0; i < m + VEC_WIDTH; i++)
        pa[i] = i < m ? a[i] : 0.0;
    for (size_t k = 0; k < n + VEC_WIDTH; k++)
        rb[k] = k < n ? b[n - 1 - k] : 0.0;
    for (size_t i = 0; i < 3 * (m + 1 + VEC_WIDTH); i++)
        diag[0][i] = INFINITY;
    diag[0][0] = 0.0; /* D(-1, -1) on "diagonal -2": D(0,0) = c + 0 */

    double *before = diag[0], *prev = diag[1], *cur = diag[2];
    for (size_t d = 0; d + 1 < m + n; d++) {
        size_t ilo, ihi;
        FUNC(diag_range)(d, m, n, w, &ilo, &ihi);
        for (size_t i = ilo; i <= ihi; i += VEC_WIDTH) {
            VEC best = VMIN(VMIN(VLOADU(before + i), VLOADU(prev + i)),
                            VLOADU(prev + i + 1));
            /* rb[n - 1 + i - d] = b[d - i]; i >= d - (n - 1) */
            VEC c = FUNC(cost)(squared, VLOADU(pa + i),
                               VLOADU(rb + (n - 1 + i - d)));
            VSTOREU(cur + i + 1, VADD(c, best));
        }
        cur[ilo] = INFINITY;
        cur[ihi + 2] = INFINITY;
        double *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

static double FUNC(diag_dp_abs)(const double *a, size_t m, const double *b,
                                size_t n, size_t w, double *work)
{
    return FUNC(diag_dp)(0, a, m, b, n, w, work);
}

static double FUNC(diag_dp_squared)(const double *a, size_t m,
                                    const double *b, size_t n, size_t w,
                                    double *work)
{
    return FUNC(diag_dp)(1, a, m, b, n, w, work);
}
