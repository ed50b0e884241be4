/* SPDX-License-Identifier: MIT */
/*
 * fuzz_env.c — hdtw_create under any HDTW_BACKEND, HDTW_DISABLE and
 * HDTW_OPENCL_DEVICE values, against a model of the documented grammar:
 * unknown values give E_ARG and leave *out untouched; a forced backend that
 * is absent gives E_UNSUPPORTED; a context that is made honours both
 * variables (disabled backends cannot be set, the forced one serves calls)
 * and computes the scalar backend's bits.
 *
 * Input: one flags byte (which variables are set), then the three values
 * separated by NUL bytes.
 */
#define _XOPEN_SOURCE 700 /* putenv */

#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 512
#define OUTER_MAX 64 /* room kept for the run's own HDTW_DISABLE */

static const char *const backend_names[HDTW_BACKEND_COUNT] = {
    "auto", "scalar", "avx2", "avx512", "opencl",
};

/* Copies the next NUL-terminated value (at most VALUE_MAX - 1 bytes). */
static void next_value(fuzz_input *in, char *value)
{
    size_t len = 0;
    while (in->size > 0) {
        uint8_t c = fuzz_u8(in);
        if (c == 0)
            break;
        if (len < VALUE_MAX - OUTER_MAX - 1)
            value[len++] = (char)c;
    }
    value[len] = '\0';
}

/* HDTW_BACKEND: unset or empty is auto; otherwise an exact name. -1: bad */
static int model_backend(const char *value)
{
    if (!value || !*value)
        return HDTW_BACKEND_AUTO;
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++)
        if (strcmp(value, backend_names[b]) == 0)
            return b;
    return -1;
}

/* HDTW_DISABLE: comma-separated avx2, avx512, opencl or empty items.
 * Returns a mask of disabled backends, or -1 for a bad list. */
static int model_disable(const char *value)
{
    int mask = 0;
    const char *item = value ? value : "";
    for (;;) {
        size_t len = strcspn(item, ",");
        int known = len == 0;
        for (int b = HDTW_BACKEND_AVX2; b <= HDTW_BACKEND_OPENCL; b++) {
            if (strlen(backend_names[b]) == len &&
                strncmp(item, backend_names[b], len) == 0) {
                mask |= 1 << b;
                known = 1;
            }
        }
        if (!known)
            return -1;
        if (item[len] == '\0')
            return mask;
        item += len + 1;
    }
}

/* putenv with static storage: setenv would keep a copy of every value it
 * was ever given (glibc cannot free them), growing without bound over
 * millions of inputs. */
static void set_or_unset(const char *name, char *assignment, int set,
                         const char *value)
{
    unsetenv(name); /* before the buffer that environ may point at changes */
    if (!set)
        return;
    sprintf(assignment, "%s=%s", name, value);
    putenv(assignment);
}

/* The context made from a valid environment: it keeps what was asked. */
static void check_context(hdtw_ctx *ctx, int forced, int disabled)
{
    static const double a[5] = { 0, 1, 3, 2, 2 }, b[4] = { 1, 1, 2, 0 };
    double got, want;
    hdtw_status s = hdtw_distance(ctx, NULL, a, 5, b, 4, &got);
    FUZZ_ASSERT(s == HDTW_OK, "distance on the new context: %s",
                hdtw_strerror(s));
    FUZZ_ASSERT(hdtw_distance(fuzz_scalar_ctx(), NULL, a, 5, b, 4, &want) ==
                    HDTW_OK && memcmp(&got, &want, sizeof got) == 0,
                "the new context's bits differ from scalar");
    if (forced != HDTW_BACKEND_AUTO && forced != HDTW_BACKEND_OPENCL)
        FUZZ_ASSERT((int)hdtw_last_backend(ctx) == forced, "forced %s, served by %s",
                    backend_names[forced],
                    hdtw_backend_name(hdtw_last_backend(ctx)));
    for (int b = HDTW_BACKEND_AVX2; b <= HDTW_BACKEND_OPENCL; b++)
        if (disabled & 1 << b)
            FUZZ_ASSERT(hdtw_set_backend(ctx, (hdtw_backend)b) ==
                            HDTW_E_UNSUPPORTED,
                        "disabled %s can be set", backend_names[b]);
    FUZZ_ASSERT(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR) == HDTW_OK,
                "scalar refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char backend[VALUE_MAX], disable[VALUE_MAX], device[VALUE_MAX];
    fuzz_input in = { data, size };
    uint8_t flags = fuzz_u8(&in);
    next_value(&in, backend);
    next_value(&in, disable);
    next_value(&in, device);
    /* an HDTW_DISABLE given to the whole run (HDTW_DISABLE=opencl: the
     * CPU-only pass of scripts/fuzz-smoke) always applies: appended to the
     * fuzzed list, or alone when the input leaves the variable unset */
    static const char *outer;
    static int started;
    if (!started) {
        outer = getenv("HDTW_DISABLE");
        outer = outer ? strdup(outer) : NULL;
        started = 1;
    }
    if (outer) {
        if (!(flags & 2))
            disable[0] = '\0';
        size_t len = strlen(disable);
        snprintf(disable + len, VALUE_MAX - len, "%s%s",
                 flags & 2 ? "," : "", outer);
        flags |= 2;
    }
    fuzz_scalar_ctx(); /* made before the environment is changed */
    static char env[3][32 + VALUE_MAX];
    set_or_unset("HDTW_BACKEND", env[0], flags & 1, backend);
    set_or_unset("HDTW_DISABLE", env[1], flags & 2, disable);
    set_or_unset("HDTW_OPENCL_DEVICE", env[2], flags & 4, device);

    int forced = model_backend(flags & 1 ? backend : NULL);
    int disabled = model_disable(flags & 2 ? disable : NULL);
    int bad = forced < 0 || disabled < 0 ||
              (flags & 4 && strlen(device) >= 256);

    hdtw_ctx *const untouched = (hdtw_ctx *)&in, *ctx = untouched;
    hdtw_status s = hdtw_create(&ctx);
    if (bad) {
        FUZZ_ASSERT(s == HDTW_E_ARG, "bad environment gave %s",
                    hdtw_strerror(s));
    } else if (s == HDTW_E_UNSUPPORTED) {
        /* only for a forced backend that a context here cannot be set to */
        FUZZ_ASSERT(forced != HDTW_BACKEND_AUTO,
                    "unsupported without a forced backend");
        unsetenv("HDTW_BACKEND");
        hdtw_ctx *other;
        FUZZ_ASSERT(hdtw_create(&other) == HDTW_OK, "create without force");
        FUZZ_ASSERT(hdtw_set_backend(other, (hdtw_backend)forced) ==
                        HDTW_E_UNSUPPORTED,
                    "%s refused by create, accepted by set_backend",
                    backend_names[forced]);
        hdtw_destroy(other);
    } else {
        FUZZ_ASSERT(s == HDTW_OK, "valid environment gave %s",
                    hdtw_strerror(s));
        FUZZ_ASSERT(!(disabled & 1 << forced) || forced == HDTW_BACKEND_AUTO,
                    "disabled %s was forced", backend_names[forced]);
        check_context(ctx, forced, disabled);
        hdtw_destroy(ctx);
    }
    if (s != HDTW_OK)
        FUZZ_ASSERT(ctx == untouched, "*out written on failure");
    unsetenv("HDTW_BACKEND");
    unsetenv("HDTW_DISABLE");
    unsetenv("HDTW_OPENCL_DEVICE");
    return 0;
}
