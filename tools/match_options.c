/* SPDX-License-Identifier: MIT */
#include "match_options.h"

#include "csv.h"
#include "tool_util.h"

#include <getopt.h>
#include <limits.h>
#include <string.h>

void match_usage(FILE *to)
{
    fprintf(to,
        "usage: hdtw-match [options] FILE.csv\n"
        "  -c, --column NAME|INDEX  price column, by header name or by index\n"
        "                           counted from 0 (default: the last one)\n"
        "  -n, --pattern N          pattern = the last N bars (default 100)\n"
        "  -k, --top K              matches to print (default 5)\n"
        "  -b, --band B             Sakoe-Chiba band, an integer >= 0\n"
        "                           (default: 5%% of N)\n"
        "  -a, --ahead H            also show what the series did in the H\n"
        "                           bars after each match, and a summary\n"
        "  -s, --sep C              field separator: one character or 'tab'\n"
        "                           (default ',')\n"
        "      --squared            squared cost (default: absolute)\n"
        "      --raw                compare raw prices (default: z-normalised\n"
        "                           pattern and windows, i.e. shape only)\n"
        "      --free               matches of any length, with free start\n"
        "                           and end (hdtw_subsequence, raw prices,\n"
        "                           no band, no --ahead)\n"
        "  -h, --help\n");
}

/* One option's value into o; -1 with a message when it is refused. */
static int take_value(int c, const char *value, match_options *o,
                      char *err, size_t err_len)
{
    int bad = 0;
    char shown[72];
    const char *want = "a positive integer";
    switch (c) {
    case 'c': o->column = value; break;
    case 'n': bad = tool_parse_size(value, 1, MATCH_MAX_BARS,
                                    &o->pattern_len); break;
    case 'k': bad = tool_parse_size(value, 1, MATCH_MAX_BARS, &o->k); break;
    case 'a': bad = tool_parse_size(value, 1, MATCH_MAX_BARS, &o->ahead);
        break;
    case 'b':
        bad = tool_parse_long(value, 0, LONG_MAX, &o->search.dtw.band);
        want = "an integer >= 0";
        break;
    case 's':
        bad = csv_parse_sep(value, &o->sep);
        want = "one character (not a quote) or 'tab'";
        break;
    }
    if (bad)
        snprintf(err, err_len, "-%c needs %s, not '%s'", c, want,
                 tool_excerpt(value, shown, sizeof shown));
    return bad ? -1 : 0;
}

int match_parse_options(int argc, char **argv, match_options *o, char *err,
                        size_t err_len)
{
    static const struct option longs[] = {
        { "column", required_argument, 0, 'c' },
        { "pattern", required_argument, 0, 'n' },
        { "top", required_argument, 0, 'k' },
        { "band", required_argument, 0, 'b' },
        { "ahead", required_argument, 0, 'a' },
        { "sep", required_argument, 0, 's' },
        { "squared", no_argument, 0, 'q' },
        { "raw", no_argument, 0, 'r' },
        { "free", no_argument, 0, 'f' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    *o = (match_options){ .sep = ',', .pattern_len = 100, .k = 5,
                          .search = HDTW_SEARCH_DEFAULT };
    int c, band_given = 0;
    char shown[72];
    optind = 0; /* glibc: a full reset, for a second call in one process */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:n:k:b:a:s:h", longs, NULL)) != -1) {
        switch (c) {
        case 'q': o->search.dtw.cost = HDTW_COST_SQUARED; break;
        case 'r': o->search.znorm = 0; break;
        case 'f': o->free_end = 1; break;
        case 'h': o->help = 1; return 0;
        case ':':
            snprintf(err, err_len, "%s needs a value",
                     tool_excerpt(argv[optind - 1], shown, sizeof shown));
            return -1;
        case '?':
            snprintf(err, err_len, "unknown option %s",
                     tool_excerpt(argv[optind - 1], shown, sizeof shown));
            return -1;
        default:
            band_given |= c == 'b';
            if (take_value(c, optarg, o, err, err_len) != 0)
                return -1;
        }
    }
    if (optind != argc - 1) {
        snprintf(err, err_len, optind == argc ? "no CSV file given"
                                              : "one CSV file, not %d",
                 argc - optind);
        return -1;
    }
    if (o->free_end && (band_given || o->ahead)) {
        snprintf(err, err_len, "--free takes no %s",
                 band_given ? "--band (a free start has none)" : "--ahead");
        return -1;
    }
    if (!band_given) /* 5%, the usual choice for subsequence search */
        o->search.dtw.band = (long)((o->pattern_len + 10) / 20);
    o->path = argv[optind];
    return 0;
}
