/* SPDX-License-Identifier: MIT */
/*
 * mpi_testutil.h — what the MPI test programs share: the rank, failure
 * counting without Check (Check forks each test, which an MPI process must
 * not do), allocation that aborts the job, and data/usdchf_30min.csv.
 */
#ifndef HDTW_MPI_TESTUTIL_H
#define HDTW_MPI_TESTUTIL_H

#include "hdtw_mpi.h"

#include <stddef.h>
#include <stdio.h>

/* this process's rank and the job's rank count (set by the program's
 * main), and the number of failed expectations on this rank */
extern int rank, ranks, failures;

/* A failed condition prints its place, rank and message, and counts. */
#define EXPECT(cond, ...)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "rank %d/%d: %s:%d: ", rank, ranks, __FILE__,     \
                    __LINE__);                                                \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* malloc that aborts the job instead of returning NULL */
void *xmalloc(size_t bytes);

/* The closes of a CSV of "time,price" lines after a header (the second
 * column); *len = 0 when the file cannot be read. Free the result. */
double *read_prices(const char *path, size_t *len);

/* MPI_Init, rank and ranks set, and a context of one thread (the job is
 * aborted without one). */
hdtw_ctx *mpi_test_start(int *argc, char ***argv);

/* Destroys ctx, sums the failures over all ranks (printed by rank 0 under
 * `name`), MPI_Finalize; returns the program's exit status. */
int mpi_test_finish(const char *name, hdtw_ctx *ctx);

#endif
