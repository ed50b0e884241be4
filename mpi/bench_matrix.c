/* SPDX-License-Identifier: MIT */
/*
 * bench_matrix.c — what docs/SCALING.md reports for hdtw_mpi_pdist: the
 * whole call (slowest rank, wall), each rank's CPU time computing its
 * share (from the first to the last progress report of its hdtw_cdist
 * calls, so the time spent waiting in collectives is left out), the same
 * matrix by hdtw_pdist in one process (rank 0, CPU), and what is left of
 * the call besides the slowest share's wall time: agreements, hashing and
 * checking the set, MPI-IO and rename.
 * Public API only.
 *
 *   mpirun -np R bench_mpi_matrix [count] [len] [band] [repeats] [path]
 *
 * The set is count random walks of len values (tools/common/walk.h, seed
 * 42), back to back; path defaults to $TMPDIR (or /tmp) /hdtw_bench.pdist,
 * removed at the end. One line per run, JSON.
 */
#include "hdtw_mpi.h"

#include "bench_common.h"
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>

/* CPU and wall times of the first and of the last progress report of
 * one call */
typedef struct {
    double first, last, first_wall, last_wall;
    int started;
} span;

static int note(void *user, size_t done, size_t total)
{
    span *s = user;
    double now = cpu_now(), wall = MPI_Wtime();
    if (!s->started) {
        s->first = now;
        s->first_wall = wall;
        s->started = 1;
    }
    if (done == total) {
        s->last = now;
        s->last_wall = wall;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rank = 0, ranks = 1;
    bench_start(&argc, &argv, &rank, &ranks);
    size_t count = size_arg(argc, argv, 1, 1000);
    size_t len = size_arg(argc, argv, 2, 128);
    long band = argc > 3 ? strtol(argv[3], NULL, 10) : 12;
    int repeats = (int)size_arg(argc, argv, 4, 3);
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s", argc > 5 ? argv[5] : "");
    if (argc <= 5)
        snprintf(path, sizeof path, "%s/hdtw_bench.pdist",
                 tmp && *tmp ? tmp : "/tmp");

    size_t pairs = count * (count - 1) / 2;
    double *x = walk_alloc(count * len, 42);
    double *one = malloc((pairs ? pairs : 1) * sizeof *one);
    double *t = malloc(5 * (size_t)repeats * sizeof *t);
    hdtw_ctx *ctx = NULL;
    if (!x || !one || !t || repeats < 1 || hdtw_create(&ctx) != HDTW_OK ||
        hdtw_set_threads(ctx, 1) != HDTW_OK) {
        fprintf(stderr, "bench_mpi_matrix: setup failed\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double *call = t, *share = t + repeats, *single = t + 2 * repeats;
    double *share_wall = t + 3 * repeats;
    hdtw_set set = { x, NULL, count, len };
    hdtw_params p = { HDTW_COST_ABS, band, 0.0 };
    hdtw_status status = HDTW_OK;
    for (int rep = 0; rep < repeats; rep++) {
        span s = { 0.0, 0.0, 0.0, 0.0, 0 };
        hdtw_set_progress(ctx, note, &s);
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        status = hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, &p, &set, path);
        call[rep] = reduce(MPI_Wtime() - t0, MPI_MAX);
        share[rep] = s.last - s.first;
        share_wall[rep] = reduce(s.last_wall - s.first_wall, MPI_MAX);
        hdtw_set_progress(ctx, NULL, NULL);
        single[rep] = 0.0;
        if (rank == 0) {
            t0 = cpu_now();
            hdtw_pdist(ctx, &p, &set, one);
            single[rep] = cpu_now() - t0;
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }
    double mine = median(share, repeats);
    double share_max = reduce(mine, MPI_MAX), share_min = reduce(mine, MPI_MIN);
    double call_med = median(call, repeats), one_med = median(single, repeats);
    double wall_max = median(share_wall, repeats);
    if (rank == 0) {
        printf("{\"ranks\": %d, \"count\": %zu, \"len\": %zu, \"band\": %ld, "
               "\"pairs\": %zu, \"file_bytes\": %zu, \"status\": %d, "
               "\"repeats\": %d, \"call_wall_s\": %.4f, "
               "\"share_cpu_s_max\": %.4f, \"share_cpu_s_min\": %.4f, "
               "\"share_wall_s_max\": %.4f, "
               "\"one_process_cpu_s\": %.4f, \"pairs_per_cpu_s_per_rank\": "
               "%.0f, \"rest_of_call_s\": %.4f}\n",
               ranks, count, len, band, pairs, 64 + 8 * pairs, (int)status,
               repeats, call_med, share_max, share_min, wall_max, one_med,
               (double)pairs / (double)ranks / share_max,
               call_med - wall_max);
        remove(path);
    }
    hdtw_destroy(ctx);
    free(t);
    free(one);
    free(x);
    MPI_Finalize();
    return status == HDTW_OK ? 0 : 1;
}
