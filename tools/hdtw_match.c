/*
 * hdtw-match — "when did the market last look like this?"
 *
 * Reads one column of a CSV price series, takes its last N bars as the
 * pattern and finds, with hdtw_search, the k windows of N bars in the
 * history before it that are most similar in shape (both z-normalised;
 * --raw compares prices as they are), no two starting closer than half a
 * pattern. Prints them with their alignment similarity.
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
    size_t pattern_len, k;
    hdtw_search_params search;
} options;

static void usage(FILE *to)
{
    fprintf(to,
        "usage: hdtw-match [options] FILE.csv\n"
        "  -c, --column NAME|INDEX  price column (default: the last one)\n"
        "  -n, --pattern N          pattern = the last N bars (default 100)\n"
        "  -k, --top K              matches to print (default 5)\n"
        "  -b, --band B             Sakoe-Chiba band (default: 5%% of N)\n"
        "      --squared            squared cost (default: absolute)\n"
        "      --raw                compare raw prices (default: z-normalised\n"
        "                           pattern and windows, i.e. shape only)\n"
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
        { "band", required_argument, 0, 'b' },
        { "squared", no_argument, 0, 'q' },
        { "raw", no_argument, 0, 'r' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    *o = (options){ .pattern_len = 100, .k = 5,
                    .search = HDTW_SEARCH_DEFAULT };
    int c, band_given = 0;
    while ((c = getopt_long(argc, argv, "c:n:k:b:h", longs, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c': o->column = optarg; break;
        case 'n': bad = parse_size(optarg, &o->pattern_len); break;
        case 'k': bad = parse_size(optarg, &o->k); break;
        case 'b':
            o->search.dtw.band = strtol(optarg, NULL, 10);
            band_given = 1;
            break;
        case 'q': o->search.dtw.cost = HDTW_COST_SQUARED; break;
        case 'r': o->search.znorm = 0; break;
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
    if (!band_given) /* 5%, the usual choice for subsequence search */
        o->search.dtw.band = (long)((o->pattern_len + 10) / 20);
    o->path = argv[optind];
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* The alignment of each match (computed on the values the search
 * compared: normalised unless --raw) for its similarity score. */
static int report(hdtw_ctx *ctx, const options *o, const csv_series *s,
                  const hdtw_match *best, size_t found)
{
    size_t n = o->pattern_len;
    double *pattern = malloc(n * sizeof *pattern),
           *window = malloc(n * sizeof *window);
    int rc = -1;
    if (!pattern || !window)
        goto cleanup;
    printf("%4s %10s  %-22s %14s %10s\n", "rank", "start", "time",
           "distance", "similarity");
    for (size_t r = 0; r < found; r++) {
        const double *raw_pattern = s->values + s->len - n;
        const double *raw_window = s->values + best[r].start;
        hdtw_alignment al;
        hdtw_status st = HDTW_OK;
        if (o->search.znorm) {
            st = hdtw_znorm(raw_pattern, n, pattern);
            if (st == HDTW_OK)
                st = hdtw_znorm(raw_window, n, window);
        } else {
            memcpy(pattern, raw_pattern, n * sizeof *pattern);
            memcpy(window, raw_window, n * sizeof *window);
        }
        if (st == HDTW_OK)
            st = hdtw_align(ctx, &o->search.dtw, pattern, n, window, n, &al);
        if (st != HDTW_OK) {
            fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
            goto cleanup;
        }
        printf("%4zu %10zu  %-22s %14.6f %10.6f\n", r + 1, best[r].start,
               s->labels[best[r].start], best[r].distance, al.similarity);
        hdtw_alignment_free(&al);
    }
    rc = 0;
cleanup:
    free(window);
    free(pattern);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    csv_series s = { 0 };
    hdtw_ctx *ctx = NULL;
    hdtw_match *best = NULL;
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
    best = malloc(o.k * sizeof *best);
    if (st == HDTW_OK && !best)
        st = HDTW_E_NOMEM;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t found = 0;
    if (st == HDTW_OK)
        st = hdtw_search(ctx, &o.search, s.values + history, o.pattern_len,
                         s.values, history, o.k, best, &found);
    double took = seconds_since(&t0);
    if (st != HDTW_OK) {
        fprintf(stderr, "hdtw-match: %s\n", hdtw_strerror(st));
        goto cleanup;
    }

    printf("%s, column %s: %zu bars; pattern = last %zu bars (from %s)\n",
           o.path, s.column, s.len, o.pattern_len, s.labels[history]);
    printf("searched %zu earlier windows in %.3f s (%s, %s cost, band %ld, "
           "exact top %zu, exclusion %zu bars)\n\n",
           history - o.pattern_len + 1, took,
           o.search.znorm ? "z-normalised" : "raw prices",
           o.search.dtw.cost == HDTW_COST_SQUARED ? "squared" : "abs",
           o.search.dtw.band, o.k, o.pattern_len / 2);
    if (report(ctx, &o, &s, best, found) == 0)
        rc = EXIT_SUCCESS;
cleanup:
    free(best);
    hdtw_destroy(ctx);
    csv_free(&s);
    return rc;
}
