/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

hdtw_ctx *test_ctx;

void test_ctx_setup(void)
{
    ck_assert_int_eq(hdtw_create(&test_ctx), HDTW_OK);
}

void test_ctx_teardown(void)
{
    hdtw_destroy(test_ctx);
    test_ctx = NULL;
}

static uint64_t environment_seed(void)
{
    const char *text = getenv("HDTW_TEST_SEED");
    if (!text || !*text)
        return 0;
    char *end;
    unsigned long long seed = strtoull(text, &end, 0);
    if (*end) {
        fprintf(stderr, "HDTW_TEST_SEED=%s is not a number\n", text);
        exit(EXIT_FAILURE);
    }
    return seed;
}

uint64_t test_seed(uint64_t base)
{
    uint64_t seed = environment_seed();
    if (seed == 0)
        return base;
    test_rng mix = { seed ^ base * 0x9e3779b97f4a7c15ull };
    return test_next(&mix);
}

uint64_t test_next(test_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

size_t test_range(test_rng *r, size_t lo, size_t hi)
{
    return lo + (size_t)(test_next(r) % (uint64_t)(hi - lo + 1));
}

double test_unit(test_rng *r)
{
    return (double)(test_next(r) >> 11) * 0x1.0p-52 - 1.0;
}

void test_fill_series(test_rng *r, double *x, size_t n)
{
    int integer_steps = test_next(r) % 4 == 0;
    double level = test_unit(r) * 100.0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && test_next(r) % 8 == 0) {
            x[i] = x[i - 1]; /* flat stretches: ties in the path */
            continue;
        }
        level += integer_steps ? (double)((int)test_range(r, 0, 4) - 2)
                               : test_unit(r);
        x[i] = level;
    }
}

void *test_alloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    ck_assert_ptr_nonnull(p);
    return p;
}

static int in_band(long band, size_t i, size_t j, size_t m, size_t n)
{
    if (band < 0)
        return 1;
    long skew = labs((long)m - (long)n);
    long width = band > skew ? band : skew;
    return labs((long)i - (long)j) <= width;
}

double *naive_dtw_matrix(hdtw_cost cost, long band, const double *a,
                         size_t m, const double *b, size_t n)
{
    /* plain malloc, no Check assertion: the fuzz harnesses (tests/fuzz)
     * call this outside a Check runner */
    double *D = malloc(m * n * sizeof *D);
    if (!D)
        abort();
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            double *cell = &D[i * n + j];
            if (!in_band(band, i, j, m, n)) {
                *cell = INFINITY;
                continue;
            }
            double diff = a[i] - b[j];
            double c = cost == HDTW_COST_SQUARED ? diff * diff : fabs(diff);
            if (i == 0 && j == 0) {
                *cell = c;
                continue;
            }
            double best = INFINITY;
            if (i > 0 && D[(i - 1) * n + j] < best)
                best = D[(i - 1) * n + j];
            if (j > 0 && D[i * n + j - 1] < best)
                best = D[i * n + j - 1];
            if (i > 0 && j > 0 && D[(i - 1) * n + j - 1] < best)
                best = D[(i - 1) * n + j - 1];
            *cell = c + best;
        }
    }
    return D;
}

double naive_dtw(hdtw_cost cost, long band, const double *a, size_t m,
                 const double *b, size_t n)
{
    double *D = naive_dtw_matrix(cost, band, a, m, b, n);
    double d = D[m * n - 1];
    free(D);
    return d;
}

void naive_window_stats(const double *x, size_t n, double *mean_out,
                        double *sd_out)
{
    int constant = 1;
    for (size_t i = 1; i < n; i++)
        constant &= x[i] == x[0];
    double sum = 0.0, acc = 0.0;
    for (size_t i = 0; i < n; i++)
        sum = sum + x[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        acc = acc + (x[i] - mean) * (x[i] - mean);
    *mean_out = constant ? 0.0 : mean;
    *sd_out = constant ? 0.0 : sqrt(acc / (double)n);
}

void naive_znorm(const double *x, size_t n, double *out)
{
    double mean, sd;
    naive_window_stats(x, n, &mean, &sd);
    for (size_t i = 0; i < n; i++)
        out[i] = sd == 0.0 ? 0.0 : (x[i] - mean) / sd;
}

static int rank_order(const void *x, const void *y)
{
    const hdtw_match *a = x, *b = y;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return (a->start > b->start) - (a->start < b->start);
}

/* x[0..m-1] into out, z-normalised when znorm is set */
static hdtw_status prepare(int znorm, const double *x, size_t m, double *out)
{
    if (znorm)
        return hdtw_znorm(x, m, out);
    memcpy(out, x, m * sizeof *out);
    return HDTW_OK;
}

/* The first k of the ranked windows all[0..count-1] that the exclusion
 * allows, into out; returns how many. */
static size_t exclusion_walk(const hdtw_match *all, size_t count,
                             size_t exclusion, size_t k, hdtw_match *out)
{
    size_t found = 0;
    for (size_t r = 0; r < count && found < k; r++) {
        int clash = 0;
        for (size_t c = 0; c < found; c++) {
            size_t a = all[r].start, b = out[c].start;
            clash |= (a > b ? a - b : b - a) < exclusion;
        }
        if (!clash)
            out[found++] = all[r];
    }
    return found;
}

hdtw_status brute_force_search(hdtw_ctx *ctx, const hdtw_search_params *sp,
                               const double *query, size_t m,
                               const double *series, size_t len, size_t k,
                               hdtw_match *out, size_t *found)
{
    hdtw_search_params params = sp ? *sp : HDTW_SEARCH_DEFAULT;
    size_t count = len - m + 1;
    size_t exclusion = params.exclusion == HDTW_EXCLUSION_AUTO
                           ? m / 2 : params.exclusion;
    double *q = malloc(m * sizeof *q), *w = malloc(m * sizeof *w);
    hdtw_match *all = malloc(count * sizeof *all);
    if (!q || !w || !all)
        abort();
    hdtw_status s = prepare(params.znorm, query, m, q);
    for (size_t start = 0; start < count && s == HDTW_OK; start++) {
        s = prepare(params.znorm, series + start, m, w);
        all[start].start = start;
        if (s == HDTW_OK)
            s = hdtw_distance(ctx, &params.dtw, q, m, w, m,
                              &all[start].distance);
    }
    if (s == HDTW_OK) {
        qsort(all, count, sizeof *all, rank_order);
        *found = exclusion_walk(all, count, exclusion, k, out);
    }
    free(all);
    free(w);
    free(q);
    return s;
}

/* the names changed since the last restore, and their values before */
enum { SAVED_MAX = 8 };
static struct {
    const char *name;
    char *before; /* NULL: was unset */
} saved[SAVED_MAX];
static size_t saved_count;

static void remember(const char *name)
{
    for (size_t k = 0; k < saved_count; k++)
        if (strcmp(saved[k].name, name) == 0)
            return;
    ck_assert_uint_lt(saved_count, SAVED_MAX);
    const char *value = getenv(name);
    saved[saved_count].name = name;
    saved[saved_count].before = value ? strdup(value) : NULL;
    ck_assert(!value || saved[saved_count].before);
    saved_count++;
}

void test_setenv(const char *name, const char *value)
{
    remember(name);
    ck_assert_int_eq(setenv(name, value, 1), 0);
}

void test_unsetenv(const char *name)
{
    remember(name);
    ck_assert_int_eq(unsetenv(name), 0);
}

void test_env_restore(void)
{
    for (size_t k = 0; k < saved_count; k++) {
        if (saved[k].before)
            setenv(saved[k].name, saved[k].before, 1);
        else
            unsetenv(saved[k].name);
        free(saved[k].before);
    }
    saved_count = 0;
}

int same_bits(double x, double y)
{
    return memcmp(&x, &y, sizeof x) == 0;
}

int test_run_suite(Suite *s, enum fork_status fork_mode)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, fork_mode);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (failed)
        fprintf(stderr, "replay with HDTW_TEST_SEED=%llu\n",
                (unsigned long long)environment_seed());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
