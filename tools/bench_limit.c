/* SPDX-License-Identifier: MIT */
/*
 * bench_limit.c — dtwbench --limit: how many GCUPS one core could at best
 * reach with each instruction set (hdtw_opmix_bound), the yardstick for
 * the kernels' measured GCUPS. Other tools read the JSON; its shape is
 *     {"machine": "<cpu model>",
 *      "opmix_gcups_per_core": {"scalar": x, "avx2": y, "avx512": z}}
 * with absent instruction sets left out.
 */
#include "bench_limit.h"

#include "bench_report.h"

#include <stdio.h>
#include <stdlib.h>

static const hdtw_backend isas[] = { HDTW_BACKEND_SCALAR, HDTW_BACKEND_AVX2,
                                     HDTW_BACKEND_AVX512 };
#define NISAS (sizeof isas / sizeof *isas)
#define SECONDS_PER_ISA 0.33 /* about a second in all */

/* JSON string contents: the model name without quotes or backslashes. */
static void json_text(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
            fputc(*s, f);
}

static int write_json(const char *path, const char *cpu, const double *gcups)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fputs("{\"machine\": \"", f);
    json_text(f, cpu);
    fputs("\", \"opmix_gcups_per_core\": {", f);
    const char *sep = "";
    for (size_t k = 0; k < NISAS; k++) {
        if (gcups[k] <= 0)
            continue;
        fprintf(f, "%s\"%s\": %.4g", sep, hdtw_backend_name(isas[k]),
                gcups[k]);
        sep = ", ";
    }
    fputs("}}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

int bench_limit(const char *json_path)
{
    hdtw_ctx *ctx = NULL;
    hdtw_status s = hdtw_create(&ctx);
    if (s != HDTW_OK) {
        fprintf(stderr, "dtwbench: %s\n", hdtw_strerror(s));
        return EXIT_FAILURE;
    }
    char cpu[256];
    double gcups[NISAS] = { 0 };
    report_cpu_model(cpu, sizeof cpu);
    printf("op-mix bound (sub, abs, min, min, add on 12 vector chains), one "
           "core, %s\n%-8s %12s\n", cpu, "isa", "GCUPS/core");
    for (size_t k = 0; k < NISAS; k++) {
        double rate;
        if (hdtw_opmix_bound(ctx, isas[k], SECONDS_PER_ISA, &rate) != HDTW_OK)
            continue; /* absent here */
        gcups[k] = rate * 1e-9;
        printf("%-8s %12.3f\n", hdtw_backend_name(isas[k]), gcups[k]);
    }
    hdtw_destroy(ctx);
    if (json_path && write_json(json_path, cpu, gcups) != 0)
        return EXIT_FAILURE;
    return EXIT_SUCCESS;
}
