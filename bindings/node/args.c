/*
 * args.c — JavaScript arguments to C values, and errors back to JavaScript.
 *
 * The rules (README, "Node.js"): a value of the wrong JS type is a TypeError;
 * the right type with an impossible value (empty array, length 0, a window
 * longer than the series, an unknown cost name) is a RangeError; a status
 * from hdtw itself (NaN or Infinity in the data, a backend absent here) is an
 * Error whose code is the status name ("HDTW_E_NONFINITE") and whose
 * message is hdtw_strerror's text.
 */
#include "args.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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

bool arg_f64(napi_env env, napi_value value, const char *name, f64_view *out,
             addon_error *err)
{
    bool is_typed_array;
    if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok)
        return fail_js(err);
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void *data = NULL;
    if (is_typed_array &&
        napi_get_typedarray_info(env, value, &type, &length, &data, NULL,
                                 NULL) != napi_ok)
        return fail_js(err);
    if (!is_typed_array || type != napi_float64_array)
        return fail_type(err, "%s must be a Float64Array", name);
    /* a detached buffer reads as length 0 and data NULL */
    if (length == 0 || !data)
        return fail_range(err, "%s must not be empty", name);
    out->data = data;
    out->length = length;
    return true;
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

/* obj[name] and its type. */
static bool get_property(napi_env env, napi_value obj, const char *name,
                         napi_value *value, napi_valuetype *type,
                         addon_error *err)
{
    if (napi_get_named_property(env, obj, name, value) != napi_ok ||
        napi_typeof(env, *value, type) != napi_ok)
        return fail_js(err);
    return true;
}

/* A short string option. Longer strings are cut, and a string holding a NUL
 * ("abs\0x") is cut to "" here, so that neither matches a name. */
static bool get_word(napi_env env, napi_value value, napi_valuetype type,
                     const char *name, char *word, size_t size,
                     addon_error *err)
{
    size_t copied;
    if (type != napi_string)
        return fail_type(err, "%s must be a string", name);
    if (napi_get_value_string_utf8(env, value, word, size, &copied) != napi_ok)
        return fail_js(err);
    if (strlen(word) != copied)
        word[0] = '\0';
    return true;
}

static bool opt_cost(napi_env env, napi_value value, napi_valuetype type,
                     hdtw_cost *out, addon_error *err)
{
    char word[16];
    if (!get_word(env, value, type, "opts.cost", word, sizeof word, err))
        return false;
    if (strcmp(word, "abs") == 0)
        *out = HDTW_COST_ABS;
    else if (strcmp(word, "squared") == 0)
        *out = HDTW_COST_SQUARED;
    else
        return fail_range(err, "opts.cost must be 'abs' or 'squared', not '%s'",
                          word);
    return true;
}

static bool opt_backend(napi_env env, napi_value value, napi_valuetype type,
                        int *key, addon_error *err)
{
    char word[16];
    if (!get_word(env, value, type, "opts.backend", word, sizeof word, err))
        return false;
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++) {
        if (strcmp(word, hdtw_backend_name((hdtw_backend)b)) == 0) {
            *key = 1 + b;
            return true;
        }
    }
    return fail_range(err, "opts.backend must be 'auto', 'scalar', 'avx2', "
                      "'avx512' or 'opencl', not '%s'", word);
}

/* Any negative band means "no band"; a band wider than the series is the
 * same as none, so the bound only keeps the value exact. */
static bool opt_band(napi_env env, napi_value value, long *out,
                     addon_error *err)
{
    double x = 0;
    if (!get_integer(env, value, "opts.band", -MAX_SAFE_INTEGER,
                     MAX_SAFE_INTEGER, &x, err))
        return false;
    *out = x < 0 ? -1 : (long)x;
    return true;
}

static bool opt_threads(napi_env env, napi_value value, int *out,
                        addon_error *err)
{
    double x = 0;
    if (!get_integer(env, value, "opts.threads", 0, INT_MAX, &x, err))
        return false;
    *out = (int)x;
    return true;
}

static bool opt_alignment(napi_env env, napi_value value, napi_valuetype type,
                          bool *out, addon_error *err)
{
    if (type != napi_boolean)
        return fail_type(err, "opts.alignment must be a boolean");
    return napi_get_value_bool(env, value, out) == napi_ok || fail_js(err);
}

bool arg_opts(napi_env env, napi_value value, addon_opts *out,
              addon_error *err)
{
    *out = (addon_opts){ HDTW_PARAMS_DEFAULT, ADDON_BACKEND_ENV, 0, true };
    napi_valuetype type;
    if (napi_typeof(env, value, &type) != napi_ok)
        return fail_js(err);
    if (type == napi_undefined || type == napi_null)
        return true;
    if (type != napi_object)
        return fail_type(err, "opts must be an object");

    napi_value v;
    napi_valuetype t;
    bool ok =
        get_property(env, value, "cost", &v, &t, err) &&
        (t == napi_undefined || opt_cost(env, v, t, &out->params.cost, err)) &&
        get_property(env, value, "band", &v, &t, err) &&
        (t == napi_undefined || opt_band(env, v, &out->params.band, err)) &&
        get_property(env, value, "backend", &v, &t, err) &&
        (t == napi_undefined || opt_backend(env, v, t, &out->backend_key, err)) &&
        get_property(env, value, "threads", &v, &t, err) &&
        (t == napi_undefined || opt_threads(env, v, &out->threads, err)) &&
        get_property(env, value, "alignment", &v, &t, err) &&
        (t == napi_undefined || opt_alignment(env, v, t, &out->alignment, err));
    return ok;
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
                          : err->kind == ADDON_RANGE_ERROR ? "ERR_OUT_OF_RANGE"
                          : err->kind == ADDON_HDTW_ERROR ? status_code(err->status)
                          : "ERR_HDTW_NODE_API";
    if (napi_create_string_utf8(env, code_text, NAPI_AUTO_LENGTH, &code) != napi_ok ||
        napi_create_string_utf8(env, err->message, NAPI_AUTO_LENGTH, &message) != napi_ok)
        return NULL;
    napi_status s = err->kind == ADDON_TYPE_ERROR
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
