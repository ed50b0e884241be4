/* SPDX-License-Identifier: MIT */
/*
 * errors.c — see errors.h.
 */
#include "errors.h"

#include <math.h>

void raise_context_status(hdtw_status s, hdtw_backend backend)
{
    if (s == HDTW_E_NOMEM) {
        PyErr_NoMemory();
    } else if (s == HDTW_E_UNSUPPORTED && backend != HDTW_BACKEND_AUTO) {
        PyErr_Format(PyExc_ValueError,
                     "backend '%s' is not available here "
                     "(hdtw.backends() lists those that are)",
                     hdtw_backend_name(backend));
    } else {
        PyErr_Format(PyExc_ValueError,
                     "cannot create an hdtw context: %s (check HDTW_BACKEND, "
                     "HDTW_DISABLE and HDTW_OPENCL_DEVICE)",
                     hdtw_strerror(s));
    }
}

/* Index of the first NaN or Inf in x[0..n-1], or n. */
static size_t first_nonfinite(const double *x, size_t n)
{
    size_t i = 0;
    while (i < n && isfinite(x[i]))
        i++;
    return i;
}

/* The library reports a non-finite value without saying where: the inputs
 * are scanned only on this error path, so successful calls pay nothing. */
static void raise_nonfinite(const named_input *inputs, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        size_t at = first_nonfinite(inputs[k].data, inputs[k].length);
        if (at < inputs[k].length) {
            PyObject *value = PyFloat_FromDouble(inputs[k].data[at]);
            if (value) {
                PyErr_Format(PyExc_ValueError,
                             "%s holds a non-finite value (%R at index %zu)",
                             inputs[k].name, value, at);
                Py_DECREF(value);
            }
            return;
        }
    }
    PyErr_SetString(PyExc_ValueError,
                    "z-normalisation overflows: values beyond about 1e154 "
                    "in magnitude");
}

void raise_call_status(const hdtw_ctx *ctx, hdtw_status s,
                       const named_input *inputs, size_t count)
{
    switch (s) {
    case HDTW_E_NONFINITE:
        raise_nonfinite(inputs, count);
        break;
    case HDTW_E_NOMEM:
        PyErr_NoMemory();
        break;
    case HDTW_E_DEVICE:
        PyErr_Format(PyExc_RuntimeError, "hdtw: %s: %s", hdtw_strerror(s),
                     ctx ? hdtw_last_error(ctx) : "");
        break;
    default:
        PyErr_Format(PyExc_ValueError, "hdtw: %s", hdtw_strerror(s));
        break;
    }
}

/* Series i of set as a named input called "<name>[i]" (text holds it). */
static named_input set_series(const named_set *named, size_t i, char *text,
                              size_t text_size)
{
    const hdtw_set *set = named->set;
    size_t begin = set->offsets ? set->offsets[i] : i * set->len;
    size_t end = set->offsets ? set->offsets[i + 1] : begin + set->len;
    PyOS_snprintf(text, text_size, "%s[%zu]", named->name, i);
    named_input series = { text, set->values + begin, end - begin };
    return series;
}

void raise_set_status(const hdtw_ctx *ctx, hdtw_status s,
                      const named_set *sets, size_t count)
{
    if (s != HDTW_E_NONFINITE) {
        raise_call_status(ctx, s, NULL, 0);
        return;
    }
    char name[96];
    for (size_t k = 0; k < count; k++) {
        for (size_t i = 0; i < sets[k].set->count; i++) {
            named_input series = set_series(&sets[k], i, name, sizeof name);
            if (first_nonfinite(series.data, series.length) < series.length) {
                raise_nonfinite(&series, 1);
                return;
            }
        }
    }
    raise_nonfinite(NULL, 0);
}
