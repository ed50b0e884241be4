/*
 * kernels.h — the OpenCL C source of the .cl files in opencl/kernels,
 * embedded at build time (opencl/embed_kernels.cmake writes the definition
 * into the build directory), and the names of its kernels.
 */
#ifndef HDTW_OPENCL_KERNELS_H
#define HDTW_OPENCL_KERNELS_H

extern const char hdtw_opencl_source[];

#define HDTW_KERNEL_LOCAL "dtw_wavefront_local"
#define HDTW_KERNEL_GLOBAL "dtw_wavefront_global"

#endif
