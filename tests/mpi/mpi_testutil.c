/*
 * mpi_testutil.c — the helpers of mpi_testutil.h.
 */
#include "mpi_testutil.h"

#include <stdlib.h>
#include <string.h>

int rank, ranks, failures;

void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "rank %d: out of memory\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return p;
}

double *read_prices(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1 << 16, n = 0;
    double *x = xmalloc(cap * sizeof *x);
    char line[256];
    if (!f) {
        *len = 0;
        return x;
    }
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        char *end = NULL;
        double v = comma ? strtod(comma + 1, &end) : 0.0;
        if (!comma || end == comma + 1)
            continue; /* the header */
        if (n == cap)
            x = realloc(x, (cap *= 2) * sizeof *x); /* test input, trusted */
        x[n++] = v;
    }
    fclose(f);
    *len = n;
    return x;
}

int mpi_test_result(const char *name)
{
    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s: %d ranks, %s (%d failures)\n", name, ranks,
               all ? "FAILED" : "passed", all);
    return all ? EXIT_FAILURE : EXIT_SUCCESS;
}
