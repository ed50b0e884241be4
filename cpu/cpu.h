/* cpu.h — the vector CPU backends (cpu/avx2.c, cpu/avx512.c). Each is
 * built only when the compiler supports its instruction set
 * (HDTW_HAVE_AVX2 / HDTW_HAVE_AVX512, set by CMake) and may be called only
 * when hdtw_cpu_features() reports it. */
#ifndef HDTW_CPU_CPU_H
#define HDTW_CPU_CPU_H

#include "core/internal.h"

hdtw_status hdtw_avx2_run(hdtw_ctx *ctx, const hdtw_job *job, double *out);
hdtw_status hdtw_avx512_run(hdtw_ctx *ctx, const hdtw_job *job, double *out);

#endif
