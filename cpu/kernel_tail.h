/* SPDX-License-Identifier: MIT */
/*
 * kernel_tail.h — the stripes for the last few rows of a pair
 * (kernel_stripes.h's stripe_last), instantiated by an includer of 64-row
 * stripes (8 lanes x 8 rows, ROW_LAG 1) before those: 8 lanes x 2 rows,
 * each row 4 columns behind the one above. A lane still trails the one
 * before by 8 columns, so the tail reads the 64-row stripes' skewed b and
 * takes over after their last full stripe, for a last stripe of up to 16
 * rows that would leave 48 or more of 64 rows padding. A row waits on the
 * row above ROW_LAG steps back, which keeps that chain off the critical
 * path; what bounds the tail is each row's wait on its own last cell (min
 * + add a step), not its 11 ops a step, and 16 rows still cost about 60%
 * of the 64-row stripe they replace (bench/RESULTS.md, issue 15's fourth
 * round).
 *
 * The includer defines the ISA's macros (kernel_lanes.h) with LANE_ROWS 8
 * and TAIL_STRIPE(name), the tail's function names; kernel_stripes.h,
 * included next for the 64-row stripes, calls TAIL_STRIPE(stripe_last).
 */
#if LANE_ROWS != 8 /* restored as 8 at the end */
#error "kernel_tail.h: the includer's stripes must be 8 rows a lane"
#endif
#undef LANE_ROWS
#define LANE_ROWS 2
#define STRIPE_ROW_LAG 4
#define FUNC(name) TAIL_STRIPE(name)
/* only stripe_last is called; the lane functions that come with the
 * templates are not */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "cpu/kernel_lanes.h"
#include "cpu/kernel_stripes.h"
#pragma GCC diagnostic pop
#undef FUNC
#undef STRIPE_ROW_LAG
#undef LANE_ROWS
#define LANE_ROWS 8
