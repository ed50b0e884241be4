/* SPDX-License-Identifier: MIT */
/*
 * test_dispatch.c — the router: its cost model on synthetic profiles, the
 * profile file (good, partial, missing, malformed: never a crash, always
 * usable numbers), AUTO equal to the definition bit for bit on the backends
 * the profile sends it to, and the fallback to
 * the CPU when a device fails.
 */
#include "testutil.h"

#include "cpu/cell.h"
#include "cpu/cpu.h"
#include "core/internal.h"
#include "core/profile.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A profile holding exactly the given text's entries (no defaults). */
static hdtw_profile synthetic(const char *text)
{
    hdtw_profile p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(hdtw_profile_merge(&p, text, strlen(text)), 0);
    return p;
}

static hdtw_job pair_job(size_t m, size_t n, long band)
{
    return (hdtw_job){ .cost = HDTW_COST_ABS,
                       .band = hdtw_effective_band(band, m, n),
                       .m = m, .n = n, .count = 1, .stride = n };
}

static hdtw_job many_job(size_t count, size_t m, size_t n)
{
    hdtw_job job = pair_job(m, n, -1);
    job.count = count;
    return job;
}

static unsigned all_cpu(void)
{
    return 1u << HDTW_BACKEND_SCALAR | 1u << HDTW_BACKEND_AVX2 |
           1u << HDTW_BACKEND_AVX512;
}

/* ----------------------------------------------------------- cost model */

/* avx512 has a large per-call cost (thread start) and a high rate; avx2 a
 * small cost and a middling rate: small calls go to avx2, large to avx512,
 * and the crossover sits where the two lines meet. */
static const char crossover_text[] =
    "hdtw-profile 1\n"
    "rate scalar pair 1 0.1 1\n"
    "rate scalar many 1 0.1 1\n"
    "rate avx2 pair 1 1 4\n"
    "rate avx2 many 1 1 4\n"
    "rate avx512 pair 1 100 16\n"
    "rate avx512 many 1 100 16\n";

START_TEST(small_to_cheap_call_large_to_fast_rate)
{
    hdtw_profile p = synthetic(crossover_text);
    hdtw_cost_model cm = { .profile = &p, .present = all_cpu(), .threads = 1 };
    /* tiny: scalar's 0.1 us overhead wins */
    hdtw_job tiny = pair_job(3, 3, -1);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &tiny), HDTW_BACKEND_SCALAR);
    /* avx2 vs avx512: 1us + c/4e9 = 100us + c/16e9 at c = 528,000 cells */
    hdtw_job below = pair_job(500, 1000, -1); /* 500,000 cells */
    hdtw_job above = pair_job(600, 1000, -1); /* 600,000 cells */
    ck_assert_int_eq(hdtw_cost_pick(&cm, &below), HDTW_BACKEND_AVX2);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &above), HDTW_BACKEND_AVX512);
    double expect = 1e-6 + 500000 / 4e9;
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_AVX2, &below),
                            expect, expect * 1e-12);
}
END_TEST

START_TEST(band_cells_are_counted)
{
    hdtw_profile p = synthetic(crossover_text);
    hdtw_cost_model cm = { .profile = &p, .present = all_cpu(), .threads = 1 };
    /* 1000 x 1000 is above the crossover; with band 10 only ~21,000 cells
     * remain, well below it */
    hdtw_job full = pair_job(1000, 1000, -1);
    hdtw_job banded = pair_job(1000, 1000, 10);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &full), HDTW_BACKEND_AVX512);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &banded), HDTW_BACKEND_AVX2);
    double cells = (double)hdtw_band_cells(1000, 1000, 10);
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_SCALAR,
                                               &banded),
                            0.1e-6 + cells / 1e9, 1e-15);
}
END_TEST

START_TEST(absent_backends_are_never_picked)
{
    hdtw_profile p = synthetic(crossover_text);
    hdtw_cost_model cm = { .profile = &p, .threads = 1,
                           .present = 1u << HDTW_BACKEND_SCALAR |
                                      1u << HDTW_BACKEND_AVX2 };
    hdtw_job big = many_job(10000, 100, 100);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &big), HDTW_BACKEND_AVX2);
    ck_assert(isinf(hdtw_cost_estimate(&cm, HDTW_BACKEND_AVX512, &big)));
    ck_assert(isinf(hdtw_cost_estimate(&cm, HDTW_BACKEND_AUTO, &big)));
    cm.present = 1u << HDTW_BACKEND_SCALAR;
    ck_assert_int_eq(hdtw_cost_pick(&cm, &big), HDTW_BACKEND_SCALAR);
}
END_TEST

START_TEST(unmeasured_cpu_backend_borrows_scalar_and_wins_ties)
{
    hdtw_profile p = synthetic("hdtw-profile 1\n"
                               "rate scalar pair 1 0.1 1\n"
                               "rate scalar many 1 0.1 1\n");
    hdtw_cost_model cm = { .profile = &p, .present = all_cpu(), .threads = 1 };
    hdtw_job job = many_job(100, 50, 50);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &job), HDTW_BACKEND_AVX512);
    cm.present &= ~(1u << HDTW_BACKEND_AVX512);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &job), HDTW_BACKEND_AVX2);
}
END_TEST

/* avx2 scales to 2 threads (at a fork/join cost), avx512 is measured on 1
 * thread only and is a little faster there. */
static const char threads_text[] =
    "hdtw-profile 1\n"
    "rate scalar many 1 0.1 1\n"
    "rate avx2 many 1 1 10\n"
    "rate avx2 many 2 5 19\n"
    "rate avx512 many 1 1 12\n";

START_TEST(threads_change_the_choice)
{
    hdtw_profile p = synthetic(threads_text);
    hdtw_cost_model cm = { .profile = &p, .present = all_cpu(), .threads = 1 };
    hdtw_job big = many_job(10000, 100, 100);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &big), HDTW_BACKEND_AVX512);
    cm.threads = 2;
    ck_assert_int_eq(hdtw_cost_pick(&cm, &big), HDTW_BACKEND_AVX2);
    /* beyond the measured counts the last point holds */
    cm.threads = 64;
    double at2 = 5e-6 + 1e8 / 19e9;
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_AVX2, &big),
                            at2, at2 * 1e-12);
}
END_TEST

START_TEST(few_windows_use_few_threads)
{
    hdtw_profile p = synthetic("hdtw-profile 1\n"
                               "rate avx2 many 1 0 1\n"
                               "rate avx2 many 4 0 4\n");
    hdtw_cost_model cm = { .profile = &p, .threads = 4,
                           .present = 1u << HDTW_BACKEND_SCALAR |
                                      1u << HDTW_BACKEND_AVX2 };
    hdtw_job two = many_job(2, 100, 100), eight = many_job(8, 100, 100);
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_AVX2, &two),
                            2e4 / 2e9, 1e-15);
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_AVX2,
                                               &eight),
                            8e4 / 4e9, 1e-15);
    /* scalar has no numbers at all here: it is never estimated */
    ck_assert(isinf(hdtw_cost_estimate(&cm, HDTW_BACKEND_SCALAR, &two)));
    ck_assert_int_eq(hdtw_cost_pick(&cm, &two), HDTW_BACKEND_AVX2);
}
END_TEST

START_TEST(curve_interpolates_between_thread_counts)
{
    hdtw_rate_curve c = { 0 };
    ck_assert_int_eq(hdtw_curve_add(&c, 4, 4e-6, 4e9), 0);
    ck_assert_int_eq(hdtw_curve_add(&c, 1, 1e-6, 1e9), 0);
    ck_assert_int_eq(hdtw_curve_add(&c, 1, 2e-6, 1e9), 0); /* replaces */
    ck_assert_int_eq(c.points, 2);
    ck_assert_int_eq(c.at[0].threads, 1);
    /* 2 threads: a third of the way from 1 to 4 */
    double expect = (2e-6 + 2e-6 / 3) + 1e9 / 2e9;
    ck_assert_double_eq_tol(hdtw_curve_seconds(&c, 2, 1e9), expect, 1e-12);
    ck_assert_double_eq_tol(hdtw_curve_seconds(&c, 0, 1e9), 2e-6 + 1, 1e-12);
    ck_assert_int_eq(hdtw_curve_add(&c, 2, 0, 2e9), 0);
    ck_assert_int_eq(hdtw_curve_add(&c, 3, 0, 3e9), 0);
    ck_assert_int_eq(hdtw_curve_add(&c, 5, 0, 5e9), -1); /* full */
    ck_assert_int_eq(hdtw_curve_add(&c, 1, -1, 1e9), -1);
    ck_assert_int_eq(hdtw_curve_add(&c, 1, 0, 0), -1);
    ck_assert_int_eq(hdtw_curve_add(&c, 1, NAN, 1e9), -1);
}
END_TEST

/* A GPU with a high launch cost and transfer over the bus, and a PoCL-like
 * device slower than the CPU kernels. */
static const char devices_text[] =
    "hdtw-profile 1\n"
    "rate scalar pair 1 0.1 1\n"
    "rate scalar many 1 0.1 1\n"
    "rate avx512 many 2 2 20\n"
    "rate avx512 pair 2 1 5\n"
    "device many 50 1000 10 Big GPU\n"
    "device pair 50 5 10 Big GPU\n"
    "device many 20 4 20 pthread-cpu\n";

START_TEST(large_batches_go_to_a_measured_gpu)
{
    hdtw_profile p = synthetic(devices_text);
    ck_assert_uint_eq(p.devices, 2);
    hdtw_cost_model cm = { .profile = &p, .threads = 2,
                           .present = all_cpu() | 1u << HDTW_BACKEND_OPENCL,
                           .device = hdtw_profile_device(&p, "Big GPU") };
    ck_assert_ptr_nonnull(cm.device);
    hdtw_job small = many_job(10, 100, 100);     /* 1e5 cells */
    hdtw_job large = many_job(100000, 128, 128); /* 1.6e9 cells */
    hdtw_job pair = pair_job(2000, 2000, -1);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &small), HDTW_BACKEND_AVX512);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &large), HDTW_BACKEND_OPENCL);
    ck_assert_int_eq(hdtw_cost_pick(&cm, &pair), HDTW_BACKEND_AVX512);
    /* the transfer is part of the estimate: 8 * (128 + 128e5 + 1e5) bytes */
    double bytes = 8.0 * (128 + 128.0 * 100000 + 100000);
    double expect = 50e-6 + 128.0 * 128 * 100000 / 1e12 + bytes / 10e9;
    ck_assert_double_eq_tol(hdtw_cost_estimate(&cm, HDTW_BACKEND_OPENCL,
                                               &large),
                            expect, expect * 1e-12);
}
END_TEST

START_TEST(slow_or_unmeasured_devices_are_never_picked)
{
    hdtw_profile p = synthetic(devices_text);
    hdtw_cost_model cm = { .profile = &p, .threads = 2,
                           .present = all_cpu() | 1u << HDTW_BACKEND_OPENCL,
                           .device = hdtw_profile_device(&p, "pthread-cpu") };
    hdtw_job sizes[] = { many_job(1, 10, 10), many_job(100000, 128, 128),
                         pair_job(20000, 20000, -1) };
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        ck_assert_int_ne(hdtw_cost_pick(&cm, &sizes[s]), HDTW_BACKEND_OPENCL);
    cm.device = NULL; /* present but never measured */
    ck_assert(isinf(hdtw_cost_estimate(&cm, HDTW_BACKEND_OPENCL, &sizes[1])));
    ck_assert_int_ne(hdtw_cost_pick(&cm, &sizes[1]), HDTW_BACKEND_OPENCL);
    ck_assert_ptr_null(hdtw_profile_device(&p, "Big"));
}
END_TEST

/* ------------------------------------------------------- profile file */

static int same_profile(const hdtw_profile *x, const hdtw_profile *y)
{
    return memcmp(x, y, sizeof *x) == 0;
}

START_TEST(malformed_text_gives_exactly_the_defaults)
{
    static const char *const bad[] = {
        "",
        "# only a comment\n",
        "rate scalar pair 1 0.1 1\n",                  /* no version line */
        "hdtw-profile 2\n",
        "hdtw-profile 1 extra\n",
        "hdtw-profile 1\nrate scalar pair 1 0.1\n",      /* missing field */
        "hdtw-profile 1\nrate scalar pair 1 0.1 1 9\n",  /* extra field */
        "hdtw-profile 1\nrate opencl pair 1 0.1 1\n",    /* not a CPU one */
        "hdtw-profile 1\nrate auto pair 1 0.1 1\n",
        "hdtw-profile 1\nrate scalar both 1 0.1 1\n",
        "hdtw-profile 1\nrate scalar pair 0 0.1 1\n",    /* threads < 1 */
        "hdtw-profile 1\nrate scalar pair 1.5 0.1 1\n",
        "hdtw-profile 1\nrate scalar pair 1 -0.1 1\n",
        "hdtw-profile 1\nrate scalar pair 1 0.1 0\n",    /* zero rate */
        "hdtw-profile 1\nrate scalar pair 1 0,1 1\n",
        "hdtw-profile 1\nrate scalar pair 1 1e999 1\n",
        "hdtw-profile 1\nrate scalar pair 1 nan 1\n",
        "hdtw-profile 1\nrate scalar pair 1 . 1\n",
        "hdtw-profile 1\nrate scalar pair 1 1e 1\n",
        "hdtw-profile 1\nthreshold 1000\n",
        "hdtw-profile 1\ndevice many 1 1 1\n",           /* no name */
        "hdtw-profile 1\ndevice many 1 1 0 gpu\n",       /* zero bandwidth */
        "hdtw-profile 1\ndevice any 1 1 1 gpu\n",
        "hdtw-profile 1\nrate scalar many 1 0 1\nrate scalar many 2 0 1\n"
        "rate scalar many 3 0 1\nrate scalar many 4 0 1\n"
        "rate scalar many 5 0 1\n",                      /* too many points */
    };
    hdtw_profile defaults, got;
    hdtw_profile_defaults(&defaults);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        memset(&got, 0xA5, sizeof got);
        ck_assert_msg(hdtw_profile_parse(bad[k], strlen(bad[k]), &got) == -1,
                      "accepted: %s", bad[k]);
        ck_assert_msg(same_profile(&got, &defaults), "not defaults: %s",
                      bad[k]);
    }
    /* a NUL inside, and a line longer than any real one */
    char text[2048] = "hdtw-profile 1\n";
    ck_assert_int_eq(hdtw_profile_parse(text, strlen(text) + 1, &got), -1);
    memset(text + 15, 'x', 1000);
    ck_assert_int_eq(hdtw_profile_parse(text, 1015, &got), -1);
    /* nine devices do not fit */
    size_t len = (size_t)sprintf(text, "hdtw-profile 1\n");
    for (int d = 0; d < HDTW_PROFILE_DEVICES + 1; d++)
        len += (size_t)sprintf(text + len, "device many 1 1 1 gpu %d\n", d);
    ck_assert_int_eq(hdtw_profile_parse(text, len, &got), -1);
    ck_assert(same_profile(&got, &defaults));
}
END_TEST

START_TEST(partial_text_keeps_the_other_defaults)
{
    hdtw_profile defaults, got;
    hdtw_profile_defaults(&defaults);
    ck_assert_int_gt(defaults.cpu[HDTW_BACKEND_SCALAR][HDTW_KIND_PAIR].points,
                     0);
    const char *text = "  # calibrated by hand\n"
                       "hdtw-profile 1   # version\r\n"
                       "\n"
                       "rate\tavx2 many 2 3.5 1.25e1\n";
    ck_assert_int_eq(hdtw_profile_parse(text, strlen(text), &got), 0);
    ck_assert_int_eq(got.from_file, 1);
    const hdtw_rate_curve *c = &got.cpu[HDTW_BACKEND_AVX2][HDTW_KIND_MANY];
    ck_assert_int_eq(c->points, 1);
    ck_assert_int_eq(c->at[0].threads, 2);
    ck_assert_double_eq_tol(c->at[0].overhead_s, 3.5e-6, 1e-18);
    ck_assert_double_eq_tol(c->at[0].cells_per_s, 12.5e9, 1e-3);
    ck_assert(memcmp(&got.cpu[HDTW_BACKEND_SCALAR],
                     &defaults.cpu[HDTW_BACKEND_SCALAR],
                     sizeof got.cpu[0]) == 0);
    /* a file's curve replaces the default curve, not one point of it */
    text = "hdtw-profile 1\nrate scalar pair 2 1 2\n";
    ck_assert_int_eq(hdtw_profile_parse(text, strlen(text), &got), 0);
    c = &got.cpu[HDTW_BACKEND_SCALAR][HDTW_KIND_PAIR];
    ck_assert_int_eq(c->points, 1);
    ck_assert_int_eq(c->at[0].threads, 2);
}
END_TEST

START_TEST(format_then_parse_round_trips)
{
    hdtw_profile p = synthetic(devices_text), back;
    char text[4096];
    size_t len = hdtw_profile_format(&p, "test", text, sizeof text);
    ck_assert_uint_lt(len, sizeof text);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_int_eq(hdtw_profile_parse(text, len, &back), 0);
    ck_assert_uint_eq(back.devices, 2);
    const hdtw_device_profile *d = hdtw_profile_device(&back, "Big GPU");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(d->kind[HDTW_KIND_MANY].at[0].cells_per_s, 1e12,
                            1);
    ck_assert_double_eq_tol(d->bytes_per_s[HDTW_KIND_PAIR], 10e9, 1);
    ck_assert_double_eq_tol(
        back.cpu[HDTW_BACKEND_AVX512][HDTW_KIND_MANY].at[0].overhead_s, 2e-6,
        1e-15);
    /* truncation reports the length needed and stays terminated */
    char tiny[16];
    ck_assert_uint_eq(hdtw_profile_format(&p, "test", tiny, sizeof tiny),
                      len);
    ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
}
END_TEST

static char profile_path[64];

static void write_file(const char *text, size_t len)
{
    FILE *f = fopen(profile_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void profile_setup(void)
{
    strcpy(profile_path, "/tmp/hdtw-test-profile-XXXXXX");
    int fd = mkstemp(profile_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    test_setenv("HDTW_PROFILE", profile_path);
}

static void profile_teardown(void)
{
    unlink(profile_path);
    test_env_restore();
}

/* hdtw_create succeeds and the context holds the expected numbers. */
static void assert_context_profile(int from_file)
{
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(ctx->profile.from_file, from_file);
    if (!from_file) {
        hdtw_profile defaults;
        hdtw_profile_defaults(&defaults);
        ck_assert(same_profile(&ctx->profile, &defaults));
    }
    double d, a[3] = { 1, 2, 3 };
    ck_assert_int_eq(hdtw_distance(ctx, NULL, a, 3, a, 3, &d), HDTW_OK);
    ck_assert(same_bits(d, 0.0));
    hdtw_destroy(ctx);
}

START_TEST(context_reads_the_profile_file)
{
    const char *text = "hdtw-profile 1\nrate scalar many 1 0.2 0.9\n";
    write_file(text, strlen(text));
    assert_context_profile(1);
}
END_TEST

START_TEST(missing_corrupt_or_odd_files_give_defaults)
{
    write_file("hdtw-profile 1\nrate scalar\n", 27); /* corrupt */
    assert_context_profile(0);
    write_file("\x7f" "ELF\0\0\1\2garbage", 14);           /* binary */
    assert_context_profile(0);
    write_file("", 0);                                      /* empty */
    assert_context_profile(0);
    char *big = test_alloc(HDTW_PROFILE_FILE_MAX + 100);    /* too large */
    memset(big, '#', HDTW_PROFILE_FILE_MAX + 100);
    memcpy(big, "hdtw-profile 1\n", 15);
    write_file(big, HDTW_PROFILE_FILE_MAX + 100);
    free(big);
    assert_context_profile(0);
    unlink(profile_path);                                   /* missing */
    assert_context_profile(0);
    test_setenv("HDTW_PROFILE", "/");                       /* a directory */
    assert_context_profile(0);
    ck_assert_int_eq(mkfifo(profile_path, 0600), 0);        /* a FIFO */
    test_setenv("HDTW_PROFILE", profile_path);
    assert_context_profile(0);                              /* no hang */
    unlink(profile_path);
    test_setenv("HDTW_PROFILE", "");     /* empty: the XDG rule, from nowhere */
    test_setenv("XDG_CACHE_HOME", "relative/ignored");
    test_setenv("HOME", "/nonexistent-hdtw-home");
    assert_context_profile(0);
    test_unsetenv("HOME");
    test_unsetenv("XDG_CACHE_HOME");
    assert_context_profile(0);
}
END_TEST

START_TEST(profile_path_follows_the_environment)
{
    char buf[256];
    test_setenv("HDTW_PROFILE", "/x/p");
    ck_assert_int_eq(hdtw_profile_path(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/x/p");
    test_unsetenv("HDTW_PROFILE");
    test_setenv("XDG_CACHE_HOME", "/cache");
    ck_assert_int_eq(hdtw_profile_path(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/cache/hdtw/profile");
    test_setenv("XDG_CACHE_HOME", "not/absolute");
    test_setenv("HOME", "/home/u");
    ck_assert_int_eq(hdtw_profile_path(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/home/u/.cache/hdtw/profile");
    ck_assert_int_eq(hdtw_profile_path(buf, 8), -1); /* does not fit */
    test_unsetenv("HOME");
    test_unsetenv("XDG_CACHE_HOME");
    ck_assert_int_eq(hdtw_profile_path(buf, sizeof buf), -1);
}
END_TEST

/* ------------------------------------------------- routing end to end */

/* Profiles that send calls to every CPU backend present at some size, and
 * one that keeps every call on scalar. */
static const struct {
    const char *text;
    int every_cpu_backend; /* 1: AUTO must reach each present one */
} routing_profiles[] = {
    { crossover_text, 1 },
    { threads_text, 1 },
    { "hdtw-profile 1\nrate scalar pair 1 0 1000\nrate scalar many 1 0 1000\n",
      0 },
};

/* The backends hdtw_set_backend accepts on ctx, as a bit set */
static unsigned present_cpu_backends(hdtw_ctx *ctx)
{
    unsigned present = 0;
    for (int b = HDTW_BACKEND_SCALAR; b <= HDTW_BACKEND_AVX512; b++)
        if (hdtw_set_backend(ctx, (hdtw_backend)b) == HDTW_OK)
            present |= 1u << b;
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    return present;
}

/* One AUTO call's results against the literal definition (naive_dtw, not
 * the scalar backend: in the -no-simd variant that would be scalar against
 * itself); the backend that served it joins *reached. */
static void check_auto_call(hdtw_ctx *ctx, hdtw_status status,
                            const double *got, const double *want,
                            size_t len, unsigned *reached)
{
    ck_assert_int_eq(status, HDTW_OK);
    ck_assert(memcmp(got, want, len * sizeof *got) == 0);
    *reached |= 1u << hdtw_last_backend(ctx);
}

START_TEST(auto_equals_the_definition_bit_for_bit)
{
    write_file(routing_profiles[_i].text, strlen(routing_profiles[_i].text));
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ck_assert_int_eq(ctx->profile.from_file, 1);
    unsigned present = present_cpu_backends(ctx), reached = 0;
    test_rng rng = { test_seed(0xD15B47C4ull + (uint64_t)_i) };
    enum { MAX_LEN = 200, MAX_COUNT = 20 }; /* seconds under ASan */
    double *a = test_alloc(MAX_LEN * sizeof *a);
    double *series = test_alloc(MAX_LEN * MAX_COUNT * sizeof *a);
    double got[MAX_COUNT], want[MAX_COUNT];
    for (int t = 0; t < 60; t++) {
        size_t m = test_range(&rng, 1, MAX_LEN);
        size_t n = test_range(&rng, 1, MAX_LEN);
        size_t count = test_range(&rng, 1, MAX_COUNT);
        hdtw_params p = { test_range(&rng, 0, 1) ? HDTW_COST_SQUARED
                                                 : HDTW_COST_ABS,
                          (long)test_range(&rng, 0, MAX_LEN) - 40, 0.0 };
        test_fill_series(&rng, a, m);
        test_fill_series(&rng, series, count * n);
        int threads = (int)test_range(&rng, 0, 3);
        if (t < 2) { /* the largest calls, at 1 and 2 threads */
            m = n = MAX_LEN;
            count = MAX_COUNT;
            p.band = -1;
            threads = 1 + t;
        } else if (t == 2) { /* and one of the smallest */
            m = n = 4;
            count = 1;
        }
        ck_assert_int_eq(hdtw_set_threads(ctx, threads), HDTW_OK);
        size_t stride = test_range(&rng, 1, n);
        size_t span = n + (count - 1) * stride; /* count windows */
        for (size_t k = 0; k < count; k++)
            want[k] = naive_dtw(p.cost, p.band, a, m, series + k * n, n);
        check_auto_call(ctx, hdtw_distance(ctx, &p, a, m, series, n, got),
                        got, want, 1, &reached);
        check_auto_call(ctx, hdtw_batch(ctx, &p, a, m, series, count, n, got),
                        got, want, count, &reached);
        for (size_t k = 0; k < count; k++)
            want[k] = naive_dtw(p.cost, p.band, a, m, series + k * stride, n);
        check_auto_call(ctx, hdtw_sliding(ctx, &p, a, m, series, span, n,
                                          stride, got),
                        got, want, count, &reached);
    }
    ck_assert_msg(reached & present, "AUTO used a backend that is absent");
    ck_assert_uint_eq(reached & ~present, 0);
    ck_assert_uint_eq(reached, routing_profiles[_i].every_cpu_backend
                                   ? present
                                   : 1u << HDTW_BACKEND_SCALAR);
    free(a);
    free(series);
    hdtw_destroy(ctx);
}
END_TEST

static int device_calls;

static hdtw_status failing_device(const hdtw_call *call)
{
    (void)call;
    device_calls++;
    return HDTW_E_DEVICE;
}

/* The router remembers its last decision per shape: a change of shape or
 * of thread count must never reuse a decision made for another. */
START_TEST(remembered_decisions_follow_the_shape)
{
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ctx->profile = synthetic(crossover_text);
    ctx->run[HDTW_BACKEND_AVX2] = hdtw_scalar_run; /* present, whatever the CPU */
    ctx->run[HDTW_BACKEND_AVX512] = hdtw_scalar_run;
    ctx->run[HDTW_BACKEND_OPENCL] = NULL;
    ck_assert_int_eq(hdtw_set_threads(ctx, 1), HDTW_OK);
    hdtw_job small = pair_job(10, 10, -1), large = pair_job(3000, 3000, -1);
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(hdtw_route_pick(ctx, &small), HDTW_BACKEND_SCALAR);
        ck_assert_int_eq(hdtw_route_pick(ctx, &small), HDTW_BACKEND_SCALAR);
        ck_assert_int_eq(hdtw_route_pick(ctx, &large), HDTW_BACKEND_AVX512);
    }
    hdtw_job banded = pair_job(3000, 3000, 0); /* 3000 cells: middling */
    ck_assert_int_eq(hdtw_route_pick(ctx, &banded), HDTW_BACKEND_AVX2);
    hdtw_job many = many_job(1000, 3, 3);
    ck_assert_int_eq(hdtw_route_pick(ctx, &many), HDTW_BACKEND_AVX2);
    many.count = 100000;
    ck_assert_int_eq(hdtw_route_pick(ctx, &many), HDTW_BACKEND_AVX512);
    /* the same shape at 2 threads: avx2 scales, avx512 does not */
    ctx->profile = synthetic(threads_text);
    hdtw_job big = many_job(10000, 100, 100);
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(hdtw_set_threads(ctx, 1), HDTW_OK);
        ck_assert_int_eq(hdtw_route_pick(ctx, &big), HDTW_BACKEND_AVX512);
        ck_assert_int_eq(hdtw_set_threads(ctx, 2), HDTW_OK);
        ck_assert_int_eq(hdtw_route_pick(ctx, &big), HDTW_BACKEND_AVX2);
    }
    hdtw_destroy(ctx);
}
END_TEST

START_TEST(device_failure_completes_on_the_cpu)
{
    hdtw_ctx *ctx;
    ck_assert_int_eq(hdtw_create(&ctx), HDTW_OK);
    ctx->run[HDTW_BACKEND_OPENCL] = failing_device;
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_OPENCL), HDTW_OK);
    double a[5] = { 1, 3, 2, 5, 4 }, b[4] = { 2, 2, 4, 4 }, got[2], want[2];
    device_calls = 0;
    ck_assert_int_eq(hdtw_batch(ctx, NULL, a, 5, b, 2, 2, got), HDTW_OK);
    ck_assert_int_eq(device_calls, 1);
    ck_assert_int_eq(hdtw_last_backend(ctx), hdtw_best_cpu_backend(ctx));
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_SCALAR), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, a, 5, b, 2, 2, want), HDTW_OK);
    ck_assert(memcmp(got, want, sizeof got) == 0);
    /* AUTO never sends work to a device without measured numbers */
    ck_assert_int_eq(hdtw_set_backend(ctx, HDTW_BACKEND_AUTO), HDTW_OK);
    ck_assert_int_eq(hdtw_batch(ctx, NULL, a, 5, b, 2, 2, got), HDTW_OK);
    ck_assert_int_eq(device_calls, 1);
    hdtw_destroy(ctx);
}
END_TEST

/* ------------------------------------------------- built-in defaults */

START_TEST(cpuid_names_the_family)
{
    ck_assert_int_eq(hdtw_cpu_family_from("GenuineIntel", 6, 1),
                     HDTW_CPU_INTEL);
    ck_assert_int_eq(hdtw_cpu_family_from("GenuineIntel", 6, 0),
                     HDTW_CPU_INTEL);
    ck_assert_int_eq(hdtw_cpu_family_from("AuthenticAMD", 0x17, 0),
                     HDTW_CPU_ZEN3); /* Zen 2 */
    ck_assert_int_eq(hdtw_cpu_family_from("AuthenticAMD", 0x19, 0),
                     HDTW_CPU_ZEN3);
    ck_assert_int_eq(hdtw_cpu_family_from("AuthenticAMD", 0x19, 1),
                     HDTW_CPU_ZEN4);
    ck_assert_int_eq(hdtw_cpu_family_from("AuthenticAMD", 0x1a, 1),
                     HDTW_CPU_ZEN5);
    ck_assert_int_eq(hdtw_cpu_family_from("HygonGenuine", 0x18, 0),
                     HDTW_CPU_GENERIC);
    ck_assert_str_eq(hdtw_cpu_family_name(HDTW_CPU_ZEN4), "zen4");
    ck_assert_str_eq(hdtw_cpu_family_name(HDTW_CPU_FAMILY_COUNT), "generic");
    /* the defaults without a file are this CPU's family's */
    hdtw_profile mine, want;
    hdtw_profile_defaults(&mine);
    hdtw_profile_defaults_for(&want, hdtw_cpu_family_of_this());
    ck_assert(memcmp(&mine, &want, sizeof mine) == 0);
}
END_TEST

/* The pick of the family's defaults for pairs of n x n and batches of
 * n-bar windows, at 1 or 2 threads, with every CPU backend the family has
 * (AVX-512 when its table has numbers for it). */
static hdtw_backend default_pick(hdtw_cpu_family f, int pair, size_t n,
                                 int threads)
{
    hdtw_profile p;
    hdtw_profile_defaults_for(&p, f);
    hdtw_cost_model cm = { .profile = &p, .present = all_cpu(),
                           .threads = threads };
    hdtw_job job = pair ? pair_job(n, n, -1) : many_job(1000, n, n);
    if (p.cpu[HDTW_BACKEND_AVX512][HDTW_KIND_PAIR].points == 0)
        cm.present &= ~(1u << HDTW_BACKEND_AVX512); /* a CPU without it */
    return hdtw_cost_pick(&cm, &job);
}

/* Every family's table has numbers of its own for each instruction set it
 * has (AVX-512 is never AVX2's copy), tiny pairs go to scalar, and
 * AVX-512 wins only where the family runs it faster: never on Zen 4
 * (512-bit ops in two halves), from mid-size calls on on Zen 5 and Intel. */
START_TEST(each_family_has_its_own_numbers)
{
    for (int f = 0; f < HDTW_CPU_FAMILY_COUNT; f++) {
        hdtw_profile p;
        hdtw_profile_defaults_for(&p, (hdtw_cpu_family)f);
        for (int k = 0; k < HDTW_KIND_COUNT; k++) {
            const hdtw_rate_curve *a2 = &p.cpu[HDTW_BACKEND_AVX2][k];
            const hdtw_rate_curve *a5 = &p.cpu[HDTW_BACKEND_AVX512][k];
            ck_assert_int_gt(p.cpu[HDTW_BACKEND_SCALAR][k].points, 0);
            ck_assert_int_gt(a2->points, 0);
            ck_assert_msg(a5->points == 0 ||
                              memcmp(a5, a2, sizeof *a5) != 0,
                          "%s: avx512 copies avx2",
                          hdtw_cpu_family_name((hdtw_cpu_family)f));
        }
        ck_assert_int_eq(default_pick((hdtw_cpu_family)f, 1, 4, 1),
                         HDTW_BACKEND_SCALAR);
    }
    for (int threads = 1; threads <= 2; threads++)
        for (size_t n = 8; n <= 4096; n *= 2)
            for (int pair = 0; pair < 2; pair++) {
                ck_assert_int_ne(default_pick(HDTW_CPU_ZEN4, pair, n, threads),
                                 HDTW_BACKEND_AVX512);
                ck_assert_int_ne(default_pick(HDTW_CPU_ZEN3, pair, n, threads),
                                 HDTW_BACKEND_AVX512);
            }
    ck_assert_int_eq(default_pick(HDTW_CPU_ZEN5, 1, 1000, 1),
                     HDTW_BACKEND_AVX512);
    ck_assert_int_eq(default_pick(HDTW_CPU_INTEL, 1, 1000, 1),
                     HDTW_BACKEND_AVX512);
    ck_assert_int_eq(default_pick(HDTW_CPU_INTEL, 0, 100, 2),
                     HDTW_BACKEND_AVX512);
    /* on Intel AVX-512 runs short pairs in AVX2's shape with 32 registers
     * (cpu/avx512.c), faster than AVX2 from 32 x 32 down to where scalar
     * takes over */
    ck_assert_int_eq(default_pick(HDTW_CPU_INTEL, 1, 32, 1),
                     HDTW_BACKEND_AVX512);
}
END_TEST

static Suite *dispatch_suite(void)
{
    Suite *s = suite_create("dispatch");
    TCase *model = tcase_create("cost model");
    tcase_add_test(model, small_to_cheap_call_large_to_fast_rate);
    tcase_add_test(model, band_cells_are_counted);
    tcase_add_test(model, absent_backends_are_never_picked);
    tcase_add_test(model, unmeasured_cpu_backend_borrows_scalar_and_wins_ties);
    tcase_add_test(model, threads_change_the_choice);
    tcase_add_test(model, few_windows_use_few_threads);
    tcase_add_test(model, curve_interpolates_between_thread_counts);
    tcase_add_test(model, remembered_decisions_follow_the_shape);
    tcase_add_test(model, large_batches_go_to_a_measured_gpu);
    tcase_add_test(model, slow_or_unmeasured_devices_are_never_picked);
    tcase_add_test(model, cpuid_names_the_family);
    tcase_add_test(model, each_family_has_its_own_numbers);
    suite_add_tcase(s, model);

    TCase *text = tcase_create("profile text");
    tcase_add_test(text, malformed_text_gives_exactly_the_defaults);
    tcase_add_test(text, partial_text_keeps_the_other_defaults);
    tcase_add_test(text, format_then_parse_round_trips);
    suite_add_tcase(s, text);

    TCase *file = tcase_create("profile file and routing");
    tcase_add_checked_fixture(file, profile_setup, profile_teardown);
    tcase_add_test(file, context_reads_the_profile_file);
    tcase_add_test(file, missing_corrupt_or_odd_files_give_defaults);
    tcase_add_test(file, profile_path_follows_the_environment);
    tcase_add_loop_test(file, auto_equals_the_definition_bit_for_bit, 0,
                        sizeof routing_profiles / sizeof *routing_profiles);
    tcase_add_test(file, device_failure_completes_on_the_cpu);
    tcase_set_timeout(file, 60);
    suite_add_tcase(s, file);
    return s;
}

int main(void)
{
    return test_run_suite(dispatch_suite(), CK_FORK_GETENV);
}
