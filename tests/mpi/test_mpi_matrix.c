/* SPDX-License-Identifier: MIT */
/*
 * test_mpi_matrix.c — hdtw_mpi_pdist and hdtw_mpi_cdist at whatever rank
 * count mpirun gives (CI: 1, 2, 3 and 4). Every rank builds the same sets
 * from a seed; the file the ranks write together must hold, byte for byte,
 * the header this test builds from the documented layout and then exactly
 * the doubles hdtw_pdist / hdtw_cdist return in one process (memcmp), and
 * on small sets each of those must be the bits of the test suite's naive
 * DTW (tests/testutil.c), an oracle independent of the library. Random
 * fixed and ragged sets, sizes around the rank count (ranks with no cells,
 * shares that end mid-row), and windows of data/usdchf_30min.csv.
 *
 * Then the failure paths: each must give every rank the same status,
 * leave the target file as it was and no path.part behind, without a
 * hang; a good call after each must still work.
 */
#include "mpi_testutil.h"
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static hdtw_ctx *ctx;
static char dir[256]; /* a fresh directory, the same on every rank */

/* ------------------------------------------------------------- the files */

static char *path_in_dir(const char *name)
{
    char *path = xmalloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    return path;
}

/* The whole file; NULL (and *size 0) when it cannot be read. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    *size = 0;
    if (!f)
        return NULL;
    size_t cap = 4096;
    unsigned char *bytes = xmalloc(cap);
    size_t got;
    while ((got = fread(bytes + *size, 1, cap - *size, f)) > 0) {
        *size += got;
        if (*size == cap)
            bytes = realloc(bytes, cap *= 2); /* test input, trusted */
    }
    fclose(f);
    return bytes;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_text(const char *path, const char *text)
{
    if (rank == 0) {
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

/* The layout of include/hdtw_mpi.h, written out byte by byte. */
static void expected_header(unsigned char h[64], const char *magic,
                            uint64_t rows, uint64_t cols,
                            const hdtw_params *p)
{
    uint64_t fields[4] = { rows, cols, (uint64_t)p->cost,
                           (uint64_t)(int64_t)p->band };
    memset(h, 0, 64);
    memcpy(h, magic, 8);
    for (int f = 0; f < 4; f++)
        for (int b = 0; b < 8; b++)
            h[8 + 8 * f + b] = (unsigned char)(fields[f] >> (8 * b));
}

/* The file at path is the header then the `cells` doubles of want, in
 * little-endian order (this machine's, checked), and path.part is gone. */
static void check_file(const char *name, const char *path,
                       const unsigned char header[64], const double *want,
                       size_t cells)
{
    size_t size = 0;
    unsigned char *bytes = slurp(path, &size);
    char *part = xmalloc(strlen(path) + 6);
    sprintf(part, "%s.part", path);
    EXPECT(bytes && size == 64 + 8 * cells, "%s: file of %zu bytes, want %zu",
           name, size, 64 + 8 * cells);
    if (bytes && size == 64 + 8 * cells) {
        EXPECT(memcmp(bytes, header, 64) == 0, "%s: header differs", name);
        EXPECT(cells == 0 || memcmp(bytes + 64, want, 8 * cells) == 0,
               "%s: distances differ from one process's", name);
    }
    EXPECT(!exists(part), "%s: %s left behind", name, part);
    free(part);
    free(bytes);
}

/* ---------------------------------------------------------- the sets */

typedef struct {
    double *values;
    size_t *offsets; /* NULL: fixed length */
    hdtw_set set;
} test_set;

/* count random walks: of len values each, or ragged (1 .. len values) */
static test_set random_set(test_rng *rng, size_t count, size_t len,
                           int ragged)
{
    test_set t = { 0 };
    size_t total = count * len;
    if (ragged) {
        t.offsets = xmalloc((count + 1) * sizeof *t.offsets);
        t.offsets[0] = test_range(rng, 0, 3); /* offsets need not start at 0 */
        for (size_t i = 0; i < count; i++)
            t.offsets[i + 1] = t.offsets[i] + test_range(rng, 1, len);
        total = t.offsets[count];
    }
    t.values = xmalloc(total * sizeof *t.values);
    test_fill_series(rng, t.values, total);
    t.set = (hdtw_set){ t.values, t.offsets, count, ragged ? 0 : len };
    return t;
}

static void free_set(test_set *t)
{
    free(t->values);
    free(t->offsets);
}

static const double *series(const hdtw_set *s, size_t i, size_t *len)
{
    if (!s->offsets) {
        *len = s->len;
        return s->values + i * s->len;
    }
    *len = s->offsets[i + 1] - s->offsets[i];
    return s->values + s->offsets[i];
}

/* want[c] against the naive DTW of its pair (a_i, b_j) */
static void check_naive(const char *name, const hdtw_params *p,
                        const hdtw_set *a, const hdtw_set *b, int triangle,
                        const double *want)
{
    size_t c = 0;
    for (size_t i = 0; i < a->count; i++)
        for (size_t j = triangle ? i + 1 : 0; j < b->count; j++, c++) {
            size_t m, n;
            const double *x = series(a, i, &m), *y = series(b, j, &n);
            EXPECT(same_bits(want[c], naive_dtw(p->cost, p->band, x, m, y, n)),
                   "%s: cell (%zu, %zu) differs from the naive DTW", name, i,
                   j);
        }
}

/* ----------------------------------------------------------- the checks */

static void check_pdist(const char *name, const hdtw_params *p,
                        const hdtw_set *x, int naive)
{
    char *path = path_in_dir("pdist.bin");
    size_t cells = x->count * (x->count - 1) / 2;
    double *want = xmalloc(cells * sizeof *want);
    hdtw_status s = hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, p, x, path);
    EXPECT(s == HDTW_OK, "%s: hdtw_mpi_pdist: %s", name, hdtw_strerror(s));
    EXPECT(hdtw_pdist(ctx, p, x, want) == HDTW_OK, "%s: hdtw_pdist", name);
    if (naive)
        check_naive(name, p, x, x, 1, want);
    unsigned char h[64];
    expected_header(h, "HDTWPD01", x->count, 0, p);
    check_file(name, path, h, want, cells);
    MPI_Barrier(MPI_COMM_WORLD); /* everyone has read it before the next */
    free(want);
    free(path);
}

static void check_cdist(const char *name, const hdtw_params *p,
                        const hdtw_set *a, const hdtw_set *b, int naive)
{
    char *path = path_in_dir("cdist.bin");
    size_t cells = a->count * b->count;
    double *want = xmalloc(cells * sizeof *want);
    hdtw_status s = hdtw_mpi_cdist(ctx, MPI_COMM_WORLD, p, a, b, path);
    EXPECT(s == HDTW_OK, "%s: hdtw_mpi_cdist: %s", name, hdtw_strerror(s));
    EXPECT(hdtw_cdist(ctx, p, a, b, want) == HDTW_OK, "%s: hdtw_cdist", name);
    if (naive)
        check_naive(name, p, a, b, 0, want);
    unsigned char h[64];
    expected_header(h, "HDTWCD01", a->count, b->count, p);
    check_file(name, path, h, want, cells);
    MPI_Barrier(MPI_COMM_WORLD);
    free(want);
    free(path);
}

static hdtw_params random_params(test_rng *rng)
{
    hdtw_params p = HDTW_PARAMS_DEFAULT;
    p.cost = test_next(rng) % 2 ? HDTW_COST_SQUARED : HDTW_COST_ABS;
    p.band = test_next(rng) % 3 == 0 ? -1 : (long)test_range(rng, 0, 6);
    return p;
}

/* Counts from 1 (an empty triangle) to a few times the rank count, so
 * that shares are empty, inside one row, or across several. */
static void random_cases(int cases)
{
    test_rng rng = { 2026 };
    for (int c = 0; c < cases; c++) {
        hdtw_params p = random_params(&rng);
        size_t count = c < 8 ? (size_t)c + 1 : test_range(&rng, 1, 40);
        test_set x = random_set(&rng, count, test_range(&rng, 1, 24), c % 2);
        char name[64];
        snprintf(name, sizeof name, "pdist case %d (%zu series, %s)", c,
                 count, c % 2 ? "ragged" : "fixed");
        check_pdist(name, &p, &x.set, count <= 12);
        test_set y = random_set(&rng, test_range(&rng, 1, 30),
                                test_range(&rng, 1, 24), c % 3 == 0);
        snprintf(name, sizeof name, "cdist case %d (%zu x %zu)", c, count,
                 y.set.count);
        check_cdist(name, &p, &x.set, &y.set, count * y.set.count <= 100);
        free_set(&y);
        free_set(&x);
    }
}

/* More cells than mpi/matrix.c's scratch for whole rows (2^20): a share
 * of 1 or 2 ranks is computed as several runs of rows. */
static void many_rows_case(void)
{
    test_rng rng = { 1600 };
    test_set x = random_set(&rng, 1600, 3, 0);
    hdtw_params p = { HDTW_COST_SQUARED, 1, 0.0 };
    check_pdist("1600 short series", &p, &x.set, 0);
    free_set(&x);
}

/* Windows of data/usdchf_30min.csv: 120 back-to-back windows of 64
 * closes (fixed), and 150 back-to-back pieces of 20 .. 100 (ragged). */
static void usdchf_cases(void)
{
    size_t len = 0;
    double *x = read_prices(HDTW_TEST_DATA "/usdchf_30min.csv", &len);
    EXPECT(len > 60000, "usdchf_30min.csv: %zu prices read", len);
    if (len > 60000) {
        hdtw_params p = { HDTW_COST_ABS, 6, 0.0 };
        hdtw_set fixed = { x + 20000, NULL, 120, 64 };
        check_pdist("usdchf fixed windows", &p, &fixed, 0);
        size_t offsets[151];
        test_rng rng = { 7 };
        offsets[0] = 31000;
        for (size_t i = 0; i < 150; i++)
            offsets[i + 1] = offsets[i] + test_range(&rng, 20, 100);
        hdtw_set ragged = { x, offsets, 150, 0 };
        p.cost = HDTW_COST_SQUARED;
        check_pdist("usdchf ragged pieces", &p, &ragged, 0);
        hdtw_set some = { x, offsets + 7, 33, 0 };
        check_cdist("usdchf ragged x fixed", &p, &some, &fixed, 0);
    }
    free(x);
}

/* ------------------------------------------------------------- failures */

/* The call fails with `want` on every rank, the target keeps its former
 * content ("old\n", or what it was) and no .part is left. */
static void check_failure(const char *name, hdtw_status want,
                          hdtw_status got, const char *path)
{
    EXPECT(got == want, "%s: %s, want %s", name, hdtw_strerror(got),
           hdtw_strerror(want));
    int same = 0, other = 0;
    MPI_Allreduce(&got, &same, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&got, &other, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    EXPECT(same == other, "%s: the ranks disagree", name);
    if (path) {
        size_t size = 0;
        unsigned char *bytes = slurp(path, &size);
        EXPECT(bytes && size == 4 && memcmp(bytes, "old\n", 4) == 0,
               "%s: %s changed", name, path);
        free(bytes);
        char *part = xmalloc(strlen(path) + 6);
        sprintf(part, "%s.part", path);
        EXPECT(!exists(part), "%s: %s left behind", name, part);
        free(part);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

static int cancel_on_last_rank(void *user, size_t done, size_t total)
{
    (void)user;
    (void)total;
    return rank == ranks - 1 && done > 0;
}

/* Arguments that differ on one rank: HDTW_E_ARG everywhere. */
static void mismatch_cases(const hdtw_set *x, const char *target)
{
    int odd = rank == ranks - 1;
    hdtw_params p = HDTW_PARAMS_DEFAULT, q = { HDTW_COST_SQUARED, -1, 0.0 },
                r = { HDTW_COST_ABS, 3, 0.0 };
    hdtw_set fewer = *x;
    fewer.count -= odd;
    check_failure("count on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, &p, &fewer, target),
                  target);
    check_failure("cost on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, odd ? &q : &p, x,
                                 target), target);
    check_failure("band on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, odd ? &r : &p, x,
                                 target), target);
    char *elsewhere = path_in_dir("elsewhere.bin");
    check_failure("path on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, &p, x,
                                 odd ? elsewhere : target), target);
    EXPECT(!exists(elsewhere), "path on one rank: %s written", elsewhere);
    free(elsewhere);
    double *values = (double *)x->values;
    double saved = values[5];
    values[5] = odd ? nextafter(saved, INFINITY) : saved;
    check_failure("one value's last bit on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, &p, x, target), target);
    values[5] = odd ? NAN : saved;
    check_failure("NaN in one rank's copy only", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, &p, x, target), target);
    values[5] = saved;
}

static void failure_cases(void)
{
    test_rng rng = { 99 };
    test_set t = random_set(&rng, 3 * (size_t)ranks + 5, 16, 0);
    const hdtw_set *x = &t.set;
    char *target = path_in_dir("target.bin");
    write_text(target, "old\n");

    double *values = t.values, saved = values[x->count * 16 - 1];
    values[x->count * 16 - 1] = NAN; /* in the last series: the last rows */
    check_failure("NaN in the last rank's rows", HDTW_E_NONFINITE,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x, target),
                  target);
    check_failure("NaN, cdist", HDTW_E_NONFINITE,
                  hdtw_mpi_cdist(ctx, MPI_COMM_WORLD, NULL, x, x, target),
                  target);
    values[x->count * 16 - 1] = saved;

    char *missing = path_in_dir("no/such/dir.bin");
    check_failure("a missing directory", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x, missing),
                  NULL);
    free(missing);
    char *adir = path_in_dir("a-directory");
    if (rank == 0)
        mkdir(adir, 0755);
    MPI_Barrier(MPI_COMM_WORLD);
    /* the .part is written, the rename onto a directory fails */
    check_failure("path names a directory", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x, adir), NULL);
    char *adir_part = xmalloc(strlen(adir) + 6);
    sprintf(adir_part, "%s.part", adir);
    EXPECT(!exists(adir_part), "path names a directory: .part left");
    free(adir_part);

    /* path.part cannot be created: it is a directory (left as it is) */
    char *blocked = path_in_dir("blocked.bin.part");
    if (rank == 0)
        mkdir(blocked, 0755);
    MPI_Barrier(MPI_COMM_WORLD);
    char *blocked_path = path_in_dir("blocked.bin");
    check_failure("path.part is a directory", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x, blocked_path),
                  NULL);
    EXPECT(!exists(blocked_path), "path.part is a directory: path created");
    free(blocked_path);
    free(blocked);

    hdtw_set none = *x;
    none.count = 0;
    check_failure("count 0", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, &none, target),
                  target);
    check_failure("NULL path on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x,
                                 rank == 0 ? NULL : target), target);
    check_failure("NULL ctx on one rank", HDTW_E_ARG,
                  hdtw_mpi_cdist(rank == ranks - 1 ? NULL : ctx,
                                 MPI_COMM_WORLD, NULL, x, x, target), target);
    check_failure("NULL set on one rank", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL,
                                 rank == 0 ? NULL : x, target), target);
    check_failure("MPI_COMM_NULL", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_NULL, NULL, x, target),
                  target);
    /* the precedence: an argument error on one rank beats a NaN */
    double first = values[0];
    values[0] = NAN;
    check_failure("NaN and NULL path", HDTW_E_ARG,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x,
                                 rank == ranks - 1 ? NULL : target), target);
    values[0] = first;
    if (ranks > 1)
        mismatch_cases(x, target);
    hdtw_set_progress(ctx, cancel_on_last_rank, NULL);
    check_failure("cancelled on the last rank", HDTW_E_CANCELLED,
                  hdtw_mpi_pdist(ctx, MPI_COMM_WORLD, NULL, x, target),
                  target);
    hdtw_set_progress(ctx, NULL, NULL);

    hdtw_params p = HDTW_PARAMS_DEFAULT;
    check_pdist("a good call after the failures", &p, x, 0);
    char *part = path_in_dir("cdist.bin.part");
    write_text(part, "stale\n"); /* a .part of an earlier job is replaced */
    check_cdist("a good call over a stale .part", &p, x, x, 0);
    free(part);
    free(adir);
    free(target);
    free_set(&t);
}

/* A fresh directory for the files, made by rank 0, named to every rank. */
static void make_dir(void)
{
    if (rank == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/hdtw_mpi_matrix.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            fprintf(stderr, "test_mpi_matrix: no directory %s\n", dir);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
    }
    MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
}

/* Removes the directory and what the tests left in it (rank 0). */
static void remove_dir(void)
{
    static const char *names[] = { "pdist.bin", "cdist.bin", "target.bin",
                                   "target.bin.part", "a-directory",
                                   "blocked.bin.part" };
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank != 0)
        return;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *path = path_in_dir(names[i]);
        remove(path);
        free(path);
    }
    EXPECT(rmdir(dir) == 0, "%s: files left behind", dir);
}

int main(int argc, char **argv)
{
    ctx = mpi_test_start(&argc, &argv);
    make_dir();
    random_cases(argc > 1 ? atoi(argv[1]) : 40);
    many_rows_case();
    usdchf_cases();
    failure_cases();
    remove_dir();
    return mpi_test_finish("test_mpi_matrix", ctx);
}
