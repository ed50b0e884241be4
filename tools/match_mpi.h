/* SPDX-License-Identifier: MIT */
/*
 * match_mpi.h — hdtw-match in one process or across the ranks of an MPI
 * job, behind the same four calls (tools/match_mpi.c; docs/SCALING.md,
 * "hdtw-match under mpirun").
 *
 * Built with MPI (HDTW_MATCH_MPI) and started by mpirun/srun with more
 * than one rank, hdtw-match is distributed: every rank runs the same
 * program; each reads its own line-aligned byte range of the CSV, the
 * ranks search with hdtw_mpi_search, and each then holds the rows the
 * report reads (the pattern, each match and the bars after it), so every
 * rank computes the same report; only rank 0's output is shown. Otherwise
 * (no MPI, no launcher, one rank) every call is the one-process code.
 */
#ifndef HDTW_TOOLS_MATCH_MPI_H
#define HDTW_TOOLS_MATCH_MPI_H

#include "csv.h"
#include "hdtw.h"
#include "match_options.h"

static inline int match_local_read(const match_options *o, csv_series *s,
                                   char *err, size_t err_len)
{
    return csv_read_column_sep(o->path, o->column, o->sep, s, err, err_len);
}

/* The last pattern_len values against every earlier window. */
static inline hdtw_status match_local_search(hdtw_ctx *ctx,
                                             const match_options *o,
                                             const csv_series *s, size_t k,
                                             hdtw_match *best, size_t *found)
{
    size_t history = s->len - o->pattern_len;
    return hdtw_search(ctx, &o->search, s->values + history, o->pattern_len,
                       s->values, history, k, best, found);
}

#ifdef HDTW_MATCH_MPI

/* First thing in main: under an MPI launcher, MPI_Init, and ranks other
 * than 0 send stdout and stderr to /dev/null. Returns 0, or -1 with a
 * message on stderr. */
int match_start(int *argc, char ***argv);

/* Last thing: every rank's exit status becomes the largest of all ranks'
 * (the same status everywhere), then MPI_Finalize. Returns that status. */
int match_finish(int rc);

/* 1 when this process is one of several ranks (after match_start). */
int match_distributed(void);

/* Distributed: the series with len = the whole file's rows and the values
 * and labels of this rank's rows only (the arrays span the whole series;
 * the kernel backs only the pages written). Every rank returns the same:
 * 0, or -1 with, on every rank, the message of the first rank in file
 * order that failed (a bad row, a NUL byte, a line with an odd number of
 * quotes, which this mode refuses). */
int match_read(const match_options *o, csv_series *s, char *err,
               size_t err_len);

/* Distributed: shares the pattern, runs hdtw_mpi_search on this rank's
 * part of the history, then shares the rows the report reads (each match
 * with the pattern_len + ahead bars from its start, and its label) into
 * s's arrays. The same status and matches on every rank. */
hdtw_status match_search(hdtw_ctx *ctx, const match_options *o,
                         const csv_series *s, size_t k, hdtw_match *best,
                         size_t *found);

#else

static inline int match_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static inline int match_finish(int rc) { return rc; }

static inline int match_distributed(void) { return 0; }

static inline int match_read(const match_options *o, csv_series *s,
                             char *err, size_t err_len)
{
    return match_local_read(o, s, err, err_len);
}

static inline hdtw_status match_search(hdtw_ctx *ctx, const match_options *o,
                                       const csv_series *s, size_t k,
                                       hdtw_match *best, size_t *found)
{
    return match_local_search(ctx, o, s, k, best, found);
}

#endif

#endif
