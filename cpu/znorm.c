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
 * lanes never mix; cpu/znorm_block.h). Built for AVX-512, AVX2 and the
 * baseline, chosen at run time; all perform the same IEEE operations, so
 * the bits agree.
 */
#include "cpu/znorm.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef double vec4 __attribute__((vector_size(32)));
typedef double vec8 __attribute__((vector_size(64)));

/* 24 lanes: six vectors of four with AVX2, three of eight with AVX-512,
 * so that an add's latency is hidden behind the other chains. */
#define LANES 24
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

/* The AVX2 and baseline clones (four lanes a vector), chosen by an ifunc
 * resolver at load time, and an AVX-512 build (eight lanes a vector: GCC
 * would lower those to AVX2 poorly, hence not a third clone), chosen per
 * call from libgcc's cpu model. Under ThreadSanitizer the resolver would be
 * instrumented and run before TSan is initialised (a crash at load of any
 * program that links this file), so a TSan build keeps the baseline only:
 * the same operations, and the races TSan looks for do not depend on the
 * ISA. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HDTW_TSAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(HDTW_TSAN_BUILD) || \
    !(defined(__x86_64__) || defined(__i386__))
#define STATS_CLONES
#else
#define STATS_CLONES __attribute__((target_clones("avx2", "default")))
#define STATS_AVX512 1
#endif

#define BLOCK_VEC vec4
#define BLOCK_WIDTH 4
#define BLOCK_NAME stats_block4
#define BLOCK_ATTRS STATS_CLONES
#include "cpu/znorm_block.h"

#ifdef STATS_AVX512
#define BLOCK_VEC vec8
#define BLOCK_WIDTH 8
#define BLOCK_NAME stats_block8
#define BLOCK_ATTRS __attribute__((target("avx512f")))
#include "cpu/znorm_block.h"
#endif

/* Windows x .. x + LANES - 1. */
static void stats_block(const double *x, size_t m, double *mean, double *sd)
{
#ifdef STATS_AVX512
    if (__builtin_cpu_supports("avx512f")) {
        stats_block8(x, m, mean, sd);
        return;
    }
#endif
    stats_block4(x, m, mean, sd);
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
 * m <= 2^40 (m u <= 2^-13; longer windows are all compared), against the
 * m 2^-50 |x| = 8 m u |x| used here. Underflow (subnormal values or
 * differences) adds at most a few 2^-537 (a d_i below 2^-537 squares to
 * at most the smallest subnormal), covered by the 2^-500. Overflow makes
 * mean or sd non-finite, which is checked too.
 */
static void mark_constant(const double *x, size_t m, size_t count,
                          double *mean, double *sd)
{
    int check_all = m > ((size_t)1 << 40);
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
