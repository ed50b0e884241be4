/* SPDX-License-Identifier: MIT */
/*
 * subsequence_starts.c — the starts of a costs-only subsequence pass,
 * found only for the ends the pick asks about (cpu/subsequence.h,
 * hdtw_subseq_starts).
 *
 * A tile's run is the scalar pass with starts (hdtw_subsequence_columns)
 * from the exact costs of the column before the tile, whose cells carry
 * labels instead of starts: cell i of that column is len + i. The tie rule
 * picks each cell's predecessor from the costs alone, which are the exact
 * ones, so a path the run follows is the exact path: an end whose path
 * leaves row 0 inside the tile gets its start; one whose path enters the
 * tile through the column before it at row i gets label len + i, and its
 * start is the start of cell i of that column, the last column of the tile
 * before, found the same way. Column -1 (before tile 0) has start 0 in
 * every row, as in the scalar pass.
 */
#include "cpu/subsequence.h"

#include "core/alloc.h"

#include <string.h>

hdtw_status hdtw_subseq_starts_open(hdtw_subseq_starts *s,
                                    const hdtw_subseq_job *job,
                                    const double *edges)
{
    size_t tiles = HDTW_SUBSEQ_TILES(job->len), m = job->m;
    /* the pass's edges hold tiles * m doubles, so these sizes fit */
    *s = (hdtw_subseq_starts){
        job,
        edges,
        hdtw_malloc(job->len * sizeof *s->end_start),
        hdtw_malloc(tiles * m * sizeof *s->last_start),
        hdtw_calloc(tiles, sizeof *s->ran),
        { hdtw_malloc(m * sizeof(double)), hdtw_malloc(m * sizeof(size_t)) },
        hdtw_malloc(HDTW_SUBSEQ_TILE * sizeof *s->tile_ends),
    };
    if (s->end_start && s->last_start && s->ran && s->col.cost &&
        s->col.start && s->tile_ends)
        return HDTW_OK;
    hdtw_subseq_starts_close(s);
    return HDTW_E_NOMEM;
}

void hdtw_subseq_starts_close(hdtw_subseq_starts *s)
{
    hdtw_free(s->tile_ends);
    hdtw_free(s->col.start);
    hdtw_free(s->col.cost);
    hdtw_free(s->ran);
    hdtw_free(s->last_start);
    hdtw_free(s->end_start);
    memset(s, 0, sizeof *s);
}

/* Tile t's run, once: the start or label of its ends and of its last
 * column's rows. */
static void run_tile(hdtw_subseq_starts *s, size_t t)
{
    if (s->ran[t])
        return;
    const hdtw_subseq_job *job = s->job;
    size_t m = job->m, first = t * HDTW_SUBSEQ_TILE;
    size_t last = job->len - first < HDTW_SUBSEQ_TILE ? job->len
                                                      : first + HDTW_SUBSEQ_TILE;
    memcpy(s->col.cost, s->edges + t * m, m * sizeof *s->col.cost);
    for (size_t i = 0; i < m; i++)
        s->col.start[i] = job->len + i;
    hdtw_subsequence_columns(job->cost, job->query, m, job->series, first,
                             last, s->col, s->tile_ends);
    for (size_t j = first; j < last; j++)
        s->end_start[j] = s->tile_ends[j - first].start;
    memcpy(s->last_start + t * m, s->col.start, m * sizeof *s->col.start);
    s->ran[t] = 1;
}

size_t hdtw_subseq_start_of(hdtw_subseq_starts *s, size_t e)
{
    size_t len = s->job->len, t = e / HDTW_SUBSEQ_TILE;
    run_tile(s, t);
    size_t start = s->end_start[e];
    while (start >= len) { /* a label: the row where the path crosses */
        size_t row = start - len;
        if (t == 0)
            return 0; /* column -1 */
        run_tile(s, --t);
        start = s->last_start[t * s->job->m + row];
    }
    return start;
}
