/*
 * bench_search.c — what docs/SCALING.md reports for hdtw_mpi_search:
 * the whole call (slowest rank), each rank's search of its own windows
 * for the P best without exclusion (what the call runs inside), the same
 * rank's plain hdtw_search for k with the exclusion (what one process
 * would run on that slice alone), and so the halo + reduction + agreement
 * time that is left. Public API only.
 *
 *   mpirun -np R bench_mpi_search [total_len] [m] [k] [repeats]
 *
 * The series is the random walk of tools/common/walk.h (seed 42), cut into
 * equal slices; the query is the series' own window at a third of it, so
 * the search has real matches to find. One line per run, JSON.
 */
#include "hdtw_mpi.h"

#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double slowest(double t)
{
    double most = 0.0;
    MPI_Allreduce(&t, &most, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return most;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    size_t total = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    size_t m = argc > 2 ? strtoull(argv[2], NULL, 10) : 128;
    size_t k = argc > 3 ? strtoull(argv[3], NULL, 10) : 10;
    int repeats = argc > 4 ? atoi(argv[4]) : 3;

    double *x = walk_alloc(total, 42);
    hdtw_ctx *ctx = NULL;
    hdtw_match *out = malloc(k * sizeof *out);
    if (!x || !out || hdtw_create(&ctx) != HDTW_OK ||
        hdtw_set_threads(ctx, 1) != HDTW_OK) {
        fprintf(stderr, "bench_mpi_search: setup failed\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    size_t share = total / (size_t)ranks, origin = share * (size_t)rank;
    size_t len = rank == ranks - 1 ? total - origin : share;
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    sp.dtw.band = (long)(m / 20);
    const double *query = x + total / 3;
    size_t exclusion = m / 2;
    size_t p = k + (k - 1) * 2 * (exclusion - 1);
    /* the rank's own windows, with the halo, as hdtw_mpi_search sees them */
    size_t with_halo = len + (origin + len + m - 1 <= total ? m - 1
                                                           : total - origin - len);
    hdtw_match *many = malloc(p * sizeof *many);
    if (!many)
        MPI_Abort(MPI_COMM_WORLD, 1);

    for (int rep = 0; rep < repeats; rep++) {
        size_t found = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        hdtw_status s = hdtw_mpi_search(ctx, MPI_COMM_WORLD, &sp, query, m,
                                        x + origin, len, k, out, &found);
        double call = slowest(MPI_Wtime() - t0);

        hdtw_search_params every = sp;
        every.exclusion = 0;
        t0 = MPI_Wtime();
        hdtw_search(ctx, &every, query, m, x + origin, with_halo, p, many,
                    &found);
        double t_p = MPI_Wtime() - t0;
        t0 = MPI_Wtime();
        hdtw_search(ctx, &sp, query, m, x + origin, with_halo, k, many,
                    &found);
        double t_k = MPI_Wtime() - t0;
        double p_max = slowest(t_p), k_max = slowest(t_k);
        if (rank == 0)
            printf("{\"ranks\": %d, \"total\": %zu, \"m\": %zu, \"k\": %zu, "
                   "\"P\": %zu, \"status\": %d, \"call_s\": %.4f, "
                   "\"local_P_search_s\": %.4f, \"local_k_search_s\": %.4f, "
                   "\"comm_and_merge_s\": %.4f, "
                   "\"windows_per_s_per_rank\": %.0f}\n",
                   ranks, total, m, k, p, (int)s, call, p_max, k_max,
                   call - p_max, (double)(total - m + 1) / ranks / call);
    }
    free(many);
    free(out);
    hdtw_destroy(ctx);
    free(x);
    MPI_Finalize();
    return 0;
}
