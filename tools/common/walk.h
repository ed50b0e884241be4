/* SPDX-License-Identifier: MIT */
/*
 * walk.h — the benchmarks' inputs: the random walks of bench/js/baseline.js
 * (splitmix64 seeded with `seed`, x[i] = x[i-1] + a step uniform in
 * [-1, 1)), so the C programs and JavaScript time the same numbers and can
 * compare their results bit for bit.
 */
#ifndef HDTW_TOOLS_COMMON_WALK_H
#define HDTW_TOOLS_COMMON_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint64_t walk_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void walk_fill(double *x, size_t n, uint64_t seed)
{
    double level = 0.0;
    for (size_t i = 0; i < n; i++) {
        level += (double)(walk_splitmix64(&seed) >> 11) * 0x1.0p-52 - 1.0;
        x[i] = level;
    }
}

/* a freshly allocated walk (free() it), or NULL when malloc fails */
static inline double *walk_alloc(size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x);
    if (x)
        walk_fill(x, n, seed);
    return x;
}

#endif
