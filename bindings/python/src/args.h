/* SPDX-License-Identifier: MIT */
/*
 * args.h — Python arguments to C values.
 *
 * Arrays: anything NumPy can turn into an array of real numbers (integers
 * or floats; not bool, complex, strings or objects: TypeError). A
 * C-contiguous, aligned, native-endian float64 array is used in place, with
 * no copy; anything else (a list, float32, a strided view, big-endian data)
 * is converted once into a new float64 array. Wrong dimensions or an empty
 * array: ValueError.
 *
 * Options (keyword-only): cost='abs'|'squared', band=-1 (or >= 0),
 * backend='auto'|'scalar'|'avx2'|'avx512'|'opencl', threads=0 (all cores),
 * and, on the calls that honour it, max_dist=None (hdtw_params.max_dist:
 * None or 0 no threshold, > 0 or inf a threshold; negative or NaN refused
 * as the library refuses it). A value of the wrong type is a TypeError,
 * an impossible value a ValueError.
 */
#ifndef HDTW_PY_ARGS_H
#define HDTW_PY_ARGS_H

#include "numpy_api.h"

#include <hdtw.h>

/* The keyword options every distance function takes. */
typedef struct {
    hdtw_params params;
    hdtw_backend backend;
    int threads;
} call_options;

/* The Python objects of the options; NULL where not given (max_dist is
 * NULL too for the calls that do not take it). */
typedef struct {
    PyObject *cost, *band, *backend, *threads, *max_dist;
} option_objects;

/* The options in *given into *out. 0 on success, -1 with an exception. */
int parse_options(const option_objects *given, call_options *out);

/* obj as a C-contiguous float64 array of `ndim` dimensions, none of them
 * zero (a new reference), or NULL with an exception set. `name` is the
 * argument's name in messages. */
PyArrayObject *as_f64_array(PyObject *obj, const char *name, int ndim);

/* obj as a Python int in [lo, hi] into *out; 0 or -1 with an exception. */
int as_size(PyObject *obj, const char *name, Py_ssize_t lo, Py_ssize_t hi,
            Py_ssize_t *out);

/* A set of series for the matrix functions (cdist, pdist): a 2-D array
 * (count, n), or a sequence of 1-D arrays of any lengths (ragged). */
typedef struct {
    PyArrayObject **series; /* count new references */
    Py_ssize_t count;
} series_set;

/* Fills *out from obj; 0, or -1 with an exception set and *out empty. */
int as_series_set(PyObject *obj, const char *name, series_set *out);

/* Releases every reference of *set; an empty set is accepted. */
void series_set_clear(series_set *set);

#endif
