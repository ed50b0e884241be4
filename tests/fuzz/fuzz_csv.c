/* SPDX-License-Identifier: MIT */
/*
 * fuzz_csv.c — the tools' CSV reader (tools/common/csv.c) on any bytes and
 * on tables written by a model.
 *
 * Input: one mode byte. Odd: the rest is the file, read with a separator
 * and column picked by the next bytes; the reader must not crash, and
 * either refuse with a one-line message naming the file or return finite
 * values and a label per row. Even: the bytes describe a table (rows,
 * columns, numbers, label text, quoting, CRLF, BOM, blanks, separator),
 * which is written the way RFC 4180 allows and read back; every value
 * must come back with the same bits and every label as written.
 */
#include "csv.h"
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 16
#define MAX_COLS 4
#define MAX_LABEL 24

static const char seps[] = { ',', ';', '\t', '|', ' ' };

static void check_message(const char *err)
{
    FUZZ_ASSERT(strncmp(err, "fuzz.csv:", 9) == 0 || strstr(err, "separator"),
                "message does not name the file: %s", err);
    FUZZ_ASSERT(!strchr(err, '\n'), "message is not one line: %s", err);
}

static void raw_bytes(fuzz_input *in)
{
    char sep = (char)fuzz_u8(in), column[8], err[512];
    uint8_t pick = fuzz_u8(in);
    snprintf(column, sizeof column, "%u", pick % 4u);
    char *text = malloc(in->size + 1);
    FUZZ_ASSERT(text, "out of memory");
    if (in->size)
        memcpy(text, in->data, in->size);
    csv_series s = { 0 };
    int rc = csv_parse_column(text, in->size, "fuzz.csv",
                              pick & 4 ? NULL : column, sep, &s, err,
                              sizeof err);
    if (rc != 0) {
        check_message(err);
    } else {
        FUZZ_ASSERT(s.len > 0, "success without rows");
        for (size_t k = 0; k < s.len; k++)
            FUZZ_ASSERT(s.labels[k] && fuzz_all_finite(&s.values[k], 1),
                        "row %zu: no label or a non-finite value", k);
    }
    csv_free(&s);
    free(text);
}

/* The model's table and how it is written. */
typedef struct {
    size_t rows, cols, column; /* column: the numeric one */
    char sep;
    double values[MAX_ROWS];
    char labels[MAX_ROWS][MAX_LABEL + 1];
} table;

/* Writes one field, quoted when it must be or when the input says so. */
static void put_field(FILE *f, const char *text, char sep, int quote)
{
    quote |= strpbrk(text, "\"\r\n") != NULL || strchr(text, sep) != NULL;
    if (!quote) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (; *text; text++) {
        if (*text == '"')
            fputc('"', f);
        fputc(*text, f);
    }
    fputc('"', f);
}

/* The numeric cell: %.17g, maybe with blanks around it. */
static void put_number(FILE *f, double v, char sep, uint8_t style)
{
    char text[48];
    const char *pad = sep == ' ' || sep == '\t' ? "" : style & 8 ? " " : "";
    snprintf(text, sizeof text, "%s%.17g%s", pad, v, pad);
    put_field(f, text, sep, style & 1);
}

static void read_table(fuzz_input *in, table *t)
{
    t->rows = 1 + fuzz_u8(in) % MAX_ROWS;
    t->cols = 1 + fuzz_u8(in) % MAX_COLS;
    t->column = fuzz_u8(in) % t->cols;
    t->sep = seps[fuzz_u8(in) % sizeof seps];
    for (size_t r = 0; r < t->rows; r++) {
        uint64_t bits = fuzz_u64(in);
        memcpy(&t->values[r], &bits, sizeof bits);
        if (!fuzz_all_finite(&t->values[r], 1))
            t->values[r] = (double)(int64_t)bits;
        size_t len = fuzz_u8(in) % (MAX_LABEL + 1);
        for (size_t k = 0; k < len; k++) {
            char c = (char)fuzz_u8(in);
            t->labels[r][k] = c ? c : 'x';
        }
        t->labels[r][len] = '\0';
    }
}

/* The label column is column 0 unless that is the numeric one. */
static void write_table(FILE *f, fuzz_input *in, const table *t)
{
    uint8_t layout = fuzz_u8(in);
    const char *eol = layout & 1 ? "\r\n" : "\n";
    if (layout & 2)
        fputs("\xEF\xBB\xBF", f);
    for (size_t c = 0; c < t->cols; c++) {
        char name[16];
        if (c)
            fputc(t->sep, f);
        snprintf(name, sizeof name, "c%zu", c);
        put_field(f, name, t->sep, layout & 4);
    }
    fputs(eol, f);
    for (size_t r = 0; r < t->rows; r++) {
        uint8_t style = fuzz_u8(in);
        if (style & 16)
            fputs(eol, f); /* a blank line, skipped */
        for (size_t c = 0; c < t->cols; c++) {
            if (c)
                fputc(t->sep, f);
            if (c == t->column)
                put_number(f, t->values[r], t->sep, style);
            else
                put_field(f, c == 0 ? t->labels[r] : "", t->sep, style & 2);
        }
        if (r + 1 < t->rows || layout & 8)
            fputs(eol, f);
    }
}

static void round_trip(fuzz_input *in)
{
    table t;
    char *text = NULL, err[512], column[8];
    size_t len = 0;
    read_table(in, &t);
    FILE *f = open_memstream(&text, &len);
    FUZZ_ASSERT(f, "open_memstream failed");
    write_table(f, in, &t);
    FUZZ_ASSERT(fclose(f) == 0, "writing the table failed");
    uint8_t how = fuzz_u8(in) % 3;
    snprintf(column, sizeof column, how == 0 ? "%zu" : "c%zu", t.column);
    int last = t.column + 1 == t.cols;
    csv_series s = { 0 };
    int rc = csv_parse_column(text, len, "fuzz.csv",
                              how == 2 && last ? NULL : column, t.sep, &s,
                              err, sizeof err);
    FUZZ_ASSERT(rc == 0, "a table the model wrote was refused: %s\n%s", err,
                text);
    FUZZ_ASSERT(s.len == t.rows, "%zu rows, not %zu", s.len, t.rows);
    for (size_t r = 0; r < t.rows; r++) {
        FUZZ_ASSERT(memcmp(&s.values[r], &t.values[r], sizeof(double)) == 0,
                    "row %zu: %.17g, not %.17g", r, s.values[r], t.values[r]);
        const char *want = t.column == 0 ? NULL : t.labels[r];
        FUZZ_ASSERT(!want || strcmp(s.labels[r], want) == 0,
                    "row %zu: label '%s', not '%s'", r, s.labels[r], want);
    }
    csv_free(&s);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    if (fuzz_u8(&in) & 1)
        raw_bytes(&in);
    else
        round_trip(&in);
    return 0;
}
