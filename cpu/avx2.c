/*
 * avx2.c — the AVX2 backend: 4 doubles a vector. Compiled with -mavx2 only
 * (CMakeLists.txt) and called only when cpuid + xgetbv report AVX2. The
 * loops are the shared templates; isa_avx2.h names the instructions.
 */
#include "cpu/cpu.h"

#include <immintrin.h>

#include "cpu/isa_avx2.h"
#define FUNC(name) avx2_##name
#define KERNEL_ENTRY hdtw_avx2_run

#include "cpu/kernel_lanes.h"
#include "cpu/kernel_diag.h"
#include "cpu/kernel_stripes.h"
#include "cpu/kernel_run.h"
