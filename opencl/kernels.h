/* SPDX-License-Identifier: MIT */
/*
 * kernels.h — the OpenCL C source of the .cl files in opencl/kernels,
 * embedded at build time (opencl/embed_kernels.cmake writes the definition
 * into the build directory), and the names of its kernels.
 */
#ifndef HDTW_OPENCL_KERNELS_H
#define HDTW_OPENCL_KERNELS_H

extern const char hdtw_opencl_source[];

#define HDTW_KERNEL_ROWS "dtw_rows"
#define HDTW_KERNEL_TEAM "dtw_rows_team"

#endif
