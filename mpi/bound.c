/* SPDX-License-Identifier: MIT */
/* bound.c — the bound shared during hdtw_mpi_search (bound.h). */
#include "mpi/bound.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hdtw_mpi_bound_init(hdtw_mpi_bound *b, MPI_Comm comm)
{
    int ranks = 1;
    const char *env = getenv("HDTW_MPI_BOUND");
    *b = (hdtw_mpi_bound){ .comm = comm, .request = MPI_REQUEST_NULL,
                           .best = INFINITY, .proven = INFINITY };
    b->off = env && strcmp(env, "off") == 0;
    int rc = MPI_Comm_size(comm, &ranks);
    if (rc == MPI_SUCCESS) /* one rank's "off" switches every rank off */
        rc = MPI_Allreduce(MPI_IN_PLACE, &b->off, 1, MPI_INT, MPI_MAX, comm);
    b->off |= ranks == 1;
    return rc;
}

/* Sends `bound`, and -1 while this rank still searches (0 once done):
 * the round's minimum of the second is 0 only when every rank is done. */
static int start_round(hdtw_mpi_bound *b, double bound, int done)
{
    b->send[0] = bound;
    b->send[1] = done ? 0.0 : -1.0;
    b->in_flight = 1;
    return MPI_Iallreduce(b->send, b->got, 2, MPI_DOUBLE, MPI_MIN, b->comm,
                          &b->request);
}

static void completed(hdtw_mpi_bound *b)
{
    b->in_flight = 0;
    b->best = fmin(b->best, b->got[0]);
}

double hdtw_mpi_bound_share(void *user, double own)
{
    hdtw_mpi_bound *b = user;
    int done = 0;
    if (b->off)
        return INFINITY;
    if (b->in_flight && MPI_Test(&b->request, &done, MPI_STATUS_IGNORE) ==
                            MPI_SUCCESS && done)
        completed(b);
    if (!b->in_flight)
        start_round(b, fmin(b->proven, b->counts ? own : INFINITY), 0);
    return b->best;
}

int hdtw_mpi_bound_finish(hdtw_mpi_bound *b)
{
    int rc = MPI_SUCCESS;
    if (b->off)
        return rc;
    for (;;) {
        if (b->in_flight) {
            rc = MPI_Wait(&b->request, MPI_STATUS_IGNORE);
            if (rc != MPI_SUCCESS)
                return rc;
            completed(b);
            if (b->got[1] == 0.0)
                return rc;
        }
        rc = start_round(b, b->proven, 1);
        if (rc != MPI_SUCCESS)
            return rc;
    }
}
