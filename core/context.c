/*
 * context.c — the context: creation from the environment, the backend
 * table, thread count and the small lookups (names, status texts).
 */
#include "core/internal.h"

#include "cpu/cpu.h"
#include "cpu/scalar.h"
#include "core/alloc.h"
#include "core/cpu_features.h"
#ifdef HDTW_HAVE_OPENCL
#include "opencl/opencl.h"
#endif

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

/* HDTW_E_NOMEM when an allocation fails; a missing device is no error. */
static hdtw_status fill_backend_table(hdtw_ctx *ctx)
{
    ctx->run[HDTW_BACKEND_SCALAR] = hdtw_scalar_run;
    unsigned usable = hdtw_cpu_features() & ~ctx->disabled;
    (void)usable; /* unused when the compiler built no vector backend */
#ifdef HDTW_HAVE_AVX2
    if (usable & HDTW_FEATURE_AVX2)
        ctx->run[HDTW_BACKEND_AVX2] = hdtw_avx2_run;
#endif
#ifdef HDTW_HAVE_AVX512
    if (usable & HDTW_FEATURE_AVX512)
        ctx->run[HDTW_BACKEND_AVX512] = hdtw_avx512_run;
#endif
#ifdef HDTW_HAVE_OPENCL
    /* registers run[HDTW_BACKEND_OPENCL] when a usable device matches
     * HDTW_OPENCL_DEVICE; without one the backend is absent */
    if (!(ctx->disabled & HDTW_FEATURE_OPENCL) &&
        hdtw_opencl_open(ctx) == HDTW_E_NOMEM)
        return HDTW_E_NOMEM;
#endif
    return HDTW_OK;
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
#ifdef HDTW_HAVE_OPENCL
    if (ctx)
        hdtw_opencl_close(ctx);
#endif
    hdtw_free(ctx);
}

hdtw_status hdtw_set_backend(hdtw_ctx *ctx, hdtw_backend b)
{
    if (!ctx || (unsigned)b >= HDTW_BACKEND_COUNT)
        return HDTW_E_ARG;
    if (b != HDTW_BACKEND_AUTO && !ctx->run[b])
        return HDTW_E_UNSUPPORTED;
    ctx->forced = b;
    return HDTW_OK;
}

hdtw_status hdtw_set_threads(hdtw_ctx *ctx, int n)
{
    if (!ctx || n < 0)
        return HDTW_E_ARG;
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

int hdtw_ctx_threads(const hdtw_ctx *ctx)
{
    return ctx->threads > 0 ? ctx->threads : ctx->cores;
}

hdtw_backend hdtw_last_backend(const hdtw_ctx *ctx)
{
    return ctx ? ctx->last : HDTW_BACKEND_AUTO;
}

const char *hdtw_last_error(const hdtw_ctx *ctx)
{
    return ctx ? ctx->last_error : "";
}

#ifndef HDTW_HAVE_OPENCL
/* Without an OpenCL backend there are no devices; opencl/devices.c
 * provides these when the backend is built. */
hdtw_status hdtw_opencl_devices(hdtw_ctx *ctx, hdtw_device_info *out,
                                size_t cap, size_t *count)
{
    (void)out;
    (void)cap;
    if (!ctx || !count)
        return HDTW_E_ARG;
    *count = 0;
    return HDTW_OK;
}

hdtw_status hdtw_set_opencl_device(hdtw_ctx *ctx, size_t index)
{
    (void)index;
    return ctx ? HDTW_E_UNSUPPORTED : HDTW_E_ARG;
}

const char *hdtw_opencl_device_name(const hdtw_ctx *ctx)
{
    (void)ctx;
    return NULL;
}
#endif
