/* SPDX-License-Identifier: MIT */
/*
 * portable.c — the templates at one double a "vector", for any CPU: the
 * scalar backend's search bounds (cpu/search_lb_template.h) and op-mix
 * bound (cpu/opmix_template.h). The operations are those of cpu/cell.h.
 */
#include "cpu/cpu.h"
#include "cpu/search.h"
#include "cpu/znorm.h"

#include <float.h>
#include <math.h>

#define VEC double
#define VEC_WIDTH 1
#define VLOADU(p) (*(p))
#define VSTOREU(p, x) (*(p) = (x))
#define VSET1(x) (x)
#define VADD(x, y) ((x) + (y))
#define VSUB(x, y) ((x) - (y))
#define VMUL(x, y) ((x) * (y))
#define VDIV(x, y) ((x) / (y))
#define VMAX(x, y) ((x) > (y) ? (x) : (y))
#define VMIN(x, y) ((x) < (y) ? (x) : (y))
#define VABS(x) fabs(x)
#define VHSUM(x) (x)
#define VSQRT(x) sqrt(x)
#define VKEEP_IF_GE(a, b, x) ((a) >= (b) ? (x) : 0.0)
#define FUNC(name) portable_##name
#define LB_KERNELS hdtw_lb_portable
#define SEARCH_ENTRY hdtw_scalar_search
#define OPMIX_ENTRY hdtw_scalar_opmix

#include "cpu/search_lb_template.h"
#include "cpu/opmix_template.h"
