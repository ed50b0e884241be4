/*
 * hdtw_mpi.h — hdtw across the ranks of an MPI communicator (libhdtw_mpi).
 *
 * An optional companion of hdtw.h, built only when MPI is found
 * (-DHDTW_MPI=AUTO|ON|OFF); libhdtw itself never depends on MPI. Link
 * libhdtw_mpi, libhdtw and the MPI library; call MPI_Init (or
 * MPI_Init_thread) before any function here.
 *
 * Every function here is collective over its communicator: every rank of
 * comm must call it, with the same arguments where the documentation says
 * so, before any rank makes its next collective call on comm (as with any
 * MPI collective). Every rank returns the same status and, on success, the
 * same results; no error path leaves a rank waiting for another. MPI
 * failures (a lost rank, a broken link) are handled by comm's error
 * handler, by default MPI_ERRORS_ARE_FATAL: the job aborts
 * (docs/SCALING.md, "When a rank dies").
 *
 * Scaling, measurements and a Slurm job script: docs/SCALING.md.
 */
#ifndef HDTW_MPI_H
#define HDTW_MPI_H

#include "hdtw.h"

#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HDTW_MPI_STATIC_DEFINE)
#  define HDTW_MPI_API
#else
#  define HDTW_MPI_API __attribute__((visibility("default")))
#endif

/* Exact top-k subsequence search of one long series distributed over the
 * ranks of comm.
 *
 * The series is cut into contiguous slices in rank order: rank r holds
 * slice[0 .. slice_len-1], the values series[o_r .. o_r+slice_len-1] where
 * o_r is the sum of slice_len over the ranks below r. A rank may hold any
 * number of values, 0 included (slice may then be NULL); the series length
 * is the sum over all ranks.
 *
 * Result: on every rank, exactly what hdtw_search(ctx, sp, query, m,
 * series, len, k, out, found) returns on the whole series in one process,
 * same status, same starts (indices into the whole series), same distance
 * bits, windows that straddle slices included. The m - 1 values after a
 * slice are fetched from the ranks that hold them inside the call.
 *
 * Same on every rank (else HDTW_E_ARG on every rank): the bits of the
 * query, m, k, and every field of *sp (NULL and HDTW_SEARCH_DEFAULT are
 * the same). ctx, slice, out and found are each rank's own; a NULL ctx,
 * out or found on one rank, or a NULL slice with slice_len > 0, makes
 * every rank return HDTW_E_ARG.
 *
 * Statuses, the same on every rank, in hdtw_search's order of precedence:
 * HDTW_E_ARG: as hdtw_search for the whole series (m > total length ...),
 *             the arguments above differ between ranks, the total length
 *             overflows size_t, or MPI is not initialised or comm is
 *             MPI_COMM_NULL (then returned by the calling rank alone,
 *             without communicating).
 * HDTW_E_NONFINITE: a NaN or +-Inf in the query or in any rank's slice, or
 *             (znorm) a window whose normalisation overflows.
 * HDTW_E_NOMEM: an allocation failed on some rank, or m or the candidate
 *             list (see below) exceeds what an MPI count (int) can hold.
 * On success out[0 .. *found-1] and *found are written on every rank; on
 * failure neither out nor *found is touched on any rank.
 *
 * Cost: each rank runs hdtw_search on its own windows for the
 * P = k + (k-1) * 2 * (exclusion-1) best ones without exclusion (P = k when
 * exclusion <= 1; never more than the number of windows), and the ranks
 * reduce those lists to the global P best in log2(ranks) steps of 16 * P
 * bytes; every rank then walks the exclusion over that list
 * (docs/SCALING.md proves that this equals the definition). Threads per
 * rank follow hdtw_set_threads(ctx). */
HDTW_MPI_API hdtw_status hdtw_mpi_search(hdtw_ctx *ctx, MPI_Comm comm,
                                         const hdtw_search_params *sp,
                                         const double *query, size_t m,
                                         const double *slice, size_t slice_len,
                                         size_t k, hdtw_match *out,
                                         size_t *found);

#ifdef __cplusplus
}
#endif

#endif /* HDTW_MPI_H */
