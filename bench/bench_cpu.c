/* SPDX-License-Identifier: MIT */
/*
 * bench_cpu — the CPU backends (scalar, avx2, avx512 where present) at 1
 * and 2 threads on the seed's cases plus large batches and a sliding scan
 * of real data; medians over repeats, GCUPS (10^9 cells/s), speedups over
 * scalar measured in the same run, and over the pure-JavaScript baseline
 * and dtaidistance when their timings (JSON from bench/js/baseline.js and
 * bench/peers/dtaidistance_bench.py, run by bench/run_cpu.sh on the same
 * machine just before) are given.
 *
 *   bench_cpu [--repeats R] [--json OUT] [--js FILE]... [--peer FILE]
 *             [--data CSV] [--quick]
 *
 * Inputs are the deterministic random walks of bench/js/baseline.js
 * (splitmix64), so the JavaScript results are also checked bit for bit.
 */
#include "hdtw.h"

#include "csv.h"
#include "timing.h"
#include "tool_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "walk.h"

#define MAX_TIMINGS 8
#define MAX_FILES 4

typedef struct {
    char name[64];      /* as baseline.js names it, plus " squared"/" band" */
    const char *js_name; /* case name in the peers' JSON, NULL if none */
    hdtw_params params;
    size_t m, n, count, stride, cells;
    double *pattern, *series;
} bench_case;

typedef struct {
    hdtw_backend backend;
    int threads;
    double seconds; /* median */
} timing;

typedef struct {
    char *text; /* whole file */
    char cost[16];
    long band;
} peer_file;

typedef struct {
    int repeats, quick;
    const char *json_path, *data_path;
    peer_file js[MAX_FILES], peer;
    size_t js_count;
} options;

/* ------------------------------------------------------------ inputs */

/* ---------------------------------------------------- peers' JSON files */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (text && fread(text, 1, (size_t)size, f) == (size_t)size)
        text[size] = '\0';
    else {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}


static int load_peer(const char *path, peer_file *out)
{
    out->text = read_file(path);
    if (!out->text) {
        fprintf(stderr, "bench_cpu: cannot read %s\n", path);
        return -1;
    }
    snprintf(out->cost, sizeof out->cost, "%s",
             strstr(out->text, "\"cost\": \"squared\"") ? "squared" : "abs");
    out->band = (long)tool_json_number(out->text, "band");
    return 0;
}

/* The case entry "case": "<name>" in f, or NULL. */
static const char *peer_case(const peer_file *f, const char *name)
{
    char quoted[96];
    snprintf(quoted, sizeof quoted, "\"case\": \"%s\"", name);
    return f->text ? strstr(f->text, quoted) : NULL;
}

static int peer_matches(const peer_file *f, const bench_case *c)
{
    int squared = c->params.cost == HDTW_COST_SQUARED;
    return f->text && c->js_name &&
           squared == (strcmp(f->cost, "squared") == 0) &&
           f->band == c->params.band && peer_case(f, c->js_name);
}

/* ------------------------------------------------------------- cases */

static size_t band_cells(size_t m, size_t n, long band)
{
    size_t skew = m > n ? m - n : n - m, cells = 0;
    size_t w = band < 0 ? (m > n ? m : n)
                        : ((size_t)band > skew ? (size_t)band : skew);
    for (size_t i = 0; i < m; i++) {
        size_t lo = i > w ? i - w : 0, hi = i + w < n - 1 ? i + w : n - 1;
        cells += hi - lo + 1;
    }
    return cells;
}

/* pattern = walk(m, 1); windows = walk(count * n, 3), or b = walk(n, 2)
 * for a pair, as baseline.js. */
static int make_case(bench_case *c, const char *js_name, hdtw_cost cost,
                     long band, size_t n, size_t count)
{
    *c = (bench_case){ .js_name = js_name, .params = { cost, band, 0.0 },
                       .m = n, .n = n, .count = count, .stride = n };
    snprintf(c->name, sizeof c->name, "%s%s%s", js_name,
             cost == HDTW_COST_SQUARED ? " squared" : "",
             band >= 0 ? " band" : "");
    if (band >= 0)
        snprintf(c->name + strlen(c->name), sizeof c->name - strlen(c->name),
                 " %ld", band);
    c->cells = band_cells(n, n, band) * count;
    c->pattern = walk_alloc(n, 1);
    c->series = walk_alloc(count * n, count == 1 ? 2 : 3);
    return c->pattern && c->series ? 0 : -1;
}

/* The last 100 bars of the CSV against every 100-bar window before them,
 * stride 1 (what tools/hdtw-match does). */
static int make_sliding_case(bench_case *c, const char *path)
{
    csv_series s = { 0 };
    char err[256];
    if (csv_read_column(path, NULL, &s, err, sizeof err) != 0) {
        fprintf(stderr, "bench_cpu: %s (sliding case skipped)\n", err);
        return -1;
    }
    size_t m = 100, len = s.len - m;
    *c = (bench_case){ .params = HDTW_PARAMS_DEFAULT, .m = m, .n = m,
                       .count = hdtw_sliding_count(len, m, 1), .stride = 1 };
    snprintf(c->name, sizeof c->name, "sliding %zu on %zu bars", m, s.len);
    c->cells = c->count * m * m;
    c->pattern = malloc(m * sizeof(double));
    c->series = s.values;
    s.values = NULL;
    if (c->pattern)
        memcpy(c->pattern, c->series + len, m * sizeof(double));
    csv_free(&s);
    return c->pattern ? 0 : -1;
}

static size_t make_cases(const options *o, bench_case *cases)
{
    static const size_t pairs[] = { 50, 100, 200, 500, 1000, 2000 };
    static const char *pair_names[] = { "pair 50", "pair 100", "pair 200",
                                        "pair 500", "pair 1000", "pair 2000" };
    size_t big = o->quick ? 10000 : 100000, k = 0;
    static char big_name[32];
    snprintf(big_name, sizeof big_name, "batch %zux128", big);
    int ok = 0;
    for (size_t p = 0; p < 6; p++) {
        ok |= make_case(&cases[k++], pair_names[p], HDTW_COST_ABS, -1,
                        pairs[p], 1);
        ok |= make_case(&cases[k++], pair_names[p], HDTW_COST_SQUARED, -1,
                        pairs[p], 1);
    }
    ok |= make_case(&cases[k++], "batch 1000x100", HDTW_COST_ABS, -1, 100,
                    1000);
    ok |= make_case(&cases[k++], "batch 1000x100", HDTW_COST_SQUARED, -1, 100,
                    1000);
    ok |= make_case(&cases[k++], big_name, HDTW_COST_ABS, -1, 128, big);
    ok |= make_case(&cases[k++], big_name, HDTW_COST_SQUARED, -1, 128, big);
    ok |= make_case(&cases[k++], big_name, HDTW_COST_ABS, 13, 128, big);
    ok |= make_case(&cases[k++], big_name, HDTW_COST_SQUARED, 13, 128, big);
    if (ok != 0) {
        fprintf(stderr, "bench_cpu: out of memory\n");
        exit(EXIT_FAILURE);
    }
    if (make_sliding_case(&cases[k], o->data_path) == 0)
        k++;
    return k;
}

/* ------------------------------------------------------------ timing */

static hdtw_status run_case(hdtw_ctx *ctx, const bench_case *c, double *out)
{
    if (c->stride != c->n)
        return hdtw_sliding(ctx, &c->params, c->pattern, c->m, c->series,
                            (c->count - 1) * c->stride + c->n, c->n,
                            c->stride, out);
    if (c->count == 1)
        return hdtw_distance(ctx, &c->params, c->pattern, c->m, c->series,
                             c->n, out);
    return hdtw_batch(ctx, &c->params, c->pattern, c->m, c->series, c->count,
                      c->n, out);
}

/* Median seconds per call: one warm-up call, then `repeats` samples of as
 * many calls as make a sample last >= 20 ms (the clock's resolution is then
 * irrelevant), as baseline.js times the JavaScript. */
static double time_case(hdtw_ctx *ctx, const bench_case *c, int repeats,
                        double *out)
{
    if (run_case(ctx, c, out) != HDTW_OK)
        return NAN;
    size_t calls = 1;
    for (;;) {
        double t0 = timing_now();
        for (size_t k = 0; k < calls; k++)
            run_case(ctx, c, out);
        if (timing_now() - t0 >= 0.02)
            break;
        calls *= 2;
    }
    double samples[64];
    repeats = repeats > 64 ? 64 : repeats;
    for (int r = 0; r < repeats; r++) {
        double t0 = timing_now();
        for (size_t k = 0; k < calls; k++)
            run_case(ctx, c, out);
        samples[r] = (timing_now() - t0) / (double)calls;
    }
    return timing_median(samples, repeats);
}

/* Every present backend at 1 and 2 threads (scalar at 1: it is single
 * threaded); each output is checked bit for bit against scalar's, whose
 * first value goes to *first (for the JavaScript check). */
static size_t measure(hdtw_ctx *ctx, const bench_case *c, int repeats,
                      timing *t, double *first)
{
    static const hdtw_backend backends[] = {
        HDTW_BACKEND_SCALAR, HDTW_BACKEND_AVX2, HDTW_BACKEND_AVX512 };
    double *want = malloc(c->count * sizeof *want);
    double *got = malloc(c->count * sizeof *got);
    size_t k = 0;
    for (size_t b = 0; want && got && b < 3; b++) {
        if (hdtw_set_backend(ctx, backends[b]) != HDTW_OK)
            continue;
        for (int threads = 1; threads <= (b == 0 ? 1 : 2); threads++) {
            hdtw_set_threads(ctx, threads);
            double *out = k == 0 ? want : got;
            t[k] = (timing){ backends[b], threads,
                             time_case(ctx, c, repeats, out) };
            if (k > 0 && memcmp(want, got, c->count * sizeof *got) != 0)
                fprintf(stderr, "bench_cpu: %s: %s differs from scalar!\n",
                        c->name, hdtw_backend_name(backends[b]));
            k++;
        }
    }
    *first = want ? want[0] : NAN;
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
    free(got);
    free(want);
    return k;
}

/* ------------------------------------------------------------ report */

typedef struct {
    double js_seconds, peer_seconds; /* NAN: not measured */
    int js_bits;                     /* -1 unknown, 0 differ, 1 same */
} baselines;

static baselines find_baselines(const options *o, const bench_case *c,
                                double first)
{
    baselines b = { NAN, NAN, -1 };
    for (size_t f = 0; f < o->js_count; f++) {
        if (!peer_matches(&o->js[f], c))
            continue;
        const char *entry = peer_case(&o->js[f], c->js_name);
        b.js_seconds = tool_json_number(entry, "seconds");
        double js_result = tool_json_number(entry, "result");
        b.js_bits = memcmp(&js_result, &first, sizeof first) == 0;
    }
    if (peer_matches(&o->peer, c))
        b.peer_seconds =
            tool_json_number(peer_case(&o->peer, c->js_name), "seconds");
    return b;
}

static void print_ratio(FILE *f, double ratio)
{
    if (isnan(ratio))
        fprintf(f, " |");
    else
        fprintf(f, " %.1f× |", ratio);
}

static void print_rows(const bench_case *c, const timing *t, size_t count,
                       const baselines *b)
{
    for (size_t k = 0; k < count; k++) {
        double gcups = (double)c->cells / t[k].seconds * 1e-9;
        printf("| %s | %s | %d | %.3f | %.2f |", c->name,
               hdtw_backend_name(t[k].backend), t[k].threads,
               t[k].seconds * 1e3, gcups);
        print_ratio(stdout, t[0].seconds / t[k].seconds);
        print_ratio(stdout, b->js_seconds / t[k].seconds);
        print_ratio(stdout, b->peer_seconds / t[k].seconds);
        printf("\n");
    }
    fflush(stdout);
}

static void json_number_or_null(FILE *f, const char *key, double x)
{
    if (isnan(x))
        fprintf(f, ", \"%s\": null", key);
    else
        fprintf(f, ", \"%s\": %.9g", key, x);
}

static void json_rows(FILE *f, const bench_case *c, const timing *t,
                      size_t count, const baselines *b, int *first_row)
{
    for (size_t k = 0; k < count; k++) {
        fprintf(f, "%s\n  {\"case\": \"%s\", \"m\": %zu, \"n\": %zu, "
                "\"count\": %zu, \"cells\": %zu, \"backend\": \"%s\", "
                "\"threads\": %d", *first_row ? "" : ",", c->name, c->m,
                c->n, c->count, c->cells, hdtw_backend_name(t[k].backend),
                t[k].threads);
        json_number_or_null(f, "seconds", t[k].seconds);
        json_number_or_null(f, "gcups", (double)c->cells / t[k].seconds * 1e-9);
        json_number_or_null(f, "x_scalar", t[0].seconds / t[k].seconds);
        json_number_or_null(f, "js_seconds", b->js_seconds);
        json_number_or_null(f, "dtaidistance_seconds", b->peer_seconds);
        fprintf(f, ", \"js_same_bits\": %s}",
                b->js_bits < 0 ? "null" : b->js_bits ? "true" : "false");
        *first_row = 0;
    }
}

static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(out, len, "%s", colon + 2);
            out[strcspn(out, "\n")] = '\0';
            break;
        }
    }
    if (f)
        fclose(f);
}

/* ------------------------------------------------------------- main */

static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){ .repeats = 5, .data_path = "data/usdchf_30min.csv" };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o->quick = 1;
            continue;
        }
        if (!value)
            return -1;
        i++;
        if (strcmp(arg, "--repeats") == 0)
            o->repeats = atoi(value);
        else if (strcmp(arg, "--json") == 0)
            o->json_path = value;
        else if (strcmp(arg, "--data") == 0)
            o->data_path = value;
        else if (strcmp(arg, "--peer") == 0) {
            if (load_peer(value, &o->peer) != 0)
                return -1;
        } else if (strcmp(arg, "--js") == 0 && o->js_count < MAX_FILES) {
            if (load_peer(value, &o->js[o->js_count++]) != 0)
                return -1;
        } else
            return -1;
    }
    return o->repeats >= 1 ? 0 : -1;
}

/* "scalar avx2 avx512", the backends this machine runs */
static void present_backends(hdtw_ctx *ctx, char *out, size_t len)
{
    out[0] = '\0';
    for (int b = HDTW_BACKEND_SCALAR; b <= HDTW_BACKEND_AVX512; b++)
        if (hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK)
            snprintf(out + strlen(out), len - strlen(out), "%s%s",
                     *out ? " " : "", hdtw_backend_name((hdtw_backend)b));
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
}

static void run_all(hdtw_ctx *ctx, const options *o, bench_case *cases,
                    size_t case_count, FILE *json)
{
    int first_row = 1;
    printf("| case | backend | threads | ms | GCUPS | × scalar | × JS | "
           "× dtaidistance |\n|---|---|---|---|---|---|---|---|\n");
    for (size_t c = 0; c < case_count; c++) {
        timing t[MAX_TIMINGS];
        double first;
        size_t count = measure(ctx, &cases[c], o->repeats, t, &first);
        baselines b = find_baselines(o, &cases[c], first);
        if (b.js_bits == 0)
            fprintf(stderr, "bench_cpu: %s: JavaScript result differs!\n",
                    cases[c].name);
        print_rows(&cases[c], t, count, &b);
        if (json)
            json_rows(json, &cases[c], t, count, &b, &first_row);
        free(cases[c].pattern);
        free(cases[c].series);
    }
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_cpu [--repeats R] [--json OUT] "
                "[--js FILE]... [--peer FILE] [--data CSV] [--quick]\n");
        return EXIT_FAILURE;
    }
    hdtw_ctx *ctx;
    if (hdtw_create(&ctx) != HDTW_OK) {
        fprintf(stderr, "bench_cpu: hdtw_create failed\n");
        return EXIT_FAILURE;
    }
    FILE *json = o.json_path ? fopen(o.json_path, "w") : NULL;
    if (o.json_path && !json) {
        fprintf(stderr, "bench_cpu: cannot write %s\n", o.json_path);
        return EXIT_FAILURE;
    }
    bench_case cases[20];
    size_t case_count = make_cases(&o, cases);
    char model[128], backends[64];
    cpu_model(model, sizeof model);
    present_backends(ctx, backends, sizeof backends);
    printf("CPU: %s; backends: %s; medians of %d samples\n\n", model,
           backends, o.repeats);
    if (json)
        fprintf(json, "{\"cpu\": \"%s\", \"backends\": \"%s\", "
                "\"repeats\": %d, \"rows\": [", model, backends, o.repeats);
    run_all(ctx, &o, cases, case_count, json);
    if (json) {
        fprintf(json, "\n]}\n");
        fclose(json);
    }
    for (size_t f = 0; f < o.js_count; f++)
        free(o.js[f].text);
    free(o.peer.text);
    hdtw_destroy(ctx);
    return 0;
}
