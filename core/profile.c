/* SPDX-License-Identifier: MIT */
/*
 * profile.c — the router's numbers: built-in defaults, the profile file
 * (format in profile.h), and the time estimate of one backend.
 *
 * Reading never allocates, never prints and never fails loudly: the file is
 * read with open/read into a fixed buffer and parsed by hand (no strtod, so
 * the application's locale cannot change how "0.5" reads); anything wrong
 * leaves the built-in defaults in place.
 */
#include "core/profile.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Built-in defaults: the medians of three `dtwbench --calibrate` runs on the
 * development machine (2-vCPU KVM guest, AMD EPYC Zen 3 "Milan" ~3.05 GHz,
 * AVX2, no AVX-512), idle, on 2026-11-25, with the AVX2 and OpenCL
 * backends built. What they decide here: one pair below ~220 cells (15 x 15)
 * runs on scalar, whose call costs 0.06 us against AVX2's 0.3 us; anything
 * larger runs on the widest vector backend.
 *
 * AVX-512 could not be measured (the machine lacks it); it runs the same
 * templates at twice the width, so it is given AVX2's numbers and wins the
 * tie (router.c orders the widest first) until a calibration on an AVX-512
 * machine says otherwise. OpenCL devices have no default: AUTO uses a device
 * only once it has been measured on the machine (`dtwbench --calibrate`).
 */
static const struct {
    hdtw_backend backend;
    hdtw_kind kind;
    int threads;
    double overhead_us, gcups;
} default_rates[] = {
    { HDTW_BACKEND_SCALAR, HDTW_KIND_PAIR, 1, 0.055, 0.73 },
    { HDTW_BACKEND_SCALAR, HDTW_KIND_MANY, 1, 0.0, 0.73 },
    { HDTW_BACKEND_AVX2, HDTW_KIND_PAIR, 1, 0.30, 3.78 },
    { HDTW_BACKEND_AVX2, HDTW_KIND_PAIR, 2, 0.30, 3.65 },
    { HDTW_BACKEND_AVX2, HDTW_KIND_MANY, 1, 0.81, 3.94 },
    { HDTW_BACKEND_AVX2, HDTW_KIND_MANY, 2, 0.88, 4.67 },
    { HDTW_BACKEND_AVX512, HDTW_KIND_PAIR, 1, 0.30, 3.78 },
    { HDTW_BACKEND_AVX512, HDTW_KIND_PAIR, 2, 0.30, 3.65 },
    { HDTW_BACKEND_AVX512, HDTW_KIND_MANY, 1, 0.81, 3.94 },
    { HDTW_BACKEND_AVX512, HDTW_KIND_MANY, 2, 0.88, 4.67 },
};

void hdtw_profile_defaults(hdtw_profile *p)
{
    memset(p, 0, sizeof *p);
    for (size_t r = 0; r < sizeof default_rates / sizeof *default_rates;
         r++)
        hdtw_curve_add(&p->cpu[default_rates[r].backend][default_rates[r].kind],
                       default_rates[r].threads,
                       default_rates[r].overhead_us * 1e-6,
                       default_rates[r].gcups * 1e9);
}

/* ------------------------------------------------------------ the curves */

int hdtw_curve_add(hdtw_rate_curve *c, int threads, double overhead_s,
                   double cells_per_s)
{
    if (threads < 0 || !isfinite(overhead_s) || overhead_s < 0 ||
        !isfinite(cells_per_s) || cells_per_s <= 0)
        return -1;
    int at = 0;
    while (at < c->points && c->at[at].threads < threads)
        at++;
    if (at == c->points || c->at[at].threads != threads) {
        if (c->points == HDTW_PROFILE_POINTS)
            return -1;
        memmove(&c->at[at + 1], &c->at[at],
                (size_t)(c->points - at) * sizeof c->at[0]);
        c->points++;
    }
    c->at[at] = (hdtw_rate_point){ threads, overhead_s, cells_per_s };
    return 0;
}

double hdtw_curve_seconds(const hdtw_rate_curve *c, int threads, double cells)
{
    const hdtw_rate_point *lo = &c->at[0], *hi = &c->at[c->points - 1];
    double overhead, rate;
    if (threads <= lo->threads || c->points == 1) {
        overhead = lo->overhead_s;
        rate = lo->cells_per_s;
    } else if (threads >= hi->threads) {
        overhead = hi->overhead_s;
        rate = hi->cells_per_s;
    } else {
        while (lo[1].threads < threads) /* a point at or above threads exists */
            lo++;
        hi = lo + 1;
        double f = (double)(threads - lo->threads) /
                   (double)(hi->threads - lo->threads);
        overhead = lo->overhead_s + f * (hi->overhead_s - lo->overhead_s);
        rate = lo->cells_per_s + f * (hi->cells_per_s - lo->cells_per_s);
    }
    return overhead + cells / rate;
}

const hdtw_device_profile *hdtw_profile_device(const hdtw_profile *p,
                                               const char *name)
{
    for (size_t d = 0; d < p->devices; d++)
        if (strcmp(p->device[d].name, name) == 0)
            return &p->device[d];
    return NULL;
}

/* ------------------------------------------------------------- parsing */

/* The next blank-separated token of *cursor, NUL-terminated in place. */
static char *next_token(char **cursor)
{
    char *s = *cursor + strspn(*cursor, " \t");
    if (!*s)
        return NULL;
    char *end = s + strcspn(s, " \t");
    if (*end)
        *end++ = '\0';
    *cursor = end;
    return s;
}

/* A plain decimal ("12", "0.05", "3.5e9"), independent of the locale. */
static int parse_number(const char *s, double *out)
{
    double value = 0;
    int digits = 0, exponent = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        value = value * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits++, exponent--)
            value = value * 10 + (*s - '0');
    if (digits == 0 || digits > 30)
        return -1;
    if (*s == 'e' || *s == 'E') {
        int sign = 1, e = 0, edigits = 0;
        s++;
        if (*s == '+' || *s == '-')
            sign = *s++ == '-' ? -1 : 1;
        for (; *s >= '0' && *s <= '9' && edigits < 4; s++, edigits++)
            e = e * 10 + (*s - '0');
        if (edigits == 0)
            return -1;
        exponent += sign * e;
    }
    if (*s)
        return -1;
    *out = value * pow(10.0, exponent);
    return isfinite(*out) ? 0 : -1;
}

static int parse_numbers(char **cursor, double *out, int count)
{
    for (int k = 0; k < count; k++) {
        char *t = next_token(cursor);
        if (!t || parse_number(t, &out[k]) != 0)
            return -1;
    }
    return 0;
}

static int parse_kind(const char *s, hdtw_kind *out)
{
    if (s && strcmp(s, "pair") == 0)
        *out = HDTW_KIND_PAIR;
    else if (s && strcmp(s, "many") == 0)
        *out = HDTW_KIND_MANY;
    else
        return -1;
    return 0;
}

static int parse_cpu_backend(const char *s, hdtw_backend *out)
{
    static const hdtw_backend cpu[] = { HDTW_BACKEND_SCALAR,
                                        HDTW_BACKEND_AVX2,
                                        HDTW_BACKEND_AVX512 };
    for (size_t b = 0; s && b < sizeof cpu / sizeof *cpu; b++) {
        if (strcmp(s, hdtw_backend_name(cpu[b])) == 0) {
            *out = cpu[b];
            return 0;
        }
    }
    return -1;
}

/* "rate BACKEND KIND THREADS OVERHEAD_US GCUPS" (after "rate").
 * `seen` marks the curves this file has set: the first point of a curve
 * replaces the default curve entirely. */
static int parse_rate(char *cursor, hdtw_profile *p,
                      unsigned char seen[HDTW_BACKEND_COUNT][HDTW_KIND_COUNT])
{
    hdtw_backend b;
    hdtw_kind k;
    double v[3];
    if (parse_cpu_backend(next_token(&cursor), &b) != 0 ||
        parse_kind(next_token(&cursor), &k) != 0 ||
        parse_numbers(&cursor, v, 3) != 0 || next_token(&cursor) ||
        v[0] < 1 || v[0] > 65536 || v[0] != floor(v[0]))
        return -1;
    if (!seen[b][k]) {
        p->cpu[b][k].points = 0;
        seen[b][k] = 1;
    }
    return hdtw_curve_add(&p->cpu[b][k], (int)v[0], v[1] * 1e-6, v[2] * 1e9);
}

/* "device KIND OVERHEAD_US GCUPS GBPS NAME..." (after "device") */
static int parse_device(char *cursor, hdtw_profile *p)
{
    hdtw_kind k;
    double v[3];
    if (parse_kind(next_token(&cursor), &k) != 0 ||
        parse_numbers(&cursor, v, 3) != 0 || v[2] <= 0)
        return -1;
    char *name = cursor + strspn(cursor, " \t");
    size_t len = strlen(name);
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        name[--len] = '\0';
    if (len == 0 || len >= HDTW_PROFILE_NAME_MAX)
        return -1;
    hdtw_device_profile *d =
        (hdtw_device_profile *)hdtw_profile_device(p, name);
    if (!d) {
        if (p->devices == HDTW_PROFILE_DEVICES)
            return -1;
        d = &p->device[p->devices++];
        strcpy(d->name, name);
    }
    d->kind[k].points = 0;
    d->bytes_per_s[k] = v[2] * 1e9;
    return hdtw_curve_add(&d->kind[k], 0, v[0] * 1e-6, v[1] * 1e9);
}

/* One line, comment stripped; *versioned tracks the header line. */
static int parse_line(char *line, hdtw_profile *p, int *versioned,
                      unsigned char seen[HDTW_BACKEND_COUNT][HDTW_KIND_COUNT])
{
    line[strcspn(line, "#\r")] = '\0';
    char *cursor = line, *word = next_token(&cursor);
    if (!word)
        return 0;
    if (!*versioned) {
        char *version = next_token(&cursor);
        *versioned = strcmp(word, "hdtw-profile") == 0 && version &&
                     strcmp(version, "1") == 0 && !next_token(&cursor);
        return *versioned ? 0 : -1;
    }
    if (strcmp(word, "rate") == 0)
        return parse_rate(cursor, p, seen);
    if (strcmp(word, "device") == 0)
        return parse_device(cursor, p);
    return -1;
}

int hdtw_profile_merge(hdtw_profile *p, const char *text, size_t len)
{
    unsigned char seen[HDTW_BACKEND_COUNT][HDTW_KIND_COUNT] = { { 0 } };
    hdtw_profile merged = *p; /* p changes only when all of text is good */
    char line[512];
    int versioned = 0;
    for (size_t pos = 0; pos < len;) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        if (end - pos >= sizeof line || memchr(text + pos, '\0', end - pos))
            return -1;
        memcpy(line, text + pos, end - pos);
        line[end - pos] = '\0';
        if (parse_line(line, &merged, &versioned, seen) != 0)
            return -1;
        pos = end + 1;
    }
    if (!versioned)
        return -1;
    merged.from_file = 1;
    *p = merged;
    return 0;
}

int hdtw_profile_parse(const char *text, size_t len, hdtw_profile *out)
{
    hdtw_profile_defaults(out);
    return hdtw_profile_merge(out, text, len);
}

/* ------------------------------------------------------------- the file */

int hdtw_profile_path(char *buf, size_t cap)
{
    const char *explicit = getenv("HDTW_PROFILE");
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (explicit && *explicit)
        n = snprintf(buf, cap, "%s", explicit);
    else if (cache && *cache == '/') /* XDG: relative paths are invalid */
        n = snprintf(buf, cap, "%s/hdtw/profile", cache);
    else if (home && *home)
        n = snprintf(buf, cap, "%s/.cache/hdtw/profile", home);
    else
        return -1;
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

void hdtw_profile_load(hdtw_profile *out)
{
    char text[HDTW_PROFILE_FILE_MAX + 1], path[4096]; /* no allocation */
    hdtw_profile_defaults(out);
    if (hdtw_profile_path(path, sizeof path) != 0)
        return;
    /* non-blocking: a FIFO or device named by mistake must not hang */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    size_t len = 0;
    ssize_t got;
    while (len < sizeof text &&
           (got = read(fd, text + len, sizeof text - len)) > 0)
        len += (size_t)got;
    close(fd);
    if (len <= HDTW_PROFILE_FILE_MAX)
        hdtw_profile_parse(text, len, out);
}

/* ------------------------------------------------------------ writing */

typedef struct {
    char *buf;
    size_t cap, len;
} text_out;

__attribute__((format(printf, 2, 3)))
static void put(text_out *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->len < t->cap ? t->buf + t->len : NULL,
                      t->len < t->cap ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

static const char *const kind_names[HDTW_KIND_COUNT] = { "pair", "many" };

size_t hdtw_profile_format(const hdtw_profile *p, const char *comment,
                           char *buf, size_t cap)
{
    text_out t = { buf, cap, 0 };
    if (cap > 0)
        buf[0] = '\0';
    if (comment)
        put(&t, "# %s\n", comment);
    put(&t, "hdtw-profile 1\n"
            "# rate BACKEND KIND THREADS OVERHEAD_US GCUPS\n");
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++)
        for (int k = 0; k < HDTW_KIND_COUNT; k++)
            for (int i = 0; i < p->cpu[b][k].points; i++) {
                const hdtw_rate_point *pt = &p->cpu[b][k].at[i];
                put(&t, "rate %s %s %d %.6g %.6g\n",
                    hdtw_backend_name((hdtw_backend)b), kind_names[k],
                    pt->threads, pt->overhead_s * 1e6, pt->cells_per_s * 1e-9);
            }
    put(&t, "# device KIND OVERHEAD_US GCUPS GBPS NAME\n");
    for (size_t d = 0; d < p->devices; d++)
        for (int k = 0; k < HDTW_KIND_COUNT; k++) {
            const hdtw_device_profile *dev = &p->device[d];
            if (dev->kind[k].points == 0)
                continue;
            put(&t, "device %s %.6g %.6g %.6g %s\n", kind_names[k],
                dev->kind[k].at[0].overhead_s * 1e6,
                dev->kind[k].at[0].cells_per_s * 1e-9,
                dev->bytes_per_s[k] * 1e-9, dev->name);
        }
    return t.len;
}
