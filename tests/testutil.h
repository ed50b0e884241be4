/* SPDX-License-Identifier: MIT */
/*
 * testutil.h — what the Check suites share: a seeded generator, random
 * series, and an independent naive DTW used as a second opinion on the
 * scalar reference.
 */
#ifndef HDTW_TESTUTIL_H
#define HDTW_TESTUTIL_H

#include "hdtw.h"

#include <check.h>

#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, seedable, the same sequence on every machine */
typedef struct { uint64_t state; } test_rng;

/* The state a random test starts from: `base` (the test's own constant)
 * mixed with HDTW_TEST_SEED from the environment (unset or 0: base itself,
 * the shapes every run has always covered). A run with another seed covers
 * other shapes; test_run_suite prints the seed when a test fails, so the
 * failure can be replayed. An unparsable value stops the program. */
uint64_t test_seed(uint64_t base);

uint64_t test_next(test_rng *r);
/* uniform in [lo, hi] (inclusive) */
size_t test_range(test_rng *r, size_t lo, size_t hi);
/* uniform double in [-1, 1) */
double test_unit(test_rng *r);
/* x[0..n-1]: a random walk, sometimes with repeats and integer steps so
 * that ties in the DP are common */
void test_fill_series(test_rng *r, double *x, size_t n);
/* malloc that fails the test instead of returning NULL */
void *test_alloc(size_t bytes);

/* The definition of docs/DESIGN.md §1 evaluated literally on a full matrix
 * (needs no Check runner: the fuzz harnesses use it too),
 * written independently of cpu/scalar.c: the cell exists iff
 * |i - j| <= max(band, |m - n|) (band < 0: always). */
double naive_dtw(hdtw_cost cost, long band, const double *a, size_t m,
                 const double *b, size_t n);
/* The whole matrix of naive_dtw: D(i,j) at [i * n + j], +inf outside the
 * band; malloc'd, the caller frees it. */
double *naive_dtw_matrix(hdtw_cost cost, long band, const double *a,
                         size_t m, const double *b, size_t n);

/* Which backends served this program's calls. Every successful
 * hdtw_distance, hdtw_batch, hdtw_sliding, hdtw_align and hdtw_search call
 * of a suite or harness is noted automatically (tests/backends.c wraps
 * them at link time); a test that runs a kernel directly notes it here.
 * At exit the list is written to the file HDTW_TEST_REPORT names (ctest
 * sets one per test; scripts/backend-report prints them), or to stdout. */
void test_note_backend(hdtw_backend b);

/* The context of the plain Check fixture: tcase_add_checked_fixture(tc,
 * test_ctx_setup, test_ctx_teardown) gives each test a fresh test_ctx. */
extern hdtw_ctx *test_ctx;
void test_ctx_setup(void);
void test_ctx_teardown(void);

/* Environment changes a test makes and undoes. Under CK_FORK=no every
 * test shares the process, so a test that sets or unsets a variable (the
 * variant's HDTW_DISABLE, HOME) must put it back for the tests after it:
 * test_setenv and test_unsetenv remember each name's value before its
 * first change, test_env_restore restores them all (call it in the test
 * or its fixture's teardown). */
void test_setenv(const char *name, const char *value);
void test_unsetenv(const char *name);
void test_env_restore(void);

/* The definitions of hdtw.h written out literally, independent of the
 * library's blocked code: one window's mean and deviation (cpu/znorm.h:
 * a window whose values all compare equal gets mean 0 and sd 0), and
 * hdtw_znorm's output. */
void naive_window_stats(const double *x, size_t n, double *mean, double *sd);
void naive_znorm(const double *x, size_t n, double *out);

/* hdtw_search's definition by brute force: every window's distance (the
 * query and the window through hdtw_znorm when sp->znorm is set, then
 * hdtw_distance on ctx), ranked by (distance, start), the exclusion walk,
 * the first k kept. sp NULL: HDTW_SEARCH_DEFAULT. The shape must be valid
 * (m >= 1, m <= len, k >= 1, a known cost); returns the first status
 * other than HDTW_OK that hdtw_znorm or hdtw_distance gave, or HDTW_OK
 * with out[0 .. *found-1] written. Needs no Check runner. */
hdtw_status brute_force_search(hdtw_ctx *ctx, const hdtw_search_params *sp,
                               const double *query, size_t m,
                               const double *series, size_t len, size_t k,
                               hdtw_match *out, size_t *found);

/* Runs every test of s (fork: CK_FORK_GETENV for Check's default, which
 * CK_FORK=no overrides; CK_NOFORK where LeakSanitizer must see the tests)
 * and returns the process exit status: EXIT_SUCCESS when none failed. */
int test_run_suite(Suite *s, enum fork_status fork_mode);

/* memcmp of two doubles: the only equality the suites use */
int same_bits(double x, double y);

#endif
