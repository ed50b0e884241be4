/* SPDX-License-Identifier: MIT */
/*
 * opmix_template.h — the op-mix bound of one instruction set: the five
 * operations of a DTW cell (sub, abs, min, min, add; cpu/cell.h) on
 * OPMIX_CHAINS independent vector chains, registers only, no memory
 * traffic. No kernel can do a cell faster than this on one core, so
 * measured GCUPS over this bound is how close a kernel comes to the
 * arithmetic limit (hdtw_opmix_bound). The including file names the
 * instructions (VEC, VEC_WIDTH, VSET1, VSTOREU, VSUB, VABS, VMIN, VADD)
 * and OPMIX_ENTRY. With AVX2's 16 registers (12 chains, 4 constants and
 * the abs mask) gcc keeps two chains in L1: two loads and two stores per
 * 60 operations, on ports the arithmetic does not use.
 */
#include <stddef.h>

#define OPMIX_CHAINS 12

/* Runs `iterations` rounds of every chain and returns the number of cells
 * done; *sink gets a value that depends on every chain, so the compiler
 * cannot drop any. The chain a = min(min(|a - x|, y), z) + c stays finite
 * and bounded for any number of rounds. */
size_t OPMIX_ENTRY(size_t iterations, const double *constants, double *sink)
{
    VEC x = VSET1(constants[0]), y = VSET1(constants[1]);
    VEC z = VSET1(constants[2]), c = VSET1(constants[3]);
    VEC a[OPMIX_CHAINS];
#pragma GCC unroll 12
    for (int k = 0; k < OPMIX_CHAINS; k++)
        a[k] = VSET1(0.125 * k);
    for (size_t it = 0; it < iterations; it++) {
#pragma GCC unroll 12
        for (int k = 0; k < OPMIX_CHAINS; k++)
            a[k] = VADD(VMIN(VMIN(VABS(VSUB(a[k], x)), y), z), c);
    }
    double lanes[VEC_WIDTH], total = 0.0;
    for (int k = 0; k < OPMIX_CHAINS; k++) {
        VSTOREU(lanes, a[k]);
        for (int l = 0; l < VEC_WIDTH; l++)
            total += lanes[l];
    }
    *sink = total;
    return iterations * OPMIX_CHAINS * VEC_WIDTH;
}
