/* SPDX-License-Identifier: MIT */
/* The README's C example: distance, alignment, sliding windows, search. */
#include <hdtw.h>
#include <stdio.h>

int main(void)
{
    const double a[] = { 1, 2, 3, 2 }, b[] = { 1, 3, 3, 2, 2 };
    const double series[] = { 0, 1, 2, 3, 2, 1, 0, 1, 3, 3, 2, 2, 0 };
    hdtw_ctx *ctx;
    if (hdtw_create(&ctx) != HDTW_OK) /* reads HDTW_BACKEND etc. */
        return 1;

    hdtw_params p = HDTW_PARAMS_DEFAULT; /* |x - y| cost, no band */
    double d;
    hdtw_status s = hdtw_distance(ctx, &p, a, 4, b, 5, &d);
    if (s != HDTW_OK) {
        fprintf(stderr, "%s\n", hdtw_strerror(s));
        return 1;
    }
    printf("distance %g\n", d);

    hdtw_alignment al; /* the warping path and a similarity in (0, 1] */
    if (hdtw_align(ctx, &p, a, 4, b, 5, &al) == HDTW_OK) {
        for (size_t k = 0; k < al.path_len; k++)
            printf("(%zu,%zu) ", al.path[2 * k], al.path[2 * k + 1]);
        printf("similarity %g\n", al.similarity);
        hdtw_alignment_free(&al);
    }

    /* a against every 4-value window of series, read in place */
    double out[10];
    size_t count = hdtw_sliding_count(13, 4, 1);
    if (hdtw_sliding(ctx, &p, a, 4, series, 13, 4, 1, out) == HDTW_OK)
        printf("%zu windows, the first at distance %g\n", count, out[0]);

    /* the 2 windows most like a in shape (z-normalised), exactly */
    hdtw_search_params sp = HDTW_SEARCH_DEFAULT;
    hdtw_match best[2];
    size_t found;
    if (hdtw_search(ctx, &sp, a, 4, series, 13, 2, best, &found) == HDTW_OK)
        for (size_t k = 0; k < found; k++)
            printf("match at %zu, distance %g\n", best[k].start,
                   best[k].distance);
    hdtw_destroy(ctx);
    return 0;
}
