/*
 * opmix.c — the scalar backend's op-mix bound (cpu/opmix_template.h):
 * one double a "vector", the operations of cpu/cell.h.
 */
#include "cpu/cpu.h"

#include <math.h>

#define VEC double
#define VEC_WIDTH 1
#define VSET1(x) (x)
#define VSTOREU(p, x) (*(p) = (x))
#define VSUB(x, y) ((x) - (y))
#define VABS(x) fabs(x)
#define VMIN(x, y) ((y) < (x) ? (y) : (x))
#define VADD(x, y) ((x) + (y))
#define OPMIX_ENTRY hdtw_scalar_opmix

#include "cpu/opmix_template.h"
