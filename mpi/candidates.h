/* SPDX-License-Identifier: MIT */
/*
 * candidates.h — the list of best windows each rank contributes to a
 * distributed search, its reduction across ranks, and the exclusion walk
 * over the reduced list (mpi/candidates.c; the proof is in
 * docs/SCALING.md, "Why the merge is exact").
 */
#ifndef HDTW_MPI_CANDIDATES_H
#define HDTW_MPI_CANDIDATES_H

#include "hdtw.h"

#include <stddef.h>
#include <stdint.h>

/* One window: its start in the whole series and its distance. A list of P
 * of them is sorted by (distance, start) and padded at its end with
 * HDTW_MPI_PAD entries, which come after every window. */
typedef struct {
    double distance;
    uint64_t start;
} hdtw_mpi_candidate;

#define HDTW_MPI_PAD ((hdtw_mpi_candidate){ __builtin_inf(), UINT64_MAX })

/* How many best windows, without exclusion, contain the whole exclusion
 * walk up to its k-th kept window: k + (k - 1) * 2 * (exclusion - 1), or k
 * when exclusion <= 1; never more than `windows`. SIZE_MAX on overflow is
 * also capped by `windows`. */
size_t hdtw_mpi_candidate_count(size_t k, size_t exclusion, size_t windows);

/* keep[0..p-1] becomes the p first of the union of the sorted lists
 * other[0..p-1] and keep[0..p-1], sorted. No allocation: an MPI reduction
 * operator calls it. */
void hdtw_mpi_keep_best(const hdtw_mpi_candidate *other,
                        hdtw_mpi_candidate *keep, size_t p);

/* Sets list[from .. p-1] to HDTW_MPI_PAD. */
void hdtw_mpi_pad(hdtw_mpi_candidate *list, size_t from, size_t p);

/* Copies n matches of one hdtw_search, whose starts count from `origin` in
 * the whole series, into list[0..n-1]. */
void hdtw_mpi_from_matches(const hdtw_match *matches, size_t n, size_t origin,
                           hdtw_mpi_candidate *list);

/* The exclusion walk of hdtw_search over the sorted list[0..p-1]: a window
 * is kept unless its start is closer than `exclusion` to one kept before;
 * stops at k kept or at the first pad. Writes the kept windows to out and
 * returns their number. kept_starts: scratch for k values. */
size_t hdtw_mpi_walk(const hdtw_mpi_candidate *list, size_t p,
                     size_t exclusion, size_t k, uint64_t *kept_starts,
                     hdtw_match *out);

#endif
