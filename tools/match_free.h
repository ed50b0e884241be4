/* SPDX-License-Identifier: MIT */
/* match_free.h — hdtw-match --free (tools/match_free.c). */
#ifndef HDTW_TOOLS_MATCH_FREE_H
#define HDTW_TOOLS_MATCH_FREE_H

#include "csv.h"
#include "hdtw.h"
#include "match_options.h"

/* Finds and prints the o->k best variable-length matches of the last
 * o->pattern_len bars in the bars before them (s->len >= 2 pattern_len).
 * Returns 0, or -1 with a one-line message on stderr. */
int match_free(hdtw_ctx *ctx, const match_options *o, const csv_series *s);

#endif
