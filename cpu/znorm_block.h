/* SPDX-License-Identifier: MIT */
/*
 * znorm_block.h — one block of HDTW_STATS_BLOCK adjacent windows' sums
 * (cpu/znorm.c), written once for any vector width. The including file
 * defines:
 *   BLOCK_VEC     a GCC vector type of BLOCK_WIDTH doubles
 *   BLOCK_WIDTH   its lanes
 *   BLOCK_NAME    the function's name
 *   BLOCK_ATTRS   its attributes (the instruction sets it is built for)
 * Lane l of vector v is window BLOCK_WIDTH v + l; each lane is its own
 * sequential sum, so every width gives the same bits.
 */
#define BLOCK_VECS (HDTW_STATS_BLOCK / BLOCK_WIDTH)

BLOCK_ATTRS
static void BLOCK_NAME(const double *x, size_t m, double *mean, double *sd)
{
    BLOCK_VEC sum[BLOCK_VECS] = { 0 }, acc[BLOCK_VECS] = { 0 },
              mu[BLOCK_VECS];
    for (size_t i = 0; i < m; i++)
        for (int v = 0; v < BLOCK_VECS; v++) {
            BLOCK_VEC t; /* memcpy: an unaligned load, no aliasing */
            memcpy(&t, x + i + BLOCK_WIDTH * v, sizeof t);
            sum[v] += t;
        }
    for (int v = 0; v < BLOCK_VECS; v++)
        mu[v] = sum[v] / (double)m;
    for (size_t i = 0; i < m; i++)
        for (int v = 0; v < BLOCK_VECS; v++) {
            BLOCK_VEC d;
            memcpy(&d, x + i + BLOCK_WIDTH * v, sizeof d);
            d -= mu[v];
            acc[v] += d * d;
        }
    for (int v = 0; v < BLOCK_VECS; v++)
        for (int l = 0; l < BLOCK_WIDTH; l++) {
            mean[BLOCK_WIDTH * v + l] = mu[v][l];
            sd[BLOCK_WIDTH * v + l] = sqrt(acc[v][l] / (double)m);
        }
}

#undef BLOCK_VECS
#undef BLOCK_VEC
#undef BLOCK_WIDTH
#undef BLOCK_NAME
#undef BLOCK_ATTRS
