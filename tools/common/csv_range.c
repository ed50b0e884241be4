/* SPDX-License-Identifier: MIT */
/* csv_range.c — byte ranges of a CSV file cut at line starts (csv_range.h). */
#define _POSIX_C_SOURCE 200809L /* getline, fseeko */
#include "csv_range.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* A line of only spaces and tabs before its line break ("\n" or "\r\n"). */
static int blank_line(const char *line, size_t len)
{
    size_t n = len;
    if (n > 0 && line[n - 1] == '\n')
        n--;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    for (size_t k = 0; k < n; k++)
        if (line[k] != ' ' && line[k] != '\t')
            return 0;
    return 1;
}

int csv_range_header(FILE *f, char **text, size_t *len)
{
    char *line = NULL, *all = NULL;
    size_t cap = 0, used = 0;
    ssize_t got;
    int done = 0;
    while (!done && (got = getline(&line, &cap, f)) > 0) {
        const char *look = line;
        size_t look_len = (size_t)got;
        if (used == 0 && look_len >= 3 && memcmp(look, "\xEF\xBB\xBF", 3) == 0) {
            look += 3; /* a UTF-8 byte-order mark */
            look_len -= 3;
        }
        done = !blank_line(look, look_len);
        char *bigger = realloc(all, used + (size_t)got + 1);
        if (!bigger)
            goto fail;
        all = bigger;
        memcpy(all + used, line, (size_t)got);
        used += (size_t)got;
    }
    if (ferror(f))
        goto fail;
    free(line);
    if (!all && !(all = malloc(1)))
        return -1;
    *text = all;
    *len = used;
    return 0;
fail:
    free(line);
    free(all);
    return -1;
}

int csv_range_line_start(FILE *f, uint64_t at, uint64_t size, uint64_t *start)
{
    char chunk[1 << 16];
    uint64_t pos = at - 1;
    if (fseeko(f, (off_t)pos, SEEK_SET) != 0)
        return -1;
    while (pos < size) {
        size_t got = fread(chunk, 1, sizeof chunk, f);
        if (got == 0)
            return -1;
        const char *lf = memchr(chunk, '\n', got);
        if (lf) {
            *start = pos + (uint64_t)(lf - chunk) + 1;
            return 0;
        }
        pos += got;
    }
    *start = size;
    return 0;
}

char *csv_range_read(FILE *f, uint64_t lo, uint64_t hi)
{
    size_t len = (size_t)(hi - lo);
    char *text = hi - lo < SIZE_MAX ? malloc(len + 1) : NULL;
    if (text && len > 0 && (fseeko(f, (off_t)lo, SEEK_SET) != 0 ||
                            fread(text, 1, len, f) != len)) {
        free(text);
        return NULL;
    }
    return text;
}

size_t csv_range_newlines(const char *text, size_t len)
{
    size_t n = 0;
    for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text)));
         p++)
        n++;
    return n;
}

size_t csv_range_odd_quotes(const char *text, size_t len)
{
    size_t line = 0;
    int odd = 0;
    for (size_t k = 0; k < len; k++) {
        odd ^= text[k] == '"';
        if (text[k] != '\n')
            continue;
        if (odd)
            return line;
        line++;
    }
    return odd ? line : SIZE_MAX;
}
