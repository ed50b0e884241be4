/* SPDX-License-Identifier: MIT */
/*
 * args.h — JavaScript arguments to C values for the hdtw Node.js addon, and
 * the errors that go back to JavaScript.
 *
 * Parsing never throws by itself: it fills an addon_error, so the same code
 * serves the synchronous functions (which throw it) and the ...Async ones
 * (which return a promise rejected with it).
 */
#ifndef HDTW_NODE_ARGS_H
#define HDTW_NODE_ARGS_H

#define NAPI_VERSION 8
#include <node_api.h>

#include <hdtw.h>

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    ADDON_OK = 0,
    ADDON_TYPE_ERROR,  /* a JS value of the wrong type: TypeError */
    ADDON_RANGE_ERROR, /* right type, impossible value or size: RangeError */
    ADDON_DETACHED,    /* an input whose ArrayBuffer was detached
                          (transferred): TypeError, code ERR_INVALID_STATE */
    ADDON_HDTW_ERROR,  /* a status from hdtw: Error with code HDTW_E_... */
    ADDON_JS_ERROR     /* a JS exception is pending (a throwing getter, a
                          failed allocation in the engine) */
} addon_error_kind;

typedef struct {
    addon_error_kind kind;
    hdtw_status status; /* for ADDON_HDTW_ERROR */
    char message[192];
} addon_error;

/* The pool a call takes its context from: ADDON_BACKEND_ENV when opts has no
 * backend (HDTW_BACKEND from the environment decides), otherwise
 * 1 + the hdtw_backend asked for. */
#define ADDON_BACKEND_ENV 0
#define ADDON_BACKEND_KEYS (1 + HDTW_BACKEND_COUNT)

/* The options, parsed and checked by index.js and handed over as one
 * Float64Array of ADDON_OPT_COUNT numbers, so that a call reads them with a
 * single Node-API call instead of one property lookup per key. */
enum {
    ADDON_OPT_COST,      /* 0 abs, 1 squared */
    ADDON_OPT_BAND,      /* an integer; negative: no band */
    ADDON_OPT_BACKEND,   /* ADDON_BACKEND_ENV or 1 + hdtw_backend */
    ADDON_OPT_THREADS,   /* 0: all cores */
    ADDON_OPT_FLAG,      /* 0 or 1: dtwDistance alignment, dtwBatch
                            allowUnequalLengths, dtwSearch znorm */
    ADDON_OPT_EXCLUSION, /* dtwSearch; negative: HDTW_EXCLUSION_AUTO */
    ADDON_OPT_MAX_DIST,  /* hdtw_params.max_dist: 0 none, > 0 or +inf */
    ADDON_OPT_COUNT
};

typedef struct {
    hdtw_params params;
    int backend_key;  /* ADDON_BACKEND_ENV or 1 + hdtw_backend */
    int threads;      /* 0: all cores */
    bool flag;        /* see ADDON_OPT_FLAG */
    size_t exclusion; /* dtwSearch */
} addon_opts;

/* A Float64Array read in place (data already includes the view's offset).
 * index.js has already turned a number[] into a Float64Array. */
typedef struct {
    const double *data;
    size_t length;
} f64_view;

/* Each returns true on success; on failure it fills *err and returns false. */
bool arg_f64(napi_env env, napi_value value, const char *name, f64_view *out,
             addon_error *err);
bool arg_count(napi_env env, napi_value value, const char *name, size_t *out,
               addon_error *err);
/* A set of series for dtwCdist and dtwPdist: a JS array of Float64Array
 * (index.js has converted number[] elements), each read through arg_f64
 * (named "A[3]" in messages) and gathered once, back to back, into one
 * malloc'd buffer *values, with *offsets (count + 1 entries, malloc'd)
 * when the lengths differ, else NULL; *out describes them as an hdtw_set.
 * The caller frees *values and *offsets, also after a failure. */
bool arg_series_set(napi_env env, napi_value value, const char *name,
                    hdtw_set *out, double **values, size_t **offsets,
                    addon_error *err);
/* The packed options of index.js (see ADDON_OPT_...), checked again so that
 * a direct call of the native function cannot reach the library with
 * values it would misread. */
bool arg_opts(napi_env env, napi_value value, addon_opts *out,
              addon_error *err);

/* Fills *err; always returns false, so callers can `return fail_...(...)`. */
bool fail_range(addon_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool fail_hdtw(addon_error *err, hdtw_status status, const char *context);
bool fail_js(addon_error *err);

/* The JS Error object for err. For ADDON_JS_ERROR the pending exception is
 * taken (and cleared). Returns NULL only if even that fails. */
napi_value error_value(napi_env env, const addon_error *err);

/* Throws err (for ADDON_JS_ERROR the pending exception is left in place). */
void throw_error(napi_env env, const addon_error *err);

#endif /* HDTW_NODE_ARGS_H */
