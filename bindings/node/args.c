/* SPDX-License-Identifier: MIT */
/*
 * args.c — JavaScript arguments to C values, and errors back to JavaScript.
 *
 * The rules (docs/NODE.md): a value of the wrong JS type is a TypeError;
 * an array whose buffer was detached is a TypeError with its own message;
 * the right type with an impossible value (empty array, length 0, a window
 * longer than the series) is a RangeError; a status from hdtw itself (NaN or
 * Infinity in the data, a backend absent here) is an Error whose code is the
 * status name ("HDTW_E_NONFINITE") and whose message is hdtw_strerror's
 * text. The options object is parsed by index.js (option names, types and
 * values); here only its packed numbers are checked.
 */
#include "args.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest integer a double holds exactly (Number.MAX_SAFE_INTEGER). */
#define MAX_SAFE_INTEGER 9007199254740991.0

static bool fail_kind(addon_error *err, addon_error_kind kind, const char *fmt,
                      va_list ap)
{
    err->kind = kind;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return false;
}

static bool fail_type(addon_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool fail_type(addon_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_kind(err, ADDON_TYPE_ERROR, fmt, ap);
    va_end(ap);
    return false;
}

bool fail_range(addon_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_kind(err, ADDON_RANGE_ERROR, fmt, ap);
    va_end(ap);
    return false;
}

bool fail_hdtw(addon_error *err, hdtw_status status, const char *context)
{
    err->kind = ADDON_HDTW_ERROR;
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s: %s", context,
             hdtw_strerror(status));
    return false;
}

bool fail_js(addon_error *err)
{
    err->kind = ADDON_JS_ERROR;
    snprintf(err->message, sizeof err->message, "a Node-API call failed");
    return false;
}

static const char *typed_array_name(napi_typedarray_type type)
{
    switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    }
    return "typed array";
}

/* A view of length 0: an empty array, or one whose buffer was transferred
 * away (a detached buffer also reads as length 0). */
static bool fail_empty(napi_env env, napi_value buffer, const char *name,
                       addon_error *err)
{
    bool detached = false;
    if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok)
        return fail_js(err);
    if (!detached)
        return fail_range(err, "%s must not be empty", name);
    err->kind = ADDON_DETACHED;
    snprintf(err->message, sizeof err->message,
             "%s: its ArrayBuffer is detached (transferred to a worker or "
             "with structuredClone); pass a Float64Array that still owns its "
             "memory", name);
    return false;
}

/* One Node-API call on the fast path: napi_get_typedarray_info itself
 * refuses (napi_invalid_arg, no exception) a value that is no typed array. */
bool arg_f64(napi_env env, napi_value value, const char *name, f64_view *out,
             addon_error *err)
{
    napi_typedarray_type type;
    size_t length;
    void *data;
    napi_value buffer;
    napi_status s = napi_get_typedarray_info(env, value, &type, &length, &data,
                                             &buffer, NULL);
    if (s == napi_invalid_arg)
        return fail_type(err, "%s must be a Float64Array or an array of "
                         "numbers", name);
    if (s != napi_ok)
        return fail_js(err);
    if (type != napi_float64_array)
        return fail_type(err, "%s must be a Float64Array or an array of "
                         "numbers, not a %s (convert it once with "
                         "Float64Array.from)", name, typed_array_name(type));
    if (length == 0 || !data)
        return fail_empty(env, buffer, name, err);
    out->data = data;
    out->length = length;
    return true;
}

/* The elements of the JS array `value` as views into views[0 .. count-1]
 * (malloc'd, the caller frees it) and their total length. */
static bool set_views(napi_env env, napi_value value, const char *name,
                      f64_view **views, uint32_t *count, size_t *total,
                      addon_error *err)
{
    bool is_array = false;
    if (napi_is_array(env, value, &is_array) != napi_ok)
        return fail_js(err);
    if (!is_array)
        return fail_type(err, "%s must be an array of series (Float64Array "
                         "or number[])", name);
    if (napi_get_array_length(env, value, count) != napi_ok)
        return fail_js(err);
    if (*count == 0)
        return fail_range(err, "%s must not be empty", name);
    *views = malloc(*count * sizeof **views);
    if (!*views)
        return fail_hdtw(err, HDTW_E_NOMEM, name);
    *total = 0;
    for (uint32_t k = 0; k < *count; k++) {
        napi_value item;
        char item_name[64];
        snprintf(item_name, sizeof item_name, "%s[%u]", name, k);
        if (napi_get_element(env, value, k, &item) != napi_ok)
            return fail_js(err);
        if (!arg_f64(env, item, item_name, &(*views)[k], err))
            return false;
        if ((*views)[k].length > SIZE_MAX / sizeof(double) - *total)
            return fail_hdtw(err, HDTW_E_NOMEM, name);
        *total += (*views)[k].length;
    }
    return true;
}

/* views[0 .. count-1] copied back to back into the new buffers of *out. */
static bool gather_views(const f64_view *views, size_t count, size_t total,
                         const char *name, hdtw_set *out, double **values,
                         size_t **offsets, addon_error *err)
{
    *values = malloc(total * sizeof **values);
    *offsets = malloc((count + 1) * sizeof **offsets);
    if (!*values || !*offsets)
        return fail_hdtw(err, HDTW_E_NOMEM, name);
    bool equal = true;
    (*offsets)[0] = 0;
    for (size_t k = 0; k < count; k++) {
        memcpy(*values + (*offsets)[k], views[k].data,
               views[k].length * sizeof(double));
        (*offsets)[k + 1] = (*offsets)[k] + views[k].length;
        equal = equal && views[k].length == views[0].length;
    }
    *out = (hdtw_set){ *values, *offsets, count, views[0].length };
    if (equal) { /* a fixed set: the kernels need no length order */
        out->offsets = NULL;
        free(*offsets);
        *offsets = NULL;
    }
    return true;
}

bool arg_series_set(napi_env env, napi_value value, const char *name,
                    hdtw_set *out, double **values, size_t **offsets,
                    addon_error *err)
{
    f64_view *views = NULL;
    uint32_t count = 0;
    size_t total = 0;
    bool ok = set_views(env, value, name, &views, &count, &total, err) &&
              gather_views(views, count, total, name, out, values, offsets,
                           err);
    free(views);
    return ok;
}

/* A JS number that must be an integer in [lo, hi]. */
static bool get_integer(napi_env env, napi_value value, const char *name,
                        double lo, double hi, double *out, addon_error *err)
{
    napi_valuetype type;
    if (napi_typeof(env, value, &type) != napi_ok)
        return fail_js(err);
    if (type != napi_number)
        return fail_type(err, "%s must be a number", name);
    double x;
    if (napi_get_value_double(env, value, &x) != napi_ok)
        return fail_js(err);
    if (!(x >= lo && x <= hi) || floor(x) != x)
        return fail_range(err, "%s must be an integer from %.0f to %.0f, not %g",
                          name, lo, hi, x);
    *out = x;
    return true;
}

bool arg_count(napi_env env, napi_value value, const char *name, size_t *out,
               addon_error *err)
{
    double x = 0;
    if (!get_integer(env, value, name, 1, MAX_SAFE_INTEGER, &x, err))
        return false;
    *out = (size_t)x;
    return true;
}

/* o[k] as an integer in [lo, hi]; false when it is not one. */
static bool packed_int(const double *o, int k, double lo, double hi)
{
    return o[k] >= lo && o[k] <= hi && floor(o[k]) == o[k];
}

bool arg_opts(napi_env env, napi_value value, addon_opts *out,
              addon_error *err)
{
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void *data = NULL;
    napi_status s = napi_get_typedarray_info(env, value, &type, &length, &data,
                                             NULL, NULL);
    if (s != napi_ok && s != napi_invalid_arg)
        return fail_js(err);
    const double *o = data;
    if (s != napi_ok || type != napi_float64_array ||
        length != ADDON_OPT_COUNT ||
        !packed_int(o, ADDON_OPT_COST, HDTW_COST_ABS, HDTW_COST_SQUARED) ||
        !packed_int(o, ADDON_OPT_BAND, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) ||
        !packed_int(o, ADDON_OPT_BACKEND, 0, ADDON_BACKEND_KEYS - 1) ||
        !packed_int(o, ADDON_OPT_THREADS, 0, INT_MAX) ||
        !packed_int(o, ADDON_OPT_FLAG, 0, 1) ||
        !packed_int(o, ADDON_OPT_EXCLUSION, -1, MAX_SAFE_INTEGER) ||
        !(o[ADDON_OPT_MAX_DIST] >= 0.0))
        return fail_type(err, "the native hdtw functions take options packed "
                         "by index.js: require('hdtw'), not hdtw.node");
    /* any negative band means "no band"; one wider than the series is the
     * same as none, so the bound above only keeps the value exact */
    double band = o[ADDON_OPT_BAND], exclusion = o[ADDON_OPT_EXCLUSION];
    *out = (addon_opts){
        .params = { (hdtw_cost)o[ADDON_OPT_COST], band < 0 ? -1 : (long)band,
                    o[ADDON_OPT_MAX_DIST] },
        .backend_key = (int)o[ADDON_OPT_BACKEND],
        .threads = (int)o[ADDON_OPT_THREADS],
        .flag = o[ADDON_OPT_FLAG] != 0,
        .exclusion = exclusion < 0 ? HDTW_EXCLUSION_AUTO : (size_t)exclusion,
    };
    return true;
}

static const char *status_code(hdtw_status status)
{
    switch (status) {
    case HDTW_OK: return "HDTW_OK";
    case HDTW_E_ARG: return "HDTW_E_ARG";
    case HDTW_E_NONFINITE: return "HDTW_E_NONFINITE";
    case HDTW_E_NOMEM: return "HDTW_E_NOMEM";
    case HDTW_E_UNSUPPORTED: return "HDTW_E_UNSUPPORTED";
    case HDTW_E_DEVICE: return "HDTW_E_DEVICE";
    case HDTW_E_CANCELLED: return "HDTW_E_CANCELLED";
    }
    return "HDTW_E_UNKNOWN";
}

napi_value error_value(napi_env env, const addon_error *err)
{
    napi_value result = NULL, code, message;
    bool pending = false;
    if (err->kind == ADDON_JS_ERROR &&
        napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &result) == napi_ok)
        return result;

    const char *code_text = err->kind == ADDON_TYPE_ERROR ? "ERR_INVALID_ARG_TYPE"
                          : err->kind == ADDON_DETACHED ? "ERR_INVALID_STATE"
                          : err->kind == ADDON_RANGE_ERROR ? "ERR_OUT_OF_RANGE"
                          : err->kind == ADDON_HDTW_ERROR ? status_code(err->status)
                          : "ERR_HDTW_NODE_API";
    if (napi_create_string_utf8(env, code_text, NAPI_AUTO_LENGTH, &code) != napi_ok ||
        napi_create_string_utf8(env, err->message, NAPI_AUTO_LENGTH, &message) != napi_ok)
        return NULL;
    bool is_type_error = err->kind == ADDON_TYPE_ERROR || err->kind == ADDON_DETACHED;
    napi_status s = is_type_error
                        ? napi_create_type_error(env, code, message, &result)
                  : err->kind == ADDON_RANGE_ERROR
                        ? napi_create_range_error(env, code, message, &result)
                        : napi_create_error(env, code, message, &result);
    return s == napi_ok ? result : NULL;
}

void throw_error(napi_env env, const addon_error *err)
{
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
        return; /* the JS exception already on its way wins */
    napi_value e = error_value(env, err);
    if (e)
        napi_throw(env, e);
}
