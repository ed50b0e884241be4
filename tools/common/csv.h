/* csv.h — one numeric column of a CSV file with a header row, plus the
 * first column as a label (a timestamp in the bundled data). */
#ifndef HDTW_TOOLS_CSV_H
#define HDTW_TOOLS_CSV_H

#include <stddef.h>

typedef struct {
    double *values;  /* len values of the chosen column */
    char **labels;   /* len strings from the first column */
    size_t len;
    char column[64]; /* the chosen column's header */
} csv_series;

/* Reads `path`; column is a header name, a 0-based index, or NULL for the
 * last column. Returns 0, or -1 with a message in err. */
int csv_read_column(const char *path, const char *column, csv_series *out,
                    char *err, size_t err_len);
void csv_free(csv_series *s);

#endif
