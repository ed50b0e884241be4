/* SPDX-License-Identifier: MIT */
/* tool_parse.c — tool_util.h's strict option values (numbers and
 * COUNTxLEN shapes), in an object of their own: it needs nothing of the
 * library, so bench_ab, which loads the library only with dlopen, links
 * it too. */
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

int tool_parse_shape(const char *text, size_t min_count, size_t max_values,
                     size_t *count, size_t *len)
{
    char count_text[24]; /* more digits than any size has */
    size_t c, n, split = strcspn(text, "x");
    if (!text[split] || split >= sizeof count_text)
        return -1;
    memcpy(count_text, text, split);
    count_text[split] = '\0';
    if (tool_parse_size(count_text, min_count, max_values, &c) != 0 ||
        tool_parse_size(text + split + 1, 1, max_values, &n) != 0 ||
        c > max_values / n)
        return -1;
    *count = c;
    *len = n;
    return 0;
}
