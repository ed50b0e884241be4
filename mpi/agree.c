/* SPDX-License-Identifier: MIT */
/*
 * agree.c — the agreements that keep the ranks of one call on the same
 * path: every local step ends in one, so no rank waits for a rank that
 * left (agree.h).
 */
#include "mpi/agree.h"

#include <math.h>

enum { URGENCY_TOP = 1024 }; /* above every hdtw_status */

/* A status as a number whose maximum over the ranks is the status that
 * wins: the lowest value other than OK. */
static uint64_t urgency(hdtw_status s)
{
    return s == HDTW_OK ? 0 : URGENCY_TOP - (uint64_t)s;
}

static hdtw_status from_urgency(uint64_t u)
{
    return u == 0 ? HDTW_OK : (hdtw_status)(URGENCY_TOP - u);
}

int hdtw_mpi_usable(MPI_Comm comm)
{
    int initialised = 0, finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    return initialised && !finalised && comm != MPI_COMM_NULL;
}

int hdtw_mpi_agree(MPI_Comm comm, hdtw_status *status)
{
    uint64_t mine = urgency(*status), most = 0;
    int rc = MPI_Allreduce(&mine, &most, 1, MPI_UINT64_T, MPI_MAX, comm);
    *status = from_urgency(most);
    return rc;
}

int hdtw_mpi_agree_fields(MPI_Comm comm, hdtw_status local,
                          const uint64_t *fields, size_t count,
                          hdtw_status *status)
{
    uint64_t both[2 * HDTW_MPI_MAX_FIELDS + 1];
    uint64_t most[2 * HDTW_MPI_MAX_FIELDS + 1];
    for (size_t f = 0; f < count; f++) {
        both[f] = fields[f];
        both[count + f] = ~fields[f];
    }
    both[2 * count] = urgency(local);
    int rc = MPI_Allreduce(both, most, (int)(2 * count + 1), MPI_UINT64_T,
                           MPI_MAX, comm);
    hdtw_status s = from_urgency(most[2 * count]);
    for (size_t f = 0; f < count; f++)
        if (most[f] != ~most[count + f])
            s = HDTW_E_ARG;
    *status = s;
    return rc;
}

int hdtw_mpi_all_finite(const double *x, size_t n)
{
    int finite = 1;
    for (size_t i = 0; i < n; i++)
        finite &= isfinite(x[i]) != 0;
    return finite;
}
