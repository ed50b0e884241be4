/* SPDX-License-Identifier: MIT */
/*
 * hdtw-match — "when did the market last look like this?"
 *
 * Reads one column of a CSV price series, takes its last N bars as the
 * pattern and finds, with hdtw_search, the k windows of N bars in the
 * history before it that are most similar in shape (both z-normalised;
 * --raw compares prices as they are), no two starting closer than half a
 * pattern. Prints them with their alignment similarity and, with --ahead H,
 * what the series did in the H bars after each of them.
 *
 * Exit status: 0 done, 1 bad data or a failed call, 2 bad usage.
 */
#include "csv.h"
#include "hdtw.h"
#include "match_free.h"
#include "match_mpi.h"
#include "match_options.h"
#include "tool_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the series did in the bars after a match ended, as fractions of a
 * price: last close to close H bars later, and the worst peak-to-trough
 * fall and best trough-to-peak rise on the way (both from the last close
 * of the match on). */
typedef struct {
    int known; /* 0: fewer than H bars follow, or a price is not positive */
    double ret, drawdown, runup;
} outcome;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

static outcome outcome_after(const csv_series *s, size_t last, size_t ahead)
{
    outcome o = { 0 };
    if (ahead > s->len - 1 - last)
        return o;
    double peak = s->values[last], trough = peak;
    for (size_t t = last; t <= last + ahead; t++) {
        double v = s->values[t];
        if (!(v > 0))
            return o;
        peak = fmax(peak, v);
        trough = fmin(trough, v);
        o.drawdown = fmax(o.drawdown, (peak - v) / peak);
        o.runup = fmax(o.runup, (v - trough) / trough);
    }
    o.ret = s->values[last + ahead] / s->values[last] - 1;
    o.known = 1;
    return o;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Mean and median of values[0..n) (sorts them); n > 0. */
static void mean_median(double *values, size_t n, double *mean,
                        double *median)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += values[k];
    *mean = sum / (double)n;
    qsort(values, n, sizeof *values, by_value);
    *median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* The summary below the matches: mean, median, share that went up. */
static int print_summary(const outcome *out, size_t found, size_t ahead)
{
    double *ret = malloc(3 * found * sizeof *ret), mean[3], median[3];
    double *dd = ret + found, *ru = dd + found;
    size_t n = 0, up = 0;
    if (!ret)
        return -1;
    for (size_t r = 0; r < found; r++) {
        if (!out[r].known)
            continue;
        ret[n] = out[r].ret;
        dd[n] = out[r].drawdown;
        ru[n] = out[r].runup;
        up += out[r].ret > 0;
        n++;
    }
    printf("\nwhat followed the matches, over the next %zu bars:\n", ahead);
    if (n == 0) {
        printf("  no match has %zu bars of positive prices after it\n", ahead);
        free(ret);
        return 0;
    }
    mean_median(ret, n, &mean[0], &median[0]);
    mean_median(dd, n, &mean[1], &median[1]);
    mean_median(ru, n, &mean[2], &median[2]);
    static const char *const names[] = { "return", "max drawdown",
                                         "max run-up" };
    printf("  %-14s %9s %9s\n", "", "mean", "median");
    for (int k = 0; k < 3; k++)
        printf("  %-14s %8.3f%% %8.3f%%\n", names[k], 100 * mean[k],
               100 * median[k]);
    printf("  went up after %zu of %zu matches (%.0f%%)", up, n,
           100.0 * (double)up / (double)n);
    if (n < found)
        printf("; %zu without %zu bars of positive prices after them",
               found - n, ahead);
    printf("\n");
    free(ret);
    return 0;
}

/* 1 when every value of x[0..n) equals x[0]. */
static int constant(const double *x, size_t n)
{
    for (size_t k = 1; k < n; k++)
        if (x[k] != x[0])
            return 0;
    return 1;
}

/* Meaningless results get a warning: hdtw_znorm turns a constant window
 * into all +0.0 (include/hdtw.h), and a window of one or two bars has at
 * most two shapes once normalised. */
static void warn_flat(const match_options *o, const csv_series *s,
                      const hdtw_match *best, size_t found)
{
    size_t n = o->pattern_len, flat = 0;
    if (!o->search.znorm)
        return;
    if (n < 3)
        fprintf(stderr, "hdtw-match: warning: a %zu-bar pattern has no shape "
                "once z-normalised (all 0, or -1 and +1); use -n 3 or more\n",
                n);
    else if (constant(s->values + s->len - n, n))
        fprintf(stderr, "hdtw-match: warning: the pattern is constant; "
                "z-normalised it is all 0, so it matches any other flat "
                "window with distance 0 (try --raw)\n");
    for (size_t r = 0; r < found; r++)
        flat += constant(s->values + best[r].start, n);
    if (n >= 3 && flat)
        fprintf(stderr, "hdtw-match: warning: %zu of the matches are constant "
                "windows, z-normalised to all 0: their distance says little\n",
                flat);
}

/* The pattern and one window as the search compared them. */
static hdtw_status compared(const match_options *o, const double *raw,
                            double *out)
{
    if (o->search.znorm)
        return hdtw_znorm(raw, o->pattern_len, out);
    memcpy(out, raw, o->pattern_len * sizeof *out);
    return HDTW_OK;
}

static void print_header(const match_options *o)
{
    printf("%4s %10s  %-22s %14s %10s", "rank", "start", "time", "distance",
           "similarity");
    if (o->ahead)
        printf(" %9s %9s %9s", "return", "drawdown", "run-up");
    printf("\n");
}

static void print_outcome(const outcome *x)
{
    if (x->known)
        printf(" %8.3f%% %8.3f%% %8.3f%%", 100 * x->ret, 100 * x->drawdown,
               100 * x->runup);
    else
        printf(" %9s %9s %9s", "-", "-", "-");
}

/* The alignment of each match (computed on the values the search
 * compared: normalised unless --raw) for its similarity score. */
static int report(hdtw_ctx *ctx, const match_options *o, const csv_series *s,
                  const hdtw_match *best, size_t found)
{
    size_t n = o->pattern_len;
    double *pattern = malloc(n * sizeof *pattern),
           *window = malloc(n * sizeof *window);
    outcome *after = calloc(found ? found : 1, sizeof *after);
    int rc = -1;
    hdtw_status st = pattern && window && after ? HDTW_OK : HDTW_E_NOMEM;
    if (st == HDTW_OK)
        st = compared(o, s->values + s->len - n, pattern);
    if (st == HDTW_OK)
        print_header(o);
    for (size_t r = 0; r < found && st == HDTW_OK; r++) {
        hdtw_alignment al;
        st = compared(o, s->values + best[r].start, window);
        if (st == HDTW_OK)
            st = hdtw_align(ctx, &o->search.dtw, pattern, n, window, n, &al);
        if (st != HDTW_OK)
            break;
        printf("%4zu %10zu  %-22s %14.6f %10.6f", r + 1, best[r].start,
               s->labels[best[r].start], best[r].distance, al.similarity);
        if (o->ahead) {
            after[r] = outcome_after(s, best[r].start + n - 1, o->ahead);
            print_outcome(&after[r]);
        }
        printf("\n");
        hdtw_alignment_free(&al);
    }
    if (st != HDTW_OK)
        fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
    else if (!o->ahead || print_summary(after, found, o->ahead) == 0)
        rc = 0;
    free(after);
    free(window);
    free(pattern);
    return rc;
}

/* The search, timed; *best is allocated (no more entries than windows, so
 * a huge -k costs no memory). A message on stderr when it fails. */
static int search(hdtw_ctx *ctx, const match_options *o, const csv_series *s,
                  hdtw_match **best, size_t *k, size_t *found, double *took)
{
    size_t history = s->len - o->pattern_len;
    size_t windows = history - o->pattern_len + 1;
    struct timespec t0;
    *k = o->k < windows ? o->k : windows;
    *best = malloc(*k * sizeof **best);
    hdtw_status st = *best ? HDTW_OK : HDTW_E_NOMEM;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st == HDTW_OK)
        st = match_search(ctx, o, s, *k, *best, found);
    *took = seconds_since(&t0);
    if (st == HDTW_E_NONFINITE) /* the CSV reader let only finite values in */
        fprintf(stderr, "hdtw-match: values too large to z-normalise (beyond "
                "about 1e154 in magnitude); try --raw\n");
    else if (st != HDTW_OK)
        fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
    return st == HDTW_OK ? 0 : -1;
}

static int run(int argc, char **argv)
{
    match_options o;
    csv_series s = { 0 };
    hdtw_ctx *ctx = NULL;
    hdtw_match *best = NULL;
    size_t k, found = 0;
    double took;
    int rc = EXIT_FAILURE;
    char err[512];

    if (match_parse_options(argc, argv, &o, err, sizeof err) != 0) {
        fprintf(stderr, "hdtw-match: %s (hdtw-match --help for usage)\n", err);
        return 2;
    }
    if (o.help) {
        match_usage(stdout);
        return EXIT_SUCCESS;
    }
    if (o.free_end && match_distributed()) {
        /* the subsequence pass has no distributed form: a match may start
         * on one rank's rows and end on another's */
        fprintf(stderr, "hdtw-match: --free runs in one process, not under "
                "mpirun with several ranks\n");
        return 2;
    }
    if (match_read(&o, &s, err, sizeof err)) {
        fprintf(stderr, "hdtw-match: %s\n", err);
        return EXIT_FAILURE;
    }
    if (s.len / 2 < o.pattern_len)
        fprintf(stderr, "hdtw-match: %zu rows is too short for a %zu-bar "
                "pattern and any earlier window\n", s.len, o.pattern_len);
    else if (tool_create(&ctx, err, sizeof err) != HDTW_OK)
        fprintf(stderr, "hdtw-match: %s\n", err);
    else if (o.free_end)
        rc = match_free(ctx, &o, &s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    else if (search(ctx, &o, &s, &best, &k, &found, &took) == 0) {
        size_t history = s.len - o.pattern_len;
        printf("%s, column %s: %zu bars; pattern = last %zu bars (from %s)\n",
               o.path, s.column, s.len, o.pattern_len, s.labels[history]);
        printf("searched %zu earlier windows in %.3f s (%s, %s cost, band "
               "%ld, exact top %zu, exclusion %zu bars)\n\n",
               history - o.pattern_len + 1, took,
               o.search.znorm ? "z-normalised" : "raw prices",
               o.search.dtw.cost == HDTW_COST_SQUARED ? "squared" : "abs",
               o.search.dtw.band, k, o.pattern_len / 2);
        warn_flat(&o, &s, best, found);
        if (report(ctx, &o, &s, best, found) == 0)
            rc = EXIT_SUCCESS;
    }
    free(best);
    hdtw_destroy(ctx);
    csv_free(&s);
    return rc;
}

/* Under mpirun, every rank runs the same program (tools/match_mpi.h). */
int main(int argc, char **argv)
{
    if (match_start(&argc, &argv) != 0)
        return EXIT_FAILURE;
    return match_finish(run(argc, argv));
}
