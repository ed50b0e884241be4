/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h — what the libFuzzer harnesses share: reading shapes,
 * parameters and values out of the input bytes, an independent model of
 * the status each call must return, and the check that every backend
 * gives the scalar backend's bits (and writes nothing when it fails).
 *
 * The bytes never make a harness lie about its arrays: every length it
 * passes is either the real length of an array it allocated (exactly, so
 * ASan sees any read past it) or a length the library must refuse before
 * reading (an overflowing product, more than SIZE_MAX / 8 doubles).
 */
#ifndef HDTW_FUZZ_COMMON_H
#define HDTW_FUZZ_COMMON_H

#include "hdtw.h"

#include <stddef.h>
#include <stdint.h>

/* Stops the run with a message; libFuzzer saves the input as a crash. */
#define FUZZ_ASSERT(cond, ...)                                                \
    do {                                                                      \
        if (!(cond))                                                          \
            fuzz_fail(__FILE__, __LINE__, __VA_ARGS__);                       \
    } while (0)

void fuzz_fail(const char *file, int line, const char *fmt, ...);

/* The input, consumed front to back; reads past the end give zeros. */
typedef struct {
    const uint8_t *data;
    size_t size;
} fuzz_input;

uint8_t fuzz_u8(fuzz_input *in);
uint64_t fuzz_u64(fuzz_input *in);
/* A length for an array: 0..max, or (rarely) one the library must refuse */
size_t fuzz_length(fuzz_input *in, size_t max);
/* Any size_t (strides): small, near the length, or huge */
size_t fuzz_any_size(fuzz_input *in, size_t near);

/* Parameters: valid and invalid costs, bands negative, zero, small, huge.
 * Returns NULL (the defaults) or p. */
const hdtw_params *fuzz_params(fuzz_input *in, hdtw_params *p);

/* The parameters a call with p uses (p NULL: the defaults), and whether
 * their cost is one the library knows. */
hdtw_params fuzz_effective(const hdtw_params *p);
int fuzz_cost_valid(const hdtw_params *p);

/* n doubles (malloc'd exactly; at least 1 byte so the pointer is real):
 * small integers (ties), fractions, huge and tiny magnitudes, -0, NaN,
 * +-Inf and raw bit patterns wherever the bytes put them. */
double *fuzz_values(fuzz_input *in, size_t n);
/* Whether the real array x can be read for n values (the model's view):
 * all finite. */
int fuzz_all_finite(const double *x, size_t n);

/* The length a real array may have: larger ones are refused with E_ARG. */
#define FUZZ_MAX_VALUES (SIZE_MAX / sizeof(double))
/* Whether lengths a*b*c overflow size_t */
int fuzz_product_overflows(size_t a, size_t b, size_t c);

/* One call of an entry point on ctx, its results as doubles in out. */
typedef hdtw_status (*fuzz_call_fn)(hdtw_ctx *ctx, const void *args,
                                    double *out);

/* Runs call on a scalar context and on a context set to every backend
 * hdtw_set_backend accepts (threads from the input), plus an invalid
 * backend value that must be refused. Each run must return `expected`,
 * write nothing (out_len sentinels intact) unless it succeeds, and on
 * success give the scalar run's bits. Copies the scalar result into
 * reference (out_len doubles) when expected is HDTW_OK. After a success
 * hdtw_last_backend must name served_by, or with HDTW_BACKEND_AUTO the CPU
 * backend the context was set to (a device may fall back to the CPU). */
void fuzz_check_backends(fuzz_input *in, fuzz_call_fn call, const void *args,
                         size_t out_len, hdtw_status expected,
                         double *reference, hdtw_backend served_by);

/* Which pointer, if any, a call passes as NULL (or the context): the input
 * decides, rarely, so most inputs reach the computation. */
typedef enum { FUZZ_NULL_NONE = 0, FUZZ_NULL_CTX, FUZZ_NULL_FIRST,
               FUZZ_NULL_SECOND, FUZZ_NULL_OUT } fuzz_null;
fuzz_null fuzz_pick_null(fuzz_input *in);

/* n values, or an empty (1-byte) array when n is a length no array can
 * have: those calls must be refused before anything is read. */
double *fuzz_array(fuzz_input *in, size_t n);

/* Two series and parameters, as hdtw_distance and hdtw_align take them. */
typedef struct {
    hdtw_params params;
    const hdtw_params *p; /* &params or NULL */
    size_t m, n;
    double *a, *b;
    fuzz_null null;
} fuzz_pair;

void fuzz_read_pair(fuzz_input *in, size_t max_len, fuzz_pair *pair);
/* The status the docs/DESIGN.md rules give for the pair. */
hdtw_status fuzz_pair_expected(const fuzz_pair *pair);
void fuzz_free_pair(fuzz_pair *pair);

/* n doubles for results (at least one), malloc'd; aborts when out of
 * memory. */
double *fuzz_output(size_t n);

/* The first and last of `count` windows (window k at series + k*stride)
 * in out checked against the literal definition (naive_dtw). */
void fuzz_check_windows(const hdtw_params *p, const double *pattern,
                        size_t m, const double *series, size_t window,
                        size_t stride, size_t count, const double *out);

/* The scalar context the harnesses share (created on first use). */
hdtw_ctx *fuzz_scalar_ctx(void);

#endif
