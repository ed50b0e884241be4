/* SPDX-License-Identifier: MIT */
/*
 * bench_limit.c — dtwbench --limit: how many GCUPS one core could at best
 * reach with each instruction set (hdtw_opmix_bound), the yardstick for
 * the kernels' measured GCUPS. Other tools read the JSON; its shape is
 *     {"machine": "<cpu model>",
 *      "opmix_gcups_per_core": {"scalar": x, "avx2": y, "avx512": z}}
 * with absent instruction sets left out. The same file, saved beside the
 * router's profile by --calibrate, spares later runs the second of
 * measuring, as long as it names this machine's CPU.
 */
#include "bench_limit.h"

#include "bench.h"
#include "bench_report.h"
#include "tool_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const hdtw_backend isas[] = { HDTW_BACKEND_SCALAR, HDTW_BACKEND_AVX2,
                                     HDTW_BACKEND_AVX512 };
#define NISAS (sizeof isas / sizeof *isas)
#define SECONDS_PER_ISA 0.33 /* about a second in all */
#define JSON_MAX 65536       /* a --limit file is far smaller */

/* The CPU model as the JSON holds it: without quotes, backslashes or
 * control characters. */
static void machine_name(char *buf, size_t cap)
{
    char cpu[256];
    size_t len = 0;
    report_cpu_model(cpu, sizeof cpu);
    for (const char *s = cpu; *s && len + 1 < cap; s++)
        if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
            buf[len++] = *s;
    buf[len] = '\0';
}

static int write_json(const char *path, const char *cpu,
                      const bench_bounds *b)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "{\"machine\": \"%s\", \"opmix_gcups_per_core\": {", cpu);
    const char *sep = "";
    for (size_t k = 0; k < NISAS; k++) {
        if (b->per_core[isas[k]] <= 0)
            continue;
        fprintf(f, "%s\"%s\": %.4g", sep, hdtw_backend_name(isas[k]),
                b->per_core[isas[k]]);
        sep = ", ";
    }
    fputs("}}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Measures every instruction set present; prints a row each when `print`. */
static int measure(bench_bounds *b, int print)
{
    hdtw_ctx *ctx = NULL;
    hdtw_status s = hdtw_create(&ctx);
    if (s != HDTW_OK) {
        fprintf(stderr, "dtwbench: %s\n", hdtw_strerror(s));
        return -1;
    }
    memset(b, 0, sizeof *b);
    snprintf(b->source, sizeof b->source, "measured");
    for (size_t k = 0; k < NISAS; k++) {
        double rate;
        if (hdtw_opmix_bound(ctx, isas[k], SECONDS_PER_ISA, &rate) != HDTW_OK)
            continue; /* absent here */
        b->per_core[isas[k]] = rate * 1e-9;
        if (print)
            printf("%-8s %12.3f\n", hdtw_backend_name(isas[k]),
                   b->per_core[isas[k]]);
    }
    hdtw_destroy(ctx);
    return 0;
}

int bench_limit(const char *json_path)
{
    char cpu[256];
    bench_bounds b;
    machine_name(cpu, sizeof cpu);
    printf("op-mix bound (sub, abs, min, min, add on 12 vector chains), one "
           "core, %s\n%-8s %12s\n", cpu, "isa", "GCUPS/core");
    if (measure(&b, 1) != 0)
        return EXIT_FAILURE;
    if (json_path && write_json(json_path, cpu, &b) != 0)
        return EXIT_FAILURE;
    return EXIT_SUCCESS;
}

/* --------------------------------------------------------- reading */

/* The file's text (NUL-terminated, at most JSON_MAX - 1 bytes) or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = f ? calloc(1, JSON_MAX) : NULL;
    if (text && fread(text, 1, JSON_MAX - 1, f) == 0 && ferror(f)) {
        free(text);
        text = NULL;
    }
    if (f)
        fclose(f);
    return text;
}

/* The bound of `isa` in the table at `from`, or 0 when absent. */
static double bound_after(const char *from, const char *isa)
{
    double v = tool_json_number(from, isa);
    return v > 0 && isfinite(v) ? v : 0;
}

/* Parses the --limit JSON in text; -1 when it holds no bound. */
static int parse_bounds(const char *text, bench_bounds *b)
{
    const char *table = strstr(text, "\"opmix_gcups_per_core\"");
    int found = 0;
    for (size_t k = 0; table && k < NISAS; k++) {
        b->per_core[isas[k]] =
            bound_after(table, hdtw_backend_name(isas[k]));
        found |= b->per_core[isas[k]] > 0;
    }
    return found ? 0 : -1;
}

/* 1 when the JSON's "machine" is this machine's CPU model. */
static int same_machine(const char *text)
{
    char cpu[256], want[300];
    machine_name(cpu, sizeof cpu);
    snprintf(want, sizeof want, "\"machine\": \"%s\"", cpu);
    return strstr(text, want) != NULL;
}

/* Reads path into b; `mine_only`: only when it names this CPU. 0 or -1. */
static int read_bounds(const char *path, int mine_only, bench_bounds *b)
{
    char *text = read_text(path);
    memset(b, 0, sizeof *b);
    int rc = text && (!mine_only || same_machine(text)) &&
                     parse_bounds(text, b) == 0
                 ? 0
                 : -1;
    if (rc == 0)
        snprintf(b->source, sizeof b->source, "%s", path);
    free(text);
    return rc;
}

int bench_bounds_path(const char *profile, char *buf, size_t cap)
{
    char where[4096];
    if (!profile && hdtw_profile_path(where, sizeof where) != 0)
        return -1;
    int n = snprintf(buf, cap, "%s.limit.json", profile ? profile : where);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int bench_bounds_save(const char *path)
{
    char cpu[256];
    bench_bounds b;
    machine_name(cpu, sizeof cpu);
    return measure(&b, 0) == 0 ? write_json(path, cpu, &b) : -1;
}

int bench_bounds_get(const char *limit_json, bench_bounds *b)
{
    char saved[4200];
    if (limit_json) {
        if (read_bounds(limit_json, 0, b) == 0)
            return 0;
        fprintf(stderr, "dtwbench: --limit-json %s: no op-mix bound in it "
                        "(write one with dtwbench --limit --json FILE)\n",
                limit_json);
        return -1;
    }
    if (bench_bounds_path(NULL, saved, sizeof saved) == 0 &&
        read_bounds(saved, 1, b) == 0)
        return 0;
    return measure(b, 0);
}

/* ------------------------------------------------------------ shares */

double bench_bound_of(const bench_bounds *b, hdtw_backend served)
{
    if (served != HDTW_BACKEND_SCALAR && served != HDTW_BACKEND_AVX2 &&
        served != HDTW_BACKEND_AVX512)
        return 0;
    return b->per_core[served];
}

int bench_threads_used(hdtw_backend served, int threads)
{
    int cores = bench_cores();
    if (served == HDTW_BACKEND_SCALAR)
        return 1;
    return threads > 0 && threads < cores ? threads : cores;
}

double bench_bound_pct(const bench_bounds *b, hdtw_backend served,
                       int threads, double gcups)
{
    double bound = bench_bound_of(b, served);
    if (!(bound > 0))
        return NAN;
    return 100.0 * gcups / bench_threads_used(served, threads) / bound;
}
