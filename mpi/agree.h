/* SPDX-License-Identifier: MIT */
/*
 * agree.h — what every collective call of libhdtw_mpi shares: the
 * agreement of the ranks on one status, and the agreement on scalar
 * arguments that must be the same on every rank (mpi/agree.c).
 */
#ifndef HDTW_MPI_AGREE_H
#define HDTW_MPI_AGREE_H

#include "hdtw_mpi.h"

#include <stddef.h>
#include <stdint.h>

/* An MPI call that fails (only possible under MPI_ERRORS_RETURN) ends the
 * call on this rank with HDTW_E_DEVICE; needs `status` and `cleanup:`. */
#define HDTW_MPI_TRY(call)                                                    \
    do {                                                                      \
        if ((call) != MPI_SUCCESS) {                                          \
            status = HDTW_E_DEVICE;                                           \
            goto cleanup;                                                     \
        }                                                                     \
    } while (0)

/* The most fields hdtw_mpi_agree_fields compares. */
enum { HDTW_MPI_MAX_FIELDS = 16 };

/* 1 when MPI is initialised, not finalised, and comm is not
 * MPI_COMM_NULL: the condition for communicating at all. */
int hdtw_mpi_usable(MPI_Comm comm);

/* Every rank's *status becomes the first non-OK status of all ranks in
 * the library's order of precedence (E_ARG before E_NONFINITE before
 * E_NOMEM ...). Returns the MPI return code. */
int hdtw_mpi_agree(MPI_Comm comm, hdtw_status *status);

/* As hdtw_mpi_agree on `local`, and HDTW_E_ARG on every rank when any of
 * fields[0 .. count-1] (count <= HDTW_MPI_MAX_FIELDS) differs between
 * ranks: each is reduced by MAX as x and as ~x, so one allreduce gives
 * both its maximum and its minimum. */
int hdtw_mpi_agree_fields(MPI_Comm comm, hdtw_status local,
                          const uint64_t *fields, size_t count,
                          hdtw_status *status);

/* 1 when x[0 .. n-1] holds no NaN and no +-Inf. */
int hdtw_mpi_all_finite(const double *x, size_t n);

#endif
