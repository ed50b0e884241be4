/* SPDX-License-Identifier: MIT */
/*
 * search.c — hdtw_mpi_search: hdtw_search over a series cut into slices,
 * one per rank.
 *
 * Every rank runs the same sequence of collectives whatever its own input:
 * each local step ends in an agreement (an allreduce of the statuses), and
 * all ranks leave at the same agreement with the same status. That is what
 * keeps a bad slice on one rank from leaving the others waiting.
 *
 * The steps: agree on the arguments; gather the slice lengths and compare
 * the query; fetch the m - 1 values after the slice (halo); search the
 * rank's own windows for the P best without exclusion; reduce the lists to
 * the global P best; walk the exclusion on every rank.
 */
#include "hdtw_mpi.h"

#include "mpi/agree.h"
#include "mpi/bound.h"
#include "mpi/candidates.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FIELD_M, FIELD_K, FIELD_COST, FIELD_BAND, FIELD_ZNORM,
       FIELD_EXCLUSION, FIELD_COUNT };

/* Where this rank's slice starts and the series' total length, from every
 * rank's length; 0 when the total overflows. */
static int locate(const uint64_t *lens, int ranks, int rank, size_t *origin,
                  size_t *total)
{
    size_t sum = 0;
    for (int r = 0; r < ranks; r++) {
        if (r == rank)
            *origin = sum;
        if (lens[r] > SIZE_MAX - sum)
            return 0;
        sum += (size_t)lens[r];
    }
    *total = sum;
    return 1;
}

/* Values after slice r's end that its windows read: m - 1, or fewer at
 * the end of the series. */
static size_t halo_length(size_t end, size_t total, size_t m)
{
    return total - end < m - 1 ? total - end : m - 1;
}

/* The counts of the halo exchange: rank q needs the values
 * [end_q, end_q + halo_q) of the series, and the part of them rank r holds
 * always starts at r's first value (send displacement 0) and lands at
 * o_r - end_q in q's halo. */
static void halo_plan(const uint64_t *lens, int ranks, int rank, size_t m,
                      size_t total, int *send, int *send_at, int *recv,
                      int *recv_at)
{
    size_t origin_rank = 0;
    for (int r = 0; r < rank; r++)
        origin_rank += (size_t)lens[r];
    size_t end_rank = origin_rank + (size_t)lens[rank];
    size_t halo_rank = halo_length(end_rank, total, m);
    size_t origin = 0;
    for (int q = 0; q < ranks; q++) {
        size_t end = origin + (size_t)lens[q];
        size_t halo = halo_length(end, total, m);
        /* what q needs from this rank */
        size_t lo = end > origin_rank ? end : origin_rank;
        size_t hi = end + halo < end_rank ? end + halo : end_rank;
        send[q] = hi > lo && lo == origin_rank ? (int)(hi - lo) : 0;
        send_at[q] = 0;
        /* what this rank needs from q */
        lo = end_rank > origin ? end_rank : origin;
        hi = end_rank + halo_rank < end ? end_rank + halo_rank : end;
        recv[q] = hi > lo ? (int)(hi - lo) : 0;
        recv_at[q] = hi > lo ? (int)(lo - end_rank) : 0;
        origin = end;
    }
}

/* MPI reduction operator: each of len lists becomes the best of itself and
 * the incoming one. The list length comes from the datatype's size. */
static void reduce_lists(void *in, void *inout, int *len, MPI_Datatype *type)
{
    MPI_Count bytes = 0;
    MPI_Type_size_x(*type, &bytes);
    size_t p = (size_t)bytes / sizeof(hdtw_mpi_candidate);
    hdtw_mpi_candidate *other = in, *keep = inout;
    for (int l = 0; l < *len; l++)
        hdtw_mpi_keep_best(other + (size_t)l * p, keep + (size_t)l * p, p);
}

/* Replaces list[0..p-1] on every rank with the p best of all ranks' lists. */
static int reduce_candidates(MPI_Comm comm, hdtw_mpi_candidate *list,
                             size_t p)
{
    MPI_Datatype entry = MPI_DATATYPE_NULL, whole = MPI_DATATYPE_NULL;
    MPI_Op op = MPI_OP_NULL;
    int rc = MPI_Type_contiguous((int)sizeof *list, MPI_BYTE, &entry);
    if (rc == MPI_SUCCESS)
        rc = MPI_Type_contiguous((int)p, entry, &whole);
    if (rc == MPI_SUCCESS)
        rc = MPI_Type_commit(&whole);
    if (rc == MPI_SUCCESS)
        rc = MPI_Op_create(reduce_lists, 1, &op); /* the order is total */
    if (rc == MPI_SUCCESS)
        rc = MPI_Allreduce(MPI_IN_PLACE, list, 1, whole, op, comm);
    if (op != MPI_OP_NULL)
        MPI_Op_free(&op);
    if (whole != MPI_DATATYPE_NULL)
        MPI_Type_free(&whole);
    if (entry != MPI_DATATYPE_NULL)
        MPI_Type_free(&entry);
    return rc;
}

/* The P best of this rank's windows of buf[0..len-1] (starts from origin in
 * the series), without exclusion, merged into list[0..p-1]; the search
 * shares its bound with the other ranks' through `bound`. */
static hdtw_status search_part(hdtw_ctx *ctx, const hdtw_search_params *sp,
                               const double *query, size_t m,
                               const double *buf, size_t len, size_t origin,
                               size_t p, hdtw_match *matches,
                               hdtw_mpi_candidate *list,
                               hdtw_mpi_candidate *part, hdtw_mpi_bound *bound)
{
    if (len < m)
        return HDTW_OK;
    size_t windows = len - m + 1, want = p < windows ? p : windows, found = 0;
    bound->counts = want == p; /* fewer than P windows prove nothing */
    hdtw_set_search_bound(ctx, hdtw_mpi_bound_share, bound);
    hdtw_status s = hdtw_search(ctx, sp, query, m, buf, len, want, matches,
                                &found);
    hdtw_set_search_bound(ctx, NULL, NULL);
    if (s != HDTW_OK)
        return s;
    hdtw_mpi_from_matches(matches, found, origin, part);
    hdtw_mpi_pad(part, found, p);
    hdtw_mpi_keep_best(part, list, p);
    bound->proven = list[p - 1].distance; /* P windows at or below it */
    return HDTW_OK;
}

/* What one call holds between its steps. */
typedef struct {
    MPI_Comm comm;
    int ranks, rank;
    size_t m, k, exclusion;
    size_t origin, total;  /* this slice's place in the series, its length */
    size_t tail, seam_len; /* last m - 1 values of the slice + the halo */
    size_t p, kept_cap;    /* candidates per list, kept windows at most */
    uint64_t *lens, *kept;
    double *root_query, *seam;
    int *plan;
    hdtw_match *matches;
    hdtw_mpi_candidate *list;
} call_state;

/* Slice lengths from every rank and rank 0's query; then the checks that
 * need them (total length, same query) and the values (NaN, Inf). */
static int gather_layout(call_state *c, const double *query,
                         const double *slice, size_t slice_len,
                         hdtw_status *status)
{
    if (c->m <= INT_MAX) { /* the query and the halo travel as int counts */
        c->lens = malloc((size_t)c->ranks * sizeof *c->lens);
        c->root_query = malloc(c->m * sizeof *c->root_query);
    }
    *status = c->lens && c->root_query ? HDTW_OK : HDTW_E_NOMEM;
    int rc = hdtw_mpi_agree(c->comm, status);
    if (rc != MPI_SUCCESS || *status != HDTW_OK)
        return rc;
    uint64_t mine = slice_len;
    rc = MPI_Allgather(&mine, 1, MPI_UINT64_T, c->lens, 1, MPI_UINT64_T,
                       c->comm);
    if (c->rank == 0)
        memcpy(c->root_query, query, c->m * sizeof *query);
    if (rc == MPI_SUCCESS)
        rc = MPI_Bcast(c->root_query, (int)c->m, MPI_DOUBLE, 0, c->comm);
    if (rc != MPI_SUCCESS)
        return rc;
    if (!locate(c->lens, c->ranks, c->rank, &c->origin, &c->total) ||
        c->total < c->m ||
        memcmp(c->root_query, query, c->m * sizeof *query) != 0)
        *status = HDTW_E_ARG;
    else if (!hdtw_mpi_all_finite(query, c->m) ||
             !hdtw_mpi_all_finite(slice, slice_len))
        *status = HDTW_E_NONFINITE;
    return hdtw_mpi_agree(c->comm, status);
}

/* Everything the remaining steps need, allocated and agreed on before
 * anyone exchanges data. */
static int allocate_rest(call_state *c, size_t slice_len, hdtw_status *status)
{
    size_t m = c->m;
    c->p = hdtw_mpi_candidate_count(c->k, c->exclusion, c->total - m + 1);
    c->tail = slice_len < m - 1 ? slice_len : m - 1;
    c->seam_len = c->tail + halo_length(c->origin + slice_len, c->total, m);
    c->kept_cap = c->k < c->p ? c->k : c->p;
    if (c->p <= INT_MAX / sizeof *c->list) {
        c->plan = malloc(4 * (size_t)c->ranks * sizeof *c->plan);
        c->seam = malloc((c->seam_len ? c->seam_len : 1) * sizeof *c->seam);
        c->matches = malloc(c->p * sizeof *c->matches);
        c->list = malloc(2 * c->p * sizeof *c->list);
        c->kept = malloc(c->kept_cap * sizeof *c->kept);
    }
    *status = c->plan && c->seam && c->matches && c->list && c->kept
                  ? HDTW_OK : HDTW_E_NOMEM;
    return hdtw_mpi_agree(c->comm, status);
}

/* seam = the slice's last m - 1 values, then the m - 1 values after the
 * slice, from the ranks that hold them */
static int exchange_halo(call_state *c, const double *slice, size_t slice_len)
{
    int *send = c->plan, *send_at = c->plan + c->ranks,
        *recv = c->plan + 2 * c->ranks, *recv_at = c->plan + 3 * c->ranks;
    halo_plan(c->lens, c->ranks, c->rank, c->m, c->total, send, send_at, recv,
              recv_at);
    if (c->tail > 0)
        memcpy(c->seam, slice + slice_len - c->tail,
               c->tail * sizeof *c->seam);
    return MPI_Alltoallv(slice ? slice : c->seam, send, send_at, MPI_DOUBLE,
                         c->seam + c->tail, recv, recv_at, MPI_DOUBLE,
                         c->comm);
}

/* This rank's P best windows without exclusion, in c->list: those inside
 * the slice, then those that start in its last m - 1 values; the ranks
 * share their bounds meanwhile. */
static int search_own_windows(call_state *c, hdtw_ctx *ctx,
                              const hdtw_search_params *sp,
                              const double *query, const double *slice,
                              size_t slice_len, hdtw_status *status)
{
    hdtw_search_params every = *sp;
    hdtw_mpi_bound bound;
    every.exclusion = 0;
    hdtw_mpi_pad(c->list, 0, c->p);
    int rc = hdtw_mpi_bound_init(&bound, c->comm);
    if (rc != MPI_SUCCESS)
        return rc;
    *status = search_part(ctx, &every, query, c->m, slice, slice_len,
                          c->origin, c->p, c->matches, c->list,
                          c->list + c->p, &bound);
    if (*status == HDTW_OK)
        *status = search_part(ctx, &every, query, c->m, c->seam, c->seam_len,
                              c->origin + slice_len - c->tail, c->p,
                              c->matches, c->list, c->list + c->p, &bound);
    rc = hdtw_mpi_bound_finish(&bound);
    if (rc != MPI_SUCCESS)
        return rc;
    return hdtw_mpi_agree(c->comm, status);
}

hdtw_status hdtw_mpi_search(hdtw_ctx *ctx, MPI_Comm comm,
                            const hdtw_search_params *sp, const double *query,
                            size_t m, const double *slice, size_t slice_len,
                            size_t k, hdtw_match *out, size_t *found)
{
    if (!hdtw_mpi_usable(comm))
        return HDTW_E_ARG;

    hdtw_search_params params = sp ? *sp : HDTW_SEARCH_DEFAULT;
    hdtw_cost cost = params.dtw.cost;
    hdtw_status status =
        !ctx || !query || !out || !found || (!slice && slice_len > 0) ||
                m == 0 || k == 0 ||
                (cost != HDTW_COST_ABS && cost != HDTW_COST_SQUARED)
            ? HDTW_E_ARG : HDTW_OK;
    const uint64_t fields[FIELD_COUNT] = {
        [FIELD_M] = m, [FIELD_K] = k, [FIELD_COST] = (uint64_t)cost,
        [FIELD_BAND] = (uint64_t)params.dtw.band,
        [FIELD_ZNORM] = (uint64_t)params.znorm,
        [FIELD_EXCLUSION] = params.exclusion,
    };
    call_state c = {
        .comm = comm, .m = m, .k = k,
        .exclusion = params.exclusion == HDTW_EXCLUSION_AUTO
                         ? m / 2 : params.exclusion,
    };
    HDTW_MPI_TRY(MPI_Comm_size(comm, &c.ranks));
    HDTW_MPI_TRY(MPI_Comm_rank(comm, &c.rank));
    HDTW_MPI_TRY(hdtw_mpi_agree_fields(comm, status, fields, FIELD_COUNT,
                                       &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(gather_layout(&c, query, slice, slice_len, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(allocate_rest(&c, slice_len, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(exchange_halo(&c, slice, slice_len));
    HDTW_MPI_TRY(search_own_windows(&c, ctx, &params, query, slice, slice_len,
                               &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(reduce_candidates(comm, c.list, c.p));
    *found = hdtw_mpi_walk(c.list, c.p, c.exclusion, c.kept_cap, c.kept, out);

cleanup:
    free(c.list);
    free(c.matches);
    free(c.seam);
    free(c.plan);
    free(c.kept);
    free(c.root_query);
    free(c.lens);
    return status;
}
