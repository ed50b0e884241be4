/* SPDX-License-Identifier: MIT */
/*
 * fuzz_options.c — the command lines of hdtw-match (tools/match_options.c)
 * and dtwbench (tools/bench_options.c) on any arguments. Each call must
 * return without crashing, twice in a row with the same result (getopt's
 * state is reset), and either refuse with a one-line message or give
 * values inside the documented ranges.
 *
 * Input: one byte picks the tool; the rest is the arguments, separated by
 * NUL bytes (at most 16).
 */
#include "bench_options.h"
#include "fuzz_common.h"
#include "match_options.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 16

static void check_refusal(const char *err)
{
    FUZZ_ASSERT(err[0] && !strchr(err, '\n'), "message not one line: '%s'",
                err);
}

static void check_match(int argc, char **argv)
{
    match_options a, b;
    char err[512] = "", err2[512] = "";
    int rc = match_parse_options(argc, argv, &a, err, sizeof err);
    FUZZ_ASSERT(match_parse_options(argc, argv, &b, err2, sizeof err2) == rc,
                "a second parse differs");
    if (rc != 0) {
        check_refusal(err);
        FUZZ_ASSERT(strcmp(err, err2) == 0, "messages differ");
        return;
    }
    if (a.help)
        return;
    FUZZ_ASSERT(a.path && a.pattern_len >= 1 && a.k >= 1 &&
                a.pattern_len <= MATCH_MAX_BARS && a.search.dtw.band >= 0 &&
                a.sep && a.sep != '"' && a.sep != '\n' && a.sep != '\r',
                "hdtw-match accepted an out-of-range value");
    FUZZ_ASSERT(a.pattern_len == b.pattern_len && a.k == b.k &&
                a.search.dtw.band == b.search.dtw.band && a.ahead == b.ahead,
                "a second parse differs");
}

static void check_bench(int argc, char **argv)
{
    options a;
    char err[512] = "";
    int rc = bench_parse_options(argc, argv, 4, &a, err, sizeof err);
    if (rc != 0) {
        check_refusal(err);
        return;
    }
    FUZZ_ASSERT(a.settings.repeats >= 1 &&
                a.settings.repeats <= BENCH_MAX_REPEATS &&
                a.nthreads >= 1 && a.pattern_len >= 1 && a.stride >= 1 &&
                a.params.band >= -1 && a.sweep_max >= 100,
                "dtwbench accepted an out-of-range value");
    for (int t = 0; t < a.nthreads; t++)
        FUZZ_ASSERT(a.threads[t] >= 0 && a.threads[t] <= 4096,
                    "thread count %d", a.threads[t]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    int tool = fuzz_u8(&in) & 1;
    char *text = malloc(in.size + 1), *argv[MAX_ARGS + 2];
    int argc = 0;
    FUZZ_ASSERT(text, "out of memory");
    if (in.size)
        memcpy(text, in.data, in.size);
    text[in.size] = '\0';
    argv[argc++] = tool ? "dtwbench" : "hdtw-match";
    for (char *p = text; p <= text + in.size && argc <= MAX_ARGS;
         p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    if (tool)
        check_bench(argc, argv);
    else
        check_match(argc, argv);
    free(text);
    return 0;
}
