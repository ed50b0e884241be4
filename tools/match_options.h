/* SPDX-License-Identifier: MIT */
/* match_options.h — hdtw-match's command line, parsed without printing or
 * exiting so that tests/fuzz/fuzz_options.c can drive it. */
#ifndef HDTW_TOOLS_MATCH_OPTIONS_H
#define HDTW_TOOLS_MATCH_OPTIONS_H

#include "hdtw.h"

#include <stddef.h>
#include <stdio.h>

/* Longest pattern and horizon accepted on the command line: beyond any
 * series a CSV file in memory can hold with a window before it. */
#define MATCH_MAX_BARS ((size_t)1 << 40)

typedef struct {
    const char *path, *column;
    char sep;
    size_t pattern_len, k;
    size_t ahead; /* --ahead H: bars after each match to report, 0 = off */
    int help;     /* -h given: print usage, nothing else */
    int free_end; /* --free: variable-length matches (tools/match_free.c) */
    hdtw_search_params search;
} match_options;

/* Parses argv (getopt_long; resets its state first). Returns 0, or -1 with
 * a one-line message in err. */
int match_parse_options(int argc, char **argv, match_options *o, char *err,
                        size_t err_len);

void match_usage(FILE *to);

#endif
