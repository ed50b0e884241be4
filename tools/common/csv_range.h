/* SPDX-License-Identifier: MIT */
/* csv_range.h — a CSV file read in byte ranges that start and end at line
 * starts, so that each MPI rank of hdtw-match reads its own part of the
 * file and none reads all of it (tools/match_mpi.c; docs/SCALING.md,
 * "hdtw-match under mpirun").
 *
 * Lines, not records: the parts are cut after a line feed, which ends a
 * record unless it lies inside a quoted field. csv_range_odd_quotes finds
 * the lines that may hold such a field, which the caller refuses. */
#ifndef HDTW_TOOLS_CSV_RANGE_H
#define HDTW_TOOLS_CSV_RANGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The lines of f from its start up to and including the first line that
 * is not blank (only spaces and tabs, after a byte-order mark on the first
 * line): the header with the blank lines before it, in *text (malloc'ed,
 * one spare byte after *len). Returns 0, or -1 (out of memory, a read
 * error; errno tells) with nothing allocated. */
int csv_range_header(FILE *f, char **text, size_t *len);

/* The first line start at or after byte `at` of f (0 < at <= size): `at`
 * itself when byte at - 1 is a line feed, else the byte after the next
 * line feed, or size when none follows. Returns 0, or -1 on a read error. */
int csv_range_line_start(FILE *f, uint64_t at, uint64_t size,
                         uint64_t *start);

/* Bytes [lo, hi) of f in a malloc'ed buffer with one spare byte after
 * them, or NULL (out of memory, a short read). */
char *csv_range_read(FILE *f, uint64_t lo, uint64_t hi);

/* Line feeds in text[0..len). */
size_t csv_range_newlines(const char *text, size_t len);

/* The number of line feeds before the first line of text[0..len) that
 * holds an odd number of double quotes (a quoted field that goes on past
 * the line, or a quote inside an unquoted field), or SIZE_MAX when every
 * line holds an even number. */
size_t csv_range_odd_quotes(const char *text, size_t len);

#endif
