/* SPDX-License-Identifier: MIT */
/*
 * registry.c — the backends this build contains, one entry each. Adding a
 * backend is one folder and one entry here (docs/DESIGN.md, "How to add a
 * backend"); the rest of the core reads only this table.
 */
#include "core/internal.h"

#include "cpu/cpu.h"
#include "cpu/subsequence.h"
#ifdef HDTW_HAVE_OPENCL
#include "opencl/opencl.h"
#endif

#include <stddef.h>

/* A vector CPU backend (cpu/<isa>.c): built for its instruction set, used
 * when the CPU has it and HDTW_DISABLE does not mask it. */
#define VECTOR_BACKEND(isa, ISA)                                            \
    { .id = HDTW_BACKEND_##ISA, .feature = HDTW_FEATURE_##ISA,              \
      .cpu_needs = HDTW_FEATURE_##ISA, .run = hdtw_##isa##_run,             \
      .search = hdtw_##isa##_search,                                        \
      .subsequence = hdtw_##isa##_subsequence,                              \
      .opmix = hdtw_##isa##_opmix }

static const hdtw_backend_entry entries[] = {
    { .id = HDTW_BACKEND_SCALAR,
      .run = hdtw_scalar_run, .search = hdtw_scalar_search,
      .subsequence = hdtw_scalar_subsequence,
      .opmix = hdtw_scalar_opmix },
#ifdef HDTW_HAVE_AVX2
    VECTOR_BACKEND(avx2, AVX2),
#endif
#ifdef HDTW_HAVE_AVX512
    VECTOR_BACKEND(avx512, AVX512),
#endif
#ifdef HDTW_HAVE_OPENCL
    { .id = HDTW_BACKEND_OPENCL, .feature = HDTW_FEATURE_OPENCL,
      .open = hdtw_opencl_open, .close = hdtw_opencl_close,
      .run = hdtw_opencl_run,
      .devices = hdtw_opencl_list, .device_info = hdtw_opencl_info,
      .device_name = hdtw_opencl_name, .program = hdtw_opencl_program_of },
#endif
};

const hdtw_backend_entry *hdtw_backend_entry_of(hdtw_backend b)
{
    for (size_t e = 0; e < sizeof entries / sizeof *entries; e++)
        if (entries[e].id == b)
            return &entries[e];
    return NULL;
}
