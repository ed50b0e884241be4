/* SPDX-License-Identifier: MIT */
/* cpu_features.h — what this CPU and its operating system can run. */
#ifndef HDTW_CPU_FEATURES_H
#define HDTW_CPU_FEATURES_H

/* HDTW_FEATURE_AVX2 and HDTW_FEATURE_AVX512 (core/backend.h) for the
 * instruction sets the CPU reports (cpuid) and the OS saves on a context
 * switch (xgetbv). AVX512 means F + DQ + VL, the subsets cpu/avx512.c is
 * compiled for. 0 on other architectures. */
unsigned hdtw_cpu_features(void);

#endif
