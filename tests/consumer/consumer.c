/* SPDX-License-Identifier: MIT */
/* Built by .ci/run against the installed library through pkg-config. */
#include <hdtw.h>
#include <stdio.h>

int main(void)
{
    const double a[] = { 1, 2, 3 }, b[] = { 1, 2, 2, 3, 4 };
    hdtw_params p = { HDTW_COST_SQUARED, -1, 0.0 };
    hdtw_ctx *ctx;
    double d = -1;
    if (hdtw_create(&ctx) != HDTW_OK || hdtw_distance(ctx, &p, a, 3, b, 5, &d) != HDTW_OK)
        return 1;
    hdtw_destroy(ctx);
    printf("consumer: dtw = %g (tslearn says 1)\n", d);
    return d == 1.0 ? 0 : 1;
}
