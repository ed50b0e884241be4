/* SPDX-License-Identifier: MIT */
/* csv.c — the strict RFC 4180 reader described in csv.h. The whole file is
 * read into memory, so a line may have any length; fields are unquoted in
 * place, which never needs more room than the quoted text had. */
#include "csv.h"

#include "tool_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGITS "0123456789"
#define BLANKS " \t"

typedef struct {
    char *text; /* nul-terminated in place */
    size_t line, col; /* where the field starts, both from 1 */
} cell;

typedef struct {
    char *p, *end;    /* what is left to read */
    char *line_start; /* of the line p is on, for column numbers */
    size_t line;
    char sep;
    cell *cells; /* the fields of the last record */
    size_t ncells, cap;
    const char *name; /* the file, for messages */
    int hint; /* of hints[], appended to messages once the header is
               * known; -1: none */
    char *err;
    size_t err_len;
} reader;

/* The separators a one-field header may hold, and what to try then. */
static const char *const hints[] = {
    " (is the separator ','? try --sep ',')",
    " (is the separator ';'? try --sep ';')",
    " (is the separator a tab? try --sep tab)",
    " (is the separator '|'? try --sep '|')",
};

/* Writes "NAME:LINE:COL: message" (without COL when col is 0) to err. */
static int fail(reader *r, size_t line, size_t col, const char *fmt, ...)
{
    size_t used = 0;
    int n = col ? snprintf(r->err, r->err_len, "%s:%zu:%zu: ", r->name, line,
                           col)
                : snprintf(r->err, r->err_len, "%s:%zu: ", r->name, line);
    if (n > 0)
        used = (size_t)n < r->err_len ? (size_t)n : r->err_len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + used, r->err_len - used, fmt, ap);
    va_end(ap);
    if (r->hint >= 0) {
        used = strlen(r->err);
        snprintf(r->err + used, r->err_len - used, "%s", hints[r->hint]);
    }
    return -1;
}

/* Reads a quoted field from r->p (at its opening quote); *w = its end. */
static int read_quoted(reader *r, const cell *c, char **w)
{
    char *p = r->p + 1, *out = r->p;
    for (;;) {
        if (p == r->end)
            return fail(r, c->line, c->col, "a quoted field is not closed");
        if (*p == '"' && p + 1 < r->end && p[1] == '"') {
            *out++ = '"';
            p += 2;
            continue;
        }
        if (*p == '"')
            break;
        if (*p == '\n') {
            r->line++;
            r->line_start = p + 1;
        }
        *out++ = *p++;
    }
    p++; /* the closing quote */
    int crlf = p < r->end && *p == '\r' && (p + 1 == r->end || p[1] == '\n');
    if (p < r->end && *p != r->sep && *p != '\n' && !crlf)
        return fail(r, r->line, (size_t)(p - r->line_start) + 1,
                    "text after the closing quote of a field");
    r->p = p;
    *w = out;
    return 0;
}

/* Reads one field at r->p; *last tells whether it ended its record. */
static int read_cell(reader *r, cell *c, int *last)
{
    char *w = r->p;
    *c = (cell){ .text = r->p, .line = r->line,
                 .col = (size_t)(r->p - r->line_start) + 1 };
    if (r->p < r->end && *r->p == '"') {
        if (read_quoted(r, c, &w) != 0)
            return -1;
    } else {
        while (r->p < r->end && *r->p != r->sep && *r->p != '\n')
            r->p++;
        w = r->p;
        if (w > c->text && w[-1] == '\r' && (w == r->end || *w == '\n'))
            w--;
    }
    *last = r->p == r->end || *r->p != r->sep;
    if (r->p < r->end && *r->p == '\r') /* of a CRLF after a quoted field */
        r->p++;
    if (r->p < r->end)
        r->p++;
    if (*last) {
        r->line++;
        r->line_start = r->p;
    }
    *w = '\0'; /* after the terminator was looked at: w may point at it */
    return 0;
}

/* 1: a record in r->cells, 0: no more input, -1: an error. */
static int next_record(reader *r)
{
    int last = 0;
    r->ncells = 0;
    if (r->p == r->end)
        return 0;
    while (!last) {
        if (r->ncells == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 16;
            cell *cells = cap <= SIZE_MAX / sizeof *cells
                              ? realloc(r->cells, cap * sizeof *cells) : NULL;
            if (!cells)
                return fail(r, r->line, 0, "out of memory");
            r->cells = cells;
            r->cap = cap;
        }
        if (read_cell(r, &r->cells[r->ncells], &last) != 0)
            return -1;
        r->ncells++;
    }
    return 1;
}

/* next_record, skipping blank lines. */
static int next_nonblank_record(reader *r)
{
    int got;
    while ((got = next_record(r)) == 1) {
        const char *only = r->cells[0].text;
        if (r->ncells > 1 || only[strspn(only, BLANKS)] != '\0')
            break;
    }
    return got;
}

/* 0 and *out when text is entirely a finite decimal number (blanks around
 * it allowed), else -1. */
static int parse_decimal(const char *text, double *out)
{
    const char *start = text + strspn(text, BLANKS), *p = start;
    p += *p == '+' || *p == '-';
    size_t int_digits = strspn(p, DIGITS);
    p += int_digits;
    size_t frac_digits = 0;
    if (*p == '.') {
        frac_digits = strspn(++p, DIGITS);
        p += frac_digits;
    }
    if (int_digits + frac_digits == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '+' || *p == '-';
        size_t exp_digits = strspn(p, DIGITS);
        if (exp_digits == 0)
            return -1;
        p += exp_digits;
    }
    const char *stop = p;
    if (p[strspn(p, BLANKS)] != '\0')
        return -1;
    char *end;
    double v = strtod(start, &end);
    if (end != stop || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* When the header is one field holding another usual separator, the
 * index of its hint in hints[], else -1. */
static int separator_hint(const reader *r)
{
    const char *usual = ",;\t|";
    if (r->ncells != 1)
        return -1;
    for (int k = 0; usual[k]; k++)
        if (usual[k] != r->sep && strchr(r->cells[0].text, usual[k]))
            return k;
    return -1;
}

static int pick_column(reader *r, const char *column, size_t *idx)
{
    char shown[48];
    size_t n = r->ncells, line = r->cells[0].line;
    if (!column) {
        *idx = n - 1;
        return 0;
    }
    if (*column && column[strspn(column, DIGITS)] == '\0') {
        errno = 0;
        unsigned long long v = strtoull(column, NULL, 10);
        if (errno == 0 && v < n) {
            *idx = (size_t)v;
            return 0;
        }
        return fail(r, line, 0, "no column %s: the header has %zu columns, "
                    "counted from 0", tool_excerpt(column, shown, sizeof shown), n);
    }
    for (size_t k = 0; k < n; k++)
        if (strcmp(r->cells[k].text, column) == 0) {
            *idx = k;
            return 0;
        }
    return fail(r, line, 0, "no column '%s' in the header",
                tool_excerpt(column, shown, sizeof shown));
}

static int append(csv_series *s, size_t *cap, double value, const char *label)
{
    if (s->len == *cap) {
        size_t new_cap = *cap ? 2 * *cap : 4096;
        if (new_cap > SIZE_MAX / sizeof *s->labels)
            return -1;
        double *v = realloc(s->values, new_cap * sizeof *v);
        if (!v)
            return -1;
        s->values = v;
        char **l = realloc(s->labels, new_cap * sizeof *l);
        if (!l)
            return -1;
        s->labels = l;
        *cap = new_cap;
    }
    char *copy = strdup(label);
    if (!copy)
        return -1;
    s->labels[s->len] = copy;
    s->values[s->len++] = value;
    return 0;
}

/* The data rows after the header: field counts and numbers checked. */
static int read_rows(reader *r, const csv_header *h, csv_series *s)
{
    size_t cap = 0, idx = h->column;
    int got;
    char shown[48];
    while ((got = next_nonblank_record(r)) == 1) {
        const cell *c = &r->cells[idx < r->ncells ? idx : 0];
        double v;
        if (r->ncells != h->fields)
            return fail(r, r->cells[0].line, 0, "%zu fields, the header has "
                        "%zu", r->ncells, h->fields);
        if (parse_decimal(c->text, &v) != 0)
            return fail(r, c->line, c->col, "column %s: '%s' is not a "
                        "decimal number", h->name,
                        tool_excerpt(c->text, shown, sizeof shown));
        if (append(s, &cap, v, r->cells[0].text) != 0)
            return fail(r, c->line, 0, "out of memory");
    }
    return got;
}

static int valid_sep(char sep)
{
    return sep && sep != '"' && sep != '\r' && sep != '\n';
}

int csv_parse_sep(const char *text, char *sep)
{
    char c = strcmp(text, "tab") == 0 ? '\t' : text[0];
    if (!(strcmp(text, "tab") == 0 || (text[0] && !text[1])) || !valid_sep(c))
        return -1;
    *sep = c;
    return 0;
}

/* -1 with "NAME:LINE: a NUL byte" when text holds one; LINE counts from
 * r->line. */
static int refuse_nul(reader *r, const char *text, size_t len)
{
    const char *nul = memchr(text, '\0', len);
    if (!nul)
        return 0;
    for (const char *p = text; p < nul; p++)
        r->line += *p == '\n';
    return fail(r, r->line, 0, "a NUL byte: not a text file");
}

/* The header record of r into h: the chosen column and the field count. */
static int read_header(reader *r, const char *column, csv_header *h)
{
    int got = next_nonblank_record(r);
    if (got == 0)
        return fail(r, 1, 0, "empty file: no header row");
    if (got != 1)
        return -1;
    r->hint = separator_hint(r);
    *h = (csv_header){ .fields = r->ncells, .hint = r->hint };
    if (pick_column(r, column, &h->column) != 0)
        return -1;
    tool_excerpt(r->cells[h->column].text, h->name, sizeof h->name);
    return 0;
}

static reader reader_on(char *text, size_t len, const char *name, char sep,
                        size_t line, char *err, size_t err_len)
{
    /* an empty part may come as NULL: no offset on a null pointer */
    return (reader){ .p = text, .end = len ? text + len : text,
                     .line_start = text,
                     .line = line, .sep = sep, .name = name, .hint = -1,
                     .err = err, .err_len = err_len };
}

static int refuse_sep(char sep, char *err, size_t err_len)
{
    if (valid_sep(sep))
        return 0;
    snprintf(err, err_len, "the separator cannot be a quote, a line break "
             "or NUL");
    return -1;
}

int csv_parse_header(char *text, size_t len, const char *name,
                     const char *column, char sep, csv_header *out, char *err,
                     size_t err_len)
{
    reader r = reader_on(text, len, name, sep, 1, err, err_len);
    csv_header h;
    int rc = -1;
    if (refuse_sep(sep, err, err_len) != 0 || refuse_nul(&r, text, len) != 0)
        return -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.p = r.line_start = text + 3; /* a UTF-8 byte-order mark */
    if (read_header(&r, column, &h) == 0) {
        h.end = (size_t)(r.p - text);
        *out = h;
        rc = 0;
    }
    free(r.cells);
    return rc;
}

int csv_parse_rows(char *text, size_t len, const char *name, size_t line,
                   const csv_header *h, char sep, csv_series *out, char *err,
                   size_t err_len)
{
    csv_series s = { 0 };
    reader r = reader_on(text, len, name, sep, line, err, err_len);
    int rc = -1;
    if (refuse_sep(sep, err, err_len) != 0 || refuse_nul(&r, text, len) != 0)
        return -1;
    r.hint = h->hint;
    memcpy(s.column, h->name, sizeof s.column); /* already cut to fit */
    if (read_rows(&r, h, &s) == 0) {
        *out = s;
        rc = 0;
    }
    if (rc != 0)
        csv_free(&s);
    free(r.cells);
    return rc;
}

void csv_no_rows(const char *name, size_t line, const csv_header *h,
                 char *err, size_t err_len)
{
    reader r = reader_on(NULL, 0, name, ',', line, err, err_len);
    r.hint = h->hint;
    fail(&r, line, 0, "no data rows after the header");
}

int csv_parse_column(char *text, size_t len, const char *name,
                     const char *column, char sep, csv_series *out,
                     char *err, size_t err_len)
{
    csv_series s = { 0 };
    csv_header h;
    reader r = reader_on(text, len, name, sep, 1, err, err_len);
    int rc = -1;
    if (refuse_sep(sep, err, err_len) != 0 || refuse_nul(&r, text, len) != 0)
        return -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.p = r.line_start = text + 3; /* a UTF-8 byte-order mark */
    if (read_header(&r, column, &h) != 0)
        goto cleanup;
    memcpy(s.column, h.name, sizeof s.column); /* already cut to fit */
    if (read_rows(&r, &h, &s) != 0)
        goto cleanup;
    if (s.len == 0) {
        csv_no_rows(name, r.line, &h, err, err_len);
        goto cleanup;
    }
    *out = s;
    rc = 0;
cleanup:
    if (rc != 0)
        csv_free(&s);
    free(r.cells);
    return rc;
}

/* The whole of f with one spare byte after it, or NULL. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, used = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + used, 1, cap - 1 - used, f)) > 0) {
        used += got;
        if (used + 1 < cap)
            continue;
        char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, 2 * cap) : NULL;
        if (!bigger) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = used;
    return buf;
}

int csv_read_column_sep(const char *path, const char *column, char sep,
                        csv_series *out, char *err, size_t err_len)
{
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = read_all(f, &len);
    int read_errno = errno;
    fclose(f);
    if (!text) {
        snprintf(err, err_len, "%s: cannot read: %s", path,
                 strerror(read_errno));
        return -1;
    }
    int rc = csv_parse_column(text, len, path, column, sep, out, err,
                              err_len);
    free(text);
    return rc;
}

int csv_read_column(const char *path, const char *column, csv_series *out,
                    char *err, size_t err_len)
{
    return csv_read_column_sep(path, column, ',', out, err, err_len);
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
