/* SPDX-License-Identifier: MIT */
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

hdtw_ctx *mpi_test_start(int *argc, char ***argv)
{
    hdtw_ctx *ctx = NULL;
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    if (hdtw_create(&ctx) != HDTW_OK || hdtw_set_threads(ctx, 1) != HDTW_OK) {
        fprintf(stderr, "rank %d: no context\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return ctx;
}

int mpi_test_finish(const char *name, hdtw_ctx *ctx)
{
    int all = 0;
    hdtw_destroy(ctx);
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s: %d ranks, %s (%d failures)\n", name, ranks,
               all ? "FAILED" : "passed", all);
    MPI_Finalize();
    return all ? EXIT_FAILURE : EXIT_SUCCESS;
}
