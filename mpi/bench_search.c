/* SPDX-License-Identifier: MIT */
/*
 * bench_search.c — what docs/SCALING.md reports for hdtw_mpi_search:
 * the whole call (slowest rank; and each rank's CPU time in it: with
 * HDTW_MPI_BOUND=off, without the bound shared during the run), each
 * rank's search of its own windows
 * for the P best without exclusion (what the call runs inside), the same
 * rank's plain hdtw_search for k with the exclusion (what one process
 * would run on that slice alone), and so the halo + reduction + agreement
 * time that is left. Public API only.
 *
 *   mpirun -np R bench_mpi_search [total_len] [m] [k] [repeats] [call]
 *
 * With a fifth argument `call`, only hdtw_mpi_search runs, once, and
 * nothing is printed: for counting under valgrind --tool=callgrind what
 * the call alone does (docs/SCALING.md).
 *
 * The series is the random walk of tools/common/walk.h (seed 42), cut into
 * equal slices; the query is the series' own window at a third of it, so
 * the search has real matches to find. One line per run, JSON.
 */
#include "hdtw_mpi.h"

#include "bench_common.h"
#include "walk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Median wall time of one allreduce of `words` 64-bit values: the
 * transport under the call's agreements (1 word) and under its candidate
 * reduction (2 P words, the size of a P-list; the merge operator itself
 * is left out). */
static double allreduce_time(size_t words, int repeats)
{
    uint64_t *a = calloc(2 * words, sizeof *a);
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!a || !t)
        MPI_Abort(MPI_COMM_WORLD, 1);
    for (int r = 0; r < repeats; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        MPI_Allreduce(a, a + words, (int)words, MPI_UINT64_T, MPI_MAX,
                      MPI_COMM_WORLD);
        t[r] = reduce(MPI_Wtime() - t0, MPI_MAX);
    }
    double med = median(t, repeats);
    free(t);
    free(a);
    return med;
}

int main(int argc, char **argv)
{
    int rank = 0, ranks = 1;
    bench_start(&argc, &argv, &rank, &ranks);
    size_t total = size_arg(argc, argv, 1, 1000000);
    size_t m = size_arg(argc, argv, 2, 128), k = size_arg(argc, argv, 3, 10);
    int repeats = (int)size_arg(argc, argv, 4, 3);

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
    if (argc > 5 && strcmp(argv[5], "call") == 0) {
        size_t found = 0;
        hdtw_status s = hdtw_mpi_search(ctx, MPI_COMM_WORLD, &sp, query, m,
                                        x + origin, len, k, out, &found);
        free(out);
        hdtw_destroy(ctx);
        free(x);
        MPI_Finalize();
        return s == HDTW_OK ? 0 : 1;
    }
    size_t exclusion = m / 2;
    size_t p = k + (k - 1) * 2 * (exclusion - 1);
    /* the rank's own windows, with the halo, as hdtw_mpi_search sees them */
    size_t with_halo = len + (origin + len + m - 1 <= total ? m - 1
                                                           : total - origin - len);
    hdtw_match *many = malloc(p * sizeof *many);
    if (!many)
        MPI_Abort(MPI_COMM_WORLD, 1);

    double *call = malloc(4 * (size_t)repeats * sizeof *call);
    double *cpu_p = call + repeats, *cpu_k = call + 2 * repeats;
    double *cpu_call = call + 3 * repeats;
    hdtw_status status = HDTW_OK;
    if (!call)
        MPI_Abort(MPI_COMM_WORLD, 1);
    for (int rep = 0; rep < repeats; rep++) {
        size_t found = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime(), c0 = cpu_now();
        status = hdtw_mpi_search(ctx, MPI_COMM_WORLD, &sp, query, m,
                                 x + origin, len, k, out, &found);
        cpu_call[rep] = cpu_now() - c0;
        call[rep] = reduce(MPI_Wtime() - t0, MPI_MAX);

        hdtw_search_params every = sp;
        every.exclusion = 0;
        t0 = cpu_now();
        hdtw_search(ctx, &every, query, m, x + origin, with_halo, p, many,
                    &found);
        cpu_p[rep] = cpu_now() - t0;
        t0 = cpu_now();
        hdtw_search(ctx, &sp, query, m, x + origin, with_halo, k, many,
                    &found);
        cpu_k[rep] = cpu_now() - t0;
    }
    /* this rank's medians, then the slowest and fastest rank */
    double mine_p = median(cpu_p, repeats), mine_k = median(cpu_k, repeats);
    double p_max = reduce(mine_p, MPI_MAX), p_min = reduce(mine_p, MPI_MIN);
    double k_max = reduce(mine_k, MPI_MAX);
    double mine_call = median(cpu_call, repeats);
    double call_max = reduce(mine_call, MPI_MAX);
    double call_min = reduce(mine_call, MPI_MIN);
    double call_med = median(call, repeats);
    double agree_s = allreduce_time(1, 201), list_s = allreduce_time(2 * p, 201);
    if (rank == 0)
        printf("{\"ranks\": %d, \"total\": %zu, \"m\": %zu, \"k\": %zu, "
               "\"P\": %zu, \"status\": %d, \"repeats\": %d, "
               "\"call_wall_s\": %.5f, \"call_cpu_s_max\": %.5f, "
               "\"call_cpu_s_min\": %.5f, \"local_P_cpu_s_max\": %.5f, "
               "\"local_P_cpu_s_min\": %.5f, \"local_k_cpu_s_max\": %.5f, "
               "\"P_over_k\": %.3f, \"windows_per_cpu_s\": %.0f, "
               "\"allreduce_8B_s\": %.6f, \"allreduce_Plist_s\": %.6f}\n",
               ranks, total, m, k, p, (int)status, repeats, call_med,
               call_max, call_min, p_max,
               p_min, k_max, p_max / k_max,
               (double)(len - m + 1) / mine_p, agree_s, list_s);
    free(call);
    free(many);
    free(out);
    hdtw_destroy(ctx);
    free(x);
    MPI_Finalize();
    return 0;
}
