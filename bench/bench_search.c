/* SPDX-License-Identifier: MIT */
/*
 * bench_search — hdtw_search against the brute force it must equal.
 *
 * Cases (issue 7): a 1,000,000-point random walk (fixed seed) with a
 * 128-point random-walk query, band 5% (r = 6), k = 1 and k = 10; the
 * usdchf 30-minute closes with the last 256 bars as the query (band 5%,
 * r = 13) over the bars before them. For each: the search's median time
 * over repeats and the brute force of the
 * definition (hdtw_znorm on every window, hdtw_batch, rank, exclusion walk)
 * timed in the same run; the two results must be identical to the bit.
 * Writes the series to --peer-dir (raw doubles) so that bench/ucr_peer.py
 * can time the UCR Suite on the same data.
 *
 * usage: bench_search [--data DIR] [--threads T] [--repeats N]
 *                     [--brute-repeats N] [--json FILE] [--peer-dir DIR]
 */
#include "csv.h"
#include "timing.h"
#include "hdtw.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "walk.h"

typedef struct {
    const char *data_dir, *json, *peer_dir;
    int threads, repeats, brute_repeats;
} options;

typedef struct {
    const char *name;
    const double *series, *query;
    size_t len, m, k;
    hdtw_search_params sp;
} bench_case;

typedef struct {
    double search_ms, brute_ms;
    hdtw_match best;
    size_t found;
    int identical;
} bench_result;

/* ---------------------------------------------------------------- data */

static int write_doubles(const char *dir, const char *name, const double *x,
                         size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t wrote = fwrite(x, sizeof *x, n, f);
    return fclose(f) == 0 && wrote == n ? 0 : -1;
}

/* --------------------------------------------------------- brute force */

static int by_rank(const void *x, const void *y)
{
    const hdtw_match *a = x, *b = y;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return (a->start > b->start) - (a->start < b->start);
}

#define BLOCK 4096

/* distances of every window, 4096 normalised windows per hdtw_batch */
static hdtw_status all_distances(hdtw_ctx *ctx, const bench_case *c,
                                 const double *q, hdtw_match *all)
{
    size_t count = c->len - c->m + 1, m = c->m;
    double *windows = malloc(BLOCK * m * sizeof *windows);
    double *dist = malloc(BLOCK * sizeof *dist);
    hdtw_status s = windows && dist ? HDTW_OK : HDTW_E_NOMEM;
    for (size_t s0 = 0; s == HDTW_OK && s0 < count; s0 += BLOCK) {
        size_t n = count - s0 < BLOCK ? count - s0 : BLOCK;
        for (size_t w = 0; w < n && s == HDTW_OK; w++)
            s = c->sp.znorm ? hdtw_znorm(c->series + s0 + w, m, windows + w * m)
                            : (memcpy(windows + w * m, c->series + s0 + w,
                                      m * sizeof *windows), HDTW_OK);
        if (s == HDTW_OK)
            s = hdtw_batch(ctx, &c->sp.dtw, q, m, windows, n, m, dist);
        for (size_t w = 0; s == HDTW_OK && w < n; w++)
            all[s0 + w] = (hdtw_match){ s0 + w, dist[w] };
    }
    free(dist);
    free(windows);
    return s;
}

/* The definition of hdtw_search, evaluated on every window. */
static hdtw_status brute_force(hdtw_ctx *ctx, const bench_case *c,
                               hdtw_match *out, size_t *found)
{
    size_t count = c->len - c->m + 1, n = 0;
    size_t excl = c->sp.exclusion == HDTW_EXCLUSION_AUTO ? c->m / 2
                                                         : c->sp.exclusion;
    double *q = malloc(c->m * sizeof *q);
    hdtw_match *all = malloc(count * sizeof *all);
    hdtw_status s = q && all ? HDTW_OK : HDTW_E_NOMEM;
    if (s == HDTW_OK)
        s = c->sp.znorm ? hdtw_znorm(c->query, c->m, q)
                        : (memcpy(q, c->query, c->m * sizeof *q), HDTW_OK);
    if (s == HDTW_OK)
        s = all_distances(ctx, c, q, all);
    if (s == HDTW_OK) {
        qsort(all, count, sizeof *all, by_rank);
        for (size_t r = 0; r < count && n < c->k; r++) {
            int clash = 0;
            for (size_t i = 0; i < n && !clash; i++) {
                size_t a = all[r].start, b = out[i].start;
                clash = (a > b ? a - b : b - a) < excl;
            }
            if (!clash)
                out[n++] = all[r];
        }
        *found = n;
    }
    free(all);
    free(q);
    return s;
}

/* ----------------------------------------------------------- one case */

static int same_result(const hdtw_match *a, const hdtw_match *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].start != b[i].start ||
            memcmp(&a[i].distance, &b[i].distance, sizeof(double)) != 0)
            return 0;
    return 1;
}

static int run_case(hdtw_ctx *ctx, const options *o, const bench_case *c,
                    bench_result *r)
{
    hdtw_match *got = malloc(c->k * sizeof *got),
               *want = malloc(c->k * sizeof *want);
    double *t = malloc((size_t)(o->repeats + o->brute_repeats) * sizeof *t);
    size_t found = 0, want_n = 0;
    int rc = -1;
    if (!got || !want || !t)
        goto cleanup;
    for (int i = 0; i < o->repeats; i++) {
        double t0 = (timing_now() * 1e3);
        hdtw_status s = hdtw_search(ctx, &c->sp, c->query, c->m, c->series,
                                    c->len, c->k, got, &found);
        t[i] = (timing_now() * 1e3) - t0;
        if (s != HDTW_OK) {
            fprintf(stderr, "bench_search: %s\n", hdtw_strerror(s));
            goto cleanup;
        }
    }
    r->search_ms = timing_median(t, o->repeats);
    for (int i = 0; i < o->brute_repeats; i++) {
        double t0 = (timing_now() * 1e3);
        if (brute_force(ctx, c, want, &want_n) != HDTW_OK)
            goto cleanup;
        t[i] = (timing_now() * 1e3) - t0;
    }
    r->brute_ms = timing_median(t, o->brute_repeats);
    r->found = found;
    r->best = got[0];
    r->identical = found == want_n && same_result(got, want, found);
    rc = 0;
cleanup:
    free(t);
    free(want);
    free(got);
    return rc;
}

/* ------------------------------------------------------------ reports */

static void print_header(void)
{
    printf("%-22s %8s %8s %4s %10s %10s %8s %s\n", "case", "windows", "m",
           "k", "search_ms", "brute_ms", "speedup", "identical");
}

static void print_row(const bench_case *c, const bench_result *r)
{
    printf("%-22s %8zu %8zu %4zu %10.2f %10.1f %8.1f %s\n", c->name,
           c->len - c->m + 1, c->m, c->k, r->search_ms, r->brute_ms,
           r->brute_ms / r->search_ms, r->identical ? "yes" : "NO");
}

static void json_row(FILE *f, const bench_case *c, const bench_result *r,
                     int last)
{
    fprintf(f,
            "    {\"case\": \"%s\", \"windows\": %zu, \"m\": %zu, \"k\": %zu, "
            "\"band\": %ld, \"cost\": \"%s\", \"znorm\": %d, "
            "\"search_ms_median\": %.3f, \"brute_ms_median\": %.1f, "
            "\"speedup\": %.2f, \"best_start\": %zu, \"best_distance\": %.17g, "
            "\"identical_to_brute_force\": %s}%s\n",
            c->name, c->len - c->m + 1, c->m, c->k, c->sp.dtw.band,
            c->sp.dtw.cost == HDTW_COST_SQUARED ? "squared" : "abs",
            c->sp.znorm, r->search_ms, r->brute_ms,
            r->brute_ms / r->search_ms, r->best.start, r->best.distance,
            r->identical ? "true" : "false", last ? "" : ",");
}

/* ---------------------------------------------------------------- main */

static int parse(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        { "data", required_argument, 0, 'd' },
        { "threads", required_argument, 0, 't' },
        { "repeats", required_argument, 0, 'r' },
        { "brute-repeats", required_argument, 0, 'b' },
        { "json", required_argument, 0, 'j' },
        { "peer-dir", required_argument, 0, 'p' },
        { 0, 0, 0, 0 },
    };
    *o = (options){ .data_dir = "data", .json = "bench_search.json",
                    .threads = 2, .repeats = 15, .brute_repeats = 1 };
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->data_dir = optarg; break;
        case 't': o->threads = atoi(optarg); break;
        case 'r': o->repeats = atoi(optarg); break;
        case 'b': o->brute_repeats = atoi(optarg); break;
        case 'j': o->json = optarg; break;
        case 'p': o->peer_dir = optarg; break;
        default: return -1;
        }
    }
    return o->threads >= 0 && o->repeats > 0 && o->brute_repeats > 0 ? 0 : -1;
}

#define RW_LEN 1000000
#define RW_QUERY 128
#define FX_QUERY 256

int main(int argc, char **argv)
{
    options o;
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_search [--data DIR] [--threads T] "
                "[--repeats N] [--brute-repeats N] [--json FILE] "
                "[--peer-dir DIR]\n");
        return 2;
    }
    char path[1024], err[512];
    csv_series fx = { 0 };
    snprintf(path, sizeof path, "%s/usdchf_30min.csv", o.data_dir);
    if (csv_read_column(path, "usdchf", &fx, err, sizeof err) != 0) {
        fprintf(stderr, "bench_search: %s\n", err);
        return 1;
    }
    double *walk = walk_alloc(RW_LEN, 20120812), *wq = walk_alloc(RW_QUERY, 7);
    hdtw_ctx *ctx = NULL;
    if (!walk || !wq || hdtw_create(&ctx) != HDTW_OK ||
        hdtw_set_threads(ctx, o.threads) != HDTW_OK) {
        fprintf(stderr, "bench_search: setup failed\n");
        return 1;
    }
    if (o.peer_dir &&
        (write_doubles(o.peer_dir, "walk.f64", walk, RW_LEN) != 0 ||
         write_doubles(o.peer_dir, "walk_query.f64", wq, RW_QUERY) != 0 ||
         write_doubles(o.peer_dir, "usdchf.f64", fx.values, fx.len) != 0))
        fprintf(stderr, "bench_search: could not write to %s\n", o.peer_dir);

    hdtw_search_params sq = { { HDTW_COST_SQUARED, 6, 0.0 }, 1, HDTW_EXCLUSION_AUTO };
    hdtw_search_params ab = { { HDTW_COST_ABS, 6, 0.0 }, 1, HDTW_EXCLUSION_AUTO };
    hdtw_search_params fxp = { { HDTW_COST_SQUARED, 13, 0.0 }, 1, HDTW_EXCLUSION_AUTO };
    size_t history = fx.len - FX_QUERY;
    const double *fq = fx.values + history;
    const bench_case cases[] = {
        { "walk1e6 k=1 squared", walk, wq, RW_LEN, RW_QUERY, 1, sq },
        { "walk1e6 k=10 squared", walk, wq, RW_LEN, RW_QUERY, 10, sq },
        { "walk1e6 k=1 abs", walk, wq, RW_LEN, RW_QUERY, 1, ab },
        { "walk1e6 k=10 abs", walk, wq, RW_LEN, RW_QUERY, 10, ab },
        { "usdchf k=1 squared", fx.values, fq, history, FX_QUERY, 1, fxp },
        { "usdchf k=10 squared", fx.values, fq, history, FX_QUERY, 10, fxp },
    };
    size_t ncases = sizeof cases / sizeof cases[0];
    bench_result results[sizeof cases / sizeof cases[0]];
    int failed = 0;

    printf("hdtw_search, %d threads, medians of %d runs (brute force: %d)\n",
           o.threads, o.repeats, o.brute_repeats);
    print_header();
    for (size_t i = 0; i < ncases; i++) {
        if (run_case(ctx, &o, &cases[i], &results[i]) != 0)
            return 1;
        print_row(&cases[i], &results[i]);
        failed |= !results[i].identical;
    }
    FILE *f = fopen(o.json, "w");
    if (f) {
        fprintf(f, "{\n  \"benchmark\": \"hdtw_search\", \"threads\": %d, "
                   "\"repeats\": %d, \"brute_repeats\": %d,\n  \"results\": [\n",
                o.threads, o.repeats, o.brute_repeats);
        for (size_t i = 0; i < ncases; i++)
            json_row(f, &cases[i], &results[i], i + 1 == ncases);
        fprintf(f, "  ]\n}\n");
        fclose(f);
        printf("wrote %s\n", o.json);
    }
    hdtw_destroy(ctx);
    free(wq);
    free(walk);
    csv_free(&fx);
    return failed ? 1 : 0;
}
