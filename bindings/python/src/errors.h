/* SPDX-License-Identifier: MIT */
/*
 * errors.h — hdtw statuses as Python exceptions.
 *
 *   HDTW_E_NONFINITE    ValueError naming the argument that holds NaN/Inf
 *   HDTW_E_ARG          ValueError (the binding checks shapes first, so this
 *                       is an environment variable or a size overflow)
 *   HDTW_E_UNSUPPORTED  ValueError (a backend absent on this machine)
 *   HDTW_E_NOMEM        MemoryError
 *   HDTW_E_DEVICE       RuntimeError carrying hdtw_last_error
 */
#ifndef HDTW_PY_ERRORS_H
#define HDTW_PY_ERRORS_H

#include <Python.h>

#include <hdtw.h>

/* An input of a call, named as the Python signature names it, so that a
 * NaN can be reported against the argument that holds it. */
typedef struct {
    const char *name;
    const double *data;
    size_t length;
} named_input;

/* A set of series of a matrix call (cdist, pdist), named as the Python
 * signature names it ("A"); a NaN is reported as "A[i] ... at index k". */
typedef struct {
    const char *name;
    const hdtw_set *set;
} named_set;

/* Raises the exception for a failed hdtw_create or hdtw_set_backend. */
void raise_context_status(hdtw_status s, hdtw_backend backend);

/* Raises the exception for status s of a call on ctx (ctx may be NULL for
 * calls without a context) whose inputs are inputs[0 .. count-1]. */
void raise_call_status(const hdtw_ctx *ctx, hdtw_status s,
                       const named_input *inputs, size_t count);

/* As raise_call_status, for a call whose inputs are the sets
 * sets[0 .. count-1]. */
void raise_set_status(const hdtw_ctx *ctx, hdtw_status s,
                      const named_set *sets, size_t count);

#endif
