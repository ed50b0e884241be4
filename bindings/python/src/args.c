/* SPDX-License-Identifier: MIT */
/*
 * args.c — see args.h.
 */
#include "args.h"

#include <limits.h>
#include <string.h>

/* A str option into its C name; -1 with TypeError for another type. */
static const char *option_string(PyObject *obj, const char *name)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return PyUnicode_AsUTF8(obj);
}

static int parse_cost(PyObject *obj, hdtw_cost *out)
{
    const char *text = option_string(obj, "cost");
    if (!text)
        return -1;
    if (strcmp(text, "abs") == 0) {
        *out = HDTW_COST_ABS;
    } else if (strcmp(text, "squared") == 0) {
        *out = HDTW_COST_SQUARED;
    } else {
        PyErr_Format(PyExc_ValueError,
                     "cost must be 'abs' or 'squared', not '%s'", text);
        return -1;
    }
    return 0;
}

static int parse_backend(PyObject *obj, hdtw_backend *out)
{
    const char *text = option_string(obj, "backend");
    if (!text)
        return -1;
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++) {
        if (strcmp(text, hdtw_backend_name((hdtw_backend)b)) == 0) {
            *out = (hdtw_backend)b;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError,
                 "backend must be 'auto', 'scalar', 'avx2', 'avx512' or "
                 "'opencl', not '%s'", text);
    return -1;
}

int as_size(PyObject *obj, const char *name, Py_ssize_t lo, Py_ssize_t hi,
            Py_ssize_t *out)
{
    PyObject *index = PyNumber_Index(obj);
    if (!index) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (overflow || value < lo || value > hi) {
        PyErr_Format(PyExc_ValueError, "%s must be from %zd to %zd", name, lo,
                     hi);
        return -1;
    }
    *out = (Py_ssize_t)value;
    return 0;
}

/* max_dist as hdtw_params.max_dist: None is 0 (no threshold); a value the
 * library would refuse (negative or NaN, the complement of its own
 * max_dist >= 0) is a ValueError naming the argument. */
static int parse_max_dist(PyObject *obj, double *out)
{
    if (obj == Py_None) {
        *out = 0.0;
        return 0;
    }
    double value = PyFloat_AsDouble(obj);
    if (value == -1.0 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError,
                         "max_dist must be a float or None, not %.80s",
                         Py_TYPE(obj)->tp_name);
        }
        return -1;
    }
    if (!(value >= 0.0)) {
        PyErr_Format(PyExc_ValueError,
                     "max_dist must be >= 0 (None or 0: no threshold), "
                     "not %R", obj);
        return -1;
    }
    *out = value;
    return 0;
}

int parse_options(const option_objects *given, call_options *out)
{
    call_options o = { HDTW_PARAMS_DEFAULT, HDTW_BACKEND_AUTO, 0 };
    Py_ssize_t band_value = -1, thread_count = 0;
    if (given->cost && parse_cost(given->cost, &o.params.cost) < 0)
        return -1;
    if (given->band &&
        as_size(given->band, "band", -1, LONG_MAX, &band_value) < 0)
        return -1;
    if (given->backend && parse_backend(given->backend, &o.backend) < 0)
        return -1;
    if (given->threads &&
        as_size(given->threads, "threads", 0, INT_MAX, &thread_count) < 0)
        return -1;
    if (given->max_dist &&
        parse_max_dist(given->max_dist, &o.params.max_dist) < 0)
        return -1;
    o.params.band = (long)band_value;
    o.threads = (int)thread_count;
    *out = o;
    return 0;
}

/* Integers and floats; bool, complex, str, bytes and object are refused. */
static int is_real_number_kind(PyArrayObject *arr)
{
    return PyArray_ISINTEGER(arr) || PyArray_ISFLOAT(arr);
}

PyArrayObject *as_f64_array(PyObject *obj, const char *name, int ndim)
{
    PyArrayObject *raw = (PyArrayObject *)PyArray_FROM_O(obj);
    if (!raw)
        return NULL;
    PyArrayObject *result = NULL;
    if (!is_real_number_kind(raw)) {
        PyObject *dtype = (PyObject *)PyArray_DESCR(raw);
        PyErr_Format(PyExc_TypeError, "%s must hold real numbers, not %S",
                     name, dtype);
        goto cleanup;
    }
    if (PyArray_NDIM(raw) != ndim) {
        PyErr_Format(PyExc_ValueError, "%s must be %d-D, not %d-D", name, ndim,
                     PyArray_NDIM(raw));
        goto cleanup;
    }
    if (PyArray_SIZE(raw) == 0) {
        PyErr_Format(PyExc_ValueError, "%s must not be empty", name);
        goto cleanup;
    }
    /* returns raw itself (no copy) when it is already C-contiguous, aligned,
     * native float64 */
    result = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)raw, NPY_DOUBLE,
                                               NPY_ARRAY_IN_ARRAY);
cleanup:
    Py_DECREF(raw);
    return result;
}

void series_set_clear(series_set *set)
{
    for (Py_ssize_t k = 0; k < set->count; k++)
        Py_XDECREF(set->series[k]);
    PyMem_Free(set->series);
    set->series = NULL;
    set->count = 0;
}

/* Row or item k of obj as a 1-D float64 array, named "X[k]" in messages. */
static PyArrayObject *set_item(PyObject *obj, const char *name, Py_ssize_t k)
{
    PyObject *item = PySequence_GetItem(obj, k);
    if (!item)
        return NULL;
    char item_name[96];
    PyOS_snprintf(item_name, sizeof item_name, "%s[%zd]", name, k);
    PyArrayObject *arr = as_f64_array(item, item_name, 1);
    Py_DECREF(item);
    return arr;
}

int as_series_set(PyObject *obj, const char *name, series_set *out)
{
    series_set set = { NULL, 0 };
    Py_ssize_t count = PySequence_Check(obj) ? PySequence_Size(obj) : -1;
    if (count < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "%s must be a 2-D array or a sequence of 1-D arrays, "
                     "not %.80s", name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (count == 0) {
        PyErr_Format(PyExc_ValueError, "%s must not be empty", name);
        return -1;
    }
    set.series = PyMem_Calloc((size_t)count, sizeof *set.series);
    if (!set.series) {
        PyErr_NoMemory();
        return -1;
    }
    for (set.count = 0; set.count < count; set.count++) {
        set.series[set.count] = set_item(obj, name, set.count);
        if (!set.series[set.count]) {
            series_set_clear(&set);
            return -1;
        }
    }
    *out = set;
    return 0;
}
