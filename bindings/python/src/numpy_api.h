/* SPDX-License-Identifier: MIT */
/*
 * numpy_api.h — NumPy's C API for every file of the extension: module.c
 * imports it (import_array), the other files share its function table.
 */
#ifndef HDTW_PY_NUMPY_API_H
#define HDTW_PY_NUMPY_API_H

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
/* built against NumPy 2, runs with NumPy >= 1.23 (pyproject.toml) */
#define NPY_TARGET_VERSION NPY_1_23_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL hdtw_numpy_api
#ifndef HDTW_PY_IMPORTS_NUMPY
#  define NO_IMPORT_ARRAY
#endif
#include <Python.h>
#include <numpy/arrayobject.h>

#endif
