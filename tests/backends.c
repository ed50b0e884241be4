/* SPDX-License-Identifier: MIT */
/*
 * backends.c — which backends a test program really reached. The suites
 * and fuzz harnesses are linked with -Wl,--wrap for the computing entry
 * points (tests/CMakeLists.txt, tests/fuzz/CMakeLists.txt), so every
 * successful call passes through a wrapper here that notes
 * hdtw_last_backend. Check runs each test in a forked child, so the notes
 * live in a shared anonymous mapping made before any fork; the process
 * that made it writes the list at exit.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned *reached; /* bit b: backend b served a call */
static pid_t owner;

void test_note_backend(hdtw_backend b)
{
    if (reached && (unsigned)b < HDTW_BACKEND_COUNT)
        __atomic_fetch_or(reached, 1u << b, __ATOMIC_RELAXED);
}

static void note_context(const hdtw_ctx *ctx, hdtw_status status)
{
    if (status == HDTW_OK)
        test_note_backend(hdtw_last_backend(ctx));
}

/* "scalar avx2", or "none" */
static void list_reached(FILE *f)
{
    unsigned bits = reached ? *reached : 0;
    const char *separator = "";
    if (!bits)
        fputs("none", f);
    for (int b = 0; b < HDTW_BACKEND_COUNT; b++)
        if (bits & 1u << b) {
            fprintf(f, "%s%s", separator, hdtw_backend_name((hdtw_backend)b));
            separator = " ";
        }
    fputc('\n', f);
}

static void write_report(void)
{
    if (getpid() != owner)
        return; /* a forked test, not the program */
    const char *path = getenv("HDTW_TEST_REPORT");
    if (!path || !*path) {
        fputs("backends reached: ", stdout);
        list_reached(stdout);
        return;
    }
    /* the report folder is created here: CI empties it before a run */
    char folder[4096];
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) < sizeof folder) {
        memcpy(folder, path, (size_t)(slash - path));
        folder[slash - path] = '\0';
        if (mkdir(folder, 0777) != 0 && errno != EEXIST)
            return;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    list_reached(f);
    fclose(f);
}

__attribute__((constructor)) static void start_notes(void)
{
    void *shared = mmap(NULL, sizeof *reached, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return;
    reached = shared;
    owner = getpid();
    atexit(write_report);
}

/* ------------------------------------------------------------ wrappers */

/* __wrap_NAME: the linker sends the program's calls of NAME here;
 * __real_NAME is the library's function. */
#define WRAP(name, params, args)                                              \
    hdtw_status __real_##name params;                                         \
    hdtw_status __wrap_##name params;                                         \
    hdtw_status __wrap_##name params                                          \
    {                                                                         \
        hdtw_status s = __real_##name args;                                   \
        note_context(ctx, s);                                                 \
        return s;                                                             \
    }

WRAP(hdtw_distance,
     (hdtw_ctx *ctx, const hdtw_params *p, const double *a, size_t m,
      const double *b, size_t n, double *distance),
     (ctx, p, a, m, b, n, distance))

WRAP(hdtw_align,
     (hdtw_ctx *ctx, const hdtw_params *p, const double *a, size_t m,
      const double *b, size_t n, hdtw_alignment *out),
     (ctx, p, a, m, b, n, out))

WRAP(hdtw_batch,
     (hdtw_ctx *ctx, const hdtw_params *p, const double *pattern, size_t m,
      const double *windows, size_t count, size_t n, double *out),
     (ctx, p, pattern, m, windows, count, n, out))

WRAP(hdtw_sliding,
     (hdtw_ctx *ctx, const hdtw_params *p, const double *pattern, size_t m,
      const double *series, size_t len, size_t window, size_t stride,
      double *out),
     (ctx, p, pattern, m, series, len, window, stride, out))

WRAP(hdtw_search,
     (hdtw_ctx *ctx, const hdtw_search_params *sp, const double *query,
      size_t m, const double *series, size_t len, size_t k, hdtw_match *out,
      size_t *found),
     (ctx, sp, query, m, series, len, k, out, found))

WRAP(hdtw_cdist,
     (hdtw_ctx *ctx, const hdtw_params *p, const hdtw_set *a,
      const hdtw_set *b, double *out),
     (ctx, p, a, b, out))

WRAP(hdtw_pdist,
     (hdtw_ctx *ctx, const hdtw_params *p, const hdtw_set *x, double *out),
     (ctx, p, x, out))

WRAP(hdtw_subsequence,
     (hdtw_ctx *ctx, const hdtw_params *p, const double *query, size_t m,
      const double *series, size_t len, size_t k, hdtw_span *out,
      size_t *found),
     (ctx, p, query, m, series, len, k, out, found))
