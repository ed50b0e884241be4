# SPDX-License-Identifier: MIT
# The OpenCL backend (docs/DESIGN.md §4), included by the top-level
# CMakeLists.txt after hdtw_objects exists. HDTW_OPENCL: AUTO builds it when
# an OpenCL ICD loader and headers are found, ON requires them, OFF skips.
set(HDTW_HAVE_OPENCL OFF)
if(NOT HDTW_OPENCL STREQUAL "OFF")
  find_package(OpenCL)
  if(OpenCL_FOUND)
    set(HDTW_HAVE_OPENCL ON)
  elseif(HDTW_OPENCL STREQUAL "ON")
    message(FATAL_ERROR "HDTW_OPENCL=ON but no OpenCL loader/headers were "
      "found (Debian: ocl-icd-opencl-dev opencl-c-headers)")
  else()
    message(STATUS "hdtw: OpenCL not found, building without the OpenCL backend")
  endif()
endif()

if(HDTW_HAVE_OPENCL)
  # concatenated in this order: cell.cl defines what the others use
  set(HDTW_KERNELS
    ${PROJECT_SOURCE_DIR}/opencl/kernels/cell.cl
    ${PROJECT_SOURCE_DIR}/opencl/kernels/rows.cl)
  set(HDTW_KERNELS_C ${PROJECT_BINARY_DIR}/opencl/kernels.c)
  add_custom_command(OUTPUT ${HDTW_KERNELS_C}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${HDTW_KERNELS_C}
            "-DKERNELS=${HDTW_KERNELS}"
            -P ${PROJECT_SOURCE_DIR}/opencl/embed_kernels.cmake
    DEPENDS ${HDTW_KERNELS} ${PROJECT_SOURCE_DIR}/opencl/embed_kernels.cmake
    COMMENT "Embedding OpenCL kernels"
    VERBATIM)
  target_sources(hdtw_objects PRIVATE
    opencl/devices.c opencl/runtime.c opencl/backend.c ${HDTW_KERNELS_C})
  target_compile_definitions(hdtw_objects PRIVATE HDTW_HAVE_OPENCL
    CL_TARGET_OPENCL_VERSION=120)
  target_link_libraries(hdtw_objects PUBLIC OpenCL::OpenCL)
  list(APPEND HDTW_LINK_LIBS OpenCL::OpenCL)
endif()
message(STATUS "hdtw: OpenCL backend ${HDTW_HAVE_OPENCL}")
