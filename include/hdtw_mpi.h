/* SPDX-License-Identifier: MIT */
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
 * rank follow hdtw_set_threads(ctx). While they search, the ranks share
 * their P-th best distances (rounds of MPI_Iallreduce of 16 bytes,
 * progressed with MPI_Test about every 4096 windows from the thread that
 * called), so a rank skips windows another rank has already beaten: the
 * call sets ctx's hdtw_set_search_bound during its searches and leaves it
 * unset; the results are the same either way. HDTW_MPI_BOUND=off in the
 * environment of any rank turns the sharing off for the call, for
 * measurements. With OpenMP threads the MPI calls come from the calling
 * thread only (MPI_THREAD_FUNNELED suffices). */
HDTW_MPI_API hdtw_status hdtw_mpi_search(hdtw_ctx *ctx, MPI_Comm comm,
                                         const hdtw_search_params *sp,
                                         const double *query, size_t m,
                                         const double *slice, size_t slice_len,
                                         size_t k, hdtw_match *out,
                                         size_t *found);

/* Distance matrices written by the ranks of comm into one file.
 *
 * Every rank holds the whole set (or sets) and computes an equal share of
 * the matrix's cells (floor(r T / R) .. floor((r+1) T / R) - 1 of the T
 * cells in file order, for rank r of R; one rank's share may span many
 * rows or part of one), with hdtw_cdist / hdtw_pdist on sub-sets, then
 * every rank writes its share with collective MPI-IO writes into one file.
 *
 * The file (docs/SCALING.md, "Distributed pdist / cdist"), little-endian:
 *   bytes  0 ..  7  magic "HDTWPD01" (pdist) or "HDTWCD01" (cdist)
 *   bytes  8 .. 15  pdist: count; cdist: a->count (rows), uint64
 *   bytes 16 .. 23  pdist: 0; cdist: b->count (columns), uint64
 *   bytes 24 .. 31  cost (0 HDTW_COST_ABS, 1 HDTW_COST_SQUARED), uint64
 *   bytes 32 .. 39  band, int64 (-1: unconstrained)
 *   bytes 40 .. 63  0
 *   bytes 64 ..     T float64: pdist in hdtw_pdist's (scipy's) condensed
 *                   order, cdist in hdtw_cdist's row-major order; the
 *                   same bits as hdtw_pdist / hdtw_cdist in one process.
 *
 * The file is written as path + ".part" (replaced if it exists) and
 * renamed to path by rank 0 once every rank's share is written and the
 * file closed, so path holds either its former content or the complete
 * matrix, never a part. On every failure, path is untouched and the
 * ".part" file is deleted (when the failure comes after it was created
 * and the deletion itself works); only a job that dies between creating
 * and renaming it leaves path + ".part" behind, incomplete by its name.
 * path must name the same file on every rank (a shared file system for
 * ranks on several nodes).
 *
 * Same on every rank (else HDTW_E_ARG on every rank): the path string, the
 * cost and band of *p (NULL is HDTW_PARAMS_DEFAULT), and each set's count,
 * len, kind (fixed or ragged), series lengths and value bits (compared by
 * a 64-bit hash of each, so a difference is caught unless two hashes
 * collide). ctx is each rank's own.
 *
 * Statuses, the same on every rank:
 * HDTW_E_ARG: as hdtw_pdist / hdtw_cdist on the set(s); a NULL path; the
 *             arguments above differ between ranks; the file would exceed
 *             2^63 bytes; MPI not initialised or comm MPI_COMM_NULL (then
 *             returned by the calling rank alone, without communicating);
 *             path + ".part" cannot be created or path cannot be replaced
 *             by it (a missing directory, path naming a directory).
 * HDTW_E_NONFINITE: a NaN or +-Inf in any series (every rank checks the
 *             whole set before any work).
 * HDTW_E_NOMEM: an allocation failed on some rank (each rank holds its
 *             share, 8 T / R bytes, in memory before writing, plus pdist's
 *             scratch of at most 8 MiB).
 * HDTW_E_UNSUPPORTED: as hdtw_cdist (ctx's backend).
 * HDTW_E_DEVICE: writing, syncing or closing the file failed on some rank
 *             (a full disk), or an MPI call failed under
 *             MPI_ERRORS_RETURN; also as hdtw_cdist for OpenCL.
 * HDTW_E_CANCELLED: ctx's progress callback asked to stop (each rank's
 *             hdtw_cdist / hdtw_pdist calls, one per part of a row or run
 *             of whole rows, report to it separately).
 * The order above is the order of precedence when ranks fail differently.
 * Nothing is written to disk before every rank has computed its share. */
HDTW_MPI_API hdtw_status hdtw_mpi_pdist(hdtw_ctx *ctx, MPI_Comm comm,
                                        const hdtw_params *p,
                                        const hdtw_set *x, const char *path);

/* As hdtw_mpi_pdist for the full matrix of a against b: T = a->count *
 * b->count cells in row-major order, each the bits of hdtw_cdist's. */
HDTW_MPI_API hdtw_status hdtw_mpi_cdist(hdtw_ctx *ctx, MPI_Comm comm,
                                        const hdtw_params *p,
                                        const hdtw_set *a, const hdtw_set *b,
                                        const char *path);

/* The size of the file header before the distances. */
#define HDTW_MPI_MATRIX_HEADER 64

#ifdef __cplusplus
}
#endif

#endif /* HDTW_MPI_H */
