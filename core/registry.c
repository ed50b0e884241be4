/*
 * registry.c — the backends this build contains, one entry each. Adding a
 * backend is one folder and one entry here (docs/DESIGN.md, "How to add a
 * backend"); the rest of the core reads only this table.
 */
#include "core/internal.h"

#include "core/cpu_features.h"
#include "cpu/cpu.h"
#ifdef HDTW_HAVE_OPENCL
#include "opencl/opencl.h"
#endif

#include <stddef.h>

#ifdef HDTW_HAVE_AVX2
static int cpu_has_avx2(void)
{
    return (hdtw_cpu_features() & HDTW_FEATURE_AVX2) != 0;
}
#endif

#ifdef HDTW_HAVE_AVX512
static int cpu_has_avx512(void)
{
    return (hdtw_cpu_features() & HDTW_FEATURE_AVX512) != 0;
}
#endif

static const hdtw_backend_entry entries[] = {
    { .id = HDTW_BACKEND_SCALAR,
      .run = hdtw_scalar_run, .search = hdtw_scalar_search,
      .opmix = hdtw_scalar_opmix },
#ifdef HDTW_HAVE_AVX2
    { .id = HDTW_BACKEND_AVX2, .feature = HDTW_FEATURE_AVX2,
      .available = cpu_has_avx2,
      .run = hdtw_avx2_run, .search = hdtw_avx2_search,
      .opmix = hdtw_avx2_opmix },
#endif
#ifdef HDTW_HAVE_AVX512
    { .id = HDTW_BACKEND_AVX512, .feature = HDTW_FEATURE_AVX512,
      .available = cpu_has_avx512,
      .run = hdtw_avx512_run, .search = hdtw_avx512_search,
      .opmix = hdtw_avx512_opmix },
#endif
#ifdef HDTW_HAVE_OPENCL
    { .id = HDTW_BACKEND_OPENCL, .feature = HDTW_FEATURE_OPENCL,
      .open = hdtw_opencl_open, .close = hdtw_opencl_close,
      .run = hdtw_opencl_run,
      .devices = hdtw_opencl_list, .device_info = hdtw_opencl_info,
      .device_name = hdtw_opencl_name },
#endif
};

const hdtw_backend_entry *hdtw_backend_entry_of(hdtw_backend b)
{
    for (size_t e = 0; e < sizeof entries / sizeof *entries; e++)
        if (entries[e].id == b)
            return &entries[e];
    return NULL;
}
