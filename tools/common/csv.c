#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096

/* The idx-th comma-separated field of line (modified in place), or NULL. */
static char *field(char *line, size_t idx)
{
    char *f = line;
    for (size_t k = 0; k < idx; k++) {
        f = strchr(f, ',');
        if (!f)
            return NULL;
        f++;
    }
    f[strcspn(f, ",\r\n")] = '\0';
    return f;
}

static size_t count_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

static int pick_column(char *header, const char *column, size_t *idx,
                       char *name, size_t name_len)
{
    size_t fields = count_fields(header);
    char *end;
    if (!column) {
        *idx = fields - 1;
    } else {
        unsigned long n = strtoul(column, &end, 10);
        if (*column && *end == '\0') {
            *idx = n;
        } else {
            *idx = fields;
            for (size_t k = 0; k < fields; k++) {
                char copy[LINE_MAX_LEN];
                strcpy(copy, header);
                if (strcmp(field(copy, k), column) == 0)
                    *idx = k;
            }
        }
    }
    if (*idx >= fields)
        return -1;
    const char *chosen = field(header, *idx);
    if (strlen(chosen) >= name_len)
        return -1;
    memcpy(name, chosen, strlen(chosen) + 1);
    return 0;
}

static int grow(csv_series *s, size_t *cap)
{
    size_t new_cap = *cap ? 2 * *cap : 4096;
    double *v = realloc(s->values, new_cap * sizeof *v);
    if (!v)
        return -1;
    s->values = v;
    char **l = realloc(s->labels, new_cap * sizeof *l);
    if (!l)
        return -1;
    s->labels = l;
    *cap = new_cap;
    return 0;
}

int csv_read_column(const char *path, const char *column, csv_series *out,
                    char *err, size_t err_len)
{
    csv_series s = { 0 };
    size_t cap = 0, idx, line_no = 1;
    char line[LINE_MAX_LEN], copy[LINE_MAX_LEN];
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!fgets(line, sizeof line, f) ||
        pick_column(line, column, &idx, s.column, sizeof s.column) != 0) {
        snprintf(err, err_len, "%s: no column '%s' in the header", path,
                 column ? column : "(last)");
        goto fail;
    }
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line[strspn(line, " \r\n")] == '\0')
            continue;
        if (s.len == cap && grow(&s, &cap) != 0) {
            snprintf(err, err_len, "out of memory");
            goto fail;
        }
        strcpy(copy, line);
        char *text = field(copy, idx), *end;
        double v = text ? strtod(text, &end) : 0.0;
        if (!text || end == text) {
            snprintf(err, err_len, "%s:%zu: not a number in column %s", path,
                     line_no, s.column);
            goto fail;
        }
        s.labels[s.len] = strdup(field(line, 0));
        if (!s.labels[s.len]) {
            snprintf(err, err_len, "out of memory");
            goto fail;
        }
        s.values[s.len++] = v;
    }
    fclose(f);
    if (s.len == 0) {
        snprintf(err, err_len, "%s: no data rows", path);
        csv_free(&s);
        return -1;
    }
    *out = s;
    return 0;
fail:
    fclose(f);
    csv_free(&s);
    return -1;
}

void csv_free(csv_series *s)
{
    for (size_t k = 0; k < s->len; k++)
        free(s->labels[k]);
    free(s->labels);
    free(s->values);
    s->labels = NULL;
    s->values = NULL;
    s->len = 0;
}
