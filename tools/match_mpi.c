/* SPDX-License-Identifier: MIT */
/*
 * match_mpi.c — hdtw-match across the ranks of an MPI job (match_mpi.h).
 *
 * Every rank takes the same steps, and each step that can fail on one rank
 * ends in an agreement (agree_failure), so a rank with a bad part of the
 * file never leaves the others waiting: all return the same status, with
 * the message of the first failing rank (in file order) on every rank.
 *
 * Reading (docs/SCALING.md, "hdtw-match under mpirun"): rank 0 reads the
 * header; the bytes after it are cut into equal ranges; a rank's part
 * starts at the first line start at or after its range's start and ends
 * where the next rank's part starts. A line feed inside a quoted field is
 * not a record's end, so each part is checked to hold no line with an odd
 * number of quotes (which such a field needs) and refused otherwise; each
 * part is then parsed by the same reader as in one process, which fails
 * on a part that does not end at a record's end. Line numbers in messages
 * are the file's: an exclusive prefix sum of the parts' line feeds.
 */
#define _POSIX_C_SOURCE 200809L /* fseeko, ftello, strdup */
#include "match_mpi.h"

#include "csv_range.h"
#include "hdtw_mpi.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* This process in the job: ranks == 0 when not distributed. */
static struct {
    int ranks, rank;
    uint64_t row0, rows; /* this rank's rows of the series */
} job;

static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
           getenv("PMIX_RANK");
}

int match_start(int *argc, char ***argv)
{
    int ranks = 1, rank = 0;
    if (!launched())
        return 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fprintf(stderr, "hdtw-match: MPI_Init failed\n");
        return -1;
    }
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (ranks > 1)
        job.ranks = ranks;
    job.rank = rank;
    if (rank != 0 && (!freopen("/dev/null", "w", stdout) ||
                      !freopen("/dev/null", "w", stderr)))
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILURE);
    return 0;
}

int match_finish(int rc)
{
    int initialised = 0, all = rc;
    MPI_Initialized(&initialised);
    if (!initialised)
        return rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return all;
}

int match_distributed(void)
{
    return job.ranks > 1;
}

/* Every rank: 0 when no rank failed, else -1 and err = the message of the
 * first rank that did (err_len the same on every rank). */
static int agree_failure(int failed, char *err, size_t err_len)
{
    int mine = failed ? job.rank : job.ranks, first = job.ranks;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == job.ranks)
        return 0;
    MPI_Bcast(err, (int)(err_len < INT_MAX ? err_len : INT_MAX), MPI_CHAR,
              first, MPI_COMM_WORLD);
    return -1;
}

/* What rank 0 learns from the header and every rank needs. */
typedef struct {
    csv_header h;
    uint64_t end;   /* the header's last byte + 1: where the rows start */
    uint64_t lines; /* line feeds up to there */
    int open_end;   /* the header's last byte is not a line feed */
} header_info;

/* What one rank holds while it reads. */
typedef struct {
    FILE *f;
    uint64_t size;    /* of the file */
    uint64_t lo, hi;  /* this rank's part of it */
    char *text;       /* the part, then rank 0's header */
    size_t len;
    uint64_t line;    /* the file's line number of the part's first line */
    uint64_t lines;   /* line feeds in the part */
    int open_tail;    /* the part's last byte is not a line feed */
    header_info head;
    csv_series local; /* the part's rows */
} reading;

static int cannot_read(const char *path, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
    return -1;
}

static int refuse_odd_quotes(const char *path, const char *text, size_t len,
                             uint64_t line, char *err, size_t err_len)
{
    size_t odd = csv_range_odd_quotes(text, len);
    if (odd == SIZE_MAX)
        return 0;
    snprintf(err, err_len, "%s:%llu: a line with an odd number of quotes (a "
             "quoted field with a line break inside?): under mpirun, "
             "hdtw-match cuts the file at line breaks; run it in one process",
             path, (unsigned long long)(line + odd));
    return -1;
}

/* Opens the file on every rank; rank 0 also parses the header. */
static int open_and_header(const match_options *o, reading *rd, char *err,
                           size_t err_len)
{
    rd->f = fopen(o->path, "rb");
    if (!rd->f) {
        snprintf(err, err_len, "%s: %s", o->path, strerror(errno));
        return -1;
    }
    if (fseeko(rd->f, 0, SEEK_END) != 0 || ftello(rd->f) < 0)
        return cannot_read(o->path, err, err_len);
    rd->size = (uint64_t)ftello(rd->f);
    rewind(rd->f);
    if (job.rank != 0)
        return 0;
    if (csv_range_header(rd->f, &rd->text, &rd->len) != 0)
        return cannot_read(o->path, err, err_len);
    if (refuse_odd_quotes(o->path, rd->text, rd->len, 1, err, err_len) != 0)
        return -1;
    rd->head.end = rd->len;
    rd->head.lines = csv_range_newlines(rd->text, rd->len);
    rd->head.open_end = rd->len > 0 && rd->text[rd->len - 1] != '\n';
    /* counted above: the parser writes into the text */
    return csv_parse_header(rd->text, rd->len, o->path, o->column, o->sep,
                            &rd->head.h, err, err_len);
}

/* Byte `at` of the rows: r / ranks of the way, without overflow. */
static uint64_t range_start(uint64_t first, uint64_t size, int r, int ranks)
{
    uint64_t span = size - first;
    return first + span / (uint64_t)ranks * (uint64_t)r +
           span % (uint64_t)ranks * (uint64_t)r / (uint64_t)ranks;
}

/* This rank's part [lo, hi): from its line start to the next rank's. */
static int find_part(const match_options *o, reading *rd, char *err,
                     size_t err_len)
{
    uint64_t at = range_start(rd->head.end, rd->size, job.rank, job.ranks);
    uint64_t *starts = malloc((size_t)job.ranks * sizeof *starts);
    int failed = !starts;
    if (failed)
        snprintf(err, err_len, "out of memory");
    else if (job.rank == 0 || at == 0)
        rd->lo = at;
    else if (csv_range_line_start(rd->f, at, rd->size, &rd->lo) != 0)
        failed = cannot_read(o->path, err, err_len);
    if (agree_failure(failed, err, err_len) != 0) {
        free(starts);
        return -1;
    }
    MPI_Allgather(&rd->lo, 1, MPI_UINT64_T, starts, 1, MPI_UINT64_T,
                  MPI_COMM_WORLD);
    rd->hi = job.rank + 1 < job.ranks ? starts[job.rank + 1] : rd->size;
    free(starts);
    return 0;
}

/* The part's rows into rd->local, line numbers counted from the file's
 * start. */
static int parse_part(const match_options *o, reading *rd, char *err,
                      size_t err_len)
{
    free(rd->text);
    rd->len = (size_t)(rd->hi - rd->lo);
    rd->text = csv_range_read(rd->f, rd->lo, rd->hi);
    uint64_t before = 0;
    if (rd->text) { /* counted before the parser writes into the text */
        rd->lines = csv_range_newlines(rd->text, rd->len);
        rd->open_tail = rd->len > 0 && rd->text[rd->len - 1] != '\n';
    }
    MPI_Exscan(&rd->lines, &before, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    rd->line = 1 + rd->head.lines + (job.rank == 0 ? 0 : before);
    if (!rd->text)
        return cannot_read(o->path, err, err_len);
    if (refuse_odd_quotes(o->path, rd->text, rd->len, rd->line, err,
                          err_len) != 0)
        return -1;
    return csv_parse_rows(rd->text, rd->len, o->path, (size_t)rd->line,
                          &rd->head.h, o->sep, &rd->local, err, err_len);
}

/* csv_parse_column's message when no rank has a row: the line number
 * after the file's last line feed, + 1 when text follows it. */
static void no_rows(const match_options *o, const reading *rd, char *err,
                    size_t err_len)
{
    uint64_t mine[2] = { rd->lines, (uint64_t)rd->open_tail };
    uint64_t all[2];
    MPI_Allreduce(mine, all, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    int open = rd->head.end == rd->size ? rd->head.open_end : all[1] > 0;
    csv_no_rows(o->path, (size_t)(1 + rd->head.lines + all[0] + open),
                &rd->head.h, err, err_len);
}

/* The series as match_read describes it, from rd->local; every rank. */
static int spread(const match_options *o, reading *rd, csv_series *s,
                  char *err, size_t err_len)
{
    uint64_t rows = rd->local.len, total = 0;
    MPI_Exscan(&rows, &job.row0, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (job.rank == 0)
        job.row0 = 0;
    job.rows = rows;
    MPI_Allreduce(&rows, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (total == 0) {
        no_rows(o, rd, err, err_len);
        return -1;
    }
    csv_series whole = { .len = (size_t)total };
    memcpy(whole.column, rd->local.column, sizeof whole.column);
    whole.values = calloc(whole.len, sizeof *whole.values);
    whole.labels = calloc(whole.len, sizeof *whole.labels);
    int failed = !whole.values || !whole.labels;
    if (failed) {
        snprintf(err, err_len, "out of memory");
        whole.len = 0;
    } else {
        memcpy(whole.values + job.row0, rd->local.values,
               rows * sizeof *whole.values);
        memcpy(whole.labels + job.row0, rd->local.labels,
               rows * sizeof *whole.labels);
        rd->local.len = 0; /* its labels are whole's now */
    }
    if (agree_failure(failed, err, err_len) != 0) {
        csv_free(&whole);
        return -1;
    }
    *s = whole;
    return 0;
}

int match_read(const match_options *o, csv_series *s, char *err,
               size_t err_len)
{
    if (!match_distributed())
        return match_local_read(o, s, err, err_len);
    reading rd = { 0 };
    int rc = -1;
    int failed = open_and_header(o, &rd, err, err_len) != 0;
    if (agree_failure(failed, err, err_len) != 0)
        goto cleanup;
    MPI_Bcast(&rd.head, (int)sizeof rd.head, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (find_part(o, &rd, err, err_len) != 0)
        goto cleanup;
    failed = parse_part(o, &rd, err, err_len) != 0;
    if (agree_failure(failed, err, err_len) != 0)
        goto cleanup;
    rc = spread(o, &rd, s, err, err_len);
cleanup:
    csv_free(&rd.local);
    free(rd.text);
    if (rd.f)
        fclose(rd.f);
    return rc;
}

/* ------------------------------------------------ rows shared after reading */

/* One value of the series, as it travels. */
typedef struct {
    uint64_t at;
    double value;
} row_value;

/* The part of [lo, hi) this rank holds. */
static void held(uint64_t lo, uint64_t hi, uint64_t *from, uint64_t *to)
{
    uint64_t end = job.row0 + job.rows;
    *from = lo > job.row0 ? lo : job.row0;
    *to = hi < end ? hi : end;
}

/* 1 on every rank when `failed` on any. */
static int any_failed(int failed)
{
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return failed;
}

/* Every rank's block (count bytes) concatenated in rank order on every
 * rank into *all (malloc'ed; *all_len bytes). HDTW_OK or HDTW_E_NOMEM
 * (then on every rank, with nothing allocated). */
static hdtw_status gather_bytes(const void *mine, int count, char **all,
                                size_t *all_len)
{
    int *counts = malloc(2 * (size_t)job.ranks * sizeof *counts);
    size_t sum = 0;
    *all = NULL;
    if (any_failed(!counts))
        goto cleanup;
    int *at = counts + job.ranks;
    MPI_Allgather(&count, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < job.ranks; r++) {
        at[r] = sum <= INT_MAX ? (int)sum : 0;
        sum += (size_t)counts[r];
    }
    *all = sum <= INT_MAX ? malloc(sum ? sum : 1) : NULL;
    if (any_failed(!*all)) {
        free(*all);
        *all = NULL;
        goto cleanup;
    }
    MPI_Allgatherv(mine, count, MPI_BYTE, *all, counts, at, MPI_BYTE,
                   MPI_COMM_WORLD);
    *all_len = sum;
cleanup:
    free(counts);
    return *all ? HDTW_OK : HDTW_E_NOMEM;
}

/* The values this rank holds in the ranges [lo[i], hi[i]), packed. */
static row_value *pack_values(const csv_series *s, const uint64_t *lo,
                              const uint64_t *hi, size_t ranges,
                              size_t *count)
{
    size_t n = 0;
    uint64_t from, to;
    for (size_t i = 0; i < ranges; i++) {
        held(lo[i], hi[i], &from, &to);
        n += to > from ? (size_t)(to - from) : 0;
    }
    row_value *out = malloc((n ? n : 1) * sizeof *out);
    *count = n;
    n = 0;
    for (size_t i = 0; out && i < ranges; i++)
        for (held(lo[i], hi[i], &from, &to); from < to; from++)
            out[n++] = (row_value){ from, s->values[from] };
    return out;
}

/* The labels this rank holds at at[0..count-1]: each as its index
 * (8 bytes) and its text with the terminating NUL. */
static char *pack_labels(const csv_series *s, const uint64_t *at,
                         size_t count, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (at[i] >= job.row0 && at[i] - job.row0 < job.rows)
            n += sizeof at[i] + strlen(s->labels[at[i]]) + 1;
    char *out = malloc(n ? n : 1), *w = out;
    for (size_t i = 0; out && i < count; i++)
        if (at[i] >= job.row0 && at[i] - job.row0 < job.rows) {
            size_t text = strlen(s->labels[at[i]]) + 1;
            memcpy(w, &at[i], sizeof at[i]);
            memcpy(w + sizeof at[i], s->labels[at[i]], text);
            w += sizeof at[i] + text;
        }
    *len = n;
    return out;
}

/* Unpacks what pack_labels sent from every rank into s->labels. */
static int unpack_labels(const csv_series *s, const char *all, size_t len)
{
    for (const char *p = all; p < all + len;) {
        uint64_t at;
        memcpy(&at, p, sizeof at);
        p += sizeof at;
        size_t text = strlen(p) + 1;
        if (!s->labels[at] && !(s->labels[at] = strdup(p)))
            return -1;
        p += text;
    }
    return 0;
}

/* Every rank gets the values of the ranges [lo[i], hi[i]) and the labels
 * at at[0..labels-1] into s's arrays, from the ranks that hold them. */
static hdtw_status share_rows(const csv_series *s, const uint64_t *lo,
                              const uint64_t *hi, size_t ranges,
                              const uint64_t *at, size_t labels)
{
    size_t values = 0, bytes = 0, all_len = 0;
    row_value *mine = pack_values(s, lo, hi, ranges, &values);
    char *texts = pack_labels(s, at, labels, &bytes), *all = NULL;
    hdtw_status st = HDTW_E_NOMEM;
    if (any_failed(!mine || !texts || values > INT_MAX / sizeof *mine ||
                   bytes > INT_MAX))
        goto cleanup;
    if (gather_bytes(mine, (int)(values * sizeof *mine), &all, &all_len))
        goto cleanup;
    for (size_t i = 0; i < all_len / sizeof *mine; i++) {
        row_value v;
        memcpy(&v, all + i * sizeof v, sizeof v);
        s->values[v.at] = v.value;
    }
    free(all);
    all = NULL;
    if (gather_bytes(texts, (int)bytes, &all, &all_len))
        goto cleanup;
    st = any_failed(unpack_labels(s, all, all_len) != 0) ? HDTW_E_NOMEM
                                                         : HDTW_OK;
cleanup:
    free(all);
    free(texts);
    free(mine);
    return st;
}

/* Each match's rows that the report reads: from its start, the pattern's
 * length and --ahead bars more (as far as the series goes), and its label. */
static hdtw_status share_matches(const csv_series *s, const match_options *o,
                                 const hdtw_match *best, size_t found)
{
    uint64_t *lo = malloc(3 * (found ? found : 1) * sizeof *lo);
    uint64_t *hi = lo ? lo + found : NULL, *at = lo ? hi + found : NULL;
    if (any_failed(!lo))
        return HDTW_E_NOMEM;
    for (size_t r = 0; r < found; r++) {
        uint64_t end = (uint64_t)best[r].start + o->pattern_len + o->ahead;
        lo[r] = at[r] = best[r].start;
        hi[r] = end < s->len ? end : s->len;
    }
    hdtw_status st = share_rows(s, lo, hi, found, at, found);
    free(lo);
    return st;
}

hdtw_status match_search(hdtw_ctx *ctx, const match_options *o,
                         const csv_series *s, size_t k, hdtw_match *best,
                         size_t *found)
{
    if (!match_distributed())
        return match_local_search(ctx, o, s, k, best, found);
    size_t n = o->pattern_len;
    uint64_t history = s->len - n, end = s->len, from, to;
    hdtw_status st = share_rows(s, &history, &end, 1, &history, 1);
    held(0, history, &from, &to);
    size_t part = to > from ? (size_t)(to - from) : 0;
    if (st == HDTW_OK)
        st = hdtw_mpi_search(ctx, MPI_COMM_WORLD, &o->search,
                             s->values + history, n,
                             part ? s->values + from : NULL, part, k, best,
                             found);
    if (st == HDTW_OK)
        st = share_matches(s, o, best, *found);
    return st;
}
