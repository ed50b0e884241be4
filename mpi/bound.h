/* SPDX-License-Identifier: MIT */
/*
 * bound.h — the pruning bound the ranks of one hdtw_mpi_search share while
 * they search (mpi/bound.c; docs/SCALING.md, "Sharing the pruning bound
 * during the run").
 *
 * Every value shared is at least the P-th best distance of the whole
 * series (a rank sends the P-th best of P windows it has computed, or a
 * bound it received), so every rank may skip the windows above it: the
 * global P best are all at or below it, and ties are kept.
 */
#ifndef HDTW_MPI_BOUND_H
#define HDTW_MPI_BOUND_H

#include "hdtw_mpi.h"

/* Rounds of MPI_Iallreduce(MIN) of {bound, -(still searching)}, one in
 * flight at a time, progressed by MPI_Test from hdtw_search's bound
 * callback; hdtw_mpi_bound_finish then takes part in rounds until one
 * shows every rank done, so every rank completes the same rounds. */
typedef struct {
    MPI_Comm comm;
    MPI_Request request;
    double send[2], got[2];
    double best;   /* smallest minimum completed so far, +inf before */
    double proven; /* this rank's bound from a finished search, +inf */
    int counts;    /* the running search's own threshold is a bound:
                      it looks for P windows (not fewer) */
    int in_flight;
    int off;       /* HDTW_MPI_BOUND=off: no rounds at all */
} hdtw_mpi_bound;

/* A state with no round started; off when comm has one rank or when
 * HDTW_MPI_BOUND=off on any rank (agreed by one allreduce, so that no rank
 * starts rounds the others would not join; for measurements). Returns
 * the MPI return code. */
int hdtw_mpi_bound_init(hdtw_mpi_bound *b, MPI_Comm comm);

/* The hdtw_bound_fn: user is an hdtw_mpi_bound. */
double hdtw_mpi_bound_share(void *user, double own);

/* After this rank's searches (whatever their status): rounds until every
 * rank is done. Returns the MPI return code. */
int hdtw_mpi_bound_finish(hdtw_mpi_bound *b);

#endif
