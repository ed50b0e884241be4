/* SPDX-License-Identifier: MIT */
/* scalar.h — the reference backend's alignment (cpu/scalar.c); its
 * hdtw_run_fn is in cpu/cpu.h. */
#ifndef HDTW_CPU_SCALAR_H
#define HDTW_CPU_SCALAR_H

#include "core/backend.h"

/* Distance, path and similarity of job->pattern against the single window
 * job->series[0 .. n-1] (count must be 1). HDTW_E_NOMEM when the m x n
 * matrix does not fit in memory; *out is written only on success. */
hdtw_status hdtw_scalar_align(const hdtw_job *job, hdtw_alignment *out);

#endif
