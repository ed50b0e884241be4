/*
 * module.c — hdtw._hdtw, the CPython extension behind the hdtw package:
 * distance, align, batch, sliding, search, znorm, backends (docs.h).
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

#include <stdio.h>

#include "args.h"
#include "docs.h"
#include "errors.h"
#include "pool.h"

typedef struct {
    ctx_pool pool;
    PyTypeObject *alignment_type;
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
    hdtw_match *matches;
    size_t k, found;
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

/* Runs fn(ctx, j) without the GIL on a pooled context. 0, or -1 with the
 * exception for its status (inputs name the arrays for a NaN). */
static int run_job(PyObject *module, job *j, job_fn fn,
                   const named_input *inputs, size_t input_count)
{
    module_state *st = PyModule_GetState(module);
    hdtw_ctx *ctx = pool_acquire(&st->pool, j->opts.backend, j->opts.threads);
    if (!ctx)
        return -1;
    hdtw_status s;
    Py_BEGIN_ALLOW_THREADS
    s = fn(ctx, j);
    Py_END_ALLOW_THREADS
    if (s != HDTW_OK)
        raise_call_status(ctx, s, inputs, input_count);
    pool_release(&st->pool, j->opts.backend, ctx);
    return s == HDTW_OK ? 0 : -1;
}

/* The four keyword options every distance function ends with. */
#define OPTION_KEYWORDS "cost", "band", "backend", "threads", NULL

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

/* Parses (a, b, *, options) and runs fn on them. */
static int pair_call(PyObject *module, PyObject *args, PyObject *kwargs,
                     const char *format, job_fn fn, job *j)
{
    static char *keywords[] = { "", "", OPTION_KEYWORDS };
    PyObject *a_obj, *b_obj;
    option_objects o = { NULL, NULL, NULL, NULL };
    held_inputs h = { NULL, NULL };
    int rc = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, format, keywords, &a_obj,
                                     &b_obj, &o.cost, &o.band, &o.backend,
                                     &o.threads) ||
        parse_options(&o, &j->opts) < 0 ||
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
    job j = { 0 };
    if (pair_call(module, args, kwargs, "OO|$OOOO:distance", run_distance,
                  &j) < 0)
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

static PyObject *py_align(PyObject *module, PyObject *args, PyObject *kwargs)
{
    job j = { 0 };
    if (pair_call(module, args, kwargs, "OO|$OOOO:align", run_align, &j) < 0)
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
    static char *keywords[] = { "", "", OPTION_KEYWORDS };
    PyObject *pattern_obj, *windows_obj;
    option_objects o = { NULL, NULL, NULL, NULL };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOOO:batch", keywords,
                                     &pattern_obj, &windows_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads) ||
        parse_options(&o, &j.opts) < 0 ||
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
    static char *keywords[] = { "", "", "window", "stride", OPTION_KEYWORDS };
    PyObject *pattern_obj, *series_obj, *window_obj, *stride_obj = NULL;
    option_objects o = { NULL, NULL, NULL, NULL };
    held_inputs h = { NULL, NULL };
    job j = { 0 };
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|O$OOOO:sliding",
                                     keywords, &pattern_obj, &series_obj,
                                     &window_obj, &stride_obj, &o.cost,
                                     &o.band, &o.backend, &o.threads) ||
        parse_options(&o, &j.opts) < 0 ||
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
                       j->matches, &j->found);
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

/* (starts, distances) of the j->found matches. */
static PyObject *search_result(const job *j)
{
    npy_intp dims[1] = { (npy_intp)j->found };
    PyArrayObject *starts = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_INTP);
    PyArrayObject *distances = new_f64(j->found);
    if (!starts || !distances) {
        Py_XDECREF(starts);
        Py_XDECREF(distances);
        return NULL;
    }
    npy_intp *start_data = (npy_intp *)PyArray_DATA(starts);
    double *distance_data = (double *)PyArray_DATA(distances);
    for (size_t i = 0; i < j->found; i++) {
        start_data[i] = (npy_intp)j->matches[i].start;
        distance_data[i] = j->matches[i].distance;
    }
    return Py_BuildValue("(NN)", starts, distances);
}

static PyObject *py_search(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = { "", "", "k", "znorm", "exclusion",
                                OPTION_KEYWORDS };
    PyObject *query_obj, *series_obj, *k_obj = NULL, *znorm_obj = NULL,
             *exclusion_obj = NULL, *result = NULL;
    option_objects o = { NULL, NULL, NULL, NULL };
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
    j.matches = PyMem_Malloc(j.k * sizeof *j.matches);
    if (!j.matches) {
        PyErr_NoMemory();
        goto cleanup;
    }
    named_input inputs[] = { { "query", j.a, j.m }, { "series", j.b, j.n } };
    if (run_job(module, &j, run_search, inputs, 2) == 0)
        result = search_result(&j);
cleanup:
    PyMem_Free(j.matches);
    drop_inputs(&h);
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
    char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", HDTW_VERSION_MAJOR,
             HDTW_VERSION_MINOR, HDTW_VERSION_PATCH);
    return PyModule_AddStringConstant(module, "__version__", version);
}

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    module_state *st = PyModule_GetState(module);
    Py_VISIT(st->alignment_type);
    return 0;
}

static int module_clear(PyObject *module)
{
    module_state *st = PyModule_GetState(module);
    Py_CLEAR(st->alignment_type);
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
