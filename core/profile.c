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

#include "core/cpu_features.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Built-in defaults, one table per CPU family (hdtw_cpu_family_of_this,
 * from cpuid). Where every number comes from, and how to regenerate the
 * measured ones, is docs/ROUTER.md; in short:
 *   - zen3: `dtwbench --calibrate` medians on a Zen 3 (EPYC Milan) KVM guest;
 *   - intel: `dtwbench --calibrate` medians on a Sapphire Rapids class Xeon
 *     KVM guest (AVX2 and AVX-512 each measured on its own);
 *   - zen4, zen5: derived from the zen3 table by the op-mix bounds and the
 *     per-call costs issue 15 measured on those machines (no such machine
 *     was at hand), so that AVX-512 wins only where it is faster.
 * A backend absent from a table is never picked over a present one by
 * these numbers alone (router.c lends it scalar's); an absent instruction
 * set's lines are ignored.
 */
typedef struct {
    hdtw_backend backend;
    hdtw_kind kind;
    int threads;
    double overhead_us, gcups;
} default_rate;

#define SCALAR HDTW_BACKEND_SCALAR
#define AVX2 HDTW_BACKEND_AVX2
#define AVX512 HDTW_BACKEND_AVX512
#define PAIR HDTW_KIND_PAIR
#define MANY HDTW_KIND_MANY

static const default_rate zen3_rates[] = {
    { SCALAR, PAIR, 1, 0.055, 0.73 }, { SCALAR, MANY, 1, 0.0, 0.73 },
    { AVX2, PAIR, 1, 0.30, 3.78 },    { AVX2, PAIR, 2, 0.30, 3.65 },
    { AVX2, MANY, 1, 0.81, 3.94 },    { AVX2, MANY, 2, 0.88, 4.67 },
};

/* Zen 4 and Zen 5 share their scalar and AVX2 lines (docs/ROUTER.md). */
static const default_rate zen4_5_scalar_avx2[] = {
    { SCALAR, PAIR, 1, 0.055, 0.73 }, { SCALAR, MANY, 1, 0.0, 0.73 },
    { AVX2, PAIR, 1, 0.19, 4.00 },    { AVX2, PAIR, 2, 0.19, 3.86 },
    { AVX2, MANY, 1, 0.81, 4.17 },    { AVX2, MANY, 2, 0.88, 4.94 },
};

static const default_rate zen4_avx512[] = {
    { AVX512, PAIR, 1, 0.35, 3.67 }, { AVX512, PAIR, 2, 0.35, 3.54 },
    { AVX512, MANY, 1, 0.81, 3.82 }, { AVX512, MANY, 2, 0.88, 4.53 },
};

static const default_rate zen5_avx512[] = {
    { AVX512, PAIR, 1, 0.35, 7.62 }, { AVX512, PAIR, 2, 0.35, 7.35 },
    { AVX512, MANY, 1, 0.81, 7.94 }, { AVX512, MANY, 2, 0.88, 9.41 },
};

static const default_rate intel_rates[] = {
    { SCALAR, PAIR, 1, 0.037, 0.94 }, { SCALAR, MANY, 1, 0.0, 0.94 },
    { AVX2, PAIR, 1, 0.188, 4.61 },   { AVX2, PAIR, 2, 0.185, 4.59 },
    { AVX2, MANY, 1, 0.383, 5.90 },   { AVX2, MANY, 2, 0.387, 6.74 },
    { AVX512, PAIR, 1, 0.203, 8.68 }, { AVX512, PAIR, 2, 0.217, 9.81 },
    { AVX512, MANY, 1, 0.473, 7.78 }, { AVX512, MANY, 2, 0.516, 10.87 },
};

#undef SCALAR
#undef AVX2
#undef AVX512
#undef PAIR
#undef MANY

/* A family's table: its shared lines, then its own (either may be empty). */
static const struct {
    const default_rate *lines[2];
    size_t count[2];
} family_rates[HDTW_CPU_FAMILY_COUNT] = {
#define RATES(a, b) { { a, b }, { sizeof a / sizeof *a, sizeof b / sizeof *b } }
#define ONLY(a) { { a, NULL }, { sizeof a / sizeof *a, 0 } }
    [HDTW_CPU_GENERIC] = ONLY(intel_rates),
    [HDTW_CPU_ZEN3] = ONLY(zen3_rates),
    [HDTW_CPU_ZEN4] = RATES(zen4_5_scalar_avx2, zen4_avx512),
    [HDTW_CPU_ZEN5] = RATES(zen4_5_scalar_avx2, zen5_avx512),
    [HDTW_CPU_INTEL] = ONLY(intel_rates),
#undef ONLY
#undef RATES
};

void hdtw_profile_defaults_for(hdtw_profile *p, hdtw_cpu_family family)
{
    memset(p, 0, sizeof *p);
    if (family < 0 || family >= HDTW_CPU_FAMILY_COUNT)
        family = HDTW_CPU_GENERIC;
    for (int part = 0; part < 2; part++)
        for (size_t r = 0; r < family_rates[family].count[part]; r++) {
            const default_rate *d = &family_rates[family].lines[part][r];
            hdtw_curve_add(&p->cpu[d->backend][d->kind], d->threads,
                           d->overhead_us * 1e-6, d->gcups * 1e9);
        }
}

void hdtw_profile_defaults(hdtw_profile *p)
{
    static hdtw_cpu_family family = HDTW_CPU_FAMILY_COUNT; /* not yet read */
    hdtw_cpu_family f;
    __atomic_load(&family, &f, __ATOMIC_RELAXED);
    if (f == HDTW_CPU_FAMILY_COUNT) { /* cpuid traps in a VM: read once */
        f = hdtw_cpu_family_of_this();
        __atomic_store(&family, &f, __ATOMIC_RELAXED);
    }
    hdtw_profile_defaults_for(p, f);
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
