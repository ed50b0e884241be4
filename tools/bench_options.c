/* SPDX-License-Identifier: MIT */
#include "bench_options.h"

#include "tool_util.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void bench_usage(FILE *to)
{
    fprintf(to,
"usage: dtwbench [options]        the standard cases on every backend\n"
"       dtwbench --list           OpenCL devices and CPU backends\n"
"       dtwbench --calibrate      measure and write the router's profile\n"
"       dtwbench --sweep          AUTO vs every backend, 10^2..10^8 cells\n"
"       dtwbench --limit          op-mix bound GCUPS per core and ISA (--json)\n"
"cases (default: all three)\n"
"  --pairs LIST        pair lengths (default 50,100,200,500,1000,2000; none;\n"
"                      at most 32 lengths of at most 100000)\n"
"  --batch CxN         batch of C windows of N bars (default 1000x100; none;\n"
"                      C*N at most 2^27)\n"
"  --data FILE         sliding: CSV series (default: the bundled\n"
"                      data/usdchf_30min.csv; none to skip)\n"
"  --column NAME       CSV column (default: the last one)\n"
"  --pattern N         sliding pattern = the last N bars (default 100)\n"
"  --stride S          sliding window step (default 1)\n"
"  --band B            Sakoe-Chiba band (default: none)\n"
"  --cost abs|squared  cell cost (default abs)\n"
"where and how\n"
"  --backends LIST     of scalar,avx2,avx512,opencl,auto (default: all here)\n"
"  --devices LIST      OpenCL device indices (default: all with fp64)\n"
"  --threads LIST      thread counts, 0 = all cores (default 1,<cores>)\n"
"  --repeats R         samples per case and backend (default 5, --sweep 11;\n"
"                      at most %d)\n"
"  --js / --no-js      also time bench/js/baseline.js with node (default:\n"
"                      when node and the script are found)\n"
"output\n"
"  --json FILE         every number, samples included\n"
"  --csv               CSV on stdout instead of the table\n"
"  --plot FILE         GCUPS vs pair length (.png or .svg; needs gnuplot)\n"
"  --profile FILE      --calibrate writes here (default: $HDTW_PROFILE, else\n"
"                      $XDG_CACHE_HOME/hdtw/profile, else\n"
"                      ~/.cache/hdtw/profile), and the op-mix bound to\n"
"                      FILE.limit.json\n"
"  --limit-json FILE   the op-mix bound that the \"%% bound\" columns divide by\n"
"                      (default: the one --calibrate saved for this CPU,\n"
"                      else measured, about a second)\n"
"  --sweep-max CELLS   largest sweep size (default 1e8)\n"
"  --check             --sweep: exit 1 when AUTO is more than 10%% slower\n"
"                      than the fastest backend at a size (after a retry)\n"
"       dtwbench --matrix CxN     pdist of C walks of N values (--matrix --help)\n",
            BENCH_MAX_REPEATS);
}

int bench_parse_threads(const char *text, int *threads, int cap, int *count)
{
    char item[16];
    *count = 0;
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        long t;
        if (len >= sizeof item || *count == cap)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        if (tool_parse_long(item, 0, 4096, &t) != 0)
            return -1;
        threads[(*count)++] = (int)t;
        p += len;
        if (!*p)
            return 0;
    }
}

/* Calls of a second or two on one core at the most, and inputs that fit
 * in memory many times over. */
#define MAX_PAIR_LEN 100000
#define MAX_BATCH_VALUES ((size_t)1 << 27)

/* "none" or a comma-separated list of 1 .. BENCH_MAX_PAIRS lengths. */
static int check_pairs(const char *text)
{
    char item[16];
    size_t len, count = 0, n;
    if (strcmp(text, "none") == 0)
        return 0;
    for (const char *p = text;; p += len + 1) {
        len = strcspn(p, ",");
        if (len >= sizeof item || ++count > BENCH_MAX_PAIRS)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        if (tool_parse_size(item, 1, MAX_PAIR_LEN, &n) != 0)
            return -1;
        if (!p[len])
            return 0;
    }
}

/* "none" or COUNTxLEN. */
static int check_batch(const char *text)
{
    size_t count, n;
    if (strcmp(text, "none") == 0)
        return 0;
    return tool_parse_shape(text, 1, MAX_BATCH_VALUES, &count, &n);
}

enum { O_PAIRS = 256, O_BATCH, O_DATA, O_COLUMN, O_PATTERN, O_STRIDE,
       O_BAND, O_COST, O_BACKENDS, O_DEVICES, O_THREADS, O_REPEATS,
       O_JS, O_NOJS, O_JSON, O_CSV, O_PLOT, O_PROFILE, O_LIST,
       O_CALIBRATE, O_SWEEP, O_SWEEPMAX, O_LIMIT, O_HELP, O_LIMITJSON,
       O_CHECK };

static const struct option longs[] = {
    { "pairs", 1, 0, O_PAIRS }, { "batch", 1, 0, O_BATCH },
    { "data", 1, 0, O_DATA }, { "column", 1, 0, O_COLUMN },
    { "pattern", 1, 0, O_PATTERN }, { "stride", 1, 0, O_STRIDE },
    { "band", 1, 0, O_BAND }, { "cost", 1, 0, O_COST },
    { "backends", 1, 0, O_BACKENDS }, { "devices", 1, 0, O_DEVICES },
    { "threads", 1, 0, O_THREADS }, { "repeats", 1, 0, O_REPEATS },
    { "js", 0, 0, O_JS }, { "no-js", 0, 0, O_NOJS },
    { "json", 1, 0, O_JSON }, { "csv", 0, 0, O_CSV },
    { "plot", 1, 0, O_PLOT }, { "profile", 1, 0, O_PROFILE },
    { "list", 0, 0, O_LIST }, { "calibrate", 0, 0, O_CALIBRATE },
    { "sweep", 0, 0, O_SWEEP }, { "sweep-max", 1, 0, O_SWEEPMAX },
    { "limit", 0, 0, O_LIMIT }, { "help", 0, 0, O_HELP },
    { "limit-json", 1, 0, O_LIMITJSON }, { "check", 0, 0, O_CHECK },
    { 0, 0, 0, 0 },
};

/* One option with a value into o; nonzero when the value is refused. */
static int take_value(int c, const char *value, options *o)
{
    char *end;
    size_t repeats;
    switch (c) {
    case O_PAIRS: o->pairs = value; return check_pairs(value);
    case O_BATCH: o->batch = value; return check_batch(value);
    case O_DATA: o->data = value; return 0;
    case O_COLUMN: o->column = value; return 0;
    case O_PATTERN:
        return tool_parse_size(value, 1, (size_t)1 << 40, &o->pattern_len);
    case O_STRIDE:
        return tool_parse_size(value, 1, (size_t)1 << 40, &o->stride);
    case O_BAND: return tool_parse_long(value, -1, LONG_MAX, &o->params.band);
    case O_COST:
        o->params.cost = strcmp(value, "squared") == 0 ? HDTW_COST_SQUARED
                                                        : HDTW_COST_ABS;
        return strcmp(value, "abs") != 0 && strcmp(value, "squared") != 0;
    case O_BACKENDS: o->backends = value; return 0;
    case O_DEVICES: o->devices = value; return 0;
    case O_THREADS:
        return bench_parse_threads(value, o->threads, BENCH_MAX_THREAD_COUNTS,
                                   &o->nthreads);
    case O_REPEATS:
        if (tool_parse_size(value, 1, BENCH_MAX_REPEATS, &repeats) != 0)
            return -1;
        o->settings.repeats = (int)repeats;
        return 0;
    case O_JSON: o->json = value; return 0;
    case O_PLOT: o->plot = value; return 0;
    case O_PROFILE: o->profile = value; return 0;
    case O_LIMITJSON: o->limit_json = value; return 0;
    case O_SWEEPMAX:
        o->sweep_max = strtod(value, &end);
        return !*value || *end || !(o->sweep_max >= 100) ||
               !(o->sweep_max <= 1e15);
    }
    return -1;
}

/* The options without a value; 0 when c is one of them. */
static int take_flag(int c, options *o)
{
    switch (c) {
    case O_JS: o->js = 1; return 0;
    case O_NOJS: o->js = 0; return 0;
    case O_CSV: o->csv = 1; return 0;
    case O_LIST: o->mode = MODE_LIST; return 0;
    case O_CALIBRATE: o->mode = MODE_CALIBRATE; return 0;
    case O_SWEEP: o->mode = MODE_SWEEP; return 0;
    case O_LIMIT: o->mode = MODE_LIMIT; return 0;
    case O_CHECK: o->check = 1; return 0;
    case 'h':
    case O_HELP: o->help = 1; return 0;
    }
    return -1;
}

int bench_parse_options(int argc, char **argv, int cores, options *o,
                        char *err, size_t err_len)
{
    *o = (options){ .pairs = "50,100,200,500,1000,2000", .batch = "1000x100",
                    .js = -1, .pattern_len = 100, .stride = 1,
                    .threads = { 1, cores }, .nthreads = cores > 1 ? 2 : 1,
                    .params = HDTW_PARAMS_DEFAULT, .sweep_max = 1e8,
                    .settings = { .repeats = 0, .min_sample_s = 0.02 } };
    int c;
    char shown[72];
    optind = 0; /* glibc: a full reset, for a second call in one process */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        if (c == ':' || c == '?') {
            snprintf(err, err_len, c == ':' ? "%s needs a value"
                                            : "unknown option %s",
                     tool_excerpt(argv[optind - 1], shown, sizeof shown));
            return -1;
        }
        if (take_flag(c, o) == 0)
            continue;
        if (take_value(c, optarg, o) != 0) {
            snprintf(err, err_len, "bad value for --%s: '%s'",
                     longs[c - O_PAIRS].name,
                     tool_excerpt(optarg, shown, sizeof shown));
            return -1;
        }
    }
    if (optind != argc) {
        snprintf(err, err_len, "unexpected argument '%s'",
                 tool_excerpt(argv[optind], shown, sizeof shown));
        return -1;
    }
    if (o->settings.repeats == 0) /* the sweep compares close times */
        o->settings.repeats = o->mode == MODE_SWEEP ? 11 : 5;
    return 0;
}
