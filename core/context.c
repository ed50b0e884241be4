/* SPDX-License-Identifier: MIT */
/*
 * context.c — the context: creation from the environment, the backend
 * table, thread count and the small lookups (names, status texts).
 */
#include "core/internal.h"
#include "core/threshold.h"

#include "core/alloc.h"
#include "core/cpu_features.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

static const char *const backend_names[HDTW_BACKEND_COUNT] = {
    [HDTW_BACKEND_AUTO] = "auto",     [HDTW_BACKEND_SCALAR] = "scalar",
    [HDTW_BACKEND_AVX2] = "avx2",     [HDTW_BACKEND_AVX512] = "avx512",
    [HDTW_BACKEND_OPENCL] = "opencl",
};

const char *hdtw_backend_name(hdtw_backend b)
{
    if ((unsigned)b >= HDTW_BACKEND_COUNT)
        return "unknown";
    return backend_names[b];
}

const char *hdtw_strerror(hdtw_status s)
{
    switch (s) {
    case HDTW_OK: return "success";
    case HDTW_E_ARG: return "invalid argument";
    case HDTW_E_NONFINITE: return "input contains NaN or infinity";
    case HDTW_E_NOMEM: return "out of memory";
    case HDTW_E_UNSUPPORTED: return "backend not available";
    case HDTW_E_DEVICE: return "device failure";
    case HDTW_E_CANCELLED: return "cancelled by the progress callback";
    }
    return "unknown status";
}

/* HDTW_BACKEND: a backend name, or unset/empty for auto. */
static hdtw_status parse_backend(const char *value, hdtw_backend *out)
{
    if (!value || !*value) {
        *out = HDTW_BACKEND_AUTO;
        return HDTW_OK;
    }
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++) {
        if (strcmp(value, backend_names[b]) == 0) {
            *out = (hdtw_backend)b;
            return HDTW_OK;
        }
    }
    return HDTW_E_ARG;
}

/* HDTW_DISABLE: a comma-separated list of avx512, avx2, opencl. Empty items
 * are allowed ("avx2,", ""), anything else is an error. */
static hdtw_status parse_disable(const char *value, unsigned *out)
{
    static const struct { const char *name; unsigned bit; } features[] = {
        { "avx2", HDTW_FEATURE_AVX2 },
        { "avx512", HDTW_FEATURE_AVX512 },
        { "opencl", HDTW_FEATURE_OPENCL },
    };
    unsigned bits = 0;
    const char *item = value ? value : "";
    while (*item) {
        size_t len = strcspn(item, ",");
        int known = len == 0;
        for (size_t f = 0; f < sizeof features / sizeof *features; f++) {
            if (strlen(features[f].name) == len &&
                strncmp(item, features[f].name, len) == 0) {
                bits |= features[f].bit;
                known = 1;
            }
        }
        if (!known)
            return HDTW_E_ARG;
        item += len + (item[len] == ',');
    }
    *out = bits;
    return HDTW_OK;
}

/* Registers entry e in ctx's table when this machine can run it and
 * HDTW_DISABLE does not switch it off. HDTW_E_NOMEM when an allocation
 * fails; a missing device is no error (the backend is simply absent). */
static hdtw_status register_backend(hdtw_ctx *ctx, const hdtw_backend_entry *e)
{
    if ((ctx->disabled & e->feature) ||
        (hdtw_cpu_features() & e->cpu_needs) != e->cpu_needs)
        return HDTW_OK;
    if (e->open) {
        hdtw_status s = e->open(ctx->opencl_device, 0, &ctx->state[e->id]);
        if (s != HDTW_OK)
            return s == HDTW_E_NOMEM ? s : HDTW_OK;
    }
    ctx->run[e->id] = e->run;
    ctx->search[e->id] = e->search;
    return HDTW_OK;
}

static hdtw_status fill_backend_table(hdtw_ctx *ctx)
{
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++) {
        const hdtw_backend_entry *e = hdtw_backend_entry_of((hdtw_backend)b);
        if (e && register_backend(ctx, e) != HDTW_OK)
            return HDTW_E_NOMEM;
    }
    return HDTW_OK;
}

/* Detaches backend b's state, if any. */
static void close_backend(hdtw_ctx *ctx, hdtw_backend b)
{
    const hdtw_backend_entry *e = hdtw_backend_entry_of(b);
    if (e && e->close && ctx->state[b])
        e->close(ctx->state[b]);
    ctx->state[b] = NULL;
}

static int count_cores(void)
{
#ifdef _OPENMP
    return omp_get_num_procs();
#else
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (int)cores : 1;
#endif
}

hdtw_status hdtw_create(hdtw_ctx **out)
{
    if (!out)
        return HDTW_E_ARG;

    hdtw_backend forced;
    unsigned disabled;
    const char *device = getenv("HDTW_OPENCL_DEVICE");
    if (parse_backend(getenv("HDTW_BACKEND"), &forced) != HDTW_OK ||
        parse_disable(getenv("HDTW_DISABLE"), &disabled) != HDTW_OK ||
        (device && strlen(device) >= HDTW_DEVICE_NAME_MAX))
        return HDTW_E_ARG;

    hdtw_ctx *ctx = hdtw_calloc(1, sizeof *ctx);
    if (!ctx)
        return HDTW_E_NOMEM;
    ctx->disabled = disabled;
    ctx->cores = count_cores();
    if (device)
        strcpy(ctx->opencl_device, device);
    if (fill_backend_table(ctx) != HDTW_OK) {
        hdtw_destroy(ctx);
        return HDTW_E_NOMEM;
    }
    hdtw_profile_load(&ctx->profile);

    if (forced != HDTW_BACKEND_AUTO && !ctx->run[forced]) {
        hdtw_destroy(ctx);
        return HDTW_E_UNSUPPORTED;
    }
    ctx->forced = forced;
    *out = ctx;
    return HDTW_OK;
}

void hdtw_destroy(hdtw_ctx *ctx)
{
    if (!ctx)
        return;
    for (int b = HDTW_BACKEND_SCALAR; b < HDTW_BACKEND_COUNT; b++)
        close_backend(ctx, (hdtw_backend)b);
    hdtw_scratch_release(&ctx->scratch);
    hdtw_free(ctx);
}

hdtw_status hdtw_set_backend(hdtw_ctx *ctx, hdtw_backend b)
{
    if (!ctx)
        return HDTW_E_ARG;
    if ((unsigned)b >= HDTW_BACKEND_COUNT)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "hdtw_set_backend: b is %d, not a hdtw_backend",
                         (int)b);
    if (b != HDTW_BACKEND_AUTO && !ctx->run[b])
        return HDTW_E_UNSUPPORTED;
    ctx->forced = b;
    return HDTW_OK;
}

hdtw_status hdtw_set_threads(hdtw_ctx *ctx, int n)
{
    if (!ctx)
        return HDTW_E_ARG;
    if (n < 0)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "hdtw_set_threads: n is %d, must be >= 0", n);
    ctx->threads = n;
    return HDTW_OK;
}

void hdtw_set_progress(hdtw_ctx *ctx, hdtw_progress_fn fn, void *user)
{
    if (!ctx)
        return;
    ctx->progress = fn;
    ctx->progress_user = fn ? user : NULL;
}

void hdtw_set_search_bound(hdtw_ctx *ctx, hdtw_bound_fn fn, void *user)
{
    if (!ctx)
        return;
    ctx->search_bound = fn;
    ctx->search_bound_user = fn ? user : NULL;
}

int hdtw_ctx_threads(const hdtw_ctx *ctx)
{
    return ctx->threads > 0 ? ctx->threads : ctx->cores;
}

hdtw_backend hdtw_last_backend(const hdtw_ctx *ctx)
{
    return ctx ? ctx->last : HDTW_BACKEND_AUTO;
}

hdtw_status hdtw_fail(hdtw_ctx *ctx, hdtw_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->last_error, sizeof ctx->last_error, fmt, ap);
    va_end(ap);
    return s;
}

hdtw_status hdtw_check_pointers(hdtw_ctx *ctx, const char *fn,
                                const hdtw_arg_pointer *args, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!args[k].pointer)
            return hdtw_fail(ctx, HDTW_E_ARG, "%s: %s is NULL", fn,
                             args[k].name);
    return HDTW_OK;
}

hdtw_status hdtw_check_lengths(hdtw_ctx *ctx, const char *fn,
                               const hdtw_arg_length *args, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (args[k].value == 0)
            return hdtw_fail(ctx, HDTW_E_ARG, "%s: %s is 0", fn,
                             args[k].name);
    return HDTW_OK;
}

hdtw_status hdtw_check_doubles(hdtw_ctx *ctx, const char *fn, const char *name,
                               size_t count)
{
    if (count <= SIZE_MAX / sizeof(double))
        return HDTW_OK;
    return hdtw_fail(ctx, HDTW_E_ARG,
                     "%s: %s is %zu, more doubles than memory holds", fn, name,
                     count);
}

hdtw_status hdtw_check_cost(hdtw_ctx *ctx, const char *fn, hdtw_cost cost)
{
    if (cost == HDTW_COST_ABS || cost == HDTW_COST_SQUARED)
        return HDTW_OK;
    return hdtw_fail(ctx, HDTW_E_ARG,
                     "%s: cost is %d, not HDTW_COST_ABS (0) or "
                     "HDTW_COST_SQUARED (1)", fn, (int)cost);
}

hdtw_status hdtw_check_params(hdtw_ctx *ctx, const char *fn,
                              const hdtw_params *params)
{
    hdtw_status s = hdtw_check_cost(ctx, fn, params->cost);
    if (s == HDTW_OK && !hdtw_max_dist_valid(params->max_dist))
        s = hdtw_fail(ctx, HDTW_E_ARG,
                      "%s: max_dist is %g, must be 0 (none), > 0 or +inf",
                      fn, params->max_dist);
    return s;
}

#define TEXT(x) #x
#define NUMBER_TEXT(x) TEXT(x)

const char *hdtw_version(void)
{
    return NUMBER_TEXT(HDTW_VERSION_MAJOR) "." NUMBER_TEXT(
        HDTW_VERSION_MINOR) "." NUMBER_TEXT(HDTW_VERSION_PATCH);
}

const char *hdtw_last_error(const hdtw_ctx *ctx)
{
    return ctx ? ctx->last_error : "";
}

/* ------------------------------------------------------ OpenCL devices */

hdtw_status hdtw_opencl_devices(hdtw_ctx *ctx, hdtw_device_info *out,
                                size_t cap, size_t *count)
{
    if (!ctx)
        return HDTW_E_ARG;
    if (!count || (cap > 0 && !out))
        return hdtw_fail(ctx, HDTW_E_ARG, "hdtw_opencl_devices: %s is NULL",
                         count ? "out (with cap > 0)" : "count");
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_OPENCL);
    if (!e || !e->devices) { /* built without OpenCL: no devices */
        *count = 0;
        return HDTW_OK;
    }
    return e->devices(out, cap, count);
}

hdtw_status hdtw_set_opencl_device(hdtw_ctx *ctx, size_t index)
{
    if (!ctx)
        return HDTW_E_ARG;
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_OPENCL);
    if (!e || !e->open || (ctx->disabled & e->feature))
        return HDTW_E_UNSUPPORTED;
    void *state;
    hdtw_status status = e->open(NULL, index, &state);
    if (status != HDTW_OK)
        return status;
    close_backend(ctx, HDTW_BACKEND_OPENCL); /* a previously chosen device */
    ctx->state[HDTW_BACKEND_OPENCL] = state;
    ctx->run[HDTW_BACKEND_OPENCL] = e->run;
    ctx->search[HDTW_BACKEND_OPENCL] = e->search;
    ctx->memo.backend = HDTW_BACKEND_AUTO; /* decided for another device */
    return HDTW_OK;
}

hdtw_status hdtw_opencl_current_device(hdtw_ctx *ctx, hdtw_device_info *out)
{
    if (!ctx)
        return HDTW_E_ARG;
    if (!out)
        return hdtw_fail(ctx, HDTW_E_ARG,
                         "hdtw_opencl_current_device: out is NULL");
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_OPENCL);
    void *state = ctx->state[HDTW_BACKEND_OPENCL];
    if (!e || !e->device_info || !state)
        return HDTW_E_UNSUPPORTED;
    return e->device_info(state, out);
}

hdtw_status hdtw_opencl_program(hdtw_ctx *ctx, void *buf, size_t cap,
                                size_t *size)
{
    if (!ctx)
        return HDTW_E_ARG;
    if (!size)
        return hdtw_fail(ctx, HDTW_E_ARG, "hdtw_opencl_program: size is NULL");
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_OPENCL);
    void *state = ctx->state[HDTW_BACKEND_OPENCL];
    if (!e || !e->program || !state)
        return HDTW_E_UNSUPPORTED;
    return e->program(state, buf, cap, size);
}

const char *hdtw_opencl_device_name(const hdtw_ctx *ctx)
{
    const hdtw_backend_entry *e = hdtw_backend_entry_of(HDTW_BACKEND_OPENCL);
    void *state = ctx->state[HDTW_BACKEND_OPENCL];
    return e && e->device_name && state ? e->device_name(state) : NULL;
}
