/* SPDX-License-Identifier: MIT */
/*
 * bench_opencl — the OpenCL backend against the scalar reference, measured
 * in the same run on the same inputs: batch 1000 x 100, batch 100,000 x 128
 * and the pair 2000 x 2000 (pattern length = window length). Prints the
 * median seconds over repeats, GCUPS (10^9 cells/s, fp64) and the ratio
 * OpenCL / scalar, checks the outputs are bit-identical, and writes JSON.
 *
 *   bench_opencl [--repeats R] [--json OUT] [--quick] [--binary OUT]
 *
 * --binary writes the device's compiled program (PTX text on NVIDIA) after
 * the first case, so a script can look for fused multiply-adds in it.
 * The OpenCL device is the library's default or HDTW_OPENCL_DEVICE. The
 * first OpenCL call (program build) is a warm-up and is not timed. Scalar
 * runs on one thread; --quick shrinks the big batch to 10,000 windows.
 */
#include "hdtw.h"


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"
#include "walk.h"

#define MAX_REPEATS 31

typedef struct {
    const char *name;
    size_t m, n, count;
} bench_case;

typedef struct {
    double scalar_s, opencl_s; /* medians */
    int identical;
} result;

/* Median seconds of `repeats` hdtw_batch calls on backend b (0 on error). */
static double time_batch(hdtw_ctx *ctx, hdtw_backend b, const bench_case *c,
                         const double *pattern, const double *windows,
                         double *out, int repeats)
{
    double seconds[MAX_REPEATS];
    if (hdtw_set_backend(ctx, b) != HDTW_OK)
        return 0.0;
    for (int r = 0; r < repeats; r++) {
        double start = timing_now();
        if (hdtw_batch(ctx, NULL, pattern, c->m, windows, c->count, c->n,
                       out) != HDTW_OK || hdtw_last_backend(ctx) != b)
            return 0.0;
        seconds[r] = timing_now() - start;
    }
    return timing_median(seconds, repeats);
}

static int run_case(hdtw_ctx *ctx, const bench_case *c, int repeats,
                    result *res)
{
    uint64_t seed = 0x5eedu + c->m * 31 + c->count;
    double *pattern = malloc(c->m * sizeof *pattern);
    double *windows = malloc(c->count * c->n * sizeof *windows);
    double *want = malloc(c->count * sizeof *want);
    double *got = malloc(c->count * sizeof *got);
    int ok = 0;
    if (!pattern || !windows || !want || !got)
        goto cleanup;
    walk_fill(pattern, c->m, seed);
    walk_fill(windows, c->count * c->n, seed + 1);

    /* warm-up: builds the OpenCL program (seconds on PoCL) */
    if (hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL) != HDTW_OK ||
        hdtw_batch(ctx, NULL, pattern, c->m, windows, 1, c->n, got) != HDTW_OK)
        goto cleanup;
    res->scalar_s = time_batch(ctx, HDTW_BACKEND_SCALAR, c, pattern, windows,
                               want, repeats);
    res->opencl_s = time_batch(ctx, HDTW_BACKEND_OPENCL, c, pattern, windows,
                               got, repeats);
    res->identical = memcmp(want, got, c->count * sizeof *got) == 0;
    ok = res->scalar_s > 0 && res->opencl_s > 0;
cleanup:
    free(pattern);
    free(windows);
    free(want);
    free(got);
    return ok;
}

static double gcups(const bench_case *c, double seconds)
{
    return (double)c->m * (double)c->n * (double)c->count / seconds * 1e-9;
}

static void write_json(FILE *f, const hdtw_device_info *dev,
                       const bench_case *cases, const result *res,
                       size_t ncases, int repeats)
{
    fprintf(f, "{\n  \"benchmark\": \"bench_opencl\",\n");
    fprintf(f, "  \"device\": \"%s\",\n  \"platform\": \"%s\",\n",
            dev->name, dev->platform);
    fprintf(f, "  \"is_gpu\": %d,\n  \"repeats\": %d,\n", dev->is_gpu, repeats);
    fprintf(f, "  \"cost\": \"abs\",\n  \"band\": -1,\n  \"cases\": [\n");
    for (size_t i = 0; i < ncases; i++) {
        const bench_case *c = &cases[i];
        fprintf(f,
                "    {\"name\": \"%s\", \"m\": %zu, \"n\": %zu, "
                "\"count\": %zu, \"scalar_s\": %.6g, \"opencl_s\": %.6g, "
                "\"scalar_gcups\": %.4g, \"opencl_gcups\": %.4g, "
                "\"opencl_over_scalar\": %.4g, \"identical\": %s}%s\n",
                c->name, c->m, c->n, c->count, res[i].scalar_s,
                res[i].opencl_s, gcups(c, res[i].scalar_s),
                gcups(c, res[i].opencl_s), res[i].scalar_s / res[i].opencl_s,
                res[i].identical ? "true" : "false",
                i + 1 < ncases ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
}

/* The compiled program into path; 0 on success. */
static int write_binary(hdtw_ctx *ctx, const char *path)
{
    size_t size = 0;
    char *binary = NULL;
    int failed = hdtw_opencl_program(ctx, NULL, 0, &size) != HDTW_OK ||
                 !(binary = malloc(size)) ||
                 hdtw_opencl_program(ctx, binary, size, &size) != HDTW_OK;
    FILE *f = failed ? NULL : fopen(path, "wb");
    failed |= !f || fwrite(binary, 1, size, f) != size;
    failed |= f && fclose(f) != 0;
    free(binary);
    if (failed)
        fprintf(stderr, "bench_opencl: cannot write the program binary to %s\n",
                path);
    return failed;
}

int main(int argc, char **argv)
{
    int repeats = 5, quick = 0;
    const char *json_path = NULL, *binary_path = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--repeats") == 0 && a + 1 < argc)
            repeats = atoi(argv[++a]);
        else if (strcmp(argv[a], "--json") == 0 && a + 1 < argc)
            json_path = argv[++a];
        else if (strcmp(argv[a], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[a], "--binary") == 0 && a + 1 < argc)
            binary_path = argv[++a];
        else {
            fprintf(stderr,
                    "usage: %s [--repeats R] [--json OUT] [--quick] "
                    "[--binary OUT]\n",
                    argv[0]);
            return 2;
        }
    }
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "bench_opencl: repeats must be 1..%d\n", MAX_REPEATS);
        return 2;
    }

    bench_case cases[] = {
        { "batch 1000x100", 100, 100, 1000 },
        { "batch 100000x128", 128, 128, quick ? 10000 : 100000 },
        { "pair 2000x2000", 2000, 2000, 1 },
    };
    size_t ncases = sizeof cases / sizeof *cases;
    result res[sizeof cases / sizeof *cases] = { { 0 } };

    hdtw_ctx *ctx = NULL;
    hdtw_device_info dev;
    if (hdtw_create(&ctx) != HDTW_OK ||
        hdtw_opencl_current_device(ctx, &dev) != HDTW_OK ||
        hdtw_set_threads(ctx, 1) != HDTW_OK) {
        fprintf(stderr, "bench_opencl: no usable OpenCL device\n");
        hdtw_destroy(ctx);
        return 1;
    }
    printf("device: %s (%s)\n", dev.name, dev.platform);
    printf("%-18s %10s %10s %12s %12s %8s %s\n", "case", "scalar s",
           "opencl s", "scalar GCUPS", "opencl GCUPS", "ratio", "identical");
    int status = 0;
    for (size_t i = 0; i < ncases; i++) {
        if (!run_case(ctx, &cases[i], repeats, &res[i])) {
            fprintf(stderr, "bench_opencl: %s failed: %s\n", cases[i].name,
                    hdtw_last_error(ctx));
            status = 1;
            continue;
        }
        printf("%-18s %10.4f %10.4f %12.3f %12.3f %8.2f %s\n", cases[i].name,
               res[i].scalar_s, res[i].opencl_s,
               gcups(&cases[i], res[i].scalar_s),
               gcups(&cases[i], res[i].opencl_s),
               res[i].scalar_s / res[i].opencl_s,
               res[i].identical ? "yes" : "NO");
        status |= !res[i].identical;
        if (i == 0 && binary_path)
            status |= write_binary(ctx, binary_path);
    }
    hdtw_destroy(ctx);

    if (json_path && status == 0) {
        FILE *f = fopen(json_path, "w");
        if (!f) {
            perror(json_path);
            return 1;
        }
        write_json(f, &dev, cases, res, ncases, repeats);
        fclose(f);
    }
    return status;
}
