/* SPDX-License-Identifier: MIT */
#include "tool_util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tool_excerpt(const char *text, char *buf, size_t cap)
{
    size_t k = 0;
    for (; text[k] && k + 4 < cap; k++)
        buf[k] = (unsigned char)text[k] < 0x20 || text[k] == 0x7f ? '?'
                                                                  : text[k];
    strcpy(buf + k, text[k] ? "..." : "");
    return buf;
}

/* The first name in names (a NULL-ended list) equal to the item
 * value[0..len), or NULL. */
static int known(const char *value, size_t len, const char *const *names)
{
    for (; *names; names++)
        if (strlen(*names) == len && strncmp(value, *names, len) == 0)
            return 1;
    return 0;
}

/* 0 when every comma-separated item of value is empty or in names. */
static int check_list(const char *value, const char *const *names)
{
    for (const char *item = value; *item;) {
        size_t len = strcspn(item, ",");
        if (len && !known(item, len, names))
            return -1;
        item += len + (item[len] == ',');
    }
    return 0;
}

static void explain_env(hdtw_status st, char *err, size_t err_len)
{
    static const char *const backends[] = { "auto", "scalar", "avx2",
                                            "avx512", "opencl", NULL };
    static const char *const features[] = { "avx512", "avx2", "opencl",
                                            NULL };
    const char *backend = getenv("HDTW_BACKEND");
    const char *disable = getenv("HDTW_DISABLE");
    char shown[72];
    if (backend && *backend && !known(backend, strlen(backend), backends))
        snprintf(err, err_len, "HDTW_BACKEND=%s is not a backend: use "
                 "auto, scalar, avx2, avx512 or opencl",
                 tool_excerpt(backend, shown, sizeof shown));
    else if (st == HDTW_E_UNSUPPORTED && backend)
        snprintf(err, err_len, "HDTW_BACKEND=%s: that backend is not "
                 "available on this machine (or HDTW_DISABLE turns it off)",
                 backend);
    else if (disable && check_list(disable, features) != 0)
        snprintf(err, err_len, "HDTW_DISABLE=%s: use a comma-separated "
                 "list of avx512, avx2 and opencl",
                 tool_excerpt(disable, shown, sizeof shown));
    else if (st == HDTW_E_ARG && getenv("HDTW_OPENCL_DEVICE"))
        snprintf(err, err_len, "HDTW_OPENCL_DEVICE is too long: give a device "
                 "index or a part of its name");
    else
        snprintf(err, err_len, "cannot create an hdtw context: %s",
                 hdtw_strerror(st));
}

hdtw_status tool_create(hdtw_ctx **ctx, char *err, size_t err_len)
{
    hdtw_status st = hdtw_create(ctx);
    if (st != HDTW_OK)
        explain_env(st, err, err_len);
    return st;
}

double tool_json_number(const char *from, const char *key)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\":", key);
    const char *at = from ? strstr(from, quoted) : NULL;
    return at ? strtod(at + strlen(quoted), NULL) : NAN;
}
