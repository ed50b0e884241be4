/* SPDX-License-Identifier: MIT */
/* tool_parse.c — tool_util.h's strict option values, in an object of their
 * own: it needs nothing of the library, so bench_ab, which loads the
 * library only with dlopen, links it too. */
#include "tool_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tool_parse_long(const char *text, long min, long max, long *out)
{
    const char *digits = text + (min < 0 && text[0] == '-');
    if (!*digits || digits[strspn(digits, "0123456789")] != '\0')
        return -1;
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno != 0 || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int tool_parse_size(const char *text, size_t min, size_t max, size_t *out)
{
    if (!*text || text[strspn(text, "0123456789")] != '\0')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno != 0 || v < min || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}
