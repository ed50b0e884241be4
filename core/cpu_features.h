/* SPDX-License-Identifier: MIT */
/* cpu_features.h — what this CPU and its operating system can run. */
#ifndef HDTW_CPU_FEATURES_H
#define HDTW_CPU_FEATURES_H

/* HDTW_FEATURE_AVX2 and HDTW_FEATURE_AVX512 (core/backend.h) for the
 * instruction sets the CPU reports (cpuid) and the OS saves on a context
 * switch (xgetbv). AVX512 means F + DQ + VL, the subsets cpu/avx512.c is
 * compiled for. 0 on other architectures. */
unsigned hdtw_cpu_features(void);

/* The CPU families the router has built-in numbers for (core/profile.c;
 * where each number comes from: docs/ROUTER.md). */
typedef enum {
    HDTW_CPU_GENERIC = 0, /* unknown vendor: the Intel numbers */
    HDTW_CPU_ZEN3,        /* AMD families 0x17 and 0x19 without AVX-512 */
    HDTW_CPU_ZEN4,        /* AMD family 0x19 with AVX-512 (256-bit halves) */
    HDTW_CPU_ZEN5,        /* AMD family 0x1A (full-width AVX-512) */
    HDTW_CPU_INTEL,       /* GenuineIntel */
    HDTW_CPU_FAMILY_COUNT
} hdtw_cpu_family;

/* This CPU's family from cpuid (vendor, family; AVX-512 tells Zen 4 from
 * Zen 3, which share family 0x19). HDTW_CPU_GENERIC off x86. */
hdtw_cpu_family hdtw_cpu_family_of_this(void);

/* The family of a CPU whose cpuid vendor string is `vendor`
 * ("GenuineIntel", "AuthenticAMD", ...), whose family number (base plus
 * extended) is `family`, and which runs AVX-512 or not. */
hdtw_cpu_family hdtw_cpu_family_from(const char *vendor, unsigned family,
                                     int avx512);

/* "zen3", "zen4", "zen5", "intel" or "generic". */
const char *hdtw_cpu_family_name(hdtw_cpu_family f);

#endif
