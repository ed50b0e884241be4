/* SPDX-License-Identifier: MIT */
/* bench_js.h — the pure-JavaScript baseline, run by node on the same cases. */
#ifndef HDTW_TOOLS_BENCH_JS_H
#define HDTW_TOOLS_BENCH_JS_H

#include "hdtw.h"

#include <stddef.h>

typedef struct {
    char name[64];  /* "pair 50", "batch 1000x100": dtwbench's case names */
    double seconds; /* median per call */
    double result;  /* the distance (batch: of the first window) */
} bench_js_result;

/* Runs `node script --pairs PAIRS [--batch BATCH] ...` with the cost and
 * band of p and reads its cases into out[0..cap), the count into *count and
 * the node version into runtime. pairs is a comma list ("" for none),
 * batch "COUNTxLEN" or NULL. Returns 0, or -1 when node could not run it. */
int bench_js_run(const char *script, const char *pairs, const char *batch,
                 int repeats, const hdtw_params *p, bench_js_result *out,
                 size_t cap, size_t *count, char *runtime,
                 size_t runtime_cap);

#endif
