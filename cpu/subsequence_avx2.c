/* SPDX-License-Identifier: MIT */
/*
 * subsequence_avx2.c — hdtw_subsequence's pass on the AVX2 backend: a long
 * series in 4 chunks, one a lane, or 8 in two lane groups for a short
 * query (cpu/subsequence_chunks.h), a shorter one in the stripes of
 * cpu/subsequence_stripes.h at 4 lanes x 4 rows; the
 * 256-bit macro set of the other kernels (cpu/isa_avx2.h). Built with
 * -mavx2 (CMakeLists.txt), called only where the CPU has AVX2.
 */
#include <immintrin.h>

#include "cpu/isa_avx2.h"
#define VMASK __m256d
#define VLE(x, y) _mm256_cmp_pd((x), (y), _CMP_LE_OQ)
#define VSELECT(k, a, b) _mm256_blendv_pd((b), (a), (k))
#define VIDX __m256i
#define VIDX_LOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define VGATHER(p, idx) _mm256_i64gather_pd((p), (idx), 8)
#define FUNC(name) avx2_##name

#include "cpu/subsequence_stripes.h"
#include "cpu/subsequence_wave.h"
/* two lane groups of 4 chunks swept together in the costs-only pass of a
 * short query (SUB_GROUPS_BELOW) */
#define SUB_CHUNK_GROUPS 2
#include "cpu/subsequence_chunks.h"

hdtw_status hdtw_avx2_subsequence(const hdtw_call *call)
{
    if (FUNC(chunks_fit)(call->subseq))
        return FUNC(chunks_run)(call);
    return FUNC(sub_run)(call);
}
