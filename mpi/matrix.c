/* SPDX-License-Identifier: MIT */
/*
 * matrix.c — hdtw_mpi_pdist and hdtw_mpi_cdist: a distance matrix whose
 * cells are shared equally by the ranks of a communicator and written by
 * MPI-IO into one file (layout in hdtw_mpi.h and docs/SCALING.md).
 *
 * The steps, each ending in an agreement so that every rank takes the same
 * branch: agree on the arguments (scalars and hashes of the sets); check
 * the values; allocate this rank's share; compute it with hdtw_cdist on
 * sub-sets; write it into path.part with collective writes; close; rank 0
 * renames path.part to path. Nothing touches the disk before every rank
 * has its share, and path changes only by the final rename.
 */
#include "hdtw_mpi.h"

#include "mpi/agree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Doubles per collective write: MPI counts are int. */
#define WRITE_CHUNK ((size_t)1 << 27)

/* The matrix as the file orders it: row i holds the columns
 * first_column(i) .. cols-1, rows one after another. */
typedef struct {
    const hdtw_set *a, *b;
    size_t rows, cols;
    int triangle; /* pdist: a = b, row i holds columns i+1 .. rows-1 */
} shape;

/* The file position (in cells) of row i's first cell; row_origin(rows) is
 * the number of cells. */
static size_t row_origin(const shape *s, size_t i)
{
    return s->triangle ? i * (2 * s->rows - i - 1) / 2 : i * s->cols;
}

static size_t first_column(const shape *s, size_t i)
{
    return s->triangle ? i + 1 : 0;
}

/* The row that holds cell c < row_origin(rows): the last row whose origin
 * is <= c. */
static size_t row_of(const shape *s, size_t c)
{
    size_t lo = 0, hi = s->rows; /* origin(lo) <= c < origin(hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (row_origin(s, mid) <= c)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Series lo .. lo+count-1 of set, read in place (hdtw.h, hdtw_set). */
static hdtw_set subset(const hdtw_set *set, size_t lo, size_t count)
{
    if (set->offsets)
        return (hdtw_set){ set->values, set->offsets + lo, count, 0 };
    return (hdtw_set){ set->values + lo * set->len, NULL, count, set->len };
}

/* Doubles of scratch for a run of whole rows of the triangle. */
#define ROWS_SCRATCH ((size_t)1 << 20)

/* Whole rows i .. i+h-1 of the triangle into out, in the file's order:
 * one hdtw_pdist of their diagonal block and one hdtw_cdist of the block
 * against the series after it, in scratch, then interleaved (row r of the
 * file is the block's row r, then the r-th row of the rest). Two calls
 * instead of h: each hdtw_cdist call has a fixed cost (contexts per
 * thread, scratch) that short rows do not amortise. */
static hdtw_status triangle_rows(hdtw_ctx *ctx, const hdtw_params *p,
                                 const shape *s, size_t i, size_t h,
                                 double *scratch, double *out)
{
    size_t rest = s->rows - i - h, diagonal = h * (h - 1) / 2;
    hdtw_set block = subset(s->a, i, h), after = subset(s->a, i + h, rest);
    hdtw_status st = hdtw_pdist(ctx, p, &block, scratch);
    if (st == HDTW_OK && rest > 0)
        st = hdtw_cdist(ctx, p, &block, &after, scratch + diagonal);
    if (st != HDTW_OK)
        return st;
    const double *inside = scratch, *beyond = scratch + diagonal;
    for (size_t r = 0; r < h; r++) {
        memcpy(out, inside, (h - r - 1) * sizeof *out);
        out += h - r - 1;
        inside += h - r - 1;
        memcpy(out, beyond, rest * sizeof *out);
        out += rest;
        beyond += rest;
    }
    return HDTW_OK;
}

/* How many whole rows from row i (whose first cell is c) end by c1: for a
 * full matrix all of them; for the triangle as many as fit the scratch. */
static size_t whole_rows(const shape *s, size_t i, size_t c, size_t c1)
{
    if (c != row_origin(s, i))
        return 0;
    if (!s->triangle)
        return (c1 - c) / s->cols;
    size_t h = 0;
    while (i + h < s->rows && row_origin(s, i + h + 1) <= c1 &&
           row_origin(s, i + h + 1) - c <= ROWS_SCRATCH)
        h++;
    return h;
}

/* The cells c0 .. c1-1 into out[0 .. c1-c0-1]: runs of whole rows as one
 * block (a full matrix's directly, the triangle's through scratch), the
 * rest one hdtw_cdist per part of a row. */
static hdtw_status compute_cells(hdtw_ctx *ctx, const hdtw_params *p,
                                 const shape *s, size_t c0, size_t c1,
                                 double *scratch, double *out)
{
    size_t c = c0, i = c0 < c1 ? row_of(s, c0) : 0;
    while (c < c1) {
        size_t origin = row_origin(s, i), rows = whole_rows(s, i, c, c1);
        hdtw_status st;
        if (rows >= 2 && s->triangle) {
            st = triangle_rows(ctx, p, s, i, rows, scratch, out + (c - c0));
        } else {
            rows = rows >= 2 ? rows : 1;
            size_t next = row_origin(s, i + rows);
            size_t end = next < c1 ? next : c1;
            hdtw_set a = subset(s->a, i, rows);
            hdtw_set b = subset(s->b, first_column(s, i) + (c - origin),
                                rows >= 2 ? s->cols : end - c);
            st = hdtw_cdist(ctx, p, &a, &b, out + (c - c0));
        }
        if (st != HDTW_OK)
            return st;
        c = row_origin(s, i + rows) < c1 ? row_origin(s, i + rows) : c1;
        i += rows;
    }
    return HDTW_OK;
}

/* ------------------------------------------------------- argument checks */

static uint64_t mix(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

static uint64_t hash_bytes(const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = mix(h, b[i]);
    return h;
}

static uint64_t hash_doubles(const double *x, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        uint64_t word;
        memcpy(&word, &x[i], sizeof word);
        h = mix(h, word);
    }
    return h;
}

/* The values a set reads, as one run: values[first .. first+n-1]. */
static void set_values(const hdtw_set *set, size_t *first, size_t *n)
{
    *first = set->offsets ? set->offsets[0] : 0;
    *n = set->offsets ? set->offsets[set->count] - set->offsets[0]
                      : set->count * set->len;
}

/* hdtw_cdist's checks of one set (hdtw.h): HDTW_E_ARG or HDTW_OK. */
static hdtw_status check_set(const hdtw_set *set)
{
    if (!set || !set->values || set->count == 0)
        return HDTW_E_ARG;
    if (!set->offsets)
        return set->len == 0 || set->count > SIZE_MAX / set->len
                   ? HDTW_E_ARG : HDTW_OK;
    for (size_t i = 0; i < set->count; i++)
        if (set->offsets[i + 1] <= set->offsets[i])
            return HDTW_E_ARG;
    return HDTW_OK;
}

enum { SET_COUNT, SET_LEN, SET_RAGGED, SET_VALUES, SET_LENGTHS, SET_FIELDS };

/* What must be the same on every rank about a valid set. */
static void set_fields(const hdtw_set *set, uint64_t *fields)
{
    size_t first, n;
    set_values(set, &first, &n);
    fields[SET_COUNT] = set->count;
    fields[SET_LEN] = set->offsets ? 0 : set->len;
    fields[SET_RAGGED] = set->offsets != NULL;
    fields[SET_VALUES] = hash_doubles(set->values + first, n);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; set->offsets && i < set->count; i++)
        h = mix(h, set->offsets[i + 1] - set->offsets[i]);
    fields[SET_LENGTHS] = h;
}

static int set_finite(const hdtw_set *set)
{
    size_t first, n;
    set_values(set, &first, &n);
    return hdtw_mpi_all_finite(set->values + first, n);
}

/* ----------------------------------------------------------- the call */

/* What one call holds between its steps. */
typedef struct {
    MPI_Comm comm;
    int ranks, rank;
    shape s;
    hdtw_params p;
    const char *path;
    char *part;        /* path + ".part" */
    size_t c0, c1;     /* this rank's cells */
    double *share;     /* their distances */
    double *scratch;   /* pdist: runs of whole rows (triangle_rows) */
    MPI_File fh;
    int opening;       /* the call reached open_part (on every rank) */
    int created;       /* this rank opened path.part */
} call_state;

/* The argument checks one rank makes alone, then the agreement on them and
 * on everything that must be the same on every rank. */
static int agree_arguments(call_state *c, hdtw_ctx *ctx, hdtw_status *status)
{
    const hdtw_set *sets[2] = { c->s.a, c->s.b };
    int n_sets = c->s.triangle ? 1 : 2;
    uint64_t fields[HDTW_MPI_MAX_FIELDS] = { 0 };
    hdtw_status local = ctx && c->path &&
                                (c->p.cost == HDTW_COST_ABS ||
                                 c->p.cost == HDTW_COST_SQUARED)
                            ? HDTW_OK : HDTW_E_ARG;
    for (int k = 0; k < n_sets; k++)
        if (check_set(sets[k]) != HDTW_OK)
            local = HDTW_E_ARG;
    if (local == HDTW_OK) {
        for (int k = 0; k < n_sets; k++)
            set_fields(sets[k], fields + k * SET_FIELDS);
        c->s.rows = c->s.a->count;
        c->s.cols = c->s.b->count;
        size_t cells_cap = ((size_t)INT64_MAX - HDTW_MPI_MATRIX_HEADER) / 8;
        if (c->s.triangle ? c->s.rows - 1 > 2 * cells_cap / c->s.rows
                          : c->s.rows > cells_cap / c->s.cols)
            local = HDTW_E_ARG;
    }
    size_t n = (size_t)n_sets * SET_FIELDS;
    fields[n++] = (uint64_t)c->p.cost;
    fields[n++] = (uint64_t)c->p.band;
    fields[n++] = c->path ? hash_bytes(c->path, strlen(c->path)) : 0;
    return hdtw_mpi_agree_fields(c->comm, local, fields, n, status);
}

static int agree_finite(call_state *c, hdtw_status *status)
{
    int finite = set_finite(c->s.a) && (c->s.triangle || set_finite(c->s.b));
    *status = finite ? HDTW_OK : HDTW_E_NONFINITE;
    return hdtw_mpi_agree(c->comm, status);
}

/* cells * r / ranks without overflow: (cells / ranks) * r plus the share
 * of the remainder, whose product stays below ranks^2. */
static size_t split(size_t cells, int ranks, int r)
{
    size_t q = cells / (size_t)ranks, rem = cells % (size_t)ranks;
    return q * (size_t)r + rem * (size_t)r / (size_t)ranks;
}

static int allocate_share(call_state *c, hdtw_status *status)
{
    size_t cells = row_origin(&c->s, c->s.rows);
    c->c0 = split(cells, c->ranks, c->rank);
    c->c1 = split(cells, c->ranks, c->rank + 1);
    size_t len = strlen(c->path);
    size_t n = c->c1 > c->c0 ? c->c1 - c->c0 : 1;
    c->share = malloc(n * sizeof *c->share);
    c->scratch = malloc((n < ROWS_SCRATCH ? n : ROWS_SCRATCH) *
                        sizeof *c->scratch);
    c->part = malloc(len + sizeof ".part");
    if (c->part) {
        memcpy(c->part, c->path, len);
        memcpy(c->part + len, ".part", sizeof ".part");
    }
    *status = c->share && c->scratch && c->part ? HDTW_OK : HDTW_E_NOMEM;
    return hdtw_mpi_agree(c->comm, status);
}

static int compute_share(call_state *c, hdtw_ctx *ctx, hdtw_status *status)
{
    *status = compute_cells(ctx, &c->p, &c->s, c->c0, c->c1, c->scratch,
                            c->share);
    return hdtw_mpi_agree(c->comm, status);
}

/* ----------------------------------------------------------- the file */

static void put_le64(unsigned char *at, uint64_t v)
{
    for (int b = 0; b < 8; b++)
        at[b] = (unsigned char)(v >> (8 * b));
}

static void header(const call_state *c, unsigned char h[HDTW_MPI_MATRIX_HEADER])
{
    memset(h, 0, HDTW_MPI_MATRIX_HEADER);
    memcpy(h, c->s.triangle ? "HDTWPD01" : "HDTWCD01", 8);
    put_le64(h + 8, c->s.rows);
    put_le64(h + 16, c->s.triangle ? 0 : c->s.cols);
    put_le64(h + 24, (uint64_t)c->p.cost);
    put_le64(h + 32, (uint64_t)(int64_t)c->p.band);
}

/* The file holds little-endian doubles whatever the machine. */
static void to_little_endian(double *x, size_t n)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    if (first == 1)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t word;
        memcpy(&word, &x[i], sizeof word);
        unsigned char le[8];
        put_le64(le, word);
        memcpy(&x[i], le, sizeof le);
    }
}

/* Creates path.part on every rank (HDTW_E_ARG where it cannot be). Only
 * a .part this call opened is ever deleted: one that cannot be opened (a
 * directory of that name) is not this call's. */
static int open_part(call_state *c, hdtw_status *status)
{
    c->opening = 1;
    int rc = MPI_File_open(c->comm, c->part, MPI_MODE_WRONLY | MPI_MODE_CREATE,
                           MPI_INFO_NULL, &c->fh);
    *status = rc == MPI_SUCCESS ? HDTW_OK : HDTW_E_ARG;
    c->created = rc == MPI_SUCCESS;
    if (rc != MPI_SUCCESS)
        c->fh = MPI_FILE_NULL;
    return hdtw_mpi_agree(c->comm, status);
}

/* Rank 0 writes the header; every rank its share, in the same number of
 * collective writes (empty ones once a rank's share is written). */
static hdtw_status write_share(call_state *c)
{
    size_t cells = row_origin(&c->s, c->s.rows), n = c->c1 - c->c0;
    MPI_Offset bytes = HDTW_MPI_MATRIX_HEADER + (MPI_Offset)cells * 8;
    int ok = MPI_File_set_size(c->fh, bytes) == MPI_SUCCESS;
    if (c->rank == 0) {
        unsigned char h[HDTW_MPI_MATRIX_HEADER];
        header(c, h);
        ok &= MPI_File_write_at(c->fh, 0, h, HDTW_MPI_MATRIX_HEADER, MPI_BYTE,
                                MPI_STATUS_IGNORE) == MPI_SUCCESS;
    }
    to_little_endian(c->share, n);
    size_t biggest = split(cells, c->ranks, 1) + 1; /* a share's bound */
    for (size_t done = 0; done < biggest; done += WRITE_CHUNK) {
        size_t count = done < n ? n - done : 0;
        count = count < WRITE_CHUNK ? count : WRITE_CHUNK;
        MPI_Offset at = HDTW_MPI_MATRIX_HEADER +
                        (MPI_Offset)(c->c0 + (done < n ? done : n)) * 8;
        MPI_Status st;
        int written = 0;
        ok &= MPI_File_write_at_all(c->fh, at, c->share + (done < n ? done : 0),
                                    (int)count, MPI_DOUBLE, &st) ==
              MPI_SUCCESS;
        ok &= MPI_Get_count(&st, MPI_DOUBLE, &written) == MPI_SUCCESS &&
              (size_t)written == count;
    }
    ok &= MPI_File_sync(c->fh) == MPI_SUCCESS;
    return ok ? HDTW_OK : HDTW_E_DEVICE;
}

/* Writes, closes, and (rank 0) renames path.part to path; each step's
 * failure becomes every rank's status. */
static int write_file(call_state *c, hdtw_status *status)
{
    *status = write_share(c);
    int rc = hdtw_mpi_agree(c->comm, status);
    if (rc != MPI_SUCCESS)
        return rc;
    hdtw_status closed =
        MPI_File_close(&c->fh) == MPI_SUCCESS ? HDTW_OK : HDTW_E_DEVICE;
    *status = *status != HDTW_OK ? *status : closed;
    rc = hdtw_mpi_agree(c->comm, status);
    if (rc != MPI_SUCCESS || *status != HDTW_OK)
        return rc;
    if (c->rank == 0 && rename(c->part, c->path) != 0)
        *status = HDTW_E_ARG;
    return hdtw_mpi_agree(c->comm, status);
}

/* After a failure: if the call got as far as opening path.part, close it
 * where it is open and, once every rank has closed it, unlink it if rank 0
 * opened it. unlink, not MPI_File_delete, which prints on stderr when it
 * fails, nor remove(), which would delete an empty directory. */
static void discard_part(call_state *c)
{
    if (!c->opening)
        return; /* nothing of this call's on disk */
    if (c->fh != MPI_FILE_NULL)
        MPI_File_close(&c->fh);
    MPI_Barrier(c->comm);
    if (c->rank == 0 && c->created)
        unlink(c->part);
}

static hdtw_status distributed_matrix(hdtw_ctx *ctx, MPI_Comm comm,
                                      const hdtw_params *p, shape s,
                                      const char *path)
{
    if (!hdtw_mpi_usable(comm))
        return HDTW_E_ARG;
    call_state c = { .comm = comm, .s = s, .path = path,
                     .p = p ? *p : HDTW_PARAMS_DEFAULT, .fh = MPI_FILE_NULL };
    hdtw_status status = HDTW_OK;
    HDTW_MPI_TRY(MPI_Comm_size(comm, &c.ranks));
    HDTW_MPI_TRY(MPI_Comm_rank(comm, &c.rank));
    HDTW_MPI_TRY(agree_arguments(&c, ctx, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(agree_finite(&c, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(allocate_share(&c, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(compute_share(&c, ctx, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(open_part(&c, &status));
    if (status != HDTW_OK)
        goto cleanup;
    HDTW_MPI_TRY(write_file(&c, &status));

cleanup:
    if (status != HDTW_OK)
        discard_part(&c);
    free(c.scratch);
    free(c.share);
    free(c.part);
    return status;
}

hdtw_status hdtw_mpi_pdist(hdtw_ctx *ctx, MPI_Comm comm, const hdtw_params *p,
                           const hdtw_set *x, const char *path)
{
    return distributed_matrix(ctx, comm, p,
                              (shape){ .a = x, .b = x, .triangle = 1 }, path);
}

hdtw_status hdtw_mpi_cdist(hdtw_ctx *ctx, MPI_Comm comm, const hdtw_params *p,
                           const hdtw_set *a, const hdtw_set *b,
                           const char *path)
{
    return distributed_matrix(ctx, comm, p, (shape){ .a = a, .b = b }, path);
}
