/* SPDX-License-Identifier: MIT */
/*
 * subsequence_starts.c — the starts of a costs-only subsequence pass,
 * found only for the ends the pick asks about (cpu/subsequence.h,
 * hdtw_subseq_tile_finder).
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

#include <stdint.h>
#include <string.h>

/* Columns a run goes past the end asked for (within the tile and the
 * series): the next asks are mostly the ends just after it, and a run has
 * a cost of its own besides its columns. Chosen, not tuned. */
#define RUN_AHEAD 16

typedef struct {
    hdtw_subseq_finder base;
    hdtw_subseq_job job;
    hdtw_subseq_columns_fn columns; /* the backend's kernel */
    double *edges;        /* HDTW_SUBSEQ_TILES(len) columns of the pass, one
                             every HDTW_SUBSEQ_EDGE_STRIDE(m) doubles */
    size_t **memo;        /* tiles: NULL until the tile first runs, then
                             HDTW_SUBSEQ_TILE starts or labels of its ends,
                             m of its last column run, and that column's m
                             costs, which the runs carry in place
                             (allocated as the tile first runs: the memory
                             follows the tiles asked about) */
    size_t *ran;          /* tiles: columns of each tile run so far */
    double *tile_costs;   /* HDTW_SUBSEQ_TILE: one run's end costs */
} tile_finder;

static void tile_close(hdtw_subseq_finder *self)
{
    tile_finder *s = (tile_finder *)self;
    size_t tiles = s->memo ? HDTW_SUBSEQ_TILES(s->job.len) : 0;
    for (size_t t = 0; t < tiles; t++)
        hdtw_free(s->memo[t]);
    hdtw_free(s->tile_costs);
    hdtw_free(s->ran);
    hdtw_free(s->memo);
    hdtw_free(s->edges);
    hdtw_free(s);
}

/* Tile t's first `upto` columns run, or a few more (RUN_AHEAD; each
 * column once over all calls): the start or label of their ends, and of
 * every row of the last. 0 when the tile's memo cannot be had. */
static int run_tile(tile_finder *s, size_t t, size_t upto)
{
    size_t done = s->ran[t];
    if (done >= upto)
        return 1;
    const hdtw_subseq_job *job = &s->job;
    size_t m = job->m, first = t * HDTW_SUBSEQ_TILE;
    size_t width = job->len - first < HDTW_SUBSEQ_TILE ? job->len - first
                                                       : HDTW_SUBSEQ_TILE;
    upto = upto + RUN_AHEAD < width ? upto + RUN_AHEAD : width;
    if (!s->memo[t]) {
        if (m > (SIZE_MAX / sizeof(size_t) - HDTW_SUBSEQ_TILE) / 2)
            return 0;
        s->memo[t] = hdtw_malloc((HDTW_SUBSEQ_TILE + 2 * m) * sizeof(size_t));
        if (!s->memo[t])
            return 0;
    }
    size_t *ends = s->memo[t];
    /* the last column run: m starts or labels, m costs (same size, same
     * alignment) */
    hdtw_subseq_column col = { (double *)(ends + HDTW_SUBSEQ_TILE + m),
                               ends + HDTW_SUBSEQ_TILE };
    if (done == 0) { /* from the column before the tile, labelled */
        memcpy(col.cost, hdtw_subseq_kept_column(s->edges, m, t),
               m * sizeof *col.cost);
        for (size_t i = 0; i < m; i++)
            col.start[i] = job->len + i;
    }
    s->columns(job->cost, job->query, m, job->series, first + done,
               first + upto, col,
               (hdtw_subseq_ends){ s->tile_costs, ends + done });
    s->ran[t] = upto;
    return 1;
}

static hdtw_status tile_start_of(hdtw_subseq_finder *self, size_t e,
                                 size_t *start)
{
    tile_finder *s = (tile_finder *)self;
    size_t len = s->job.len, t = e / HDTW_SUBSEQ_TILE;
    if (!run_tile(s, t, e - t * HDTW_SUBSEQ_TILE + 1))
        return HDTW_E_NOMEM;
    size_t found = s->memo[t][e - t * HDTW_SUBSEQ_TILE];
    while (found >= len) { /* a label: the row where the path crosses */
        size_t row = found - len;
        if (t == 0) {
            found = 0; /* column -1 */
            break;
        }
        /* a tile before the last: whole */
        if (!run_tile(s, --t, HDTW_SUBSEQ_TILE))
            return HDTW_E_NOMEM;
        found = s->memo[t][HDTW_SUBSEQ_TILE + row];
    }
    *start = found;
    return HDTW_OK;
}

hdtw_subseq_finder *hdtw_subseq_tile_finder(const hdtw_subseq_job *job,
                                            double *edges,
                                            hdtw_subseq_columns_fn columns)
{
    tile_finder *s = hdtw_calloc(1, sizeof *s);
    if (!s) {
        hdtw_free(edges);
        return NULL;
    }
    size_t tiles = HDTW_SUBSEQ_TILES(job->len);
    *s = (tile_finder){
        { tile_start_of, tile_close },
        *job,
        columns,
        edges,
        hdtw_calloc(tiles, sizeof *s->memo),
        hdtw_calloc(tiles, sizeof *s->ran),
        hdtw_malloc(HDTW_SUBSEQ_TILE * sizeof *s->tile_costs),
    };
    if (s->memo && s->ran && s->tile_costs)
        return &s->base;
    tile_close(&s->base);
    return NULL;
}
