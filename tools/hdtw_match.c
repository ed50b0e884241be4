/*
 * hdtw-match — "when did the market last look like this?"
 *
 * Reads one column of a CSV price series, takes its last N bars as the
 * pattern, computes the DTW distance to every earlier window of N bars
 * (hdtw_sliding over the history that ends where the pattern starts), and
 * prints the k most similar windows that do not overlap each other by more
 * than half a pattern, with their alignment similarity.
 */
#include "csv.h"
#include "hdtw.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *path, *column;
    size_t pattern_len, k, stride;
    hdtw_params params;
} options;

static void usage(FILE *to)
{
    fprintf(to,
        "usage: hdtw-match [options] FILE.csv\n"
        "  -c, --column NAME|INDEX  price column (default: the last one)\n"
        "  -n, --pattern N          pattern = the last N bars (default 100)\n"
        "  -k, --top K              matches to print (default 5)\n"
        "  -s, --stride S           window start step (default 1)\n"
        "  -b, --band B             Sakoe-Chiba band (default: none)\n"
        "      --squared            squared cost (default: absolute)\n"
        "  -h, --help\n");
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (!*text || *end || text[0] == '-' || v == 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        { "column", required_argument, 0, 'c' },
        { "pattern", required_argument, 0, 'n' },
        { "top", required_argument, 0, 'k' },
        { "stride", required_argument, 0, 's' },
        { "band", required_argument, 0, 'b' },
        { "squared", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    *o = (options){ .pattern_len = 100, .k = 5, .stride = 1,
                    .params = HDTW_PARAMS_DEFAULT };
    int c;
    while ((c = getopt_long(argc, argv, "c:n:k:s:b:h", longs, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c': o->column = optarg; break;
        case 'n': bad = parse_size(optarg, &o->pattern_len); break;
        case 'k': bad = parse_size(optarg, &o->k); break;
        case 's': bad = parse_size(optarg, &o->stride); break;
        case 'b': o->params.band = strtol(optarg, NULL, 10); break;
        case 'q': o->params.cost = HDTW_COST_SQUARED; break;
        case 'h': usage(stdout); exit(EXIT_SUCCESS);
        default: return -1;
        }
        if (bad) {
            fprintf(stderr, "hdtw-match: -%c needs a positive integer\n", c);
            return -1;
        }
    }
    if (optind != argc - 1)
        return -1;
    o->path = argv[optind];
    return 0;
}

static const double *sort_keys;

static int by_distance_then_start(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    if (sort_keys[a] != sort_keys[b])
        return sort_keys[a] < sort_keys[b] ? -1 : 1;
    return (a > b) - (a < b);
}

/* Window indices of the best k, skipping any whose start lies within
 * `exclusion` positions of one already chosen (trivial shifted matches). */
static size_t top_k(const double *dist, size_t count, size_t stride,
                    size_t exclusion, size_t k, size_t *chosen)
{
    size_t *order = malloc(count * sizeof *order), found = 0;
    if (!order)
        return 0;
    for (size_t w = 0; w < count; w++)
        order[w] = w;
    sort_keys = dist;
    qsort(order, count, sizeof *order, by_distance_then_start);
    for (size_t r = 0; r < count && found < k; r++) {
        size_t start = order[r] * stride, clash = 0;
        for (size_t c = 0; c < found && !clash; c++) {
            size_t other = chosen[c] * stride;
            clash = (start > other ? start - other : other - start) < exclusion;
        }
        if (!clash)
            chosen[found++] = order[r];
    }
    free(order);
    return found;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

static int report(hdtw_ctx *ctx, const options *o, const csv_series *s,
                  const double *dist, size_t count)
{
    const double *pattern = s->values + s->len - o->pattern_len;
    size_t n = o->pattern_len;
    size_t *chosen = malloc(o->k * sizeof *chosen);
    if (!chosen)
        return -1;
    size_t found = top_k(dist, count, o->stride, n / 2, o->k, chosen);
    printf("%4s %10s  %-22s %14s %10s\n", "rank", "start", "time", "distance",
           "similarity");
    for (size_t r = 0; r < found; r++) {
        size_t start = chosen[r] * o->stride;
        hdtw_alignment al;
        hdtw_status st = hdtw_align(ctx, &o->params, pattern, n,
                                    s->values + start, n, &al);
        if (st != HDTW_OK) {
            fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
            free(chosen);
            return -1;
        }
        printf("%4zu %10zu  %-22s %14.6f %10.6f\n", r + 1, start,
               s->labels[start], al.distance, al.similarity);
        hdtw_alignment_free(&al);
    }
    free(chosen);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    csv_series s = { 0 };
    hdtw_ctx *ctx = NULL;
    double *dist = NULL;
    int rc = EXIT_FAILURE;
    char err[512];

    if (parse_options(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    if (csv_read_column(o.path, o.column, &s, err, sizeof err) != 0) {
        fprintf(stderr, "hdtw-match: %s\n", err);
        return EXIT_FAILURE;
    }
    if (s.len < 2 * o.pattern_len) {
        fprintf(stderr, "hdtw-match: %zu rows is too short for a %zu-bar "
                "pattern and any earlier window\n", s.len, o.pattern_len);
        goto cleanup;
    }
    hdtw_status st = hdtw_create(&ctx);
    size_t history = s.len - o.pattern_len;
    size_t count = hdtw_sliding_count(history, o.pattern_len, o.stride);
    dist = malloc(count * sizeof *dist);
    if (st == HDTW_OK && !dist)
        st = HDTW_E_NOMEM;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st == HDTW_OK)
        st = hdtw_sliding(ctx, &o.params, s.values + history, o.pattern_len,
                          s.values, history, o.pattern_len, o.stride, dist);
    double took = seconds_since(&t0);
    if (st != HDTW_OK) {
        fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
        goto cleanup;
    }

    printf("%s, column %s: %zu bars; pattern = last %zu bars (from %s)\n",
           o.path, s.column, s.len, o.pattern_len, s.labels[history]);
    printf("compared with %zu earlier windows in %.3f s on %s, %s cost",
           count, took, hdtw_backend_name(hdtw_last_backend(ctx)),
           o.params.cost == HDTW_COST_SQUARED ? "squared" : "abs");
    if (o.params.band < 0) /* else not every cell of the matrix is visited */
        printf(" (%.2f GCUPS)", (double)count * (double)o.pattern_len *
                                    (double)o.pattern_len / took * 1e-9);
    printf("\n\n");
    if (report(ctx, &o, &s, dist, count) == 0)
        rc = EXIT_SUCCESS;
cleanup:
    free(dist);
    hdtw_destroy(ctx);
    csv_free(&s);
    return rc;
}
