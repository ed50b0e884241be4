/* SPDX-License-Identifier: MIT */
/*
 * cpu_features.c — cpuid + xgetbv. A CPU may implement AVX2 or AVX-512
 * while the operating system does not save the wider registers on a context
 * switch (an old kernel, a hypervisor masking them); then the instructions
 * fault or corrupt state, so both must agree before a backend is used.
 */
#include "core/cpu_features.h"

#include "core/backend.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* cpuid leaf 1, ecx */
#define CPUID1_OSXSAVE (1u << 27)
#define CPUID1_AVX (1u << 28)
/* cpuid leaf 7 subleaf 0, ebx */
#define CPUID7_AVX2 (1u << 5)
#define CPUID7_AVX512F (1u << 16)
#define CPUID7_AVX512DQ (1u << 17)
#define CPUID7_AVX512VL (1u << 31)
/* XCR0: state components the OS saves */
#define XCR0_SSE_AVX 0x06u          /* XMM, YMM upper halves */
#define XCR0_AVX512 0xe0u           /* opmask, ZMM0-15 upper, ZMM16-31 */

/* XCR0 via the raw instruction: the _xgetbv intrinsic needs -mxsave,
 * which this file must not be compiled with. */
static unsigned long long read_xcr0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

unsigned hdtw_cpu_features(void)
{
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return 0;
    if (!(ecx & CPUID1_OSXSAVE) || !(ecx & CPUID1_AVX))
        return 0;
    unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & XCR0_SSE_AVX) != XCR0_SSE_AVX)
        return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        return 0;

    unsigned features = 0;
    if (ebx & CPUID7_AVX2)
        features |= HDTW_FEATURE_AVX2;
    const unsigned avx512 = CPUID7_AVX512F | CPUID7_AVX512DQ | CPUID7_AVX512VL;
    if ((ebx & avx512) == avx512 && (xcr0 & XCR0_AVX512) == XCR0_AVX512)
        features |= HDTW_FEATURE_AVX512;
    return features;
}

/* cpuid leaf 1, eax: the family, with the extended family added when the
 * base family is 0xF (AMD Zen: 0x17, 0x19, 0x1A). */
static unsigned family_number(void)
{
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return 0;
    unsigned family = (eax >> 8) & 0xfu;
    return family == 0xfu ? family + ((eax >> 20) & 0xffu) : family;
}

hdtw_cpu_family hdtw_cpu_family_of_this(void)
{
    unsigned max_leaf, vendor[3];
    char name[13];
    if (!__get_cpuid(0, &max_leaf, &vendor[0], &vendor[2], &vendor[1]))
        return HDTW_CPU_GENERIC;
    memcpy(name, vendor, 12);
    name[12] = '\0';
    return hdtw_cpu_family_from(name, family_number(),
                                (hdtw_cpu_features() & HDTW_FEATURE_AVX512)
                                    != 0);
}

#else

unsigned hdtw_cpu_features(void)
{
    return 0;
}

hdtw_cpu_family hdtw_cpu_family_of_this(void)
{
    return HDTW_CPU_GENERIC;
}

#endif

hdtw_cpu_family hdtw_cpu_family_from(const char *vendor, unsigned family,
                                     int avx512)
{
    if (strcmp(vendor, "GenuineIntel") == 0)
        return HDTW_CPU_INTEL;
    if (strcmp(vendor, "AuthenticAMD") != 0)
        return HDTW_CPU_GENERIC;
    if (family >= 0x1a)
        return HDTW_CPU_ZEN5;
    if (family == 0x19 && avx512)
        return HDTW_CPU_ZEN4;
    return HDTW_CPU_ZEN3; /* Zen 1 to 3 (families 0x17, 0x19): AVX2 only */
}

const char *hdtw_cpu_family_name(hdtw_cpu_family f)
{
    static const char *const names[HDTW_CPU_FAMILY_COUNT] = {
        "generic", "zen3", "zen4", "zen5", "intel"
    };
    return f >= 0 && f < HDTW_CPU_FAMILY_COUNT ? names[f] : "generic";
}
