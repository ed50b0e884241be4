/* SPDX-License-Identifier: MIT */
/* cpu.h — the CPU backends' entry points, as core/registry.c registers
 * them. Scalar is always built; the vector backends (cpu/avx2.c,
 * cpu/avx512.c and their search bounds) only when the compiler supports
 * their instruction set (HDTW_HAVE_AVX2 / HDTW_HAVE_AVX512, set by CMake),
 * and they may be called only when hdtw_cpu_features() reports it. */
#ifndef HDTW_CPU_CPU_H
#define HDTW_CPU_CPU_H

#include "core/backend.h"

hdtw_status hdtw_scalar_run(const hdtw_call *call);
hdtw_status hdtw_avx2_run(const hdtw_call *call);
hdtw_status hdtw_avx512_run(const hdtw_call *call);

/* hdtw_search with the bound loops of each instruction set (cpu/search.c) */
hdtw_status hdtw_scalar_search(const hdtw_call *call);
hdtw_status hdtw_avx2_search(const hdtw_call *call);
hdtw_status hdtw_avx512_search(const hdtw_call *call);

/* The op-mix bound's kernel (cpu/opmix_template.h) per instruction set:
 * `iterations` rounds of the cell's operations on independent chains with
 * constants[0..3] as x, y, z, c; returns the cells done. */
size_t hdtw_scalar_opmix(size_t iterations, const double *constants,
                         double *sink);
size_t hdtw_avx2_opmix(size_t iterations, const double *constants,
                       double *sink);
size_t hdtw_avx512_opmix(size_t iterations, const double *constants,
                         double *sink);

#endif
