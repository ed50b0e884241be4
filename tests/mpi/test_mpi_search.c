/* SPDX-License-Identifier: MIT */
/*
 * test_mpi_search.c — hdtw_mpi_search at whatever rank count mpirun gives
 * (CI: 1, 2, 3 and 4), against hdtw_search on the whole series in one
 * process, and on small cases against the brute-force definition of
 * include/hdtw.h as well: same status, same found, same starts, memcmp on
 * the distances. Every rank builds the same whole series from a seed and
 * passes its slice, cut in several ways: equal, random (empty slices
 * included), slices shorter than the query (halos across several ranks),
 * everything on one rank. Planted near-copies of the query on both sides
 * of every cut make exclusion zones cross slices; exact copies far apart
 * make the bound the ranks share during the run decide what they skip.
 * Then the failure paths:
 * each must give every rank the same status and leave out untouched, and
 * a good call after it must still work (no rank left behind).
 *
 * Not a Check suite: Check forks each test, which an MPI process must not
 * do. A failure prints its case and rank; the exit status is non-zero.
 */
#include "mpi_testutil.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static hdtw_ctx *ctx;

/* ------------------------------------------------------------ the oracles */

static int by_rank(const void *x, const void *y)
{
    const hdtw_match *a = x, *b = y;
    if (a->distance < b->distance || a->distance > b->distance)
        return a->distance < b->distance ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* include/hdtw.h's definition, literally: all windows, ranked, walked */
static size_t definition(const hdtw_search_params *sp, const double *query,
                         size_t m, const double *x, size_t len, size_t k,
                         hdtw_match *out)
{
    size_t windows = len - m + 1, n = 0;
    size_t e = sp->exclusion == HDTW_EXCLUSION_AUTO ? m / 2 : sp->exclusion;
    hdtw_match *all = xmalloc(windows * sizeof *all);
    double *q = xmalloc(m * sizeof *q), *w = xmalloc(m * sizeof *w);
    memcpy(q, query, m * sizeof *q);
    if (sp->znorm)
        hdtw_znorm(query, m, q);
    for (size_t s = 0; s < windows; s++) {
        memcpy(w, x + s, m * sizeof *w);
        if (sp->znorm)
            hdtw_znorm(x + s, m, w);
        all[s].start = s;
        hdtw_distance(ctx, &sp->dtw, q, m, w, m, &all[s].distance);
    }
    qsort(all, windows, sizeof *all, by_rank);
    for (size_t i = 0; i < windows && n < k; i++) {
        size_t c = 0;
        while (c < n && (all[i].start > out[c].start
                             ? all[i].start - out[c].start
                             : out[c].start - all[i].start) >= e)
            c++;
        if (c == n)
            out[n++] = all[i];
    }
    free(w);
    free(q);
    free(all);
    return n;
}

/* starts equal and distances bit for bit: the struct has no padding, so
 * one memcmp compares exactly those bits */
_Static_assert(sizeof(hdtw_match) == sizeof(size_t) + sizeof(double),
               "hdtw_match has padding");
static int same_matches(const hdtw_match *a, const hdtw_match *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

/* ------------------------------------------------------------ the slices */

enum { CUT_EQUAL, CUT_RANDOM, CUT_SHORT, CUT_ONE_RANK, CUT_KINDS };

/* lens[0..ranks-1] of a cut of len values; the same on every rank */
static void cut(int kind, test_rng *rng, size_t len, size_t m, size_t *lens)
{
    size_t left = len;
    for (int r = 0; r < ranks; r++) {
        size_t n = 0;
        if (kind == CUT_EQUAL)
            n = len / (size_t)ranks;
        else if (kind == CUT_RANDOM)
            n = test_next(rng) % 4 == 0 ? 0 : test_range(rng, 0, left);
        else if (kind == CUT_SHORT)
            n = test_range(rng, 0, m > 1 ? m - 1 : 1);
        else if (kind == CUT_ONE_RANK)
            n = r == ranks / 2 ? len : 0;
        n = n < left ? n : left;
        lens[r] = r == ranks - 1 ? left : n;
        left -= lens[r];
    }
}

static size_t my_origin(const size_t *lens)
{
    size_t o = 0;
    for (int r = 0; r < rank; r++)
        o += lens[r];
    return o;
}

/* ------------------------------------------------------------- the checks */

/* hdtw_mpi_search on the cut `lens` of x equals hdtw_search on x, and the
 * definition when brute is set; out beyond found is left alone. */
static void check_case(const char *name, const hdtw_search_params *sp,
                       const double *query, size_t m, const double *x,
                       size_t len, const size_t *lens, size_t k, int brute)
{
    hdtw_match *want = xmalloc(k * sizeof *want);
    hdtw_match *got = xmalloc((k + 1) * sizeof *got);
    size_t want_n = 0, got_n = 0;
    hdtw_status ws = hdtw_search(ctx, sp, query, m, x, len, k, want, &want_n);
    memset(got, 0xA5, (k + 1) * sizeof *got);
    const double *slice = x + my_origin(lens);
    hdtw_status gs = hdtw_mpi_search(ctx, MPI_COMM_WORLD, sp, query, m,
                                     lens[rank] ? slice : NULL, lens[rank],
                                     k, got, &got_n);
    EXPECT(gs == ws, "%s: status %d, hdtw_search %d", name, gs, ws);
    if (gs == HDTW_OK && ws == HDTW_OK) {
        EXPECT(got_n == want_n && same_matches(got, want, want_n),
               "%s: %zu matches differ from hdtw_search's %zu (m %zu, len "
               "%zu, k %zu, exclusion %zu, znorm %d)", name, got_n, want_n,
               m, len, k, sp->exclusion, sp->znorm);
        unsigned char untouched[sizeof *got];
        memset(untouched, 0xA5, sizeof untouched);
        for (size_t i = got_n; i <= k; i++)
            EXPECT(memcmp(&got[i], untouched, sizeof untouched) == 0,
                   "%s: out[%zu] written", name, i);
    }
    if (brute && ws == HDTW_OK) {
        hdtw_match *def = xmalloc(k * sizeof *def);
        size_t def_n = definition(sp, query, m, x, len, k, def);
        EXPECT(def_n == got_n && same_matches(got, def, def_n),
               "%s: differs from the definition", name);
        free(def);
    }
    free(got);
    free(want);
}

static size_t pick_exclusion(test_rng *rng, size_t m)
{
    static const size_t choices[] = { 0, 1, 2, HDTW_EXCLUSION_AUTO };
    size_t c = test_range(rng, 0, 6);
    if (c < 4)
        return choices[c];
    return c == 4 ? m : c == 5 ? 3 * m : test_range(rng, 1, 2 * m);
}

static void random_cases(int count)
{
    static const size_t ks[] = { 1, 2, 3, 5, 10 };
    test_rng rng = { 20261129 };
    size_t *lens = xmalloc((size_t)ranks * sizeof *lens);
    for (int c = 0; c < count; c++) {
        size_t m = test_range(&rng, 1, 40);
        size_t len = test_range(&rng, m, c % 5 == 0 ? 3000 : 400);
        double *x = xmalloc(len * sizeof *x), *q = xmalloc(m * sizeof *q);
        test_fill_series(&rng, x, len);
        test_fill_series(&rng, q, m);
        hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
        sp.dtw.cost = test_next(&rng) % 2 ? HDTW_COST_ABS : HDTW_COST_SQUARED;
        sp.dtw.band = (long)test_range(&rng, 0, 6) - 1;
        sp.znorm = test_next(&rng) % 4 != 0;
        sp.exclusion = pick_exclusion(&rng, m);
        size_t k = ks[test_range(&rng, 0, 4)];
        cut(c % CUT_KINDS, &rng, len, m, lens);
        char name[64];
        snprintf(name, sizeof name, "random case %d", c);
        check_case(name, &sp, q, m, x, len, lens, k, len <= 400);
        free(q);
        free(x);
    }
    free(lens);
}

/* Near-copies of the query just before and just after every cut, closer
 * together than the exclusion: which of them survive depends on windows
 * of two ranks at once. */
static void planted_cases(void)
{
    test_rng rng = { 77 };
    const size_t m = 48, len = 6000;
    size_t *lens = xmalloc((size_t)ranks * sizeof *lens);
    double *x = xmalloc(len * sizeof *x), q[48];
    for (int kind = 0; kind < CUT_KINDS; kind++) {
        test_fill_series(&rng, x, len);
        test_fill_series(&rng, q, m);
        cut(kind == CUT_ONE_RANK ? CUT_EQUAL : kind, &rng, len, m, lens);
        size_t at = 0;
        for (int r = 0; r + 1 < ranks || (ranks == 1 && r == 0); r++) {
            at += ranks == 1 ? len / 2 : lens[r];
            /* copies at the cut - 3m/4, - m/4, + m/4: each pair closer
               than the exclusion m/2... or not, and straddling the cut */
            static const long shift[] = { -36, -20, -12, 0, 12, 30 };
            for (size_t j = 0; j < sizeof shift / sizeof *shift; j++) {
                long s = (long)at + shift[j];
                if (s < 0 || (size_t)s + m > len)
                    continue;
                for (size_t i = 0; i < m; i++)
                    x[(size_t)s + i] = q[i] * 2.0 + 5.0 +
                                       1e-3 * (double)(j + 1) * test_unit(&rng);
            }
        }
        for (int z = 0; z < 2; z++) {
            hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
            sp.znorm = 1 - z;
            sp.dtw.band = z ? -1 : 5;
            if (!sp.znorm) /* raw values: the copies keep the query's scale */
                for (size_t i = 0; i < m; i++)
                    q[i] = q[i] * 2.0 + 5.0;
            check_case("planted, k = 1", &sp, q, m, x, len, lens, 1, 0);
            check_case("planted", &sp, q, m, x, len, lens,
                       (size_t)(4 * ranks + 3), 0);
            sp.exclusion = 3 * m;
            check_case("planted, wide exclusion", &sp, q, m, x, len, lens,
                       (size_t)(2 * ranks + 2), 0);
        }
    }
    free(x);
    free(lens);
}

static void usdchf_cases(void)
{
    size_t len = 0;
    double *x = read_prices(HDTW_TEST_DATA "/usdchf_30min.csv", &len);
    EXPECT(len > 60000, "usdchf_30min.csv: %zu prices read", len);
    size_t *lens = xmalloc((size_t)ranks * sizeof *lens);
    test_rng rng = { 5 };
    if (len > 60000) {
        static const size_t queries[] = { 1000, 31000, 58000 };
        for (size_t c = 0; c < 3; c++) {
            size_t m = c == 0 ? 64 : 128;
            hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
            sp.dtw.band = (long)m / 20;
            sp.znorm = c != 2;
            cut(c == 0 ? CUT_EQUAL : CUT_RANDOM, &rng, len, m, lens);
            check_case("usdchf", &sp, x + queries[c], m, x, len, lens,
                       c == 0 ? 10 : 3, 0);
        }
    }
    free(lens);
    free(x);
}

/* Where the shared bound decides what a rank may skip: exact copies of
 * the query near rank 0's start (found in its first chunks, so its
 * threshold drops to 0 while the others still search) and near the end of
 * the last rank's slice (a tie at 0 with it, which must be kept), a scaled
 * copy (0 only when z-normalised) in the middle rank's; long slices of
 * many chunks, and cuts where some ranks hold fewer than P windows (whose
 * own threshold proves nothing). */
static void bound_cases(void)
{
    test_rng rng = { 2026 };
    const size_t m = 64, len = 40000 * (size_t)ranks;
    size_t *lens = xmalloc((size_t)ranks * sizeof *lens);
    double *x = xmalloc(len * sizeof *x), q[64];
    test_fill_series(&rng, x, len);
    test_fill_series(&rng, q, m);
    const size_t at[] = { 500, len / 2 + 100, len - 3000 };
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < m; i++)
            x[at[c] + i] = c == 1 ? 4.0 * q[i] + 2.0 : q[i];
    for (int kind = 0; kind < 2; kind++) {
        cut(kind ? CUT_RANDOM : CUT_EQUAL, &rng, len, m, lens);
        for (int z = 0; z < 2; z++) {
            hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
            sp.znorm = z;
            sp.dtw.band = 3;
            check_case("bound, k = 1", &sp, q, m, x, len, lens, 1, 0);
            check_case("bound, k = 3", &sp, q, m, x, len, lens, 3, 0);
            sp.exclusion = 0;
            check_case("bound, k = 4, no exclusion", &sp, q, m, x, len, lens,
                       4, 0);
        }
    }
    free(x);
    free(lens);
}

/* ---------------------------------------------------------- the failures */

/* Every rank calls with its own arguments; all must get `want`, out and
 * found untouched; then a good call must succeed everywhere. */
static void check_failure(const char *name, hdtw_status want,
                          const hdtw_search_params *sp, const double *query,
                          size_t m, const double *slice, size_t slice_len,
                          size_t k, hdtw_match *out, size_t *found)
{
    hdtw_match before[4];
    size_t found_before = 12345;
    memset(before, 0x5A, sizeof before);
    hdtw_match mine[4];
    memcpy(mine, before, sizeof mine);
    size_t my_found = found_before;
    hdtw_status s = hdtw_mpi_search(
        ctx, MPI_COMM_WORLD, sp, query, m, slice, slice_len, k,
        out ? mine : NULL, found ? &my_found : NULL);
    EXPECT(s == want, "%s: status %d, want %d", name, s, want);
    EXPECT(memcmp(mine, before, sizeof mine) == 0 &&
               my_found == found_before, "%s: output written", name);
    (void)out;

    double good[64], good_query[8];
    for (size_t i = 0; i < 64; i++)
        good[i] = sin((double)(i + 64 * (size_t)rank) * 0.3);
    for (size_t i = 0; i < 8; i++)
        good_query[i] = sin((double)i * 0.3);
    size_t n = 0;
    s = hdtw_mpi_search(ctx, MPI_COMM_WORLD, NULL, good_query, 8, good, 64, 2,
                        mine, &n);
    EXPECT(s == HDTW_OK && n == 2, "%s: the next call got %d", name, s);
}

/* arguments that must be the same on every rank, different on the last */
static void mismatch_cases(const hdtw_search_params *sp, const double *q,
                           size_t m, const double *slice, size_t n)
{
    hdtw_match out[4];
    size_t found;
    const int last = ranks - 1;
    check_failure("k differs", HDTW_E_ARG, sp, q, m, slice, n,
                  rank == last ? 4 : 3, out, &found);
    check_failure("k zero", HDTW_E_ARG, sp, q, m, slice, n, 0, out, &found);
    hdtw_search_params other = *sp;
    other.exclusion = rank == last ? 3 : sp->exclusion;
    check_failure("exclusion differs", HDTW_E_ARG, &other, q, m, slice, n, 3,
                  out, &found);
    double q2[16];
    memcpy(q2, q, sizeof q2);
    if (rank == last)
        q2[m - 1] = nextafter(q2[m - 1], INFINITY);
    check_failure("query differs by one bit", HDTW_E_ARG, sp, q2, m, slice,
                  n, 3, out, &found);
}

static void failure_cases(void)
{
    const size_t m = 16, n = 200;
    double *slice = xmalloc(n * sizeof *slice), q[16];
    test_rng rng = { 3 };
    test_fill_series(&rng, slice, n);
    for (size_t i = 0; i < n; i++)
        slice[i] += (double)rank;
    test_fill_series(&rng, q, m);
    hdtw_match out[4];
    size_t found;
    const int last = ranks - 1, middle = ranks / 2;
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;

    /* a NaN, an Inf in one rank's slice, at its start, middle, end */
    for (int where = 0; where < 3; where++) {
        size_t at = where == 0 ? 0 : where == 1 ? n / 2 : n - 1;
        double saved = slice[at];
        if (rank == (where == 0 ? last : where == 1 ? middle : 0))
            slice[at] = where == 1 ? INFINITY : NAN;
        check_failure("non-finite slice", HDTW_E_NONFINITE, &sp, q, m, slice,
                      n, 3, out, &found);
        slice[at] = saved;
    }
    /* a window whose normalisation overflows, on the last rank only */
    for (size_t i = 0; i < m && rank == last; i++)
        slice[n / 2 + i] = i % 2 ? 1e300 : -1e300;
    check_failure("znorm overflow", HDTW_E_NONFINITE, &sp, q, m, slice, n, 3,
                  out, &found);
    test_fill_series(&rng, slice, n);

    size_t untouched = 7;
    EXPECT(hdtw_mpi_search(ctx, MPI_COMM_NULL, &sp, q, m, slice, n, 3, out,
                           &untouched) == HDTW_E_ARG && untouched == 7,
           "MPI_COMM_NULL");
    check_failure("NULL out on one rank", HDTW_E_ARG, &sp, q, m, slice, n, 3,
                  rank == last ? NULL : out, &found);
    check_failure("NULL found on one rank", HDTW_E_ARG, &sp, q, m, slice, n,
                  3, out, rank == middle ? NULL : &found);
    check_failure("NULL slice with values", HDTW_E_ARG, &sp, q, m,
                  rank == 0 ? NULL : slice, n, 3, out, &found);
    check_failure("query longer than the series", HDTW_E_ARG, &sp, q, m,
                  slice, rank == 0 ? m - 1 : 0, 3, out, &found);
    /* precedence: an argument error on one rank beats a NaN on another */
    slice[1] = rank == 0 ? NAN : slice[1];
    check_failure("NaN and NULL out", HDTW_E_ARG, &sp, q, m, slice, n, 3,
                  rank == last ? NULL : out, &found);
    slice[1] = 0.0;
    double q2[16];
    memcpy(q2, q, sizeof q2);
    q2[0] = NAN;
    check_failure("NaN in the query", HDTW_E_NONFINITE, &sp, q2, m, slice, n,
                  3, out, &found);
    if (ranks > 1) /* with one rank, nothing can differ */
        mismatch_cases(&sp, q, m, slice, n);
    free(slice);
}

/* The last rank dies (as a crashed node would) while the others are inside
 * hdtw_mpi_search: MPI's default error handling must end the whole job, so
 * mpiexec returns non-zero instead of hanging (CMakeLists.txt checks). */
static void die_in_the_middle(void)
{
    double x[100], q[8];
    for (size_t i = 0; i < 100; i++)
        x[i] = sin((double)i * 0.1);
    memcpy(q, x, sizeof q);
    if (ranks > 1 && rank == ranks - 1)
        _exit(3);
    hdtw_match out[2];
    size_t found;
    hdtw_mpi_search(ctx, MPI_COMM_WORLD, NULL, q, 8, x, 100, 2, out, &found);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    exit(ranks > 1 ? EXIT_SUCCESS : 3); /* not reached when a rank died */
}

int main(int argc, char **argv)
{
    ctx = mpi_test_start(&argc, &argv);
    if (argc > 1 && strcmp(argv[1], "die") == 0)
        die_in_the_middle();
    random_cases(argc > 1 ? atoi(argv[1]) : 150);
    planted_cases();
    usdchf_cases();
    bound_cases();
    failure_cases();
    return mpi_test_finish("test_mpi_search", ctx);
}
