/* SPDX-License-Identifier: MIT */
/*
 * addon.c — hdtw for Node.js: the native halves of dtwDistance, dtwBatch,
 * dtwSliding, dtwSearch, dtwSubsequence, dtwCdist, dtwPdist, znorm and
 * their ...Async variants (docs/NODE.md).
 * index.js wraps them: it turns number[] into Float64Array, parses the
 * options object into packed numbers (args.h, ADDON_OPT_...) and shapes the
 * distance-only result, so that the per-call path here makes as few
 * Node-API calls as it can.
 *
 * Zero copy: inputs are read in place through napi_get_typedarray_info (any
 * Float64Array view, the data pointer already includes its offset); batch,
 * sliding and matrix results are written straight into the ArrayBuffer of
 * the Float64Array that is returned, allocated once before the call. The
 * matrix functions take arrays of series, which they gather once into one
 * buffer (the library's hdtw_set), so their inputs may change as soon as
 * the call has started.
 *
 * Contexts: an hdtw_ctx is used by one thread at a time, so each call takes
 * a context from a per-environment pool and gives it back when done (sync
 * calls at once, async calls in their completion callback, both on the JS
 * thread, so the pool needs no lock). A context is never shared by two calls
 * in flight, yet sync calls reuse one context and pay no hdtw_create, and
 * a context keeps its device state (OpenCL programs) between calls. There
 * is one pool per opts.backend value, because a context's backend is set
 * once when it is created; opts.threads is set on every call.
 *
 * Async: the inputs (and the output buffer) are held by references until
 * the completion callback, so the garbage collector cannot free them while a
 * libuv worker reads them. As with Node's own fs.write(buffer), the caller
 * must not modify or transfer (detach) an input while its promise is pending.
 */
#include "args.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Idle contexts kept per pool; more concurrent calls create and destroy
 * extra contexts. A handful covers the libuv pool's 4 threads. */
#define POOL_IDLE_MAX 4

typedef struct {
    hdtw_ctx *idle[POOL_IDLE_MAX];
    int count;
} ctx_pool;

typedef struct {
    ctx_pool pools[ADDON_BACKEND_KEYS];
    hdtw_backend last_backend; /* who served the last successful call */
} addon_state;

typedef enum {
    JOB_PAIR, JOB_BATCH, JOB_SLIDING, JOB_SEARCH, JOB_SUBSEQUENCE, JOB_ZNORM,
    JOB_CDIST, JOB_PDIST
} job_kind;

/* One exported function: its JS name, what it computes, sync or async. */
typedef struct {
    const char *name;
    job_kind kind;
    bool async;
} entry;

/* Everything a call needs once its arguments are parsed; run_job touches
 * nothing from JS, so it can run on a libuv worker. */
typedef struct {
    const entry *fn;
    addon_opts opts;
    f64_view a, b;            /* pair: a, b; batch/sliding: pattern, windows/series;
                                 search, subsequence: query, series; znorm: x */
    size_t window, stride;    /* batch: window = patternLength */
    size_t count;             /* results: batch, sliding, znorm, cdist,
                                 pdist; search: k, capped at the number of
                                 windows; subsequence: k, capped at
                                 series.length */
    hdtw_set sets[2];         /* cdist: A, B; pdist: X (gathered copies) */
    double *set_values[2];    /* their malloc'd buffers */
    size_t *set_offsets[2];
    double *out;              /* count doubles inside the returned ArrayBuffer */
    hdtw_match *matches;      /* search: count matches (malloc) */
    hdtw_span *spans;         /* subsequence: count spans (malloc) */
    size_t found;             /* search, subsequence: matches written */
    double distance;          /* pair, opts.flag (alignment) false */
    hdtw_alignment alignment; /* pair, opts.flag (alignment) true */
    hdtw_ctx *ctx;
    hdtw_status status;
    /* ...Async only */
    napi_async_work work;
    napi_deferred deferred;
    napi_ref keep[3]; /* the two inputs and the output buffer */
} job;

#define MAX_ARGS 5

/* ------------------------------------------------------------ context pool */

static bool pool_acquire(addon_state *st, job *j, addon_error *err)
{
    if (j->fn->kind == JOB_ZNORM) /* hdtw_znorm takes no context */
        return true;
    ctx_pool *pool = &st->pools[j->opts.backend_key];
    hdtw_ctx *ctx = NULL;
    if (pool->count > 0) {
        ctx = pool->idle[--pool->count];
    } else {
        hdtw_status s = hdtw_create(&ctx);
        if (s != HDTW_OK)
            return fail_hdtw(err, s, "hdtw_create (check HDTW_BACKEND, "
                             "HDTW_DISABLE, HDTW_OPENCL_DEVICE)");
        if (j->opts.backend_key != ADDON_BACKEND_ENV &&
            (s = hdtw_set_backend(ctx, (hdtw_backend)(j->opts.backend_key - 1))) !=
                HDTW_OK) {
            hdtw_destroy(ctx);
            return fail_hdtw(err, s, hdtw_backend_name(
                                         (hdtw_backend)(j->opts.backend_key - 1)));
        }
    }
    hdtw_set_threads(ctx, j->opts.threads); /* threads >= 0: cannot fail */
    j->ctx = ctx;
    return true;
}

static void pool_release(addon_state *st, job *j)
{
    if (!j->ctx)
        return;
    if (!st) { /* no state to return it to (cannot happen in practice) */
        hdtw_destroy(j->ctx);
        j->ctx = NULL;
        return;
    }
    ctx_pool *pool = &st->pools[j->opts.backend_key];
    if (pool->count < POOL_IDLE_MAX)
        pool->idle[pool->count++] = j->ctx;
    else
        hdtw_destroy(j->ctx);
    j->ctx = NULL;
}

static void free_state(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    addon_state *st = data;
    for (int k = 0; k < ADDON_BACKEND_KEYS; k++)
        for (int i = 0; i < st->pools[k].count; i++)
            hdtw_destroy(st->pools[k].idle[i]);
    free(st);
}

/* ------------------------------------------------------------------ a job */

/* Native arguments: (x, y, n1, n2, packed options); see index.js. */
#define ARG_OPTS 4

static bool parse_pair(napi_env env, napi_value *argv, job *j, addon_error *err)
{
    if (!arg_f64(env, argv[0], "a", &j->a, err) ||
        !arg_f64(env, argv[1], "b", &j->b, err))
        return false;
    if (j->opts.flag && (j->a.length > UINT32_MAX || j->b.length > UINT32_MAX))
        return fail_range(err, "alignment indices must fit a Uint32Array; "
                          "use { alignment: false } for longer series");
    return true;
}

static bool parse_batch(napi_env env, napi_value *argv, job *j, addon_error *err)
{
    if (!arg_f64(env, argv[0], "pattern", &j->a, err) ||
        !arg_f64(env, argv[1], "historical", &j->b, err) ||
        !arg_count(env, argv[2], "patternLength", &j->window, err))
        return false;
    if (j->b.length % j->window != 0)
        return fail_range(err, "historical.length (%zu) must be a multiple of "
                          "patternLength (%zu)", j->b.length, j->window);
    /* the seed's callers pass equal lengths: another one is almost surely
     * a bug, so it takes { allowUnequalLengths: true } */
    if (j->a.length != j->window && !j->opts.flag)
        return fail_range(err, "pattern.length (%zu) differs from patternLength "
                          "(%zu); pass { allowUnequalLengths: true } if that "
                          "is meant", j->a.length, j->window);
    j->count = j->b.length / j->window;
    return true;
}

static bool parse_sliding(napi_env env, napi_value *argv, job *j,
                          addon_error *err)
{
    if (!arg_f64(env, argv[0], "pattern", &j->a, err) ||
        !arg_f64(env, argv[1], "series", &j->b, err) ||
        !arg_count(env, argv[2], "window", &j->window, err) ||
        !arg_count(env, argv[3], "stride", &j->stride, err))
        return false;
    if (j->window > j->b.length)
        return fail_range(err, "window (%zu) must not exceed series.length (%zu)",
                          j->window, j->b.length);
    j->count = hdtw_sliding_count(j->b.length, j->window, j->stride);
    return true;
}

/* (query, series, k) of dtwSearch and dtwSubsequence. */
static bool parse_query_k(napi_env env, napi_value *argv, job *j, size_t *k,
                          addon_error *err)
{
    return arg_f64(env, argv[0], "query", &j->a, err) &&
           arg_f64(env, argv[1], "series", &j->b, err) &&
           arg_count(env, argv[2], "k", k, err);
}

static bool parse_search(napi_env env, napi_value *argv, job *j,
                         addon_error *err)
{
    size_t k;
    if (!parse_query_k(env, argv, j, &k, err))
        return false;
    if (j->a.length > j->b.length)
        return fail_range(err, "query.length (%zu) must not exceed "
                          "series.length (%zu)", j->a.length, j->b.length);
    /* no more matches than windows, so a large k allocates nothing more */
    size_t windows = j->b.length - j->a.length + 1;
    j->count = k < windows ? k : windows;
    return true;
}

/* query, series and k; no band (opts has none: index.js refuses it). */
static bool parse_subsequence(napi_env env, napi_value *argv, job *j,
                              addon_error *err)
{
    size_t k;
    if (!parse_query_k(env, argv, j, &k, err))
        return false;
    /* no more spans than series values, so a large k allocates nothing
     * more */
    j->count = k < j->b.length ? k : j->b.length;
    j->opts.params.band = -1;
    return true;
}

/* A and B (cdist) or X (pdist), and the number of results. */
static bool parse_matrix(napi_env env, napi_value *argv, job *j,
                         addon_error *err)
{
    bool pdist = j->fn->kind == JOB_PDIST;
    for (int k = 0; k < (pdist ? 1 : 2); k++)
        if (!arg_series_set(env, argv[k], pdist ? "X" : k ? "B" : "A",
                            &j->sets[k], &j->set_values[k],
                            &j->set_offsets[k], err))
            return false;
    size_t rows = j->sets[0].count, columns = pdist ? rows - 1 : j->sets[1].count;
    /* rows and columns are array lengths (< 2^32): only the bytes can
     * overflow */
    if (columns && rows > SIZE_MAX / sizeof(double) / columns)
        return fail_range(err, "%s: the matrix (%zu x %zu) does not fit in "
                          "memory", j->fn->name, rows, columns);
    j->count = pdist ? rows * columns / 2 : rows * columns;
    return true;
}

static void free_sets(job *j)
{
    for (int k = 0; k < 2; k++) {
        free(j->set_values[k]);
        free(j->set_offsets[k]);
    }
}

static bool parse_job(napi_env env, napi_value *argv, job *j, addon_error *err)
{
    if (j->fn->kind == JOB_ZNORM) {
        j->opts = (addon_opts){ .params = HDTW_PARAMS_DEFAULT };
        if (!arg_f64(env, argv[0], "x", &j->a, err))
            return false;
        j->count = j->a.length;
        return true;
    }
    if (!arg_opts(env, argv[ARG_OPTS], &j->opts, err))
        return false;
    switch (j->fn->kind) {
    case JOB_PAIR: return parse_pair(env, argv, j, err);
    case JOB_BATCH: return parse_batch(env, argv, j, err);
    case JOB_SLIDING: return parse_sliding(env, argv, j, err);
    case JOB_SEARCH: return parse_search(env, argv, j, err);
    case JOB_SUBSEQUENCE: return parse_subsequence(env, argv, j, err);
    case JOB_CDIST:
    case JOB_PDIST: return parse_matrix(env, argv, j, err);
    case JOB_ZNORM: break;
    }
    return false;
}

/* Where the results go: the ArrayBuffer of the returned Float64Array
 * (batch, sliding, znorm), or a match list (search, subsequence); nothing
 * for a pair. */
static bool alloc_output(napi_env env, job *j, napi_value *buffer,
                         addon_error *err)
{
    void *data;
    *buffer = NULL;
    if (j->fn->kind == JOB_PAIR)
        return true;
    if (j->fn->kind == JOB_SEARCH) {
        j->matches = malloc(j->count * sizeof *j->matches);
        return j->matches || fail_hdtw(err, HDTW_E_NOMEM, j->fn->name);
    }
    if (j->fn->kind == JOB_SUBSEQUENCE) {
        j->spans = malloc(j->count * sizeof *j->spans);
        return j->spans || fail_hdtw(err, HDTW_E_NOMEM, j->fn->name);
    }
    if (napi_create_arraybuffer(env, j->count * sizeof(double), &data, buffer) !=
        napi_ok)
        return fail_js(err);
    j->out = data;
    return true;
}

static void run_search(job *j)
{
    hdtw_search_params sp = { j->opts.params, j->opts.flag, j->opts.exclusion };
    j->status = hdtw_search(j->ctx, &sp, j->a.data, j->a.length, j->b.data,
                            j->b.length, j->count, j->matches, &j->found);
}

static void run_job(job *j)
{
    const hdtw_params *p = &j->opts.params;
    switch (j->fn->kind) {
    case JOB_PAIR:
        j->status = j->opts.flag
            ? hdtw_align(j->ctx, p, j->a.data, j->a.length, j->b.data,
                         j->b.length, &j->alignment)
            : hdtw_distance(j->ctx, p, j->a.data, j->a.length, j->b.data,
                            j->b.length, &j->distance);
        break;
    case JOB_BATCH:
        j->status = hdtw_batch(j->ctx, p, j->a.data, j->a.length, j->b.data,
                               j->count, j->window, j->out);
        break;
    case JOB_SLIDING:
        j->status = hdtw_sliding(j->ctx, p, j->a.data, j->a.length, j->b.data,
                                 j->b.length, j->window, j->stride, j->out);
        break;
    case JOB_SEARCH:
        run_search(j);
        break;
    case JOB_SUBSEQUENCE:
        j->status = hdtw_subsequence(j->ctx, p, j->a.data, j->a.length,
                                     j->b.data, j->b.length, j->count,
                                     j->spans, &j->found);
        break;
    case JOB_ZNORM:
        j->status = hdtw_znorm(j->a.data, j->a.length, j->out);
        break;
    case JOB_CDIST:
        j->status = hdtw_cdist(j->ctx, p, &j->sets[0], &j->sets[1], j->out);
        break;
    case JOB_PDIST: /* one series: no result, and a 0-byte buffer may have
                       no address, which hdtw_pdist would refuse */
        j->status = hdtw_pdist(j->ctx, p, &j->sets[0],
                               j->out ? j->out : &j->distance);
        break;
    }
}

/* Gives the context back and turns the status into an error. */
static bool finish_job(addon_state *st, job *j, addon_error *err)
{
    if (j->status == HDTW_OK && j->ctx)
        st->last_backend = hdtw_last_backend(j->ctx);
    pool_release(st, j);
    return j->status == HDTW_OK || fail_hdtw(err, j->status, j->fn->name);
}

static bool set_double(napi_env env, napi_value obj, const char *name, double x)
{
    napi_value v;
    return napi_create_double(env, x, &v) == napi_ok &&
           napi_set_named_property(env, obj, name, v) == napi_ok;
}

/* [i0, j0, i1, j1, ...] as a Uint32Array (indices checked by parse_pair). */
static bool set_path(napi_env env, napi_value obj, const hdtw_alignment *al)
{
    size_t entries = 2 * al->path_len;
    void *data;
    napi_value buffer, array;
    if (napi_create_arraybuffer(env, entries * sizeof(uint32_t), &data,
                                &buffer) != napi_ok)
        return false;
    uint32_t *path = data;
    for (size_t k = 0; k < entries; k++)
        path[k] = (uint32_t)al->path[k];
    return napi_create_typedarray(env, napi_uint32_array, entries, buffer, 0,
                                  &array) == napi_ok &&
           napi_set_named_property(env, obj, "alignment", array) == napi_ok;
}

/* A new Float64Array of `length` doubles; *data is where to write them. */
static bool new_f64_array(napi_env env, size_t length, double **data,
                          napi_value *array)
{
    napi_value buffer;
    void *bytes;
    if (napi_create_arraybuffer(env, length * sizeof(double), &bytes, &buffer) !=
            napi_ok ||
        napi_create_typedarray(env, napi_float64_array, length, buffer, 0,
                               array) != napi_ok)
        return false;
    *data = bytes;
    return true;
}

/* { starts, distances } (search) or { starts, ends, distances }
 * (subsequence, ends inclusive as in hdtw_span): Float64Arrays of the
 * matches found. Indices are Float64Array because a double holds every
 * index below 2^53 exactly and indexes JS arrays as it is (a Uint32Array
 * would cap the series at 2^32 values, a BigUint64Array would need BigInt
 * arithmetic). */
static bool make_matches(napi_env env, const job *j, napi_value *result)
{
    bool spans = j->fn->kind == JOB_SUBSEQUENCE;
    napi_value starts, ends = NULL, distances;
    double *start, *end = NULL, *distance;
    if (napi_create_object(env, result) != napi_ok ||
        !new_f64_array(env, j->found, &start, &starts) ||
        (spans && !new_f64_array(env, j->found, &end, &ends)) ||
        !new_f64_array(env, j->found, &distance, &distances))
        return false;
    for (size_t k = 0; k < j->found; k++) {
        start[k] = (double)(spans ? j->spans[k].start : j->matches[k].start);
        distance[k] = spans ? j->spans[k].distance : j->matches[k].distance;
        if (spans)
            end[k] = (double)j->spans[k].end;
    }
    return napi_set_named_property(env, *result, "starts", starts) == napi_ok &&
           (!spans ||
            napi_set_named_property(env, *result, "ends", ends) == napi_ok) &&
           napi_set_named_property(env, *result, "distances", distances) ==
               napi_ok;
}

/* A pair without alignment gives a bare number (index.js wraps it in
 * { distance }, a cheaper allocation in JS than through Node-API). */
static bool make_result(napi_env env, const job *j, napi_value buffer,
                        napi_value *result, addon_error *err)
{
    bool ok;
    switch (j->fn->kind) {
    case JOB_PAIR:
        if (!j->opts.flag)
            return napi_create_double(env, j->distance, result) == napi_ok ||
                   fail_js(err);
        ok = napi_create_object(env, result) == napi_ok &&
             set_double(env, *result, "distance", j->alignment.distance) &&
             set_double(env, *result, "similarity", j->alignment.similarity) &&
             set_path(env, *result, &j->alignment);
        break;
    case JOB_SEARCH:
    case JOB_SUBSEQUENCE:
        ok = make_matches(env, j, result);
        break;
    default:
        ok = napi_create_typedarray(env, napi_float64_array, j->count, buffer, 0,
                                    result) == napi_ok;
    }
    return ok || fail_js(err);
}

/* -------------------------------------------------------------------- sync */

static napi_value run_sync(napi_env env, const entry *fn, napi_value *argv,
                           addon_state *st)
{
    job j = { .fn = fn };
    addon_error err = { 0 };
    napi_value buffer = NULL, result = NULL;
    bool ok = parse_job(env, argv, &j, &err) &&
              alloc_output(env, &j, &buffer, &err) &&
              pool_acquire(st, &j, &err);
    if (ok) {
        run_job(&j);
        ok = finish_job(st, &j, &err) &&
             make_result(env, &j, buffer, &result, &err);
    }
    hdtw_alignment_free(&j.alignment);
    free(j.matches);
    free(j.spans);
    free_sets(&j);
    if (!ok)
        throw_error(env, &err);
    return ok ? result : NULL;
}

/* ------------------------------------------------------------------- async */

static void free_job(napi_env env, addon_state *st, job *j)
{
    pool_release(st, j);
    for (int k = 0; k < 3; k++)
        if (j->keep[k])
            napi_delete_reference(env, j->keep[k]);
    if (j->work)
        napi_delete_async_work(env, j->work);
    hdtw_alignment_free(&j->alignment);
    free(j->matches);
    free(j->spans);
    free_sets(j);
    free(j);
}

static void reject(napi_env env, napi_deferred deferred, const addon_error *err)
{
    napi_value e = error_value(env, err);
    if (!e)
        napi_get_undefined(env, &e);
    napi_reject_deferred(env, deferred, e);
}

static void execute(napi_env env, void *data)
{
    (void)env; /* a libuv worker: no JS here */
    run_job(data);
}

static void complete(napi_env env, napi_status status, void *data)
{
    job *j = data;
    addon_state *st = NULL;
    addon_error err = { 0 };
    napi_value buffer = NULL, result = NULL;
    bool ok = napi_get_instance_data(env, (void **)&st) == napi_ok || fail_js(&err);
    if (ok && status != napi_ok) {
        ok = fail_js(&err); /* cancelled: the worker never ran */
        snprintf(err.message, sizeof err.message, "%s: cancelled", j->fn->name);
    }
    ok = ok && finish_job(st, j, &err) &&
         (!j->keep[2] ||
          napi_get_reference_value(env, j->keep[2], &buffer) == napi_ok ||
          fail_js(&err)) &&
         make_result(env, j, buffer, &result, &err);
    if (ok)
        napi_resolve_deferred(env, j->deferred, result);
    else
        reject(env, j->deferred, &err);
    free_job(env, st, j);
}

/* References keep the inputs and the output alive until complete(). */
static bool keep_alive(napi_env env, job *j, napi_value *argv, napi_value buffer,
                       addon_error *err)
{
    bool two_inputs = j->fn->kind != JOB_ZNORM && j->fn->kind != JOB_PDIST;
    if (napi_create_reference(env, argv[0], 1, &j->keep[0]) != napi_ok ||
        (two_inputs &&
         napi_create_reference(env, argv[1], 1, &j->keep[1]) != napi_ok) ||
        (buffer && napi_create_reference(env, buffer, 1, &j->keep[2]) != napi_ok))
        return fail_js(err);
    return true;
}

static bool start_async(napi_env env, job *j, napi_value *argv, addon_state *st,
                        addon_error *err)
{
    napi_value buffer, resource;
    if (!parse_job(env, argv, j, err) || !alloc_output(env, j, &buffer, err) ||
        !keep_alive(env, j, argv, buffer, err) || !pool_acquire(st, j, err))
        return false;
    if (napi_create_string_utf8(env, j->fn->name, NAPI_AUTO_LENGTH, &resource) !=
            napi_ok ||
        napi_create_async_work(env, NULL, resource, execute, complete, j,
                               &j->work) != napi_ok ||
        napi_queue_async_work(env, j->work) != napi_ok)
        return fail_js(err);
    return true;
}

/* Never throws for bad arguments: the promise is rejected instead. */
static napi_value run_async(napi_env env, const entry *fn, napi_value *argv,
                            addon_state *st)
{
    napi_value promise;
    napi_deferred deferred;
    if (napi_create_promise(env, &deferred, &promise) != napi_ok)
        return NULL;
    addon_error err = { 0 };
    job *j = calloc(1, sizeof *j);
    if (!j) {
        fail_hdtw(&err, HDTW_E_NOMEM, fn->name);
        reject(env, deferred, &err);
        return promise;
    }
    j->fn = fn;
    j->deferred = deferred;
    if (!start_async(env, j, argv, st, &err)) {
        reject(env, deferred, &err);
        free_job(env, st, j);
    }
    return promise;
}

/* ----------------------------------------------------------------- exports */

static napi_value call(napi_env env, napi_callback_info info)
{
    size_t argc = MAX_ARGS;
    napi_value argv[MAX_ARGS]; /* missing arguments read as undefined */
    void *data;
    addon_state *st;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok ||
        napi_get_instance_data(env, (void **)&st) != napi_ok) {
        addon_error err;
        fail_js(&err);
        throw_error(env, &err);
        return NULL;
    }
    const entry *fn = data;
    return fn->async ? run_async(env, fn, argv, st) : run_sync(env, fn, argv, st);
}

/* distanceLoop(a, b, reps, _, packed): hdtw_distance on one context reps
 * times, returning the distance. Not part of the API: bench/js/seed_bench.js
 * times it to tell one call's DTW work from the binding's own cost. */
static napi_value distance_loop(napi_env env, napi_callback_info info)
{
    static const entry fn = { "distanceLoop", JOB_PAIR, false };
    size_t argc = MAX_ARGS, reps = 0;
    napi_value argv[MAX_ARGS], result = NULL;
    addon_state *st;
    job j = { .fn = &fn };
    addon_error err = { 0 };
    bool ok = (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok &&
               napi_get_instance_data(env, (void **)&st) == napi_ok) ||
              fail_js(&err);
    ok = ok && arg_opts(env, argv[ARG_OPTS], &j.opts, &err) &&
         arg_f64(env, argv[0], "a", &j.a, &err) &&
         arg_f64(env, argv[1], "b", &j.b, &err) &&
         arg_count(env, argv[2], "reps", &reps, &err) &&
         pool_acquire(st, &j, &err);
    if (ok) {
        j.opts.flag = false; /* distance only */
        for (size_t r = 0; r < reps && j.status == HDTW_OK; r++)
            run_job(&j);
        ok = finish_job(st, &j, &err) &&
             (napi_create_double(env, j.distance, &result) == napi_ok ||
              fail_js(&err));
    }
    if (!ok)
        throw_error(env, &err);
    return result;
}

static bool set_string(napi_env env, napi_value obj, const char *name,
                       const char *text)
{
    napi_value v;
    return napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v) == napi_ok &&
           napi_set_named_property(env, obj, name, v) == napi_ok;
}

static bool set_bool(napi_env env, napi_value obj, const char *name, bool x)
{
    napi_value v;
    return napi_get_boolean(env, x, &v) == napi_ok &&
           napi_set_named_property(env, obj, name, v) == napi_ok;
}

static bool device_object(napi_env env, const hdtw_device_info *d,
                          napi_value *obj)
{
    return napi_create_object(env, obj) == napi_ok &&
           set_string(env, *obj, "name", d->name) &&
           set_string(env, *obj, "vendor", d->vendor) &&
           set_string(env, *obj, "platform", d->platform) &&
           set_double(env, *obj, "computeUnits", d->compute_units) &&
           set_double(env, *obj, "globalMemBytes", (double)d->global_mem_bytes) &&
           set_bool(env, *obj, "isGpu", d->is_gpu) &&
           set_bool(env, *obj, "fp64", d->fp64);
}

/* The OpenCL devices in hdtw_opencl_devices order; [] without OpenCL. */
static bool list_devices(napi_env env, hdtw_ctx *ctx, napi_value *array,
                         addon_error *err)
{
    size_t total = 0;
    hdtw_status s = hdtw_opencl_devices(ctx, NULL, 0, &total);
    hdtw_device_info *info = total ? calloc(total, sizeof *info) : NULL;
    if (s == HDTW_OK && total && !info)
        s = HDTW_E_NOMEM;
    if (s == HDTW_OK && total)
        s = hdtw_opencl_devices(ctx, info, total, &total);
    bool ok = s == HDTW_OK || fail_hdtw(err, s, "openclDevices");
    ok = ok && (napi_create_array_with_length(env, total, array) == napi_ok ||
                fail_js(err));
    for (size_t k = 0; ok && k < total; k++) {
        napi_value d;
        ok = (device_object(env, &info[k], &d) &&
              napi_set_element(env, *array, (uint32_t)k, d) == napi_ok) ||
             fail_js(err);
    }
    free(info);
    return ok;
}

static napi_value opencl_devices(napi_env env, napi_callback_info info)
{
    static const entry fn = { "openclDevices", JOB_PAIR, false };
    addon_state *st;
    job j = { .fn = &fn };
    addon_error err = { 0 };
    napi_value result = NULL;
    (void)info;
    bool ok = (napi_get_instance_data(env, (void **)&st) == napi_ok ||
               fail_js(&err)) &&
              pool_acquire(st, &j, &err) && list_devices(env, j.ctx, &result, &err);
    pool_release(st, &j);
    if (!ok)
        throw_error(env, &err);
    return result;
}

static napi_value last_backend(napi_env env, napi_callback_info info)
{
    addon_state *st;
    napi_value name;
    (void)info;
    if (napi_get_instance_data(env, (void **)&st) != napi_ok ||
        napi_create_string_utf8(env, hdtw_backend_name(st->last_backend),
                                NAPI_AUTO_LENGTH, &name) != napi_ok)
        return NULL;
    return name;
}

static const entry entries[] = {
    { "dtwDistance", JOB_PAIR, false },
    { "dtwBatch", JOB_BATCH, false },
    { "dtwSliding", JOB_SLIDING, false },
    { "dtwSearch", JOB_SEARCH, false },
    { "dtwSubsequence", JOB_SUBSEQUENCE, false },
    { "znorm", JOB_ZNORM, false },
    { "dtwCdist", JOB_CDIST, false },
    { "dtwPdist", JOB_PDIST, false },
    { "dtwDistanceAsync", JOB_PAIR, true },
    { "dtwBatchAsync", JOB_BATCH, true },
    { "dtwSlidingAsync", JOB_SLIDING, true },
    { "dtwSearchAsync", JOB_SEARCH, true },
    { "dtwSubsequenceAsync", JOB_SUBSEQUENCE, true },
    { "znormAsync", JOB_ZNORM, true },
    { "dtwCdistAsync", JOB_CDIST, true },
    { "dtwPdistAsync", JOB_PDIST, true },
};

#define ENTRY_COUNT (sizeof entries / sizeof *entries)

NAPI_MODULE_INIT()
{
    addon_state *st = calloc(1, sizeof *st);
    if (!st || napi_set_instance_data(env, st, free_state, NULL) != napi_ok) {
        free(st);
        napi_throw_error(env, NULL, "hdtw: cannot initialise the addon");
        return NULL;
    }
    napi_property_descriptor props[ENTRY_COUNT + 3];
    for (size_t k = 0; k < ENTRY_COUNT; k++)
        props[k] = (napi_property_descriptor){
            .utf8name = entries[k].name, .method = call,
            .attributes = napi_enumerable, .data = (void *)&entries[k] };
    props[ENTRY_COUNT] = (napi_property_descriptor){
        .utf8name = "lastBackend", .method = last_backend,
        .attributes = napi_enumerable };
    props[ENTRY_COUNT + 1] = (napi_property_descriptor){
        .utf8name = "distanceLoop", .method = distance_loop };
    props[ENTRY_COUNT + 2] = (napi_property_descriptor){
        .utf8name = "openclDevices", .method = opencl_devices,
        .attributes = napi_enumerable };
    if (napi_define_properties(env, exports, ENTRY_COUNT + 3, props) != napi_ok)
        return NULL;
    return exports;
}
