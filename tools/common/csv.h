/* SPDX-License-Identifier: MIT */
/* csv.h — one numeric column of a CSV file with a header row, plus the
 * first column as a label (a timestamp in the bundled data).
 *
 * The reader follows RFC 4180 and is strict about what it accepts: fields
 * separated by one character (',' unless told), records ended by LF or
 * CRLF, double-quoted fields with "" for a quote and line breaks inside,
 * a UTF-8 byte-order mark skipped, lines of any length, blank lines
 * skipped. Every data row has as many fields as the header. Every cell of
 * the chosen column is entirely a decimal number ([+-]digits[.digits]
 * [e[+-]digits], blanks around it allowed, finite); anything else (a
 * timestamp, "1.5abc", "0x10", "nan", an empty cell) is refused with
 * FILE:LINE:COLUMN in the message. */
#ifndef HDTW_TOOLS_CSV_H
#define HDTW_TOOLS_CSV_H

#include <stddef.h>

typedef struct {
    double *values;  /* len values of the chosen column */
    char **labels;   /* len strings from the first column */
    size_t len;
    char column[64]; /* the chosen column's header (cut to fit) */
} csv_series;

/* Reads `path` with sep as the field separator; column is a header name, a
 * 0-based index, or NULL for the last column. Returns 0, or -1 with a
 * one-line message in err and *out untouched. */
int csv_read_column_sep(const char *path, const char *column, char sep,
                        csv_series *out, char *err, size_t err_len);

/* csv_read_column_sep with ',' as the separator. */
int csv_read_column(const char *path, const char *column, csv_series *out,
                    char *err, size_t err_len);

/* The same on text[0..len) held in memory, which it modifies; text[len]
 * must exist (it is overwritten). name stands for the file in messages. */
int csv_parse_column(char *text, size_t len, const char *name,
                     const char *column, char sep, csv_series *out,
                     char *err, size_t err_len);

/* What the rows of a file need from its header (csv_parse_header). */
typedef struct {
    size_t column; /* index of the chosen column */
    size_t fields; /* fields of the header, so of every row */
    int hint;      /* which separator hint row messages carry, -1 none */
    size_t end;    /* bytes of the text up to the end of the header record */
    char name[64]; /* the chosen column's header (cut to fit) */
} csv_header;

/* The first part of csv_parse_column on text[0..len), which it modifies:
 * the header record (after a byte-order mark and blank lines). Returns 0,
 * or -1 with csv_parse_column's message in err. */
int csv_parse_header(char *text, size_t len, const char *name,
                     const char *column, char sep, csv_header *out, char *err,
                     size_t err_len);

/* The second part, on rows that follow a header h elsewhere: text[0..len)
 * starts at a record on line number `line` of the file (for messages) and
 * may hold no row at all. Returns 0 with *out (out->column = h->name), or
 * -1 with a message in err and *out untouched. text[len] must exist. */
int csv_parse_rows(char *text, size_t len, const char *name, size_t line,
                   const csv_header *h, char sep, csv_series *out, char *err,
                   size_t err_len);

/* csv_parse_column's message for a file whose rows, all blank, end on
 * line `line` (the line after its last line break, or its last line when
 * no line break ends it). */
void csv_no_rows(const char *name, size_t line, const csv_header *h,
                 char *err, size_t err_len);

/* The separator named by text: one character, or "tab". Returns 0 or -1. */
int csv_parse_sep(const char *text, char *sep);

void csv_free(csv_series *s);

#endif
