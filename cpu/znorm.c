/* SPDX-License-Identifier: MIT */
/*
 * znorm.c — window statistics for z-normalisation, vectorised across
 * windows.
 *
 * Running sums (add the entering point, subtract the leaving one) would be
 * O(1) per window but round differently from summing each window on its
 * own, and the promise is that hdtw_search's windows are the bits
 * hdtw_znorm gives. So every window is summed from scratch in index order;
 * the speed comes from doing LANES adjacent windows at once: lane l of the
 * accumulators holds window w + l, each lane is its own sequential sum in
 * a vector register (GCC vector extensions; no reassociation happens:
 * lanes never mix). Built for AVX-512, AVX2 and the baseline, chosen
 * at load time; all perform the same IEEE operations, so the bits agree.
 */
#include "cpu/znorm.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Eight lanes: one register with AVX-512, two with AVX2 (GCC splits the
 * operations), four with SSE2; the same IEEE operations per lane. */
typedef double vec8 __attribute__((vector_size(64)));

/* x[0 .. 7] into a vec8, unaligned (memcpy: no aliasing question, vector
 * loads; a macro, as a function returning vec8 would change ABI) */
#define LOAD8(dst, x) memcpy(&(dst), (x), sizeof(vec8))

/* Three accumulators of eight lanes (six of four with AVX2): an add's
 * latency is hidden behind the other chains. */
#define VECS 3
#define LANES (8 * VECS)
_Static_assert(LANES == HDTW_STATS_BLOCK, "znorm.h promises LANES windows");

/* The two sums of window x[0 .. m-1], one lane of the block below, spelt
 * out for the tail windows (fewer than LANES left). */
static void stats_one(const double *x, size_t m, double *mean, double *sd)
{
    double sum = 0.0, acc = 0.0;
    for (size_t i = 0; i < m; i++)
        sum += x[i];
    double mu = sum / (double)m;
    for (size_t i = 0; i < m; i++) {
        double d = x[i] - mu;
        acc += d * d;
    }
    *mean = mu;
    *sd = sqrt(acc / (double)m);
}

/* The AVX-512, AVX2 and baseline clones, chosen by an ifunc resolver at
 * load time.
 * Under ThreadSanitizer the resolver would be instrumented and run before
 * TSan is initialised (a crash at load of any program that links this
 * file), so a TSan build keeps the baseline clone only: the same operations,
 * and the races TSan looks for do not depend on the ISA. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HDTW_TSAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(HDTW_TSAN_BUILD)
#define STATS_CLONES
#else
#define STATS_CLONES \
    __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

/* Windows x .. x + LANES - 1: lane l of vector v is window 8 v + l. */
STATS_CLONES
static void stats_block(const double *x, size_t m, double *mean, double *sd)
{
    vec8 sum[VECS] = { 0 }, acc[VECS] = { 0 }, mu[VECS];
    for (size_t i = 0; i < m; i++)
        for (int v = 0; v < VECS; v++) {
            vec8 t;
            LOAD8(t, x + i + 8 * v);
            sum[v] += t;
        }
    for (int v = 0; v < VECS; v++)
        mu[v] = sum[v] / (double)m;
    for (size_t i = 0; i < m; i++)
        for (int v = 0; v < VECS; v++) {
            vec8 d;
            LOAD8(d, x + i + 8 * v);
            d -= mu[v];
            acc[v] += d * d;
        }
    for (int v = 0; v < VECS; v++)
        for (int l = 0; l < 8; l++) {
            mean[8 * v + l] = mu[v][l];
            sd[8 * v + l] = sqrt(acc[v][l] / (double)m);
        }
}

/* Whether x[0 .. m-1] all compare equal. */
static int all_equal(const double *x, size_t m)
{
    for (size_t i = 1; i < m; i++)
        if (!(x[i] == x[0]))
            return 0;
    return 1;
}

/*
 * Constant windows, found without a pass over every window's points: only
 * a window whose sums came out near zero (or non-finite) is compared point
 * by point. Why that misses none: if all m values equal x, the index-order
 * sum is m x (1 + t), |t| <= gamma_{m-1} (Higham 3.1, 4.2), so
 * |mean - x| <= gamma_m |x|, every |d_i| <= (1 + u) gamma_m |x| and sd is
 * at most that times (1 + u)^3 (1 + gamma_m): below 1.1 m u |x| for
 * m u <= 1/16, against the m 2^-50 |x| = 8 m u |x| used here. Underflow
 * (subnormal values or differences) adds at most a few 2^-537 (a d_i below
 * 2^-537 squares to at most the smallest subnormal), covered by the
 * 2^-500. Overflow makes mean or sd non-finite, which is checked too.
 */
static void mark_constant(const double *x, size_t m, size_t count,
                          double *mean, double *sd)
{
    int check_all = m > ((size_t)1 << 40); /* m u above 1/16 */
    double scale = (double)m * 0x1p-50;
    for (size_t w = 0; w < count; w++) {
        double near_zero = scale * fabs(x[w]) + 0x1p-500;
        int suspect = check_all || !(sd[w] <= DBL_MAX) ||
                      !(fabs(mean[w]) <= DBL_MAX) || sd[w] <= near_zero;
        if (suspect && all_equal(x + w, m)) {
            mean[w] = 0.0;
            sd[w] = 0.0;
        }
    }
}

void hdtw_window_stats(const double *x, size_t m, size_t count, double *mean,
                       double *sd)
{
    size_t w = 0;
    for (; w + LANES <= count; w += LANES)
        stats_block(x + w, m, mean + w, sd + w);
    for (; w < count; w++)
        stats_one(x + w, m, mean + w, sd + w);
    mark_constant(x, m, count, mean, sd);
}
