/* SPDX-License-Identifier: MIT */
/* tool_util.h — what hdtw-match and dtwbench share beyond the CSV reader:
 * strict option values and a message that explains hdtw_create's refusal. */
#ifndef HDTW_TOOLS_TOOL_UTIL_H
#define HDTW_TOOLS_TOOL_UTIL_H

#include "hdtw.h"

#include <stddef.h>

/* *out = text as a decimal integer in [min, max]: digits only (a leading
 * '-' when min < 0), nothing before or after. Returns 0 or -1. */
int tool_parse_long(const char *text, long min, long max, long *out);

/* The same for sizes in [min, max]. */
int tool_parse_size(const char *text, size_t min, size_t max, size_t *out);

/* *count and *len from "COUNTxLEN", two sizes as tool_parse_size reads
 * them joined by one 'x': count >= min_count, len >= 1, and count * len
 * <= max_values. Returns 0 or -1 (then nothing is written). */
int tool_parse_shape(const char *text, size_t min_count, size_t max_values,
                     size_t *count, size_t *len);

/* A printable excerpt of text for one-line messages: at most cap - 4
 * bytes of it, control bytes as '?', "..." when cut. Returns buf. */
const char *tool_excerpt(const char *text, char *buf, size_t cap);

/* hdtw_create with a one-line message in err when it fails: for an
 * environment variable that it refused, the variable, its value and the
 * values it accepts. */
hdtw_status tool_create(hdtw_ctx **ctx, char *err, size_t err_len);

/* The number after "key": at or after `from` in a JSON text, NAN when the
 * key is absent (or from is NULL). A key scan: enough for the files our own
 * tools and scripts write. */
double tool_json_number(const char *from, const char *key);

#endif
