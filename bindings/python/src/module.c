/* SPDX-License-Identifier: MIT */
/*
 * module.c — hdtw._hdtw, the CPython extension behind the hdtw package:
 * distance, align, batch, sliding, search, subsequence, cdist, pdist,
 * znorm, backends (docs.h).
 *
 * Every call: arguments become float64 arrays (args.h, in place when they
 * already are C-contiguous float64), the output array is allocated, a
 * context is taken from the interpreter's pool (pool.h), and the hdtw call
 * runs with the GIL released. Inputs are held by reference for the whole
 * call, so another thread cannot free them; like any C extension reading
 * a buffer in place, a thread that writes into an input while hdtw reads
 * it gets one of the two values (never a crash).
 */
#define HDTW_PY_IMPORTS_NUMPY
#include "numpy_api.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "docs.h"
#include "errors.h"
#include "pool.h"

typedef struct {
    ctx_pool pool;
    PyTypeObject *alignment_type;
    PyObject *cancelled_error; /* hdtw.CancelledError */
} module_state;

/* Everything one hdtw call reads and writes; the run functions below touch
 * nothing from Python, so they run without the GIL. */
typedef struct {
    call_options opts;
    const double *a, *b;   /* pair: a, b; batch/sliding: pattern, windows/series */
    size_t m, n;
    size_t count;          /* batch: rows; sliding: results */
    size_t window, stride; /* sliding */
    double *out;
    double distance;
    hdtw_alignment alignment;
    hdtw_search_params search;
    void *items;            /* search: k hdtw_match; subsequence: k hdtw_span */
    size_t k, found;
    hdtw_set set_a, set_b;  /* cdist: A, B; pdist: X in set_a */
    PyObject *progress;     /* a callable(done, total), or NULL */
    PyThreadState *released; /* this thread's state while the GIL is out */
} job;

typedef hdtw_status (*job_fn)(hdtw_ctx *ctx, job *j);

static const double *f64_data(PyArrayObject *arr)
{
    return (const double *)PyArray_DATA(arr);
}

static size_t f64_size(PyArrayObject *arr)
{
    return (size_t)PyArray_SIZE(arr);
}

/* The library's progress callback: called on the calling thread while the
 * GIL is released, it takes the GIL back to call the Python callable and to
 * run signal handlers (Ctrl-C), then releases it again. Stops the call when
 * the callable returns true or an exception is pending (the callable's, or
 * KeyboardInterrupt), which run_job then raises. */
static int progress_hook(void *user, size_t done, size_t total)
{
    job *j = user;
    PyEval_RestoreThread(j->released);
    int stop = 1;
    PyObject *answer = PyObject_CallFunction(j->progress, "nn",
                                             (Py_ssize_t)done,
                                             (Py_ssize_t)total);
    if (answer) {
        stop = PyObject_IsTrue(answer);
        Py_DECREF(answer);
        if (stop == 0 && PyErr_CheckSignals() < 0)
            stop = 1;
    }
    j->released = PyEval_SaveThread();
    return stop != 0;
}

/* fn(ctx, j) with the GIL released, reporting to j->progress if set. */
static hdtw_status run_released(hdtw_ctx *ctx, job *j, job_fn fn)
{
    if (j->progress)
        hdtw_set_progress(ctx, progress_hook, j);
    j->released = PyEval_SaveThread();
    hdtw_status s = fn(ctx, j);
    PyEval_RestoreThread(j->released);
    hdtw_set_progress(ctx, NULL, NULL);
    return s;
}

/* What a call reads: arrays (pairs, batches) or sets (matrices), named for
 * the messages of raise_call_status and raise_set_status. */
typedef struct {
    const named_input *arrays;
    const named_set *sets;
    size_t count;
} call_inputs;

/* Runs fn(ctx, j) without the GIL on a pooled context. 0, or -1 with the
 * exception for its status (a NaN is reported against the input holding
 * it; a cancelled call raises what the progress callable raised, or
 * CancelledError). */
static int run_with(PyObject *module, job *j, job_fn fn,
                    const call_inputs *in)
{
    module_state *st = PyModule_GetState(module);
    hdtw_ctx *ctx = pool_acquire(&st->pool, j->opts.backend, j->opts.threads);
    if (!ctx)
        return -1;
    hdtw_status s = run_released(ctx, j, fn);
    if (s == HDTW_E_CANCELLED && !PyErr_Occurred())
        PyErr_SetString(st->cancelled_error,
                        "hdtw: cancelled (the progress callable returned "
                        "True)");
    else if (s != HDTW_OK && s != HDTW_E_CANCELLED && in->sets)
        raise_set_status(ctx, s, in->sets, in->count);
    else if (s != HDTW_OK && s != HDTW_E_CANCELLED)
        raise_call_status(ctx, s, in->arrays, in->count);
    pool_release(&st->pool, j->opts.backend, ctx);
    return s == HDTW_OK ? 0 : -1;
}

static int run_job(PyObject *module, job *j, job_fn fn,
                   const named_input *inputs, size_t input_count)
{
    call_inputs in = { inputs, NULL, input_count };
    return run_with(module, j, fn, &in);
}

/* progress= of the long calls into j->progress (borrowed: the call's
 * arguments hold it); None or absent is no callable. */
static int take_progress(PyObject *obj, job *j)
{
    if (!obj || obj == Py_None)
        return 0;
    if (!PyCallable_Check(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "progress must be a callable(done, total) or None, not "
                     "%.80s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    j->progress = obj;
    return 0;
}

/* The four keyword options every distance function takes. */
#define OPTION_KEYWORDS "cost", "band", "backend", "threads", NULL

/* The calls that honour hdtw_params.max_dist (all but align and search)
 * take max_dist= after them. */
#define THRESHOLD_KEYWORDS "cost", "band", "backend", "threads", "max_dist", NULL

/* The long calls (batch, sliding, cdist, pdist) take progress= last. */
#define LONG_CALL_KEYWORDS "cost", "band", "backend", "threads", "max_dist", \
                           "progress", NULL

/* The two input arrays of a call, referenced until it returns. */
typedef struct {
    PyArrayObject *first, *second;
} held_inputs;

/* first (1-D) and second (1-D, or 2-D rows of equal length) as float64
 * arrays into h, their data and sizes into j; 0, or -1 with an exception. */
static int take_inputs(job *j, held_inputs *h, PyObject *first,
                       const char *first_name, PyObject *second,
                       const char *second_name, int second_ndim)
{
    h->first = as_f64_array(first, first_name, 1);
    h->second = h->first ? as_f64_array(second, second_name, second_ndim)
                         : NULL;
    if (!h->second)
        return -1;
    j->a = f64_data(h->first), j->m = f64_size(h->first);
    j->b = f64_data(h->second), j->n = f64_size(h->second);
    if (second_ndim == 2) {
        j->count = (size_t)PyArray_DIM(h->second, 0);
        j->n = (size_t)PyArray_DIM(h->second, 1);
    }
    return 0;
}

static void drop_inputs(held_inputs *h)
{
    Py_XDECREF(h->first);
    Py_XDECREF(h->second);
}

/* ------------------------------------------------------------ pairs */

static hdtw_status run_distance(hdtw_ctx *ctx, job *j)
{
    return hdtw_distance(ctx, &j->opts.params, j->a, j->m, j->b, j->n,
                         &j->distance);
}

static hdtw_status run_align(hdtw_ctx *ctx, job *j)
{
    return hdtw_align(ctx, &j->opts.params, j->a, j->m, j->b, j->n,
                      &j->alignment);
}

/* Runs fn on the parsed arguments (a, b, *, options) of a pair call. */
static int pair_call(PyObject *module, PyObject *a_obj, PyObject *b_obj,
                     const option_objects *o, job_fn fn, job *j)
{
    held_inputs h = { NULL, NULL };
    int rc = -1;
    if (parse_options(o, &j->opts) < 0 ||
        take_inputs(j, &h, a_obj, "a", b_obj, "b", 1) < 0)
        goto cleanup;
    named_input inputs[] = { { "a", j->a, j->m }, { "b", j->b, j->n } };
    rc = run_job(module, j, fn, inputs, 2);
cleanup:
    drop_inputs(&h);
    return rc;
}

static PyObject *py_distance(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", THRESHOLD_KEYWORDS };
    PyObject *a_obj, *b_obj;
    option_objects o = { 0 };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOOO:distance",
                                     keywords, &a_obj, &b_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads,
                                     &o.max_dist) ||
        pair_call(module, a_obj, b_obj, &o, run_distance, &j) < 0)
        return NULL;
    return PyFloat_FromDouble(j.distance);
}

/* The path's index pairs as a (k, 2) intp array. */
static PyObject *path_array(const hdtw_alignment *al)
{
    npy_intp dims[2] = { (npy_intp)al->path_len, 2 };
    PyArrayObject *path = (PyArrayObject *)PyArray_SimpleNew(2, dims, NPY_INTP);
    if (!path)
        return NULL;
    npy_intp *cells = (npy_intp *)PyArray_DATA(path);
    for (size_t k = 0; k < 2 * al->path_len; k++)
        cells[k] = (npy_intp)al->path[k];
    return (PyObject *)path;
}

/* align takes no max_dist: hdtw_align ignores it (the path needs the exact
 * distance), so accepting it would promise a threshold that is not kept. */
static PyObject *py_align(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", OPTION_KEYWORDS };
    PyObject *a_obj, *b_obj;
    option_objects o = { 0 };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOO:align", keywords,
                                     &a_obj, &b_obj, &o.cost, &o.band,
                                     &o.backend, &o.threads) ||
        pair_call(module, a_obj, b_obj, &o, run_align, &j) < 0)
        return NULL;
    module_state *st = PyModule_GetState(module);
    PyObject *result = PyStructSequence_New(st->alignment_type);
    PyObject *fields[3] = { PyFloat_FromDouble(j.alignment.distance),
                            PyFloat_FromDouble(j.alignment.similarity),
                            path_array(&j.alignment) };
    hdtw_alignment_free(&j.alignment);
    for (int f = 0; f < 3; f++) {
        if (!fields[f] || !result) {
            for (int g = 0; g < 3; g++)
                Py_XDECREF(fields[g]);
            Py_XDECREF(result);
            return NULL;
        }
    }
    for (int f = 0; f < 3; f++)
        PyStructSequence_SetItem(result, f, fields[f]);
    return result;
}

/* ------------------------------------------------------------ batches */

static PyArrayObject *new_f64(size_t count)
{
    npy_intp dims[1] = { (npy_intp)count };
    return (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_DOUBLE);
}

/* Runs fn into a new array of j->count distances, then lets go of the
 * inputs h: the array, or NULL with an exception. */
static PyObject *run_into_array(PyObject *module, job *j, job_fn fn,
                                const named_input inputs[2], held_inputs *h)
{
    PyArrayObject *out = new_f64(j->count);
    if (out) {
        j->out = (double *)PyArray_DATA(out);
        if (run_job(module, j, fn, inputs, 2) < 0)
            Py_CLEAR(out);
    }
    drop_inputs(h);
    return (PyObject *)out;
}

static hdtw_status run_batch(hdtw_ctx *ctx, job *j)
{
    return hdtw_batch(ctx, &j->opts.params, j->a, j->m, j->b, j->count, j->n,
                      j->out);
}

static PyObject *py_batch(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", LONG_CALL_KEYWORDS };
    PyObject *pattern_obj, *windows_obj, *progress_obj = NULL;
    option_objects o = { 0 };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOOOO:batch",
                                     keywords, &pattern_obj, &windows_obj,
                                     &o.cost, &o.band, &o.backend, &o.threads,
                                     &o.max_dist, &progress_obj) ||
        parse_options(&o, &j.opts) < 0 || take_progress(progress_obj, &j) < 0 ||
        take_inputs(&j, &h, pattern_obj, "pattern", windows_obj, "windows",
                    2) < 0) {
        drop_inputs(&h);
        return NULL;
    }
    named_input inputs[] = { { "pattern", j.a, j.m },
                             { "windows", j.b, j.count * j.n } };
    return run_into_array(module, &j, run_batch, inputs, &h);
}

static hdtw_status run_sliding(hdtw_ctx *ctx, job *j)
{
    return hdtw_sliding(ctx, &j->opts.params, j->a, j->m, j->b, j->n,
                        j->window, j->stride, j->out);
}

/* window and stride of sliding(), checked against the series length. */
static int sliding_geometry(PyObject *window_obj, PyObject *stride_obj,
                            job *j)
{
    Py_ssize_t window, stride = 1;
    if (as_size(window_obj, "window", 1, PY_SSIZE_T_MAX, &window) < 0 ||
        (stride_obj &&
         as_size(stride_obj, "stride", 1, PY_SSIZE_T_MAX, &stride) < 0))
        return -1;
    if ((size_t)window > j->n) {
        PyErr_Format(PyExc_ValueError,
                     "window (%zd) is longer than series (%zu values)",
                     window, j->n);
        return -1;
    }
    j->window = (size_t)window;
    j->stride = (size_t)stride;
    j->count = hdtw_sliding_count(j->n, j->window, j->stride);
    return 0;
}

static PyObject *py_sliding(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", "window", "stride",
                                LONG_CALL_KEYWORDS };
    PyObject *pattern_obj, *series_obj, *window_obj, *stride_obj = NULL,
             *progress_obj = NULL;
    option_objects o = { 0 };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|O$OOOOOO:sliding",
                                     keywords, &pattern_obj, &series_obj,
                                     &window_obj, &stride_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads,
                                     &o.max_dist, &progress_obj) ||
        parse_options(&o, &j.opts) < 0 || take_progress(progress_obj, &j) < 0 ||
        take_inputs(&j, &h, pattern_obj, "pattern", series_obj, "series",
                    1) < 0 ||
        sliding_geometry(window_obj, stride_obj, &j) < 0) {
        drop_inputs(&h);
        return NULL;
    }
    /* the library reads only the span the windows cover */
    size_t span = (j.count - 1) * j.stride + j.window;
    named_input inputs[] = { { "pattern", j.a, j.m }, { "series", j.b, span } };
    return run_into_array(module, &j, run_sliding, inputs, &h);
}

/* ------------------------------------------------------------ search */

static hdtw_status run_search(hdtw_ctx *ctx, job *j)
{
    return hdtw_search(ctx, &j->search, j->a, j->m, j->b, j->n, j->k,
                       j->items, &j->found);
}

/* k, znorm and exclusion of search() into j->search and j->k. */
static int search_options(PyObject *k_obj, PyObject *znorm_obj,
                          PyObject *exclusion_obj, job *j)
{
    Py_ssize_t k = 1, exclusion = 0;
    if (k_obj && as_size(k_obj, "k", 1, PY_SSIZE_T_MAX, &k) < 0)
        return -1;
    int znorm = znorm_obj ? PyObject_IsTrue(znorm_obj) : 1;
    if (znorm < 0)
        return -1;
    if (exclusion_obj && exclusion_obj != Py_None &&
        as_size(exclusion_obj, "exclusion", 0, PY_SSIZE_T_MAX, &exclusion) < 0)
        return -1;
    if (j->m > j->n) {
        PyErr_Format(PyExc_ValueError,
                     "query (%zu values) is longer than series (%zu values)",
                     j->m, j->n);
        return -1;
    }
    j->search.dtw = j->opts.params;
    j->search.znorm = znorm;
    j->search.exclusion = exclusion_obj && exclusion_obj != Py_None
                              ? (size_t)exclusion : HDTW_EXCLUSION_AUTO;
    /* no more matches than windows: the buffer stays as small as the answer */
    size_t windows = j->n - j->m + 1;
    j->k = (size_t)k < windows ? (size_t)k : windows;
    return 0;
}

/* The arrays of a result of j->found matches: starts (intp), distances
 * (float64) and, where ends is not NULL, ends (intp). 0, or -1 with an
 * exception and no array held. */
static int new_match_arrays(const job *j, PyArrayObject **starts,
                            PyArrayObject **ends, PyArrayObject **distances)
{
    npy_intp dims[1] = { (npy_intp)j->found };
    *starts = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_INTP);
    *distances = new_f64(j->found);
    if (ends)
        *ends = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_INTP);
    if (*starts && *distances && (!ends || *ends))
        return 0;
    Py_CLEAR(*starts);
    Py_CLEAR(*distances);
    if (ends)
        Py_CLEAR(*ends);
    return -1;
}

static npy_intp *intp_data(PyArrayObject *arr)
{
    return (npy_intp *)PyArray_DATA(arr);
}

/* (starts, distances) of the j->found matches. */
static PyObject *search_result(const job *j)
{
    const hdtw_match *matches = j->items;
    PyArrayObject *starts, *distances;
    if (new_match_arrays(j, &starts, NULL, &distances) < 0)
        return NULL;
    for (size_t i = 0; i < j->found; i++) {
        intp_data(starts)[i] = (npy_intp)matches[i].start;
        ((double *)PyArray_DATA(distances))[i] = matches[i].distance;
    }
    return Py_BuildValue("(NN)", starts, distances);
}

/* search and subsequence: fn on (query, series) into j->items, room for
 * j->k results of item_size bytes each, then make(j): its result, or NULL
 * with an exception. */
static PyObject *run_query(PyObject *module, job *j, job_fn fn,
                           size_t item_size, PyObject *(*make)(const job *))
{
    PyObject *result = NULL;
    j->items = PyMem_Malloc(j->k * item_size);
    if (!j->items)
        return PyErr_NoMemory();
    named_input inputs[] = { { "query", j->a, j->m }, { "series", j->b, j->n } };
    if (run_job(module, j, fn, inputs, 2) == 0)
        result = make(j);
    PyMem_Free(j->items);
    j->items = NULL;
    return result;
}

static PyObject *py_search(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", "k", "znorm", "exclusion",
                                OPTION_KEYWORDS };
    PyObject *query_obj, *series_obj, *k_obj = NULL, *znorm_obj = NULL,
             *exclusion_obj = NULL, *result = NULL;
    option_objects o = { 0 };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O$OOOOOO:search",
                                     keywords, &query_obj, &series_obj, &k_obj,
                                     &znorm_obj, &exclusion_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads) ||
        parse_options(&o, &j.opts) < 0 ||
        take_inputs(&j, &h, query_obj, "query", series_obj, "series", 1) < 0 ||
        search_options(k_obj, znorm_obj, exclusion_obj, &j) < 0)
        goto cleanup;
    result = run_query(module, &j, run_search, sizeof(hdtw_match),
                       search_result);
cleanup:
    drop_inputs(&h);
    return result;
}

/* ------------------------------------------------------------ subsequence */

static hdtw_status run_subsequence(hdtw_ctx *ctx, job *j)
{
    return hdtw_subsequence(ctx, &j->opts.params, j->a, j->m, j->b, j->n,
                            j->k, j->items, &j->found);
}

/* (starts, ends, distances) of the j->found spans, in the order picked;
 * ends are inclusive, as in hdtw_span. */
static PyObject *subsequence_result(const job *j)
{
    const hdtw_span *spans = j->items;
    PyArrayObject *starts, *ends, *distances;
    if (new_match_arrays(j, &starts, &ends, &distances) < 0)
        return NULL;
    for (size_t i = 0; i < j->found; i++) {
        intp_data(starts)[i] = (npy_intp)spans[i].start;
        intp_data(ends)[i] = (npy_intp)spans[i].end;
        ((double *)PyArray_DATA(distances))[i] = spans[i].distance;
    }
    return Py_BuildValue("(NNN)", starts, ends, distances);
}

/* No band keyword: hdtw_subsequence refuses a band (a free start has no
 * diagonal to centre it on), so it is not offered. */
static PyObject *py_subsequence(PyObject *module, PyObject *args,
                                PyObject *kwargs)
{
    static char *keywords[] = { "", "", "k", "cost", "backend", "threads",
                                "max_dist", NULL };
    PyObject *query_obj, *series_obj, *k_obj = NULL, *result = NULL;
    option_objects o = { 0 };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    Py_ssize_t k = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O$OOOO:subsequence",
                                     keywords, &query_obj, &series_obj, &k_obj,
                                     &o.cost, &o.backend, &o.threads,
                                     &o.max_dist) ||
        (k_obj && as_size(k_obj, "k", 1, PY_SSIZE_T_MAX, &k) < 0) ||
        parse_options(&o, &j.opts) < 0 ||
        take_inputs(&j, &h, query_obj, "query", series_obj, "series", 1) < 0)
        goto cleanup;
    /* no more spans than series values: the buffer stays as small as the
     * answer */
    j.k = (size_t)k < j.n ? (size_t)k : j.n;
    result = run_query(module, &j, run_subsequence, sizeof(hdtw_span),
                       subsequence_result);
cleanup:
    drop_inputs(&h);
    return result;
}

/* ------------------------------------------------------------ matrices */

/* A set of series as the library reads it: a 2-D array in place (fixed),
 * or a sequence of 1-D arrays gathered once into values (with offsets
 * when their lengths differ). */
typedef struct {
    PyArrayObject *fixed;
    double *values;
    size_t *offsets;
    hdtw_set set;
} held_set;

static void drop_set(held_set *h)
{
    Py_XDECREF(h->fixed);
    PyMem_Free(h->values);
    PyMem_Free(h->offsets);
}

/* The lengths of the series of *s into offsets (count + 1 entries, from
 * 0); their total, or (size_t)-1 with MemoryError when it overflows. */
static size_t series_offsets(const series_set *s, size_t *offsets)
{
    offsets[0] = 0;
    for (Py_ssize_t k = 0; k < s->count; k++) {
        size_t len = f64_size(s->series[k]);
        if (offsets[k] > SIZE_MAX / sizeof(double) - len) {
            PyErr_NoMemory();
            return (size_t)-1;
        }
        offsets[k + 1] = offsets[k] + len;
    }
    return offsets[s->count];
}

/* The series of *s copied back to back into h (one copy, made once). */
static int gather_set(const series_set *s, held_set *h)
{
    size_t count = (size_t)s->count;
    h->offsets = PyMem_Malloc((count + 1) * sizeof *h->offsets);
    if (!h->offsets)
        goto nomem;
    size_t total = series_offsets(s, h->offsets);
    if (total == (size_t)-1)
        return -1;
    h->values = PyMem_Malloc(total * sizeof *h->values);
    if (!h->values)
        goto nomem;
    int equal = 1;
    for (size_t k = 0; k < count; k++) {
        size_t len = h->offsets[k + 1] - h->offsets[k];
        memcpy(h->values + h->offsets[k], f64_data(s->series[k]),
               len * sizeof(double));
        equal &= len == h->offsets[1];
    }
    hdtw_set set = { h->values, equal ? NULL : h->offsets, count,
                     h->offsets[1] };
    h->set = set;
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

/* obj (a 2-D array, or a sequence of 1-D arrays) as a set into h; 0, or
 * -1 with an exception (h is then dropped by the caller). */
static int take_set(PyObject *obj, const char *name, held_set *h)
{
    if (PyArray_Check(obj) && PyArray_NDIM((PyArrayObject *)obj) == 2) {
        h->fixed = as_f64_array(obj, name, 2);
        if (!h->fixed)
            return -1;
        hdtw_set set = { f64_data(h->fixed), NULL,
                         (size_t)PyArray_DIM(h->fixed, 0),
                         (size_t)PyArray_DIM(h->fixed, 1) };
        h->set = set;
        return 0;
    }
    series_set series = { NULL, 0 };
    if (as_series_set(obj, name, &series) < 0)
        return -1;
    int rc = gather_set(&series, h);
    series_set_clear(&series);
    return rc;
}

static hdtw_status run_cdist(hdtw_ctx *ctx, job *j)
{
    return hdtw_cdist(ctx, &j->opts.params, &j->set_a, &j->set_b, j->out);
}

static hdtw_status run_pdist(hdtw_ctx *ctx, job *j)
{
    return hdtw_pdist(ctx, &j->opts.params, &j->set_a, j->out);
}

/* Runs fn into out (the matrix's new array), which it returns, or NULL
 * with an exception (out released). */
static PyObject *run_matrix(PyObject *module, job *j, job_fn fn,
                            PyArrayObject *out, const named_set *sets,
                            size_t set_count)
{
    if (!out)
        return NULL;
    j->out = (double *)PyArray_DATA(out);
    call_inputs in = { NULL, sets, set_count };
    if (run_with(module, j, fn, &in) < 0)
        Py_CLEAR(out);
    return (PyObject *)out;
}

static PyObject *py_cdist(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", LONG_CALL_KEYWORDS };
    PyObject *a_obj, *b_obj, *progress_obj = NULL, *result = NULL;
    option_objects o = { 0 };
    held_set a = { 0 }, b = { 0 };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOOOO:cdist",
                                     keywords, &a_obj, &b_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads,
                                     &o.max_dist, &progress_obj) ||
        parse_options(&o, &j.opts) < 0 ||
        take_progress(progress_obj, &j) < 0 || take_set(a_obj, "A", &a) < 0 ||
        take_set(b_obj, "B", &b) < 0)
        goto cleanup;
    j.set_a = a.set, j.set_b = b.set;
    npy_intp dims[2] = { (npy_intp)a.set.count, (npy_intp)b.set.count };
    named_set sets[] = { { "A", &j.set_a }, { "B", &j.set_b } };
    result = run_matrix(module, &j, run_cdist,
                        (PyArrayObject *)PyArray_SimpleNew(2, dims, NPY_DOUBLE),
                        sets, 2);
cleanup:
    drop_set(&a);
    drop_set(&b);
    return result;
}

static PyObject *py_pdist(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", LONG_CALL_KEYWORDS };
    PyObject *x_obj, *progress_obj = NULL, *result = NULL;
    option_objects o = { 0 };
    held_set x = { 0 };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OOOOOO:pdist",
                                     keywords, &x_obj, &o.cost, &o.band,
                                     &o.backend, &o.threads, &o.max_dist,
                                     &progress_obj) ||
        parse_options(&o, &j.opts) < 0 ||
        take_progress(progress_obj, &j) < 0 || take_set(x_obj, "X", &x) < 0)
        goto cleanup;
    j.set_a = x.set;
    size_t count = x.set.count;
    if (count > 1 && count - 1 > SIZE_MAX / count) {
        PyErr_NoMemory();
        goto cleanup;
    }
    named_set sets[] = { { "X", &j.set_a } };
    result = run_matrix(module, &j, run_pdist, new_f64(count * (count - 1) / 2),
                        sets, 1);
cleanup:
    drop_set(&x);
    return result;
}

/* ------------------------------------------------------------ the rest */

static PyObject *py_znorm(PyObject *module, PyObject *x_obj)
{
    (void)module;
    PyArrayObject *x = as_f64_array(x_obj, "x", 1);
    if (!x)
        return NULL;
    PyArrayObject *out = new_f64(f64_size(x));
    if (out) {
        hdtw_status s;
        Py_BEGIN_ALLOW_THREADS
        s = hdtw_znorm(f64_data(x), f64_size(x), (double *)PyArray_DATA(out));
        Py_END_ALLOW_THREADS
        if (s != HDTW_OK) {
            named_input inputs[] = { { "x", f64_data(x), f64_size(x) } };
            raise_call_status(NULL, s, inputs, 1);
            Py_CLEAR(out);
        }
    }
    Py_DECREF(x);
    return (PyObject *)out;
}

static PyObject *py_backends(PyObject *module, PyObject *unused)
{
    (void)unused;
    module_state *st = PyModule_GetState(module);
    hdtw_ctx *ctx = pool_acquire(&st->pool, HDTW_BACKEND_AUTO, 0);
    if (!ctx)
        return NULL;
    int available[HDTW_BACKEND_COUNT] = { 0 };
    Py_BEGIN_ALLOW_THREADS
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++)
        available[b] = hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK;
    hdtw_set_backend(ctx, HDTW_BACKEND_AUTO);
    Py_END_ALLOW_THREADS
    pool_release(&st->pool, HDTW_BACKEND_AUTO, ctx);
    PyObject *names = PyList_New(0);
    for (int b = HDTW_BACKEND_SCALAR; names && b < HDTW_BACKEND_COUNT; b++) {
        PyObject *name = available[b]
            ? PyUnicode_FromString(hdtw_backend_name((hdtw_backend)b)) : NULL;
        if (available[b] && (!name || PyList_Append(names, name) < 0))
            Py_CLEAR(names);
        Py_XDECREF(name);
    }
    return names;
}

static PyMethodDef methods[] = {
    { "distance", (PyCFunction)(void (*)(void))py_distance,
      METH_VARARGS | METH_KEYWORDS, DISTANCE_DOC },
    { "align", (PyCFunction)(void (*)(void))py_align,
      METH_VARARGS | METH_KEYWORDS, ALIGN_DOC },
    { "batch", (PyCFunction)(void (*)(void))py_batch,
      METH_VARARGS | METH_KEYWORDS, BATCH_DOC },
    { "sliding", (PyCFunction)(void (*)(void))py_sliding,
      METH_VARARGS | METH_KEYWORDS, SLIDING_DOC },
    { "search", (PyCFunction)(void (*)(void))py_search,
      METH_VARARGS | METH_KEYWORDS, SEARCH_DOC },
    { "subsequence", (PyCFunction)(void (*)(void))py_subsequence,
      METH_VARARGS | METH_KEYWORDS, SUBSEQUENCE_DOC },
    { "cdist", (PyCFunction)(void (*)(void))py_cdist,
      METH_VARARGS | METH_KEYWORDS, CDIST_DOC },
    { "pdist", (PyCFunction)(void (*)(void))py_pdist,
      METH_VARARGS | METH_KEYWORDS, PDIST_DOC },
    { "znorm", py_znorm, METH_O, ZNORM_DOC },
    { "backends", py_backends, METH_NOARGS, BACKENDS_DOC },
    { NULL, NULL, 0, NULL },
};

/* ------------------------------------------------------------ module */

static PyStructSequence_Field alignment_fields[] = {
    { "distance", "the DTW distance, as distance() returns it" },
    { "similarity", "1 / (1 + distance / len(path)), in (0, 1]" },
    { "path", "(k, 2) intp array of (i, j) from (0, 0) to the end" },
    { NULL, NULL },
};

static PyStructSequence_Desc alignment_desc = {
    "hdtw.Alignment",
    "align()'s result: Alignment(distance, similarity, path).",
    alignment_fields, 3,
};

static int module_exec(PyObject *module)
{
    if (_import_array() < 0)
        return -1;
    module_state *st = PyModule_GetState(module);
    st->alignment_type = PyStructSequence_NewType(&alignment_desc);
    if (!st->alignment_type ||
        PyModule_AddObjectRef(module, "Alignment",
                              (PyObject *)st->alignment_type) < 0)
        return -1;
    st->cancelled_error = PyErr_NewExceptionWithDoc(
        "hdtw.CancelledError",
        "A long call (batch, sliding, cdist, pdist) stopped because its "
        "progress callable returned True; nothing was returned.",
        PyExc_RuntimeError, NULL);
    if (!st->cancelled_error ||
        PyModule_AddObjectRef(module, "CancelledError",
                              st->cancelled_error) < 0)
        return -1;
    char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", HDTW_VERSION_MAJOR,
             HDTW_VERSION_MINOR, HDTW_VERSION_PATCH);
    return PyModule_AddStringConstant(module, "__version__", version);
}

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    module_state *st = PyModule_GetState(module);
    Py_VISIT(st->alignment_type);
    Py_VISIT(st->cancelled_error);
    return 0;
}

static int module_clear(PyObject *module)
{
    module_state *st = PyModule_GetState(module);
    Py_CLEAR(st->alignment_type);
    Py_CLEAR(st->cancelled_error);
    return 0;
}

static void module_free(void *module)
{
    module_state *st = PyModule_GetState(module);
    pool_clear(&st->pool);
    module_clear(module);
}

static PyModuleDef_Slot slots[] = {
    { Py_mod_exec, module_exec },
    { 0, NULL },
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hdtw._hdtw",
    .m_doc = MODULE_DOC,
    .m_size = sizeof(module_state),
    .m_methods = methods,
    .m_slots = slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__hdtw(void)
{
    return PyModuleDef_Init(&module_def);
}
